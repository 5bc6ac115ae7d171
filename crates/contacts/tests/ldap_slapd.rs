//! LDAP against a real slapd: numbers in any format find the entry, a substring hit that is
//! a different number is rejected, wrong credentials and silent servers fail cleanly.

mod support;

use std::time::Duration;

use callpop_contacts::ldap::LdapLookup;
use callpop_contacts::{
    ContactsError, ContactsSettings, Directory, LdapSettings, Secret, Secrets, SourceSettings,
};
use support::{german_desk, start_slapd, SilentServer, LDAP_ADMIN, LDAP_BASE, LDAP_PASSWORD};

fn settings(port: u16) -> LdapSettings {
    LdapSettings {
        url: format!("ldap://127.0.0.1:{port}"),
        base_dn: LDAP_BASE.into(),
        timeout_ms: 5000,
        ..Default::default()
    }
}

const JANE: &str = "cn=Jane Customer,ou=people,dc=example,dc=test";

#[tokio::test]
async fn a_german_desk_finds_the_entry_whatever_the_format() {
    let server = start_slapd();
    let ldap = LdapLookup::new(settings(server.port), None).expect("settings");
    for number in ["030123456", "004930123456", "+49 30 123456", "030/12 34 56"] {
        let found = ldap
            .lookup(number, &german_desk())
            .await
            .unwrap_or_else(|e| panic!("{number}: {e}\n{}", server.log()))
            .unwrap_or_else(|| panic!("{number} finds Jane"));
        assert_eq!(found.name, "Jane Customer", "{number}");
        assert_eq!(found.reference, JANE);
        assert_eq!(found.source, "ldap");
        assert_eq!(found.organization.as_deref(), Some("ACME GmbH"));
        assert_eq!(found.matched_number, "+49 30 123456");
    }
    // Other attributes and formats: a mobile in homePhone written with a slash and dash.
    let carla = ldap
        .lookup("+49 171 5550199", &german_desk())
        .await
        .expect("search")
        .expect("Carla");
    assert_eq!(carla.name, "Carla Mobile");
    assert_eq!(carla.phone_kind.as_deref(), Some("home"));
    // displayName is preferred over cn.
    let decoy = ldap
        .lookup("040 301234567", &german_desk())
        .await
        .expect("search")
        .expect("decoy");
    assert_eq!(decoy.name, "Hamburg Office (Decoy)");
}

#[tokio::test]
async fn a_substring_hit_that_is_another_number_is_rejected() {
    let server = start_slapd();
    let ldap = LdapLookup::new(settings(server.port), None).expect("settings");
    // Munich 30123456 ends in the same 8 digits as Berlin 30123456 and the Hamburg decoy
    // contains them: the directory returns both, neither is the caller.
    let candidates = ldap
        .candidates("+49 89 30123456", &german_desk())
        .await
        .expect("search");
    let dns: Vec<&str> = candidates.iter().map(|c| c.dn.as_str()).collect();
    assert!(dns.contains(&JANE), "{dns:?}");
    assert!(dns.iter().any(|dn| dn.starts_with("cn=Decoy")), "{dns:?}");
    assert_eq!(
        ldap.lookup("+49 89 30123456", &german_desk())
            .await
            .expect("search"),
        None
    );
    // Nothing at all for a number nobody has.
    assert_eq!(
        ldap.lookup("+44 20 7946 0000", &german_desk())
            .await
            .expect("search"),
        None
    );
}

#[tokio::test]
async fn binding_with_a_password_works_and_a_wrong_one_says_so() {
    let server = start_slapd();
    let with_bind = LdapSettings {
        bind_dn: LDAP_ADMIN.into(),
        ..settings(server.port)
    };
    let ldap = LdapLookup::new(with_bind.clone(), Some(Secret::new(LDAP_PASSWORD))).expect("ok");
    assert!(ldap
        .lookup("030123456", &german_desk())
        .await
        .expect("bound search")
        .is_some());

    let wrong = LdapLookup::new(with_bind.clone(), Some(Secret::new("nope"))).expect("ok");
    match wrong.lookup("030123456", &german_desk()).await {
        Err(err @ ContactsError::Ldap { .. }) => {
            let text = err.to_string();
            assert!(text.contains("refused the bind DN or password"), "{text}");
            assert!(!text.contains("nope"));
        }
        other => panic!("expected a bind error, got {other:?}"),
    }
    // A bind DN without a password would be an anonymous bind: refused up front.
    assert!(matches!(
        LdapLookup::new(with_bind, None),
        Err(ContactsError::MissingSecret { .. })
    ));
}

#[tokio::test]
async fn the_directory_answers_through_ldap_within_its_deadline() {
    let server = start_slapd();
    let settings = ContactsSettings {
        sources: vec![SourceSettings::Ldap(LdapSettings {
            bind_dn: LDAP_ADMIN.into(),
            ..settings(server.port)
        })],
        ..Default::default()
    };
    let secrets: Secrets = settings
        .sources
        .iter()
        .filter_map(SourceSettings::secret_account)
        .map(|a| (a, Secret::new(LDAP_PASSWORD)))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = Directory::open(
        &settings,
        &german_desk(),
        &secrets,
        &dir.path().join("c.sqlite3"),
    )
    .await
    .expect("open");
    let found = directory
        .lookup_within("004930123456", Duration::from_secs(5))
        .await
        .expect("found");
    assert_eq!(
        (found.name.as_str(), found.reference.as_str()),
        ("Jane Customer", JANE)
    );
    assert!(directory.source_status()[0].last_ok.is_some());
}

#[tokio::test]
async fn a_server_that_never_answers_gives_no_name_within_the_deadline() {
    let silent = SilentServer::start();
    // The LDAP timeout is long on purpose: only the lookup's deadline can end the wait.
    let ldap = LdapSettings {
        url: format!("ldap://{}", silent.addr),
        base_dn: LDAP_BASE.into(),
        timeout_ms: 60_000,
        ..Default::default()
    };
    let settings = ContactsSettings {
        sources: vec![SourceSettings::Ldap(ldap.clone())],
        ..Default::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = Directory::open(
        &settings,
        &german_desk(),
        &Secrets::new(),
        &dir.path().join("c.sqlite3"),
    )
    .await
    .expect("open");
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        directory.lookup_within("030123456", Duration::from_millis(300)),
    )
    .await
    .expect("the lookup returns at its deadline, not when the server gives up");
    assert_eq!(answer, None);

    // The source's own timeout ends the query itself (and says so).
    let short = LdapLookup::new(
        LdapSettings {
            timeout_ms: 300,
            ..ldap
        },
        None,
    )
    .expect("settings");
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        short.lookup("030123456", &german_desk()),
    )
    .await
    .expect("the LDAP timeout ends the query");
    assert!(
        matches!(
            result,
            Err(ContactsError::TimedOut { .. }) | Err(ContactsError::Ldap { .. })
        ),
        "{result:?}"
    );
}
