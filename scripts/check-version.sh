#!/usr/bin/env bash
# Checks that a release tag names the version the program carries:
#   scripts/check-version.sh vX.Y.Z [BINARY]...
# X.Y.Z must equal FyneApp.toml's [Details] Version (the packagers' version and
# the About box's fallback), main.go's default `version` (what a plain
# `go build` prints and shows in About), and, for each BINARY given, the
# version it prints with --version (which the About box shows too).
# The release workflow runs it before building and again on what it built.
# NETASSIST_ROOT points at another source tree (the test uses copies).
set -euo pipefail

root="${NETASSIST_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"

die() { echo "check-version: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 vX.Y.Z [BINARY]..."
tag="$1"
shift
[[ "$tag" =~ ^v([0-9]+\.[0-9]+\.[0-9]+)$ ]] || die "tag '$tag' is not vX.Y.Z (digits only, e.g. v1.2.3)"
want="${BASH_REMATCH[1]}"

toml="$(awk -F'"' '/^\[/{s=$0} s=="[Details]" && $1 ~ /^[ \t]*Version[ \t]*=/{print $2; exit}' "$root/FyneApp.toml")"
[ "$toml" = "$want" ] || die "tag $tag but FyneApp.toml says Version = \"$toml\"; set it to \"$want\""

gomain="$(sed -n 's/^var version = "\(.*\)"$/\1/p' "$root/main.go")"
[ "$gomain" = "$want" ] || die "tag $tag but main.go says var version = \"$gomain\"; set it to \"$want\""

for bin in "$@"; do
	got="$("$bin" --version 2>/dev/null | head -n1)" || die "$bin --version failed"
	[ "$got" = "netassist $want" ] || die "tag $tag but $bin --version prints '$got', want 'netassist $want'"
done
echo "check-version: $tag = FyneApp.toml = main.go${*:+ = --version of $*}"
