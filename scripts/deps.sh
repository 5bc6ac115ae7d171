#!/usr/bin/env bash
# Installs what callpop needs on Debian/Ubuntu, only what is missing.
#   deps.sh build   - compile and run the app
#   deps.sh test    - also the headless desktop session for the end-to-end tests and the
#                     tools the package test uses (xdg-mime, gio, update-desktop-database)
set -euo pipefail

want=(build-essential pkg-config curl libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
      librsvg2-dev libxdo-dev libssl-dev libdbus-1-dev libayatana-appindicator3-1)
if [[ "${1:-build}" == "test" ]]; then
  want+=(xvfb xauth dbus dbus-x11 webkit2gtk-driver gnome-keyring dunst libnotify-bin xdotool xclip
         imagemagick x11-apps python3 python3-dbus python3-gi libsecret-tools procps radicale slapd ldap-utils
         xdg-utils libglib2.0-bin desktop-file-utils binutils)
  # A real Wayland compositor (headless sway) and wl-copy/wl-paste for the clipboard tests.
  want+=(sway wl-clipboard)
fi

missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Installing the Rust toolchain (rustup)..." >&2
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
fi
