//! "Test connection" for an Asterisk PBX: a real login, the version when the account may ask,
//! and the desk phone's calls right now.

use super::config::Config;
use super::login::Conversation;
use crate::backend::ConnectionReport;
use crate::error::PhoneError;

/// Reads what "Test connection" reports over a logged-in conversation, and says goodbye.
pub(crate) async fn report(
    mut conversation: Conversation,
    config: &Config,
    secret: &str,
) -> Result<ConnectionReport, PhoneError> {
    let version = conversation.asterisk_version().await;
    let list = conversation
        .ask_list("CoreShowChannels", "list the calls in progress", secret)
        .await?;
    let interface = conversation
        .banner
        .rsplit_once('/')
        .map(|(_, v)| v.trim().chars().take(20).collect::<String>())
        .unwrap_or_default();
    conversation.logoff().await;
    let calls = list
        .items
        .iter()
        .filter(|i| config.device.owns(i.value("Channel")))
        .count();
    let model = match &version {
        Some(version) => format!("Asterisk {version}"),
        None => "Asterisk".to_owned(),
    };
    let shown = match (&version, interface.is_empty()) {
        (Some(_), _) | (None, true) => model.clone(),
        (None, false) => format!("Asterisk (manager interface {interface})"),
    };
    let calls_text = match calls {
        0 => "no calls".to_owned(),
        1 => "1 call".to_owned(),
        n => format!("{n} calls"),
    };
    Ok(ConnectionReport {
        model,
        lines: calls,
        message: format!(
            "Connected to {shown}: device {} has {calls_text}.",
            config.device
        ),
    })
}
