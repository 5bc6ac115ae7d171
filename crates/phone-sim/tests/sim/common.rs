//! Shared helpers: starting phones with test-friendly timings and talking to them over real
//! HTTP(S) with reqwest.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use callpop_phone_sim::{PhoneSim, SimConfig};
use reqwest::StatusCode;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Default configuration with timings small enough for a fast suite.
pub fn fast_config() -> SimConfig {
    SimConfig {
        key_interval: Duration::from_millis(20),
        push_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

pub async fn start(config: SimConfig) -> PhoneSim {
    PhoneSim::start(config).await.expect("simulator starts")
}

pub async fn start_fast() -> PhoneSim {
    start(fast_config()).await
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts exactly the certificate with this fingerprint, and remembers what it saw.
#[derive(Debug)]
pub struct Pinned {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
    pub seen: Mutex<Option<CertificateDer<'static>>>,
}

pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().expect("not poisoned") = Some(end_entity.clone().into_owned());
        if fingerprint(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "certificate fingerprint changed".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client that accepts only the certificate with `fingerprint` (any string for plain HTTP:
/// reqwest built without a crypto provider needs some TLS configuration anyway).
pub fn pinned_client(fingerprint: &str) -> (reqwest::Client, Arc<Pinned>) {
    let verifier = Arc::new(Pinned {
        fingerprint: fingerprint.to_owned(),
        provider: provider(),
        seen: Mutex::new(None),
    });
    let mut tls = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds");
    (client, verifier)
}

/// Plain HTTP client.
pub fn client() -> reqwest::Client {
    pinned_client("none").0
}

pub use crate::support::with_query;

/// A GET whose JSON answer is returned with its status; panics on transport errors.
pub async fn get_json(
    client: &reqwest::Client,
    url: &str,
    query: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = client
        .get(with_query(url, query))
        .send()
        .await
        .expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, json)
}

/// `GET /cgi-bin/<function>?passcode=admin&<query>`; asserts HTTP 200 and a JSON content type.
pub async fn cti(sim: &PhoneSim, function: &str, query: &[(&str, &str)]) -> Value {
    let mut all = vec![("passcode", "admin")];
    all.extend_from_slice(query);
    let response = client()
        .get(with_query(
            &format!("{}/cgi-bin/{function}", sim.url()),
            &all,
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK, "{function}");
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    response.json().await.expect("JSON answer")
}

/// The line objects of `api-get_line_status`.
pub async fn line_status(sim: &PhoneSim) -> Vec<Value> {
    let answer = cti(sim, "api-get_line_status", &[]).await;
    assert_eq!(answer["response"], "success");
    answer["body"].as_array().expect("array body").clone()
}

/// The `state` of 1-based `line` as the CTI reports it.
pub async fn state_of(sim: &PhoneSim, line: usize) -> String {
    line_status(sim).await[line - 1]["state"]
        .as_str()
        .expect("state string")
        .to_owned()
}

/// Polls `check` every 10 ms for up to 3 s.
pub async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
