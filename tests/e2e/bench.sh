#!/usr/bin/env bash
# callpop desktop benchmarks (see BENCHMARKS.md, "App: notification latency, call window and
# footprint"): ring-to-notification latency seen on D-Bus, how fast the call window shows a
# ringing call (WebKit warm and cold), and idle CPU / PSS of the app and its WebKit
# processes, in the same kind of headless session as the e2e tests. One command:
#
#   tests/e2e/bench.sh [--release] [--push] [--rings N] [--poll-ms MS] [--idle-secs S]
#                        [--pops N] [--only latency|footprint|window]
#
# --push sets the app up as the setup checklist leaves it: the phone (simulator) sends its
# Action URL pushes to the app at once, so the wait for the next poll drops out.
#
# --release measures a production build of the app (cargo build --release --features
# custom-protocol; minutes the first time) instead of the debug build the tests use.
# Prints JSON on stdout and writes it to <target>/e2e-bench.json. Not part of the test run.
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

target_dir="$(cargo metadata --format-version 1 --no-deps |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

profile=debug
if [[ "${1:-}" == "--release" ]]; then
  profile=release
  shift
fi
echo "bench: building the app ($profile), the phone simulator and the benchmark" >&2
cargo build --quiet -p callpop-phone-sim -p callpop-e2e --bins >&2
if [[ $profile == release ]]; then
  cargo build --quiet --release -p callpop --features custom-protocol >&2
else
  cargo build --quiet -p callpop >&2
fi

tools="${CALLPOP_TOOLS:-$HOME/.cache/callpop/tools}"
if [[ ! -x "$tools/bin/tauri-driver" ]]; then
  echo "bench: installing tauri-driver into $tools (once)" >&2
  cargo install tauri-driver --locked --quiet --root "$tools" >&2
fi

export CALLPOP_E2E_DIR="$PWD/tests/e2e"
export CALLPOP_E2E_TARGET_DIR="$target_dir"
export CALLPOP_E2E_APP="$target_dir/$profile/callpop"
export CALLPOP_E2E_TAURI_DRIVER="$tools/bin/tauri-driver"
export CALLPOP_E2E_SCREENSHOTS="$target_dir/e2e-screenshots"
exec tests/e2e/session.sh "$target_dir/debug/callpop-e2e-bench" "$@"
