#!/usr/bin/env bash
# The inside of tests/e2e/session.sh, run by dbus-run-session: starts the session's services
# on the fresh bus, runs the command, stops the services. Not meant to be run by hand.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
run_dir="${CALLPOP_E2E_SESSION:?run by tests/e2e/session.sh}"
logs="$run_dir/logs"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

has_owner() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"
}

wait_for_name() {
  local name=$1
  for _ in $(seq 200); do
    has_owner "$name" && return 0
    sleep 0.05
  done
  echo "e2e: $name did not appear on the session bus" >&4
  return 1
}

# Keyring: an unlocked "login" collection (the default alias) for the Secret Service.
echo -n "e2e-login-password" | gnome-keyring-daemon --unlock --components=secrets >"$logs/gnome-keyring.env" 2>"$logs/gnome-keyring.log"
wait_for_name org.freedesktop.secrets
# gnome-keyring-daemon daemonizes: find it by its bus name to stop it at the end.
keyring_pid="$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets 2>/dev/null | awk '/uint32/ {print $2}')"
[[ -n "$keyring_pid" ]] && pids+=("$keyring_pid")

# Tray host stand-in: the app's StatusNotifierItem registers here.
export CALLPOP_E2E_SNI_LOG="$run_dir/sni.jsonl"
: >"$CALLPOP_E2E_SNI_LOG"
"$python" "$here/desktop/sniwatcher.py" "$CALLPOP_E2E_SNI_LOG" 2>"$logs/sniwatcher.log" &
pids+=($!)
wait_for_name org.kde.StatusNotifierWatcher

# Every Notify (and its id), CloseNotification and ActionInvoked on the bus, as JSON lines.
export CALLPOP_E2E_NOTIFY_LOG="$run_dir/notifications.jsonl"
: >"$CALLPOP_E2E_NOTIFY_LOG"
"$python" "$here/desktop/notifyd.py" monitor "$CALLPOP_E2E_NOTIFY_LOG" 2>"$logs/notify-monitor.log" &
pids+=($!)
for _ in $(seq 200); do
  grep -q '"kind": "ready"' "$CALLPOP_E2E_NOTIFY_LOG" 2>/dev/null && break
  sleep 0.05
done

set +e
"$@" >&5 2>&4
rc=$?
set -e
exit "$rc"
