//! Call scenarios as Asterisk 22 reports them: ringing, answering, hold, hang-ups, redirects.
//!
//! Every step emits the events of the captures in `shared/reference/ami-captures/`, in their
//! order: `01_inbound_answered_hold` (inbound ring, answer, hold, unhold, caller hangs up),
//! `05_filter_snapshot` (caller gives up: cause 127), `03`/`07`/`09` (originate, far end,
//! `Action: Hangup`). Steps no capture shows (a phone refusing a call, a ring group answered
//! elsewhere, the phone hanging up first, redirects, timeouts) follow Asterisk's source
//! (`app_dial.c`, `dial.c`, `chan_pjsip.c`) with the same event shapes.

use std::time::Instant;

use super::causes::{self, ANSWERED_ELSEWHERE, INTERWORKING, NORMAL_CLEARING};
use super::error::AmiSimError;
use super::model::{CallId, ChanState, Id, Party};
use super::pbx::{Pbx, Phase, Target, TimerKind};

/// How a leg ends, which decides the events around its `Hangup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum How {
    /// The far end sent BYE (or the phone hung up): `HangupRequest`.
    Bye,
    /// `Action: Hangup`: `SoftHangupRequest`.
    Ami,
    /// The caller gave up while ringing (CANCEL): cause 127 on the dialled legs.
    Cancel,
    /// The phone refused (486 busy / 603 decline): `TechCause` with the SIP code.
    Reject,
    /// A timer ran out.
    Timeout,
}

const RTP_QOS: &str = "ssrc=1166267562;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000";
const RTP_JITTER: &str = "minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;";
const RTP_LOSS: &str = "  minrxlost=000.000000;  maxrxlost=000.000000;  avgrxlost=000.000000;  stdevrxlost=000.000000;  mintxlost=000.000000;  maxtxlost=000.000000;  avgtxlost=000.000000;  stdevtxlost=000.000000;";
const RTP_RTT: &str = "     minrtt=000.000000;     maxrtt=000.000000;     avgrtt=000.000000;     stdevrtt=000.000000;";
const RTP_MES: &str = "   minrxmes=000.000000;   maxrxmes=000.000000;   avgrxmes=000.000000;   stdevrxmes=000.000000;   mintxmes=000.000000;   maxtxmes=000.000000;   avgtxmes=000.000000;   stdevtxmes=000.000000;";
const RTP_VARS: [(&str, &str); 5] = [
    ("RTPAUDIOQOS", RTP_QOS),
    ("RTPAUDIOQOSJITTER", RTP_JITTER),
    ("RTPAUDIOQOSLOSS", RTP_LOSS),
    ("RTPAUDIOQOSRTT", RTP_RTT),
    ("RTPAUDIOQOSMES", RTP_MES),
];

impl Pbx {
    fn phase_of(&self, call: CallId) -> Result<Phase, AmiSimError> {
        self.calls
            .get(&call)
            .map(|c| c.phase.clone())
            .ok_or(AmiSimError::NoSuchCall(call))
    }

    fn wrong(call: CallId, action: &'static str, reason: &str) -> AmiSimError {
        AmiSimError::WrongState {
            call,
            action,
            reason: reason.to_owned(),
        }
    }

    fn endpoint_device(&self, endpoint: &str) -> Result<String, AmiSimError> {
        self.cfg
            .endpoint(endpoint)
            .map(|e| e.device())
            .ok_or_else(|| {
                AmiSimError::NoSuchEndpoint(endpoint.to_owned(), self.cfg.endpoint_list())
            })
    }

    // ----- starting calls -------------------------------------------------------------------

    /// A call from the trunk rings `to` (one endpoint, or several as a ring group).
    pub(crate) fn ring(
        &mut self,
        number: &str,
        name: &str,
        to: &[&str],
    ) -> Result<CallId, AmiSimError> {
        let mut targets = Vec::new();
        for t in to {
            match self.cfg.endpoint(t) {
                Some(e) => targets.push(Target::Endpoint(e.clone())),
                None => {
                    return Err(AmiSimError::NoSuchEndpoint(
                        (*t).to_owned(),
                        self.cfg.endpoint_list(),
                    ))
                }
            }
        }
        let Some(Target::Endpoint(first)) = targets.first().cloned() else {
            return Err(AmiSimError::NoSuchEndpoint(
                String::new(),
                self.cfg.endpoint_list(),
            ));
        };
        let call = self.new_call("inbound");
        let trunk_device = self.cfg.trunk_device();
        let trunk_context = self.cfg.trunk_context.clone();
        let caller = self.new_channel(
            call,
            &trunk_device,
            ChanState::Ring,
            Id::new(number, name),
            &trunk_context,
            &first.exten,
            None,
            None,
        );
        let linkedid = self.chan(caller).linkedid.clone();
        if let Some(c) = self.calls.get_mut(&call) {
            c.linkedid = linkedid;
        }
        self.chan_mut(caller, |c| c.runs_dialplan = true);
        self.emit_chan("Newchannel", caller);
        self.varset(caller, "SIPDOMAIN", "127.0.0.1");
        self.newexten(caller, "NoOp", &format!("Inbound DID for {}", first.exten));
        self.chan_mut(caller, |c| c.priority = 2);
        let data = self.dial_data(&targets);
        self.newexten(caller, "Dial", &data);
        self.dial_vars_reset(caller);
        self.start_dial(call, caller, targets);
        Ok(call)
    }

    /// The desk phone `from` dials `number` itself (off-hook dialling, not an originate).
    pub(crate) fn dial_from_phone(
        &mut self,
        from: &str,
        number: &str,
    ) -> Result<CallId, AmiSimError> {
        let endpoint = self.cfg.endpoint(from).cloned().ok_or_else(|| {
            AmiSimError::NoSuchEndpoint(from.to_owned(), self.cfg.endpoint_list())
        })?;
        let target = self.route(number).ok_or_else(|| {
            AmiSimError::InvalidConfig(format!("{number:?} is not a dialable number"))
        })?;
        let call = self.new_call("outbound");
        let leg = self.new_channel(
            call,
            &endpoint.device(),
            ChanState::Ring,
            Id::new(&endpoint.exten, &endpoint.name),
            &endpoint.context,
            number,
            None,
            None,
        );
        let linkedid = self.chan(leg).linkedid.clone();
        if let Some(c) = self.calls.get_mut(&call) {
            c.linkedid = linkedid;
            c.phone = Some(leg);
        }
        self.chan_mut(leg, |c| c.runs_dialplan = true);
        self.emit_chan("Newchannel", leg);
        self.refresh_device(&endpoint.device());
        self.newexten(leg, "NoOp", &format!("Outbound call to {number}"));
        self.chan_mut(leg, |c| c.priority = 2);
        let data = self.dial_data(std::slice::from_ref(&target));
        self.newexten(leg, "Dial", &data);
        self.dial_vars_reset(leg);
        self.start_dial(call, leg, vec![target]);
        Ok(call)
    }

    /// `caller` (running `Dial()`) dials `targets`: their channels appear and ring.
    pub(crate) fn start_dial(&mut self, call: CallId, caller: u64, targets: Vec<Target>) {
        let started = Instant::now();
        let linkedid = self.chan(caller).linkedid.clone();
        let caller_id = self.chan(caller).caller.clone();
        let mut legs = Vec::new();
        let mut endpoint_legs = Vec::new();
        for target in &targets {
            match target {
                Target::Endpoint(endpoint) => {
                    let leg = self.new_channel(
                        call,
                        &endpoint.device(),
                        ChanState::Down,
                        Id::new(&endpoint.exten, &endpoint.name),
                        &endpoint.context,
                        "s",
                        None,
                        Some(&linkedid),
                    );
                    self.emit_chan("Newchannel", leg);
                    self.varset(leg, "DIALEDPEERNUMBER", &endpoint.exten);
                    let connected = caller_id.clone();
                    let exten = endpoint.exten.clone();
                    self.chan_mut(leg, |c| {
                        c.connected = connected;
                        c.exten = exten;
                    });
                    self.newexten(leg, "AppDial", "(Outgoing Line)");
                    self.emit_chan("NewConnectedLine", leg);
                    self.dial_event(
                        "DialBegin",
                        Some(caller),
                        leg,
                        ("DialString", &endpoint.exten),
                    );
                    legs.push(leg);
                    endpoint_legs.push(leg);
                }
                Target::Trunk(number) => {
                    let trunk_device = self.cfg.trunk_device();
                    let trunk_context = self.cfg.trunk_context.clone();
                    let leg = self.new_channel(
                        call,
                        &trunk_device,
                        ChanState::Down,
                        Id::default(),
                        &trunk_context,
                        "s",
                        None,
                        Some(&linkedid),
                    );
                    self.chan_mut(leg, |c| {
                        c.app = "AppDial".to_owned();
                        c.app_data = "(Outgoing Line)".to_owned();
                    });
                    self.emit_chan("Newchannel", leg);
                    // Captures 03/07/09: the caller's identity is both the CID presented to
                    // the far end and its connected line, already in `NewCallerid`.
                    let (id, num) = (caller_id.clone(), number.clone());
                    self.chan_mut(leg, |c| {
                        c.connected = id.clone();
                        c.caller = id;
                        c.exten = num;
                    });
                    self.emit_new_callerid(leg);
                    self.emit_chan("NewConnectedLine", leg);
                    let dial_string = format!("{number}@{}", self.cfg.trunk);
                    self.dial_event("DialBegin", Some(caller), leg, ("DialString", &dial_string));
                    legs.push(leg);
                }
            }
        }
        if let [only] = endpoint_legs[..] {
            // With a single target app_dial passes the callee's identity to the caller at once.
            let id = self.chan(only).caller.clone();
            if self.chan(caller).connected != id {
                self.chan_mut(caller, |c| c.connected = id);
                self.emit_chan("NewConnectedLine", caller);
            }
        }
        for &leg in &endpoint_legs {
            self.chan_mut(leg, |c| c.state = ChanState::Ringing);
            self.emit_chan("Newstate", leg);
            let device = self.chan(leg).device.clone();
            self.refresh_device(&device);
        }
        if !endpoint_legs.is_empty() {
            self.varset(caller, "RINGTIME", "0");
            self.varset(
                caller,
                "RINGTIME_MS",
                &started.elapsed().as_millis().to_string(),
            );
            for &leg in &endpoint_legs {
                self.dial_event("DialState", Some(caller), leg, ("DialStatus", "RINGING"));
            }
            let device = self.chan(caller).device.clone();
            self.refresh_device(&device);
        }
        let dial = self.calls.get_mut(&call).map_or(0, |c| {
            c.next_dial += 1;
            c.next_dial
        });
        for &leg in legs.iter().filter(|l| !endpoint_legs.contains(l)) {
            self.chan_mut(leg, |c| c.state = ChanState::Ringing);
            self.emit_chan("Newstate", leg);
            self.dial_event("DialState", Some(caller), leg, ("DialStatus", "RINGING"));
            let device = self.chan(leg).device.clone();
            self.refresh_device(&device);
            if let Some(after) = self.cfg.far_end_answer_delay {
                self.timer(after, call, TimerKind::Answer { leg });
            }
        }
        self.set_phase(
            call,
            Phase::Dialing {
                caller,
                targets: legs,
                dial,
                started,
            },
        );
        let timeout = self.cfg.ring_timeout;
        self.timer(timeout, call, TimerKind::RingTimeout { dial });
    }

    // ----- answering ------------------------------------------------------------------------

    /// The ringing `leg` answers.
    pub(crate) fn answer_leg(&mut self, call: CallId, leg: u64) -> Result<(), AmiSimError> {
        match self.phase_of(call)? {
            Phase::Originating { leg: phone } if phone == leg => {
                self.originate_answered(call, leg);
                Ok(())
            }
            Phase::Dialing {
                caller,
                targets,
                started,
                ..
            } if targets.contains(&leg) => {
                self.bridge_answered(call, caller, leg, &targets, started);
                Ok(())
            }
            _ => Err(Self::wrong(call, "answer", "that leg is not ringing")),
        }
    }

    fn bridge_answered(
        &mut self,
        call: CallId,
        caller: u64,
        leg: u64,
        targets: &[u64],
        started: Instant,
    ) {
        let others: Vec<u64> = targets.iter().copied().filter(|t| *t != leg).collect();
        let is_trunk_leg = self.chan(leg).device == self.cfg.trunk_device();
        self.chan_mut(leg, |c| c.state = ChanState::Up);
        self.emit_chan("Newstate", leg);
        let identity = if is_trunk_leg {
            let number = self.chan(leg).exten.clone();
            (self.chan(caller).connected.num.is_none()).then(|| Id::new(&number, ""))
        } else {
            let id = self.chan(leg).caller.clone();
            (self.chan(caller).connected != id).then_some(id)
        };
        if let Some(id) = identity {
            self.chan_mut(caller, |c| c.connected = id);
            self.emit_chan("NewConnectedLine", caller);
        }
        let number = if is_trunk_leg {
            self.chan(leg).exten.clone()
        } else {
            self.chan(leg).caller.num.clone().unwrap_or_default()
        };
        if self.chan(caller).runs_dialplan {
            let name = self.chan(leg).name.clone();
            self.varset(caller, "DIALSTATUS", "ANSWER");
            self.varset(caller, "DIALEDPEERNAME", &name);
            self.varset(caller, "DIALEDPEERNUMBER", &number);
        }
        for &other in &others {
            self.dial_event("DialEnd", Some(caller), other, ("DialStatus", "CANCEL"));
        }
        self.chan_mut(leg, |c| c.exten.clear());
        self.dial_event("DialEnd", Some(caller), leg, ("DialStatus", "ANSWER"));
        if self.chan(caller).state != ChanState::Up {
            self.chan_mut(caller, |c| c.state = ChanState::Up);
            self.emit_chan("Newstate", caller);
        }
        let device = self.chan(leg).device.clone();
        self.refresh_device(&device);
        for &other in &others {
            self.hangup_channel(other, ANSWERED_ELSEWHERE, None);
        }
        let bridge = super::pbx::uuid();
        self.bridges.insert(
            bridge.clone(),
            super::model::Bridge {
                uniqueid: bridge.clone(),
                technology: "simple_bridge",
                members: 0,
            },
        );
        let event = self.bridge_event("BridgeCreate", &bridge).build();
        self.emit(event);
        self.newexten(leg, "AppDial", "(Outgoing Line)");
        for (member, count) in [(leg, 1), (caller, 2)] {
            if let Some(b) = self.bridges.get_mut(&bridge) {
                b.members = count;
            }
            let id = bridge.clone();
            self.chan_mut(member, |c| c.bridge = Some(id));
            let event = self
                .bridge_event("BridgeEnter", &bridge)
                .channel(self.chan(member))
                .build();
            self.emit(event);
        }
        if let Some(b) = self.bridges.get_mut(&bridge) {
            b.technology = "native_rtp";
        }
        for _ in 0..3 {
            self.bridge_vars(caller, leg);
        }
        if let Some(c) = self.calls.get_mut(&call) {
            let phone_gone = c.phone.is_none_or(|p| p != caller);
            if phone_gone && !is_trunk_leg {
                c.phone = Some(leg);
            }
        }
        self.set_phase(
            call,
            Phase::Bridged {
                caller,
                callee: leg,
                bridge,
                dial_started: started,
                answered: Instant::now(),
            },
        );
    }

    /// `BRIDGEPEER` and `BRIDGEPVTCALLID` on both channels, `first` first.
    fn bridge_vars(&mut self, first: u64, second: u64) {
        for (me, peer) in [(first, second), (second, first)] {
            let (peer_name, peer_call_id) = {
                let p = self.chan(peer);
                (p.name.clone(), p.sip_call_id.clone())
            };
            self.varset(me, "BRIDGEPEER", &peer_name);
            self.varset(me, "BRIDGEPVTCALLID", &peer_call_id);
        }
    }

    // ----- hold -----------------------------------------------------------------------------

    /// The desk phone puts the call on hold (`on`) or takes it off hold: `Hold`/`Unhold` on
    /// the phone's channel, the peer's device goes `ONHOLD`/`INUSE` (capture 01).
    pub(crate) fn hold(&mut self, call: CallId, on: bool) -> Result<(), AmiSimError> {
        let action = if on { "hold" } else { "unhold" };
        let Phase::Bridged { caller, callee, .. } = self.phase_of(call)? else {
            return Err(Self::wrong(call, action, "it is not connected"));
        };
        let phone = self
            .calls
            .get(&call)
            .and_then(|c| c.phone)
            .filter(|p| *p == caller || *p == callee)
            .ok_or_else(|| Self::wrong(call, action, "no desk phone is in this call"))?;
        let peer = if phone == caller { callee } else { caller };
        if self.chan(peer).held == on {
            let reason = if on {
                "it is already on hold"
            } else {
                "it is not on hold"
            };
            return Err(Self::wrong(call, action, reason));
        }
        let event = if on {
            self.chan_event("Hold", phone)
                .field("MusicClass", "default")
                .build()
        } else {
            self.chan_event("Unhold", phone).build()
        };
        self.emit(event);
        self.chan_mut(peer, |c| c.held = on);
        self.bridge_vars(peer, phone);
        let device = self.chan(peer).device.clone();
        self.refresh_device(&device);
        Ok(())
    }

    // ----- ending legs ----------------------------------------------------------------------

    /// `leg` of `call` ends with `cause`; the rest of the call follows as Asterisk would.
    pub(crate) fn end_leg(&mut self, call: CallId, leg: u64, cause: u32, how: How) {
        let Ok(phase) = self.phase_of(call) else {
            return;
        };
        match phase {
            Phase::Bridged {
                caller,
                callee,
                bridge,
                dial_started,
                answered,
            } if leg == caller || leg == callee => {
                let other = if leg == caller { callee } else { caller };
                self.end_bridged(
                    call,
                    (leg, other, caller),
                    &bridge,
                    cause,
                    how,
                    (dial_started, answered),
                );
            }
            Phase::Dialing {
                caller, targets, ..
            } if leg == caller => {
                self.abandon_dial(call, caller, &targets, cause, how);
            }
            Phase::Dialing {
                caller,
                targets,
                dial,
                started,
            } if targets.contains(&leg) => {
                self.end_target(call, (caller, leg), &targets, cause, how, (dial, started));
            }
            Phase::Originating { leg: phone } if phone == leg => {
                self.originate_failed(call, leg, cause, how);
            }
            Phase::Up { leg: up } if up == leg => {
                self.hangup_request(leg, how == How::Ami, cause);
                self.hangup_channel(leg, cause, None);
                self.end_call(call, cause);
            }
            _ => {
                // A channel outside the call's current shape: just hang it up.
                self.hangup_channel(leg, cause, None);
            }
        }
    }

    /// The `DIALSTATUS` family `Dial()` sets when its bridge ends.
    fn dial_result_vars(&mut self, key: u64, dial_started: Instant, answered: Instant) {
        let answered_ms = answered.elapsed().as_millis();
        let dialed_ms = dial_started.elapsed().as_millis();
        self.varset(key, "ANSWEREDTIME", &(answered_ms / 1000).to_string());
        self.varset(key, "ANSWEREDTIME_MS", &answered_ms.to_string());
        self.varset(key, "DIALEDTIME", &(dialed_ms / 1000).to_string());
        self.varset(key, "DIALEDTIME_MS", &dialed_ms.to_string());
        self.varset(key, "DIALSTATUS", "ANSWER");
    }

    /// A bridged call ends because `gone` hung up (capture 01 for BYE, 03/07/09 for
    /// `Action: Hangup`).
    fn end_bridged(
        &mut self,
        call: CallId,
        (gone, other, caller): (u64, u64, u64),
        bridge: &str,
        cause: u32,
        how: How,
        (dial_started, answered): (Instant, Instant),
    ) {
        let soft = how == How::Ami;
        if !soft {
            for (var, value) in RTP_VARS {
                self.varset(gone, var, value);
                self.varset(other, &format!("{var}BRIDGED"), value);
            }
            self.hangup_request(gone, false, cause);
            for key in [gone, other] {
                self.varset(key, "BRIDGEPEER", "");
                self.varset(key, "BRIDGEPVTCALLID", "");
            }
        }
        self.leave_bridge(bridge, gone, 1);
        if soft {
            self.hangup_request(gone, true, cause);
        }
        if gone == caller {
            self.dial_result_vars(gone, dial_started, answered);
            if !soft {
                self.hangup_request(gone, true, cause);
            }
        }
        self.leave_bridge(bridge, other, 0);
        self.destroy_bridge(bridge);
        if !soft {
            for (var, value) in RTP_VARS {
                self.varset(other, var, value);
            }
        }
        self.hangup_channel(gone, cause, None);
        if other == caller {
            self.dial_result_vars(other, dial_started, answered);
        }
        self.hangup_channel(other, cause, None);
        self.end_call(call, cause);
    }

    fn leave_bridge(&mut self, bridge: &str, key: u64, remaining: usize) {
        if let Some(b) = self.bridges.get_mut(bridge) {
            b.members = remaining;
        }
        let event = self
            .bridge_event("BridgeLeave", bridge)
            .channel(self.chan(key))
            .build();
        self.emit(event);
        self.chan_mut(key, |c| c.bridge = None);
    }

    fn destroy_bridge(&mut self, bridge: &str) {
        let event = self.bridge_event("BridgeDestroy", bridge).build();
        self.emit(event);
        self.bridges.remove(bridge);
    }

    /// The channel running `Dial()` goes away while its targets ring: they are cancelled
    /// (capture 05: `DialEnd` CANCEL, the phone's channel ends with the caller's cause).
    fn abandon_dial(&mut self, call: CallId, caller: u64, targets: &[u64], cause: u32, how: How) {
        self.hangup_request(caller, how == How::Ami, cause);
        for &t in targets {
            self.dial_event("DialEnd", Some(caller), t, ("DialStatus", "CANCEL"));
        }
        // Capture 05 shows TechCause 500 on the phone's channel when the caller cancels.
        let tech = (how == How::Cancel).then_some(500);
        for &t in targets {
            self.hangup_channel(t, cause, tech);
        }
        self.varset(caller, "DIALSTATUS", "CANCEL");
        self.hangup_channel(caller, cause, None);
        self.end_call(call, cause);
    }

    /// One dialled leg ends before answering; when it was the last, `Dial()` fails and the
    /// caller is hung up with the same cause.
    fn end_target(
        &mut self,
        call: CallId,
        (caller, leg): (u64, u64),
        targets: &[u64],
        cause: u32,
        how: How,
        (dial, started): (u64, Instant),
    ) {
        if how != How::Timeout {
            self.hangup_request(leg, how == How::Ami, cause);
        }
        let status = if how == How::Timeout {
            "NOANSWER"
        } else {
            causes::dial_status(cause)
        };
        self.dial_event("DialEnd", Some(caller), leg, ("DialStatus", status));
        let tech = (how == How::Reject)
            .then(|| causes::sip_code(cause))
            .flatten();
        self.hangup_channel(leg, cause, tech);
        let remaining: Vec<u64> = targets.iter().copied().filter(|t| *t != leg).collect();
        if remaining.is_empty() {
            self.dial_failed(call, caller, status, cause);
        } else {
            self.set_phase(
                call,
                Phase::Dialing {
                    caller,
                    targets: remaining,
                    dial,
                    started,
                },
            );
        }
    }

    /// `Dial()` returned without an answer: the dialplan goes on to `Hangup()`.
    fn dial_failed(&mut self, call: CallId, caller: u64, status: &str, cause: u32) {
        self.varset(caller, "DIALSTATUS", status);
        self.chan_mut(caller, |c| c.priority += 1);
        self.newexten(caller, "Hangup", "");
        self.hangup_channel(caller, cause, None);
        self.end_call(call, cause);
    }

    /// `Dial()`'s timeout: every target stops ringing.
    fn ring_timeout(&mut self, call: CallId, caller: u64, targets: &[u64]) {
        for &t in targets {
            self.dial_event("DialEnd", Some(caller), t, ("DialStatus", "NOANSWER"));
        }
        for &t in targets {
            self.hangup_channel(t, INTERWORKING, None);
        }
        self.dial_failed(call, caller, "NOANSWER", NORMAL_CLEARING);
    }

    // ----- control-side wrappers ------------------------------------------------------------

    /// The ringing target on `endpoint`, or the first one still ringing.
    fn ringing_leg(
        &self,
        call: CallId,
        endpoint: Option<&str>,
        action: &'static str,
    ) -> Result<u64, AmiSimError> {
        let device = endpoint.map(|e| self.endpoint_device(e)).transpose()?;
        let candidates = match self.phase_of(call)? {
            Phase::Originating { leg } => vec![leg],
            Phase::Dialing { targets, .. } => targets,
            _ => return Err(Self::wrong(call, action, "nothing rings in it")),
        };
        candidates
            .into_iter()
            .find(|l| device.as_ref().is_none_or(|d| self.chan(*l).device == *d))
            .ok_or_else(|| Self::wrong(call, action, "that phone is not ringing in it"))
    }

    /// The ringing phone (or far end) answers.
    pub(crate) fn answer(
        &mut self,
        call: CallId,
        endpoint: Option<&str>,
    ) -> Result<(), AmiSimError> {
        let leg = self.ringing_leg(call, endpoint, "answer")?;
        self.answer_leg(call, leg)
    }

    /// Another phone of the ring group answers: the first one's channel ends with cause 26.
    pub(crate) fn answered_elsewhere(&mut self, call: CallId) -> Result<(), AmiSimError> {
        match self.phase_of(call)? {
            Phase::Dialing { targets, .. } if targets.len() >= 2 => {
                self.answer_leg(call, targets[1])
            }
            Phase::Dialing { .. } => Err(Self::wrong(
                call,
                "answer elsewhere",
                "only one phone rings; ring several endpoints (a ring group) for this",
            )),
            _ => Err(Self::wrong(call, "answer elsewhere", "it is not ringing")),
        }
    }

    /// The ringing phone refuses with `cause` (17 busy, 21 rejected).
    pub(crate) fn reject(
        &mut self,
        call: CallId,
        endpoint: Option<&str>,
        cause: u32,
    ) -> Result<(), AmiSimError> {
        if !(1..=127).contains(&cause) {
            return Err(Self::wrong(call, "reject", "a cause must be 1..=127"));
        }
        let leg = self.ringing_leg(call, endpoint, "reject")?;
        self.end_leg(call, leg, cause, How::Reject);
        Ok(())
    }

    /// The caller gives up while the phone rings (a missed call; capture 05).
    pub(crate) fn give_up(&mut self, call: CallId) -> Result<(), AmiSimError> {
        match self.phase_of(call)? {
            Phase::Dialing { caller, .. }
                if self.chan(caller).device == self.cfg.trunk_device() =>
            {
                self.end_leg(call, caller, INTERWORKING, How::Cancel);
                Ok(())
            }
            _ => Err(Self::wrong(
                call,
                "give up",
                "no caller from the trunk is waiting in it",
            )),
        }
    }

    /// `party` hangs up.
    pub(crate) fn hangup(&mut self, call: CallId, party: Party) -> Result<(), AmiSimError> {
        let phone = self.calls.get(&call).and_then(|c| c.phone);
        let leg = match (self.phase_of(call)?, party) {
            (Phase::Bridged { caller, callee, .. }, _) => {
                let mine = phone
                    .filter(|p| *p == caller || *p == callee)
                    .unwrap_or(callee);
                let theirs = if mine == caller { callee } else { caller };
                match party {
                    Party::Phone => mine,
                    Party::Remote => theirs,
                }
            }
            (
                Phase::Dialing {
                    caller, targets, ..
                },
                _,
            ) => {
                let phone_is_caller = phone == Some(caller);
                match (party, phone_is_caller) {
                    (Party::Phone, true) | (Party::Remote, false) => caller,
                    (Party::Remote, true) => targets
                        .first()
                        .copied()
                        .ok_or_else(|| Self::wrong(call, "hang up", "nothing is dialled"))?,
                    (Party::Phone, false) => {
                        return Err(Self::wrong(
                            call,
                            "hang up",
                            "the phone is still ringing: reject it instead",
                        ))
                    }
                }
            }
            (Phase::Up { leg }, Party::Phone) => leg,
            (Phase::Originating { .. }, _) => {
                return Err(Self::wrong(
                    call,
                    "hang up",
                    "the phone is still ringing: answer or reject it",
                ))
            }
            (Phase::Up { .. }, Party::Remote) => {
                return Err(Self::wrong(call, "hang up", "there is no remote party"))
            }
            (Phase::Ended, _) => return Err(Self::wrong(call, "hang up", "it has ended")),
        };
        self.end_leg(call, leg, NORMAL_CLEARING, How::Bye);
        Ok(())
    }

    /// `Action: Hangup` on a channel.
    pub(crate) fn ami_hangup(&mut self, key: u64, cause: u32) {
        let call = self.chan(key).call;
        self.end_leg(call, key, cause, How::Ami);
    }

    /// `Action: Redirect` (blind transfer): the channel leaves its bridge or dial, its peer is
    /// hung up, and it continues at `exten`. `Err` carries the AMI error message.
    pub(crate) fn redirect(
        &mut self,
        key: u64,
        context: &str,
        exten: &str,
        priority: u32,
    ) -> Result<(), &'static str> {
        let call = self.chan(key).call;
        let target = self.route(exten).ok_or("Redirect failed")?;
        match self.phase_of(call).map_err(|_| "Redirect failed")? {
            Phase::Bridged {
                caller,
                callee,
                bridge,
                ..
            } if key == caller || key == callee => {
                let other = if key == caller { callee } else { caller };
                self.leave_bridge(&bridge, key, 1);
                self.leave_bridge(&bridge, other, 0);
                self.destroy_bridge(&bridge);
                self.hangup_channel(other, NORMAL_CLEARING, None);
            }
            Phase::Dialing {
                caller, targets, ..
            } if key == caller => {
                for &t in &targets {
                    self.dial_event("DialEnd", Some(caller), t, ("DialStatus", "CANCEL"));
                }
                for &t in &targets {
                    self.hangup_channel(t, NORMAL_CLEARING, None);
                }
            }
            Phase::Up { leg } if leg == key => {}
            _ => return Err("Redirect failed"),
        }
        let alive = |p: &Pbx, k: Option<u64>| k.filter(|k| p.exists(*k));
        let phone = alive(self, self.calls.get(&call).and_then(|c| c.phone));
        if let Some(c) = self.calls.get_mut(&call) {
            c.phone = phone;
        }
        let (context, exten) = (context.to_owned(), exten.to_owned());
        self.chan_mut(key, |c| {
            c.runs_dialplan = true;
            c.context = context;
            c.exten = exten;
            c.priority = priority;
            c.held = false;
        });
        let data = self.dial_data(std::slice::from_ref(&target));
        self.newexten(key, "Dial", &data);
        self.dial_vars_reset(key);
        self.start_dial(call, key, vec![target]);
        Ok(())
    }

    /// A timer fired: act only if the call is still where it was when the timer started.
    pub(crate) fn fire(&mut self, call: CallId, kind: TimerKind) {
        let Ok(phase) = self.phase_of(call) else {
            return;
        };
        match (kind, phase) {
            (TimerKind::Answer { leg }, Phase::Originating { leg: l }) if l == leg => {
                let _ = self.answer_leg(call, leg);
            }
            (TimerKind::Answer { leg }, Phase::Dialing { targets, .. })
                if targets.contains(&leg) =>
            {
                let _ = self.answer_leg(call, leg);
            }
            (
                TimerKind::RingTimeout { dial },
                Phase::Dialing {
                    caller,
                    targets,
                    dial: current,
                    ..
                },
            ) if dial == current => self.ring_timeout(call, caller, &targets),
            (TimerKind::OriginateTimeout { leg }, Phase::Originating { leg: l }) if l == leg => {
                self.originate_failed(call, leg, causes::NO_ANSWER, How::Timeout);
            }
            _ => {}
        }
    }

    /// Status of the simulator as events for `Status`: one `Event: Status` per channel.
    pub(crate) fn status_event(&self, key: u64, action_id: &str) -> String {
        let c = self.chan(key);
        let mut out = super::wire::Out::default()
            .field("Event", "Status")
            .field("Privilege", "Call");
        out.push_raw(&c.state_lines(""));
        for (name, value) in [
            ("Type", "PJSIP"),
            ("DNID", ""),
            ("EffectiveConnectedLineNum", c.connected.num_text()),
            ("EffectiveConnectedLineName", c.connected.name_text()),
            ("TimeToHangup", "0"),
            ("BridgeID", c.bridge.as_deref().unwrap_or("")),
            ("Application", &c.app),
            ("Data", &c.app_data),
            ("Nativeformats", "(ulaw)"),
            ("Readformat", "ulaw"),
            ("Readtrans", ""),
            ("Writeformat", "ulaw"),
            ("Writetrans", ""),
            ("Callgroup", "0"),
            ("Pickupgroup", "0"),
        ] {
            out.push(name, value);
        }
        out.push("Seconds", &c.created.elapsed().as_secs().to_string());
        if !action_id.is_empty() {
            out.push("ActionID", action_id);
        }
        out.finish()
    }

    /// One `CoreShowChannel` event for `Action: CoreShowChannels` (capture 05).
    pub(crate) fn core_show_channel(&self, key: u64, action_id: &str) -> String {
        let c = self.chan(key);
        let mut out = super::wire::Out::event_with_id("CoreShowChannel", action_id);
        out.push_raw(&c.state_lines(""));
        out.push("Application", &c.app);
        out.push("ApplicationData", &c.app_data);
        out.push("Duration", &c.duration_text());
        out.push("BridgeId", c.bridge.as_deref().unwrap_or(""));
        out.finish()
    }

    /// Channel keys in creation order.
    pub(crate) fn channel_keys(&self) -> Vec<u64> {
        self.channels.keys().copied().collect()
    }
}
