//! Events the PBX broadcasts to every logged-in session (`Event:` + `Privilege:` + fields).

use super::model::{Bridge, Channel};
use super::perms;
use super::wire::Out;

/// A broadcast event in wire form, with what masks and filters look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AmiEvent {
    /// `Newchannel`, `Hangup`, ...
    pub(crate) name: String,
    /// Event class bits (`perms::CALL`, ...).
    pub(crate) class: u32,
    /// The whole message including its terminating blank line; filters match against this.
    pub(crate) text: String,
}

/// Builds an [`AmiEvent`].
pub(crate) struct EventBuilder {
    name: String,
    class: u32,
    out: Out,
}

impl EventBuilder {
    /// `Event: name` and `Privilege:` for `class`.
    pub(crate) fn new(name: &str, class: u32) -> EventBuilder {
        let out = Out::default()
            .field("Event", name)
            .field("Privilege", &perms::privilege(class));
        EventBuilder {
            name: name.to_owned(),
            class,
            out,
        }
    }

    /// A `call`-class event.
    pub(crate) fn call(name: &str) -> EventBuilder {
        EventBuilder::new(name, perms::CALL)
    }

    /// A `dialplan`-class event.
    pub(crate) fn dialplan(name: &str) -> EventBuilder {
        EventBuilder::new(name, perms::DIALPLAN)
    }

    /// The channel's standard fields.
    pub(crate) fn channel(mut self, channel: &Channel) -> EventBuilder {
        self.out.push_raw(&channel.state_lines(""));
        self
    }

    /// The channel's standard fields with a prefix (`Dest`).
    pub(crate) fn channel_as(mut self, prefix: &str, channel: &Channel) -> EventBuilder {
        self.out.push_raw(&channel.state_lines(prefix));
        self
    }

    /// The bridge's fields.
    pub(crate) fn bridge(mut self, bridge: &Bridge) -> EventBuilder {
        self.out.push_raw(&bridge.lines());
        self
    }

    /// One more field.
    pub(crate) fn field(mut self, name: &str, value: &str) -> EventBuilder {
        self.out.push(name, value);
        self
    }

    pub(crate) fn build(self) -> AmiEvent {
        AmiEvent {
            name: self.name,
            class: self.class,
            text: self.out.finish(),
        }
    }
}
