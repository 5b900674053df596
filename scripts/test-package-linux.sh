#!/usr/bin/env bash
# Tests the Linux package as a user would meet it:
#   1. unpack dist/NetAssist-<version>-linux-<arch>.tar.xz (or the file given as $1)
#   2. `make install PREFIX=<temp>` and `make user-install` with a temporary HOME,
#      and check that the binary, the .desktop entry (menu) and the icon land where
#      desktops look (share/applications, share/pixmaps, ~/.local/share/icons)
#   3. check the .desktop entries (Categories=Network;Development;, Exec, Icon),
#      with desktop-file-validate when it is installed (Debian: desktop-file-utils)
#   4. start the INSTALLED binary the way the menu would (its Exec through PATH)
#      under Xvfb + openbox, wait for the NetAssist window, screenshot it to
#      dist/screenshots/installed-linux.png, and stop it.
# Exits non-zero on any failure. Needs: Xvfb, openbox, xdotool, ImageMagick
# (scripts/deps.sh test).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
TIMEOUT="${TIMEOUT:-30}" # seconds to wait for the window

die() { echo "test-package-linux: FAIL: $*" >&2; exit 1; }
ok() { echo "test-package-linux: ok: $*"; }
trap 'echo "test-package-linux: FAIL: unexpected error at line $LINENO: $BASH_COMMAND" >&2' ERR

for tool in tar xz make Xvfb openbox xdotool import identify convert; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh test)"
done

pkg="${1:-}"
if [ -z "$pkg" ]; then
	shopt -s nullglob
	pkgs=(dist/NetAssist-*-linux-*.tar.xz)
	shopt -u nullglob
	[ ${#pkgs[@]} -gt 0 ] || die "no dist/NetAssist-*-linux-*.tar.xz; run make package-linux first"
	pkg="$(ls -t "${pkgs[@]}" | head -n1)"
fi
[ -f "$pkg" ] || die "$pkg not found"
echo "test-package-linux: testing $pkg ($(stat -c %s "$pkg") bytes)"

work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-test-pkg.XXXXXX")"
app_pid="" xvfb_pid="" wm_pid=""
cleanup() {
	for p in $app_pid $wm_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	for p in $app_pid $wm_pid $xvfb_pid; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# 1. Unpack.
mkdir -p "$work/unpack"
tar -xJf "$pkg" -C "$work/unpack" || die "cannot unpack $pkg"
mk="$(find "$work/unpack" -mindepth 2 -maxdepth 2 -name Makefile | head -n1)"
[ -n "$mk" ] || die "the archive has no top-level <dir>/Makefile"
pkgdir="$(dirname "$mk")"
ok "unpacked; Makefile at $(basename "$pkgdir")/Makefile"

# 2a. System-style install into a temporary prefix.
prefix="$work/prefix"
make -s -C "$pkgdir" install PREFIX="$prefix" >"$work/install.log" 2>&1 ||
	die "make install PREFIX=… failed: $(cat "$work/install.log")"
desktop="$prefix/share/applications/NetAssist.desktop"
[ -f "$desktop" ] || die "make install did not put NetAssist.desktop in PREFIX/share/applications (the menu)"
icon="$(find "$prefix/share/pixmaps" "$prefix/share/icons" -name 'NetAssist.*' 2>/dev/null | head -n1 || true)"
[ -n "$icon" ] || die "make install put no NetAssist icon in PREFIX/share/pixmaps or PREFIX/share/icons"
ok "make install PREFIX=…: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"

# 2b. Per-user install with a temporary HOME.
uhome="$work/user-home"
mkdir -p "$uhome"
make -s -C "$pkgdir" user-install HOME="$uhome" >"$work/user-install.log" 2>&1 ||
	die "make user-install failed: $(cat "$work/user-install.log")"
udesktop="$uhome/.local/share/applications/NetAssist.desktop"
[ -f "$udesktop" ] || die "make user-install did not put NetAssist.desktop in ~/.local/share/applications"
[ -n "$(find "$uhome/.local/share/icons" -name 'NetAssist.*' 2>/dev/null)" ] ||
	die "make user-install put no icon in ~/.local/share/icons"
ok "make user-install: $(cd "$uhome" && find . -type f | sort | tr '\n' ' ')"

# 3. The .desktop entries.
key() { sed -n "s/^$1=//p" "$2" | head -n1; }
for d in "$desktop" "$udesktop"; do
	[ "$(key Type "$d")" = Application ] || die "$d: Type is not Application"
	[ "$(key Name "$d")" = NetAssist ] || die "$d: Name is '$(key Name "$d")', want NetAssist"
	[ "$(key Categories "$d")" = "Network;Development;" ] ||
		die "$d: Categories is '$(key Categories "$d")', want 'Network;Development;'"
	[ -n "$(key Icon "$d")" ] || die "$d: no Icon"
	[ -n "$(key Exec "$d")" ] || die "$d: no Exec"
	if command -v desktop-file-validate >/dev/null 2>&1; then
		# Hints (e.g. two main categories) are printed but are not errors.
		desktop-file-validate "$d" || die "desktop-file-validate rejects $d"
	fi
done
command -v desktop-file-validate >/dev/null 2>&1 && ok "desktop-file-validate accepts both entries" ||
	echo "test-package-linux: note: desktop-file-validate not installed (Debian: desktop-file-utils); checked keys only"
icon_name="$(key Icon "$desktop")"
case "$icon_name" in
/*) [ -f "$icon_name" ] || die "Icon=$icon_name does not exist" ;;
*) [ "$(basename "${icon%.*}")" = "$icon_name" ] || die "Icon=$icon_name does not match the installed $icon" ;;
esac
identify "$icon" >/dev/null 2>&1 || die "$icon is not a readable image"
ok "Icon=$icon_name → $(identify -format '%m %wx%h' "$icon")"
uexec="$(key Exec "$udesktop" | awk '{print $1}')"
case "$uexec" in /*) [ -x "$uexec" ] || die "user-install Exec=$uexec is not an executable" ;;
*) die "user-install Exec=$uexec is not an absolute path" ;; esac
ok "user-install Exec=$uexec is executable"

# 4. Start the installed program as the menu would: Exec resolved through PATH.
exec_cmd="$(key Exec "$desktop" | sed 's/ *%[fFuUdDnNickvm]//g')"
exec_bin="$(awk '{print $1}' <<<"$exec_cmd")"
bin="$(PATH="$prefix/bin:$PATH" command -v "$exec_bin")" || die "Exec=$exec_bin not found in PREFIX/bin"
[ "$bin" = "$prefix/bin/$exec_bin" ] || die "Exec=$exec_bin resolves to $bin, not the installed $prefix/bin/$exec_bin"
"$bin" --version 2>/dev/null | head -n1 | grep -q . || die "$bin --version printed nothing"
ok "installed binary $bin: $("$bin" --version 2>/dev/null | head -n1)"

# A private X server on a free display (-displayfd picks it), and a window manager.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || die "Xvfb did not start: $(cat "$work/xvfb.log")"
DISPLAY=":$(head -n1 "$work/display")"
export DISPLAY
apphome="$work/app-home"
mkdir -p "$apphome"
HOME="$apphome" openbox >"$work/openbox.log" 2>&1 &
wm_pid=$!
sleep 0.5
ok "Xvfb on $DISPLAY with openbox"

env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME \
	HOME="$apphome" LANG=en_US.UTF-8 LC_ALL= PATH="$prefix/bin:$PATH" \
	"$exec_bin" >"$work/app.log" 2>&1 &
app_pid=$!
wid="$(timeout "$TIMEOUT" xdotool search --sync --onlyvisible --name NetAssist 2>/dev/null | head -n1)" || true
if [ -z "$wid" ]; then
	kill -0 "$app_pid" 2>/dev/null && state="still running" || state="exited"
	die "no NetAssist window within ${TIMEOUT}s (program $state); its output:
$(tail -n 30 "$work/app.log")"
fi
ok "window $wid: '$(xdotool getwindowname "$wid")' $(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p')"
sleep 1.5 # let it paint
kill -0 "$app_pid" 2>/dev/null || die "the program exited after showing its window: $(tail -n 30 "$work/app.log")"

mkdir -p dist/screenshots
shot="dist/screenshots/installed-linux.png"
import -window root "$shot" || die "import could not take a screenshot"
# A painted window is not one flat colour.
sd="$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
awk -v s="$sd" 'BEGIN{exit !(s > 0.01)}' || die "the screenshot is blank (std dev $sd)"
ok "screenshot $shot ($(identify -format '%wx%h' "$shot"))"

kill "$app_pid"
for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app_pid" 2>/dev/null && { kill -9 "$app_pid"; die "the program ignored SIGTERM for 5 s"; }
wait "$app_pid" 2>/dev/null || true
app_pid=""
if grep -Eiq 'panic|fatal error' "$work/app.log"; then
	die "the program's output mentions a panic: $(grep -Ei -m5 'panic|fatal error' "$work/app.log")"
fi
echo "test-package-linux: PASS"
