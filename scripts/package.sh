#!/usr/bin/env bash
# Builds callpop's Debian package: <target>/debian/callpop_<version>_<arch>.deb (its path is
# the last line on stdout; everything else goes to stderr).
#
#   scripts/package.sh
#
# Installs what is missing (scripts/deps.sh build, then dpkg-dev, lintian, help2man,
# desktop-file-utils, appstream from Debian), builds the release binary with the UI embedded
# (`cargo build --release -p callpop --features custom-protocol`), assembles the package and
# checks it with lintian, desktop-file-validate and appstreamcli (any error fails the script).
#
# Why the package is assembled here with dpkg-deb instead of by Tauri's bundler
# (`cargo tauri build --bundles deb`):
# - Build time. The bundler comes with tauri-cli, which has to be compiled from crates.io
#   (nothing prebuilt may be downloaded): several hundred crates, comparable to a second
#   release build of the app (10-20 minutes on a 2-core CI machine, cold), and
#   `cargo tauri build` then builds the app again anyway. dpkg-deb adds seconds to the one
#   release build.
# - Control over the result. The bundler writes the Depends it is given in tauri.conf.json
#   (a guessed list); here they come from the binary: dpkg-shlibdeps on its ELF dependencies,
#   plus the libraries it loads at run time (the tray's libayatana-appindicator3), found by
#   their sonames in the binary and mapped to Debian packages with dpkg -S. The bundler also
#   ships no copyright file and no changelog (lintian errors), leaves the binary unstripped,
#   and adds no man page or AppStream metadata.
# - What CI installs: Debian packages only (dpkg-dev, lintian, help2man, desktop-file-utils,
#   appstream); no Rust tool beyond cargo.
# tauri.conf.json keeps a "bundle" section that points at the same desktop entry, for anyone
# who runs the bundler anyway; this script is what the README and CI use.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
say() { echo "package: $*" >&2; }

scripts/deps.sh build
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

# Packaging tools, only what is missing (as scripts/deps.sh does).
want=(dpkg-dev binutils lintian help2man desktop-file-utils appstream)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  say "installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

metadata="$(cargo metadata --format-version 1 --no-deps)"
field() { # field EXPR: a value from `cargo metadata` (jq-less: sed on the one-line JSON)
  case $1 in
    target) sed -E 's/.*"target_directory":"([^"]*)".*/\1/' <<<"$metadata" ;;
    version) grep -oE '"name":"callpop","version":"[^"]*"' <<<"$metadata" | sed -E 's/.*"version":"([^"]*)"/\1/' ;;
  esac
}
target_dir="$(field target)"
version="$(field version)"
arch="$(dpkg --print-architecture)"
[[ -n "$target_dir" && -n "$version" ]] || {
  say "cannot read the target folder or callpop's version from cargo metadata"
  exit 1
}
# Timestamps and dates inside the package come from the last commit: the same commit gives
# the same package (dpkg-deb clamps file times to SOURCE_DATE_EPOCH). Exported only after the
# build: the cc crate makes build scripts (ring, libsqlite3-sys) rerun when it changes, which
# would rebuild half the dependencies at every new commit.
source_date_epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
commit="$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
maintainer="${CALLPOP_MAINTAINER:-callpop maintainers <maintainers@callpop.app>}"

say "building the release binary with the UI embedded (callpop $version)"
build_started=$SECONDS
cargo build --release -p callpop --features custom-protocol
say "release build took $((SECONDS - build_started)) s"
binary="$target_dir/release/callpop"
export SOURCE_DATE_EPOCH="$source_date_epoch"

out="$target_dir/debian"
name="callpop_${version}_${arch}"
root="$out/$name"
rm -rf "$root" "$out/$name.deb"
umask 022
mkdir -p "$root/DEBIAN"

# --- files ------------------------------------------------------------------------------
install -D -m 0755 "$binary" "$root/usr/bin/callpop"
# What dh_strip does: the release profile keeps line tables for backtraces during
# development; an installed binary does not need them (about half its size).
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$root/usr/bin/callpop"

install -D -m 0644 src-tauri/callpop.desktop "$root/usr/share/applications/callpop.desktop"

# The app icon at every size there is in icons/ (NxN.png and icon.png, sizes read from the
# PNG header), and the SVG it is drawn from as the scalable one.
png_size() { # width of a PNG: big-endian 32-bit integer at byte 16
  local b
  read -r -a b < <(od -An -tu1 -j16 -N4 "$1")
  echo $(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]))
}
for png in icons/icon.png icons/[0-9]*x[0-9]*.png; do
  size="$(png_size "$png")"
  install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/callpop.png"
done
install -D -m 0644 icons/icon.svg "$root/usr/share/icons/hicolor/scalable/apps/callpop.svg"

release_date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%F)"
mkdir -p "$root/usr/share/metainfo"
sed "s|@RELEASES@|<release version=\"$version\" date=\"$release_date\"/>|" \
  packaging/app.callpop.desktop.metainfo.xml >"$root/usr/share/metainfo/app.callpop.desktop.metainfo.xml"

doc="$root/usr/share/doc/callpop"
mkdir -p "$doc"
first_year="$(git log --format=%ad --date=format:%Y 2>/dev/null | tail -n1 || true)"
last_year="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)"
years="${first_year:-$last_year}"
[[ "$years" == "$last_year" ]] || years="$years-$last_year"
sed "s|@YEARS@|$years|g" packaging/copyright >"$doc/copyright"
{
  echo "callpop ($version) unstable; urgency=medium"
  echo
  echo "  * callpop $version, built from commit $commit."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"
# The crates compiled into the binary, with their licences (the copyright file points here).
cargo tree -p callpop --features custom-protocol -e normal --prefix none --format '{p} | {l}' |
  grep -v '(proc-macro)' | sed -E 's/ \(\*\)$//; s/ \(\/[^)]*\)//' | sort -u |
  { echo "Rust crates compiled into /usr/bin/callpop (name version | licence):"; cat; } |
  gzip -9n >"$doc/third-party-crates.txt.gz"

# The man page, from the binary's own --help and --version (what it says is what it does),
# in English: callpop speaks the language of the locale and of the user's settings, so
# neither the builder's locale nor their settings file may reach it.
mkdir -p "$root/usr/share/man/man1" "$out/empty-config"
LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE="" XDG_CONFIG_HOME="$out/empty-config" help2man --no-info --no-discard-stderr --section 1 --source "callpop $version" \
  --name "your desk phone, part of your computer" "$root/usr/bin/callpop" |
  gzip -9n >"$root/usr/share/man/man1/callpop.1.gz"

# --- dependencies, from the binary ------------------------------------------------------
# 1. Its ELF dependencies (DT_NEEDED): dpkg-shlibdeps, which wants a debian/control to
#    exist in the folder it runs in (it reads nothing from it here).
shlibs_dir="$out/shlibdeps"
rm -rf "$shlibs_dir"
mkdir -p "$shlibs_dir/debian"
printf 'Source: callpop\n\nPackage: callpop\nArchitecture: any\n' >"$shlibs_dir/debian/control"
shlibs="$(cd "$shlibs_dir" && dpkg-shlibdeps -O --warnings=1 "$root/usr/bin/callpop" 2>"$shlibs_dir/warnings" |
  sed -n 's/^shlibs:Depends=//p')"
if [[ -s "$shlibs_dir/warnings" ]]; then
  say "dpkg-shlibdeps said:"
  sed 's/^/  /' "$shlibs_dir/warnings" >&2
fi
[[ -n "$shlibs" ]] || {
  say "dpkg-shlibdeps found no dependencies; cannot write Depends"
  exit 1
}
# 2. Libraries loaded at run time with dlopen (the tray's libayatana-appindicator3, Xlib and
#    XInput for the hotkey): sonames named in the binary's strings that are not ELF
#    dependencies, mapped to their packages with dpkg -S. packaging/optional-sonames lists
#    the ones the binary works without (alternatives, extras); any other one missing here
#    fails the build rather than being left out of Depends.
package_of() { # the Debian package that ships a file, by any of its names (links, merged /usr)
  local real name
  real="$(readlink -f "$1")"
  for name in "$1" "$real" "${1#/usr}" "${real#/usr}" "/usr$1" "/usr$real"; do
    dpkg -S "$name" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return 0
  done
  return 0
}
multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)"
needed="$(objdump -p "$root/usr/bin/callpop" | awk '/NEEDED/ {print $2}')"
optional="$(sed -e 's/#.*//' packaging/optional-sonames | awk 'NF {print $1}')"
dlopened=()
while read -r soname; do
  grep -qxF "$soname" <<<"$needed" && continue
  if grep -qxF "$soname" <<<"$optional"; then
    say "loaded at run time if present: $soname (optional, see packaging/optional-sonames)"
    continue
  fi
  path="$(/sbin/ldconfig -p | awk -v so="$soname" -v dir="/$multiarch/" '$1 == so && index($NF, dir) {print $NF; exit}')"
  if [[ -z "$path" ]]; then
    say "the binary loads $soname at run time, but it is not installed here: install it, or list it in packaging/optional-sonames if callpop works without it"
    exit 1
  fi
  pkg="$(package_of "$path")"
  if [[ -z "$pkg" ]]; then
    say "$soname ($path) belongs to no Debian package: cannot depend on it"
    exit 1
  fi
  say "loaded at run time: $soname from $pkg"
  grep -qE "(^|, )$pkg( |,|$)" <<<"$shlibs" || dlopened+=("$pkg")
done < <(strings -a "$root/usr/bin/callpop" | grep -oE 'lib[A-Za-z0-9_+-]{1,40}(\.[0-9]+)*\.so\.[0-9]+' | sort -u)
depends="$shlibs"
for pkg in $(printf '%s\n' "${dlopened[@]}" | sort -u); do
  depends="$depends, $pkg"
done

# --- control ----------------------------------------------------------------------------
installed_kib="$(du -sk --apparent-size "$root/usr" | cut -f1)"
cat >"$root/DEBIAN/control" <<EOF
Package: callpop
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kib
Depends: $depends
Suggests: gnome-keyring
Section: comm
Priority: optional
Description: screen-pop and call control for your desk phone
 callpop sits in the tray and watches your office IP desk phone (Grandstream,
 Yealink, Asterisk, XiVO). The moment a call rings it shows a notification and
 a small call window with the caller's name and number, and lets you answer,
 reject, hold, mute and hang up from the window or the tray menu.
 .
 Select a number anywhere and press Ctrl+Alt+D, and the phone dials it; tel:,
 callto: and sip: links dial too. The phone's password is kept in the system
 keyring (Secret Service). The same binary works as a command line tool
 (callpop status, dial, answer, ...).
EOF
(cd "$root" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$root" "$out/$name.deb" >/dev/null
deb="$out/$name.deb"
say "built $deb ($(du -h "$deb" | cut -f1)); Depends: $depends"

# --- checks -----------------------------------------------------------------------------
desktop-file-validate "$root/usr/share/applications/callpop.desktop"
appstreamcli validate --no-net --pedantic "$root/usr/share/metainfo/app.callpop.desktop.metainfo.xml" >&2
say "lintian"
lint_started=$SECONDS
# Errors fail the script; warnings and infos are shown. Running as root is CI's normal case.
lintian --info --fail-on error "$deb" >&2
say "lintian took $((SECONDS - lint_started)) s; the package took $((SECONDS - started)) s in all"
echo "$deb"
