#!/usr/bin/env bash
# callpop's end-to-end tests: the real app, in a fresh headless desktop session.
#
#   tests/e2e/run.sh [TEST-NAME-FILTER] [-- extra libtest args]
#
# Builds the app, the phone simulator and the tests (tauri-driver too, once, into
# ~/.cache/callpop/tools), then runs every test file of tests/e2e/tests (`cargo test -p
# callpop-e2e --tests --no-fail-fast`: one test at a time, every file even after a failure)
# inside tests/e2e/session.sh. A filter runs only the tests whose name contains it, in
# whichever file: `run.sh s2`, `run.sh rev_`.
# Needs the packages of `scripts/deps.sh test`; installs nothing itself. Screenshots go to
# <target>/e2e-screenshots; the session's files (logs) are kept when a test fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

target_dir="$(cargo metadata --format-version 1 --no-deps |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

echo "e2e: building the app, the phone simulator and the tests" >&2
cargo build --quiet -p callpop -p callpop-phone-sim >&2
cargo test --quiet -p callpop-e2e --no-run >&2

tools="${CALLPOP_TOOLS:-$HOME/.cache/callpop/tools}"
if [[ ! -x "$tools/bin/tauri-driver" ]]; then
  echo "e2e: installing tauri-driver into $tools (once)" >&2
  cargo install tauri-driver --locked --quiet --root "$tools" >&2
fi

export CALLPOP_E2E_DIR="$PWD/tests/e2e"
export CALLPOP_E2E_TARGET_DIR="$target_dir"
export CALLPOP_E2E_APP="$target_dir/debug/callpop"
export CALLPOP_E2E_TAURI_DRIVER="$tools/bin/tauri-driver"
export CALLPOP_E2E_SCREENSHOTS="$target_dir/e2e-screenshots"
rm -rf "$CALLPOP_E2E_SCREENSHOTS"
mkdir -p "$CALLPOP_E2E_SCREENSHOTS"

echo "e2e: running in a headless desktop session (screenshots: $CALLPOP_E2E_SCREENSHOTS)" >&2
exec tests/e2e/session.sh cargo test -p callpop-e2e --tests --no-fail-fast -- --test-threads=1 "$@"
