//! Phone traffic never goes through a proxy from the environment: the passcode travels in the
//! URL, and an HTTP(S)_PROXY set for the browser would receive it in clear.
//!
//! Its own test binary: the proxy variables are process-wide.

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient};
use callpop_phone::{Credentials, Secret};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

#[tokio::test]
async fn the_passcode_never_reaches_a_proxy_from_the_environment() {
    // A "proxy" that only counts who connects to it and what they send.
    let proxy = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let proxy_url = format!("http://{}", proxy.local_addr().expect("addr"));
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = proxy.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf).await;
        }
    });
    for name in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        // SAFETY of set_var: this test binary has this single test; no other thread reads the
        // environment while it is being set.
        std::env::set_var(name, &proxy_url);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode("proxy-test-pass".into()),
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    // The phone is reached by a name that is not loopback, so that no built-in proxy
    // exception for 127.0.0.1 could hide a client that honours the variables.
    let address = sim.url().replace("127.0.0.1", "localhost");
    let config = ClientConfig::new(
        &address,
        Credentials::Passcode(Secret::new("proxy-test-pass")),
    )
    .expect("config");
    let client = CtiClient::new(config).expect("client");
    let lines = client
        .line_status()
        .await
        .expect("the phone answers directly");
    assert!(!lines.is_empty());
    assert_eq!(seen.load(Ordering::SeqCst), 0, "nothing went to the proxy");
}
