//! Headless commands: `callpop status`, `watch`, `dial`, `answer`... They share the phone
//! core with the tray app and exit with 0 on success, or non-zero with one line on stderr
//! that says what failed and what to do.

pub mod args;
mod output;

use crate::setup::{self, PhoneSetup, SetupError};
use args::{Cli, Command};
use callpop_phone::{number, CallEvent, Connection, Phone, PhoneError};
use std::io::Write;
use std::process::ExitCode;

/// Why a command failed, and the exit code that says so.
enum Failure {
    /// The phone said no or could not be reached (exit 1).
    Phone(PhoneError),
    /// Settings, passcode or arguments are missing or wrong (exit 2).
    Setup(String),
}

impl From<PhoneError> for Failure {
    fn from(e: PhoneError) -> Self {
        Self::Phone(e)
    }
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Self {
        Self::Setup(e.to_string())
    }
}

pub fn run(cli: &Cli, command: &Command) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("callpop: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(execute(cli, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Phone(e)) => {
            eprintln!("callpop: {e}");
            if let PhoneError::CertificateUnknown { fingerprint, .. } = &e {
                eprintln!("callpop: to accept it, run again with --cert-sha256 {fingerprint}");
            }
            ExitCode::from(1)
        }
        Err(Failure::Setup(message)) => {
            eprintln!("callpop: {message}");
            ExitCode::from(2)
        }
    }
}

async fn execute(cli: &Cli, command: &Command) -> Result<(), Failure> {
    let setup = PhoneSetup::resolve(
        cli.phone.as_deref(),
        cli.cert_sha256.as_deref(),
        cli.user.as_deref(),
    )?;
    for warning in &setup.warnings {
        eprintln!("callpop: {warning}");
    }
    match command {
        Command::Status { json } => status(&setup, *json).await,
        Command::Watch { json, listen } => watch(&setup, *json, listen.as_deref()).await,
        Command::Dial { number } => dial(&setup, &number.join(" ")).await,
        Command::Answer => {
            with_phone(&setup, |p| async move {
                p.answer(None).await.map(|_| "Answered.".to_owned())
            })
            .await
        }
        Command::Reject => {
            with_phone(&setup, |p| async move {
                p.reject(None).await.map(|_| "Rejected.".to_owned())
            })
            .await
        }
        Command::Hangup => {
            with_phone(&setup, |p| async move {
                p.hang_up().await.map(|_| "Hung up.".to_owned())
            })
            .await
        }
        Command::Hold => {
            with_phone(&setup, |p| async move {
                p.toggle_hold().await.map(|_| "Hold toggled.".to_owned())
            })
            .await
        }
        Command::Mute => {
            with_phone(&setup, |p| async move {
                p.toggle_mute().await.map(|_| "Mute toggled.".to_owned())
            })
            .await
        }
        Command::Reboot { force } => reboot(&setup, *force).await,
    }
}

async fn status(setup: &PhoneSetup, json: bool) -> Result<(), Failure> {
    let client = setup.client()?;
    let (phone, lines) = tokio::join!(client.phone_status(), client.line_status());
    let (phone, lines) = (phone?, lines?);
    let text = if json {
        serde_json::to_string(&output::StatusJson {
            phone: &phone,
            lines: &lines,
        })
        .map_err(|e| Failure::Setup(e.to_string()))?
            + "\n"
    } else {
        output::status_text(client.host(), &phone, &lines)
    };
    print_flushed(&text);
    Ok(())
}

async fn dial(setup: &PhoneSetup, text: &str) -> Result<(), Failure> {
    let target = number::normalize(text, &setup.settings.dialing)
        .map_err(|e| Failure::Setup(e.to_string()))?;
    let client = setup.client()?;
    let method = client.dial(&target.dial, None).await?;
    let how = match method {
        callpop_phone::DialMethod::MakeCall => "click-to-dial",
        callpop_phone::DialMethod::Keypad => "keypad",
    };
    print_flushed(&format!(
        "Dialing {} ({}, via {how}).\n",
        target.display, target.dial
    ));
    Ok(())
}

/// Starts watching the phone, waits for its first answer, runs one command with the same
/// rules the app uses, and stops.
async fn with_phone<F, Fut>(setup: &PhoneSetup, command: F) -> Result<(), Failure>
where
    F: FnOnce(std::sync::Arc<Phone>) -> Fut,
    Fut: std::future::Future<Output = Result<String, PhoneError>>,
{
    let phone = std::sync::Arc::new(Phone::start(setup.client()?, setup.poll_interval()));
    let first = first_answer(&phone).await;
    let result = match first {
        Err(e) => Err(e),
        Ok(()) => command(phone.clone()).await,
    };
    if let Ok(phone) = std::sync::Arc::try_unwrap(phone) {
        phone.shutdown().await;
    }
    print_flushed(&format!("{}\n", result?));
    Ok(())
}

/// Waits until the poller has heard from the phone (or failed to).
async fn first_answer(phone: &Phone) -> Result<(), PhoneError> {
    let mut state = phone.state();
    loop {
        match &state.borrow_and_update().connection {
            Connection::Online => return Ok(()),
            Connection::Offline { error, .. } | Connection::NeedsAttention { error } => {
                return Err(error.clone())
            }
            Connection::Connecting | Connection::Stopped => {}
        }
        if state.changed().await.is_err() {
            return Err(PhoneError::Refused("The phone watcher stopped.".to_owned()));
        }
    }
}

async fn reboot(setup: &PhoneSetup, force: bool) -> Result<(), Failure> {
    let client = setup.client()?;
    if !force {
        let lines = client.line_status().await?;
        if let Some(busy) = lines.iter().find(|l| l.state.is_busy()) {
            return Err(Failure::Setup(format!(
                "A call is in progress on line {}; restarting would end it. Use --force to restart anyway.",
                busy.index
            )));
        }
    }
    client.reboot().await?;
    print_flushed("The phone is restarting; it takes about a minute.\n");
    Ok(())
}

async fn watch(setup: &PhoneSetup, json: bool, listen: Option<&str>) -> Result<(), Failure> {
    use callpop_phone::{push, PushState};
    let phone = Phone::start(setup.client()?, setup.poll_interval());
    // With --listen, the phone's Action URL pushes make events instant and polling rare.
    let _listener = match listen {
        None => None,
        Some(listen) => {
            let setup_failure = |e: push::PushError| Failure::Setup(e.to_string());
            let mut settings = setup.settings.clone();
            settings.push.listen = listen.trim().to_owned();
            if settings.ensure_push_token() {
                eprintln!(
                    "callpop: no push token in the settings; this run uses {}",
                    settings.push.token
                );
            }
            let host = phone.client().host().to_owned();
            let listener = push::listener_from_settings(&settings.push, &host)
                .await
                .map_err(setup_failure)?;
            let lines = push::lines_for(listener.local_addr(), &settings.push.token, &host)
                .await
                .map_err(setup_failure)?;
            eprintln!(
                "callpop: listening for pushes on {}; set these Action URLs on the phone (Settings > Outbound Notification > Action URL):",
                listener.local_addr()
            );
            for line in &lines {
                eprintln!("{line}");
            }
            phone.attach_push(&listener);
            Some(listener)
        }
    };
    let mut events = phone.subscribe();
    let mut state = phone.state();
    let mut last_connection = String::new();
    let mut last_push = PushState::Off;
    let result = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => print_event(&event, json),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("callpop: {n} events were dropped (output too slow)");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break Ok(()),
            },
            changed = state.changed() => {
                if changed.is_err() { break Ok(()); }
                let (connection, push) = {
                    let s = state.borrow_and_update();
                    (s.connection.clone(), s.push.clone())
                };
                // Push turning silent or healthy again is worth a line; waiting is not.
                if push.state != last_push && matches!(push.state, PushState::Silent | PushState::Healthy) {
                    eprintln!("callpop: {}", push.message);
                }
                last_push = push.state;
                match connection {
                    Connection::NeedsAttention { error } => break Err(Failure::Phone(error)),
                    Connection::Offline { error, retry_in_ms } => {
                        let text = format!("{error} (next try in {} s)", retry_in_ms.div_ceil(1000));
                        if text != last_connection {
                            eprintln!("callpop: {text}");
                            last_connection = text;
                        }
                    }
                    Connection::Online if !last_connection.is_empty() && last_connection != "online" => {
                        eprintln!("callpop: the phone is back online");
                        last_connection = "online".to_owned();
                    }
                    _ => {}
                }
            }
            _ = setup::shutdown_signal() => break Ok(()),
        }
    };
    phone.shutdown().await;
    result
}

fn print_event(event: &CallEvent, json: bool) {
    let text = if json {
        match serde_json::to_string(event) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("callpop: cannot print an event: {e}");
                return;
            }
        }
    } else {
        output::event_text(event)
    };
    print_flushed(&format!("{text}\n"));
}

/// Prints and flushes at once: `watch` output is read by other programs line by line.
fn print_flushed(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
