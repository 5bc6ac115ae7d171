//! The settings file on disk: saving, loading, and never losing what the user set.

use std::fs;
use std::path::Path;

use callpop_phone::crm::{CrmSettings, CrmWhen};
use callpop_phone::number::DialingRules;
use callpop_phone::settings::{
    self, AsteriskSettings, GrandstreamSettings, Login, PhoneId, PhoneProfile, PhoneSystem,
    Settings, SettingsError,
};

/// The first phone's Grandstream settings.
fn gs(s: &Settings) -> &GrandstreamSettings {
    match s.phones.first().map(|p| &p.system) {
        Some(PhoneSystem::Grandstream(g)) => g,
        other => panic!("no Grandstream phone: {other:?}"),
    }
}

fn gs_mut(s: &mut Settings) -> &mut GrandstreamSettings {
    match s.phones.first_mut().map(|p| &mut p.system) {
        Some(PhoneSystem::Grandstream(g)) => g,
        _ => panic!("no Grandstream phone"),
    }
}

fn customized() -> Settings {
    let mut s = Settings::default();
    s.phones.push(PhoneProfile {
        id: PhoneId::first(),
        name: "Front desk".into(),
        system: PhoneSystem::Grandstream(GrandstreamSettings {
            url: "https://10.0.0.5:8443".into(),
            login: Login::Session {
                username: "user".into(),
            },
            cert_sha256: Some(vec!["0F"; 32].join(":")),
            poll_interval_ms: 750,
            push: true,
            push_token: "abcdefghijklmnopqrstuvwxyz012345".into(),
            ..GrandstreamSettings::default()
        }),
    });
    s.phones.push(PhoneProfile {
        id: PhoneId::new("phone-2"),
        name: "PBX line".into(),
        system: PhoneSystem::Asterisk(AsteriskSettings {
            host: "pbx.example.com".into(),
            username: "callpop".into(),
            device: "PJSIP/201".into(),
            ..AsteriskSettings::default()
        }),
    });
    s.dialing = DialingRules {
        country: "DE".into(),
        outside_line_prefix: "0".into(),
        international_prefix: String::new(),
    };
    s.hotkey = "Ctrl+Shift+F9".into();
    s.crm = CrmSettings {
        template: "https://crm.example.com/search?phone={e164}".into(),
        when: CrmWhen::Answer,
    };
    s.start_at_login = true;
    s
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    let saved = customized();
    saved.save(&path).expect("save");

    let loaded = settings::load(&path);
    assert_eq!(loaded.problem, None);
    assert!(!loaded.needs_save);
    assert_eq!(loaded.settings, saved);
}

#[test]
fn missing_file_gives_defaults_without_phones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = settings::load(&dir.path().join("settings.toml"));
    assert_eq!(loaded.problem, None);
    assert!(!loaded.needs_save);
    assert_eq!(loaded.settings, Settings::default());
    assert!(files_in(dir.path()).is_empty(), "loading writes nothing");
}

#[test]
fn atomic_save_leaves_no_temp_file_and_creates_the_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir
        .path()
        .join("config")
        .join("callpop")
        .join("settings.toml");
    customized().save(&path).expect("first save");
    let mut changed = customized();
    changed.hotkey = "Ctrl+Alt+P".into();
    changed.save(&path).expect("second save");

    let folder = path.parent().expect("parent");
    assert_eq!(files_in(folder), vec!["settings.toml".to_owned()]);
    assert_eq!(settings::load(&path).settings.hotkey, "Ctrl+Alt+P");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(&path).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the file holds the push token");
    }
}

#[test]
fn invalid_settings_are_not_saved_and_the_old_file_stays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    customized().save(&path).expect("save");
    let before = fs::read_to_string(&path).expect("read");

    let mut bad = customized();
    gs_mut(&mut bad).poll_interval_ms = 10;
    let err = bad.save(&path).expect_err("refused");
    assert!(
        matches!(&err, SettingsError::InPhone { id, problem, .. }
            if id == "phone" && matches!(**problem, SettingsError::PollInterval { ms: 10 })),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("Front desk: "), "{err}");
    assert!(err.to_string().contains("250 ms"), "{err}");
    assert_eq!(fs::read_to_string(&path).expect("read"), before);
    assert_eq!(files_in(dir.path()), vec!["settings.toml".to_owned()]);
}

#[test]
fn broken_toml_is_kept_aside_and_reported_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    let broken = "hotkey = \"Ctrl+Alt+D\"\n\n[phone\nurl = \"http://10.0.0.5\"\n";
    fs::write(&path, broken).expect("write");

    let loaded = settings::load(&path);
    let problem = loaded.problem.expect("reported");
    assert!(problem.reason.contains("line 3"), "{}", problem.reason);
    assert!(!path.exists(), "the broken file was moved, not overwritten");
    let aside = problem
        .kept_aside_as
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert!(aside.starts_with("settings.toml.broken-"), "{aside}");
    assert_eq!(
        fs::read_to_string(&problem.kept_aside_as).expect("kept"),
        broken
    );
    assert!(
        problem.to_string().contains("default settings"),
        "{problem}"
    );

    assert_eq!(loaded.settings, Settings::default());
}

#[test]
fn two_broken_files_in_the_same_second_get_different_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    fs::write(&path, "= nonsense").expect("write");
    let first = settings::load(&path).problem.expect("first").kept_aside_as;
    fs::write(&path, "= more nonsense").expect("write");
    let second = settings::load(&path).problem.expect("second").kept_aside_as;
    assert_ne!(first, second);
    assert!(first.exists() && second.exists());
}

#[test]
fn wrong_type_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    fs::write(
        &path,
        "[phone]\nurl = \"http://10.0.0.5\"\npoll_interval_ms = \"fast\"\n",
    )
    .expect("write");

    let loaded = settings::load(&path);
    let problem = loaded.problem.expect("reported");
    assert!(problem.reason.contains("line 3"), "{}", problem.reason);
    assert!(
        problem.reason.contains("whole number"),
        "{}",
        problem.reason
    );
    assert!(loaded.settings.phones.is_empty());
}

#[test]
fn invalid_value_is_kept_aside_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    fs::write(&path, "[dialing]\ncountry = \"Germany\"\n").expect("write");
    let problem = settings::load(&path).problem.expect("reported");
    assert!(
        problem.reason.contains("“Germany” is not a known country"),
        "{}",
        problem.reason
    );
    assert!(problem.kept_aside_as.exists());
}

#[test]
fn unknown_keys_are_tolerated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    let text = "from_a_newer_version = true\nhotkey = \"Ctrl+Alt+X\"\n\n[phone]\nurl = \"10.0.0.7\"\nnew_option = [1, 2]\n\n[telemetry]\nenabled = false\n";
    fs::write(&path, text).expect("write");
    let loaded = settings::load(&path);
    assert_eq!(loaded.problem, None);
    assert_eq!(loaded.settings.hotkey, "Ctrl+Alt+X");
    assert_eq!(gs(&loaded.settings).url, "10.0.0.7");
}

#[test]
fn passcode_in_the_url_is_refused() {
    let mut s = customized();
    gs_mut(&mut s).url = "http://10.0.0.5/cgi-bin/api-get_line_status?passcode=hunter2".into();
    let err = s.validate().expect_err("refused");
    let message = err.to_string();
    assert!(
        message.contains("put the passcode in the passcode field"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    assert!(s.save(&path).is_err());
    assert!(!path.exists());

    // The same address written into the file by hand.
    fs::write(
        &path,
        "[phone]\nurl = \"http://10.0.0.5/?passcode=hunter2\"\n",
    )
    .expect("write");
    let problem = settings::load(&path).problem.expect("reported");
    assert!(
        problem.reason.contains("passcode field"),
        "{}",
        problem.reason
    );
    assert!(!problem.reason.contains("hunter2"), "{}", problem.reason);
}

#[test]
fn a_passcode_key_in_the_file_is_never_loaded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    let text = "passcode = \"hunter2\"\n\n[phone]\nurl = \"http://10.0.0.5\"\npasscode = \"hunter2\"\n\n[phone.login]\nmethod = \"session\"\nusername = \"user\"\npassword = \"hunter2\"\n";
    fs::write(&path, text).expect("write");

    let loaded = settings::load(&path);
    assert_eq!(loaded.problem, None);
    assert_eq!(
        gs(&loaded.settings).login,
        Login::Session {
            username: "user".into()
        }
    );
    let everything = format!(
        "{:?} {}",
        loaded.settings,
        serde_json::to_string(&loaded.settings).expect("json")
    );
    assert!(!everything.contains("hunter2"), "{everything}");

    // Saving drops it from the file.
    loaded.settings.save(&path).expect("save");
    let saved = fs::read_to_string(&path).expect("read");
    assert!(!saved.contains("hunter2"), "{saved}");
    assert!(
        saved.contains("keyring"),
        "the file says where the passcode is"
    );
}

#[test]
fn default_path_is_in_the_config_folder() {
    if let Some(path) = settings::default_path() {
        assert!(
            path.ends_with("callpop/settings.toml"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn push_on_without_a_token_gets_one_instead_of_being_set_aside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    std::fs::write(
        &path,
        "[phone]\nurl = \"http://10.0.0.5\"\n[push]\nenabled = true\nlisten = \"0.0.0.0:8787\"\n",
    )
    .expect("write");
    let outcome = callpop_phone::settings::load(&path);
    assert!(outcome.problem.is_none(), "{:?}", outcome.problem);
    assert!(outcome.needs_save);
    assert!(gs(&outcome.settings).push);
    assert!(gs(&outcome.settings).push_token.len() >= callpop_phone::settings::MIN_PUSH_TOKEN_LEN);
    assert_eq!(gs(&outcome.settings).url, "http://10.0.0.5");
}

#[test]
fn a_one_phone_file_from_callpop_0_1_is_read_and_saved_in_the_new_layout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    let old = "hotkey = \"Ctrl+Alt+D\"\n\n[phone]\nurl = \"http://10.0.0.5\"\npoll_interval_ms = 750\n\n[phone.login]\nmethod = \"passcode\"\n\n[push]\nenabled = true\nlisten = \"0.0.0.0:8787\"\ntoken = \"abcdefghijklmnopqrstuvwxyz012345\"\n";
    fs::write(&path, old).expect("write");
    let loaded = settings::load(&path);
    assert_eq!(loaded.problem, None);
    assert!(loaded.needs_save, "converted once, then saved");
    let phone = &loaded.settings.phones[0];
    // The id the old passcode is stored under in the keyring.
    assert_eq!(phone.id.as_str(), "phone");
    let g = gs(&loaded.settings);
    assert_eq!(
        (g.url.as_str(), g.poll_interval_ms, g.push),
        ("http://10.0.0.5", 750, true)
    );
    assert_eq!(g.push_token, "abcdefghijklmnopqrstuvwxyz012345");
    loaded.settings.save(&path).expect("save");
    let saved = fs::read_to_string(&path).expect("read");
    assert!(
        saved.contains("[[phones]]") && saved.contains("kind = \"grandstream\""),
        "{saved}"
    );
    let again = settings::load(&path);
    assert!(!again.needs_save);
    assert_eq!(again.settings, loaded.settings);
}

#[test]
fn a_phone_system_this_callpop_does_not_know_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    fs::write(
        &path,
        "version = 2\n\n[[phones]]\nid = \"phone\"\nkind = \"snom\"\nurl = \"http://10.0.0.9\"\n",
    )
    .expect("write");
    let problem = settings::load(&path).problem.expect("reported");
    assert!(problem.reason.contains("snom"), "{}", problem.reason);
}

#[test]
fn the_dial_account_is_optional_and_older_files_keep_the_phones_default() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("settings.toml");
    // A version 2 file written before the setting existed, and a callpop 0.1 file.
    for old in [
        "version = 2\n\n[[phones]]\nid = \"phone\"\nkind = \"grandstream\"\nurl = \"http://10.0.0.5\"\n",
        "[phone]\nurl = \"http://10.0.0.5\"\n",
    ] {
        fs::write(&path, old).expect("write");
        let loaded = settings::load(&path);
        assert_eq!(loaded.problem, None);
        assert_eq!(gs(&loaded.settings).dial_account, None);
        assert_eq!(gs(&loaded.settings).dial_account_index(), None);
        loaded.settings.save(&path).expect("save");
        let saved = fs::read_to_string(&path).expect("read");
        assert!(!saved.contains("dial_account"), "{saved}");
    }
    let mut s = settings::load(&path).settings;
    gs_mut(&mut s).dial_account = Some(2);
    s.save(&path).expect("save");
    let saved = fs::read_to_string(&path).expect("read");
    assert!(saved.contains("dial_account = 2"), "{saved}");
    let again = settings::load(&path).settings;
    // Account 2 as the phone numbers it is index 1 on the wire.
    assert_eq!(gs(&again).dial_account_index(), Some(1));
}
