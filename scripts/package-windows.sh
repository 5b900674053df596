#!/usr/bin/env bash
# Cross-builds the Windows program on Linux with mingw-w64 and the fyne packager:
#   dist/NetAssist-<version>-windows-amd64.exe
# a GUI-subsystem executable (-H windowsgui, no console window) with the icon,
# manifest and version resources embedded (the packager makes a .syso from
# FyneApp.toml and the icon, then rebuilds with it).
#
# Installs Debian's gcc-mingw-w64-x86-64 when missing (scripts/deps.sh windows).
# VERSION=x.y.z in the environment overrides FyneApp.toml's version.
# The first build compiles all of Fyne's cgo for Windows (several minutes);
# later builds come from the Go build cache.
#
# Like package-linux.sh it packages a throw-away copy of the sources, so the
# packager's temporary files and its Build bump in FyneApp.toml never reach the
# working tree.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"
CC_WIN="${CC_WIN:-x86_64-w64-mingw32-gcc}"

die() { echo "package-windows: $*" >&2; exit 1; }

[ -f FyneApp.toml ] || die "FyneApp.toml not found in $root"
toml_version="$(awk -F'"' '/^\[/{s=$0} s=="[Details]" && $1 ~ /^[ \t]*Version[ \t]*=/{print $2; exit}' FyneApp.toml)"
version="${VERSION:-$toml_version}"
[ -n "$version" ] || die "no Version in FyneApp.toml [Details] and VERSION not set"
[[ "$version" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || die "version '$version' must be x, x.y or x.y.z (digits only)"

if ! command -v "$CC_WIN" >/dev/null 2>&1; then
	scripts/deps.sh windows || die "could not install the mingw-w64 cross compiler"
fi
command -v "$CC_WIN" >/dev/null 2>&1 || die "$CC_WIN not found (Debian: apt-get install gcc-mingw-w64-x86-64)"

stage="$(mktemp -d "${TMPDIR:-/tmp}/netassist-pkg-windows.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$stage"
else
	tar --exclude=./.git --exclude=./build --exclude=./dist -cf - . | tar -xf - -C "$stage"
fi

echo "package-windows: NetAssist $version, fyne package -os windows -release (CC=$CC_WIN)"
start=$(date +%s)
# Build the packager for this machine first: `GOOS=windows go tool fyne` would
# build the tool itself as a Windows program and fail with "exec format error".
"$GO" build -o "$stage/.tools/fyne" fyne.io/fyne/v2/cmd/fyne || die "could not build the fyne packager"
(
	cd "$stage"
	export CC="$CC_WIN" CGO_ENABLED=1 GOOS=windows GOARCH=amd64
	# -X main.version goes through GOFLAGS: the packager moves -ldflags= from there
	# to its own -ldflags (with -s -w -H=windowsgui). No spaces allowed inside.
	export GOFLAGS="${GOFLAGS:+$GOFLAGS }-ldflags=-X=main.version=$version"
	# The default executable name netassist.exe sits in the main package directory,
	# which is where the packager's fyne.syso (icon, manifest, version) must be.
	"$stage/.tools/fyne" package -os windows -release -tags no_animations -name NetAssist -appVersion "$version"
) || die "fyne package failed"
[ -f "$stage/NetAssist.exe" ] || die "the packager did not produce NetAssist.exe"

mkdir -p dist
out="dist/NetAssist-$version-windows-amd64.exe"
mv -f "$stage/NetAssist.exe" "$out"
echo "package-windows: $out ($(stat -c %s "$out") bytes, built in $(($(date +%s) - start)) s)"
