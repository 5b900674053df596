#!/usr/bin/env bash
# Measures NetAssist's start-up time under Xvfb: launch to first frame.
#   scripts/startup-time.sh [BINARY] [RUNS]      (defaults: build/netassist, 5)
# For each run (fresh temporary HOME, so no saved state; LANG=en_US.UTF-8):
#   mapped  = exec → a visible (mapped) window named NetAssist exists: what
#             `xdotool search --sync --onlyvisible --name NetAssist` waits for,
#             polled here every ~10 ms (--sync itself only polls every 0.5 s)
#   painted = exec → that window's pixels are no longer one flat colour
#             (the first frame has been drawn; polled with ImageMagick import)
# Prints each run and the medians in milliseconds. One private Xvfb (free
# display chosen with -displayfd) with openbox serves all runs.
# Needs Xvfb, openbox, xdotool, ImageMagick (scripts/deps.sh test).
set -euo pipefail

bin="${1:-build/netassist}"
runs="${2:-5}"
TIMEOUT="${TIMEOUT:-30}"

die() { echo "startup-time: $*" >&2; exit 1; }
[ -x "$bin" ] || die "$bin is not an executable (give the binary as the first argument)"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
for tool in Xvfb openbox xdotool import; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (scripts/deps.sh test)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/netassist-startup.XXXXXX")"
app_pid="" xvfb_pid="" wm_pid=""
cleanup() {
	for p in $app_pid $wm_pid $xvfb_pid; do kill "$p" 2>/dev/null || true; done
	for p in $app_pid $wm_pid $xvfb_pid; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || die "Xvfb did not start: $(cat "$work/xvfb.log")"
DISPLAY=":$(head -n1 "$work/display")"
export DISPLAY
mkdir -p "$work/wm-home"
HOME="$work/wm-home" openbox >"$work/openbox.log" 2>&1 &
wm_pid=$!
sleep 0.5

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END{if (NR%2) print a[(NR+1)/2]; else print int((a[NR/2]+a[NR/2+1])/2)}'; }

echo "startup-time: $bin, $runs runs, Xvfb $DISPLAY + openbox"
mapped_all=() painted_all=()
for i in $(seq "$runs"); do
	home="$work/home-$i"
	mkdir -p "$home"
	t0=$(now_ms)
	env -u XDG_CONFIG_HOME -u XDG_DATA_HOME -u XDG_CACHE_HOME \
		HOME="$home" LANG=en_US.UTF-8 LC_ALL= "$bin" >"$work/app-$i.log" 2>&1 &
	app_pid=$!
	wid="" deadline=$((t0 + TIMEOUT * 1000))
	while [ -z "$wid" ]; do
		wid="$(xdotool search --onlyvisible --name NetAssist 2>/dev/null | head -n1 || true)"
		[ -n "$wid" ] && break
		kill -0 "$app_pid" 2>/dev/null || die "run $i: the program exited: $(tail -n 20 "$work/app-$i.log")"
		[ "$(now_ms)" -lt "$deadline" ] || die "run $i: no window within ${TIMEOUT}s"
		sleep 0.01
	done
	t_mapped=$(($(now_ms) - t0))
	while :; do
		sd="$(import -silent -window "$wid" -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)"
		awk -v s="$sd" 'BEGIN{exit !(s > 0.01)}' && break
		[ "$(now_ms)" -lt "$deadline" ] || die "run $i: window $wid stayed blank for ${TIMEOUT}s"
		sleep 0.01
	done
	t_painted=$(($(now_ms) - t0))
	printf 'run %d: mapped %5d ms   painted %5d ms\n' "$i" "$t_mapped" "$t_painted"
	mapped_all+=("$t_mapped")
	painted_all+=("$t_painted")
	kill "$app_pid" 2>/dev/null || true
	wait "$app_pid" 2>/dev/null || true
	app_pid=""
	# Let the window disappear before the next run searches for one.
	for _ in $(seq 100); do
		[ -z "$(xdotool search --onlyvisible --name NetAssist 2>/dev/null || true)" ] && break
		sleep 0.05
	done
done
printf 'median (%d runs): mapped %d ms   painted %d ms\n' "$runs" \
	"$(printf '%s\n' "${mapped_all[@]}" | median)" "$(printf '%s\n' "${painted_all[@]}" | median)"
