//! `https://` and `wss://`: a pinned certificate is accepted, another one or one the system
//! does not trust is refused with its fingerprint, before the password leaves.
//!
//! The simulator speaks plain HTTP; a TLS front (what a reverse proxy does for a real XiVO)
//! is put before it here, with a fixed self-signed test certificate (`fixtures/`, made with
//! `openssl req -x509 -newkey ec ... -subj /CN=localhost`).

use crate::common::*;
use callpop_phone::backend::xivo::Xivo;
use callpop_phone::tracker::CallEventKind;
use callpop_phone::{Backend, CertFingerprint, PhoneError, RejectedLogins, Secret};
use callpop_phone_sim::xuc::{UserData, XucSim};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};

const CERT: &[u8] = include_bytes!("fixtures/server-cert.der");
const KEY: &[u8] = include_bytes!("fixtures/server-key.der");

/// A TLS front for `sim`: its address and how many TLS handshakes it completed.
async fn tls_front(sim: &XucSim) -> (SocketAddr, Arc<AtomicUsize>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocols")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(CERT.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(KEY.to_vec())),
        )
        .expect("test certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let backend = sim.addr();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let counted = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let counted = counted.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(client).await else {
                    return;
                };
                counted.fetch_add(1, Ordering::SeqCst);
                let Ok(mut plain) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    (addr, handshakes)
}

fn behind_tls(front: SocketAddr, pin: Option<String>) -> Arc<Xivo> {
    let mut settings = settings(&format!("https://{front}"), "alice");
    settings.cert_sha256 = pin;
    Arc::new(
        Xivo::with_timing(
            &settings,
            Secret::new("alice"),
            Arc::new(RejectedLogins::in_memory()),
            fast(),
        )
        .expect("backend"),
    )
}

fn fingerprint() -> CertFingerprint {
    CertFingerprint::of(CERT)
}

#[tokio::test]
async fn the_pinned_certificate_carries_login_and_websocket() {
    let sim = sim().await;
    let (front, handshakes) = tls_front(&sim).await;
    let xivo = behind_tls(front, Some(fingerprint().to_string()));
    let report = xivo.check().await.expect("connected over TLS");
    assert_eq!(report.message, "Connected to XiVO as alice.");
    // One handshake for the login, one for the websocket.
    assert_eq!(handshakes.load(Ordering::SeqCst), 2);
    let (_session, mut events) = watch(xivo).await;
    sim.ring("alice", "0612", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
}

#[tokio::test]
async fn another_certificate_than_the_pinned_one_is_refused_before_the_login() {
    let sim = sim().await;
    let (front, _) = tls_front(&sim).await;
    let other = CertFingerprint::of(b"another certificate");
    let xivo = behind_tls(front, Some(other.to_string()));
    let error = xivo.connect().await.err().expect("refused");
    match &error {
        PhoneError::CertificateChanged {
            expected, actual, ..
        } => {
            assert_eq!(expected, &other.to_string());
            assert_eq!(actual, &fingerprint().to_string());
        }
        other => panic!("certificate changed expected, got {other:?}"),
    }
    assert!(error.needs_user());
    assert!(sim.auth_records().is_empty(), "the password never left");
}

#[tokio::test]
async fn an_untrusted_certificate_is_shown_for_pinning() {
    let sim = sim().await;
    let (front, _) = tls_front(&sim).await;
    let xivo = behind_tls(front, None);
    let error = xivo.check().await.expect_err("refused");
    match &error {
        PhoneError::CertificateUnknown {
            fingerprint: seen, ..
        } => {
            assert_eq!(seen, &fingerprint().to_string());
        }
        other => panic!("certificate unknown expected, got {other:?}"),
    }
    assert!(error.needs_user());
    assert!(sim.auth_records().is_empty(), "the password never left");
}
