#!/usr/bin/env bash
# Runs a command inside ONE fresh headless desktop session, then tears it all down:
#   - a per-run HOME and XDG_RUNTIME/DATA/CONFIG/CACHE dirs under a temp folder, set before
#     anything starts (the keyring, WebKit and the app write there, never into the real home);
#   - Xvfb on a free display (-displayfd);
#   - one dbus-run-session bus, with gnome-keyring-daemon unlocked (org.freedesktop.secrets),
#     a StatusNotifierWatcher stub (so the tray registers and its menu is readable) and a
#     monitor that records every desktop notification as JSON.
# The notification server itself (a recording stub, or the real dunst) is started per test
# by the harness (tests/e2e/src/desktop.rs).
#
#   tests/e2e/session.sh COMMAND [ARGS...]
#
# The command sees CALLPOP_E2E_SESSION=<run dir> and CALLPOP_E2E_KEEP=1 keeps the run dir.
# Installs nothing: scripts/deps.sh test does.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3 # Debian's, with python3-gi

for tool in Xvfb dbus-run-session gnome-keyring-daemon dunst WebKitWebDriver xdotool xclip import secret-tool; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "e2e: $tool is missing; run scripts/deps.sh test" >&2
    exit 2
  }
done
"$python" -c 'import gi; gi.require_version("Gio", "2.0")' 2>/dev/null || {
  echo "e2e: $python cannot import gi (python3-gi); run scripts/deps.sh test" >&2
  exit 2
}

# Tools that live in the real home must keep working after HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/callpop-e2e.XXXXXX")"
export CALLPOP_E2E_SESSION="$run_dir"
export HOME="$run_dir/home"
export XDG_RUNTIME_DIR="$run_dir/runtime"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_DATA_HOME="$HOME/.local/share"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_STATE_HOME="$HOME/.local/state"
mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" "$run_dir/logs"
chmod 700 "$XDG_RUNTIME_DIR"
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS SESSION_MANAGER GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
export NO_AT_BRIDGE=1 # no accessibility bus: one process and a warning less per window
export GDK_BACKEND=x11

xvfb_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$xvfb_pid" ]]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  if [[ "${CALLPOP_E2E_KEEP:-0}" == "1" || $rc -ne 0 ]]; then
    echo "e2e: session files kept in $run_dir" >&2
  else
    rm -rf "$run_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$run_dir/display" 2>"$run_dir/logs/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do
  [[ -s "$run_dir/display" ]] && break
  sleep 0.05
done
[[ -s "$run_dir/display" ]] || {
  echo "e2e: Xvfb did not start (see $run_dir/logs/xvfb.log)" >&2
  exit 1
}
export DISPLAY=":$(head -n1 "$run_dir/display")"

# The bus daemon and the services it starts (a11y bus, portals) write to stdout and stderr:
# into a log, while the command keeps the real stdout (fd 5) and stderr (fd 4).
set +e
dbus-run-session -- "$here/in-session.sh" "$@" 4>&2 5>&1 >"$run_dir/logs/session-bus.log" 2>&1
rc=$?
set -e
exit "$rc"
