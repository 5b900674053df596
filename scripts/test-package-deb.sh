#!/usr/bin/env bash
# Tests the .deb as a user of a clean Debian would meet it:
#   1. debootstrap a minimal Debian (bookworm, --variant=minbase) into a temp
#      folder and `apt-get install ./netassist_….deb` in it (chroot), so the
#      Depends alone must bring every library the program needs
#   2. the files are where Debian puts them; `netassist --version` prints the
#      version; desktop-file-validate accepts the .desktop entry, and GLib's
#      desktop-app lookup (what GNOME, Xfce and others build their menus with)
#      finds it by its ID, shown, with its command and icon
#   3. start the installed program under Xvfb (on this machine; the chroot
#      shares its network and its X server's abstract socket) with
#      --open tcp-server://127.0.0.1:PORT: its window appears, it listens, a
#      loopback client's bytes are accepted; screenshot to
#      dist/screenshots/installed-deb.png
#   4. `apt-get remove --purge netassist`: every file it installed is gone
#      and dpkg no longer knows it.
# DEB_TEST_ROOT=host installs on this machine instead of a chroot (and removes
# it afterwards): for machines where debootstrap cannot reach a mirror.
# DEB_MIRROR (default http://deb.debian.org/debian) and DEB_SUITE (bookworm)
# choose the chroot's Debian. Needs root, debootstrap, Xvfb, openbox, xdotool,
# ImageMagick, desktop-file-validate, python3, ss (scripts/deps.sh deb).
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"
TIMEOUT="${TIMEOUT:-60}"
MIRROR="${DEB_MIRROR:-http://deb.debian.org/debian}"
SUITE="${DEB_SUITE:-bookworm}"

die() { echo "test-package-deb: FAIL: $*" >&2; exit 1; }
ok() { echo "test-package-deb: ok: $*"; }
trap 'echo "test-package-deb: FAIL: unexpected error at line $LINENO: $BASH_COMMAND" >&2' ERR

[ "$(id -u)" -eq 0 ] || die "run as root (it installs a package, in a chroot or on this machine)"
for tool in dpkg-deb Xvfb openbox xdotool import convert identify desktop-file-validate python3 ss; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh deb)"
done

deb="${1:-}"
if [ -z "$deb" ]; then
	shopt -s nullglob
	debs=(dist/netassist_*_*.deb)
	shopt -u nullglob
	[ ${#debs[@]} -gt 0 ] || die "no dist/netassist_*.deb; run make package-deb first"
	deb="$(ls -t "${debs[@]}" | head -n1)"
fi
[ -f "$deb" ] || die "$deb not found"
version="$(dpkg-deb --field "$deb" Version)"
echo "test-package-deb: testing $deb ($(stat -c %s "$deb") bytes, version $version)"

work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-test-deb.XXXXXX")"
chroot_dir="" app_pid="" xvfb_pid="" wm_pid="" installed_host=""
cleanup() {
	for p in $app_pid $wm_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	for p in $app_pid $wm_pid $xvfb_pid; do wait "$p" 2>/dev/null || true; done
	if [ -n "$installed_host" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq netassist >/dev/null 2>&1 || true
	fi
	if [ -n "$chroot_dir" ]; then
		mountpoint -q "$chroot_dir/proc" && umount "$chroot_dir/proc"
		# Never delete through a mount that is still there.
		if ! grep -q " $chroot_dir/" /proc/mounts; then rm -rf --one-file-system "$work"; else
			echo "test-package-deb: left $work: something is still mounted in it" >&2
		fi
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

# in_root CMD...: run a command inside the tested system.
if [ "${DEB_TEST_ROOT:-chroot}" = host ]; then
	sysroot=""
	in_root() { "$@"; }
	dpkg-query -W -f='${Status}' netassist 2>/dev/null | grep -q 'install ok installed' &&
		die "netassist is already installed on this machine; remove it first or test in a chroot"
	ok "testing on this machine (DEB_TEST_ROOT=host)"
else
	command -v debootstrap >/dev/null 2>&1 || die "debootstrap is not installed (scripts/deps.sh deb)"
	chroot_dir="$work/root"
	sysroot="$chroot_dir"
	in_root() { chroot "$chroot_dir" "$@"; }
	start=$(date +%s)
	debootstrap --variant=minbase "$SUITE" "$chroot_dir" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
		die "debootstrap $SUITE from $MIRROR failed (DEB_TEST_ROOT=host tests on this machine instead): $(tail -n 20 "$work/debootstrap.log")"
	mount -t proc proc "$chroot_dir/proc"
	cp -L /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
	ok "debootstrap --variant=minbase $SUITE in $(($(date +%s) - start)) s"
fi

# 1. Install with apt, as the README tells users to.
start=$(date +%s)
cp "$deb" "$sysroot/tmp/"
in_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$work/apt.log" 2>&1 || die "apt-get update failed: $(tail -n 20 "$work/apt.log")"
[ -z "$chroot_dir" ] && installed_host=1
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1 ||
	die "apt-get install ./$(basename "$deb") failed: $(tail -n 30 "$work/apt.log")"
rm -f "$sysroot/tmp/$(basename "$deb")"
in_root dpkg-query -W -f='${Status} ${Version}\n' netassist | grep -qx "install ok installed $version" ||
	die "dpkg does not list netassist $version as installed"
ok "apt-get install ./$(basename "$deb"): $(grep -Eo '[0-9]+ newly installed' "$work/apt.log" || true) in $(($(date +%s) - start)) s"

# 2. Files, version, menu entry.
in_root dpkg-query -L netassist >"$work/files"
for f in /usr/bin/netassist /usr/share/applications/netassist.desktop /usr/share/icons/hicolor/512x512/apps/netassist.png \
	/usr/share/icons/hicolor/scalable/apps/netassist.svg /usr/share/man/man1/netassist.1.gz \
	/usr/share/doc/netassist/copyright /usr/share/doc/netassist/changelog.gz; do
	grep -qx "$f" "$work/files" || die "the package does not own $f"
	[ -f "$sysroot$f" ] || die "$f is not on disk"
done
[ "$(stat -c '%a %U:%G' "$sysroot/usr/bin/netassist")" = "755 root:root" ] ||
	die "/usr/bin/netassist is $(stat -c '%a %U:%G' "$sysroot/usr/bin/netassist"), want 755 root:root"
ok "files in place: $(grep -c . "$work/files") paths, /usr/bin/netassist 755 root:root"
got="$(in_root env HOME=/tmp netassist --version 2>/dev/null)" || die "netassist --version failed"
[ "$got" = "netassist $version" ] || die "netassist --version printed '$got', want 'netassist $version'"
ok "netassist --version: $got"

desktop-file-validate "$sysroot/usr/share/applications/netassist.desktop" || die "desktop-file-validate rejects netassist.desktop"
ok "desktop-file-validate accepts netassist.desktop"
# GLib's lookup by desktop ID in $XDG_DATA_DIRS/applications, through libgio
# (this machine's: the lookup reads files only). GLib drops an entry whose
# Exec is not found in PATH, so PATH is the tested system's.
menu="$(PATH="$sysroot/usr/bin:$PATH" XDG_DATA_DIRS="$sysroot/usr/share" XDG_DATA_HOME="$work/nowhere" python3 - <<'EOF'
import ctypes, ctypes.util, sys
gio = ctypes.CDLL(ctypes.util.find_library("gio-2.0") or "libgio-2.0.so.0")
gio.g_desktop_app_info_new.restype = ctypes.c_void_p
gio.g_desktop_app_info_new.argtypes = [ctypes.c_char_p]
for f in ("g_app_info_get_name", "g_app_info_get_commandline", "g_desktop_app_info_get_categories"):
    getattr(gio, f).restype = ctypes.c_char_p
    getattr(gio, f).argtypes = [ctypes.c_void_p]
gio.g_app_info_should_show.argtypes = [ctypes.c_void_p]
gio.g_desktop_app_info_get_string.restype = ctypes.c_char_p
gio.g_desktop_app_info_get_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
app = gio.g_desktop_app_info_new(b"netassist.desktop")
if not app:
    sys.exit("GLib finds no application with the ID netassist.desktop")
if not gio.g_app_info_should_show(app):
    sys.exit("GLib finds netassist.desktop but would not show it in a menu")
print("|".join(x.decode() for x in (gio.g_app_info_get_name(app), gio.g_app_info_get_commandline(app),
      gio.g_desktop_app_info_get_categories(app), gio.g_desktop_app_info_get_string(app, b"Icon"))))
EOF
)" || die "the menu lookup failed: $menu"
IFS='|' read -r m_name m_cmd m_cat m_icon <<<"$menu"
[ "$m_name" = NetAssist ] && [ "$m_cmd" = netassist ] && [ "$m_cat" = "Network;Development;" ] ||
	die "the menu entry is '$menu', want NetAssist|netassist|Network;Development;|netassist"
ls "$sysroot"/usr/share/icons/hicolor/*/apps/"$m_icon".* >/dev/null 2>&1 || die "no hicolor icon named $m_icon"
ok "menu: GLib finds netassist.desktop: $m_name, runs '$m_cmd', in $m_cat, icon $m_icon from hicolor"

# 3. Start it under Xvfb with a TCP server on loopback.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || die "Xvfb did not start: $(cat "$work/xvfb.log")"
display=":$(head -n1 "$work/display")"
mkdir -p "$work/wm-home"
DISPLAY="$display" HOME="$work/wm-home" openbox >"$work/openbox.log" 2>&1 &
wm_pid=$!
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$sysroot/tmp/home"
# The menu's command, as a user would start it (its own HOME, no saved settings).
in_root env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp/home DISPLAY="$display" LANG=C.UTF-8 \
	"$m_cmd" --open "tcp-server://127.0.0.1:$port" >"$work/app.log" 2>&1 &
app_pid=$!
app_died() { die "$1; its output: $(tail -n 30 "$work/app.log")"; }
wid="$(DISPLAY="$display" timeout "$TIMEOUT" xdotool search --sync --onlyvisible --name NetAssist 2>/dev/null | head -n1)" || true
[ -n "$wid" ] || app_died "no NetAssist window within ${TIMEOUT}s"
for _ in $(seq "$((TIMEOUT * 10))"); do
	ss -Hltn "sport = :$port" | grep -q . && break
	kill -0 "$app_pid" 2>/dev/null || app_died "the program exited"
	sleep 0.1
done
ss -Hltn "sport = :$port" | grep -q '127.0.0.1' || app_died "not listening on 127.0.0.1:$port"
ok "window $wid '$(DISPLAY="$display" xdotool getwindowname "$wid")', listening on 127.0.0.1:$port"
python3 -c 'import socket,sys; s=socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5); s.sendall(b"hello from test-package-deb\r\n"); s.close()' "$port" ||
	app_died "could not connect to 127.0.0.1:$port and send"
sleep 1.5 # let it paint the connection and the bytes
kill -0 "$app_pid" 2>/dev/null || app_died "the program exited after a client connected"
mkdir -p dist/screenshots
shot=dist/screenshots/installed-deb.png
DISPLAY="$display" import -window root "$shot" || die "import could not take a screenshot"
sd="$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
awk -v s="$sd" 'BEGIN{exit !(s > 0.01)}' || die "the screenshot is blank (std dev $sd)"
ok "screenshot $shot"
kill "$app_pid"
for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app_pid" 2>/dev/null && { kill -9 "$app_pid"; die "the program ignored SIGTERM for 5 s"; }
wait "$app_pid" 2>/dev/null || true
app_pid=""
grep -Eiq 'panic|fatal error' "$work/app.log" && app_died "the program's output mentions a panic"
ok "stopped with SIGTERM"

# 4. Remove and purge.
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -q netassist >"$work/apt.log" 2>&1 ||
	die "apt-get remove --purge netassist failed: $(tail -n 20 "$work/apt.log")"
installed_host=""
# Purged: dpkg has no record, or one that says not-installed (no config-files).
status="$(in_root dpkg-query -W -f='${db:Status-Status}' netassist 2>/dev/null || true)"
[ -z "$status" ] || [ "$status" = not-installed ] || die "after purge dpkg says netassist is $status"
left=()
while IFS= read -r f; do
	# Shared folders (/usr/share/icons/hicolor/…) stay; files and netassist's own folders go.
	[ -e "$sysroot$f" ] || continue
	[ -d "$sysroot$f" ] && [[ "$f" != *netassist* ]] && continue
	left+=("$f")
done <"$work/files"
[ ${#left[@]} -eq 0 ] || die "after purge these are left: ${left[*]}"
ok "apt-get remove --purge: dpkg forgot netassist and its $(grep -c . "$work/files") paths are gone"
echo "test-package-deb: PASS"
