//! A callpop someone set up earlier: a settings file with the scenario's phones (any phone
//! system) written before the app starts, their passwords in the keyring
//! ([`crate::Desktop::keyring_save`], one entry per phone id), and the app started from the
//! menu, which opens its main window at once (WebDriver attaches to it).
//!
//! The file is written by the phone crate's own `Settings::save`, so it is exactly what the
//! settings window would have saved (validated, `version = 2`, `[[phones]]` tagged by
//! `kind`); what is in it is chosen here, field by field.

use crate::{ensure, eventually, fail, App, Result, Scenario, Window, SOON};
use callpop_phone::settings::{
    self, AsteriskSettings, GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, Settings,
    XivoSettings, YealinkSettings,
};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;

/// A loopback address with a port nobody listens on right now (for the app's push listener).
pub fn free_loopback_addr() -> Result<SocketAddr> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?)
}

fn profile(id: &str, name: &str, system: PhoneSystem) -> PhoneProfile {
    PhoneProfile {
        id: PhoneId::new(id),
        name: name.to_owned(),
        system,
    }
}

/// A Grandstream phone at `url` (passcode login), read every `poll_ms`.
pub fn grandstream(id: &str, name: &str, url: &str, poll_ms: u64) -> PhoneProfile {
    profile(
        id,
        name,
        PhoneSystem::Grandstream(GrandstreamSettings {
            url: url.to_owned(),
            poll_interval_ms: poll_ms,
            ..GrandstreamSettings::default()
        }),
    )
}

/// An Asterisk PBX's manager interface at `ami` (login as `username`), watching the desk
/// phone `device` (`PJSIP/100`), dialling out through the dialplan context `context` (the
/// desk phones' own, as an administrator would set it: `internal` on the simulator).
pub fn asterisk(
    id: &str,
    name: &str,
    ami: SocketAddr,
    username: &str,
    device: &str,
    context: &str,
) -> PhoneProfile {
    profile(
        id,
        name,
        PhoneSystem::Asterisk(AsteriskSettings {
            host: ami.ip().to_string(),
            port: ami.port(),
            username: username.to_owned(),
            device: device.to_owned(),
            context: context.to_owned(),
            ..AsteriskSettings::default()
        }),
    )
}

/// A XiVO PBX's xuc server at `url`, as the CTI user `username`.
pub fn xivo(id: &str, name: &str, url: &str, username: &str) -> PhoneProfile {
    profile(
        id,
        name,
        PhoneSystem::Xivo(XivoSettings {
            url: url.to_owned(),
            username: username.to_owned(),
            cert_sha256: None,
        }),
    )
}

/// A Yealink phone at `url` (web user `username`) with a fresh push token (read it back with
/// [`push_token`] to point the phone's Action URLs at the app).
pub fn yealink(id: &str, name: &str, url: &str, username: &str) -> PhoneProfile {
    profile(
        id,
        name,
        PhoneSystem::Yealink(YealinkSettings {
            url: url.to_owned(),
            username: username.to_owned(),
            push_token: settings::new_push_token(),
            ..YealinkSettings::default()
        }),
    )
}

/// The push token of a phone that has one (Yealink; Grandstream with push on).
pub fn push_token(phone: &PhoneProfile) -> Result<String> {
    phone
        .push_token()
        .map(str::to_owned)
        .ok_or_else(|| fail(format!("phone {} has no push token", phone.id)))
}

/// Settings with these phones (in this order) and the push listener on `push_listen`
/// (a loopback port of the test's choosing: the default `0.0.0.0:8787` would clash between
/// runs and reach beyond this machine); everything else as a fresh install has it.
pub fn settings_with(phones: Vec<PhoneProfile>, push_listen: SocketAddr) -> Settings {
    let mut settings = Settings {
        phones,
        ..Settings::default()
    };
    settings.push.listen = push_listen.to_string();
    settings
}

impl Scenario {
    /// Writes `settings` where the app reads them, as the settings window's Save would.
    pub fn write_settings(&self, settings: &Settings) -> Result<()> {
        let path = self.settings_path();
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
        settings
            .save(&path)
            .map_err(|e| fail(format!("cannot write the scenario's settings: {e}")))
    }

    /// The settings file as it is now (what the app saved).
    pub fn read_settings(&self) -> Result<Settings> {
        settings::peek(&self.settings_path())
            .map_err(|e| fail(format!("cannot read the scenario's settings: {e}")))
    }
}

impl App {
    /// Starts a callpop set up earlier (settings file written, passwords in the keyring)
    /// the way a person starts it from the menu: its main window opens, and WebDriver is left
    /// on it once every phone shows connected.
    pub async fn start_configured(
        scenario: &Scenario,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<App> {
        ensure!(
            scenario.settings_path().exists(),
            "write the scenario's settings before starting a configured app"
        );
        let app = App::launch_with(scenario, args, env).await?;
        app.switch_to(Window::Main).await?;
        // No window manager places windows: the main window goes between the settings
        // window (0,0, 540 wide) and the call window (bottom right, from x 916), so
        // screenshots show the calls it lists next to the call window.
        let _ = app.client().set_window_position(490, 0).await;
        app.wait_all_connected().await?;
        Ok(app)
    }

    /// Waits until the main window's header says every phone is connected
    /// (`#connection[data-state=online]`). The current window must be the main window.
    pub async fn wait_all_connected(&self) -> Result<()> {
        eventually(
            "the main window to show every phone connected",
            SOON,
            || async {
                let state = self.attr("#connection", "data-state").await?;
                if state.as_deref() == Some("online") {
                    Ok(Some(()))
                } else {
                    let label = self.text("#conn-label").await.unwrap_or_default();
                    let message = self.text("#conn-message").await.unwrap_or_default();
                    Err(fail(format!(
                        "header state {state:?}: {label:?} {message:?}"
                    )))
                }
            },
        )
        .await
    }
}
