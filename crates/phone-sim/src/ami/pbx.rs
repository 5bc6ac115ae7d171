//! The simulated PBX: channels, bridges, calls and device states, and the broadcast of the
//! events their changes produce.
//!
//! Everything happens under one lock, so every session sees the same global event order.
//! Events go to per-session unbounded queues (never dropped, as Asterisk queues events per
//! session); the session applies its own event mask and filters. Scenario steps live in
//! `calls.rs` and `originate.rs`; this file holds the state and the building blocks.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::Rng;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::oneshot;

use super::causes;
use super::config::{AmiEndpoint, AmiSimConfig};
use super::event::{AmiEvent, EventBuilder};
use super::model::{Bridge, CallId, CallInfo, CallPhase, ChanState, Channel, ChannelInfo, Id};

/// What a session's writer is asked to send.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// A broadcast event (mask and filters still apply).
    Event(Arc<AmiEvent>),
    /// Raw bytes, unfiltered (fault injection).
    Raw(Vec<u8>),
    /// Raw bytes, then close the connection.
    RawThenClose(Vec<u8>),
    /// Close the connection now.
    Close,
}

/// A timer the PBX wants started once its lock is released.
#[derive(Debug, Clone)]
pub(crate) struct TimerRequest {
    pub(crate) after: Duration,
    pub(crate) call: CallId,
    pub(crate) kind: TimerKind,
}

/// What a timer does when it fires; each checks that the call is still where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimerKind {
    /// The ringing leg answers (far end over the trunk, or an auto-answering phone).
    Answer { leg: u64 },
    /// `Dial()` gives up on the dial with this number.
    RingTimeout { dial: u64 },
    /// An originate's `Timeout` expires while the phone rings.
    OriginateTimeout { leg: u64 },
}

/// Where a call is in its life.
#[derive(Debug, Clone)]
pub(crate) enum Phase {
    /// An originate rings the phone leg (no dialplan runs yet).
    Originating { leg: u64 },
    /// `caller` runs `Dial()` to `targets`.
    Dialing {
        caller: u64,
        targets: Vec<u64>,
        dial: u64,
        started: Instant,
    },
    /// `caller` (ran `Dial()`) and `callee` are bridged.
    Bridged {
        caller: u64,
        callee: u64,
        bridge: String,
        dial_started: Instant,
        answered: Instant,
    },
    /// An originated channel runs an application.
    Up { leg: u64 },
    /// Over.
    Ended,
}

/// How a sync or async originate is waiting for its outcome.
#[derive(Debug)]
pub(crate) struct OriginateWait {
    pub(crate) action_id: String,
    /// `PJSIP/100` as requested (reported when the channel is gone).
    pub(crate) requested: String,
    pub(crate) context: String,
    pub(crate) exten: String,
    pub(crate) priority: u32,
    pub(crate) application: Option<(String, String)>,
    pub(crate) caller: Id,
    pub(crate) channel_id: Option<String>,
    /// `Some` for a synchronous originate: answered with the outcome.
    pub(crate) reply: Option<oneshot::Sender<bool>>,
}

/// One call.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) id: CallId,
    pub(crate) direction: &'static str,
    pub(crate) linkedid: String,
    /// The desk phone's leg.
    pub(crate) phone: Option<u64>,
    pub(crate) phase: Phase,
    pub(crate) originate: Option<OriginateWait>,
    pub(crate) cause: Option<u32>,
    pub(crate) next_dial: u64,
}

/// Where a dial goes.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Endpoint(AmiEndpoint),
    Trunk(String),
}

/// Ended calls kept for `calls()`.
const ENDED_CALLS_KEPT: usize = 1000;

/// The PBX state.
pub(crate) struct Pbx {
    pub(crate) cfg: Arc<AmiSimConfig>,
    pub(crate) booted: Instant,
    next_seq: u32,
    next_key: u64,
    pub(crate) channels: BTreeMap<u64, Channel>,
    pub(crate) bridges: HashMap<String, Bridge>,
    pub(crate) calls: BTreeMap<CallId, Call>,
    next_call: u64,
    /// Device states Asterisk has published, in first-published order.
    devices: Vec<(String, &'static str)>,
    subscribers: Vec<(u64, UnboundedSender<Outgoing>)>,
    timers: Vec<TimerRequest>,
    /// Returned for a channel key that no longer exists, so lookups never panic.
    ghost: Channel,
}

impl Pbx {
    pub(crate) fn new(cfg: Arc<AmiSimConfig>) -> Pbx {
        let now = Instant::now();
        Pbx {
            cfg,
            booted: now,
            next_seq: 0,
            next_key: 0,
            channels: BTreeMap::new(),
            bridges: HashMap::new(),
            calls: BTreeMap::new(),
            next_call: 1,
            devices: Vec::new(),
            subscribers: Vec::new(),
            timers: Vec::new(),
            ghost: Channel {
                name: String::new(),
                device: String::new(),
                state: ChanState::Down,
                caller: Id::default(),
                connected: Id::default(),
                context: String::new(),
                exten: String::new(),
                priority: 1,
                uniqueid: String::new(),
                linkedid: String::new(),
                app: String::new(),
                app_data: String::new(),
                created: now,
                bridge: None,
                held: false,
                runs_dialplan: false,
                sip_call_id: String::new(),
                vars: Vec::new(),
                call: CallId(0),
            },
        }
    }

    // ----- sessions -------------------------------------------------------------------------

    /// Starts delivering events to a session.
    pub(crate) fn subscribe(&mut self, session: u64, tx: UnboundedSender<Outgoing>) {
        self.subscribers.retain(|(id, _)| *id != session);
        self.subscribers.push((session, tx));
    }

    /// Stops delivering events to a session.
    pub(crate) fn unsubscribe(&mut self, session: u64) {
        self.subscribers.retain(|(id, _)| *id != session);
    }

    /// Sends `event` to every subscribed session.
    pub(crate) fn emit(&mut self, event: AmiEvent) {
        let event = Arc::new(event);
        self.subscribers
            .retain(|(_, tx)| tx.send(Outgoing::Event(Arc::clone(&event))).is_ok());
    }

    /// Timers requested since the last call, for the owner to start.
    pub(crate) fn take_timers(&mut self) -> Vec<TimerRequest> {
        std::mem::take(&mut self.timers)
    }

    pub(crate) fn timer(&mut self, after: Duration, call: CallId, kind: TimerKind) {
        self.timers.push(TimerRequest { after, call, kind });
    }

    /// Seconds since (re)start, for `FullyBooted`.
    pub(crate) fn uptime_secs(&self) -> u64 {
        self.booted.elapsed().as_secs()
    }

    /// Asterisk restarted: every channel, bridge, call and device state is gone (no events:
    /// the old connections died with it), counters start again.
    pub(crate) fn restart(&mut self) {
        self.channels.clear();
        self.bridges.clear();
        self.calls.clear();
        self.devices.clear();
        self.subscribers.clear();
        self.timers.clear();
        self.next_seq = 0;
        self.booted = Instant::now();
    }

    // ----- channels -------------------------------------------------------------------------

    pub(crate) fn chan(&self, key: u64) -> &Channel {
        self.channels.get(&key).unwrap_or(&self.ghost)
    }

    pub(crate) fn chan_mut(&mut self, key: u64, f: impl FnOnce(&mut Channel)) {
        if let Some(channel) = self.channels.get_mut(&key) {
            f(channel);
        }
    }

    pub(crate) fn exists(&self, key: u64) -> bool {
        self.channels.contains_key(&key)
    }

    /// Creates a channel on `device` (`PJSIP/100`) without announcing it. `uniqueid` is an
    /// originate's `ChannelId`; the linked id defaults to the channel's own.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new_channel(
        &mut self,
        call: CallId,
        device: &str,
        state: ChanState,
        caller: Id,
        context: &str,
        exten: &str,
        uniqueid: Option<&str>,
        linkedid: Option<&str>,
    ) -> u64 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let uniqueid = uniqueid.map_or_else(|| format!("{secs}.{seq}"), str::to_owned);
        let linkedid = linkedid.map_or_else(|| uniqueid.clone(), str::to_owned);
        let key = self.next_key;
        self.next_key += 1;
        let sip_call_id = if device == self.cfg.trunk_device() {
            format!("{}-{}@127.0.0.1", seq + 1, 20000 + (secs % 10000))
        } else {
            uuid()
        };
        self.channels.insert(
            key,
            Channel {
                name: format!("{device}-{seq:08x}"),
                device: device.to_owned(),
                state,
                caller,
                connected: Id::default(),
                context: context.to_owned(),
                exten: exten.to_owned(),
                priority: 1,
                uniqueid,
                linkedid,
                app: String::new(),
                app_data: String::new(),
                created: Instant::now(),
                bridge: None,
                held: false,
                runs_dialplan: false,
                sip_call_id,
                vars: Vec::new(),
                call,
            },
        );
        key
    }

    /// Removes a hung-up channel.
    pub(crate) fn remove_channel(&mut self, key: u64) -> Option<Channel> {
        self.channels.remove(&key)
    }

    /// The channel called `name` (case-insensitive) or with this `Uniqueid`, as
    /// `ast_channel_get_by_name` finds it.
    pub(crate) fn find_channel(&self, name: &str) -> Option<u64> {
        self.channels
            .iter()
            .find(|(_, c)| c.name.eq_ignore_ascii_case(name))
            .or_else(|| self.channels.iter().find(|(_, c)| c.uniqueid == name))
            .map(|(key, _)| *key)
    }

    /// Whether a live channel already has this uniqueid (a reused `ChannelId`).
    pub(crate) fn uniqueid_in_use(&self, uniqueid: &str) -> bool {
        self.channels.values().any(|c| c.uniqueid == uniqueid)
    }

    // ----- event helpers --------------------------------------------------------------------

    /// A `call` event with the channel's fields.
    pub(crate) fn chan_event(&self, name: &str, key: u64) -> EventBuilder {
        EventBuilder::call(name).channel(self.chan(key))
    }

    /// Emits a `call` event with just the channel's fields.
    pub(crate) fn emit_chan(&mut self, name: &str, key: u64) {
        let event = self.chan_event(name, key).build();
        self.emit(event);
    }

    /// `VarSet` (dialplan class).
    pub(crate) fn varset(&mut self, key: u64, variable: &str, value: &str) {
        let event = EventBuilder::dialplan("VarSet")
            .channel(self.chan(key))
            .field("Variable", variable)
            .field("Value", value)
            .build();
        self.emit(event);
    }

    /// Sets the channel's application and emits `Newexten` (dialplan class).
    pub(crate) fn newexten(&mut self, key: u64, app: &str, data: &str) {
        self.chan_mut(key, |c| {
            c.app = app.to_owned();
            c.app_data = data.to_owned();
        });
        let c = self.chan(key);
        let event = EventBuilder::dialplan("Newexten")
            .channel(c)
            .field("Extension", &c.exten)
            .field("Application", app)
            .field("AppData", data)
            .build();
        self.emit(event);
    }

    /// `DialBegin`/`DialState`/`DialEnd`: with the caller's fields when there is one (an
    /// originate dials without one), then the dialled channel's as `Dest*`.
    pub(crate) fn dial_event(
        &mut self,
        name: &str,
        caller: Option<u64>,
        dest: u64,
        extra: (&str, &str),
    ) {
        let mut event = EventBuilder::call(name);
        if let Some(caller) = caller {
            event = event.channel(self.chan(caller));
        }
        let event = event
            .channel_as("Dest", self.chan(dest))
            .field(extra.0, extra.1)
            .build();
        self.emit(event);
    }

    /// `NewCallerid` with the presentation field.
    pub(crate) fn emit_new_callerid(&mut self, key: u64) {
        let event = self
            .chan_event("NewCallerid", key)
            .field("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
            .build();
        self.emit(event);
    }

    /// Emits `Hangup` for the channel, removes it and publishes its device's new state.
    pub(crate) fn hangup_channel(&mut self, key: u64, cause: u32, tech_cause: Option<u32>) {
        if !self.exists(key) {
            return;
        }
        let mut event = self
            .chan_event("Hangup", key)
            .field("Cause", &cause.to_string())
            .field("Cause-txt", causes::cause_text(cause));
        if let Some(tech) = tech_cause {
            event = event.field("TechCause", &tech.to_string());
        }
        let event = event.build();
        self.emit(event);
        if let Some(channel) = self.remove_channel(key) {
            self.refresh_device(&channel.device);
        }
    }

    /// `HangupRequest` (the far end sent BYE/CANCEL) or `SoftHangupRequest` (Asterisk itself,
    /// e.g. `Action: Hangup`).
    pub(crate) fn hangup_request(&mut self, key: u64, soft: bool, cause: u32) {
        let name = if soft {
            "SoftHangupRequest"
        } else {
            "HangupRequest"
        };
        let event = self
            .chan_event(name, key)
            .field("Cause", &cause.to_string())
            .build();
        self.emit(event);
    }

    /// The dial variables `Dial()` clears when it starts (capture 01).
    pub(crate) fn dial_vars_reset(&mut self, key: u64) {
        for var in [
            "DIALSTATUS",
            "DIALEDPEERNUMBER",
            "DIALEDPEERNAME",
            "ANSWEREDTIME",
            "ANSWEREDTIME_MS",
            "DIALEDTIME",
            "DIALEDTIME_MS",
            "RINGTIME",
            "RINGTIME_MS",
            "PROGRESSTIME",
            "PROGRESSTIME_MS",
        ] {
            self.varset(key, var, "");
        }
    }

    // ----- device states --------------------------------------------------------------------

    /// The aggregate state of `device` from its live channels (`ast_state_chan2dev` and
    /// `ast_devstate_aggregate`): a Ring(4) channel is in use, Ringing(5) rings, a channel
    /// hearing music on hold is on hold.
    fn device_state(&self, device: &str) -> &'static str {
        let (mut ringing, mut inuse, mut onhold) = (false, false, false);
        for channel in self.channels.values().filter(|c| c.device == device) {
            match channel.state {
                ChanState::Down => {}
                ChanState::Ringing => ringing = true,
                ChanState::Ring => inuse = true,
                ChanState::Up if channel.held => onhold = true,
                ChanState::Up => inuse = true,
            }
        }
        match (ringing, inuse, onhold) {
            (true, true, _) | (true, _, true) => "RINGINUSE",
            (true, false, false) => "RINGING",
            (false, true, _) => "INUSE",
            (false, false, true) => "ONHOLD",
            (false, false, false) => "NOT_INUSE",
        }
    }

    /// Publishes `DeviceStateChange` when the device's state changed.
    pub(crate) fn refresh_device(&mut self, device: &str) {
        let state = self.device_state(device);
        match self.devices.iter_mut().find(|(d, _)| d == device) {
            Some((_, known)) if *known == state => return,
            Some((_, known)) => *known = state,
            None if state == "NOT_INUSE" => return,
            None => self.devices.push((device.to_owned(), state)),
        }
        let event = EventBuilder::call("DeviceStateChange")
            .field("Device", device)
            .field("State", state)
            .build();
        self.emit(event);
    }

    /// Cached device states in first-published order (`DeviceStateList`).
    pub(crate) fn device_states(&self) -> Vec<(String, &'static str)> {
        self.devices.clone()
    }

    // ----- bridges --------------------------------------------------------------------------

    pub(crate) fn bridge_event(&self, name: &str, bridge: &str) -> EventBuilder {
        let builder = EventBuilder::call(name);
        match self.bridges.get(bridge) {
            Some(b) => builder.bridge(b),
            None => builder,
        }
    }

    // ----- calls ----------------------------------------------------------------------------

    pub(crate) fn new_call(&mut self, direction: &'static str) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        self.calls.insert(
            id,
            Call {
                id,
                direction,
                linkedid: String::new(),
                phone: None,
                phase: Phase::Ended,
                originate: None,
                cause: None,
                next_dial: 1,
            },
        );
        self.prune_calls();
        id
    }

    fn prune_calls(&mut self) {
        let ended: Vec<CallId> = self
            .calls
            .values()
            .filter(|c| matches!(c.phase, Phase::Ended))
            .map(|c| c.id)
            .collect();
        if ended.len() > ENDED_CALLS_KEPT {
            for id in &ended[..ended.len() - ENDED_CALLS_KEPT] {
                self.calls.remove(id);
            }
        }
    }

    pub(crate) fn set_phase(&mut self, call: CallId, phase: Phase) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.phase = phase;
        }
    }

    /// Marks the call over with `cause`.
    pub(crate) fn end_call(&mut self, call: CallId, cause: u32) {
        if let Some(c) = self.calls.get_mut(&call) {
            c.phase = Phase::Ended;
            c.cause.get_or_insert(cause);
        }
    }

    /// Where `exten` leads: a configured phone, or out over the trunk for anything that looks
    /// like a number.
    pub(crate) fn route(&self, exten: &str) -> Option<Target> {
        if let Some(endpoint) = self.cfg.endpoints.iter().find(|e| e.exten == exten) {
            return Some(Target::Endpoint(endpoint.clone()));
        }
        let dialable = !exten.is_empty()
            && exten
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'*' | b'#'));
        dialable.then(|| Target::Trunk(exten.to_owned()))
    }

    /// The `Dial()` argument for `targets`.
    pub(crate) fn dial_data(&self, targets: &[Target]) -> String {
        let devices: Vec<String> = targets
            .iter()
            .map(|t| match t {
                Target::Endpoint(e) => e.device(),
                Target::Trunk(n) => format!("PJSIP/{n}@{}", self.cfg.trunk),
            })
            .collect();
        format!("{},{}", devices.join("&"), self.cfg.ring_timeout.as_secs())
    }

    // ----- snapshots ------------------------------------------------------------------------

    pub(crate) fn channel_infos(&self) -> Vec<ChannelInfo> {
        self.channels.values().map(Channel::info).collect()
    }

    pub(crate) fn call_infos(&self) -> Vec<CallInfo> {
        self.calls
            .values()
            .map(|call| {
                let phase = match call.phase {
                    Phase::Originating { .. } => CallPhase::Originating,
                    Phase::Dialing { .. } => CallPhase::Ringing,
                    Phase::Bridged { .. } => CallPhase::Connected,
                    Phase::Up { .. } => CallPhase::Up,
                    Phase::Ended => CallPhase::Ended,
                };
                CallInfo {
                    id: call.id,
                    phase,
                    direction: call.direction.to_owned(),
                    linkedid: call.linkedid.clone(),
                    phone_channel: call
                        .phone
                        .filter(|k| self.exists(*k))
                        .map(|k| self.chan(k).name.clone()),
                    channels: self
                        .channels
                        .values()
                        .filter(|c| c.call == call.id)
                        .map(|c| c.name.clone())
                        .collect(),
                    cause: call.cause,
                }
            })
            .collect()
    }
}

/// A random version 4 UUID in its usual text form (bridge ids, SIP Call-IDs).
pub(crate) fn uuid() -> String {
    let mut bytes: [u8; 16] = rand::rng().random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
