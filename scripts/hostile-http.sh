#!/usr/bin/env bash
# Hostile clients against NetAssist's HTTP server, on loopback only.
#
# Starts the real app (build/netassist, or $NETASSIST_BIN) under its own
# Xvfb with --open http-server://127.0.0.1:PORT?root=DIR, then runs
# slowhttptest's slow headers (-H), slow body (-B), slow read (-X) and range
# (-R) attacks with 1,000 connections each (at most $ATTACK_SECS s each),
# while a probe loop checks that a normal curl request is still answered
# within $LIMIT s; then nmap's http-slowloris-check and http-passwd scripts.
# Prints a summary; exits non-zero if the server stopped answering (or was
# slower than $LIMIT s), or served /etc/passwd or the file beside its root.
#
#   scripts/hostile-http.sh            (ATTACK_SECS=30 CONNS=1000 LIMIT=1.0)
set -euo pipefail
cd "$(dirname "$0")/.."
ATTACK_SECS=${ATTACK_SECS:-30}
CONNS=${CONNS:-1000}
LIMIT=${LIMIT:-1.0}
BIN=${NETASSIST_BIN:-build/netassist}

# --- tools -------------------------------------------------------------
need=()
for t in slowhttptest:slowhttptest nmap:nmap curl:curl Xvfb:xvfb openbox:openbox; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
	echo "installing ${need[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -x "$BIN" ]; then
	echo "building $BIN"
	go build -o "$BIN" .
fi
BIN=$(realpath "$BIN")
ulimit -n 20000 2>/dev/null || true

# --- scratch space, cleaned up with every process we started ------------
WORK=$(mktemp -d /tmp/netassist-hostile.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

ROOT=$WORK/base/root
mkdir -p "$ROOT" "$WORK/home" "$WORK/out"
echo "TOP-SECRET-BESIDE-THE-ROOT" >"$WORK/base/secret.txt"
printf 'hello, world\n' >"$ROOT/hello.txt"
printf '<!DOCTYPE html><title>t</title><p>hi</p>\n' >"$ROOT/index.html"
head -c $((1 << 20)) /dev/urandom >"$ROOT/big.bin"
ln -s "$WORK/base/secret.txt" "$ROOT/link-out.txt"
ln -s /etc/passwd "$ROOT/passwd-link"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT

# --- Xvfb + openbox + the app -------------------------------------------
DISP=
for n in $(seq 120 399); do
	[ -e "/tmp/.X$n-lock" ] && continue
	Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp -noreset >"$WORK/xvfb.log" 2>&1 &
	xp=$!
	sleep 0.5
	if kill -0 "$xp" 2>/dev/null; then DISP=:$n; pids+=("$xp"); break; fi
done
[ -n "$DISP" ] || { echo "could not start Xvfb" >&2; exit 1; }
export DISPLAY=$DISP HOME=$WORK/home LANG=en_US.UTF-8 XDG_CONFIG_HOME=$WORK/home/.config
openbox >"$WORK/openbox.log" 2>&1 &
pids+=($!)
"$BIN" --open "http-server://127.0.0.1:$PORT?root=$ROOT" --metrics "$WORK/metrics.jsonl" >"$WORK/app.log" 2>&1 &
APP=$!
pids+=("$APP")
for i in $(seq 1 150); do
	curl -s -o /dev/null --max-time 1 "$URL/hello.txt" && break
	kill -0 "$APP" 2>/dev/null || { echo "the app exited:"; cat "$WORK/app.log"; exit 1; }
	sleep 0.2
done
curl -sf -o /dev/null "$URL/hello.txt" || { echo "the app's HTTP server does not answer" >&2; exit 1; }
echo "app pid $APP on $DISP, serving $ROOT at $URL"

# --- probe loop: one normal request every 0.25 s -------------------------
PROBE=$WORK/probe.log
: >"$PROBE"
probe_loop() {
	while [ ! -e "$WORK/stop-probe" ]; do
		# "<phase> <http code> <seconds>"; 000 = no answer within 5 s.
		r=$(curl -s -o /dev/null --max-time 5 -w '%{http_code} %{time_total}' "$URL/hello.txt" || true)
		echo "$(cat "$WORK/phase") ${r:-000 5}" >>"$PROBE"
		sleep 0.25
	done
}
echo idle >"$WORK/phase"
probe_loop &
PROBE_PID=$!
pids+=("$PROBE_PID")

attack() { # name, slowhttptest options...
	local name=$1
	shift
	echo "$name" >"$WORK/phase"
	echo "=== $name: slowhttptest $* (${CONNS} connections, ${ATTACK_SECS}s)"
	timeout $((ATTACK_SECS + 30)) slowhttptest -c "$CONNS" -r 500 -l "$ATTACK_SECS" -p 3 -g \
		-o "$WORK/out/$name" "$@" >"$WORK/out/$name.log" 2>&1 || true
	grep -E 'Exit status|slow HTTP test status' "$WORK/out/$name.log" | tail -2 | sed 's/^/  /' || true
	# The most connections slowhttptest held open at once (column 4, "Connected", of its CSV).
	if [ -f "$WORK/out/$name.csv" ]; then
		awk -F, 'NR > 1 && $4 > m { m = $4 } END { printf "  max connected at once: %d\n", m }' "$WORK/out/$name.csv"
	fi
	echo "between" >"$WORK/phase"
	sleep 2
}

attack slow-headers -H -i 10 -x 24 -u "$URL/"
attack slow-body -B -i 10 -s 8192 -x 24 -u "$URL/"
attack slow-read -X -w 10 -y 20 -n 5 -z 32 -k 3 -u "$URL/big.bin"
attack range -R -a 10 -b 3000 -u "$URL/big.bin"

echo nmap >"$WORK/phase"
echo "=== nmap --script http-slowloris-check,http-passwd"
nmap -Pn -n -p "$PORT" --script http-slowloris-check,http-passwd 127.0.0.1 >"$WORK/out/nmap.log" 2>&1 || true
sed -n '/PORT/,/Nmap done/p' "$WORK/out/nmap.log" | sed 's/^/  /'

# A few traversals by hand, as a last word.
leaks=0
for t in /../../../../etc/passwd /..%2f..%2f..%2fetc%2fpasswd /%2e%2e/secret.txt /link-out.txt /passwd-link \
	"/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd" /..%5c..%5cetc%5cpasswd; do
	body=$(curl -s --path-as-is --max-time 5 "$URL$t" || true)
	if grep -q -e 'root:x:0:0' -e 'root:\*:0:0' -e TOP-SECRET <<<"$body"; then
		echo "LEAK: $t"
		leaks=$((leaks + 1))
	fi
done
if grep -q -e 'root:x:0:0' -e 'root:\*:0:0' -e 'Directory traversal found' "$WORK/out/nmap.log"; then
	echo "LEAK: nmap http-passwd found /etc/passwd"
	leaks=$((leaks + 1))
fi

touch "$WORK/stop-probe"
wait "$PROBE_PID" 2>/dev/null || true
alive=yes
kill -0 "$APP" 2>/dev/null || alive=no

# --- summary ------------------------------------------------------------
echo
echo "=== summary (probe: GET /hello.txt every 0.25 s; limit ${LIMIT}s)"
printf '%-14s %7s %9s %9s %9s\n' phase probes failed over_lim worst_s
fail=0
for ph in idle slow-headers slow-body slow-read range nmap; do
	read -r n bad over worst < <(awk -v ph="$ph" -v lim="$LIMIT" '
		$1 == ph { n++; if ($2 != "200") bad++; if ($3 + 0 > lim) over++; if ($3 + 0 > w) w = $3 + 0 }
		END { printf "%d %d %d %.3f\n", n, bad, over, w }' "$PROBE")
	printf '%-14s %7d %9d %9d %9s\n' "$ph" "$n" "$bad" "$over" "$worst"
	if [ "$bad" -gt 0 ] || [ "$over" -gt 0 ]; then fail=1; fi
	if [ "$ph" != idle ] && [ "$ph" != nmap ] && [ "$n" -eq 0 ]; then fail=1; fi
done
worst_all=$(awk '{ if ($3 + 0 > w) w = $3 + 0 } END { printf "%.3f", w }' "$PROBE")
rss=$(tail -1 "$WORK/metrics.jsonl" 2>/dev/null | sed -n 's/.*"rss_bytes":\([0-9]*\).*/\1/p')
echo "worst probe latency: ${worst_all}s; app alive: $alive; app RSS at the end: $((${rss:-0} / 1048576)) MiB; leaks: $leaks"
if [ "$alive" != yes ]; then echo "FAIL: the app died" >&2; exit 1; fi
if [ "$leaks" -gt 0 ]; then echo "FAIL: a file outside the root was served" >&2; exit 1; fi
if [ "$fail" -ne 0 ]; then echo "FAIL: a normal request was not answered within ${LIMIT}s during an attack" >&2; exit 1; fi
echo "PASS"
