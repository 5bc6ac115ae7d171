//! Headless commands: `callpop status`, `watch`, `dial`, `answer`... They share the phone
//! core with the tray app and exit with 0 on success, or non-zero with one line on stderr
//! that says what failed and what to do. They never write or move the settings file.

pub mod args;
mod output;

use crate::i18n::tr;
use crate::setup::{self, PhoneSetup, SetupError};
use args::{Cli, Command};
use callpop_phone::backend::grandstream::CtiClient;
use callpop_phone::backend::{DialMethod, ForwardCase};
use callpop_phone::connect::{self, Overrides};
use callpop_phone::settings::PhoneSystem;
use callpop_phone::tracker::CallPhase;
use callpop_phone::{
    account, number, push, Action, CallEvent, Connection, PhoneError, PushState, Refusal, Session,
};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

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
        Self::Setup(match e {
            SetupError::NoPhone => tr("cli-no-phone", &[]),
            SetupError::UnknownPhone(phone) => tr("cli-unknown-phone", &[("phone", phone.into())]),
            SetupError::NoPasscode(phone) => no_passcode(phone),
            SetupError::Settings(reason) => {
                tr("cli-settings-unusable", &[("reason", reason.into())])
            }
            SetupError::Keyring(e) => e.text(),
            SetupError::Phone(e) => return Self::Phone(e),
        })
    }
}

fn no_passcode(phone: String) -> String {
    tr(
        "cli-no-passcode",
        &[
            ("phone", phone.into()),
            ("env", crate::secrets::PASSCODE_ENV.into()),
        ],
    )
}

/// A phone error in the user's language.
fn said(e: &PhoneError) -> String {
    crate::i18n::phone_error(e)
}

/// A refusal the command line says itself, already in the user's language.
fn refused(message: String) -> PhoneError {
    PhoneError::Refused(Refusal::Said { message })
}

/// Text that is no number to dial, in the user's language.
fn not_a_number(e: &number::NumberError) -> Failure {
    Failure::Setup(crate::i18n::number_error(e))
}

pub fn run(cli: &Cli, command: &Command) -> ExitCode {
    // The settings' language, else the system's (an unreadable file is reported later).
    let language = setup::read_settings()
        .map(|s| s.language)
        .unwrap_or_default();
    crate::i18n::use_language(&language);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let reason = e.to_string();
            eprintln!(
                "callpop: {}",
                tr("cli-cannot-start", &[("reason", reason.into())])
            );
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(execute(cli, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Phone(e)) => {
            eprintln!("callpop: {}", one_line(&said(&e)));
            if let PhoneError::CertificateUnknown { fingerprint, .. } = &e {
                let fingerprint = fingerprint.as_str();
                eprintln!(
                    "callpop: {}",
                    tr(
                        "cli-accept-certificate",
                        &[("fingerprint", fingerprint.into())]
                    )
                );
            }
            ExitCode::from(1)
        }
        Err(Failure::Setup(message)) => {
            eprintln!("callpop: {}", one_line(&message));
            ExitCode::from(2)
        }
    }
}

/// Messages quote what phones and people typed: one printable line, whatever they held.
fn one_line(text: &str) -> String {
    callpop_phone::text::for_display(text)
}

async fn execute(cli: &Cli, command: &Command) -> Result<(), Failure> {
    if let Command::Phones { json } = command {
        return phones(*json);
    }
    let overrides = Overrides {
        address: cli.phone.clone(),
        cert_sha256: cli.cert_sha256.clone(),
        session_user: cli.user.clone(),
    };
    let setup = PhoneSetup::resolve(cli.on.as_deref(), &overrides)?;
    match command {
        Command::Status { json } => status(&setup, *json).await,
        Command::Watch { json, listen } => watch(&setup, *json, listen.as_deref()).await,
        Command::Dial { number, account } => {
            dial(&setup, &number.join(" "), account.as_deref()).await
        }
        Command::Answer => act(&setup, Action::Answer, &tr("cli-answered", &[])).await,
        Command::Reject => act(&setup, Action::Reject, &tr("cli-rejected", &[])).await,
        Command::Hangup => act(&setup, Action::HangUp, &tr("cli-hung-up", &[])).await,
        Command::Hold => {
            with_session(&setup, |s| async move {
                let held = s.current().calls.iter().any(|c| c.phase == CallPhase::Held)
                    && !s
                        .current()
                        .calls
                        .iter()
                        .any(|c| c.phase == CallPhase::Connected);
                let (action, done) = if held {
                    (Action::Resume, "cli-resumed")
                } else {
                    (Action::Hold, "cli-held")
                };
                s.act(None, action).await.map(|_| tr(done, &[]))
            })
            .await
        }
        Command::Mute => {
            with_session(&setup, |s| async move {
                s.toggle_mute(None)
                    .await
                    .map(|muted| tr(if muted { "cli-muted" } else { "cli-unmuted" }, &[]))
            })
            .await
        }
        Command::Transfer { number } => {
            let target = number::normalize(&number.join(" "), &setup.settings.dialing)
                .map_err(|e| not_a_number(&e))?;
            let done = tr(
                "cli-transferred",
                &[("number", target.display.as_str().into())],
            );
            act(&setup, Action::Transfer { to: target.dial }, &done).await
        }
        Command::Dnd { state } => {
            let on = state == "on";
            let done = tr(if on { "cli-dnd-on" } else { "cli-dnd-off" }, &[]);
            act(&setup, Action::SetDnd { on }, &done).await
        }
        Command::Forward { case, to } => {
            let case = match case.as_str() {
                "always" => ForwardCase::Always,
                "no-answer" => ForwardCase::NoAnswer,
                _ => ForwardCase::Busy,
            };
            let text = to.join(" ");
            let (to, done) = if text.trim().eq_ignore_ascii_case("off") {
                (None, tr("cli-forward-off", &[]))
            } else {
                let target = number::normalize(&text, &setup.settings.dialing)
                    .map_err(|e| not_a_number(&e))?;
                let done = tr(
                    "cli-forwarded",
                    &[("number", target.display.as_str().into())],
                );
                (Some(target.dial), done)
            };
            act(&setup, Action::SetForward { case, to }, &done).await
        }
        Command::Reboot { force } => reboot(&setup, *force).await,
        Command::Phones { .. } => Ok(()),
    }
}

/// `callpop phones`: what the settings hold, without contacting anything.
fn phones(json: bool) -> Result<(), Failure> {
    let settings = setup::read_settings()?;
    let text = if json {
        let list: Vec<_> = settings
            .phones
            .iter()
            .map(|p| {
                serde_json::json!({
                    "id": p.id,
                    "name": p.display_name(),
                    "kind": p.kind(),
                    "address": p.system.address(),
                })
            })
            .collect();
        serde_json::to_string(&list).map_err(|e| Failure::Setup(e.to_string()))? + "\n"
    } else if settings.phones.is_empty() {
        format!("{}\n", tr("cli-no-phones", &[]))
    } else {
        settings
            .phones
            .iter()
            .map(|p| {
                format!(
                    "{:<12} {:<24} {} {}\n",
                    p.id,
                    one_line(&p.display_name()),
                    crate::app::view::kind_name(p.kind()),
                    one_line(&p.system.address())
                )
            })
            .collect()
    };
    print_flushed(&text);
    Ok(())
}

async fn status(setup: &PhoneSetup, json: bool) -> Result<(), Failure> {
    let session = start(setup)?;
    let first = first_answer(&session).await;
    let state = session.current();
    // Read now: the session reads them only after its first look at the lines.
    let accounts = if first.is_ok() && state.capabilities.choose_account {
        session.backend().accounts().await.unwrap_or_default()
    } else {
        Vec::new()
    };
    session.shutdown().await;
    first?;
    let text = if json {
        serde_json::to_string(&output::StatusJson {
            phone: state.summary(),
            lines: &state.lines,
            accounts: &accounts,
        })
        .map_err(|e| Failure::Setup(e.to_string()))?
            + "\n"
    } else {
        output::status_text(&state.label, state.summary(), &state.lines)
            + &output::accounts_text(&accounts)
    };
    print_flushed(&text);
    Ok(())
}

async fn dial(setup: &PhoneSetup, text: &str, account: Option<&str>) -> Result<(), Failure> {
    let target = number::normalize(text, &setup.settings.dialing).map_err(|e| not_a_number(&e))?;
    let dial = target.dial.clone();
    let phone = setup.profile.display_name();
    with_session(setup, |s| async move {
        let account = match account {
            Some(wanted) => Some(dial_account(&s, &phone, wanted).await?),
            None => None,
        };
        s.dial_from(&dial, account).await.map(|method| {
            let method = match method {
                DialMethod::ClickToDial => "click_to_dial",
                DialMethod::Keypad => "keypad",
                DialMethod::Pbx => "pbx",
            };
            tr(
                "cli-dialing",
                &[
                    ("number", target.display.as_str().into()),
                    ("dial", target.dial.as_str().into()),
                    ("method", method.into()),
                ],
            )
        })
    })
    .await
}

/// The 0-based index of the account `--account` names (see [`account::find`]), read from the
/// phone now. A number the phone does not list is refused as the core refuses it; a phone
/// that lists no accounts (older firmware) gets the number as it is, and decides.
async fn dial_account(session: &Session, phone: &str, wanted: &str) -> Result<u32, PhoneError> {
    if !session.current().capabilities.choose_account {
        return Err(refused(tr(
            "cli-account-no-choice",
            &[("phone", phone.into())],
        )));
    }
    let accounts = session.backend().accounts().await?;
    if let Some(found) = account::find(&accounts, wanted) {
        return Ok(found.index);
    }
    match wanted.trim().parse::<u32>() {
        Ok(n) if n > 0 && accounts.is_empty() => Ok(n - 1),
        Ok(n) if n > 0 => Err(PhoneError::AccountUnknown {
            account: n,
            count: u32::try_from(accounts.len()).unwrap_or(u32::MAX),
        }),
        _ => Err(refused(tr(
            "cli-account-unknown",
            &[
                ("account", one_line(wanted).into()),
                (
                    "accounts",
                    accounts
                        .iter()
                        .map(|a| format!("{} {}", a.number, a.label()))
                        .collect::<Vec<_>>()
                        .join(", ")
                        .into(),
                ),
            ],
        ))),
    }
}

async fn act(setup: &PhoneSetup, action: Action, done: &str) -> Result<(), Failure> {
    let done = done.to_owned();
    with_session(
        setup,
        |s| async move { s.act(None, action).await.map(|_| done) },
    )
    .await
}

fn start(setup: &PhoneSetup) -> Result<Arc<Session>, Failure> {
    let backend = setup.backend()?;
    Ok(Arc::new(Session::start(
        backend,
        setup.profile.system.poll_interval(),
        None,
    )))
}

/// Starts watching the phone, waits for its first answer, runs one command with the same
/// rules the app uses, and stops.
async fn with_session<F, Fut>(setup: &PhoneSetup, command: F) -> Result<(), Failure>
where
    F: FnOnce(Arc<Session>) -> Fut,
    Fut: std::future::Future<Output = Result<String, PhoneError>>,
{
    let session = start(setup)?;
    let result = match first_answer(&session).await {
        Err(e) => Err(e),
        Ok(()) => command(session.clone()).await,
    };
    session.shutdown().await;
    print_flushed(&format!("{}\n", result?));
    Ok(())
}

/// Waits until the session has heard from the phone (or failed to).
async fn first_answer(session: &Session) -> Result<(), PhoneError> {
    let mut state = session.state();
    loop {
        match &state.borrow_and_update().connection {
            Connection::Online => return Ok(()),
            Connection::Offline { error, .. } | Connection::NeedsAttention { error } => {
                return Err(error.clone())
            }
            Connection::Connecting | Connection::Stopped => {}
        }
        if state.changed().await.is_err() {
            return Err(refused(tr("cli-watcher-stopped", &[])));
        }
    }
}

/// Restarts a Grandstream phone (the only system callpop can restart).
async fn reboot(setup: &PhoneSetup, force: bool) -> Result<(), Failure> {
    let PhoneSystem::Grandstream(phone) = &setup.profile.system else {
        return Err(Failure::Setup(tr(
            "cli-reboot-grandstream-only",
            &[
                ("phone", setup.profile.display_name().into()),
                (
                    "kind",
                    crate::app::view::kind_name(setup.profile.kind()).into(),
                ),
            ],
        )));
    };
    let secret = crate::secrets::from_env()
        .or_else(|| {
            crate::secrets::load(setup.profile.id.as_str())
                .ok()
                .flatten()
        })
        .ok_or_else(|| Failure::Setup(no_passcode(setup.profile.display_name())))?;
    let config = connect::grandstream_config(phone, secret)?;
    let client = CtiClient::with_rejection_memory(
        config,
        Arc::new(callpop_phone::RejectedLogins::default_location()),
    )?;
    if !force {
        let lines = client.line_status().await?;
        if let Some(busy) = lines.iter().find(|l| l.state.is_busy()) {
            return Err(Failure::Setup(tr(
                "cli-reboot-busy",
                &[("line", busy.index.into())],
            )));
        }
    }
    client.reboot().await?;
    print_flushed(&format!("{}\n", tr("cli-restarting", &[])));
    Ok(())
}

async fn watch(setup: &PhoneSetup, json: bool, listen: Option<&str>) -> Result<(), Failure> {
    let session = start(setup)?;
    // With --listen, the phone's Action URL pushes make events instant and polling rare.
    let _listener = match listen {
        None => None,
        Some(listen) => Some(listen_for_pushes(setup, &session, listen).await?),
    };
    let mut events = session.subscribe();
    let mut state = session.state();
    let mut last_connection = String::new();
    let mut last_push = PushState::Off;
    let result = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => print_event(&event, json),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    eprintln!("callpop: {}", tr("cli-events-dropped", &[("count", n.into())]));
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
                    eprintln!("callpop: {}", one_line(&crate::i18n::push_health(&push)));
                }
                last_push = push.state;
                match connection {
                    Connection::NeedsAttention { error } if !error.is_lock_out() => break Err(Failure::Phone(error)),
                    Connection::NeedsAttention { error } => {
                        let text = one_line(&said(&error));
                        if text != last_connection {
                            eprintln!("callpop: {text}");
                            last_connection = text;
                        }
                    }
                    Connection::Offline { error, retry_in_ms } => {
                        let text = tr(
                            "cli-next-try",
                            &[
                                ("message", one_line(&said(&error)).into()),
                                ("seconds", retry_in_ms.div_ceil(1000).into()),
                            ],
                        );
                        if text != last_connection {
                            eprintln!("callpop: {text}");
                            last_connection = text;
                        }
                    }
                    Connection::Online if !last_connection.is_empty() && last_connection != "online" => {
                        eprintln!("callpop: {}", tr("cli-back-online", &[]));
                        last_connection = "online".to_owned();
                    }
                    _ => {}
                }
            }
            _ = setup::shutdown_signal() => break Ok(()),
        }
    };
    session.shutdown().await;
    result
}

/// Starts a listener for this phone's pushes and prints the Action URLs to set on it.
async fn listen_for_pushes(
    setup: &PhoneSetup,
    session: &Session,
    listen: &str,
) -> Result<push::PushListener, Failure> {
    let setup_failure = |e: push::PushError| Failure::Setup(e.to_string());
    let mut profile = setup.profile.clone();
    let mut push_settings = setup.settings.push.clone();
    push_settings.listen = listen.trim().to_owned();
    if let PhoneSystem::Grandstream(g) = &mut profile.system {
        g.push = true;
        if g.push_token.is_empty() {
            g.push_token = callpop_phone::settings::new_push_token();
            eprintln!(
                "callpop: {}",
                tr(
                    "cli-no-push-token",
                    &[("token", g.push_token.as_str().into())]
                )
            );
        }
    }
    let route = push::route_for(&profile)
        .await
        .map_err(setup_failure)?
        .ok_or_else(|| {
            Failure::Setup(tr(
                "cli-no-push",
                &[("kind", crate::app::view::kind_name(profile.kind()).into())],
            ))
        })?;
    let token = route.token.clone();
    let listener = push::listener_for(&push_settings, vec![route])
        .await
        .map_err(setup_failure)?;
    let lines = push::lines_for(listener.local_addr(), &token, &profile.system.address())
        .await
        .map_err(setup_failure)?;
    eprintln!(
        "callpop: {}",
        tr(
            "cli-listening",
            &[("address", listener.local_addr().to_string().into())]
        )
    );
    for line in &lines {
        eprintln!("{line}");
    }
    session.attach_push(&listener, profile.id.as_str());
    Ok(listener)
}

fn print_event(event: &CallEvent, json: bool) {
    let text = if json {
        match serde_json::to_string(event) {
            Ok(s) => s,
            Err(e) => {
                eprintln!(
                    "callpop: {}",
                    tr("cli-cannot-print", &[("reason", e.to_string().into())])
                );
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
