//! `Action: Originate`: click-to-dial. The desk phone rings first; once it answers (by hand,
//! or by itself when the request asks for auto-answer) its channel runs the dialplan at
//! `Context`/`Exten`/`Priority` and dials the number (captures 03, 07, 09).
//!
//! `Async: true` answers `Originate successfully queued` at once and reports the outcome in
//! an `OriginateResponse` event carrying the `ActionID`; `ChannelId` becomes the phone
//! channel's `Uniqueid` and `Linkedid`. Without `Async` the response waits for the outcome
//! (`Originate successfully queued` once answered, `Originate failed` otherwise) and no
//! `OriginateResponse` is sent.

use std::time::Duration;

use tokio::sync::oneshot;

use super::calls::How;
use super::causes;
use super::config::strip_tech;
use super::event::EventBuilder;
use super::model::{CallId, ChanState, Id};
use super::pbx::{OriginateWait, Pbx, Phase, TimerKind};
use super::wire::Message;

/// Asterisk's default originate timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(30_000);
/// `AST_MAX_PUBLIC_UNIQUEID`.
const MAX_CHANNEL_ID: usize = 149;

/// A validated originate.
#[derive(Debug)]
pub(crate) struct OriginateRequest {
    pub(crate) action_id: String,
    pub(crate) channel: String,
    pub(crate) context: String,
    pub(crate) exten: String,
    pub(crate) priority: u32,
    pub(crate) application: Option<(String, String)>,
    pub(crate) caller: Id,
    pub(crate) timeout: Duration,
    pub(crate) is_async: bool,
    pub(crate) channel_id: Option<String>,
    pub(crate) variables: Vec<(String, String)>,
    pub(crate) auto_answer: bool,
}

/// What the session should answer now.
#[derive(Debug)]
pub(crate) enum OriginateStart {
    /// `Originate successfully queued` (async).
    Queued,
    /// `Originate failed` (sync, nothing to wait for).
    Failed,
    /// Sync: wait for the outcome (`true` answered).
    Wait(oneshot::Receiver<bool>),
}

impl OriginateRequest {
    /// Validates an `Action: Originate` in Asterisk's order; `Err` is the error message.
    pub(crate) fn parse(m: &Message, auto_answer_subroutines: &[String]) -> Result<Self, String> {
        let channel = m.get("Channel");
        let channel_id = m.get("ChannelId");
        if channel_id.len() > MAX_CHANNEL_ID {
            return Err(format!(
                "Uniqueid length exceeds maximum of {MAX_CHANNEL_ID}"
            ));
        }
        if channel.is_empty() {
            return Err("Channel not specified".into());
        }
        let priority = match m.get("Priority") {
            "" => None,
            p => Some(
                p.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or("Invalid priority")?,
            ),
        };
        let timeout = match m.get("Timeout") {
            "" => DEFAULT_TIMEOUT,
            t => Duration::from_millis(
                t.trim()
                    .parse::<i64>()
                    .map_err(|_| "Invalid timeout")?
                    .max(0)
                    .unsigned_abs(),
            ),
        };
        if !channel.contains('/') {
            return Err("Invalid channel".into());
        }
        let application = match m.get("Application") {
            "" => None,
            app => Some((app.to_owned(), m.get("Data").to_owned())),
        };
        let (context, exten) = (m.get("Context"), m.get("Exten"));
        if application.is_none() && (context.is_empty() || priority.is_none() || exten.is_empty()) {
            return Err("Originate with 'Exten' requires 'Context' and 'Priority'".into());
        }
        let variables: Vec<(String, String)> = m
            .all("Variable")
            .flat_map(split_args)
            .filter_map(|v| {
                v.split_once('=')
                    .map(|(k, v)| (k.trim().to_owned(), unescape(v.trim())))
            })
            .collect();
        let predial = m.get("PreDialGoSub");
        let auto_answer = variables.iter().any(|(k, v)| asks_auto_answer(k, v))
            || auto_answer_subroutines
                .iter()
                .any(|s| predial.split(',').next().is_some_and(|p| p.trim() == s));
        Ok(OriginateRequest {
            action_id: m.get("ActionID").to_owned(),
            channel: channel.to_owned(),
            context: context.to_owned(),
            exten: exten.to_owned(),
            priority: priority.unwrap_or(1),
            application,
            caller: parse_callerid(m.get("CallerID")),
            timeout,
            is_async: is_true(m.get("Async")),
            channel_id: (!channel_id.is_empty()).then(|| channel_id.to_owned()),
            variables,
            auto_answer,
        })
    }
}

/// Asterisk's `ast_true`.
pub(crate) fn is_true(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "y" | "t" | "1" | "on"
    )
}

/// Whether a channel variable adds a SIP header that makes phones answer by themselves:
/// `PJSIP_HEADER(add,Call-Info)=<sip:...>;answer-after=0` (capture 09) or an `Alert-Info`
/// with `auto answer` / `answer-after`.
fn asks_auto_answer(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase().replace(' ', "");
    let value = value.to_ascii_lowercase();
    let header = name.starts_with("pjsip_header(add,") || name.starts_with("sipaddheader");
    let answer_header = name.contains("call-info") || name.contains("alert-info");
    header
        && (answer_header || name.starts_with("sipaddheader"))
        && (value.contains("answer-after")
            || value.contains("auto answer")
            || value.contains("auto-answer"))
}

/// Splits `a=1,b=(x,y),c` at top-level commas, like `AST_STANDARD_APP_ARGS`: parentheses and
/// quotes group, a backslash keeps the next character.
fn split_args(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quoted, mut escaped) = (0u32, false, false);
    for ch in text.chars() {
        if escaped {
            current.push('\\');
            current.push(ch);
            escaped = false;
            continue;
        }
        match ch {
            '\\' => escaped = true,
            '"' => {
                quoted = !quoted;
                current.push(ch);
            }
            '(' if !quoted => {
                depth += 1;
                current.push(ch);
            }
            ')' if !quoted => {
                depth = depth.saturating_sub(1);
                current.push(ch);
            }
            ',' if !quoted && depth == 0 => parts.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    if escaped {
        current.push('\\');
    }
    parts.push(current);
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Drops the backslashes that protected `;` and `,` in a variable's value.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// `ast_callerid_parse` and `ast_shrink_phone_number`: `"Name" <number>`, `Name <number>`,
/// a bare number or a bare name.
pub(crate) fn parse_callerid(text: &str) -> Id {
    let text = text.trim();
    if text.is_empty() {
        return Id::default();
    }
    let strip_quotes = |s: &str| s.trim().trim_matches('"').trim().to_owned();
    if let (Some(open), Some(close)) = (text.find('<'), text.rfind('>')) {
        if open < close {
            let number = shrink(&text[open + 1..close]);
            let name = strip_quotes(&text[..open]);
            return Id::new(&number, &name);
        }
    }
    let shrunk = shrink(text);
    let is_number = !shrunk.is_empty()
        && shrunk
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'*' | b'#'));
    if is_number {
        Id::new(&shrunk, "")
    } else {
        Id::new("", &strip_quotes(text))
    }
}

fn shrink(number: &str) -> String {
    number
        .chars()
        .filter(|c| !matches!(c, ' ' | '(' | ')' | '-' | '.' | '\t'))
        .collect()
}

impl Pbx {
    /// Starts an originate (see the module documentation).
    pub(crate) fn originate(&mut self, req: OriginateRequest) -> OriginateStart {
        let endpoint = req
            .channel
            .split_once('/')
            .filter(|(tech, _)| tech.eq_ignore_ascii_case("PJSIP"))
            .and_then(|_| self.cfg.endpoint(strip_tech(&req.channel)).cloned());
        let reused_id = req
            .channel_id
            .as_deref()
            .is_some_and(|id| self.uniqueid_in_use(id));
        let routable = req.application.is_some() || self.route(&req.exten).is_some();
        let known_context = req.application.is_some() || self.knows_context(&req.context);
        let Some(endpoint) = endpoint.filter(|_| !reused_id && routable && known_context) else {
            // The channel cannot be created (unknown endpoint, taken ChannelId) or the
            // extension leads nowhere.
            if !req.is_async {
                return OriginateStart::Failed;
            }
            let call = self.new_call("originate");
            let wait = wait_from(&req, None);
            self.originate_response(&wait, false, None, 0);
            self.end_call(call, 0);
            return OriginateStart::Queued;
        };
        let call = self.new_call("originate");
        let leg = self.new_channel(
            call,
            &endpoint.device(),
            ChanState::Down,
            Id::new(&endpoint.exten, &endpoint.name),
            &endpoint.context,
            "s",
            req.channel_id.as_deref(),
            req.channel_id.as_deref(),
        );
        let vars = req.variables.clone();
        self.chan_mut(leg, |c| {
            c.app = "AppDial2".to_owned();
            c.app_data = "(Outgoing Line)".to_owned();
            c.vars = vars;
        });
        let linkedid = self.chan(leg).linkedid.clone();
        let (tx, rx) = if req.is_async {
            (None, None)
        } else {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx))
        };
        if let Some(c) = self.calls.get_mut(&call) {
            c.linkedid = linkedid;
            c.phone = Some(leg);
            c.originate = Some(wait_from(&req, tx));
        }
        self.emit_chan("Newchannel", leg);
        if req.caller.num.is_some() || req.caller.name.is_some() {
            let given = req.caller.clone();
            self.chan_mut(leg, |c| {
                if given.num.is_some() {
                    c.caller.num = given.num.clone();
                }
                if given.name.is_some() {
                    c.caller.name = given.name.clone();
                }
            });
            self.emit_new_callerid(leg);
            let id = self.chan(leg).caller.clone();
            self.chan_mut(leg, |c| c.connected = id);
            self.emit_chan("NewConnectedLine", leg);
        }
        self.dial_event("DialBegin", None, leg, ("DialString", &endpoint.exten));
        self.chan_mut(leg, |c| c.state = ChanState::Ringing);
        self.emit_chan("Newstate", leg);
        self.refresh_device(&endpoint.device());
        self.dial_event("DialState", None, leg, ("DialStatus", "RINGING"));
        self.set_phase(call, Phase::Originating { leg });
        self.timer(req.timeout, call, TimerKind::OriginateTimeout { leg });
        // In demo mode nobody sits at the phone: click-to-dial must still get through.
        if req.auto_answer || self.cfg.demo {
            let after = self.cfg.auto_answer_delay;
            self.timer(after, call, TimerKind::Answer { leg });
        }
        match rx {
            Some(rx) => OriginateStart::Wait(rx),
            None => OriginateStart::Queued,
        }
    }

    /// Whether a dialplan context exists on this PBX.
    fn knows_context(&self, context: &str) -> bool {
        context == self.cfg.trunk_context || self.cfg.endpoints.iter().any(|e| e.context == context)
    }

    /// The phone answered the originate: report it, then run the dialplan.
    pub(crate) fn originate_answered(&mut self, call: CallId, leg: u64) {
        self.chan_mut(leg, |c| c.state = ChanState::Up);
        self.emit_chan("Newstate", leg);
        self.dial_event("DialEnd", None, leg, ("DialStatus", "ANSWER"));
        let wait = self.calls.get_mut(&call).and_then(|c| c.originate.take());
        let Some(wait) = wait else {
            return;
        };
        self.originate_response(&wait, true, Some(leg), 4);
        let device = self.chan(leg).device.clone();
        self.refresh_device(&device);
        if let Some(reply) = wait.reply {
            let _ = reply.send(true);
        }
        let (context, exten, priority) = (wait.context, wait.exten, wait.priority);
        self.chan_mut(leg, |c| {
            c.runs_dialplan = true;
            c.context = context.clone();
            c.exten = exten.clone();
            c.priority = priority;
        });
        if let Some((app, data)) = wait.application {
            self.newexten(leg, &app, &data);
            self.set_phase(call, Phase::Up { leg });
            return;
        }
        let Some(target) = self.route(&exten) else {
            self.ami_hangup(leg, causes::NORMAL_CLEARING);
            return;
        };
        self.newexten(leg, "NoOp", &format!("Outbound call to {exten}"));
        self.chan_mut(leg, |c| c.priority += 1);
        let data = self.dial_data(std::slice::from_ref(&target));
        self.newexten(leg, "Dial", &data);
        self.dial_vars_reset(leg);
        self.start_dial(call, leg, vec![target]);
    }

    /// The phone's leg of an originate ended before answering.
    pub(crate) fn originate_failed(&mut self, call: CallId, leg: u64, cause: u32, how: How) {
        match how {
            How::Ami => self.hangup_request(leg, true, cause),
            How::Bye | How::Reject => self.hangup_request(leg, false, cause),
            How::Timeout | How::Cancel => {}
        }
        if how != How::Timeout {
            self.dial_event(
                "DialEnd",
                None,
                leg,
                ("DialStatus", causes::dial_status(cause)),
            );
        }
        let tech = (how == How::Reject)
            .then(|| causes::sip_code(cause))
            .flatten();
        self.hangup_channel(leg, cause, tech);
        if let Some(wait) = self.calls.get_mut(&call).and_then(|c| c.originate.take()) {
            let reason = causes::originate_reason(cause);
            self.originate_response(&wait, false, None, reason);
            if let Some(reply) = wait.reply {
                let _ = reply.send(false);
            }
        }
        self.end_call(call, cause);
    }

    /// Emits `OriginateResponse` for an async originate (a sync one is answered through its
    /// reply instead).
    fn originate_response(
        &mut self,
        wait: &OriginateWait,
        success: bool,
        leg: Option<u64>,
        reason: u32,
    ) {
        if wait.reply.is_some() {
            return;
        }
        let (channel, uniqueid) = match leg {
            Some(leg) => (self.chan(leg).name.clone(), self.chan(leg).uniqueid.clone()),
            None => (
                wait.requested.clone(),
                wait.channel_id
                    .clone()
                    .unwrap_or_else(|| "<unknown>".into()),
            ),
        };
        let mut event = EventBuilder::call("OriginateResponse");
        if !wait.action_id.is_empty() {
            event = event.field("ActionID", &wait.action_id);
        }
        event = event
            .field("Response", if success { "Success" } else { "Failure" })
            .field("Channel", &channel);
        event = match &wait.application {
            Some((app, data)) => event.field("Application", app).field("Data", data),
            None => event
                .field("Context", &wait.context)
                .field("Exten", &wait.exten),
        };
        let event = event
            .field("Reason", &reason.to_string())
            .field("Uniqueid", &uniqueid)
            .field("CallerIDNum", wait.caller.num_text())
            .field("CallerIDName", wait.caller.name_text())
            .build();
        self.emit(event);
    }
}

fn wait_from(req: &OriginateRequest, reply: Option<oneshot::Sender<bool>>) -> OriginateWait {
    OriginateWait {
        action_id: req.action_id.clone(),
        requested: req.channel.clone(),
        context: req.context.clone(),
        exten: req.exten.clone(),
        priority: req.priority,
        application: req.application.clone(),
        caller: req.caller.clone(),
        channel_id: req.channel_id.clone(),
        reply,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&str, &str)]) -> Result<OriginateRequest, String> {
        OriginateRequest::parse(&Message::from_pairs(pairs), &["callpop-predial".to_owned()])
    }

    #[test]
    fn capture_09_header_asks_auto_answer() {
        let r = request(&[
            ("Channel", "PJSIP/100"),
            ("Context", "internal"),
            ("Exten", "0301234567"),
            ("Priority", "1"),
            ("CallerID", "\"callpop: 0301234567\" <0301234567>"),
            ("Async", "true"),
            ("ChannelId", "callpop-req-44"),
            (
                "Variable",
                "PJSIP_HEADER(add,Call-Info)=<sip:127.0.0.1>\\;answer-after=0",
            ),
        ])
        .expect("valid");
        assert!(r.auto_answer);
        assert!(r.is_async);
        assert_eq!(r.channel_id.as_deref(), Some("callpop-req-44"));
        assert_eq!(
            r.variables,
            vec![(
                "PJSIP_HEADER(add,Call-Info)".to_owned(),
                "<sip:127.0.0.1>;answer-after=0".to_owned()
            )]
        );
        assert_eq!(r.caller, Id::new("0301234567", "callpop: 0301234567"));
    }

    #[test]
    fn capture_07_predial_and_03_plain() {
        let base = [
            ("Channel", "PJSIP/100"),
            ("Context", "internal"),
            ("Exten", "0301234567"),
            ("Priority", "1"),
        ];
        let mut with_gosub = base.to_vec();
        with_gosub.push(("PreDialGoSub", "callpop-predial,s,1"));
        assert!(request(&with_gosub).expect("valid").auto_answer);
        let mut plain = base.to_vec();
        plain.push(("Variable", "CALLPOP_REQ=abc123,OTHER=x"));
        let r = request(&plain).expect("valid");
        assert!(!r.auto_answer);
        assert!(!r.is_async);
        assert_eq!(r.variables.len(), 2);
    }

    #[test]
    fn errors_read_like_asterisk() {
        assert_eq!(request(&[]).unwrap_err(), "Channel not specified");
        assert_eq!(
            request(&[("Channel", "PJSIP/100"), ("Priority", "x")]).unwrap_err(),
            "Invalid priority"
        );
        assert_eq!(
            request(&[("Channel", "PJSIP/100"), ("Timeout", "soon")]).unwrap_err(),
            "Invalid timeout"
        );
        assert_eq!(
            request(&[("Channel", "100")]).unwrap_err(),
            "Invalid channel"
        );
        assert_eq!(
            request(&[("Channel", "PJSIP/100"), ("Exten", "5")]).unwrap_err(),
            "Originate with 'Exten' requires 'Context' and 'Priority'"
        );
    }

    #[test]
    fn caller_ids() {
        assert_eq!(
            parse_callerid("Bob <(030) 123-4>"),
            Id::new("0301234", "Bob")
        );
        assert_eq!(parse_callerid("+49 30 1"), Id::new("+49301", ""));
        assert_eq!(parse_callerid("\"Just Name\""), Id::new("", "Just Name"));
        assert_eq!(parse_callerid(""), Id::default());
    }
}
