#!/usr/bin/env bash
# Runs NetAssist's benchmark and writes bench/REPORT.md (`make bench` runs
# `scripts/deps.sh bench` first to install Xvfb, openbox, xdotool,
# ImageMagick, nginx-light, wrk, python3).
#   scripts/bench.sh [bench flags…]      e.g. -only flood,http  -keep
# Environment: BIN (default build/netassist) is where the app is built,
# OUT (default bench/REPORT.md) where the report goes.
# Everything runs on 127.0.0.1 under a private Xvfb; see scripts/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${BIN:-build/netassist}"
OUT="${OUT:-bench/REPORT.md}"
GO="${GO:-go}"

for tool in Xvfb openbox xdotool import wrk python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench: $tool is missing (scripts/deps.sh bench)" >&2; exit 1; }
done
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { echo "bench: nginx is missing (scripts/deps.sh bench)" >&2; exit 1; }

# 10,000 clients: the client process and the app each hold 10,000 sockets.
want=32768
hard="$(ulimit -Hn)"
if [ "$hard" != unlimited ] && [ "$hard" -lt "$want" ]; then
	ulimit -Hn "$want" 2>/dev/null || want="$hard"
fi
ulimit -n "$want"
echo "bench: ulimit -n $(ulimit -n), $(nproc) cores, $($GO version)"

mkdir -p "$(dirname "$BIN")"
echo "bench: building $BIN"
# The same build as make build (see the Makefile on no_animations).
$GO build -tags no_animations -o "$BIN" .
tmp="$(mktemp -d "${TMPDIR:-/tmp}/netassist-benchbin.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
$GO build -o "$tmp/bench" ./scripts/bench
$GO build -o "$tmp/fynepeer" ./scripts/bench/fynepeer

PATH="$PATH:/usr/sbin" "$tmp/bench" -bin "$BIN" -peer "$tmp/fynepeer" -out "$OUT" "$@"
