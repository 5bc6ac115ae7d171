//! CardDAV against a real Radicale: cards added, changed and deleted on the server reach the
//! local cache with the next sync, only changed cards are fetched, and the sync state
//! survives a restart.

mod support;

use std::path::Path;
use std::time::Duration;

use callpop_contacts::carddav::discover_address_books;
use callpop_contacts::{
    CardDavSettings, ContactsError, ContactsSettings, Directory, Secret, Secrets, SourceSettings,
    SyncOutcome,
};
use support::{german_desk, start_radicale, test_http_client, ServerGuard, DAV_PASSWORD, DAV_USER};

struct Book {
    http: reqwest::Client,
    url: String,
}

impl Book {
    /// Creates the address book `work` ("Work") for the test user.
    async fn create(server: &ServerGuard) -> Self {
        let book = Self {
            http: test_http_client(),
            url: format!("http://127.0.0.1:{}/{DAV_USER}/work/", server.port),
        };
        let body = r#"<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><set><prop><resourcetype><collection/><CR:addressbook/></resourcetype><displayname>Work</displayname></prop></set></mkcol>"#;
        let response = book
            .http
            .request(
                reqwest::Method::from_bytes(b"MKCOL").expect("method"),
                &book.url,
            )
            .basic_auth(DAV_USER, Some(DAV_PASSWORD))
            .body(body)
            .send()
            .await
            .expect("MKCOL");
        assert_eq!(response.status().as_u16(), 201, "{}", server.log());
        book
    }

    async fn put(&self, file: &str, uid: &str, name: &str, number: &str) {
        let card = format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nTEL;TYPE=WORK:{number}\r\nEND:VCARD\r\n"
        );
        let response = self
            .http
            .put(format!("{}{file}", self.url))
            .basic_auth(DAV_USER, Some(DAV_PASSWORD))
            .header("Content-Type", "text/vcard; charset=utf-8")
            .body(card)
            .send()
            .await
            .expect("PUT");
        assert!(
            response.status().is_success(),
            "PUT {file}: {}",
            response.status()
        );
    }

    async fn delete(&self, file: &str) {
        let response = self
            .http
            .delete(format!("{}{file}", self.url))
            .basic_auth(DAV_USER, Some(DAV_PASSWORD))
            .send()
            .await
            .expect("DELETE");
        assert!(
            response.status().is_success(),
            "DELETE {file}: {}",
            response.status()
        );
    }

    fn settings(&self) -> ContactsSettings {
        ContactsSettings {
            sources: vec![SourceSettings::CardDav(CardDavSettings {
                url: self.url.clone(),
                username: DAV_USER.into(),
                ..Default::default()
            })],
            ..Default::default()
        }
    }
}

fn secrets_for(settings: &ContactsSettings, password: &str) -> Secrets {
    settings
        .sources
        .iter()
        .filter_map(SourceSettings::secret_account)
        .map(|account| (account, Secret::new(password)))
        .collect()
}

async fn open(book: &Book, store: &Path) -> Directory {
    let settings = book.settings();
    Directory::open(
        &settings,
        &german_desk(),
        &secrets_for(&settings, DAV_PASSWORD),
        store,
    )
    .await
    .expect("open directory")
}

async fn sync_once(directory: &Directory) -> SyncOutcome {
    let mut results = directory.sync_carddav().await;
    assert_eq!(results.len(), 1);
    results.remove(0).outcome
}

fn dav_report(outcome: SyncOutcome) -> callpop_contacts::carddav::CardDavSyncReport {
    match outcome {
        SyncOutcome::CardDav(report) => report,
        other => panic!("expected a sync with changes, got {other:?}"),
    }
}

async fn name_of(directory: &Directory, number: &str) -> Option<String> {
    directory
        .lookup_within(number, Duration::from_secs(2))
        .await
        .map(|m| m.name)
}

#[tokio::test]
async fn added_changed_and_deleted_cards_reach_the_cache_with_the_next_sync() {
    let server = start_radicale();
    let book = Book::create(&server).await;
    book.put("jane.vcf", "jane", "Jane Customer", "+49 30 123456")
        .await;
    book.put("bob.vcf", "bob", "Bob Mueller", "089 5550100")
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("contacts.sqlite3");
    let directory = open(&book, &store).await;

    let first = dav_report(sync_once(&directory).await);
    assert_eq!((first.fetched, first.deleted), (2, 0));
    let found = directory
        .lookup_within("030123456", Duration::from_secs(2))
        .await
        .expect("Jane is found");
    assert_eq!(found.name, "Jane Customer");
    assert_eq!(found.source, "carddav:work");
    assert_eq!(found.reference, "/anna/work/jane.vcf");
    assert_eq!(found.phone_kind.as_deref(), Some("work"));

    // Nothing changed: one PROPFIND, nothing fetched.
    assert!(matches!(
        sync_once(&directory).await,
        SyncOutcome::Unchanged
    ));

    book.put("jane.vcf", "jane", "Jane Customer-Smith", "+49 30 654321")
        .await;
    book.delete("bob.vcf").await;
    book.put("carla.vcf", "carla", "Carla New", "0171 5550199")
        .await;
    let second = dav_report(sync_once(&directory).await);
    assert!(second.used_sync_token, "the stored sync token is used");
    assert_eq!((second.fetched, second.deleted), (2, 1));

    assert_eq!(name_of(&directory, "+49 30 123456").await, None);
    assert_eq!(
        name_of(&directory, "030 654321").await.as_deref(),
        Some("Jane Customer-Smith")
    );
    assert_eq!(name_of(&directory, "+49 89 5550100").await, None);
    assert_eq!(
        name_of(&directory, "+49 171 5550199").await.as_deref(),
        Some("Carla New")
    );
    let status = &directory.source_status()[0];
    assert_eq!(status.contacts, Some(2));
    assert!(status.last_ok.is_some() && status.last_error.is_none());
}

#[tokio::test]
async fn a_restart_does_not_fetch_everything_again() {
    let server = start_radicale();
    let book = Book::create(&server).await;
    for i in 0..5 {
        book.put(
            &format!("c{i}.vcf"),
            &format!("c{i}"),
            &format!("Person {i}"),
            &format!("030 55501{i:02}"),
        )
        .await;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("contacts.sqlite3");
    {
        let directory = open(&book, &store).await;
        assert_eq!(dav_report(sync_once(&directory).await).fetched, 5);
    }

    // The app restarts: nothing changed on the server, nothing is fetched.
    let directory = open(&book, &store).await;
    assert!(matches!(
        sync_once(&directory).await,
        SyncOutcome::Unchanged
    ));
    assert_eq!(
        name_of(&directory, "+49 30 5550103").await.as_deref(),
        Some("Person 3")
    );
    drop(directory);

    // Changed while callpop was closed: only that card is fetched after the next start.
    book.put("c2.vcf", "c2", "Person Two", "030 5550102").await;
    let directory = open(&book, &store).await;
    let report = dav_report(sync_once(&directory).await);
    assert_eq!((report.fetched, report.deleted), (1, 0));
    assert_eq!(
        name_of(&directory, "030 5550102").await.as_deref(),
        Some("Person Two")
    );
}

#[tokio::test]
async fn a_sync_token_the_server_rejects_falls_back_to_comparing_etags() {
    let server = start_radicale();
    let book = Book::create(&server).await;
    book.put("jane.vcf", "jane", "Jane", "+49 30 123456").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("contacts.sqlite3");
    let directory = open(&book, &store).await;
    sync_once(&directory).await;
    drop(directory);

    // Simulate an expired token (servers forget old tokens) in the stored state.
    let db = rusqlite::Connection::open(&store).expect("open cache");
    db.execute(
        "UPDATE source_state SET sync_token = 'http://radicale.org/ns/sync/0000', ctag = 'old'",
        [],
    )
    .expect("update");
    drop(db);
    book.put("bob.vcf", "bob", "Bob", "089 5550100").await;

    let directory = open(&book, &store).await;
    let report = dav_report(sync_once(&directory).await);
    assert!(!report.used_sync_token);
    assert_eq!((report.fetched, report.deleted), (1, 0), "only Bob is new");
    assert_eq!(
        name_of(&directory, "+49 89 5550100").await.as_deref(),
        Some("Bob")
    );
    assert_eq!(
        name_of(&directory, "030 123456").await.as_deref(),
        Some("Jane")
    );
}

#[tokio::test]
async fn a_wrong_password_is_reported_and_the_cache_kept() {
    let server = start_radicale();
    let book = Book::create(&server).await;
    book.put("jane.vcf", "jane", "Jane", "+49 30 123456").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("contacts.sqlite3");
    sync_once(&open(&book, &store).await).await;

    let settings = book.settings();
    let directory = Directory::open(
        &settings,
        &german_desk(),
        &secrets_for(&settings, "wrong"),
        &store,
    )
    .await
    .expect("open");
    match sync_once(&directory).await {
        SyncOutcome::Failed(ContactsError::AuthRejected { status, .. }) => assert_eq!(status, 401),
        other => panic!("expected the password to be rejected, got {other:?}"),
    }
    let status = &directory.source_status()[0];
    assert!(status
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("refused the user name or password")));
    // What was synced before still answers calls.
    assert_eq!(
        name_of(&directory, "030 123456").await.as_deref(),
        Some("Jane")
    );

    // Without any password the source is unusable, and says why.
    let directory = Directory::open(&settings, &german_desk(), &Secrets::new(), &store)
        .await
        .expect("open");
    assert!(directory.source_status()[0]
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("password is missing")));
    // The cached cards still answer calls meanwhile.
    assert_eq!(
        name_of(&directory, "030 123456").await.as_deref(),
        Some("Jane")
    );
}

#[tokio::test]
async fn address_books_are_discovered_from_the_server_address() {
    let server = start_radicale();
    let _book = Book::create(&server).await;
    let found = discover_address_books(
        &format!("http://127.0.0.1:{}/", server.port),
        DAV_USER,
        Some(Secret::new(DAV_PASSWORD)),
        Duration::from_secs(10),
    )
    .await
    .expect("discovery");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].url,
        format!("http://127.0.0.1:{}/{DAV_USER}/work/", server.port)
    );
    assert_eq!(found[0].name.as_deref(), Some("Work"));
}

#[tokio::test]
async fn a_url_that_is_not_an_address_book_is_named_as_such() {
    let server = start_radicale();
    let _book = Book::create(&server).await;
    let settings = ContactsSettings {
        sources: vec![SourceSettings::CardDav(CardDavSettings {
            url: format!("http://127.0.0.1:{}/{DAV_USER}/", server.port),
            username: DAV_USER.into(),
            ..Default::default()
        })],
        ..Default::default()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = Directory::open(
        &settings,
        &german_desk(),
        &secrets_for(&settings, DAV_PASSWORD),
        &dir.path().join("c.sqlite3"),
    )
    .await
    .expect("open");
    match sync_once(&directory).await {
        SyncOutcome::Failed(err @ ContactsError::NotAnAddressBook { .. }) => {
            assert!(err.to_string().contains("is not an address book"))
        }
        other => panic!("expected NotAnAddressBook, got {other:?}"),
    }
}
