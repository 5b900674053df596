#!/usr/bin/env bash
# Installs what building and testing NetAssist needs on Debian or Ubuntu.
#   scripts/deps.sh build   C compiler and the OpenGL/X11 headers Fyne's cgo needs
#   scripts/deps.sh test    build + Xvfb, a window manager, xdotool, xclip (clipboard), ImageMagick,
#                           network peers (nc, socat, curl), nginx (the HTTP server is compared
#                           with it), Chromium for end-to-end tests and tshark (judges the
#                           pcapng export)
#   scripts/deps.sh bench   test + wrk for `make bench`
#   scripts/deps.sh windows build + the mingw-w64 cross compiler
#   scripts/deps.sh deb     build + dpkg-dev (dpkg-shlibdeps) and lintian to make the .deb,
#                           debootstrap, Xvfb, openbox, xdotool, ImageMagick and
#                           desktop-file-utils to test it (scripts/test-package-deb.sh)
#   scripts/deps.sh wine    windows + Wine (64-bit), Xvfb, a window manager, xdotool,
#                           ImageMagick and peers, to run the .exe in scripts/test-package-windows.sh
# Only missing packages are installed; sudo is used when not root.
# Windows: install Go and a gcc such as MSYS2's mingw-w64-x86_64-gcc.
# macOS: install Go and the Xcode command line tools (xcode-select --install).
set -euo pipefail

want=()
case "${1:-build}" in
build) ;;
test) want+=(xvfb openbox xdotool xclip imagemagick x11-utils netcat-openbsd socat curl chromium python3 fonts-noto-cjk desktop-file-utils util-linux nginx-light tshark) ;;
bench) want+=(xvfb openbox xdotool imagemagick x11-utils netcat-openbsd socat curl chromium python3 nginx-light wrk apache2-utils) ;;
windows) want+=(gcc-mingw-w64-x86-64) ;;
# libglib2.0-0: the test looks the menu entry up with GLib's gio.
deb) want+=(dpkg-dev lintian xz-utils debootstrap xvfb openbox xdotool imagemagick desktop-file-utils python3 iproute2 libglib2.0-0) ;;
# wine64 alone runs 64-bit programs (no i386 architecture needed); fonts-wine
# draws the text of Wine's own dialogs (the MessageBox of a start-up error).
wine) want+=(gcc-mingw-w64-x86-64 wine wine64 fonts-wine libgl1-mesa-dri xvfb openbox xdotool imagemagick x11-utils netcat-openbsd socat curl python3 iproute2) ;;
*) echo "usage: $0 build|test|bench|windows|deb|wine" >&2; exit 2 ;;
esac
want+=(gcc pkg-config libgl1-mesa-dev xorg-dev)

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps.sh installs with apt on Debian/Ubuntu only; see README.md for other systems." >&2
	exit 0
fi
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
# tshark's package asks whether non-root users may capture; answer no
# without a prompt (the tests only read files).
if printf '%s\n' "${missing[@]}" | grep -qx tshark && command -v debconf-set-selections >/dev/null; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
