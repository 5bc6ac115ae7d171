#!/usr/bin/env bash
# callpop's Debian package, tested the way a person uses it (tests/e2e/tests/package.rs):
# dpkg -i, files in place, callpop.desktop as the tel:/callto:/sip:/sips: handler, the installed
# app running in the headless session (tests/e2e/session.sh), `gio open tel:203` dialling
# through it, Start at login writing an autostart entry that starts it in the tray, dpkg -r.
#
#   tests/e2e/package.sh [PATH.deb] [extra libtest args]
#
# Without a path it builds the package first with scripts/package.sh (which installs the
# packaging tools it needs). The test installs into the system, so it needs root (CI runs as
# root); otherwise it says so and exits 0 without building or running anything. Needs the
# packages of `scripts/deps.sh test` plus xdg-utils, libglib2.0-bin (gio), desktop-file-utils.
set -euo pipefail
cd "$(dirname "$0")/../.."
export RUST_BACKTRACE="${RUST_BACKTRACE:-0}"
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
started=$SECONDS

if [[ $(id -u) -ne 0 ]]; then
  echo "package-test: SKIPPED: it installs the package with dpkg -i and needs root (CI runs as root). scripts/package.sh builds the package alone." >&2
  exit 0
fi

deb=""
if [[ $# -gt 0 && "$1" != -* ]]; then
  deb="$1"
  shift
fi
if [[ -z "$deb" ]]; then
  deb="$(scripts/package.sh | tail -n1)"
  echo "package-test: building the package took $((SECONDS - started)) s" >&2
fi
[[ -f "$deb" ]] || {
  echo "package-test: no package at ${deb:-(none)}" >&2
  exit 2
}
deb="$(realpath "$deb")"

missing=()
for tool in dpkg-deb objdump xdg-mime gio update-desktop-database; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "package-test: missing ${missing[*]}; install binutils xdg-utils libglib2.0-bin desktop-file-utils" >&2
  exit 2
fi

target_dir="$(cargo metadata --format-version 1 --no-deps |
  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
echo "package-test: building the test" >&2
cargo test --quiet -p callpop-e2e --test package --no-run >&2

tools="${CALLPOP_TOOLS:-$HOME/.cache/callpop/tools}"
if [[ ! -x "$tools/bin/tauri-driver" ]]; then
  echo "package-test: installing tauri-driver into $tools (once)" >&2
  cargo install tauri-driver --locked --quiet --root "$tools" >&2
fi

export CALLPOP_PACKAGE_DEB="$deb"
export CALLPOP_E2E_DIR="$PWD/tests/e2e"
export CALLPOP_E2E_TARGET_DIR="$target_dir"
export CALLPOP_E2E_TAURI_DRIVER="$tools/bin/tauri-driver"
export CALLPOP_E2E_SCREENSHOTS="$target_dir/e2e-screenshots"
mkdir -p "$CALLPOP_E2E_SCREENSHOTS"

echo "package-test: installing, running and removing $(basename "$deb") in a headless session" >&2
test_started=$SECONDS
set +e
tests/e2e/session.sh cargo test -p callpop-e2e --test package -- --ignored --test-threads=1 --nocapture "$@"
rc=$?
set -e
echo "package-test: the test took $((SECONDS - test_started)) s, $((SECONDS - started)) s in all" >&2
exit "$rc"
