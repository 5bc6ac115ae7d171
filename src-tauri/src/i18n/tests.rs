//! The catalog: the locale choice, plural forms, values in messages, and that every message
//! exists, parses and uses the same values in every language.

use super::*;
use callpop_phone::error::Param;
use callpop_phone::number::NumberError;
use callpop_phone::settings::SettingsError;
use callpop_phone::{ActionKind, BackendKind, PhoneError, Refusal};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn the_locale_follows_lc_all_then_lc_messages_then_lang() {
    assert_eq!(locale_from_env(env(&[("LANG", "ru_RU.UTF-8")])), "ru");
    assert_eq!(locale_from_env(env(&[("LANG", "en_US.UTF-8")])), "en");
    assert_eq!(locale_from_env(env(&[])), "en");
    assert_eq!(locale_from_env(env(&[("LANG", "C")])), "en");
    assert_eq!(locale_from_env(env(&[("LANG", "de_DE.UTF-8")])), "en");
    assert_eq!(locale_from_env(env(&[("LANG", "ru")])), "ru");
    assert_eq!(locale_from_env(env(&[("LANG", "ru_UA@euro")])), "ru");
    // LC_ALL wins over everything, LC_MESSAGES over LANG.
    assert_eq!(
        locale_from_env(env(&[("LC_ALL", "C"), ("LANG", "ru_RU.UTF-8")])),
        "en"
    );
    assert_eq!(
        locale_from_env(env(&[
            ("LC_MESSAGES", "ru_RU.UTF-8"),
            ("LANG", "en_US.UTF-8")
        ])),
        "ru"
    );
    assert_eq!(
        locale_from_env(env(&[("LC_ALL", "en_GB.UTF-8"), ("LC_MESSAGES", "ru_RU")])),
        "en"
    );
    // An empty variable counts as unset.
    assert_eq!(
        locale_from_env(env(&[("LC_ALL", ""), ("LANG", "ru_RU.UTF-8")])),
        "ru"
    );
}

#[test]
fn the_settings_language_wins_when_callpop_speaks_it() {
    assert_eq!(locale_for("ru"), "ru");
    assert_eq!(locale_for("en"), "en");
    // `auto` and languages callpop does not speak follow the system.
    assert_eq!(locale_for("auto"), system_locale());
    assert_eq!(locale_for("de"), system_locale());
    assert_eq!(catalog("ru").locale, "ru");
    assert_eq!(catalog("xx").locale, "en");
    assert!(catalog("ru")
        .messages
        .contains("tray-open = Открыть callpop"));
    assert!(catalog("ru").fallback.contains("tray-open = Open callpop"));
}

fn count(n: u32) -> [(&'static str, FluentValue<'static>); 1] {
    [("count", n.into())]
}

#[test]
fn russian_plurals_follow_cldr() {
    let missed = |n| tr_in("ru", "tray-missed", &count(n));
    assert_eq!(missed(1), "1 пропущенный вызов");
    assert_eq!(missed(2), "2 пропущенных вызова");
    assert_eq!(missed(5), "5 пропущенных вызовов");
    assert_eq!(missed(11), "11 пропущенных вызовов");
    assert_eq!(missed(21), "21 пропущенный вызов");
    assert_eq!(missed(22), "22 пропущенных вызова");
    let lines = |n| tr_in("ru", "main-lines-all-free", &count(n));
    assert_eq!(lines(2), "Все 2 линии свободны");
    assert_eq!(lines(4), "Все 4 линии свободны");
    assert_eq!(lines(5), "Все 5 линий свободны");
    assert_eq!(lines(11), "Все 11 линий свободны");
    assert_eq!(lines(21), "21 линия свободна");
    assert_eq!(lines(22), "Все 22 линии свободны");
    let minutes = |n| tr_in("ru", "common-duration-minutes", &count(n));
    assert_eq!(minutes(1), "1 минута");
    assert_eq!(minutes(2), "2 минуты");
    assert_eq!(minutes(5), "5 минут");
    assert_eq!(minutes(11), "11 минут");
    assert_eq!(minutes(21), "21 минута");
    assert_eq!(minutes(22), "22 минуты");
    // English has two forms.
    assert_eq!(tr_in("en", "tray-missed", &count(1)), "1 missed call");
    assert_eq!(tr_in("en", "tray-missed", &count(21)), "21 missed calls");
}

#[test]
fn core_values_fill_the_messages_with_plurals_and_decimal_commas() {
    let locked = |minutes| {
        let e = PhoneError::LockedOut {
            minutes: Some(minutes),
        };
        tr_params_in("ru", &format!("error-{}", e.kind()), &e.params())
    };
    assert!(locked(1).contains("на 1 минуту"), "{}", locked(1));
    assert!(locked(2).contains("на 2 минуты"), "{}", locked(2));
    assert!(locked(5).contains("на 5 минут"), "{}", locked(5));
    assert!(locked(21).contains("на 21 минуту"), "{}", locked(21));
    let tries = |tries_left| {
        let e = PhoneError::PasscodeRejected { tries_left };
        tr_params_in("ru", "error-passcode_rejected", &e.params())
    };
    assert!(
        tries(Some(4)).contains("осталось 4 попытки"),
        "{}",
        tries(Some(4))
    );
    assert!(tries(Some(1)).contains("осталась 1 попытка"));
    assert!(tries(Some(0)).contains("попыток до блокировки телефона не осталось"));
    assert!(!tries(None).contains("попыт"), "{}", tries(None));
    let timeout = PhoneError::Timeout {
        host: "10.0.0.5".into(),
        after: Duration::from_millis(2500),
    };
    let ru = tr_params_in("ru", "error-timeout", &timeout.params());
    assert!(ru.contains("10.0.0.5 не ответил за 2,5 с"), "{ru}");
    let en = tr_params_in("en", "error-timeout", &timeout.params());
    assert_eq!(en, timeout.to_string());
    let accounts = |count| {
        let e = PhoneError::AccountUnknown { account: 7, count };
        tr_params_in("ru", "error-account_unknown", &e.params())
    };
    assert!(
        accounts(1).contains("у него 1 учётная запись"),
        "{}",
        accounts(1)
    );
    assert!(
        accounts(2).contains("у него 2 учётные записи"),
        "{}",
        accounts(2)
    );
    assert!(
        accounts(5).contains("у него 5 учётных записей"),
        "{}",
        accounts(5)
    );
}

/// The English catalog says exactly what the core's English messages say (logs and tests
/// rely on those words), for every kind.
#[test]
fn english_messages_match_the_core_word_for_word() {
    let phone_errors = [
        PhoneError::PasscodeRejected {
            tries_left: Some(4),
        },
        PhoneError::PasscodeRejected {
            tries_left: Some(1),
        },
        PhoneError::PasscodeRejected {
            tries_left: Some(0),
        },
        PhoneError::PasscodeRejected { tries_left: None },
        PhoneError::LockedOut { minutes: Some(1) },
        PhoneError::LockedOut { minutes: Some(5) },
        PhoneError::LockedOut { minutes: None },
        PhoneError::RemoteControlDenied,
        PhoneError::SessionExpired,
        PhoneError::NotSupported {
            function: "click-to-dial".into(),
        },
        PhoneError::CommandRefused {
            action: "answer".into(),
            reason: None,
        },
        PhoneError::CommandRefused {
            action: "answer".into(),
            reason: Some("busy".into()),
        },
        PhoneError::Unreachable {
            host: "10.0.0.5".into(),
            reason: "Connection refused".into(),
        },
        PhoneError::Timeout {
            host: "10.0.0.5".into(),
            after: Duration::from_millis(1500),
        },
        PhoneError::CertificateUnknown {
            host: "10.0.0.5".into(),
            fingerprint: "AB:CD".into(),
        },
        PhoneError::CertificateChanged {
            host: "10.0.0.5".into(),
            expected: "AB".into(),
            actual: "CD".into(),
        },
        PhoneError::UnexpectedAnswer {
            host: "10.0.0.5".into(),
            function: "line status".into(),
            excerpt: "\"<html>\"".into(),
        },
        PhoneError::BadAddress("x y".into(), "spaces".into()),
        PhoneError::AccountUnknown {
            account: 3,
            count: 1,
        },
        PhoneError::AccountUnknown {
            account: 5,
            count: 2,
        },
        PhoneError::AccountUnregistered {
            account: 2,
            name: "Desk (1002)".into(),
        },
        PhoneError::Refused(Refusal::MuteNeedsConnected),
        PhoneError::Refused(Refusal::OtherCallFirst {
            action: ActionKind::Hold,
            line: 2,
        }),
    ];
    for e in &phone_errors {
        let id = e.message_id();
        assert_eq!(tr_params_in("en", &id, &e.params()), e.to_string(), "{id}");
        assert!(has("ru", &id), "{id}");
    }
    let number_errors = [
        NumberError::Empty,
        NumberError::NoNumber {
            excerpt: "abc".into(),
        },
        NumberError::TooShort {
            number: "12".into(),
        },
        NumberError::TooLong {
            number: "1".repeat(20),
        },
        NumberError::MissingAreaCode {
            number: "5550123".into(),
        },
        NumberError::Invalid {
            number: "+1 123".into(),
        },
        NumberError::UnknownCountryCode {
            number: "+999".into(),
        },
        NumberError::NotANumber {
            address: "sip:ann@x".into(),
        },
        NumberError::Disguised {
            excerpt: "123".into(),
        },
        NumberError::UnknownCountry {
            country: "XX".into(),
        },
        NumberError::BadOutsideLinePrefix {
            prefix: "12345".into(),
        },
        NumberError::BadInternationalPrefix {
            prefix: "123456".into(),
        },
    ];
    for e in &number_errors {
        let id = format!("number-{}", e.kind());
        assert_eq!(tr_params_in("en", &id, &e.params()), e.to_string(), "{id}");
        assert!(has("ru", &id), "{id}");
    }
    let settings_errors = [
        SettingsError::PollInterval { ms: 10 },
        SettingsError::ConnectTimeout { ms: 10 },
        SettingsError::RequestTimeout { ms: 10 },
        SettingsError::CertFingerprint {
            reason: "too short".into(),
        },
        SettingsError::Username,
        SettingsError::Host {
            value: "a b".into(),
        },
        SettingsError::Port,
        SettingsError::Device { value: "x".into() },
        SettingsError::Context,
        SettingsError::PhoneId { id: "a b".into() },
        SettingsError::DuplicatePhone { id: "desk".into() },
        SettingsError::TooManyPhones,
        SettingsError::Hotkey,
        SettingsError::Language {
            value: "xx!".into(),
        },
        SettingsError::PushListen { value: "x".into() },
        SettingsError::PushToken,
        SettingsError::NewerVersion { found: 9 },
        SettingsError::Write {
            path: "/tmp/x".into(),
            source: std::io::Error::other("disk full"),
        },
    ];
    for e in &settings_errors {
        let id = format!("settings-invalid-{}", e.kind());
        assert_eq!(tr_params_in("en", &id, &e.params()), e.to_string(), "{id}");
        assert!(has("ru", &id), "{id}");
    }
}

/// One `.ftl` file's messages: id → the text of the message (all its lines).
fn messages(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let starts_message =
            line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && line.contains(" =");
        if starts_message {
            let id = line
                .split(" =")
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned();
            out.insert(id.clone(), line.to_owned());
            current = Some(id);
        } else if line.starts_with(' ') {
            if let Some(id) = &current {
                if let Some(body) = out.get_mut(id) {
                    body.push('\n');
                    body.push_str(line);
                }
            }
        } else {
            current = None;
        }
    }
    out
}

fn variables(message: &str) -> BTreeSet<String> {
    let mut vars = BTreeSet::new();
    let mut rest = message;
    while let Some(at) = rest.find('$') {
        let name: String = rest[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if !name.is_empty() {
            vars.insert(name.clone());
        }
        rest = &rest[at + 1 + name.len()..];
    }
    vars
}

/// Messages whose translation deliberately leaves out a value the English one shows.
const VALUES_LEFT_OUT: &[(&str, &str)] = &[];

macro_rules! files_of {
    ($($file:literal),*) => {
        [$((
            $file,
            include_str!(concat!("../../../ui/i18n/en/", $file, ".ftl")),
            include_str!(concat!("../../../ui/i18n/ru/", $file, ".ftl")),
        )),*]
    };
}

#[test]
fn every_message_exists_in_both_languages_parses_and_uses_the_same_values() {
    let files = files_of!("common", "main", "call", "settings", "app");
    for (file, en, ru) in files {
        for (locale, text) in [("en", en), ("ru", ru)] {
            if let Err((_, errors)) = FluentResource::try_new(text.to_owned()) {
                panic!("{locale}/{file}.ftl does not parse: {errors:?}");
            }
        }
        let (en, ru) = (messages(en), messages(ru));
        let only_en: Vec<_> = en.keys().filter(|id| !ru.contains_key(*id)).collect();
        let only_ru: Vec<_> = ru.keys().filter(|id| !en.contains_key(*id)).collect();
        assert!(only_en.is_empty(), "{file}: not in Russian: {only_en:?}");
        assert!(only_ru.is_empty(), "{file}: not in English: {only_ru:?}");
        for (id, english) in &en {
            let wanted = variables(english);
            let used = variables(&ru[id]);
            for name in wanted.difference(&used) {
                assert!(
                    VALUES_LEFT_OUT.contains(&(id.as_str(), name.as_str())),
                    "{file}: the Russian {id} does not use ${name}"
                );
            }
            let extra: Vec<_> = used.difference(&wanted).collect();
            assert!(
                extra.is_empty(),
                "{file}: the Russian {id} uses {extra:?}, which the English one does not have"
            );
        }
        assert!(en.len() > 10, "{file}: {} messages found", en.len());
    }
    // Both catalogs load whole, with every message.
    for locale in locales() {
        let text = text_of(locale);
        for id in messages(text).keys() {
            assert!(has(locale, id), "{locale}: {id} has no value");
        }
    }
}

/// Every refusal has its own sentence in both languages: the English one word for word as
/// the core says it, the Russian one in Russian (Latin letters only in the values it quotes
/// and in the names of the phone's own settings), for every action and phone system.
#[test]
fn every_refusal_is_said_in_both_languages() {
    for refusal in Refusal::examples() {
        let e = PhoneError::from(refusal.clone());
        assert_eq!(e.kind(), "refused");
        let (id, params) = (e.message_id(), e.params());
        assert_eq!(params["refusal"], Param::Text(refusal.kind().into()));
        let en = tr_params_in("en", &id, &params);
        assert_eq!(en, e.to_string(), "{id}");
        assert!(has("ru", &id), "{id}");
        let ru = tr_params_in("ru", &id, &params);
        if let Refusal::Said { message } = &refusal {
            // Already in the user's language: said as it is, in any language.
            assert_eq!(&ru, message);
            continue;
        }
        assert_ne!(ru, en, "{id}");
        let mut own_words = ru.clone();
        for value in params.values() {
            if let Param::Text(text) = value {
                own_words = own_words.replace(text.as_str(), " ");
            }
        }
        let cyrillic = own_words
            .chars()
            .filter(|c| ('\u{400}'..='\u{4ff}').contains(c))
            .count();
        let latin = own_words.chars().filter(char::is_ascii_alphabetic).count();
        assert!(cyrillic > latin, "{id}: {ru}");
        let lower = format!(" {} ", own_words.to_lowercase());
        for english in [
            " the ", " is ", " to ", " and ", " a ", " cannot ", " phone ",
        ] {
            assert!(!lower.contains(english), "{id}: {ru}");
        }
    }
}

/// Each action and phone system has its own words in Russian (a missing or misspelled one
/// would fall back to the default words without an error).
#[test]
fn every_action_and_system_has_its_own_russian_words() {
    let ru = |r: Refusal| {
        let e = PhoneError::from(r);
        tr_params_in("ru", &e.message_id(), &e.params())
    };
    for system in BackendKind::ALL {
        let said: BTreeSet<String> = ActionKind::ALL
            .into_iter()
            .map(|action| ru(Refusal::NotOffered { action, system }))
            .collect();
        assert_eq!(said.len(), ActionKind::ALL.len(), "{system}: {said:?}");
    }
    let systems: BTreeSet<String> = BackendKind::ALL
        .into_iter()
        .map(|system| ru(Refusal::NoAccountChoice { system }))
        .collect();
    assert_eq!(systems.len(), BackendKind::ALL.len());
    let on_screen: BTreeSet<String> = [
        ActionKind::Reject,
        ActionKind::HangUp,
        ActionKind::Hold,
        ActionKind::Mute,
    ]
    .into_iter()
    .map(|action| ru(Refusal::OtherCallFirst { action, line: 2 }))
    .collect();
    assert_eq!(on_screen.len(), 4);
    assert_eq!(
        ru(Refusal::NotOffered {
            action: ActionKind::Hold,
            system: BackendKind::Asterisk
        }),
        "callpop не может поставить вызов на удержание через эту АТС Asterisk."
    );
    let transfer = ru(Refusal::AsteriskBadNumber {
        number: "12 34".into(),
        action: ActionKind::Transfer,
        max: 64,
    });
    assert!(
        transfer.starts_with("На «12 34» нельзя перевести вызов через Asterisk"),
        "{transfer}"
    );
}

#[test]
fn refusals_count_in_russian_plurals() {
    let at_most = |max| {
        let e = PhoneError::from(Refusal::AsteriskBadNumber {
            number: "1 2".into(),
            action: ActionKind::Dial,
            max,
        });
        tr_params_in("ru", &e.message_id(), &e.params())
    };
    assert!(
        at_most(1).ends_with("не больше 1 символа."),
        "{}",
        at_most(1)
    );
    assert!(
        at_most(21).ends_with("не больше 21 символа."),
        "{}",
        at_most(21)
    );
    assert!(
        at_most(3).ends_with("не больше 3 символов."),
        "{}",
        at_most(3)
    );
    assert!(
        at_most(64).ends_with("не больше 64 символов."),
        "{}",
        at_most(64)
    );
    let waited = PhoneError::from(Refusal::YealinkNoAnswer {
        host: "10.0.0.7".into(),
        after: Duration::from_millis(2500),
    });
    let ru = tr_params_in("ru", &waited.message_id(), &waited.params());
    assert!(ru.contains("не ответил за 2,5 с."), "{ru}");
}
