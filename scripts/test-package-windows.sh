#!/usr/bin/env bash
# Checks the Windows package built by scripts/package-windows.sh: the .exe must be
# a GUI-subsystem PE (no console window) carrying an icon (RT_ICON/RT_GROUP_ICON)
# and a version resource (RT_VERSION) with the package's version.
#   scripts/test-package-windows.sh [FILE.exe]   (default: newest dist/NetAssist-*-windows-amd64.exe)
# It cannot start the program: Debian's Wine 8.0 cannot run Go >= 1.22 binaries.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
GO="${GO:-go}"

die() { echo "test-package-windows: FAIL: $*" >&2; exit 1; }

exe="${1:-}"
if [ -z "$exe" ]; then
	shopt -s nullglob
	exes=(dist/NetAssist-*-windows-amd64.exe)
	shopt -u nullglob
	[ ${#exes[@]} -gt 0 ] || die "no dist/NetAssist-*-windows-amd64.exe; run make package-windows first"
	exe="$(ls -t "${exes[@]}" | head -n1)"
fi
[ -f "$exe" ] || die "$exe not found"
echo "test-package-windows: testing $exe ($(stat -c %s "$exe") bytes)"

# The version in the file name (NetAssist-<version>-windows-amd64.exe) must be in RT_VERSION.
version="$(basename "$exe" | sed -n 's/^NetAssist-\([0-9.]*\)-windows-.*\.exe$/\1/p')"
"$GO" run ./scripts/check-pe ${version:+-version "$version"} "$exe" || die "check-pe rejected $exe"
echo "test-package-windows: PASS"
