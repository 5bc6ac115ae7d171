//! The command line speaks the user's language: Russian under `LANG=ru_RU.UTF-8` (or with
//! `language = "ru"` in the settings), English otherwise, with `LC_ALL` before `LC_MESSAGES`
//! before `LANG`. `--json` output is the same words for scripts in every language.

use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use std::path::PathBuf;
use std::process::{Command, Output};

const PASSCODE: &str = "locale-Secret-7";

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

/// A config folder of this test's own (tests run in parallel; the settings differ).
fn config_dir(test: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("callpop-cli-locale-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("config dir");
    dir
}

/// `callpop args` with the locale variables `env` (and no others from this process).
async fn run(
    config: &PathBuf,
    env: &[(&str, &str)],
    passcode: Option<&str>,
    args: &[&str],
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callpop"));
    cmd.args(args)
        .env("XDG_CONFIG_HOME", config)
        .env("XDG_STATE_HOME", config.join("state"))
        .env("XDG_DATA_HOME", config.join("data"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LOG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .env_remove("LANGUAGE")
        .env_remove("CALLPOP_PASSCODE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(p) = passcode {
        cmd.env("CALLPOP_PASSCODE", p);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("callpop runs"))
        .await
        .expect("join")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const RU: &[(&str, &str)] = &[("LANG", "ru_RU.UTF-8")];
const EN: &[(&str, &str)] = &[("LANG", "en_US.UTF-8")];

#[tokio::test]
async fn errors_are_one_line_in_the_users_language() {
    let config = config_dir("errors");
    let out = run(&config, RU, None, &["status"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim_end(),
        "callpop: Телефон не настроен. Укажите его через --phone http://АДРЕС-ТЕЛЕФОНА или в настройках приложения."
    );
    let out = run(&config, EN, None, &["status"]).await;
    assert!(
        stderr(&out).starts_with("callpop: No phone is set up."),
        "{}",
        stderr(&out)
    );

    let sim = sim().await;
    let out = run(
        &config,
        RU,
        Some("wrong-one"),
        &["--phone", &sim.url(), "status"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    // The phone allows 5 tries; one is spent: 4 left, "попытки" (few), not "попыток".
    assert!(
        err.contains("Телефон не принял код доступа (до блокировки телефона осталось 4 попытки)"),
        "{err}"
    );
    assert!(!err.contains("wrong-one"));

    let out = run(
        &config,
        RU,
        Some(PASSCODE),
        &["--phone", &sim.url(), "dial", "no digits here"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("В «no digits here» не найден номер телефона"),
        "{}",
        stderr(&out)
    );

    // A refusal of the phone core (no call to hold) is said in the language too.
    let out = run(
        &config,
        RU,
        Some(PASSCODE),
        &["--phone", &sim.url(), "hold"],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim_end(),
        "callpop: На удержание можно поставить только вызов, в котором идёт разговор."
    );
    let out = run(
        &config,
        EN,
        Some(PASSCODE),
        &["--phone", &sim.url(), "hold"],
    )
    .await;
    assert_eq!(
        stderr(&out).trim_end(),
        "callpop: Hold works during a connected call."
    );
}

#[tokio::test]
async fn status_text_is_russian_and_json_stays_the_same() {
    let config = config_dir("status");
    let sim = sim().await;
    sim.ring(Some(2), "203", "Виталик").expect("ring");
    let url = sim.url();

    let out = run(&config, RU, Some(PASSCODE), &["--phone", &url, "status"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("Телефон ") && first.ends_with(": входящий вызов"),
        "{text}"
    );
    assert!(text.contains("  Линия 1  свободна\n"), "{text}");
    assert!(
        text.contains("  Линия 2  звонит     Виталик <203>"),
        "{text}"
    );

    let out = run(&config, EN, Some(PASSCODE), &["--phone", &url, "status"]).await;
    let text = stdout(&out);
    assert!(
        text.starts_with("Phone ") && text.contains(": ringing\n"),
        "{text}"
    );
    assert!(text.contains("  Line 1  idle\n"), "{text}");

    let ru = run(
        &config,
        RU,
        Some(PASSCODE),
        &["--phone", &url, "status", "--json"],
    )
    .await;
    let en = run(
        &config,
        EN,
        Some(PASSCODE),
        &["--phone", &url, "status", "--json"],
    )
    .await;
    let ru: serde_json::Value = serde_json::from_slice(&ru.stdout).expect("json");
    let en: serde_json::Value = serde_json::from_slice(&en.stdout).expect("json");
    assert_eq!(ru, en);
    assert_eq!(ru["phone"], "ringing");
    assert_eq!(ru["lines"][1]["state"], "ringing");
}

#[tokio::test]
async fn lc_all_wins_and_the_settings_language_wins_over_the_system() {
    let config = config_dir("order");
    let out = run(
        &config,
        &[("LC_ALL", "C"), ("LANG", "ru_RU.UTF-8")],
        None,
        &["phones"],
    )
    .await;
    assert_eq!(stdout(&out), "No phones are set up.\n");
    let out = run(
        &config,
        &[("LC_MESSAGES", "ru_RU.UTF-8"), ("LANG", "C")],
        None,
        &["phones"],
    )
    .await;
    assert_eq!(stdout(&out), "Ни один телефон не настроен.\n");

    let folder = config.join("callpop");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(folder.join("settings.toml"), "language = \"ru\"\n").expect("settings");
    let out = run(&config, EN, None, &["phones"]).await;
    assert_eq!(stdout(&out), "Ни один телефон не настроен.\n");
    std::fs::write(folder.join("settings.toml"), "language = \"en\"\n").expect("settings");
    let out = run(&config, RU, None, &["phones"]).await;
    assert_eq!(stdout(&out), "No phones are set up.\n");
    // A language only a newer callpop speaks: the system's.
    std::fs::write(folder.join("settings.toml"), "language = \"de\"\n").expect("settings");
    let out = run(&config, RU, None, &["phones"]).await;
    assert_eq!(stdout(&out), "Ни один телефон не настроен.\n");
}
