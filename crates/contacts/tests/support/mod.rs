//! Real directory servers for the integration tests: Radicale (CardDAV) and OpenLDAP's slapd,
//! each started per test on a free loopback port in its own temporary directory, and always
//! stopped by a drop guard, also when the test fails.
//!
//! The servers come from Debian packages (`scripts/deps.sh test`). When they are missing the
//! tests fail and say so: a silently skipped test would look like a passing one.

#![allow(dead_code)]

pub mod fake_crm;

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use callpop_phone::number::DialingRules;

const SERVERS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/servers");

/// How long a server may take to start answering.
const STARTUP_LIMIT: Duration = Duration::from_secs(30);

/// Rules of a desk in Berlin.
pub fn german_desk() -> DialingRules {
    DialingRules {
        country: "DE".into(),
        ..DialingRules::default()
    }
}

/// A running server, killed when dropped.
pub struct ServerGuard {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
    log: PathBuf,
}

impl ServerGuard {
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The server's output so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The path of a server binary, or a failure telling how to install it.
fn require(binary: &str, package: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin"] {
        let path = Path::new(dir).join(binary);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "`{binary}` (Debian package {package}) is not installed, so the contacts tests cannot \
         start their test server. Run `scripts/deps.sh test` (it installs radicale, slapd and \
         ldap-utils) and run the tests again."
    );
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local addr").port()
}

fn fill_template(name: &str, port: u16, dir: &Path) -> String {
    std::fs::read_to_string(Path::new(SERVERS_DIR).join(name))
        .expect("read server config template")
        .replace("@PORT@", &port.to_string())
        .replace("@TESTDIR@", &dir.display().to_string())
}

fn spawn_logged(mut command: Command, log: &Path) -> Child {
    let out = std::fs::File::create(log).expect("create server log");
    let err = out.try_clone().expect("clone log handle");
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start server")
}

/// Waits until the server accepts connections; fails with its log if it exits or never
/// does.
fn wait_until_listening(guard: &mut ServerGuard, name: &str) {
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = guard.child.try_wait() {
            panic!("{name} exited at start ({status}):\n{}", guard.log());
        }
        if TcpStream::connect_timeout(&guard.addr(), Duration::from_millis(200)).is_ok() {
            return;
        }
        if started.elapsed() > STARTUP_LIMIT {
            panic!(
                "{name} did not start listening within {STARTUP_LIMIT:?}:\n{}",
                guard.log()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// User and password Radicale accepts.
pub const DAV_USER: &str = "anna";
pub const DAV_PASSWORD: &str = "correct horse";

/// Radicale with one user and no collections yet.
pub fn start_radicale() -> ServerGuard {
    let binary = require("radicale", "radicale");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    std::fs::create_dir_all(dir.path().join("collections")).expect("collections dir");
    std::fs::write(
        dir.path().join("users"),
        format!("{DAV_USER}:{DAV_PASSWORD}\n"),
    )
    .expect("users file");
    let config = dir.path().join("radicale.config");
    std::fs::write(&config, fill_template("radicale.config", port, dir.path())).expect("config");
    let log = dir.path().join("radicale.log");
    let mut command = Command::new(binary);
    command.arg("--config").arg(&config);
    let child = spawn_logged(command, &log);
    let mut guard = ServerGuard {
        child,
        port,
        dir,
        log,
    };
    wait_until_listening(&mut guard, "radicale");
    guard
}

/// The LDAP suffix and the administrator the tests bind as.
pub const LDAP_BASE: &str = "dc=example,dc=test";
pub const LDAP_ADMIN: &str = "cn=admin,dc=example,dc=test";
pub const LDAP_PASSWORD: &str = "secret";

/// slapd with tests/servers/base.ldif loaded.
pub fn start_slapd() -> ServerGuard {
    let slapd = require("slapd", "slapd");
    let slapadd = require("slapadd", "slapd");
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    std::fs::create_dir_all(dir.path().join("db")).expect("db dir");
    let config = dir.path().join("slapd.conf");
    std::fs::write(&config, fill_template("slapd.conf", port, dir.path())).expect("config");
    let loaded = Command::new(slapadd)
        .arg("-f")
        .arg(&config)
        .arg("-l")
        .arg(Path::new(SERVERS_DIR).join("base.ldif"))
        .output()
        .expect("run slapadd");
    assert!(
        loaded.status.success(),
        "slapadd failed: {}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let log = dir.path().join("slapd.log");
    let mut command = Command::new(slapd);
    // -d keeps slapd in the foreground (so the guard owns the process); -h its own port only.
    command
        .arg("-f")
        .arg(&config)
        .arg("-h")
        .arg(format!("ldap://127.0.0.1:{port}/"))
        .arg("-d")
        .arg("0");
    let child = spawn_logged(command, &log);
    let mut guard = ServerGuard {
        child,
        port,
        dir,
        log,
    };
    wait_until_listening(&mut guard, "slapd");
    guard
}

/// A server that accepts connections and never says anything, for timeout tests. Runs until
/// the guard is dropped.
pub struct SilentServer {
    pub addr: SocketAddr,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl SilentServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop_flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !stop_flag.load(std::sync::atomic::Ordering::SeqCst) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        // Read whatever comes, answer nothing.
                        let _ = stream.set_nonblocking(true);
                        let mut sink = [0u8; 1024];
                        let _ = stream.read(&mut sink);
                        held.push(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Self {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// An HTTP client for driving the test servers (not the one under test).
pub fn test_http_client() -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .expect("test client")
}
