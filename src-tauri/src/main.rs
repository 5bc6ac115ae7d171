//! callpop: the tray app, or with a subcommand a headless command line.

// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod cli;
mod commands;
mod i18n;
mod secrets;
mod setup;

use clap::Parser;
use cli::args::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    // First, while only this thread runs: the passcode must not reach child processes.
    secrets::take_env();
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
            tray: cli.tray,
        }),
    }
}

/// Takes a dial link out of the arguments when it stands where a subcommand would: the way
/// desktops start the handler of `tel:` links (`callpop tel:+1...`, options before it
/// allowed). After a subcommand a link is that command's argument (`callpop dial tel:203`).
fn split_link(args: Vec<std::ffi::OsString>) -> (Vec<std::ffi::OsString>, Option<String>) {
    let first_word = args
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, arg)| !arg.to_str().is_some_and(|a| a.starts_with('-')))
        .map(|(i, _)| i);
    let Some(at) = first_word else {
        return (args, None);
    };
    let link = args[at]
        .to_str()
        .filter(|a| callpop_phone::number::is_dial_link(a))
        .map(str::to_owned);
    if link.is_none() {
        return (args, None);
    }
    let rest = args
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != at)
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

#[cfg(test)]
mod tests {
    use super::split_link;

    fn split(args: &[&str]) -> (Vec<String>, Option<String>) {
        let (rest, link) = split_link(args.iter().map(Into::into).collect());
        (
            rest.into_iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect(),
            link,
        )
    }

    #[test]
    fn a_link_is_taken_out_only_where_a_subcommand_would_stand() {
        assert_eq!(
            split(&["callpop", "tel:+14165550123"]),
            (vec!["callpop".into()], Some("tel:+14165550123".into()))
        );
        assert_eq!(
            split(&["callpop", "--phone", "x", "tel:203"]).1,
            None,
            "an option's value is no subcommand position, but `x` is the first word here"
        );
        assert_eq!(
            split(&["callpop", "dial", "tel:203"]),
            (
                vec!["callpop".into(), "dial".into(), "tel:203".into()],
                None
            )
        );
        assert_eq!(split(&["callpop", "status"]).1, None);
    }
}
