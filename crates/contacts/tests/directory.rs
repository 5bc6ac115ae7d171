//! The whole lookup as the app uses it: contact files re-read when they change, the
//! priority order across sources, the remote answer cache, and the deadline.

mod support;

use std::path::Path;
use std::time::Duration;

use callpop_contacts::{
    ContactsSettings, CrmSettings, Directory, FileSourceSettings, Secrets, SourceSettings,
    SyncOutcome,
};
use support::fake_crm::FakeCrm;
use support::german_desk;

fn file_source(path: &Path) -> SourceSettings {
    SourceSettings::File(FileSourceSettings {
        path: path.to_path_buf(),
        ..Default::default()
    })
}

fn crm_source(template: String) -> SourceSettings {
    SourceSettings::Crm(CrmSettings {
        url_template: template,
        name_pointer: "/data/name".into(),
        id_pointer: "/data/id".into(),
        timeout_ms: 5000,
        ..Default::default()
    })
}

async fn open(sources: Vec<SourceSettings>, store: &Path) -> Directory {
    let settings = ContactsSettings {
        sources,
        ..Default::default()
    };
    Directory::open(&settings, &german_desk(), &Secrets::new(), store)
        .await
        .expect("open")
}

async fn who(directory: &Directory, number: &str) -> Option<(String, String)> {
    directory
        .lookup_within(number, Duration::from_secs(3))
        .await
        .map(|m| (m.name, m.source))
}

fn pair(name: &str, source: &str) -> Option<(String, String)> {
    Some((name.to_owned(), source.to_owned()))
}

#[tokio::test]
async fn contact_files_are_read_and_read_again_when_they_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vcf = dir.path().join("office.vcf");
    let csv = dir.path().join("export.csv");
    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jane-1\r\nFN:Jane Customer\r\nTEL;TYPE=work:+49 30 123456\r\nEND:VCARD\r\n",
    )
    .expect("write vcf");
    std::fs::write(&csv, "Name;Telefon\nBob Müller;089 5550100\n").expect("write csv");
    let directory = open(
        vec![file_source(&vcf), file_source(&csv)],
        &dir.path().join("c.sqlite3"),
    )
    .await;

    let results = directory.refresh_files().await;
    assert!(
        results
            .iter()
            .all(|r| matches!(r.outcome, SyncOutcome::FileImported { contacts: 1 })),
        "{results:?}"
    );
    let jane = directory
        .lookup_within("0049 30 123456", Duration::from_secs(1))
        .await
        .expect("Jane");
    assert_eq!(
        (jane.source.as_str(), jane.reference.as_str()),
        ("vcard:office.vcf", "jane-1")
    );
    assert_eq!(
        who(&directory, "+49 89 5550100").await,
        pair("Bob Müller", "csv:export.csv")
    );

    // Unchanged files are not read again.
    assert!(directory
        .refresh_files()
        .await
        .iter()
        .all(|r| matches!(r.outcome, SyncOutcome::Unchanged)));

    std::fs::write(
        &vcf,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Moved\r\nTEL:+49 30 999999\r\nEND:VCARD\r\n",
    )
    .expect("rewrite vcf");
    directory.refresh_files().await;
    assert_eq!(who(&directory, "030 123456").await, None);
    assert_eq!(
        who(&directory, "030 999999").await,
        pair("Jane Moved", "vcard:office.vcf")
    );

    // A file that disappears keeps its contacts and reports the problem.
    std::fs::remove_file(&csv).expect("remove csv");
    directory.refresh_files().await;
    assert_eq!(
        who(&directory, "089 5550100").await,
        pair("Bob Müller", "csv:export.csv")
    );
    let status = directory.source_status();
    assert!(status[1]
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("does not exist")));
    assert_eq!(status[0].contacts, Some(1));
}

#[tokio::test]
async fn the_first_source_in_the_list_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, "name,number\nFrom A,+49 30 123456\n").expect("a");
    std::fs::write(&b, "name,number\nFrom B,030 123456\nOnly B,030 777777\n").expect("b");
    let store = dir.path().join("c.sqlite3");

    let directory = open(vec![file_source(&a), file_source(&b)], &store).await;
    directory.refresh_files().await;
    assert_eq!(
        who(&directory, "030123456").await,
        pair("From A", "csv:a.csv")
    );
    assert_eq!(
        who(&directory, "030777777").await,
        pair("Only B", "csv:b.csv")
    );
    drop(directory);

    let directory = open(vec![file_source(&b), file_source(&a)], &store).await;
    directory.refresh_files().await;
    assert_eq!(
        who(&directory, "030123456").await,
        pair("From B", "csv:b.csv")
    );

    // A source removed from the settings leaves the cache.
    drop(directory);
    let directory = open(vec![file_source(&a)], &store).await;
    assert_eq!(who(&directory, "030777777").await, None);
}

#[tokio::test]
async fn remote_sources_below_a_local_match_are_not_asked() {
    let crm = FakeCrm::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.csv");
    std::fs::write(&file, "name,number\nLocal Jane,030 123456\n").expect("file");
    let store = dir.path().join("c.sqlite3");

    let directory = open(
        vec![file_source(&file), crm_source(crm.template("lookup"))],
        &store,
    )
    .await;
    directory.refresh_files().await;
    assert_eq!(
        who(&directory, "030123456").await,
        pair("Local Jane", "csv:a.csv")
    );
    assert_eq!(crm.requests(), 0);
    drop(directory);

    // With the CRM first, the CRM's answer wins.
    let directory = open(
        vec![crm_source(crm.template("lookup")), file_source(&file)],
        &store,
    )
    .await;
    assert_eq!(
        who(&directory, "030123456").await,
        pair("Jane Customer", "crm")
    );
    assert_eq!(crm.requests(), 1);
}

#[tokio::test]
async fn repeated_rings_do_not_ask_the_crm_again() {
    let crm = FakeCrm::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = open(
        vec![crm_source(crm.template("lookup"))],
        &dir.path().join("c.sqlite3"),
    )
    .await;
    // Known and unknown numbers, each in two formats, ringing twice.
    for _ in 0..2 {
        assert_eq!(
            who(&directory, "030123456").await,
            pair("Jane Customer", "crm")
        );
        assert_eq!(
            who(&directory, "+49 30 123456").await,
            pair("Jane Customer", "crm")
        );
        assert_eq!(who(&directory, "089 5550100").await, None);
        assert_eq!(who(&directory, "0049895550100").await, None);
    }
    assert_eq!(
        crm.requests(),
        2,
        "one request per number, positive and negative cached"
    );
    // Numbers without digits never reach a server.
    assert_eq!(who(&directory, "anonymous").await, None);
    assert_eq!(crm.requests(), 2);
}

#[tokio::test]
async fn an_answer_after_the_deadline_is_kept_for_the_next_ring() {
    let crm = FakeCrm::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = open(
        vec![crm_source(crm.template("late"))],
        &dir.path().join("c.sqlite3"),
    )
    .await;
    // The CRM answers after 1 s; the call window gets no name at the 200 ms deadline.
    assert_eq!(
        directory
            .lookup_within("030123456", Duration::from_millis(200))
            .await,
        None
    );
    // A second ring while the first query still runs waits for the same request.
    let second = directory
        .lookup_within("030 123456", Duration::from_secs(5))
        .await
        .map(|m| m.name);
    assert_eq!(second.as_deref(), Some("Jane Customer"));
    assert_eq!(crm.requests(), 1);
    // And later rings get it from the cache at once.
    let third = directory
        .lookup_within("+4930123456", Duration::from_millis(1))
        .await
        .map(|m| m.name);
    assert_eq!(third.as_deref(), Some("Jane Customer"));
    assert_eq!(crm.requests(), 1);
}

#[tokio::test]
async fn a_silent_crm_gives_no_name_within_the_deadline() {
    let crm = FakeCrm::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let directory = open(
        vec![crm_source(crm.template("slow"))],
        &dir.path().join("c.sqlite3"),
    )
    .await;
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        directory.lookup_within("030123456", Duration::from_millis(300)),
    )
    .await
    .expect("the lookup returns at its deadline");
    assert_eq!(answer, None);
}
