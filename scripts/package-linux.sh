#!/usr/bin/env bash
# Builds the Linux desktop package with the fyne packager (a Go tool of this module):
#   dist/NetAssist-<version>-linux-<arch>.tar.xz
# holding the release binary, NetAssist.desktop, the icon and a Makefile whose
# `make install` (PREFIX=/usr/local by default) or `make user-install` (~/.local)
# puts NetAssist into the desktop menu.
#
# Name, app ID, version, build number, icon and the .desktop entries come from
# FyneApp.toml; VERSION=x.y.z in the environment overrides the version.
#
# The packager writes into the directory it packages (fyne_metadata_init.go, the
# binary, tmp-pkg/, the archive) and bumps Build in FyneApp.toml. To keep the
# working tree untouched it runs on a throw-away copy of the sources.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"

die() { echo "package-linux: $*" >&2; exit 1; }

[ -f FyneApp.toml ] || die "FyneApp.toml not found in $root"
toml_version="$(awk -F'"' '/^\[/{s=$0} s=="[Details]" && $1 ~ /^[ \t]*Version[ \t]*=/{print $2; exit}' FyneApp.toml)"
version="${VERSION:-$toml_version}"
[ -n "$version" ] || die "no Version in FyneApp.toml [Details] and VERSION not set"
[[ "$version" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || die "version '$version' must be x, x.y or x.y.z (digits only)"
arch="$("$GO" env GOARCH)"

command -v tar >/dev/null || die "tar is required"
command -v xz >/dev/null || die "xz is required (Debian: xz-utils)"

# Stage the sources: tracked and untracked-but-not-ignored files (no .git, build, dist).
stage="$(mktemp -d "${TMPDIR:-/tmp}/netassist-pkg-linux.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$stage"
else
	tar --exclude=./.git --exclude=./build --exclude=./dist -cf - . | tar -xf - -C "$stage"
fi

echo "package-linux: NetAssist $version ($arch), fyne package -os linux -release"
(
	cd "$stage"
	# -X main.version goes through GOFLAGS: the packager moves -ldflags= from there
	# to its own -ldflags (next to -s -w). No spaces allowed inside.
	# -buildmode=pie: a position-independent binary, as Debian builds its
	# programs (lintian: hardening-no-pie); the .deb carries this same binary.
	export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildmode=pie -ldflags=-X=main.version=$version"
	# -executable: the default output name (the module name, "netassist") is taken
	# by the netassist/ package directory; the packager builds to this path instead.
	mkdir -p build
	"$GO" tool fyne package -os linux -release -tags no_animations -name NetAssist -appVersion "$version" \
		-executable "$stage/build/netassist"
) || die "fyne package failed"
[ -f "$stage/NetAssist.tar.xz" ] || die "the packager did not produce NetAssist.tar.xz"

# Sanity-check the archive: binary, .desktop, icon and the install Makefile.
listing="$(tar -tJf "$stage/NetAssist.tar.xz")"
for want in '/Makefile$' '/bin/netassist$' '/share/applications/NetAssist\.desktop$' '/share/pixmaps/NetAssist\.png$'; do
	grep -Eq "$want" <<<"$listing" || die "archive lacks an entry matching $want; it has:
$listing"
done

mkdir -p dist
out="dist/NetAssist-$version-linux-$arch.tar.xz"
mv -f "$stage/NetAssist.tar.xz" "$out"
echo "package-linux: $out ($(stat -c %s "$out") bytes)"
sed 's/^/  /' <<<"$listing"
