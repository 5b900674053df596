#!/usr/bin/env bash
# Takes the README's screenshots of each session kind from the real window
# under Xvfb, talking to real peers on loopback. Usage: scripts/screenshots.sh [BIN] [OUTDIR]
set -euo pipefail
bin=${1:-build/netassist}
out=${2:-assets/screenshots}
mkdir -p "$out"
for t in Xvfb openbox xdotool import nc curl; do
	command -v $t >/dev/null || { echo "screenshots: $t is missing (scripts/deps.sh test installs it)" >&2; exit 1; }
done
d=90
while [ -e /tmp/.X11-unix/X$d ]; do d=$((d + 1)); done
Xvfb :$d -screen 0 1360x860x24 >/dev/null 2>&1 &
xpid=$!
export DISPLAY=:$d
sleep 1
openbox >/dev/null 2>&1 &
wmpid=$!
home=$(mktemp -d)
cleanup() { kill $app $wmpid $xpid 2>/dev/null || true; rm -rf "$home"; }
app=""
trap cleanup EXIT

# start ARGS...: runs the app and waits for its window.
start() {
	HOME=$home LANG=en_US.UTF-8 "$bin" "$@" >/dev/null 2>&1 &
	app=$!
	win=$(xdotool search --sync --onlyvisible --name NetAssist | head -1)
	xdotool windowsize "$win" 1300 800 windowmove "$win" 0 0
	sleep 1
}
shot() { sleep 1; import -window "$win" "$out/$1"; kill $app; wait $app 2>/dev/null || true; }

start --lang en --open tcp-server://127.0.0.1:17890
(printf 'GET / HTTP/1.1\r\nHost: 127.0.0.1:17890\r\n\r\n'; sleep 2) | nc 127.0.0.1 17890 >/dev/null &
(printf 'hello from a second client\n'; sleep 2) | nc 127.0.0.1 17890 >/dev/null &
sleep 0.5
xdotool type --delay 2 'HTTP/1.1 200 OK\r\n\r\n<h1>hi</h1>'
xdotool key ctrl+Return
shot tcp-server.png

nc -l 127.0.0.1 17891 </dev/null >/dev/null &
ncpid=$!
sleep 0.3
start --lang en --open tcp-client://127.0.0.1:17891
xdotool type --delay 2 '48 65 6C 6C 6F'
shot tcp-client.png
kill $ncpid 2>/dev/null || true

start --lang en --open 'udp://127.0.0.1:19000?remote=127.0.0.1:19001'
printf 'datagram one' | nc -u -w1 127.0.0.1 19000 || true
printf 'datagram two' | nc -u -w1 127.0.0.1 19000 || true
shot udp.png

start --lang en --open http-server://127.0.0.1:18080
curl -s http://127.0.0.1:18080/ >/dev/null
curl -s http://127.0.0.1:18080/style.css >/dev/null
curl -s -d 'name=test1&city=%E5%8C%97%E4%BA%AC' 'http://127.0.0.1:18080/submit?id=123456' >/dev/null
sleep 1
xdotool mousemove 680 249 click 1 # the POST in the request list
sleep 0.5
xdotool mousemove 546 342 click 1 # its Form table
shot http-server.png

start --lang en --open http-server://127.0.0.1:18081 --open http-client://127.0.0.1:18081
xdotool type --delay 2 'GET /api/hello.json HTTP/1.1\r\nHost: 127.0.0.1:18081\r\nAccept-Encoding: gzip\r\n\r\n'
xdotool key ctrl+Return
shot http-client.png

start --lang zh --open tcp-server://127.0.0.1:17892
(printf '你好，世界\r\n'; sleep 2) | nc 127.0.0.1 17892 >/dev/null &
shot tcp-server-zh.png
echo "screenshots written to $out"
