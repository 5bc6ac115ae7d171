//! HTTPS to the phone with trust-on-first-use certificate pinning.
//!
//! Desk phones carry self-signed or vendor-CA certificates that no system trust store knows.
//! Other tools either accept any certificate (anyone on the LAN can then collect the passcode)
//! or make the user click through a browser warning. callpop pins: on first contact the phone's
//! certificate is refused but its SHA-256 fingerprint is reported, the user compares and
//! accepts it, and from then on exactly that certificate is accepted. The handshake fails
//! before any request is sent, so the passcode never reaches an unknown peer.

use crate::error::PhoneError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    verify_tls12_signature, verify_tls13_signature, CryptoProvider, WebPkiSupportedAlgorithms,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

/// SHA-256 of a certificate's DER encoding.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CertFingerprint([u8; 32]);

impl CertFingerprint {
    pub fn of(der: &[u8]) -> Self {
        Self(Sha256::digest(der).into())
    }
}

/// Upper-case, colon-separated hex, the way browsers and phones show it.
impl fmt::Display for CertFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for CertFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CertFingerprint({self})")
    }
}

/// Accepts `AB:CD:...`, `ab cd ...` or plain hex: people paste it from many places.
impl FromStr for CertFingerprint {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hex_only: String = s
            .chars()
            .filter(|c| !matches!(c, ':' | ' ' | '-'))
            .collect();
        let bytes = hex::decode(&hex_only)
            .map_err(|_| "a certificate fingerprint is written in hexadecimal".to_owned())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| {
            "a SHA-256 certificate fingerprint has 32 bytes (64 hex digits)".to_owned()
        })?;
        Ok(Self(bytes))
    }
}

/// Accepts exactly the pinned certificate; remembers the last certificate it was shown so a
/// refusal can be reported with both fingerprints.
#[derive(Debug)]
pub(crate) struct PinningVerifier {
    pin: Option<CertFingerprint>,
    last_refused: LastRefused,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinningVerifier {
    pub(crate) fn pin(&self) -> Option<CertFingerprint> {
        self.pin
    }

    /// When the last handshake failed over the certificate: the error that names the one
    /// shown (and the one accepted before, when it changed), for `host`.
    pub(crate) fn refusal(&self, host: &str) -> Option<PhoneError> {
        let seen = self.last_refused.take()?;
        let host = host.to_owned();
        Some(match self.pin {
            Some(expected) => PhoneError::CertificateChanged {
                host,
                expected: expected.to_string(),
                actual: seen.to_string(),
            },
            None => PhoneError::CertificateUnknown {
                host,
                fingerprint: seen.to_string(),
            },
        })
    }
}

/// The certificate a verifier refused last, kept so the refusal can be reported with its
/// fingerprint (rustls' own error does not carry it).
#[derive(Debug, Default)]
pub(crate) struct LastRefused(Mutex<Option<CertFingerprint>>);

impl LastRefused {
    /// Remembers `seen` as the certificate refused last.
    pub(crate) fn note(&self, seen: CertFingerprint) {
        if let Ok(mut last) = self.0.lock() {
            *last = Some(seen);
        }
    }

    /// The certificate most recently refused, cleared by reading it.
    pub(crate) fn take(&self) -> Option<CertFingerprint> {
        self.0.lock().ok().and_then(|mut seen| seen.take())
    }
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The pin replaces chain and name checks: phones are reached by IP address and are
        // their own issuers, so those checks would always fail and teach users to click through.
        let seen = CertFingerprint::of(end_entity.as_ref());
        if self.pin == Some(seen) {
            return Ok(ServerCertVerified::assertion());
        }
        self.last_refused.note(seen);
        Err(rustls::Error::General(
            "the phone's certificate is not the accepted one".into(),
        ))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// A rustls configuration that trusts exactly `pin` (or nothing, before first contact).
pub(crate) fn pinned_tls_config(
    pin: Option<CertFingerprint>,
) -> Result<(rustls::ClientConfig, Arc<PinningVerifier>), rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinningVerifier {
        pin,
        last_refused: LastRefused::default(),
        algorithms: provider.signature_verification_algorithms,
    });
    let config = client_config(provider, verifier.clone())?;
    Ok((config, verifier))
}

/// A rustls configuration (ring, safe protocol versions, HTTP/1.1) in which `verifier` alone
/// decides which certificate to accept.
pub(crate) fn client_config(
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_round_trips_in_any_common_form() {
        let fp = CertFingerprint::of(b"certificate");
        let shown = fp.to_string();
        assert_eq!(shown.len(), 32 * 3 - 1);
        assert_eq!(shown.parse::<CertFingerprint>(), Ok(fp));
        assert_eq!(
            shown
                .replace(':', "")
                .to_lowercase()
                .parse::<CertFingerprint>(),
            Ok(fp)
        );
        assert_eq!(shown.replace(':', " ").parse::<CertFingerprint>(), Ok(fp));
        assert!("AB:CD".parse::<CertFingerprint>().is_err());
        assert!("zz".repeat(32).parse::<CertFingerprint>().is_err());
    }
}
