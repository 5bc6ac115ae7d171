//! `callpop-phone-sim`: runs a simulated phone system until Ctrl-C or SIGTERM: a Grandstream
//! phone (the default), an Asterisk PBX's manager interface (`--kind asterisk`), a XiVO xuc
//! server (`--kind xivo`) or a Yealink phone (`--kind yealink`).
//!
//! Prints where clients connect on the first line of stdout (the base URL; for Asterisk
//! `host:port` of the manager interface), then `certificate-sha256 <fingerprint>` with
//! `--tls`, then `control <url>` where the control API is, so scripts and tests can read them.
//! Logs go to stderr (`RUST_LOG` filters them). The control APIs are unauthenticated: keep
//! the listen address on loopback.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use callpop_phone_sim::ami::{AmiSim, AmiSimConfig};
use callpop_phone_sim::xuc::{XucDemo, XucSim, XucSimConfig};
use callpop_phone_sim::yealink::{YealinkSim, YealinkSimConfig};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig, MAX_ACCOUNTS, MAX_LINES};
use clap::{Parser, ValueEnum};
use tracing_subscriber::EnvFilter;

/// A Grandstream-compatible desk phone over HTTP(S), for tests and demos.
#[derive(Debug, Parser)]
#[command(name = "callpop-phone-sim", version)]
struct Args {
    /// Which phone system to simulate.
    #[arg(long, value_enum, default_value_t = Kind::Grandstream)]
    kind: Kind,
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Number of lines.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_LINES)))]
    lines: u32,
    /// Number of SIP accounts.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_ACCOUNTS)))]
    accounts: u32,
    /// CTI passcode (passcode mode).
    #[arg(long, default_value = "admin", conflicts_with = "session_user")]
    passcode: String,
    /// Use session login (newer firmware) with this user name.
    #[arg(long, requires = "session_password")]
    session_user: Option<String>,
    /// Password for --session-user.
    #[arg(long, requires = "session_user")]
    session_password: Option<String>,
    /// Serve HTTPS with a freshly generated self-signed certificate.
    #[arg(long)]
    tls: bool,
    /// Disable click-to-dial (api-make_call answers false).
    #[arg(long)]
    no_make_call: bool,
    /// Disable remote control (every api-* request answers 403).
    #[arg(long)]
    no_remote_control: bool,
    /// Milliseconds between two keys of api-send_key.
    #[arg(long, default_value_t = 700)]
    key_interval_ms: u64,
    /// Minutes the phone stays locked after five failed logins.
    #[arg(long, default_value_t = 5)]
    lock_minutes: u32,
    /// Remote parties answer outgoing calls after this many milliseconds.
    #[arg(long)]
    auto_answer_ms: Option<u64>,
    /// Milliseconds between a call event and its Action URL push.
    #[arg(long, default_value_t = 1000)]
    push_delay_ms: u64,
    /// Ring now and then with demo callers.
    #[arg(long)]
    demo: bool,
    /// Model name reported to clients.
    #[arg(long, default_value = "GXP2170")]
    model: String,
}

/// The phone systems the simulator speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Kind {
    Grandstream,
    Asterisk,
    Xivo,
    Yealink,
}

/// A running simulator of any kind.
enum Running {
    Grandstream(PhoneSim),
    Asterisk(AmiSim),
    Xivo(XucSim),
    Yealink(YealinkSim),
}

impl Running {
    async fn start(args: Args) -> Result<Running, String> {
        let (listen, demo, tls) = (args.listen, args.demo, args.tls);
        match args.kind {
            Kind::Grandstream => PhoneSim::start(args.config())
                .await
                .map(Running::Grandstream)
                .map_err(|e| e.to_string()),
            Kind::Asterisk => AmiSim::start(AmiSimConfig {
                bind: listen,
                demo,
                far_end_answer_delay: Some(Duration::from_secs(if demo { 3 } else { 2 })),
                ..AmiSimConfig::default()
            })
            .await
            .map(Running::Asterisk)
            .map_err(|e| e.to_string()),
            Kind::Xivo => XucSim::start(XucSimConfig {
                bind: listen,
                demo: demo.then(XucDemo::default),
                ..XucSimConfig::default()
            })
            .await
            .map(Running::Xivo)
            .map_err(|e| e.to_string()),
            Kind::Yealink => YealinkSim::start(YealinkSimConfig {
                bind: listen,
                tls,
                ..YealinkSimConfig::default()
            })
            .await
            .map(Running::Yealink)
            .map_err(|e| e.to_string()),
        }
    }

    /// The machine-readable start-up lines.
    fn announce(&self) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match self {
            Running::Grandstream(sim) => {
                writeln!(out, "{}", sim.url())?;
                if let Some(fingerprint) = sim.cert_fingerprint() {
                    writeln!(out, "certificate-sha256 {fingerprint}")?;
                }
                writeln!(out, "control {}/control/", sim.url())?;
            }
            Running::Asterisk(sim) => {
                writeln!(out, "{}", sim.addr())?;
                if let Some(control) = sim.control_url() {
                    writeln!(out, "control {control}")?;
                }
            }
            Running::Xivo(sim) => {
                writeln!(out, "{}", sim.url())?;
                writeln!(out, "control {}/control/", sim.url())?;
            }
            Running::Yealink(sim) => {
                writeln!(out, "{}", sim.url())?;
                writeln!(out, "control {}/control/", sim.url())?;
            }
        }
        out.flush()
    }

    async fn shutdown(self) {
        match self {
            Running::Grandstream(sim) => sim.shutdown().await,
            Running::Asterisk(sim) => sim.shutdown().await,
            Running::Xivo(sim) => sim.shutdown().await,
            Running::Yealink(sim) => sim.shutdown().await,
        }
    }
}

impl Args {
    fn config(self) -> SimConfig {
        let auth = match (self.session_user, self.session_password) {
            (Some(username), Some(password)) => SimAuth::Session { username, password },
            _ => SimAuth::Passcode(self.passcode),
        };
        SimConfig {
            bind: self.listen,
            lines: self.lines,
            accounts: self.accounts,
            model: self.model,
            auth,
            tls: self.tls,
            make_call_enabled: !self.no_make_call,
            remote_control_enabled: !self.no_remote_control,
            key_interval: Duration::from_millis(self.key_interval_ms),
            lock_minutes: self.lock_minutes,
            auto_answer_outgoing_after: self.auto_answer_ms.map(Duration::from_millis),
            demo: self.demo,
            push_delay: Duration::from_millis(self.push_delay_ms),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let sim = match Running::start(Args::parse()).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("callpop-phone-sim: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A reader that stopped after the lines it wanted (`| head -1`) must not stop the phone.
    if let Err(e) = sim.announce() {
        eprintln!("callpop-phone-sim: cannot write to stdout: {e}");
    }
    if let Err(e) = stop_signal().await {
        eprintln!("callpop-phone-sim: cannot wait for signals: {e}");
    }
    sim.shutdown().await;
    ExitCode::SUCCESS
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn stop_signal() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
