//! CSV export: RFC 4180 quoting, UTC times, and no formulas for spreadsheets to run.

mod common;

use callpop_history::{CallFilter, CallQuery, ContactMatch, Outcome, Step};
use common::{fresh_history, TestCall};

fn export(history: &callpop_history::History, query: &CallQuery) -> (usize, String) {
    let mut bytes = Vec::new();
    let written = history.export_csv(query, &mut bytes).expect("export");
    (written, String::from_utf8(bytes).expect("utf-8"))
}

fn records(text: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("header").clone();
    let rows = reader
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    (header, rows)
}

#[test]
fn awkward_text_survives_the_round_trip_and_formulas_become_text() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("1", "+1 416 555 0123").named("Smith, \"Bob\"\nSales");
    let id = call.record(
        &history,
        &[
            (1_740_820_502_123, Step::Ringing),
            (1_740_820_505_000, Step::Connected),
            (1_740_820_565_999, Step::Ended(Outcome::Answered)),
        ],
    );
    history
        .set_note(id, "=HYPERLINK(\"http://evil\",\"click\")")
        .expect("note");
    history
        .set_contact(
            id,
            Some(&ContactMatch {
                name: "@SUM(A1:A9)".into(),
                source: "-csv".into(),
                reference: None,
            }),
        )
        .expect("contact");

    let (written, text) = export(&history, &CallQuery::default());
    assert_eq!(written, 1);
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    assert!(
        text.contains("\"Smith, \"\"Bob\"\"\nSales\""),
        "quoted, quotes doubled: {text}"
    );

    let (header, rows) = records(&text);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let row = &rows[0];
    assert_eq!(&row[column("id")], id.to_string());
    assert_eq!(&row[column("phone_name")], "Smith, \"Bob\"\nSales");
    assert_eq!(&row[column("number")], "'+1 416 555 0123");
    assert_eq!(&row[column("e164")], "'+14165550123");
    assert_eq!(
        &row[column("note")],
        "'=HYPERLINK(\"http://evil\",\"click\")"
    );
    assert_eq!(&row[column("contact_name")], "'@SUM(A1:A9)");
    assert_eq!(&row[column("contact_source")], "'-csv");
    assert_eq!(&row[column("started_utc")], "2025-03-01T09:15:02Z");
    assert_eq!(&row[column("ended_utc")], "2025-03-01T09:16:05Z");
    assert_eq!(&row[column("connected_seconds")], "60");
    assert_eq!(&row[column("outcome")], "answered");
    assert_eq!(&row[column("direction")], "in");
}

#[test]
fn the_export_follows_the_query_and_covers_more_than_one_page() {
    let (_dir, history) = fresh_history();
    let mut events = Vec::new();
    for n in 0..1_234_i64 {
        let call = TestCall::incoming(&format!("c{n}"), &format!("+1 416 555 {:04}", n));
        let outcome = if n % 2 == 0 {
            Outcome::Missed
        } else {
            Outcome::Rejected
        };
        events.push(call.event(n * 1_000, Step::Ringing));
        events.push(call.event(n * 1_000 + 500, Step::Ended(outcome)));
    }
    history.record_all(&events).expect("record");

    let (written, text) = export(&history, &CallQuery::default());
    assert_eq!(written, 1_234);
    let (_, rows) = records(&text);
    assert_eq!(rows.len(), 1_234);
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), 1_234, "no call twice across pages");

    let (written, text) = export(&history, &CallQuery::filtered(CallFilter::Missed));
    assert_eq!(written, 617);
    assert!(records(&text).1.iter().all(|r| &r[3] == "missed"));

    let (written, _) = export(&history, &CallQuery::search("555 0007"));
    assert_eq!(written, 1);
}

#[test]
fn an_empty_history_exports_just_the_header() {
    let (_dir, history) = fresh_history();
    let (written, text) = export(&history, &CallQuery::default());
    assert_eq!(written, 0);
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("id,started_utc,"));
}
