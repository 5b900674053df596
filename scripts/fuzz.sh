#!/usr/bin/env bash
# Fuzzing campaign: run every fuzz target of the module, one at a time, for
# TIME each (default 30s). A crasher found by a target is written by `go
# test` to <package>/testdata/fuzz/<Target>/ (keep it: it becomes a seed that
# plain `go test` replays) and makes this script fail once all have run.
#   scripts/fuzz.sh [TIME]        e.g. scripts/fuzz.sh 2m   (make fuzz FUZZTIME=2m)
set -euo pipefail
cd "$(dirname "$0")/.."
TIME=${1:-30s}
GO=${GO:-go}

pkgs=$($GO list ./...)
total=0
failed=()
start=$(date +%s)
for pkg in $pkgs; do
	# -list prints the names matching the pattern, then "ok <pkg>".
	names=$($GO test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
	for name in $names; do
		total=$((total + 1))
		echo "=== $pkg $name ($TIME)"
		if ! $GO test -run='^$' -fuzz="^${name}\$" -fuzztime="$TIME" "$pkg"; then
			failed+=("$pkg $name")
		fi
	done
done
elapsed=$(($(date +%s) - start))
echo
echo "fuzz: $total targets, ${TIME} each, ${elapsed}s in all"
if [ "$total" -eq 0 ]; then
	echo "fuzz: no fuzz targets found" >&2
	exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED (crashers are saved under each package's testdata/fuzz/):" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: no crasher found"
