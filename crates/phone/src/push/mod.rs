//! Action URL push: the phone tells callpop about call events as they happen.
//!
//! A push is only a trigger. The phone sends a plain HTTP GET about a second after each event
//! (see `phone-apis.md`, section 2); pushes get lost, duplicated and delayed, carry no line
//! number and no authentication. So callpop never shows a call because of a push alone: the
//! poller re-reads line status at once and feeds the same [`crate::CallTracker`] as every
//! poll, and the pushed name, number and call id only fill gaps. The one exception is a pushed
//! `missed` for a call no poll ever saw (a short ring between two polls): that still becomes
//! exactly one missed-call event.
//!
//! - [`parse`]: the pure, lenient request parser (raw spaces, `+` kept, placeholders);
//! - [`listener`]: the TCP server, locked to the phone's address and a secret token;
//! - [`urls`]: the lines to paste into the phone's web UI;
//! - this module: starting a listener from the settings, and the "test push" helper.
//!
//! How the poller uses pushes (adaptive polling) is described in [`crate::poller`].

pub mod event;
pub mod listener;
pub mod parse;
pub mod urls;

pub use event::ReceivedPush;
pub use listener::{
    Limits, ListenerConfig, ListenerStats, PushListener, PushRoute, RefusedRequest,
};
pub use urls::{pc_address_for, push_lines, PushLine};

use crate::address::parse_phone_url;
use crate::settings::{PhoneProfile, PushSettings, MIN_PUSH_TOKEN_LEN};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use thiserror::Error;
use tokio::sync::broadcast::error::RecvError;

/// Why push cannot work. The message is for the user, as is.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum PushError {
    #[error("callpop cannot listen for the phone's pushes on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error(
        "The push listener address “{0}” must be an IP address and a port, such as 0.0.0.0:8787"
    )]
    Listen(String),
    #[error("The push token must be at least {MIN_PUSH_TOKEN_LEN} characters of letters, digits, - and _")]
    Token,
    #[error("callpop cannot find the phone's address: {0}")]
    Phone(String),
    #[error("This computer has no route to the phone at {phone}: {reason}")]
    NoRoute { phone: IpAddr, reason: String },
}

/// The phone's IP addresses, from its URL in the settings (a host name is looked up).
pub async fn phone_addresses(phone_url: &str) -> Result<Vec<IpAddr>, PushError> {
    let url = parse_phone_url(phone_url).map_err(|e| PushError::Phone(e.to_string()))?;
    let mut found: Vec<IpAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![ip.into()],
        Some(url::Host::Ipv6(ip)) => vec![ip.into()],
        Some(url::Host::Domain(name)) => {
            let port = url.port_or_known_default().unwrap_or(80);
            tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| PushError::Phone(format!("{name}: {e}")))?
                .map(|a| a.ip())
                .collect()
        }
        None => Vec::new(),
    };
    for ip in &mut found {
        *ip = ip.to_canonical();
    }
    found.dedup();
    if found.is_empty() {
        return Err(PushError::Phone(phone_url.chars().take(80).collect()));
    }
    Ok(found)
}

fn listen_addr(push: &PushSettings) -> Result<SocketAddr, PushError> {
    push.listen
        .trim()
        .parse()
        .map_err(|_| PushError::Listen(push.listen.chars().take(60).collect()))
}

fn checked_token(token: &str) -> Result<&str, PushError> {
    let token = token.trim();
    let ok = token.len() >= MIN_PUSH_TOKEN_LEN
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(token)
    } else {
        Err(PushError::Token)
    }
}

/// The route for a phone that pushes (see [`PushRoute`]): its id, token and addresses.
pub async fn route_for(profile: &PhoneProfile) -> Result<Option<PushRoute>, PushError> {
    let Some(token) = profile.push_token() else {
        return Ok(None);
    };
    let token = checked_token(token)?.to_owned();
    let phone = phone_addresses(&profile.system.address()).await?;
    Ok(Some(PushRoute {
        id: profile.id.to_string(),
        token,
        phone,
    }))
}

/// Starts the one listener for every phone that pushes (`routes`, possibly none yet).
pub async fn listener_for(
    push: &PushSettings,
    routes: Vec<PushRoute>,
) -> Result<PushListener, PushError> {
    PushListener::bind(ListenerConfig {
        listen: listen_addr(push)?,
        routes,
        limits: Limits::default(),
    })
    .await
}

/// The Action URL lines for a phone (before a listener runs, e.g. on the settings page).
/// See [`lines_for`].
pub async fn setup_lines(
    push: &PushSettings,
    profile: &PhoneProfile,
) -> Result<Vec<PushLine>, PushError> {
    let token = checked_token(profile.push_token().unwrap_or_default())?;
    lines_for(listen_addr(push)?, token, &profile.system.address()).await
}

/// The Action URL lines for a listener on `listen` (its actual address once bound): the
/// port from `listen`, and the address the phone reaches this computer at, which is the
/// listen address when it is a specific one, else this computer's address on the route to the
/// phone.
pub async fn lines_for(
    listen: SocketAddr,
    token: &str,
    phone_url: &str,
) -> Result<Vec<PushLine>, PushError> {
    let pc = listener_address_for(listen, phone_url).await?;
    Ok(push_lines(pc, token))
}

/// Where the phone at `phone_url` reaches a listener on `listen`, as its Action URLs must
/// name it (see [`lines_for`]).
pub(crate) async fn listener_address_for(
    listen: SocketAddr,
    phone_url: &str,
) -> Result<SocketAddr, PushError> {
    let pc = if listen.ip().is_unspecified() {
        let phone = phone_addresses(phone_url).await?[0];
        pc_address_for(phone).map_err(|e| PushError::NoRoute {
            phone,
            reason: e.to_string(),
        })?
    } else {
        listen.ip()
    };
    Ok(SocketAddr::new(pc, listen.port()))
}

/// Waits up to `within` for the next valid push from the phone `route` (the user calls the desk phone, or lifts the
/// handset and dials). `Ok` tells what arrived; `Err` says, in words for the user, what the
/// listener saw instead.
pub async fn test_push(
    listener: &PushListener,
    route: &str,
    within: Duration,
) -> Result<ReceivedPush, String> {
    let before = listener.stats();
    let mut rx = listener.subscribe();
    let wait = async {
        loop {
            match rx.recv().await {
                Ok(push) if push.route == route => return Some(push),
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    };
    match tokio::time::timeout(within, wait).await {
        Ok(Some(push)) => Ok(push),
        Ok(None) => Err("The push listener stopped.".to_owned()),
        Err(_) => Err(explain_silence(
            &before,
            &listener.stats(),
            listener.local_addr(),
            within,
        )),
    }
}

/// One sentence about a push that arrived, for the settings page.
pub fn describe(push: &ReceivedPush) -> String {
    let e = &push.event;
    let who = match (e.number.is_empty(), e.name.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" for {}", e.number),
        (true, false) => format!(" for {}", e.name),
        (false, false) => format!(" for {} ({})", e.number, e.name),
    };
    format!(
        "Push works: the phone ({}) reported “{}”{who}.",
        push.from, e.kind
    )
}

fn explain_silence(
    before: &ListenerStats,
    after: &ListenerStats,
    addr: SocketAddr,
    within: Duration,
) -> String {
    let secs = within.as_secs().max(1);
    let last = after
        .last_refused
        .as_ref()
        .map(|r| format!(" The last one came from {} ({}).", r.from, r.reason))
        .unwrap_or_default();
    if after.foreign_sender > before.foreign_sender {
        format!(
            "No push from the phone in {secs} s, but {} request(s) came from another address and were refused.{last} Check the phone address in the settings.",
            after.foreign_sender - before.foreign_sender
        )
    } else if after.wrong_token > before.wrong_token {
        format!(
            "No valid push in {secs} s: {} request(s) had a wrong token or path.{last} Paste the current Action URLs into the phone again.",
            after.wrong_token - before.wrong_token
        )
    } else if after.refused() > before.refused() {
        format!(
            "No valid push in {secs} s: {} request(s) were refused.{last}",
            after.refused() - before.refused()
        )
    } else {
        format!(
            "Nothing reached callpop on port {} in {secs} s. Check that the Action URLs are saved on the phone, then call the desk phone; a firewall on this computer may also block the port.",
            addr.port()
        )
    }
}
