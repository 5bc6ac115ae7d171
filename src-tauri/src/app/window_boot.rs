//! What a call window's page gets with it: the words and the app's state at the moment the
//! window is made, as a script that runs before the page's own.
//!
//! A call window is made when a call rings, with a fresh web process. Its page used to ask
//! the app for the catalog, then subscribe to two events, then ask for the state, and could
//! draw the call only after the last answer: each `invoke` is a round trip through the web
//! process, the app's main loop and back, taken while that new process is still starting.
//! With what it needs already at hand the page draws the ringing call as soon as its scripts
//! have run, and catches up with the app afterwards (BENCHMARKS.md, "Call window").

use super::state::AppState;
use super::view::AppView;
use crate::i18n::Catalog;
use serde::Serialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// The global the script sets; `ui/js/boot.js` reads it.
const GLOBAL: &str = "__CALLPOP_BOOT__";

#[derive(Serialize)]
struct Boot<'a> {
    /// When it was made (ms since the Unix epoch): the page uses it only while fresh, as a
    /// window the app reuses for the next call keeps the script of its first page.
    at: u128,
    /// The call the window was made for.
    call: &'a str,
    view: AppView,
    catalog: Catalog,
}

/// The script for a call window made now for `call`, showing `view` (the state with that
/// call in it); None if it cannot be written (the page then asks the app, as any other page
/// does).
pub fn call_window_script(state: &AppState, view: AppView, call: &str) -> Option<String> {
    let at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let boot = Boot {
        at,
        call,
        view,
        catalog: crate::i18n::catalog(crate::i18n::locale_for(&state.settings().language)),
    };
    script_for(&boot)
}

/// `window.<GLOBAL> = <JSON>;`. JSON is a JavaScript expression (U+2028/U+2029 inside
/// strings included, since ES2019), and the script is handed to WebKit as a script, never
/// placed inside HTML, so nothing in it needs escaping beyond what JSON does.
fn script_for(boot: &impl Serialize) -> Option<String> {
    match serde_json::to_string(boot) {
        Ok(json) => Some(format!("window.{GLOBAL} = {json};")),
        Err(e) => {
            tracing::warn!("call window start data not written: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_sets_the_global_to_the_data_as_json() {
        let data = serde_json::json!({"call": "c1", "name": "Ann \"A\" </script>\u{2028}"});
        let script = script_for(&data).expect("script");
        let json = script
            .strip_prefix("window.__CALLPOP_BOOT__ = ")
            .and_then(|s| s.strip_suffix(';'))
            .expect("assignment");
        let back: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(back, data);
    }
}
