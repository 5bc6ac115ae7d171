//! The caller on screen while the call window's page is still loading.
//!
//! A call window is made when a call rings, and its page needs a fresh web process: a few
//! hundred milliseconds before WebKit draws anything, more after a quiet while (BENCHMARKS.md,
//! "Call window"). Keeping a window and its web process ready all day would cost the tray
//! ~100 MiB. Instead the app draws the window's first frame itself with GTK, which it has
//! loaded anyway: the state band in the call's colour, the caller's name and number, laid
//! out as the page lays them out. The page draws underneath, and when its first frame with
//! the call is on screen it says so (`call_window_ready`) and the card is taken away,
//! uncovering the same text with the buttons below it. If the page never says so, the card
//! goes after [`LONGEST`] anyway, so that whatever the page shows (an error) is seen.

use super::view::AppView;
use crate::i18n::tr;
use std::time::Duration;

/// The longest the card covers the page.
pub const LONGEST: Duration = Duration::from_secs(4);

/// What the card says, as the page would say it first (js/call.js `bandText`, js/format.js
/// `callerLabels`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardText {
    /// "Incoming call · Line 1".
    pub band: String,
    /// The contact's or the phone's name for the caller, else the number.
    pub name: String,
    /// The number under the name (empty when the name is the number).
    pub number: String,
    pub tone: Tone,
}

/// The band's colour: the call window's and the tray icon's state colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ringing,
    InCall,
    Held,
    Other,
}

impl Tone {
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    const ALL: [Tone; 4] = [Tone::Ringing, Tone::InCall, Tone::Held, Tone::Other];

    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn class(self) -> &'static str {
        match self {
            Tone::Ringing => "ringing",
            Tone::InCall => "incall",
            Tone::Held => "hold",
            Tone::Other => "idle",
        }
    }

    /// Background and text colour (`--ringing`/`--on-ringing` etc. in ui/css/app.css).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn colours(self) -> (&'static str, &'static str) {
        match self {
            Tone::Ringing => ("#E65100", "#000000"),
            Tone::InCall => ("#2E7D32", "#ffffff"),
            Tone::Held => ("#1565C0", "#ffffff"),
            Tone::Other => ("#37474F", "#ffffff"),
        }
    }
}

/// The card for `call` in `view`; None when the view does not have the call (the page then
/// shows what it finds, uncovered).
pub fn card_text(view: &AppView, call: &str) -> Option<CardText> {
    use callpop_phone::tracker::CallPhase;
    let c = view.calls.iter().find(|c| c.call.call.as_str() == call)?;
    let (phase, tone) = match c.call.phase {
        CallPhase::Ringing => ("ringing", Tone::Ringing),
        CallPhase::Dialing => ("dialing", Tone::Ringing),
        CallPhase::Connected => ("connected", Tone::InCall),
        CallPhase::Held => ("held", Tone::Held),
    };
    let id = format!("call-band-{phase}");
    let has_lines = view
        .phones
        .iter()
        .find(|p| p.id == c.phone)
        .is_none_or(|p| !p.lines.is_empty());
    let state = if has_lines {
        tr(&format!("{id}-line"), &[("line", c.call.line.into())])
    } else {
        tr(&id, &[])
    };
    let band = if view.phones.len() > 1 && !c.phone_name.is_empty() {
        tr(
            "call-band-on-phone",
            &[
                ("state", state.as_str().into()),
                ("phone", c.phone_name.as_str().into()),
            ],
        )
    } else {
        state
    };
    let name = c
        .contact
        .as_ref()
        .map(|contact| contact.name.trim())
        .filter(|n| !n.is_empty())
        .or_else(|| Some(c.call.name.trim()).filter(|n| !n.is_empty()))
        .unwrap_or_default();
    let number = [c.display_number.trim(), c.call.number.trim()]
        .into_iter()
        .find(|n| !n.is_empty())
        .unwrap_or_default();
    let (name, number) = match (name.is_empty(), number.is_empty()) {
        (false, false) if name != number => (name.to_owned(), number.to_owned()),
        (true, true) => (tr("common-unknown-caller", &[]), String::new()),
        _ => (
            if name.is_empty() { number } else { name }.to_owned(),
            String::new(),
        ),
    };
    Some(CardText {
        band,
        name,
        number,
        tone,
    })
}

#[cfg(target_os = "linux")]
pub use gtk_card::{cover, uncover};

#[cfg(not(target_os = "linux"))]
pub fn cover(_window: &tauri::WebviewWindow, _text: CardText) {}

#[cfg(not(target_os = "linux"))]
pub fn uncover(_window: &tauri::WebviewWindow) {}

#[cfg(target_os = "linux")]
mod gtk_card {
    use super::{CardText, Tone, LONGEST};
    use gtk::prelude::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri::WebviewWindow;

    /// The page's fonts (`--font` in ui/css/app.css), less the names only browsers know.
    const FONTS: &str = "\"Segoe UI\", Roboto, Ubuntu, Cantarell, \"Noto Sans\", \"Helvetica Neue\", Arial, sans-serif";

    /// The card's widget name (CSS and finding it again).
    const CARD: &str = "callpop-call-card";

    /// Counts covers and the page's "drawn" messages, so that a page that is ready before
    /// its cover is put on (it never is in practice: the page needs a web process first)
    /// is not covered, and a late timer does not take away a newer window's card.
    static COVERS: AtomicU64 = AtomicU64::new(0);
    static UNCOVERED: AtomicU64 = AtomicU64::new(0);

    /// Puts the card over the call window's page (on the GTK thread, before the page's first
    /// frame). The web view is moved into an overlay with the card on top; it stays mapped
    /// there, so WebKit draws the page as if it were uncovered.
    pub fn cover(window: &WebviewWindow, text: CardText) {
        let cover = COVERS.fetch_add(1, Ordering::SeqCst) + 1;
        let w = window.clone();
        let put = window.run_on_main_thread(move || {
            if UNCOVERED.load(Ordering::SeqCst) >= cover {
                return;
            }
            if let Err(e) = put_card(&w, &text) {
                tracing::debug!("call window drawn without its card: {e}");
            }
        });
        if let Err(e) = put {
            tracing::debug!("call window card not scheduled: {e}");
            return;
        }
        let w = window.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(LONGEST).await;
            if COVERS.load(Ordering::SeqCst) == cover && UNCOVERED.load(Ordering::SeqCst) < cover {
                tracing::warn!("the call window's page did not draw within {LONGEST:?}");
                uncover(&w);
            }
        });
    }

    /// Takes the card away (the page has drawn its call, or took too long).
    pub fn uncover(window: &WebviewWindow) {
        UNCOVERED.store(COVERS.load(Ordering::SeqCst), Ordering::SeqCst);
        let w = window.clone();
        let taken = window.run_on_main_thread(move || {
            let Ok(vbox) = w.default_vbox() else {
                return;
            };
            for child in vbox.children() {
                if let Some(overlay) = child.downcast_ref::<gtk::Overlay>() {
                    remove_cards(overlay);
                }
            }
        });
        if let Err(e) = taken {
            tracing::debug!("call window card not taken away: {e}");
        }
    }

    fn remove_cards(overlay: &gtk::Overlay) {
        for card in overlay.children() {
            if card.widget_name() == CARD {
                overlay.remove(&card);
            }
        }
    }

    fn put_card(window: &WebviewWindow, text: &CardText) -> Result<(), String> {
        let vbox = window.default_vbox().map_err(|e| e.to_string())?;
        let children = vbox.children();
        let [only] = children.as_slice() else {
            return Err(format!("{} widgets in the window, not one", children.len()));
        };
        style_once();
        let card = card(text);
        // A window shown again for the next call has its overlay from the first.
        if let Some(overlay) = only.downcast_ref::<gtk::Overlay>() {
            remove_cards(overlay);
            overlay.add_overlay(&card);
            card.show_all();
            return Ok(());
        }
        let overlay = gtk::Overlay::new();
        // `children` holds a reference, so the web view survives leaving its box.
        vbox.remove(only);
        overlay.add(only);
        overlay.add_overlay(&card);
        vbox.pack_start(&overlay, true, true, 0);
        overlay.show_all();
        Ok(())
    }

    /// The card: band, name, number, as ui/css/app.css lays out the call window.
    fn card(text: &CardText) -> gtk::Box {
        let card = gtk::Box::new(gtk::Orientation::Vertical, 0);
        card.set_widget_name(CARD);
        card.style_context().add_class(text.tone.class());
        let band = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        band.style_context().add_class("band");
        let state = label(&text.band, "state");
        band.pack_start(&state, true, true, 0);
        let body = gtk::Box::new(gtk::Orientation::Vertical, 0);
        body.style_context().add_class("body");
        body.set_valign(gtk::Align::Center);
        body.pack_start(&label(&text.name, "name"), false, false, 0);
        if !text.number.is_empty() {
            body.pack_start(&label(&text.number, "number"), false, false, 0);
        }
        card.pack_start(&band, false, false, 0);
        card.pack_start(&body, true, true, 0);
        card
    }

    fn label(text: &str, class: &str) -> gtk::Label {
        // Plain text (never markup): a caller's name is whatever the phone sent.
        let label = gtk::Label::new(Some(text));
        label.set_xalign(0.0);
        label.set_ellipsize(gtk::pango::EllipsizeMode::End);
        label.style_context().add_class(class);
        label
    }

    /// The card's fixed look, once for the screen: the page's light or dark surface and
    /// type sizes.
    fn style_once() {
        thread_local! {
            static DONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if DONE.with(|d| d.replace(true)) {
            return;
        }
        let dark = gtk::Settings::default().is_some_and(|s| {
            s.is_gtk_application_prefer_dark_theme()
                || s.gtk_theme_name()
                    .is_some_and(|t| t.to_lowercase().contains("dark"))
        });
        let (surface, text, muted) = if dark {
            ("#1c1f23", "#f1f3f5", "#b3bac1")
        } else {
            ("#ffffff", "#111417", "#4a5159")
        };
        let mut css = format!(
            "#{CARD} {{ background-color: {surface}; border-top: 6px solid; font-family: {FONTS}; }}\n\
             #{CARD} .band {{ padding: 6px 12px; min-height: 22px; }}\n\
             #{CARD} .band label {{ font-size: 15px; font-weight: bold; }}\n\
             #{CARD} .body {{ padding: 8px 12px 82px; }}\n\
             #{CARD} .name {{ font-size: 24px; font-weight: 800; color: {text}; }}\n\
             #{CARD} .number {{ font-size: 16px; color: {muted}; margin-top: 3px; }}\n"
        );
        for tone in Tone::ALL {
            let (background, foreground) = tone.colours();
            let class = tone.class();
            css.push_str(&format!(
                "#{CARD}.{class} {{ border-top-color: {background}; }}\n\
                 #{CARD}.{class} .band {{ background-color: {background}; }}\n\
                 #{CARD}.{class} .band label {{ color: {foreground}; }}\n"
            ));
        }
        let provider = gtk::CssProvider::new();
        if provider.load_from_data(css.as_bytes()).is_err() {
            return;
        }
        if let Some(screen) = gtk::gdk::Screen::default() {
            gtk::StyleContext::add_provider_for_screen(
                &screen,
                &provider,
                gtk::STYLE_PROVIDER_PRIORITY_APPLICATION,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::view::tests::{line, profile, state_of, view_of};
    use callpop_phone::Connection;

    fn card_for(lines: Vec<callpop_phone::Line>, number: &str) -> Option<CardText> {
        let view = view_of(&[(profile("desk"), state_of(lines, Connection::Online))]);
        let call = view
            .calls
            .iter()
            .find(|c| c.call.number == number)
            .map(|c| c.call.call.as_str().to_owned())?;
        card_text(&view, &call)
    }

    #[test]
    fn a_ringing_call_shows_name_number_and_line_on_the_ringing_band() {
        let card = card_for(
            vec![
                line(1, "idle", "", ""),
                line(2, "ringing", "+14165550123", "Ann Lee"),
            ],
            "+14165550123",
        )
        .expect("card");
        assert_eq!(card.band, "Incoming call · Line 2");
        assert_eq!(card.name, "Ann Lee");
        assert!(
            card.number.contains("416") && card.number.contains("0123"),
            "{card:?}"
        );
        assert_eq!(card.tone, Tone::Ringing);
    }

    #[test]
    fn a_caller_without_a_name_is_shown_by_number_once() {
        let card = card_for(vec![line(1, "ringing", "203", "")], "203").expect("card");
        assert_eq!((card.name.as_str(), card.number.as_str()), ("203", ""));
        let card = card_for(vec![line(1, "connected", "203", "Bob")], "203").expect("card");
        assert_eq!(card.band, "In call · Line 1");
        assert_eq!(card.tone, Tone::InCall);
    }

    #[test]
    fn no_card_for_a_call_the_view_does_not_have() {
        let view = view_of(&[(
            profile("desk"),
            state_of(vec![line(1, "ringing", "203", "Bob")], Connection::Online),
        )]);
        assert_eq!(card_text(&view, "no-such-call"), None);
    }
}
