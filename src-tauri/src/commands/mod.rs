//! The commands the windows call (`window.__TAURI__.core.invoke`). Thin: each one checks its
//! input, calls the phone core or the app, and returns data or a `{kind, message}` error.

mod checklist;
mod error;
mod history;
mod phone;
mod settings;
mod windows;

pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        phone::get_state,
        phone::act,
        phone::dial,
        phone::dial_clipboard,
        phone::set_dnd,
        phone::preview_number,
        phone::copy_text,
        phone::cancel_dial,
        history::list_calls,
        history::set_call_note,
        history::mark_calls_done,
        history::mark_calls_seen,
        history::export_calls,
        settings::get_settings,
        settings::save_settings,
        settings::test_connection,
        settings::accept_certificate,
        settings::preview_dialing,
        settings::test_push,
        checklist::setup_checklist,
        windows::open_window,
        windows::fit_call_window,
        windows::catalog,
        windows::call_window_ready,
    ]
}
