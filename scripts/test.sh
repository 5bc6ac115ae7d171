#!/usr/bin/env bash
# All of callpop's tests: lint, unit and integration tests, then the end-to-end suite that
# drives the real app in a headless desktop session (Xvfb, D-Bus, keyring, notifications).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

echo "== format and lint" >&2
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== unit and integration tests" >&2
cargo test --workspace

if [[ -x tests/e2e/run.sh ]]; then
  echo "== end-to-end tests (headless desktop session)" >&2
  tests/e2e/run.sh
fi

if [[ -x tests/e2e/package.sh ]]; then
  echo "== the Debian package: built, installed, started, removed" >&2
  tests/e2e/package.sh
fi
