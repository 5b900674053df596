#!/usr/bin/env bash
# Builds the Debian/Ubuntu package from the Linux release archive:
#   dist/netassist_<version>_<arch>.deb
# with the same binary as dist/NetAssist-<version>-linux-<goarch>.tar.xz (make
# package-linux first; `make package-deb` does), laid out as Debian expects:
#   /usr/bin/netassist
#   /usr/share/applications/netassist.desktop           (the desktop menu)
#   /usr/share/icons/hicolor/512x512/apps/netassist.png  (assets/icon, both sizes it has)
#   /usr/share/icons/hicolor/scalable/apps/netassist.svg
#   /usr/share/man/man1/netassist.1.gz
#   /usr/share/doc/netassist/{copyright,changelog.gz}
# Depends comes from dpkg-shlibdeps on the binary (it links libGL and libX11),
# so it names the packages and versions of the machine it is built on: build
# on the oldest release it should install on (CI: Debian 12).
# Built with plain dpkg-deb --root-owner-group (no debhelper, no fakeroot),
# then checked with lintian: any error fails the build.
#
# lintian (Debian 12's 2.116) then reports infos only, left on purpose:
#   hardening-no-bindnow, hardening-no-fortify-functions: the Go linker
#     links the program; -z now would need -extldflags through the fyne
#     packager, and Go's own code has no fortified C calls to make.
#   binary-has-unneeded-section .comment: Go's external link keeps the C
#     compiler's notes; harmless.
#   spelling-error-in-binary (befor, ofthe, withthe, AFe): word fragments of
#     the Brotli dictionary compiled in with a library, not NetAssist's words.
#   hardening-no-pie is fixed: package-linux builds with -buildmode=pie.
#
# VERSION=x.y.z in the environment overrides FyneApp.toml's version (as for
# package-linux). DEB_MAINTAINER overrides the Maintainer field.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"

die() { echo "package-deb: $*" >&2; exit 1; }

toml_version="$(awk -F'"' '/^\[/{s=$0} s=="[Details]" && $1 ~ /^[ \t]*Version[ \t]*=/{print $2; exit}' FyneApp.toml)"
version="${VERSION:-$toml_version}"
[[ "$version" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || die "version '$version' must be x, x.y or x.y.z (digits only)"
maintainer="${DEB_MAINTAINER:-NetAssist developers <netassist@users.noreply.github.com>}"
for tool in dpkg-deb dpkg-shlibdeps lintian tar xz gzip; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh deb)"
done
arch="$(dpkg --print-architecture)"
tarball="dist/NetAssist-$version-linux-$("$GO" env GOARCH).tar.xz"
[ -f "$tarball" ] || die "$tarball not found; run make package-linux first"

# The date of the last commit, so that the same commit gives the same package.
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH="$epoch"
umask 022
work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-deb.XXXXXX")"
trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"

tar -xJf "$tarball" -C "$work"
bin="$(find "$work" -path '*/bin/netassist' -type f | head -n1)"
desktop="$(find "$work" -name 'NetAssist.desktop' -type f | head -n1)"
[ -n "$bin" ] && [ -n "$desktop" ] || die "$tarball lacks bin/netassist or NetAssist.desktop"
[ "$("$bin" --version 2>/dev/null)" = "netassist $version" ] ||
	die "$tarball's binary prints '$("$bin" --version 2>/dev/null)', want 'netassist $version'"

install -D -m 0755 "$bin" "$pkg/usr/bin/netassist"
# The fyne packager's entry, with the icon named after the installed icon
# files (a theme name, not a path) and a desktop ID in lower case.
mkdir -p "$pkg/usr/share/applications"
sed -e 's/^Icon=.*/Icon=netassist/' -e 's/^Exec=.*/Exec=netassist/' "$desktop" >"$pkg/usr/share/applications/netassist.desktop"
grep -q '^Categories=' "$pkg/usr/share/applications/netassist.desktop" || die "the .desktop entry has no Categories"
for png in assets/icon/*.png; do
	size="$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$png")"
	install -D -m 0644 "$png" "$pkg/usr/share/icons/hicolor/$size/apps/netassist.png"
done
install -D -m 0644 assets/icon/netassist.svg "$pkg/usr/share/icons/hicolor/scalable/apps/netassist.svg"

date_man="$(LC_ALL=C date -u -d "@$epoch" +%Y-%m-%d)"
mkdir -p "$pkg/usr/share/man/man1"
sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date_man/g" scripts/deb/netassist.1 | gzip -9n >"$pkg/usr/share/man/man1/netassist.1.gz"

doc="$pkg/usr/share/doc/netassist"
mkdir -p "$doc"
# copyright: the package's file, then the font's licence text from assets/fonts
# in the copyright file's format (indented, blank lines as " .").
{
	cat scripts/deb/copyright
	sed -n '/^SIL OPEN FONT LICENSE/,$p' assets/fonts/OFL.txt | sed -e 's/[[:space:]]*$//' -e 's/^$/./' -e 's/^/ /'
} >"$doc/copyright"
# A version X.Y.Z without a Debian revision makes this a native package, whose
# changelog is changelog.gz (lintian: wrong-name-for-changelog-of-native-package).
{
	printf 'netassist (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * NetAssist %s.\n\n' "$version"
	printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.gz"

# Depends: the packages holding the libraries the binary links (libGL, libX11,
# libc). dpkg-shlibdeps wants a debian/control naming the package.
mkdir -p "$work/src/debian"
printf 'Source: netassist\n\nPackage: netassist\nArchitecture: any\n' >"$work/src/debian/control"
depends="$(cd "$work/src" && dpkg-shlibdeps -O "$pkg/usr/bin/netassist" 2>"$work/shlibdeps.log" | sed -n 's/^shlibs:Depends=//p')" ||
	die "dpkg-shlibdeps failed: $(cat "$work/shlibdeps.log")"
for lib in libc6 libgl1 libx11-6; do
	grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || die "Depends '$depends' lacks $lib"
done

mkdir -p "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<EOF
Package: netassist
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Depends: $depends
Section: net
Priority: optional
Description: network debugging assistant for TCP, UDP and HTTP
 NetAssist (网络调试助手) opens TCP servers and clients, UDP sockets and
 HTTP servers and clients in one window. It shows the exact bytes that
 cross each socket, as text or hex, and sends your own; traffic can be
 saved to files as it arrives.
EOF
# md5sums: what `dpkg --verify` checks the installed files against.
(cd "$pkg" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) >"$pkg/DEBIAN/md5sums"
find "$pkg" -type d -exec chmod 0755 {} +
find "$pkg" -type f -exec chmod 0644 {} +
chmod 0755 "$pkg/usr/bin/netassist"
find "$pkg" -exec touch -h -d "@$epoch" {} +

mkdir -p dist
out="dist/netassist_${version}_$arch.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out" >/dev/null || die "dpkg-deb failed"
echo "package-deb: $out ($(stat -c %s "$out") bytes)"
dpkg-deb --field "$out" Package Version Architecture Installed-Size Depends | sed 's/^/  /'

# lintian exits non-zero on errors (its default --fail-on=error) and only then.
echo "package-deb: lintian $out"
rc=0
LC_ALL=C.UTF-8 lintian --fail-on error --display-level '>=pedantic' "$out" >"$work/lintian.log" 2>&1 || rc=$?
grep -v 'running with root privileges' "$work/lintian.log" | sed 's/^/  /' || true
[ "$rc" = 0 ] || die "lintian reports errors on $out (listed above)"
echo "package-deb: lintian: no errors"
