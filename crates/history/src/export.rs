//! CSV export of a query, for spreadsheets and reports.
//!
//! RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma, quote or
//! line break, a header row first. UTF-8 without a byte-order mark (Excel needs one to show
//! non-Latin names right: the glue may write `\u{FEFF}` before calling this when saving for
//! Excel). Times are ISO 8601 UTC (`2025-03-01T09:15:02Z`, see `iso_time`); durations are
//! whole seconds.
//!
//! Formula injection: people open exports in spreadsheets, which run a cell starting with
//! `=`, `+`, `-` or `@` as a formula, and a caller controls their own name and number. Every
//! such cell gets a leading apostrophe, which spreadsheets show as text (so `+14165550123`
//! is exported as `'+14165550123`, which also stops the spreadsheet from turning it into a
//! number). Tab and carriage return at the start are treated the same way, as OWASP advises.

use crate::call_record::CallRecord;
use crate::error::HistoryError;
use crate::iso_time::iso_utc;
use crate::query::CallQuery;
use crate::store::History;
use std::borrow::Cow;
use std::io::Write;

/// Calls fetched per page while exporting: the lock is released between pages so recording
/// never waits for a long export.
const EXPORT_PAGE: usize = 500;

const HEADER: [&str; 19] = [
    "id",
    "started_utc",
    "direction",
    "outcome",
    "number",
    "e164",
    "phone_name",
    "contact_name",
    "contact_source",
    "line",
    "answered_utc",
    "ended_utc",
    "connected_seconds",
    "held_seconds",
    "resolved_utc",
    "resolved_how",
    "resolved_by",
    "interrupted",
    "note",
];

impl History {
    /// Writes every call matching `query` as CSV to `out`, newest first. Returns how many calls
    /// were written.
    pub fn export_csv<W: Write>(&self, query: &CallQuery, out: W) -> Result<usize, HistoryError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        writer.write_record(HEADER).map_err(HistoryError::Export)?;
        let mut written = 0;
        let mut after = None;
        loop {
            let page = self.list(query, after, EXPORT_PAGE)?;
            for call in &page.calls {
                writer
                    .write_record(
                        row(call)
                            .iter()
                            .map(|cell| guard_formula(cell).into_owned()),
                    )
                    .map_err(HistoryError::Export)?;
                written += 1;
            }
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        writer.flush().map_err(|e| HistoryError::Export(e.into()))?;
        Ok(written)
    }
}

fn row(call: &CallRecord) -> [String; 19] {
    let time = |ms: Option<i64>| ms.map(iso_utc).unwrap_or_default();
    let connected = match (call.answered_at_ms, call.ended_at_ms) {
        (Some(answered), Some(ended)) => ((ended - answered) / 1000).to_string(),
        _ => String::new(),
    };
    let contact = call.contact.as_ref();
    let resolution = call.resolution.as_ref();
    [
        call.id.to_string(),
        iso_utc(call.started_at_ms),
        call.direction.as_str().to_owned(),
        call.state.as_str().to_owned(),
        call.number.clone(),
        call.e164.clone().unwrap_or_default(),
        call.name.clone(),
        contact.map(|c| c.name.clone()).unwrap_or_default(),
        contact.map(|c| c.source.clone()).unwrap_or_default(),
        call.line.map(|l| l.to_string()).unwrap_or_default(),
        time(call.answered_at_ms),
        time(call.ended_at_ms),
        connected,
        (call.held_ms / 1000).to_string(),
        time(resolution.map(|r| r.at_ms)),
        resolution
            .map(|r| r.how.as_str().to_owned())
            .unwrap_or_default(),
        resolution
            .and_then(|r| r.by)
            .map(|id| id.to_string())
            .unwrap_or_default(),
        if call.interrupted { "yes" } else { "" }.to_owned(),
        call.note.clone(),
    ]
}

/// The cell as a spreadsheet will show it as text, never run it as a formula.
pub(crate) fn guard_formula(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::guard_formula;

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_made_text() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+14165550123",
            "-1+1",
            "@SUM(A1)",
            "\t=1",
        ] {
            assert_eq!(guard_formula(cell), format!("'{cell}"));
        }
        for cell in ["Zoë", "1+1", "", " =1", "'quoted"] {
            assert_eq!(guard_formula(cell), cell);
        }
    }
}
