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
		out=$(mktemp)
		if ! $GO test -run='^$' -fuzz="^${name}\$" -fuzztime="$TIME" "$pkg" 2>&1 | tee "$out"; then # pipefail: go test's status
			# On a busy machine Go's fuzz coordinator can end a run with
			# "context deadline exceeded" and no failing input: not a crash.
			# Run such a target once more; a real crasher is always written
			# out ("Failing input written to ...") and is never retried.
			if grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written to' "$out"; then
				echo "=== $pkg $name: the run ended with \"context deadline exceeded\" and no failing input; once more"
				$GO test -run='^$' -fuzz="^${name}\$" -fuzztime="$TIME" "$pkg" || failed+=("$pkg $name")
			else
				failed+=("$pkg $name")
			fi
		fi
		rm -f "$out"
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
