//! Websocket commands from the client (`{"claz":"web","command":...}`) and what they do.
//!
//! Command names and fields are those of xuc's `cti.js` (`Cti.WebsocketMessageFactory`): `dial`
//! (`destination`, `variables`), `answer` / `hangup` / `hold` (optional `uniqueId`),
//! `directTransfer` and `attendedTransfer` (`destination`), `completeTransfer`,
//! `cancelTransfer`, `dnd` (`state`), `naFwd` / `uncFwd` / `busyFwd` (`destination`, `state`),
//! `getCurrentCallsPhoneEvents`, `setData` (`variables`), `subscribeToPhoneHints`
//! (`phoneNumbers`), `unsubscribeFromAllPhoneHints`.
//!
//! A command the phone's state does not allow (answer with nothing ringing, ...) is ignored
//! without a reply: xuc hands such requests to Asterisk or the phone, and nothing happens. An
//! unparsable message, an unknown command or a missing argument gets an `Error` message.
//! Other commands of `cti.js` (agents, queues, conferences, directory, ...) are accepted and
//! ignored: the simulator does not model them.

use serde_json::{Map, Value};

use super::messages::{
    self, bool_arg, parse_client, scrub_passwords, string_arg, usr_variables, ClientMessage,
};
use super::model::{CallDirection, CallId, CallState, Forward, ForwardKind};
use super::record::{CommandOutcome, XucCommandRecord};
use super::world::World;

/// Commands of xuc's `cti.js` that the simulator accepts without modelling them.
const NOT_SIMULATED: &[&str] = &[
    "agentLogin",
    "agentLogout",
    "pauseAgent",
    "unpauseAgent",
    "userStatusUpdate",
    "dialFromMobile",
    "dialFromQueue",
    "dialByUsername",
    "listenAgent",
    "subscribeToAgentStats",
    "subscribeToQueueStats",
    "subscribeToQueueCalls",
    "unSubscribeToQueueCalls",
    "subscribeToAgentEvents",
    "getAgentStates",
    "getQueueStatistics",
    "getConfig",
    "getIceConfig",
    "getList",
    "getAgentDirectory",
    "toggleMicrophone",
    "conference",
    "conferenceInvite",
    "sendDtmf",
    "directoryLookUp",
    "searchContacts",
    "getFavorites",
    "getFavoriteContacts",
    "addFavorite",
    "removeFavorite",
    "getUserCallHistory",
    "getUserCallHistoryByDays",
    "getAgentCallHistory",
    "displayNameLookup",
    "setUserPreference",
    "toggleUniqueAccountDevice",
    "pushLogToServer",
    "unregisterMobileApp",
];

/// Longest raw (non-JSON) message kept in a record.
const MAX_RAW_RECORD: usize = 2_000;

/// What became of a command.
enum Verdict {
    Done,
    Ignored(String),
    Rejected(String),
}

impl World {
    /// Handles one text frame from session `session`: answers, changes state, records it.
    pub(crate) fn handle_text(&mut self, session: u64, text: &str) {
        let (message, value) = match parse_client(text) {
            Ok(parsed) => parsed,
            Err(why) => {
                self.send_to_session(session, messages::error(&why));
                let message = serde_json::from_str::<Value>(text)
                    .map(|v| scrub_passwords(&v))
                    .unwrap_or_else(|_| raw_for_record(text));
                self.record_command(
                    session,
                    XucCommandRecord {
                        command: None,
                        message,
                        outcome: CommandOutcome::Rejected,
                        note: Some(why),
                    },
                );
                return;
            }
        };
        match message {
            ClientMessage::Ping => {
                if let Some(record) = self.session_record(session) {
                    record.pings += 1;
                }
                if self.faults.answer_pings {
                    self.send_to_session(session, messages::pong());
                }
            }
            ClientMessage::Web { command, args } => {
                let (outcome, note) = match self.run_command(session, &command, &args) {
                    Verdict::Done => (CommandOutcome::Done, None),
                    Verdict::Ignored(note) => (CommandOutcome::Ignored, Some(note)),
                    Verdict::Rejected(note) => {
                        self.send_to_session(session, messages::error(&note));
                        (CommandOutcome::Rejected, Some(note))
                    }
                };
                self.record_command(
                    session,
                    XucCommandRecord {
                        command: Some(command),
                        message: scrub_passwords(&value),
                        outcome,
                        note,
                    },
                );
            }
        }
    }

    fn run_command(&mut self, session: u64, command: &str, args: &Map<String, Value>) -> Verdict {
        let Some(login) = self.sessions.get(&session).map(|s| s.login.clone()) else {
            return Verdict::Ignored("the session has ended".to_owned());
        };
        let Ok(ui) = self.user_index(&login) else {
            return Verdict::Ignored("the user no longer exists".to_owned());
        };
        match command {
            "dial" | "originate" => {
                let Some(destination) = non_empty(string_arg(args, "destination")) else {
                    return Verdict::Rejected(format!("{command} needs a destination"));
                };
                self.dial(&login, &destination, usr_variables(args), None)
                    .map_or_else(|e| Verdict::Ignored(e.to_string()), |_| Verdict::Done)
            }
            "answer" => {
                let target = self.target(&login, args, &[CallState::Ringing], true);
                self.act_on(target, |w, id| w.answer(id), "no ringing call to answer")
            }
            "hangup" => {
                let order = [
                    CallState::Established,
                    CallState::Dialing,
                    CallState::Ringing,
                    CallState::OnHold,
                ];
                let target = self.target(&login, args, &order, false);
                self.act_on(
                    target,
                    |w, id| w.release(id).map(|_| ()),
                    "no call to hang up",
                )
            }
            "hold" => {
                let order = [CallState::Established, CallState::OnHold];
                let target = self.target(&login, args, &order, false);
                self.act_on(
                    target,
                    |w, id| match w.call_ref(id).map(|c| c.state) {
                        Ok(CallState::OnHold) => w.resume(id),
                        _ => w.hold(id),
                    },
                    "no call to hold",
                )
            }
            "directTransfer" => {
                let Some(_destination) = non_empty(string_arg(args, "destination")) else {
                    return Verdict::Rejected("directTransfer needs a destination".to_owned());
                };
                let target = self.newest(&login, CallState::Established);
                self.act_on(
                    target,
                    |w, id| w.release(id).map(|_| ()),
                    "no established call to transfer",
                )
            }
            "attendedTransfer" => {
                let Some(destination) = non_empty(string_arg(args, "destination")) else {
                    return Verdict::Rejected("attendedTransfer needs a destination".to_owned());
                };
                if self.consultation(&login).is_some() {
                    return Verdict::Ignored("a transfer is already in progress".to_owned());
                }
                let target = self.newest(&login, CallState::Established);
                self.act_on(
                    target,
                    |w, held| {
                        w.hold(held)?;
                        w.dial(&login, &destination, Default::default(), Some(held))
                            .map(|_| ())
                    },
                    "no established call to transfer",
                )
            }
            "completeTransfer" => match self.consultation(&login) {
                Some((consult, held)) => {
                    // Both legs leave the user's phone: the two parties now talk together.
                    let results = [self.release(consult), self.release(held)];
                    match results.into_iter().find_map(Result::err) {
                        Some(e) => Verdict::Ignored(e.to_string()),
                        None => Verdict::Done,
                    }
                }
                None => Verdict::Ignored("no transfer in progress".to_owned()),
            },
            "cancelTransfer" => match self.consultation(&login) {
                Some((consult, held)) => {
                    let outcome = self.release(consult).and_then(|_| self.resume(held));
                    outcome.map_or_else(|e| Verdict::Ignored(e.to_string()), |_| Verdict::Done)
                }
                None => Verdict::Ignored("no transfer in progress".to_owned()),
            },
            "dnd" => match bool_arg(args, "state") {
                Some(on) => {
                    self.set_dnd(ui, on);
                    Verdict::Done
                }
                None => Verdict::Rejected("dnd needs state true or false".to_owned()),
            },
            "naFwd" | "uncFwd" | "busyFwd" => {
                let kind = match command {
                    "naFwd" => ForwardKind::NoAnswer,
                    "uncFwd" => ForwardKind::Unconditional,
                    _ => ForwardKind::Busy,
                };
                let Some(enabled) = bool_arg(args, "state") else {
                    return Verdict::Rejected(format!("{command} needs state true or false"));
                };
                let destination = string_arg(args, "destination")
                    .unwrap_or_else(|| self.users[ui].forward(kind).destination.clone());
                if enabled && destination.trim().is_empty() {
                    return Verdict::Rejected(format!("{command} needs a destination"));
                }
                self.set_forward(
                    ui,
                    kind,
                    Forward {
                        enabled,
                        destination,
                    },
                );
                Verdict::Done
            }
            "getCurrentCallsPhoneEvents" => {
                let text = messages::current_calls(self.calls_of(&login));
                self.send_to_session(session, text);
                Verdict::Done
            }
            "setData" => {
                let variables = usr_variables(args);
                let ids: Vec<CallId> = self.calls_of(&login).map(|c| c.id).collect();
                if ids.is_empty() {
                    return Verdict::Ignored("no call to attach data to".to_owned());
                }
                for id in ids {
                    if let Some(call) = self.calls.get_mut(&id) {
                        call.user_data.extend(variables.clone());
                    }
                }
                Verdict::Done
            }
            "subscribeToPhoneHints" => {
                let Some(Value::Array(numbers)) = args.get("phoneNumbers") else {
                    return Verdict::Rejected(
                        "subscribeToPhoneHints needs phoneNumbers, a list".to_owned(),
                    );
                };
                let numbers: Vec<String> = numbers
                    .iter()
                    .filter_map(|n| match n {
                        Value::String(s) => Some(s.clone()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                self.subscribe_hints(session, numbers);
                Verdict::Done
            }
            "unsubscribeFromAllPhoneHints" => {
                if let Some(s) = self.sessions.get_mut(&session) {
                    s.hints.clear();
                }
                Verdict::Done
            }
            other if NOT_SIMULATED.contains(&other) => {
                Verdict::Ignored(format!("{other} is not simulated"))
            }
            other => Verdict::Rejected(format!("unknown command {other:?}")),
        }
    }

    /// The call a command is about: the one whose `uniqueId` it names (if in `states`), or
    /// else the first match of `states` in order (newest first; oldest first when
    /// `oldest_first`), incoming calls only for answering.
    fn target(
        &self,
        login: &str,
        args: &Map<String, Value>,
        states: &[CallState],
        oldest_first: bool,
    ) -> Option<CallId> {
        let answering = states == [CallState::Ringing];
        let eligible = |state: CallState, direction: CallDirection| {
            states.contains(&state) && (!answering || direction == CallDirection::Incoming)
        };
        if let Some(unique_id) = non_empty(string_arg(args, "uniqueId")) {
            return self
                .calls_of(login)
                .find(|c| c.unique_id == unique_id && eligible(c.state, c.direction))
                .map(|c| c.id);
        }
        states.iter().find_map(|state| {
            let mut matching = self
                .calls_of(login)
                .filter(|c| c.state == *state && eligible(c.state, c.direction));
            if oldest_first {
                matching.next().map(|c| c.id)
            } else {
                matching.last().map(|c| c.id)
            }
        })
    }

    fn newest(&self, login: &str, state: CallState) -> Option<CallId> {
        self.calls_of(login)
            .filter(|c| c.state == state)
            .last()
            .map(|c| c.id)
    }

    /// The consultation call of an attended transfer in progress, with the held call.
    fn consultation(&self, login: &str) -> Option<(CallId, CallId)> {
        self.calls_of(login)
            .find_map(|c| c.consult_for.map(|held| (c.id, held)))
    }

    fn act_on(
        &mut self,
        target: Option<CallId>,
        action: impl FnOnce(&mut World, CallId) -> Result<(), super::XucSimError>,
        nothing: &str,
    ) -> Verdict {
        match target {
            None => Verdict::Ignored(nothing.to_owned()),
            Some(id) => match action(self, id) {
                Ok(()) => Verdict::Done,
                Err(e) => Verdict::Ignored(e.to_string()),
            },
        }
    }

    /// Adds `numbers` to session `session`'s hint subscriptions and sends the current status of
    /// those that are users' lines (others get no initial event, as the docs allow).
    fn subscribe_hints(&mut self, session: u64, numbers: Vec<String>) {
        let Some(s) = self.sessions.get_mut(&session) else {
            return;
        };
        s.hints.extend(numbers.iter().cloned());
        for number in numbers {
            if let Some(user) = self.users.iter().find(|u| u.account.dn == number) {
                let text = messages::phone_hint(&number, user.status);
                self.send_to_session(session, text);
            }
        }
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// A non-JSON message as kept in a record; one that mentions a password is not kept at all.
fn raw_for_record(text: &str) -> Value {
    if text.to_ascii_lowercase().contains("password") {
        return Value::String("<unparsable message mentioning a password, not kept>".to_owned());
    }
    let mut end = text.len().min(MAX_RAW_RECORD);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::String(text[..end].to_owned())
}
