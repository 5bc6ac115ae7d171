//! Keeps WebKit's memory small in an app that spends its day in the tray.
//!
//! Three things cost memory that a tray app never uses (measured in BENCHMARKS.md, "Idle CPU
//! and memory"):
//! - **GTK's OpenGL set-up.** At start GTK probes the display's GL (on a machine without a
//!   GPU driver that maps Mesa's software renderer and LLVM, ~30 MiB), and with GL available
//!   the web process composites through it too. callpop's windows are a few small forms, so
//!   GTK is told not to use GL: the pages are drawn in software, which a window this size
//!   does not notice. A user who sets `GDK_GL` keeps their own choice.
//! - **WebKit's network process.** Closing a window ends its web process, but WebKitGTK keeps
//!   its network process (~30 MiB) for the rest of the app's life, and Tauri keeps the web
//!   context alive on Linux on purpose (a new one would start a second network process,
//!   tauri-apps/tauri#14626). So once the last window has been closed for a while, callpop ends
//!   that process itself; WebKit starts a fresh one with the next window.
//! - **Pages the window needed and the tray does not.** Showing a page maps and touches a
//!   lot of code: WebKit, JavaScriptCore, and for WebKit's EGL the GPU driver (with Mesa's
//!   software renderer, LLVM). Once no window is left, callpop asks the kernel to page its
//!   file-backed mappings out (`MADV_PAGEOUT`, what "trim the working set" is on Windows when
//!   a tray app goes to the background). Nothing changes for the program: clean pages are
//!   read back from their files when next touched, so what stays resident is what the idle
//!   tray really uses. glibc's freed heap is handed back at the same moment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// Counts window closings, so that only the wait after the latest one acts.
static CLOSINGS: AtomicU64 = AtomicU64::new(0);

/// How long after the last window closed the network process is ended: long enough that
/// closing and reopening a window (or the call window following a call) reuses it.
pub const IDLE_GRACE: Duration = Duration::from_secs(10);

/// Called first thing, before GTK starts (and before any thread exists).
pub fn prefer_software_drawing() {
    if cfg!(target_os = "linux") && std::env::var_os("GDK_GL").is_none() {
        std::env::set_var("GDK_GL", "disable");
    }
}

/// A window was destroyed: once none is left for [`IDLE_GRACE`], give WebKit's idle memory
/// back.
pub fn window_destroyed(app: &AppHandle) {
    let closing = CLOSINGS.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(IDLE_GRACE).await;
        if CLOSINGS.load(Ordering::SeqCst) != closing {
            return;
        }
        let main = app.clone();
        // On the main thread, where windows are created: no window can appear between the
        // check and the end of the network process.
        let scheduled = app.run_on_main_thread(move || {
            if main.webview_windows().is_empty() {
                let ended = end_network_process();
                let advised = page_out_mappings(|_| true);
                trim_heap();
                tracing::info!(
                    "no window open: ended {ended} idle WebKit network process(es), paged out up to {} MiB of mapped files",
                    advised >> 20
                );
            }
        });
        if let Err(e) = scheduled {
            tracing::debug!("idle memory release not scheduled: {e}");
        }
    });
}

/// Ends the WebKit network processes under this one (there is one; under the sandbox it sits
/// below bubblewrap, so all descendants are searched). Returns how many were signalled.
#[cfg(target_os = "linux")]
fn end_network_process() -> usize {
    let ours = std::process::id();
    let mut ended = 0;
    for pid in descendants(ours) {
        // `comm` is cut to 15 characters: "WebKitNetworkPr".
        let is_network = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .is_ok_and(|comm| comm.trim_end().starts_with("WebKitNetworkP"));
        let Ok(raw) = i32::try_from(pid) else {
            continue;
        };
        // SAFETY: kill(2) with a pid read from /proc and SIGTERM has no memory effects.
        if is_network && unsafe { libc::kill(raw, libc::SIGTERM) } == 0 {
            ended += 1;
        }
    }
    ended
}

#[cfg(not(target_os = "linux"))]
fn end_network_process() -> usize {
    0
}

/// Every live process below `root`, from the parent pids in /proc.
#[cfg(target_os = "linux")]
fn descendants(root: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let parents: Vec<(u32, u32)> = entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            Some((pid, parent_of(&stat)?))
        })
        .collect();
    let mut found = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for (pid, _) in parents.iter().filter(|(_, pp)| *pp == parent) {
            found.push(*pid);
            frontier.push(*pid);
        }
    }
    found
}

/// The parent pid from a `/proc/PID/stat` line: "pid (comm) state ppid ...", where comm may
/// itself hold spaces and parentheses, so the fields are counted after the last ')'.
fn parent_of(stat: &str) -> Option<u32> {
    let (_, rest) = stat.rsplit_once(") ")?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// Asks the kernel to reclaim the resident pages of every mapping whose file `select`
/// accepts. `MADV_PAGEOUT` never changes what the memory holds: clean pages are dropped and
/// read back from the file on the next touch; pages the process wrote to stay unless they can
/// be swapped. Returns the size of the mappings advised.
#[cfg(target_os = "linux")]
fn page_out_mappings(select: impl Fn(&str) -> bool) -> usize {
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else {
        return 0;
    };
    let mut advised = 0;
    for (start, end) in maps.lines().filter_map(|line| mapping_of(line, &select)) {
        // SAFETY: the range is a whole mapping of this process (from /proc/self/maps), and
        // MADV_PAGEOUT is only advice that keeps the contents as they are.
        let done =
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT) };
        if done == 0 {
            advised += end - start;
        }
    }
    advised
}

#[cfg(not(target_os = "linux"))]
fn page_out_mappings(_select: impl Fn(&str) -> bool) -> usize {
    0
}

/// The address range of a `/proc/PID/maps` line ("start-end perms offset dev inode path")
/// if `select` accepts its file.
fn mapping_of(line: &str, select: impl Fn(&str) -> bool) -> Option<(usize, usize)> {
    let mut fields = line.split_whitespace();
    let range = fields.next()?;
    let path = fields.nth(4)?;
    if !path.starts_with('/') || !select(path) {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    let start = usize::from_str_radix(start, 16).ok()?;
    let end = usize::from_str_radix(end, 16).ok()?;
    (end > start).then_some((start, end))
}

/// Hands freed heap pages back to the system (glibc keeps them otherwise).
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_pid_is_read_after_the_command_name() {
        assert_eq!(parent_of("42 (callpop) S 7 42 42 0"), Some(7));
        assert_eq!(parent_of("43 (Web (1) x) S 42 43 43 0"), Some(42));
        assert_eq!(parent_of("garbage"), None);
    }

    #[test]
    fn maps_lines_give_the_range_of_chosen_files() {
        let line = "7f0a1c000000-7f0a1c200000 r-xp 00000000 08:01 1234   /usr/lib/libLLVM-15.so.1";
        assert_eq!(
            mapping_of(line, |p| p.ends_with("libLLVM-15.so.1")),
            Some((0x7f0a1c000000, 0x7f0a1c200000))
        );
        let anon = "7f0a1c000000-7f0a1c200000 rw-p 00000000 00:00 0 ";
        assert_eq!(mapping_of(anon, |_| true), None);
        let heap = "55d0c0000000-55d0c0100000 rw-p 00000000 00:00 0    [heap]";
        assert_eq!(mapping_of(heap, |_| true), None);
        assert_eq!(mapping_of(line, |p| p.ends_with("libgtk-3.so.0")), None);
        assert_eq!(mapping_of("garbage", |_| true), None);
    }

    /// Resident KiB of the mappings of `path` in this process (smaps).
    #[cfg(target_os = "linux")]
    fn resident_kib(path: &std::path::Path) -> u64 {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let mut inside = false;
        let mut total = 0;
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or_default();
            let is_header = first.split_once('-').is_some_and(|(a, b)| {
                u64::from_str_radix(a, 16).is_ok() && u64::from_str_radix(b, 16).is_ok()
            });
            if is_header {
                inside = line.ends_with(&*path.to_string_lossy());
            } else if inside && line.starts_with("Rss:") {
                total += line
                    .split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0);
            }
        }
        total
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn page_out_drops_resident_file_pages_and_keeps_their_content() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("driver.bin");
        let len = 4 << 20;
        let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::File::create(&path)
            .and_then(|mut f| f.write_all(&content))
            .expect("write file");
        let file = std::fs::File::open(&path).expect("open file");
        use std::os::fd::AsRawFd;
        // SAFETY: a fresh read-only private mapping of a file this test owns.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        // SAFETY: the mapping is `len` bytes long and stays mapped until munmap below.
        let mapped = unsafe { std::slice::from_raw_parts(base as *const u8, len) };
        let sum = |m: &[u8]| m.iter().step_by(4096).map(|b| *b as u64).sum::<u64>();
        let expected = sum(&content);
        assert_eq!(sum(mapped), expected);
        let before = resident_kib(&path);
        let advised = page_out_mappings(|p| std::path::Path::new(p) == path);
        let after = resident_kib(&path);
        assert_eq!(sum(mapped), expected, "content changed");
        // SAFETY: unmapping what was mapped above.
        unsafe { libc::munmap(base, len) };
        assert_eq!(advised, len);
        assert!(
            before >= 3 * 1024,
            "the test touched too little: {before} KiB"
        );
        assert!(
            after < before / 4,
            "still resident: {after} of {before} KiB"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn descendants_include_grandchildren() {
        let child = std::process::Command::new("sh")
            .args(["-c", "sleep 5 & wait"])
            .spawn()
            .expect("sh runs");
        let mut found = Vec::new();
        for _ in 0..50 {
            found = descendants(std::process::id());
            if found.len() >= 2 {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        assert!(found.contains(&child.id()), "child missing from {found:?}");
        assert!(
            found.len() >= 2,
            "grandchild (sleep) missing from {found:?}"
        );
    }
}
