//! The actions a session answers, with Asterisk 22's texts (`main/manager.c`).
//!
//! Before login only `Login`, `Challenge` and `Logoff` are allowed (`Permission denied`
//! otherwise); unknown actions get `Invalid/unknown command: X. Use Action: ListCommands to
//! show available commands.`; a message without `Action` gets `Missing action in request`.

use md5::{Digest, Md5};
use rand::Rng;
use regex::Regex;

use super::causes::NORMAL_CLEARING;
use super::faults::AmiFault;
use super::originate::{OriginateRequest, OriginateStart};
use super::perms;
use super::session::{Flow, Session};
use super::wire::{Message, Out};

impl Session {
    /// Handles one message from the client.
    pub(crate) async fn handle(&mut self, m: Message) -> Flow {
        let seq = self.shared.record.push(self.id, self.peer, &m);
        if self.hung() {
            return Flow::Continue;
        }
        let action = m.get_non_empty("Action").to_owned();
        let id = m.get("ActionID").to_owned();
        if action.is_empty() {
            return self
                .send(&Out::error(&id, "Missing action in request").finish())
                .await;
        }
        let lower = action.to_ascii_lowercase();
        if !self.authenticated && !matches!(lower.as_str(), "login" | "logoff" | "challenge") {
            return self
                .send(&Out::error(&id, "Permission denied").finish())
                .await;
        }
        match lower.as_str() {
            "login" => self.login(&m, &id, seq).await,
            "logoff" => {
                let _ = self
                    .send(
                        &Out::response("Goodbye", &id)
                            .field("Message", "Thanks for all the fish.")
                            .finish(),
                    )
                    .await;
                Flow::Close
            }
            "challenge" => self.challenge(&m, &id).await,
            "ping" => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default();
                let text = Out::response("Success", &id)
                    .field("Ping", "Pong")
                    .field(
                        "Timestamp",
                        &format!("{}.{:06}", now.as_secs(), now.subsec_micros()),
                    )
                    .finish();
                self.send(&text).await
            }
            "events" => self.events(&m, &id).await,
            "filter" => self.filter(&m, &id).await,
            "originate" => self.originate(&m, &id).await,
            "hangup" => self.hangup(&m, &id).await,
            "redirect" => self.redirect(&m, &id).await,
            "coreshowchannels" => self.core_show_channels(&id).await,
            "status" => self.status(&m, &id).await,
            "devicestatelist" => self.device_state_list(&id).await,
            _ => {
                let text = format!(
                    "Invalid/unknown command: {action}. Use Action: ListCommands to show \
                     available commands."
                );
                self.send(&Out::error(&id, &text).finish()).await
            }
        }
    }

    async fn login(&mut self, m: &Message, id: &str, seq: u64) -> Flow {
        if self.authenticated {
            return self
                .send(&Out::ack(id, "Already authenticated").finish())
                .await;
        }
        match self.fault {
            AmiFault::SlowLogin { delay } => tokio::time::sleep(delay).await,
            AmiFault::Hang => return Flow::Continue,
            _ => {}
        }
        let cfg = std::sync::Arc::clone(&self.shared.cfg);
        let username = m.get("Username");
        let user = cfg
            .users
            .iter()
            .find(|u| !username.is_empty() && u.username == username);
        let accepted = self.fault != AmiFault::RefuseLogin
            && user.is_some_and(|user| {
                if m.get("AuthType").eq_ignore_ascii_case("MD5") {
                    let key = m.get("Key");
                    self.challenge.as_ref().is_some_and(|challenge| {
                        let digest = Md5::digest(format!("{challenge}{}", user.secret));
                        !key.is_empty() && hex::encode(digest) == key
                    })
                } else {
                    m.get("Secret") == user.secret
                }
            });
        self.shared.record.login_outcome(seq, accepted);
        let Some(user) = user.filter(|_| accepted) else {
            tokio::time::sleep(cfg.auth_failure_delay).await;
            let _ = self
                .send(&Out::error(id, "Authentication failed").finish())
                .await;
            return Flow::Close;
        };
        let in_use = !user.allow_multiple_login
            && self.shared.session_infos().iter().any(|s| {
                s.id != self.id && s.authenticated && s.username.as_deref() == Some(username)
            });
        if in_use {
            tokio::time::sleep(cfg.auth_failure_delay).await;
            let _ = self
                .send(&Out::error(id, "Login Already In Use").finish())
                .await;
            return Flow::Close;
        }
        let read = perms::parse_mask(&user.read).unwrap_or(perms::ALL);
        self.send_events = match perms::parse_mask(m.get("Events")) {
            Some(mask) => read & mask,
            None => read,
        };
        self.authenticated = true;
        self.username = Some(username.to_owned());
        self.publish();
        let (session, tx) = (self.id, self.tx.clone());
        let uptime = self.shared.with_pbx(|pbx| {
            pbx.subscribe(session, tx);
            pbx.uptime_secs()
        });
        let mut text = Out::ack(id, "Authentication accepted").finish();
        if self.send_events & perms::SYSTEM != 0 {
            text.push_str(
                &Out::default()
                    .field("Event", "FullyBooted")
                    .field("Privilege", &perms::privilege(perms::SYSTEM))
                    .field("Uptime", &uptime.to_string())
                    .field("LastReload", &uptime.to_string())
                    .field("Status", "Fully Booted")
                    .finish(),
            );
        }
        self.send(&text).await
    }

    async fn challenge(&mut self, m: &Message, id: &str) -> Flow {
        if !m.get("AuthType").eq_ignore_ascii_case("MD5") {
            return self
                .send(&Out::error(id, "Must specify AuthType").finish())
                .await;
        }
        let challenge = self
            .challenge
            .get_or_insert_with(|| rand::rng().random_range(0..i32::MAX).to_string())
            .clone();
        let text = Out::response("Success", id)
            .field("Challenge", &challenge)
            .finish();
        self.send(&text).await
    }

    async fn events(&mut self, m: &Message, id: &str) -> Flow {
        let Some(mask) = perms::parse_mask(m.get("EventMask")) else {
            return self
                .send(&Out::error(id, "Invalid event mask").finish())
                .await;
        };
        let read = self
            .shared
            .cfg
            .users
            .iter()
            .find(|u| Some(u.username.as_str()) == self.username.as_deref())
            .and_then(|u| perms::parse_mask(&u.read))
            .unwrap_or(perms::ALL);
        self.send_events = read & mask;
        self.publish();
        let state = if mask > 0 { "On" } else { "Off" };
        self.send(&Out::response("Success", id).field("Events", state).finish())
            .await
    }

    async fn filter(&mut self, m: &Message, id: &str) -> Flow {
        if !m.get("Operation").eq_ignore_ascii_case("Add") {
            return self
                .send(&Out::error(id, "Unknown operation").finish())
                .await;
        }
        let text = match self.filters.add(m.get("MatchCriteria"), m.get("Filter")) {
            Ok(()) => Out::ack(id, "Success").finish(),
            Err(e) => Out::error(id, e.message()).finish(),
        };
        self.publish();
        self.send(&text).await
    }

    async fn originate(&mut self, m: &Message, id: &str) -> Flow {
        let request = match OriginateRequest::parse(m, &self.shared.cfg.auto_answer_subroutines) {
            Ok(request) => request,
            Err(message) => return self.send(&Out::error(id, &message).finish()).await,
        };
        let start = self.shared.with_pbx(|pbx| pbx.originate(request));
        let answered = match start {
            OriginateStart::Queued => true,
            OriginateStart::Failed => false,
            // The session waits, as Asterisk's session thread does for a sync originate.
            OriginateStart::Wait(outcome) => outcome.await.unwrap_or(false),
        };
        let text = if answered {
            Out::ack(id, "Originate successfully queued")
        } else {
            Out::error(id, "Originate failed")
        };
        self.send(&text.finish()).await
    }

    async fn hangup(&mut self, m: &Message, id: &str) -> Flow {
        let name = m.get("Channel");
        if name.is_empty() {
            return self
                .send(&Out::error(id, "No channel specified").finish())
                .await;
        }
        let cause = m
            .get("Cause")
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|c| (1..=127).contains(c))
            .unwrap_or(NORMAL_CLEARING);
        if !name.starts_with('/') {
            let name = name.to_owned();
            let found = self.shared.with_pbx(|pbx| {
                let key = pbx.find_channel(&name)?;
                pbx.ami_hangup(key, cause);
                Some(())
            });
            let text = match found {
                Some(()) => Out::ack(id, "Channel Hungup"),
                None => Out::error(id, "No such channel"),
            };
            return self.send(&text.finish()).await;
        }
        let Some(pattern) = name.strip_prefix('/').and_then(|p| p.strip_suffix('/')) else {
            let text = Out::error(id, "Regex format invalid, Channel param should be /regex/");
            return self.send(&text.finish()).await;
        };
        let Ok(regex) = Regex::new(pattern) else {
            let text = Out::error(id, &format!("Regex compile failed on: {name}"));
            return self.send(&text.finish()).await;
        };
        let hung_up = self.shared.with_pbx(|pbx| {
            let mut names = Vec::new();
            for key in pbx.channel_keys() {
                if !pbx.exists(key) {
                    continue;
                }
                let channel = pbx.chan(key).name.clone();
                if regex.is_match(&channel) {
                    pbx.ami_hangup(key, cause);
                    names.push(channel);
                }
            }
            names
        });
        let mut text = Out::list_start(id, "Channels hung up will follow").finish();
        for channel in &hung_up {
            let mut out = Out::default()
                .field("Event", "ChannelHungup")
                .field("Channel", channel);
            if !id.is_empty() {
                out = out.field("ActionID", id);
            }
            text.push_str(&out.finish());
        }
        text.push_str(
            &Out::list_complete("ChannelsHungupListComplete", id, hung_up.len()).finish(),
        );
        self.send(&text).await
    }

    async fn redirect(&mut self, m: &Message, id: &str) -> Flow {
        let (name, context, exten, priority) = (
            m.get("Channel"),
            m.get("Context"),
            m.get("Exten"),
            m.get("Priority"),
        );
        let problem = if name.is_empty() {
            Some("Channel not specified".to_owned())
        } else if context.is_empty() {
            Some("Context not specified".to_owned())
        } else if exten.is_empty() {
            Some("Exten not specified".to_owned())
        } else if priority.is_empty() {
            Some("Priority not specified".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return self.send(&Out::error(id, &problem).finish()).await;
        }
        let digits: String = priority
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let Some(priority) = digits.parse::<u32>().ok().filter(|p| *p >= 1) else {
            return self
                .send(&Out::error(id, "Priority is invalid").finish())
                .await;
        };
        let (name, context, exten) = (name.to_owned(), context.to_owned(), exten.to_owned());
        let outcome = self.shared.with_pbx(|pbx| {
            let key = pbx
                .find_channel(&name)
                .ok_or_else(|| format!("Channel does not exist: {name}"))?;
            pbx.redirect(key, &context, &exten, priority)
                .map_err(str::to_owned)
        });
        let text = match outcome {
            Ok(()) => Out::ack(id, "Redirect successful"),
            Err(message) => Out::error(id, &message),
        };
        self.send(&text.finish()).await
    }

    async fn core_show_channels(&mut self, id: &str) -> Flow {
        let events: Vec<String> = self.shared.with_pbx(|pbx| {
            pbx.channel_keys()
                .into_iter()
                .map(|key| pbx.core_show_channel(key, id))
                .collect()
        });
        let mut text = Out::list_start(id, "Channels will follow").finish();
        for event in &events {
            text.push_str(event);
        }
        text.push_str(&Out::list_complete("CoreShowChannelsComplete", id, events.len()).finish());
        self.send(&text).await
    }

    async fn status(&mut self, m: &Message, id: &str) -> Flow {
        let name = m.get("Channel").to_owned();
        let events: Option<Vec<String>> = self.shared.with_pbx(|pbx| {
            let keys = if name.is_empty() {
                pbx.channel_keys()
            } else {
                vec![pbx.find_channel(&name)?]
            };
            Some(keys.into_iter().map(|k| pbx.status_event(k, id)).collect())
        });
        let Some(events) = events else {
            return self.send(&Out::error(id, "No such channel").finish()).await;
        };
        let mut text = Out::list_start(id, "Channel status will follow").finish();
        for event in &events {
            text.push_str(event);
        }
        text.push_str(
            &Out::list_complete("StatusComplete", id, events.len())
                .field("Items", &events.len().to_string())
                .finish(),
        );
        self.send(&text).await
    }

    async fn device_state_list(&mut self, id: &str) -> Flow {
        let states = self.shared.with_pbx(|pbx| pbx.device_states());
        let mut text = Out::list_start(id, "Device State Changes will follow").finish();
        for (device, state) in &states {
            text.push_str(
                &Out::event_with_id("DeviceStateChange", id)
                    .field("Device", device)
                    .field("State", state)
                    .finish(),
            );
        }
        text.push_str(&Out::list_complete("DeviceStateListComplete", id, states.len()).finish());
        self.send(&text).await
    }
}
