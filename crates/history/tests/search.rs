//! "Recent calls": search by name in any script, by digits however written, notes and
//! contacts, and keyset paging.

mod common;

use callpop_history::{CallId, CallQuery, ContactMatch, History, Outcome, PageCursor, Step};
use common::{assert_intact, fresh_history, TestCall};

fn answered(history: &History, call: &TestCall, at: i64) -> CallId {
    call.record(
        history,
        &[
            (at, Step::Connected),
            (at + 1_000, Step::Ended(Outcome::Answered)),
        ],
    )
}

fn found(history: &History, text: &str) -> Vec<CallId> {
    history
        .list(&CallQuery::search(text), None, 100)
        .unwrap_or_else(|e| panic!("search {text:?}: {e}"))
        .calls
        .into_iter()
        .map(|c| c.id)
        .collect()
}

#[test]
fn names_are_found_whatever_the_case_and_accents() {
    let (_dir, history) = fresh_history();
    let zoe = answered(
        &history,
        &TestCall::incoming("1", "201").named("Zoë Müller"),
        1_000,
    );
    let vitalik = answered(
        &history,
        &TestCall::incoming("2", "202").named("Виталик"),
        2_000,
    );
    let semyon = answered(
        &history,
        &TestCall::incoming("3", "203").named("Семён Петров"),
        3_000,
    );
    let plain_zoe = answered(
        &history,
        &TestCall::incoming("4", "204").named("Zoe Adams"),
        4_000,
    );

    assert_eq!(found(&history, "zoe"), [plain_zoe, zoe]);
    assert_eq!(found(&history, "ZOË"), [plain_zoe, zoe]);
    assert_eq!(found(&history, "muller"), [zoe]);
    assert_eq!(found(&history, "Zoë Mül"), [zoe], "every word must match");
    assert_eq!(found(&history, "Виталик"), [vitalik]);
    assert_eq!(
        found(&history, "витал"),
        [vitalik],
        "a word's start is enough"
    );
    assert_eq!(found(&history, "ВИТАЛИК"), [vitalik]);
    assert_eq!(found(&history, "семен"), [semyon], "ё is written е");
    assert_eq!(found(&history, "СЕМЁН"), [semyon]);
    assert!(
        found(&history, "италик").is_empty(),
        "words match from their start"
    );
}

#[test]
fn digits_find_numbers_however_either_side_wrote_them() {
    let (_dir, history) = fresh_history();
    let formatted = answered(
        &history,
        &TestCall::incoming("1", "+1 (416) 555-0123"),
        1_000,
    );
    let plain = answered(&history, &TestCall::incoming("2", "4165550199"), 2_000);
    let internal = answered(&history, &TestCall::incoming("3", "203"), 3_000);

    for typed in [
        "5550123",
        "555-0123",
        "555 01 23",
        "+1 416 555 0123",
        "(416) 555-012",
    ] {
        assert_eq!(found(&history, typed), [formatted], "{typed:?}");
    }
    assert_eq!(found(&history, "555 0199"), [plain]);
    assert_eq!(found(&history, "416555"), [plain, formatted]);
    assert_eq!(found(&history, "203"), [internal]);
    assert_eq!(
        found(&history, "20"),
        [internal],
        "one or two digits still search"
    );
    assert!(found(&history, "5550124").is_empty());
}

#[test]
fn names_and_digits_combine() {
    let (_dir, history) = fresh_history();
    let vitalik_office = answered(
        &history,
        &TestCall::incoming("1", "+7 495 123-45-67").named("Виталик"),
        1_000,
    );
    answered(
        &history,
        &TestCall::incoming("2", "+7 916 000-00-00").named("Виталик"),
        2_000,
    );
    answered(
        &history,
        &TestCall::incoming("3", "+7 495 123-45-68").named("Ольга"),
        3_000,
    );
    assert_eq!(found(&history, "виталик 495"), [vitalik_office]);
}

#[test]
fn notes_and_contacts_are_searchable_once_set() {
    let (_dir, history) = fresh_history();
    let id = answered(&history, &TestCall::incoming("1", "+49 30 1234567"), 1_000);
    assert!(found(&history, "Ticket").is_empty());

    history
        .set_note(id, "Ticket 4711: printer on 3rd floor")
        .expect("note");
    assert_eq!(found(&history, "ticket"), [id]);
    assert_eq!(
        found(&history, "4711"),
        [id],
        "digits in a note are words too"
    );
    history
        .set_contact(
            id,
            Some(&ContactMatch {
                name: "Jürgen Groß".into(),
                source: "carddav:office".into(),
                reference: Some("uid-42".into()),
            }),
        )
        .expect("contact");
    assert_eq!(found(&history, "jurgen"), [id]);
    let stored = history.get(id).expect("get").expect("row");
    assert_eq!(
        stored.contact.as_ref().map(|c| c.reference.as_deref()),
        Some(Some("uid-42"))
    );

    history.set_note(id, "").expect("clear note");
    history.set_contact(id, None).expect("clear contact");
    assert!(found(&history, "ticket").is_empty());
    assert!(found(&history, "jurgen").is_empty());
    assert_eq!(history.get(id).expect("get").expect("row").contact, None);

    assert!(matches!(
        history.set_note(CallId(9_999), "x"),
        Err(callpop_history::HistoryError::NotFound(CallId(9_999)))
    ));
}

#[test]
fn deleted_calls_leave_the_search_and_the_indexes_stay_exact() {
    let (_dir, history) = fresh_history();
    let keep = answered(
        &history,
        &TestCall::incoming("1", "+7 495 123-45-67").named("Семён"),
        1_000,
    );
    let gone = answered(
        &history,
        &TestCall::incoming("2", "+7 495 123-45-68").named("Семён"),
        2_000,
    );
    history.set_note(gone, "ёлка").expect("note");
    history
        .set_contact(
            gone,
            Some(&ContactMatch {
                name: "Семён Ёлкин".into(),
                source: "ldap".into(),
                reference: None,
            }),
        )
        .expect("contact");
    assert_eq!(found(&history, "елкин"), [gone]);
    assert_intact(&history);

    assert_eq!(history.delete(&[gone, CallId(12_345)]).expect("delete"), 1);
    assert_eq!(found(&history, "семен"), [keep]);
    assert_eq!(found(&history, "4951234"), [keep]);
    assert!(found(&history, "елка").is_empty());
    assert_intact(&history);
}

#[test]
fn what_the_user_types_is_never_query_syntax() {
    let (_dir, history) = fresh_history();
    let id = answered(
        &history,
        &TestCall::incoming("1", "201").named("O'Brien \"Bob\""),
        1_000,
    );
    for typed in [
        "\"", "*", "AND", "OR NOT", "NEAR(", "a:b", "^", "o'brien", "\"bob\"", "⁂", "-",
    ] {
        history
            .list(&CallQuery::search(typed), None, 10)
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
    }
    assert_eq!(found(&history, "o'brien"), [id]);
    assert_eq!(found(&history, "\"bob\""), [id]);
}

#[test]
fn keyset_pages_cover_every_call_once_in_order_even_while_calls_arrive() {
    let (_dir, history) = fresh_history();
    // 230 calls, many sharing a start time, so the id must break ties.
    for n in 0..230_i64 {
        let call = TestCall::incoming(&format!("c{n}"), "+1 416 555 0123");
        call.record(&history, &[(1_000 * (n / 3), Step::Ringing)]);
    }
    let everything = history
        .list(&CallQuery::default(), None, 1_000)
        .expect("all")
        .calls;
    assert_eq!(everything.len(), 230);
    assert!(everything
        .windows(2)
        .all(|w| (w[0].started_at_ms, w[0].id) > (w[1].started_at_ms, w[1].id)));

    let mut paged = Vec::new();
    let mut after: Option<PageCursor> = None;
    let mut pages = 0;
    loop {
        let page = history
            .list(&CallQuery::default(), after, 50)
            .expect("page");
        paged.extend(page.calls.iter().map(|c| c.id));
        pages += 1;
        if pages == 2 {
            // A new call rings while the user scrolls: it belongs at the top, not in a page.
            TestCall::incoming("new", "201").record(&history, &[(999_999, Step::Ringing)]);
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(paged, everything.iter().map(|c| c.id).collect::<Vec<_>>());
}

#[test]
fn search_results_page_too() {
    let (_dir, history) = fresh_history();
    for n in 0..30_i64 {
        let name = if n % 3 == 0 {
            "Виталик"
        } else {
            "Ольга"
        };
        answered(
            &history,
            &TestCall::incoming(&format!("c{n}"), "201").named(name),
            n * 10_000,
        );
    }
    let first = history
        .list(&CallQuery::search("виталик"), None, 6)
        .expect("first");
    let cursor = first.next.expect("more");
    let second = history
        .list(&CallQuery::search("виталик"), Some(cursor), 6)
        .expect("second");
    assert_eq!(first.calls.len() + second.calls.len(), 10);
    assert_eq!(second.next, None);
    assert!(second
        .calls
        .iter()
        .all(|c| c.started_at_ms < cursor.started_at_ms));
}
