//! callpop: the tray app, or with a subcommand a headless command line.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;
mod commands;
mod secrets;
mod setup;

use clap::Parser;
use cli::args::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    // A desktop hands links over as the only argument (`callpop tel:+1...`); take them out
    // first so that a link is never mistaken for a subcommand or an option.
    let (args, link) = split_link(std::env::args_os().collect());
    let mut cli = Cli::parse_from(args);
    cli.link = link;
    init_logging(cli.command.is_some());
    match &cli.command {
        Some(command) => cli::run(&cli, command),
        None => app::run(app::Launch {
            demo: cli.demo,
            link: cli.link.clone(),
            address: cli.phone.clone(),
        }),
    }
}

fn split_link(args: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Option<String>) {
    let mut link = None;
    let rest = args
        .into_iter()
        .enumerate()
        .filter(|(i, arg)| {
            let is_link = *i > 0
                && link.is_none()
                && arg
                    .to_str()
                    .is_some_and(callpop_phone::number::is_dial_link);
            if is_link {
                link = arg.to_str().map(str::to_owned);
            }
            !is_link
        })
        .map(|(_, arg)| arg)
        .collect();
    (rest, link)
}

/// Logs go to stderr (tauri-driver discards stdout), `RUST_LOG` to change the level. They never
/// carry the passcode: the phone crate keeps it out of every message.
fn init_logging(headless: bool) {
    let default = if headless { "warn" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colours only on a terminal: logs piped to a file stay readable.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
