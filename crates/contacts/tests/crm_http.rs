//! The CRM lookup against a real HTTP server on loopback: a good answer, bad JSON, a huge
//! body, a slow server, redirects, authentication.

mod support;

use std::time::Duration;

use callpop_contacts::crm::CrmLookup;
use callpop_contacts::{ContactsError, CrmAuth, CrmSettings, Secret};
use support::fake_crm::{endless_body_server, FakeCrm, TOKEN};
use support::german_desk;

fn crm(template: String) -> CrmSettings {
    CrmSettings {
        url_template: template,
        name_pointer: "/data/name".into(),
        organization_pointer: "/data/company".into(),
        link_pointer: "/data/url".into(),
        id_pointer: "/data/id".into(),
        timeout_ms: 2000,
        max_body_bytes: 64 * 1024,
        ..Default::default()
    }
}

#[tokio::test]
async fn a_known_number_gives_name_company_id_and_an_absolute_link() {
    let server = FakeCrm::start().await;
    let lookup = CrmLookup::new(crm(server.template("lookup")), None).expect("settings");
    // Any format: the CRM gets the E.164 form, URL-encoded.
    let found = lookup
        .lookup("030 123456", &german_desk())
        .await
        .expect("request")
        .expect("known");
    assert_eq!(found.name, "Jane Customer");
    assert_eq!(found.organization.as_deref(), Some("ACME GmbH"));
    assert_eq!(found.reference, "17");
    assert_eq!(found.source, "crm");
    assert_eq!(
        found.link,
        Some(format!("http://{}/contacts/17", server.addr))
    );
    // 404: not known, not an error.
    assert_eq!(
        lookup
            .lookup("089 5550100", &german_desk())
            .await
            .expect("request"),
        None
    );
}

#[tokio::test]
async fn bad_json_and_server_errors_are_errors_not_names() {
    let server = FakeCrm::start().await;
    let bad = CrmLookup::new(crm(server.template("bad")), None).expect("settings");
    assert!(matches!(
        bad.lookup("030123456", &german_desk()).await,
        Err(ContactsError::BadResponse { .. })
    ));
    let failing = CrmLookup::new(crm(server.template("error")), None).expect("settings");
    assert!(matches!(
        failing.lookup("030123456", &german_desk()).await,
        Err(ContactsError::HttpStatus { status: 500, .. })
    ));
}

#[tokio::test]
async fn bodies_over_the_limit_are_not_read_with_or_without_a_length() {
    let server = FakeCrm::start().await;
    let huge = CrmLookup::new(crm(server.template("huge")), None).expect("settings");
    assert!(matches!(
        huge.lookup("030123456", &german_desk()).await,
        Err(ContactsError::TooLarge { limit: 65536, .. })
    ));

    let endless = endless_body_server().await;
    let streaming = CrmLookup::new(crm(format!("http://{endless}/stream?phone={{e164}}")), None)
        .expect("settings");
    assert!(matches!(
        streaming.lookup("030123456", &german_desk()).await,
        Err(ContactsError::TooLarge { .. })
    ));
}

#[tokio::test]
async fn a_slow_crm_times_out() {
    let server = FakeCrm::start().await;
    let slow = CrmLookup::new(
        CrmSettings {
            timeout_ms: 300,
            ..crm(server.template("slow"))
        },
        None,
    )
    .expect("settings");
    let result = tokio::time::timeout(
        Duration::from_secs(10),
        slow.lookup("030123456", &german_desk()),
    )
    .await
    .expect("the CRM timeout ends the request");
    assert!(
        matches!(result, Err(ContactsError::TimedOut { .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn redirects_are_followed_on_the_same_host_only() {
    let server = FakeCrm::start().await;
    let same = CrmLookup::new(crm(server.template("redirect-same")), None).expect("settings");
    assert_eq!(
        same.lookup("030123456", &german_desk())
            .await
            .expect("followed")
            .map(|m| m.name)
            .as_deref(),
        Some("Jane Customer")
    );

    let other = CrmLookup::new(crm(server.template("redirect-other")), None).expect("settings");
    let before = server.requests();
    match other.lookup("030123456", &german_desk()).await {
        Err(err @ ContactsError::RedirectRefused { .. }) => {
            let text = err.to_string();
            assert!(text.contains("localhost"), "{text}");
            assert!(!text.contains("leak"), "the query is not shown: {text}");
        }
        other => panic!("expected the redirect to be refused, got {other:?}"),
    }
    assert_eq!(
        server.requests(),
        before + 1,
        "the other host was not asked"
    );
}

#[tokio::test]
async fn bearer_tokens_are_sent_and_rejections_reported() {
    let server = FakeCrm::start().await;
    let secured = CrmSettings {
        auth: CrmAuth::Bearer,
        ..crm(server.template("secure"))
    };
    let right = CrmLookup::new(secured.clone(), Some(Secret::new(TOKEN))).expect("settings");
    assert!(right
        .lookup("030123456", &german_desk())
        .await
        .expect("authorised")
        .is_some());
    let wrong = CrmLookup::new(secured, Some(Secret::new("expired"))).expect("settings");
    match wrong.lookup("030123456", &german_desk()).await {
        Err(err @ ContactsError::AuthRejected { status: 401, .. }) => {
            assert!(!err.to_string().contains("expired"))
        }
        other => panic!("expected 401, got {other:?}"),
    }
}
