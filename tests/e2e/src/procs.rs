//! Processes of the session, read from /proc: which callpop processes run, their WebKit
//! helpers, memory (PSS) and CPU time.

use std::path::Path;

fn read(path: impl AsRef<Path>) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

fn pids() -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
        .collect()
}

/// Whether `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    match read(format!("/proc/{pid}/stat")) {
        Some(stat) => {
            let text = String::from_utf8_lossy(&stat);
            // "pid (comm) S ..." : the state follows the last ')'.
            text.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
        }
        None => false,
    }
}

/// Live processes named `callpop` whose environment holds `env_entry` (e.g.
/// `CALLPOP_E2E_SESSION=/tmp/...`), so apps of other sessions on the machine never count.
pub fn callpop_pids(env_entry: &str) -> Vec<u32> {
    pids()
        .into_iter()
        .filter(|pid| {
            read(format!("/proc/{pid}/comm")).is_some_and(|c| c.trim_ascii_end() == b"callpop")
                && alive(*pid)
                && read(format!("/proc/{pid}/environ"))
                    .is_some_and(|env| env.split(|b| *b == 0).any(|e| e == env_entry.as_bytes()))
        })
        .collect()
}

fn parent(pid: u32) -> Option<u32> {
    let stat = read(format!("/proc/{pid}/stat"))?;
    let text = String::from_utf8_lossy(&stat).into_owned();
    let (_, rest) = text.rsplit_once(") ")?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Every live descendant of `pid` (children, grandchildren, ...).
pub fn descendants(pid: u32) -> Vec<u32> {
    let all: Vec<(u32, u32)> = pids()
        .into_iter()
        .filter_map(|p| parent(p).map(|pp| (p, pp)))
        .collect();
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for (child, _) in all.iter().filter(|(_, pp)| *pp == p) {
            if alive(*child) {
                out.push(*child);
            }
            frontier.push(*child);
        }
    }
    out
}

/// Proportional set size in KiB (`Pss:` of /proc/PID/smaps_rollup).
pub fn pss_kib(pid: u32) -> Option<u64> {
    let text = String::from_utf8(read(format!("/proc/{pid}/smaps_rollup"))?).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// User + system CPU time of `pid` in clock ticks (usually 1/100 s).
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = read(format!("/proc/{pid}/stat"))?;
    let text = String::from_utf8_lossy(&stat).into_owned();
    let (_, rest) = text.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After "(comm) ": state is field 3 of stat, utime 14 and stime 15 → indexes 11, 12 here.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The process name (`comm`).
pub fn comm(pid: u32) -> Option<String> {
    read(format!("/proc/{pid}/comm"))
        .map(|c| String::from_utf8_lossy(c.trim_ascii_end()).into_owned())
}

/// Sends `signal` (e.g. "TERM", "KILL") to `pid`; ignores processes already gone.
pub fn signal(pid: u32, signal: &str) {
    let _ = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(std::process::Stdio::null())
        .status();
}
