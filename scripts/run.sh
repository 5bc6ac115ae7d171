#!/usr/bin/env bash
# Builds and runs callpop. With no phone set up yet, it runs against the built-in demo phone.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
config="${XDG_CONFIG_HOME:-$HOME/.config}/callpop/settings.toml"
args=("$@")
if ((${#args[@]} == 0)) && ! grep -Eq '^(url|host) *= *"[^"]+"' "$config" 2>/dev/null; then
  echo "No phone set up yet: starting with the demo phone (set up yours in Settings)." >&2
  args=(--demo)
fi
exec cargo run --quiet -p callpop -- "${args[@]}"
