//! Which certificate the xuc server may present on `https://` and `wss://`.
//!
//! A XiVO is a server, often with a certificate from a public or company CA that the
//! computer already trusts; then nothing needs setting up and the operating system's
//! verifier decides (`rustls-platform-verifier`, as for CardDAV and the CRM). Many XiVOs still
//! run the self-signed certificate of their installation: for those the settings pin its
//! SHA-256 fingerprint ([`crate::tls`], the same pinning as for desk phones), and exactly that
//! certificate is accepted. Either way a refused certificate is reported with its fingerprint,
//! so the person can compare it with the server's and pin it, and the password is never sent
//! to a server that was not accepted: the handshake fails before the login is sent.
//!
//! The same configuration serves the login request and the websocket.

use crate::error::PhoneError;
use crate::tls::{client_config, pinned_tls_config, CertFingerprint, LastRefused, PinningVerifier};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;

/// The rustls configuration for one server, and what it refused last.
#[derive(Clone, Debug)]
pub(crate) struct Trust {
    config: Arc<rustls::ClientConfig>,
    judge: Judge,
}

#[derive(Clone, Debug)]
enum Judge {
    Pinned(Arc<PinningVerifier>),
    System(Arc<SystemVerifier>),
}

impl Trust {
    /// Trusts exactly `pin` when given, else what the operating system trusts.
    pub(crate) fn new(pin: Option<CertFingerprint>) -> Result<Self, rustls::Error> {
        match pin {
            Some(pin) => {
                let (config, verifier) = pinned_tls_config(Some(pin))?;
                Ok(Self {
                    config: Arc::new(config),
                    judge: Judge::Pinned(verifier),
                })
            }
            None => {
                let provider = Arc::new(rustls::crypto::ring::default_provider());
                let verifier = Arc::new(SystemVerifier {
                    inner: rustls_platform_verifier::Verifier::new(provider.clone())?,
                    last_refused: LastRefused::default(),
                });
                Ok(Self {
                    config: Arc::new(client_config(provider, verifier.clone())?),
                    judge: Judge::System(verifier),
                })
            }
        }
    }

    /// Trusts no certificate at all: for `http://` servers, where TLS is never used but the
    /// HTTP client still wants a configuration.
    pub(crate) fn refuse_all() -> Result<Self, rustls::Error> {
        let (config, verifier) = pinned_tls_config(None)?;
        Ok(Self {
            config: Arc::new(config),
            judge: Judge::Pinned(verifier),
        })
    }

    pub(crate) fn config(&self) -> Arc<rustls::ClientConfig> {
        self.config.clone()
    }

    /// When the last handshake failed over the certificate: the error that says which one.
    pub(crate) fn refusal(&self, host: &str) -> Option<PhoneError> {
        match &self.judge {
            Judge::Pinned(verifier) => verifier.refusal(host),
            Judge::System(verifier) => {
                let seen = verifier.last_refused.take()?;
                Some(PhoneError::CertificateUnknown {
                    host: host.to_owned(),
                    fingerprint: seen.to_string(),
                })
            }
        }
    }
}

/// The operating system's verdict, remembering the certificate it refused.
#[derive(Debug)]
struct SystemVerifier {
    inner: rustls_platform_verifier::Verifier,
    last_refused: LastRefused,
}

impl ServerCertVerifier for SystemVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if verdict.is_err() {
            self.last_refused
                .note(CertFingerprint::of(end_entity.as_ref()));
        }
        verdict
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}
