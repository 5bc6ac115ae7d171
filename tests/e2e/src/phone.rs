//! The desk phone: `callpop-phone-sim` running in the test process, steered and inspected
//! through its library API (ring, state, request log), stoppable and restartable on the same
//! port to play "the phone went away".

use crate::{eventually, fail, Result};
use callpop_phone_sim::{LineState, PhoneSim, RecordedRequest, SimAuth, SimConfig, SimLine};
use std::net::SocketAddr;
use std::time::Duration;

pub struct Phone {
    sim: Option<PhoneSim>,
    config: SimConfig,
    addr: SocketAddr,
    url: String,
    /// Unix time (s) when the simulator started: request times are offsets from it.
    started_unix: f64,
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Phone {
    /// A 4-line phone with passcode login on a free loopback port, keys pressed fast.
    pub async fn start(passcode: &str) -> Result<Phone> {
        Phone::start_with_lines(passcode, 4).await
    }

    /// As [`Phone::start`], with `lines` line keys (phones have 3, 4, 8...).
    pub async fn start_with_lines(passcode: &str, lines: u32) -> Result<Phone> {
        Phone::start_with_config(SimConfig {
            auth: SimAuth::Passcode(passcode.to_owned()),
            key_interval: Duration::from_millis(50),
            lines,
            ..SimConfig::default()
        })
        .await
    }

    /// As [`Phone::start`], sending its Action URL pushes the moment something happens (the
    /// simulator's default waits a second, like a slow phone; one on the office LAN pushes
    /// within milliseconds).
    pub async fn start_pushing_at_once(passcode: &str) -> Result<Phone> {
        Phone::start_with_config(SimConfig {
            auth: SimAuth::Passcode(passcode.to_owned()),
            key_interval: Duration::from_millis(50),
            lines: 4,
            push_delay: Duration::ZERO,
            ..SimConfig::default()
        })
        .await
    }

    async fn start_with_config(config: SimConfig) -> Result<Phone> {
        let started_unix = unix_now();
        let sim = PhoneSim::start(config.clone()).await?;
        let addr = sim.addr();
        let url = sim.url();
        Ok(Phone {
            sim: Some(sim),
            config: SimConfig {
                bind: addr,
                ..config
            },
            addr,
            url,
            started_unix,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn sim(&self) -> &PhoneSim {
        self.sim.as_ref().expect("the phone is stopped")
    }

    /// Stops answering: the port is closed, like a phone unplugged.
    pub async fn stop(&mut self) {
        if let Some(sim) = self.sim.take() {
            sim.shutdown().await;
        }
    }

    /// Comes back on the same address (a fresh phone: idle lines, empty request log).
    pub async fn restart(&mut self) -> Result<()> {
        self.stop().await;
        let config = self.config.clone();
        let started_unix = unix_now();
        let sim = eventually(
            "the phone simulator to bind its old port again",
            Duration::from_secs(10),
            || {
                let config = config.clone();
                async move { Ok(Some(PhoneSim::start(config).await?)) }
            },
        )
        .await?;
        if sim.addr() != self.addr {
            return Err(fail(format!(
                "phone came back on {} instead of {}",
                sim.addr(),
                self.addr
            )));
        }
        self.sim = Some(sim);
        self.started_unix = started_unix;
        Ok(())
    }

    pub fn line(&self, line: u32) -> Result<SimLine> {
        self.sim()
            .lines()
            .into_iter()
            .find(|l| l.line == line)
            .ok_or_else(|| fail(format!("the phone has no line {line}")))
    }

    /// Waits until `line` is in `state`; returns its snapshot.
    pub async fn wait_line(
        &self,
        line: u32,
        state: LineState,
        timeout: Duration,
    ) -> Result<SimLine> {
        eventually(
            &format!("phone line {line} to be {state}"),
            timeout,
            || async move {
                let now = self.line(line)?;
                if now.state == state {
                    Ok(Some(now))
                } else {
                    Err(fail(format!("line {line} is {}", now.state)))
                }
            },
        )
        .await
    }

    /// CTI requests to `function` (e.g. `api-make_call`) received so far.
    pub fn requests_to(&self, function: &str) -> Vec<RecordedRequest> {
        self.sim()
            .requests()
            .into_iter()
            .filter(|r| r.function.as_deref() == Some(function))
            .collect()
    }

    /// Waits for a request to `function` matching `pred`, with sequence number above `after`.
    pub async fn wait_request(
        &self,
        function: &str,
        after: Option<u64>,
        timeout: Duration,
        pred: impl Fn(&RecordedRequest) -> bool,
    ) -> Result<RecordedRequest> {
        let pred = &pred;
        eventually(
            &format!("the phone to receive {function}"),
            timeout,
            || async move {
                Ok(self
                    .requests_to(function)
                    .into_iter()
                    .find(|r| after.is_none_or(|a| r.seq > a) && pred(r)))
            },
        )
        .await
    }

    /// Waits for the next click-to-dial after `after` and checks it dials exactly `number`.
    pub async fn expect_dialed(
        &self,
        after: Option<u64>,
        number: &str,
        timeout: Duration,
    ) -> Result<RecordedRequest> {
        let call = self
            .wait_request("api-make_call", after, timeout, |_| true)
            .await?;
        crate::ensure!(
            call.param("phonenumber") == Some(number),
            "the phone was asked to dial {:?}, not {number:?}",
            call.param("phonenumber")
        );
        Ok(call)
    }

    /// When the phone received `request`, as Unix time in seconds (within a few ms).
    pub fn unix_time(&self, request: &RecordedRequest) -> f64 {
        self.started_unix + request.elapsed.as_secs_f64()
    }

    /// The sequence number of the newest request, to look only at what comes after.
    pub fn last_seq(&self) -> Option<u64> {
        self.sim().requests().last().map(|r| r.seq)
    }
}
