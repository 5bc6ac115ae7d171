//! The commands the windows call (`window.__TAURI__.core.invoke`). Thin: each one checks its
//! input, calls the phone core or the app, and returns data or a `{kind, message}` error.

mod error;
mod phone;
mod settings;
mod windows;

pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        phone::get_state,
        phone::answer,
        phone::reject,
        phone::hang_up,
        phone::toggle_hold,
        phone::toggle_mute,
        phone::dial,
        phone::preview_number,
        settings::get_settings,
        settings::save_settings,
        settings::test_connection,
        settings::accept_certificate,
        settings::preview_dialing,
        settings::test_push,
        windows::open_window,
    ]
}
