#!/usr/bin/env bash
# Tests the Windows package built by scripts/package-windows.sh:
#   1. the .exe is a GUI-subsystem PE (no console window) carrying an icon
#      (RT_ICON/RT_GROUP_ICON) and a version resource (RT_VERSION) with the
#      package's version (scripts/check-pe);
#   2. it runs under Wine + Xvfb + openbox in a throw-away Wine prefix, as a user
#      would start it: `--open` a TCP server and an HTTP server with `--save DIR`;
#      Linux peers (socat, curl) on 127.0.0.1 talk to them; every raw file the
#      program saved (.rx, .tx) must hold exactly the bytes that crossed the
#      socket (SHA-256); screenshots go to dist/screenshots/wine-*.png; Ctrl+Q
#      ends it with status 0;
#   3. a bad `--open` shows the error dialog (a Windows message box), and once
#      it is dismissed the program exits non-zero.
#   scripts/test-package-windows.sh [FILE.exe]   (default: newest dist/NetAssist-*-windows-amd64.exe)
#
# Wine 8 (Debian 12) lacks bcryptprimitives.dll, whose ProcessPrng every Go >= 1.22
# program calls at start. scripts/wine/processprng.c is a stand-in, built here
# with mingw-w64 and copied into the temporary prefix only; it is never shipped.
# Needs scripts/deps.sh wine. WINE=0 skips steps 2 and 3.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"
CC_WIN="${CC_WIN:-x86_64-w64-mingw32-gcc}"
TIMEOUT="${TIMEOUT:-120}" # seconds for each wait on Wine (its first start is slow)

die() { echo "test-package-windows: FAIL: $*" >&2; exit 1; }
ok() { echo "test-package-windows: ok: $*"; }
trap 'echo "test-package-windows: FAIL: unexpected error at line $LINENO: $BASH_COMMAND" >&2' ERR

exe="${1:-}"
if [ -z "$exe" ]; then
	shopt -s nullglob
	exes=(dist/NetAssist-*-windows-amd64.exe)
	shopt -u nullglob
	[ ${#exes[@]} -gt 0 ] || die "no dist/NetAssist-*-windows-amd64.exe; run make package-windows first"
	exe="$(ls -t "${exes[@]}" | head -n1)"
fi
[ -f "$exe" ] || die "$exe not found"
exe="$(cd "$(dirname "$exe")" && pwd)/$(basename "$exe")"
echo "test-package-windows: testing $exe ($(stat -c %s "$exe") bytes)"

# 1. The PE file. The version in the file name (NetAssist-<version>-windows-amd64.exe)
# must be in RT_VERSION.
version="$(basename "$exe" | sed -n 's/^NetAssist-\([0-9.]*\)-windows-.*\.exe$/\1/p')"
"$GO" run ./scripts/check-pe ${version:+-version "$version"} "$exe" || die "check-pe rejected $exe"
ok "PE checks"

if [ "${WINE:-1}" = 0 ]; then
	echo "test-package-windows: PASS (WINE=0: not run under Wine)"
	exit 0
fi

for tool in wine wineserver wineboot "$CC_WIN" Xvfb openbox xdotool xwininfo import convert identify socat curl ss sha256sum python3; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh wine)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-test-wine.XXXXXX")"
shots="$root/dist/screenshots"
mkdir -p "$shots"
# Everything Wine starts belongs to this prefix's wineserver; `wineserver -k`
# ends exactly those processes.
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko installer dialogs during the first boot of the prefix.
export WINEDLLOVERRIDES="mscoree=;mshtml="
export LANG=en_US.UTF-8 LC_ALL=
app_pid="" xvfb_pid="" wm_pid=""
cleanup() {
	[ -n "$app_pid" ] && kill -9 "$app_pid" 2>/dev/null || true
	[ -d "$WINEPREFIX" ] && timeout 30 wineserver -k 2>/dev/null || true
	for p in $wm_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	for p in $app_pid $wm_pid $xvfb_pid; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

# A private X server on a free display (-displayfd picks it), and a window manager.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || die "Xvfb did not start: $(cat "$work/xvfb.log")"
DISPLAY=":$(head -n1 "$work/display")"
export DISPLAY
mkdir -p "$work/home"
HOME="$work/home" openbox >"$work/openbox.log" 2>&1 &
wm_pid=$!
ok "Xvfb on $DISPLAY with openbox"

# 2a. The prefix, and ProcessPrng in it.
start=$(date +%s)
timeout "$((TIMEOUT * 3))" wineboot --init >"$work/wineboot.log" 2>&1 ||
	die "wineboot could not create the prefix: $(tail -n 20 "$work/wineboot.log")"
timeout "$TIMEOUT" wineserver --wait || true # the boot's last processes
# One wineserver for the whole test (ended by cleanup's wineserver -k): when each
# wine command starts and stops its own, a command that starts while the last
# one's server is shutting down can hang.
wineserver --persistent || die "could not start wineserver"
sys32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$sys32" ] || die "the prefix has no windows/system32"
if [ -e "$sys32/bcryptprimitives.dll" ]; then
	# A later Wine that ships its own: use it, so this test also checks that Wine.
	ok "prefix ready in $(($(date +%s) - start)) s; Wine has its own bcryptprimitives.dll"
else
	# Wine loads a DLL it has no built-in version of from system32.
	"$CC_WIN" -O2 -Wall -Werror -shared -s -o "$sys32/bcryptprimitives.dll" \
		scripts/wine/processprng.c -ladvapi32 || die "could not build scripts/wine/processprng.c"
	ok "prefix ready in $(($(date +%s) - start)) s; test-only bcryptprimitives.dll (ProcessPrng) added"
fi
applog="$WINEPREFIX/drive_c/users/$(id -un)/AppData/Roaming/NetAssist/netassist.log"

# winpath prints the Windows name of an absolute Linux path: a new prefix maps
# drive Z: to / (checked here, so no wine process is needed per path).
[ "$(readlink "$WINEPREFIX/dosdevices/z:")" = / ] || die "the prefix's drive Z: is not /"
winpath() { printf 'Z:%s\n' "${1//\//\\}"; }
urlq() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
listening() { ss -Hltn "sport = :$1" | grep -q .; }
# saved_with SHA: a raw file under the save folder whose content has this SHA-256.
saved_with() {
	local f
	while IFS= read -r -d '' f; do
		[ "$(sha "$f")" = "$1" ] && { echo "$f"; return 0; }
	done < <(find "$work/save" -type f \( -name '*.rx' -o -name '*.tx' \) -print0 2>/dev/null)
	return 1
}
# wait_saved NAME FILE: wait until a raw file holds exactly FILE's bytes.
wait_saved() {
	local want f
	want="$(sha "$2")"
	for _ in $(seq "$((TIMEOUT * 2))"); do
		if f="$(saved_with "$want")"; then
			ok "$1: ${f#"$work/save/"} holds the $(stat -c %s "$2") bytes exactly (sha256 ${want:0:16}…)"
			return 0
		fi
		sleep 0.5
	done
	die "$1: no saved raw file holds the $(stat -c %s "$2") bytes sent (sha256 $want); saved: $(cd "$work/save" 2>/dev/null && find . -type f -printf '%p %s\n' | tr '\n' ';')"
}
# shot NAME: a screenshot of the whole screen, which must not be one flat colour.
shot() {
	local f="$shots/$1.png" sd
	import -window root "$f" || die "import could not take a screenshot"
	sd="$(convert "$f" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
	awk -v s="$sd" 'BEGIN{exit !(s > 0.01)}' || die "the screenshot $f is blank (std dev $sd)"
	ok "screenshot dist/screenshots/$1.png ($(identify -format '%wx%h' "$f"))"
}
app_died() {
	die "$1; its output:
$(tail -n 30 "$work/app.log" 2>&1)
its log:
$(tail -n 30 "$applog" 2>/dev/null)"
}

# 2b. The program with a TCP server and an HTTP server, saving.
mkdir -p "$work/www" "$work/save"
printf '<!doctype html><title>wine</title><p>Served by NetAssist under Wine.</p>\n' >"$work/www/index.html"
head -c 300000 /dev/urandom >"$work/www/blob.bin"
tcp_port="$(freeport)" http_port="$(freeport)"
[ "$tcp_port" != "$http_port" ] || http_port="$(freeport)"
http_spec="http-server://127.0.0.1:$http_port?root=$(urlq "$(winpath "$work/www")")"
save_win="$(winpath "$work/save")"
wine "$exe" --open "tcp-server://127.0.0.1:$tcp_port" --open "$http_spec" \
	--save "$save_win" --lang en >"$work/app.log" 2>&1 &
app_pid=$! app_start=$(date +%s)
wid="$(timeout "$TIMEOUT" xdotool search --sync --onlyvisible --name '^NetAssist' 2>/dev/null | head -n1)" || true
[ -n "$wid" ] || app_died "no NetAssist window within ${TIMEOUT}s"
ok "window $wid '$(xdotool getwindowname "$wid")' $(xdotool getwindowgeometry "$wid" | sed -n 's/.*Geometry: //p') $(($(date +%s) - app_start)) s after start"
for _ in $(seq "$((TIMEOUT * 2))"); do
	listening "$tcp_port" && listening "$http_port" && break
	kill -0 "$app_pid" 2>/dev/null || app_died "the program exited"
	sleep 0.5
done
listening "$tcp_port" && listening "$http_port" ||
	app_died "not listening on 127.0.0.1:$tcp_port (TCP) and 127.0.0.1:$http_port (HTTP)"
ok "listening on 127.0.0.1:$tcp_port (TCP server) and 127.0.0.1:$http_port (HTTP server)"

# TCP: two connections, 1 MiB of random bytes and a line of text.
head -c 1048576 /dev/urandom >"$work/tcp1.bin"
printf 'hello from Linux to NetAssist under Wine\r\n' >"$work/tcp2.bin"
for f in tcp1 tcp2; do
	timeout "$TIMEOUT" socat -u "FILE:$work/$f.bin" "TCP:127.0.0.1:$tcp_port" ||
		app_died "socat could not send $f.bin to the TCP server"
done
wait_saved "TCP 1 MiB" "$work/tcp1.bin"
wait_saved "TCP text" "$work/tcp2.bin"

# HTTP: a request of known bytes (socat, no half-close so the server answers
# before it sees EOF); the response must carry the file, and the saved .rx/.tx
# must be the request and the response exactly.
printf 'GET /blob.bin HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nUser-Agent: wine-test\r\nConnection: close\r\n\r\n' "$http_port" >"$work/req.bin"
timeout "$TIMEOUT" socat -t "$TIMEOUT" - "TCP:127.0.0.1:$http_port,shut-none" <"$work/req.bin" >"$work/resp.bin" ||
	app_died "socat could not talk to the HTTP server"
head -n1 "$work/resp.bin" | grep -q '^HTTP/1.1 200 ' || app_died "GET /blob.bin: $(head -n1 "$work/resp.bin")"
python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d[d.index(b"\r\n\r\n")+4:])' \
	"$work/resp.bin" >"$work/resp-body.bin"
[ "$(sha "$work/resp-body.bin")" = "$(sha "$work/www/blob.bin")" ] ||
	die "GET /blob.bin: the body ($(stat -c %s "$work/resp-body.bin") bytes) is not the file (300000 bytes)"
ok "GET /blob.bin: 200 with the file's 300000 bytes"
wait_saved "HTTP request" "$work/req.bin"
wait_saved "HTTP response" "$work/resp.bin"
curl -sS --max-time "$TIMEOUT" -o "$work/index.got" "http://127.0.0.1:$http_port/" || die "curl could not GET /"
cmp -s "$work/index.got" "$work/www/index.html" || die "curl GET / did not return index.html: $(head -c 200 "$work/index.got")"
ok "curl GET / returned index.html"

sleep 1 # let the window repaint what arrived
shot wine-http-server
# The TCP server's tab is the first: Ctrl+PageUp selects the previous tab.
xdotool windowactivate --sync "$wid" 2>/dev/null || xdotool windowfocus --sync "$wid" || true
xdotool key --clearmodifiers ctrl+Prior
sleep 1.5
shot wine-tcp-server
kill -0 "$app_pid" 2>/dev/null || app_died "the program exited while in use"

# Ctrl+Q ends it; the saved files are still exact after it closed them.
xdotool key --clearmodifiers ctrl+q
for _ in $(seq "$((TIMEOUT * 2))"); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$app_pid" 2>/dev/null && app_died "Ctrl+Q did not end the program within ${TIMEOUT}s"
status=0
wait "$app_pid" || status=$?
app_pid=""
[ "$status" = 0 ] || app_died "after Ctrl+Q the program exited with status $status, want 0"
ok "Ctrl+Q: the program exited with status 0"
for f in tcp1 tcp2 req resp; do saved_with "$(sha "$work/$f.bin")" >/dev/null || die "after exit no saved file holds $f.bin"; done
ok "after exit the four saved streams are still exact"
if grep -Eiq 'panic|fatal error' "$work/app.log" "$applog" 2>/dev/null; then
	die "the program's output mentions a panic: $(grep -Ehi -m5 'panic|fatal error' "$work/app.log" "$applog" 2>/dev/null)"
fi

# 3. A bad --open: the error dialog, then a non-zero exit once it is dismissed.
bad='tcp-server://127.0.0.1:1?mode=bogus'
wine "$exe" --open "$bad" --lang en >"$work/app.log" 2>&1 &
app_pid=$!
dlg="$(timeout "$TIMEOUT" xdotool search --sync --onlyvisible --name '^NetAssist$' 2>/dev/null | head -n1)" || true
[ -n "$dlg" ] || app_died "--open '$bad': no dialog within ${TIMEOUT}s"
# Wine names the X window after the dialog's title and classes it by the program
# (in lower case). The tree is read whole, then searched: `xwininfo | grep -q`
# under pipefail fails when grep stops reading first. Polled: on a busy machine
# Wine may not have set the class yet when the window is first seen.
want_tree="$(printf '0x%x' "$dlg") \"NetAssist\": (\"$(basename "$exe")\""
for _ in $(seq "$((TIMEOUT * 2))"); do
	tree="$(LC_ALL=C xwininfo -root -tree)"
	grep -iqF "$want_tree" <<<"$tree" && break
	sleep 0.5
done
grep -iqF "$want_tree" <<<"$tree" ||
	die "--open '$bad': window $dlg is not in xwininfo's tree as \"NetAssist\" of $(basename "$exe"): $(grep -iF "$(printf '0x%x' "$dlg")" <<<"$tree")"
read -r w h < <(LC_ALL=C xwininfo -id "$dlg" | awk '/Width:/{w=$2} /Height:/{h=$2} END{print w, h}')
[ "$w" -lt 900 ] && [ "$h" -lt 600 ] || die "--open '$bad': window $dlg is ${w}x$h, not a message box"
ok "--open '$bad': dialog $dlg (${w}x$h)"
sleep 1 # let it paint
shot wine-error-dialog
kill -0 "$app_pid" 2>/dev/null || app_died "--open '$bad': the program did not wait for the dialog"
# Return presses the dialog's OK button.
xdotool windowactivate --sync "$dlg" 2>/dev/null || xdotool windowfocus --sync "$dlg" || true
xdotool key --clearmodifiers Return
for _ in $(seq "$((TIMEOUT * 2))"); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$app_pid" 2>/dev/null && app_died "--open '$bad': the program still runs after the dialog was dismissed"
status=0
wait "$app_pid" || status=$?
app_pid=""
[ "$status" != 0 ] || die "--open '$bad': exit status 0, want non-zero"
ok "--open '$bad': the dialog was dismissed and the program exited with status $status"

echo "test-package-windows: PASS ($(($(date +%s) - start)) s under Wine)"
