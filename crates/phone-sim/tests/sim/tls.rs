//! HTTPS: fingerprint, certificate names and rotation.

use std::sync::Arc;

use callpop_phone_sim::SimConfig;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{ServerName, UnixTime};
use rustls::RootCertStore;

use crate::common::{fast_config, fingerprint, pinned_client, start};

fn tls_config() -> SimConfig {
    SimConfig {
        tls: true,
        ..fast_config()
    }
}

#[tokio::test]
async fn serves_https_with_the_advertised_certificate() {
    let sim = start(tls_config()).await;
    assert!(sim.url().starts_with("https://127.0.0.1:"));
    let fp = sim.cert_fingerprint().expect("TLS phone has a fingerprint");
    assert_eq!(fp.len(), 95);
    assert!(fp.split(':').all(|b| b.len() == 2
        && b.bytes()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())));

    let (client, pinned) = pinned_client(&fp);
    let text = client
        .get(format!("{}/json/configs/model.define.js", sim.url()))
        .send()
        .await
        .expect("pinned client connects")
        .text()
        .await
        .expect("body");
    assert!(text.contains("GXP2170"));

    // The certificate is valid for the loopback names when trusted as its own anchor.
    let cert = pinned
        .seen
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("certificate seen");
    assert_eq!(fingerprint(&cert), fp);
    let mut roots = RootCertStore::empty();
    roots.add(cert.clone()).expect("usable as anchor");
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(roots),
        Arc::new(rustls::crypto::ring::default_provider()),
    )
    .build()
    .expect("verifier");
    for name in ["127.0.0.1", "localhost", "::1"] {
        let name = ServerName::try_from(name).expect("valid name");
        verifier
            .verify_server_cert(&cert, &[], &name, &[], UnixTime::now())
            .unwrap_or_else(|e| panic!("{name:?}: {e}"));
    }
}

#[tokio::test]
async fn rotation_changes_the_certificate_for_new_connections() {
    let sim = start(tls_config()).await;
    let old = sim.cert_fingerprint().expect("fingerprint");
    sim.rotate_certificate();
    let new = sim.cert_fingerprint().expect("fingerprint");
    assert_ne!(old, new);

    let url = format!("{}/json/configs/model.define.js", sim.url());
    let (stale, _) = pinned_client(&old);
    let error = stale
        .get(&url)
        .send()
        .await
        .expect_err("pinned client refuses the new cert");
    assert!(error.is_connect(), "{error}");
    let (fresh, _) = pinned_client(&new);
    assert!(fresh
        .get(&url)
        .send()
        .await
        .expect("connects")
        .status()
        .is_success());
}

#[tokio::test]
async fn plain_http_has_no_fingerprint() {
    let sim = start(fast_config()).await;
    assert!(sim.url().starts_with("http://"));
    assert_eq!(sim.cert_fingerprint(), None);
    sim.rotate_certificate(); // harmless
}
