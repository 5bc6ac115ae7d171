//! The tray app: builds Tauri, wires plugins, tray, hotkey and the phone session.

pub mod call_card;
pub mod calls;
mod clipboard;
mod demo;
pub mod dialing;
mod events;
pub mod history;
mod hotkey;
pub use hotkey::register as hotkey_register;
pub mod lookup;
mod notify;
pub mod phones;
mod publisher;
pub mod screenpop;
mod session;
pub mod state;
mod tray;
pub mod view;
mod webkit_memory;
mod window_boot;
pub mod windows;

pub use state::{AppState, Launch};

use callpop_phone::{number, settings};
use std::process::ExitCode;
use tauri::{AppHandle, Manager, RunEvent};

pub fn run(launch: Launch) -> ExitCode {
    if !has_display() {
        eprintln!(
            "callpop: no desktop session to show the app in (neither DISPLAY nor WAYLAND_DISPLAY is set). \
             Without a desktop, use the command line: callpop status, callpop watch, callpop dial NUMBER (see callpop --help)."
        );
        return ExitCode::from(2);
    }
    webkit_memory::prefer_software_drawing();
    let settings_path = settings::default_path();
    let (loaded, problem, needs_save) = match &settings_path {
        Some(path) => {
            let outcome = settings::load(path);
            // The user's language first: the problem below is said in it.
            crate::i18n::use_language(&outcome.settings.language);
            (
                outcome.settings,
                outcome.problem.map(|p| crate::i18n::settings_problem(&p)),
                outcome.needs_save,
            )
        }
        None => (settings::Settings::default(), None, false),
    };
    let first_run = launch.demo.is_none() && launch.address.is_none() && !loaded.has_phone();
    let state = AppState::new(launch, settings_path, loaded);
    if let Some(problem) = &problem {
        tracing::warn!("{problem}");
        state.set_problem("settings", Some(problem.clone()));
    }
    let problem_at_start = problem.is_some();
    // Started from the menu: the main window. At login (`--tray`) or with a link to dial: the
    // tray only. A problem to report or the demo always shows it.
    let show_main_at_start = state.launch.demo.is_some()
        || problem_at_start
        || (!first_run && !state.launch.tray && state.launch.link.is_none());

    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tauri::Builder::default()
            // First: a second launch hands its arguments over and exits before doing anything.
            .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
                from_second_instance(app, &argv);
            }))
            .plugin(hotkey::plugin())
            .plugin(tauri_plugin_opener::init())
            .plugin(tauri_plugin_autostart::init(
                tauri_plugin_autostart::MacosLauncher::LaunchAgent,
                Some(vec!["--tray"]),
            ))
            .manage(state)
            .invoke_handler(crate::commands::handler())
            .setup(move |app| {
                let handle = app.handle().clone();
                phones::start_publishing(&handle);
                // Only the running instance gets here (a second one hands its arguments over
                // and exits first), so only it writes: a freshly generated push token must be
                // kept, or the Action URLs pasted into the phone would stop working.
                if needs_save && !problem_at_start {
                    let state = app.state::<AppState>();
                    if let Err(e) = state.store_settings(state.settings()) {
                        tracing::warn!("settings not saved: {e}");
                    }
                }
                if let Err(problem) = tray::create(&handle) {
                    tracing::error!("{problem}");
                    app.state::<AppState>().set_problem("tray", Some(problem));
                    windows::show_main(&handle);
                }
                hotkey::register(&handle);
                // A problem to report (e.g. a broken settings file) comes first: the main
                // window says what happened, and its Settings button is one click away.
                if show_main_at_start {
                    windows::show_main(&handle);
                } else if first_run {
                    windows::show_settings(&handle);
                }
                let start_app = handle.clone();
                tauri::async_runtime::spawn(async move {
                    // The history first: calls callpop showed before a restart must be known
                    // before the phones report them again.
                    history::open(&start_app).await;
                    let feeds = events::subscribe(&start_app);
                    tauri::async_runtime::spawn(events::run(start_app.clone(), feeds));
                    lookup::open(&start_app).await;
                    phones::restart(&start_app).await;
                });
                Ok(())
            })
            .build(tauri::generate_context!())
    }));
    let app = match built {
        Ok(Ok(app)) => app,
        Ok(Err(e)) => {
            eprintln!("callpop: the app could not start: {e}");
            return ExitCode::from(1);
        }
        Err(_) => {
            eprintln!("callpop: the app could not start: the desktop toolkit (GTK) failed to initialise. Is the display reachable?");
            return ExitCode::from(1);
        }
    };
    app.run(|app, event| match event {
        // Closing the last window keeps callpop in the tray; only Quit ends it.
        RunEvent::ExitRequested {
            code: None, api, ..
        } => api.prevent_exit(),
        RunEvent::WindowEvent {
            event: tauri::WindowEvent::Destroyed,
            ..
        } => webkit_memory::window_destroyed(app),
        _ => {}
    });
    ExitCode::SUCCESS
}

fn has_display() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Quit from the tray: stop watching the phone, then exit.
pub fn quit(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        phones::stop(&app.state::<AppState>()).await;
        app.exit(0);
    });
}

/// A second `callpop` was started: dial its link, or bring the main window forward.
fn from_second_instance(app: &AppHandle, argv: &[String]) {
    match argv.iter().skip(1).find(|a| number::is_dial_link(a)) {
        Some(link) => dialing::request(app, link.clone(), dialing::Source::Link),
        None => windows::show_main(app),
    }
}
