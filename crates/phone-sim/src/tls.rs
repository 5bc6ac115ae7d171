//! HTTPS identity: a self-signed certificate like the ones phones generate for themselves.
//!
//! Clients are expected to pin the certificate's SHA-256 fingerprint on first contact, so the
//! fingerprint is exposed in the form users compare by eye (`AB:CD:...`), and the certificate can
//! be rotated to check that a pinning client then refuses the phone.

use std::net::IpAddr;
use std::sync::{Arc, RwLock};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;
use sha2::{Digest, Sha256};
use tokio_rustls::TlsAcceptor;

use crate::error::SimError;
use crate::sync::{read, write};

/// One certificate and the server configuration that presents it.
#[derive(Debug)]
struct Identity {
    config: Arc<ServerConfig>,
    fingerprint: String,
}

/// The current HTTPS identity; replaced wholesale on rotation.
#[derive(Debug)]
pub(crate) struct TlsState {
    names: Vec<String>,
    current: RwLock<Arc<Identity>>,
}

impl TlsState {
    /// Generates a first certificate valid for `127.0.0.1`, `::1`, `localhost` and, when it is
    /// a specific address, the one the phone listens on.
    pub(crate) fn new(bind_ip: IpAddr) -> Result<TlsState, SimError> {
        let mut names = vec![
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
            "localhost".to_owned(),
        ];
        if !bind_ip.is_unspecified() && !bind_ip.is_loopback() {
            names.push(bind_ip.to_string());
        }
        let identity = Identity::generate(&names)?;
        Ok(TlsState {
            names,
            current: RwLock::new(Arc::new(identity)),
        })
    }

    /// An acceptor presenting the current certificate; connections keep the certificate they
    /// were accepted with.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(Arc::clone(&read(&self.current).config))
    }

    /// SHA-256 of the current certificate's DER, as `AB:CD:...`.
    pub(crate) fn fingerprint(&self) -> String {
        read(&self.current).fingerprint.clone()
    }

    /// Replaces the certificate (and key) for connections accepted from now on.
    pub(crate) fn rotate(&self) -> Result<String, SimError> {
        let identity = Identity::generate(&self.names)?;
        let fingerprint = identity.fingerprint.clone();
        *write(&self.current) = Arc::new(identity);
        Ok(fingerprint)
    }
}

impl Identity {
    fn generate(names: &[String]) -> Result<Identity, SimError> {
        let mut params = rcgen::CertificateParams::new(names.to_vec())
            .map_err(|e| SimError::Tls(format!("certificate parameters: {e}")))?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "callpop phone simulator");
        params.distinguished_name.push(
            rcgen::DnType::OrganizationName,
            "Grandstream Networks (simulated)",
        );
        let key = rcgen::KeyPair::generate()
            .map_err(|e| SimError::Tls(format!("key generation: {e}")))?;
        let cert = params
            .self_signed(&key)
            .map_err(|e| SimError::Tls(format!("self-signing: {e}")))?;
        let der: CertificateDer<'static> = cert.der().clone();
        let fingerprint = fingerprint(&der);
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));

        // The ring provider is chosen explicitly: the process-wide default may be unset or
        // differ in applications that embed the simulator.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| SimError::Tls(format!("protocol versions: {e}")))?
            .with_no_client_auth()
            .with_single_cert(vec![der], key_der)
            .map_err(|e| SimError::Tls(format!("server certificate: {e}")))?;
        // Only HTTP/1.1 is served, as on the phones' embedded web servers.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Identity {
            config: Arc::new(config),
            fingerprint,
        })
    }
}

/// Uppercase, colon-separated SHA-256 of a certificate's DER bytes: the format
/// [`crate::PhoneSim::cert_fingerprint`] reports, for clients that pin certificates.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn fingerprint_format() {
        let fp = fingerprint(b"abc");
        assert_eq!(fp.len(), 32 * 3 - 1);
        assert!(fp.starts_with("BA:78:16:BF"));
    }

    #[test]
    fn rotation_changes_the_fingerprint() {
        let tls = TlsState::new(IpAddr::V4(Ipv4Addr::LOCALHOST)).expect("certificate");
        let first = tls.fingerprint();
        let second = tls.rotate().expect("rotation");
        assert_ne!(first, second);
        assert_eq!(tls.fingerprint(), second);
    }
}
