//! Configuration of a simulated Asterisk: manager accounts, endpoints, the trunk and timings.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::error::AmiSimError;

/// The AMI protocol version in the banner of Asterisk 22 (`Asterisk Call Manager/11.0.0`); not
/// the Asterisk version.
pub const AMI_VERSION: &str = "11.0.0";

/// A manager account (`manager.conf` section).
#[derive(Clone, PartialEq, Eq)]
pub struct AmiUser {
    /// `Username:` of `Action: Login`.
    pub username: String,
    /// Plain secret; also the key of the MD5 challenge login.
    pub secret: String,
    /// `read =` permissions as Asterisk spells them (`all`, `call,system`, ...): the event
    /// classes this account may receive at all; `Events:` narrows them further.
    pub read: String,
    /// `allowmultiplelogin`: when false, a second login of the same account while the first
    /// session is open fails with `Login Already In Use`.
    pub allow_multiple_login: bool,
}

impl AmiUser {
    /// An account with every read permission that may log in several times.
    pub fn new(username: &str, secret: &str) -> AmiUser {
        AmiUser {
            username: username.to_owned(),
            secret: secret.to_owned(),
            read: "all".to_owned(),
            allow_multiple_login: true,
        }
    }
}

/// The secret stays out of logs and test failure output.
impl fmt::Debug for AmiUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AmiUser")
            .field("username", &self.username)
            .field("secret", &"<hidden>")
            .field("read", &self.read)
            .field("allow_multiple_login", &self.allow_multiple_login)
            .finish()
    }
}

/// A desk phone registered to the PBX: device `PJSIP/<exten>`, channels `PJSIP/<exten>-0000000N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmiEndpoint {
    /// Extension number, which is also the PJSIP endpoint name (`100`).
    pub exten: String,
    /// Caller ID name the phone presents (`Desk Alice`).
    pub name: String,
    /// Dialplan context of calls the phone makes (`internal`).
    pub context: String,
}

impl AmiEndpoint {
    /// An endpoint in the `internal` context.
    pub fn new(exten: &str, name: &str) -> AmiEndpoint {
        AmiEndpoint {
            exten: exten.to_owned(),
            name: name.to_owned(),
            context: "internal".to_owned(),
        }
    }

    /// The device name, `PJSIP/<exten>`.
    pub fn device(&self) -> String {
        format!("PJSIP/{}", self.exten)
    }
}

/// How a simulated Asterisk behaves. `Default` matches the captures in
/// `shared/reference/ami-captures/` (user `callpop`/`s3cret`, Alice on 100, Bob on 201, a trunk
/// called `trunk` in `from-trunk`) on a free loopback port.
#[derive(Debug, Clone)]
pub struct AmiSimConfig {
    /// Where AMI listens (Asterisk's 5038; port 0 picks a free one).
    pub bind: SocketAddr,
    /// Where the HTTP control API listens; `None` for no control API.
    pub control_bind: Option<SocketAddr>,
    /// Manager accounts.
    pub users: Vec<AmiUser>,
    /// Desk phones.
    pub endpoints: Vec<AmiEndpoint>,
    /// Name of the PJSIP trunk endpoint to the outside world (`trunk` → `PJSIP/trunk`).
    pub trunk: String,
    /// Context of calls arriving on the trunk.
    pub trunk_context: String,
    /// Version in the banner line.
    pub ami_version: String,
    /// How long a failed login waits before `Authentication failed` (Asterisk: `sleep(1)`).
    pub auth_failure_delay: Duration,
    /// Delay before a phone answers a call that asked for auto-answer (an originate with a
    /// `Call-Info`/`Alert-Info` answer header, or with one of `auto_answer_subroutines`).
    pub auto_answer_delay: Duration,
    /// Remote parties reached over the trunk answer after this; `None` leaves them ringing
    /// until [`super::AmiSim::answer`].
    pub far_end_answer_delay: Option<Duration>,
    /// The `Dial()` timeout: an unanswered dial gives up after this (`Dial(PJSIP/100,20)`).
    pub ring_timeout: Duration,
    /// `PreDialGoSub:` targets (context part) that add an auto-answer header, like capture 07's
    /// `callpop-predial`.
    pub auto_answer_subroutines: Vec<String>,
    /// Demo mode: calls ring the first endpoint now and then, some are answered at the phone.
    pub demo: bool,
}

impl Default for AmiSimConfig {
    fn default() -> AmiSimConfig {
        AmiSimConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            control_bind: Some(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
            users: vec![AmiUser::new("callpop", "s3cret")],
            endpoints: vec![
                AmiEndpoint::new("100", "Desk Alice"),
                AmiEndpoint::new("201", "Desk Bob"),
            ],
            trunk: "trunk".to_owned(),
            trunk_context: "from-trunk".to_owned(),
            ami_version: AMI_VERSION.to_owned(),
            auth_failure_delay: Duration::from_secs(1),
            auto_answer_delay: Duration::from_secs(2),
            far_end_answer_delay: Some(Duration::from_millis(2)),
            ring_timeout: Duration::from_secs(20),
            auto_answer_subroutines: vec!["callpop-predial".to_owned()],
            demo: false,
        }
    }
}

impl AmiSimConfig {
    /// Rejects configurations that would make the simulated PBX ambiguous.
    pub(crate) fn validate(&self) -> Result<(), AmiSimError> {
        let bad = |m: String| Err(AmiSimError::InvalidConfig(m));
        if self.users.is_empty() {
            return bad("at least one manager user is needed".into());
        }
        if self.endpoints.is_empty() {
            return bad("at least one endpoint is needed".into());
        }
        for (i, e) in self.endpoints.iter().enumerate() {
            let valid = !e.exten.is_empty()
                && e.exten
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_');
            if !valid {
                return bad(format!(
                    "endpoint extension {:?} is not a plain name",
                    e.exten
                ));
            }
            if e.exten == self.trunk {
                return bad(format!("endpoint {:?} has the trunk's name", e.exten));
            }
            if self.endpoints[..i].iter().any(|o| o.exten == e.exten) {
                return bad(format!("endpoint {:?} is configured twice", e.exten));
            }
        }
        if self.trunk.is_empty() || self.trunk.contains(['/', ' ', '-']) {
            return bad(format!("trunk name {:?} is not a plain name", self.trunk));
        }
        if self.ring_timeout.is_zero() {
            return bad("ring_timeout must be positive".into());
        }
        Ok(())
    }

    /// The endpoint for `PJSIP/100`, `pjsip/100` or `100`.
    pub(crate) fn endpoint(&self, name: &str) -> Option<&AmiEndpoint> {
        let exten = strip_tech(name);
        self.endpoints.iter().find(|e| e.exten == exten)
    }

    /// `PJSIP/<trunk>`.
    pub(crate) fn trunk_device(&self) -> String {
        format!("PJSIP/{}", self.trunk)
    }

    /// The configured endpoints, for error messages.
    pub(crate) fn endpoint_list(&self) -> String {
        self.endpoints
            .iter()
            .map(AmiEndpoint::device)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `PJSIP/100` → `100` (technology compared case-insensitively, like Asterisk).
pub(crate) fn strip_tech(name: &str) -> &str {
    match name.split_once('/') {
        Some((tech, rest)) if tech.eq_ignore_ascii_case("PJSIP") => rest,
        _ => name,
    }
}
