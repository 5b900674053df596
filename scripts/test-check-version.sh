#!/usr/bin/env bash
# Tests scripts/check-version.sh: the tag of this tree's version passes; a
# different tag, a malformed tag, a FyneApp.toml or main.go that disagrees, and
# a binary that prints another version each fail, naming what disagrees.
#   scripts/test-check-version.sh BINARY   (a build of this tree, e.g. build/netassist)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check="$root/scripts/check-version.sh"
bin="${1:?usage: $0 BINARY}"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

die() { echo "test-check-version: FAIL: $*" >&2; exit 1; }
ok() { echo "test-check-version: ok: $*"; }

v="$(awk -F'"' '/^\[/{s=$0} s=="[Details]" && $1 ~ /^[ \t]*Version[ \t]*=/{print $2; exit}' "$root/FyneApp.toml")"
[ -n "$v" ] || die "no Version in FyneApp.toml"

# passes TAG [BIN...] / fails WORD TAG [BIN...]: WORD must be in the message.
passes() { out="$("$check" "$@" 2>&1)" || die "check-version $* failed: $out"; ok "accepts $*"; }
fails() {
	local word="$1"
	shift
	if out="$("$check" "$@" 2>&1)"; then die "check-version $* passed; want a failure naming $word"; fi
	grep -qF -- "$word" <<<"$out" || die "check-version $* failed without naming $word: $out"
	ok "rejects $*: $out"
}

passes "v$v"
passes "v$v" "$bin"
fails "FyneApp.toml" "v${v%.*}.$((${v##*.} + 1))"
fails "FyneApp.toml" "v9.9.9" "$bin"
for bad in "$v" "v${v%.*}" "v$v-rc1" "V$v" "release-$v"; do fails "is not vX.Y.Z" "$bad"; done

# Copies of the tree's two version files, one of them changed.
work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-check-version.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$root/FyneApp.toml" "$root/main.go" "$work/"
NETASSIST_ROOT="$work" passes "v$v"
sed -i "s/^\( *Version *= *\)\"$v\"/\1\"9.9.9\"/" "$work/FyneApp.toml"
NETASSIST_ROOT="$work" fails 'FyneApp.toml says Version = "9.9.9"' "v$v"
sed -i "s/^var version = \"$v\"$/var version = \"9.9.9\"/" "$work/main.go"
NETASSIST_ROOT="$work" passes "v9.9.9"
# Both files say 9.9.9 but the binary was built as $v.
NETASSIST_ROOT="$work" fails "$(basename "$bin") --version prints 'netassist $v'" "v9.9.9" "$bin"
cp "$root/FyneApp.toml" "$work/"
sed -i "s/^\( *Version *= *\)\"$v\"/\1\"9.9.9\"/" "$work/FyneApp.toml"
cp "$root/main.go" "$work/"
NETASSIST_ROOT="$work" fails "main.go" "v9.9.9"
echo "test-check-version: PASS"
