//! Waiting for something to become true, with a deadline and a useful message when it does not.

use crate::{fail, Result};
use std::future::Future;
use std::time::{Duration, Instant};

/// Calls `probe` every 100 ms until it gives `Some`, for at most `timeout`. Errors from the
/// probe (a window that is not there yet, an element still missing) count as "not yet"; the
/// last one is quoted when time runs out, with `what` saying what was awaited.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut probe: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let start = Instant::now();
    let mut last = String::from("never true");
    loop {
        match probe().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(e) => last = e.to_string(),
        }
        if start.elapsed() >= timeout {
            return Err(fail(format!(
                "timed out after {:.1} s waiting for {what} (last: {last})",
                timeout.as_secs_f64()
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn sleep_ms(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}
