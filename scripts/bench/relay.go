package main

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// The relay part (issue 14): the same loads through the app's TCP and UDP
// relays and through socat on the same machine, in one run.
//
//   - 1 GiB from a client through the relay into a hashing sink, against
//     `socat TCP-LISTEN:…,fork,reuseaddr TCP:…`, with the app's window open.
//   - 10,000 ping-pong round trips (64 bytes) through each, and straight
//     to the echo server: the added p99 is the relay's cost.
//   - 1,000 connections relayed at once, each echoing one line, then all
//     closed: the app's metrics must show them all, then none.
//   - UDP at 20,000 datagrams/s for 10 s through the UDP relay: none lost.
//
// The client, sink and echo servers are goroutines of this process, the
// same for socat and the app, so the ratios compare the relays alone.

type relayRun struct {
	Name    string
	Secs    float64
	Bytes   int64
	SHA     string
	Win     window // app runs only
	HWM     uint64
	Err     string
	P99     time.Duration // ping-pong
	P50     time.Duration
	Samples int
}

func (r relayRun) rate() float64 {
	if r.Secs <= 0 {
		return 0
	}
	return float64(r.Bytes) / r.Secs
}

type relayResult struct {
	Bytes       int64
	SHA         string
	Socat       relayRun
	App         relayRun
	PingDirect  relayRun
	PingSocat   relayRun
	PingApp     relayRun
	Concurrent  int
	ConcOK      int  // connections that echoed their line
	ConcMax     int  // most connections in the metrics
	ConcDrained bool // metrics back to 0 after the close
	ConcDrainS  float64
	ConcErr     string
	UDPSent     int
	UDPGot      int
	UDPBack     int
	UDPWin      window
	UDPErr      string
	Err         string
}

const (
	relayPings     = 10000
	relayConc      = 1000
	relayUDPRate   = 20000
	relayUDPSecs   = 10
	relayPingBytes = 64
)

func benchRelay(e *env, n int64, seed uint64) *relayResult {
	res := &relayResult{Bytes: n, Concurrent: relayConc}
	if _, err := exec.LookPath("socat"); err != nil {
		res.Err = "socat is missing (scripts/deps.sh bench installs it)"
		return res
	}
	res.SHA, _ = streamHash(seed, n)
	e.note("socat TCP-LISTEN:PORT,fork,reuseaddr TCP:127.0.0.1:UPSTREAM")

	// Throughput: socat, then the app.
	res.Socat = e.relayFlood("socat", n, seed, false)
	res.App = e.relayFlood("app", n, seed, true)

	// Ping-pong.
	res.PingDirect, res.PingSocat, res.PingApp = e.relayPingPong()

	e.relayConcurrent(res)
	e.relayUDP(res)
	return res
}

// hashSink accepts one connection on a fresh port and hashes everything
// it reads until EOF.
type hashSink struct {
	ln    net.Listener
	done  chan struct{}
	n     int64
	sha   string
	at    time.Time
	err   error
	start atomic.Int64
}

func newHashSink() (*hashSink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &hashSink{ln: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		c, err := ln.Accept()
		if err != nil {
			s.err = err
			return
		}
		defer c.Close()
		h := sha256.New()
		buf := make([]byte, chunk)
		s.n, s.err = io.CopyBuffer(h, c, buf)
		s.at = time.Now()
		s.sha = hex.EncodeToString(h.Sum(nil))
	}()
	return s, nil
}

func (s *hashSink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// startRelay starts socat or the app relaying a free port to upstream;
// stop ends it. The app's metrics file is in app (nil for socat).
func (e *env) startRelay(name string, app bool, upstream int, udp bool) (port int, stop func(), gp *guiProc, err error) {
	network := "tcp"
	if udp {
		network = "udp"
	}
	if port, err = freePort(network); err != nil {
		return 0, nil, nil, err
	}
	if app {
		scheme := "tcp-relay"
		if udp {
			scheme = "udp-relay"
		}
		spec := fmt.Sprintf("%s://127.0.0.1:%d?to=127.0.0.1:%d", scheme, port, upstream)
		if udp {
			gp, err = e.startApp(name, "--open", spec)
			time.Sleep(time.Second)
		} else {
			gp, err = e.startListeningApp(name, port, "the app's TCP relay", "--open", spec)
		}
		if err != nil {
			return 0, nil, nil, err
		}
		return port, gp.stop, gp, nil
	}
	cmd := exec.Command("socat", fmt.Sprintf("TCP-LISTEN:%d,fork,reuseaddr", port), fmt.Sprintf("TCP:127.0.0.1:%d", upstream))
	if err := cmd.Start(); err != nil {
		return 0, nil, nil, err
	}
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	if err := waitListening(port, 10*time.Second, nil); err != nil {
		stop()
		return 0, nil, nil, err
	}
	return port, stop, nil, nil
}

// relayFlood sends n bytes of the seeded stream through a relay into a
// hashing sink; the clock runs from the first write to the sink's EOF.
func (e *env) relayFlood(who string, n int64, seed uint64, app bool) relayRun {
	r := relayRun{Name: map[bool]string{false: "socat", true: "NetAssist TCP relay (window open)"}[app]}
	sink, err := newHashSink()
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer sink.ln.Close()
	port, stop, gp, err := e.startRelay("relay-flood", app, sink.port(), false)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer stop()
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	g := newStream(seed)
	buf := make([]byte, chunk)
	start := time.Now()
	for left := n; left > 0; left -= chunk {
		g.fill(buf)
		if _, err := c.Write(buf[:min(left, chunk)]); err != nil {
			r.Err = err.Error()
			break
		}
	}
	c.(*net.TCPConn).CloseWrite()
	select {
	case <-sink.done:
	case <-time.After(5 * time.Minute):
		r.Err = "the sink did not see the end within 5 min"
	}
	c.Close()
	if sink.err != nil && r.Err == "" {
		r.Err = sink.err.Error()
	}
	r.Bytes, r.SHA = sink.n, sink.sha
	if !sink.at.IsZero() {
		r.Secs = sink.at.Sub(start).Seconds()
	}
	if gp != nil {
		time.Sleep(1200 * time.Millisecond)
		r.Win = summarise(readMetrics(gp.metrics), start, sink.at)
		r.HWM = gp.peakRSS()
	}
	logf("relay flood via %s: %d bytes in %.2f s, %.0f MB/s, sha256 %s, max ui_lag %.1f ms %s",
		who, r.Bytes, r.Secs, r.rate()/1e6, r.SHA, r.Win.MaxLag, r.Err)
	return r
}

// echoServer echoes every connection's bytes back until it closes.
func echoServer() (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln, nil
}

func (e *env) relayPingPong() (direct, viaSocat, viaApp relayRun) {
	ln, err := echoServer()
	if err != nil {
		direct.Err = err.Error()
		return
	}
	defer ln.Close()
	up := ln.Addr().(*net.TCPAddr).Port
	direct = pingPong("direct to the echo server", up)
	for _, app := range []bool{false, true} {
		name := map[bool]string{false: "via socat", true: "via the NetAssist TCP relay"}[app]
		port, stop, _, err := e.startRelay("relay-ping", app, up, false)
		if err != nil {
			r := relayRun{Name: name, Err: err.Error()}
			if app {
				viaApp = r
			} else {
				viaSocat = r
			}
			continue
		}
		r := pingPong(name, port)
		stop()
		if app {
			viaApp = r
		} else {
			viaSocat = r
		}
	}
	return
}

// pingPong makes relayPings round trips of relayPingBytes on one
// connection and keeps their p50 and p99.
func pingPong(name string, port int) relayRun {
	r := relayRun{Name: name}
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer c.Close()
	msg := make([]byte, relayPingBytes)
	back := make([]byte, relayPingBytes)
	rtts := make([]time.Duration, 0, relayPings)
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	for i := range relayPings + 100 {
		binary.BigEndian.PutUint64(msg, uint64(i))
		t0 := time.Now()
		if _, err := c.Write(msg); err != nil {
			r.Err = err.Error()
			break
		}
		if _, err := io.ReadFull(c, back); err != nil {
			r.Err = err.Error()
			break
		}
		if i >= 100 { // the first ones warm up
			rtts = append(rtts, time.Since(t0))
		}
	}
	sort.Slice(rtts, func(i, j int) bool { return rtts[i] < rtts[j] })
	if len(rtts) > 0 {
		r.P50, r.P99 = rtts[len(rtts)/2], rtts[len(rtts)*99/100]
	}
	r.Samples = len(rtts)
	logf("ping-pong %s: %d round trips, p50 %v, p99 %v %s", name, r.Samples, r.P50, r.P99, r.Err)
	return r
}

// relayConcurrent opens relayConc connections through the app's relay,
// each echoing one line, holds them until the metrics list them all, then
// closes them together and waits for the metrics to show none.
func (e *env) relayConcurrent(res *relayResult) {
	ln, err := echoServer()
	if err != nil {
		res.ConcErr = err.Error()
		return
	}
	defer ln.Close()
	port, stop, gp, err := e.startRelay("relay-conc", true, ln.Addr().(*net.TCPAddr).Port, false)
	if err != nil {
		res.ConcErr = err.Error()
		return
	}
	defer stop()
	start := time.Now()
	conns := make([]net.Conn, relayConc)
	var wg sync.WaitGroup
	var ok atomic.Int64
	var firstErr atomic.Value
	sem := make(chan struct{}, 100)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 20*time.Second)
			if err != nil {
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			conns[i] = c
			line := fmt.Sprintf("connection %04d\n", i)
			c.SetDeadline(time.Now().Add(30 * time.Second))
			c.Write([]byte(line))
			got := make([]byte, len(line))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != line {
				firstErr.CompareAndSwap(nil, fmt.Sprintf("echo %d: %v %q", i, err, got))
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	res.ConcOK = int(ok.Load())
	if m, err := waitMetric(gp.metrics, start, 30*time.Second, func(m metric) bool { return m.Conns >= relayConc }); err == nil {
		res.ConcMax = m.Conns
	} else {
		res.ConcMax = m.Conns
		res.ConcErr = err.Error()
	}
	tClose := time.Now()
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	if m, err := waitMetric(gp.metrics, tClose, 45*time.Second, func(m metric) bool { return m.Conns == 0 }); err == nil {
		res.ConcDrained, res.ConcDrainS = true, m.Time.Sub(tClose).Seconds()
	}
	if v := firstErr.Load(); v != nil && res.ConcErr == "" {
		res.ConcErr = v.(string)
	}
	logf("relay: %d of %d connections echoed; metrics %d at most; drained %v in %.1f s %s",
		res.ConcOK, relayConc, res.ConcMax, res.ConcDrained, res.ConcDrainS, res.ConcErr)
}

// relayUDP sends relayUDPRate datagrams a second for relayUDPSecs through
// the app's UDP relay to an echoing upstream, and counts what arrives
// upstream and what comes back.
func (e *env) relayUDP(res *relayResult) {
	up, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		res.UDPErr = err.Error()
		return
	}
	defer up.Close()
	up.SetReadBuffer(8 << 20)
	var got atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			n, from, err := up.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			got.Add(1)
			up.WriteToUDPAddrPort(buf[:n], from)
		}
	}()
	port, stop, gp, err := e.startRelay("relay-udp", true, up.LocalAddr().(*net.UDPAddr).Port, true)
	if err != nil {
		res.UDPErr = err.Error()
		return
	}
	defer stop()
	c, err := net.DialUDP("udp", nil, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		res.UDPErr = err.Error()
		return
	}
	defer c.Close()
	c.SetReadBuffer(8 << 20)
	var back atomic.Int64
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			back.Add(1)
		}
	}()
	total := relayUDPRate * relayUDPSecs
	msg := make([]byte, 64)
	start := time.Now()
	for i := range total {
		// Paced in steps of 1 ms (20 datagrams), as a device would send.
		if want := start.Add(time.Duration(i) * time.Second / relayUDPRate); time.Until(want) > time.Millisecond {
			time.Sleep(time.Until(want))
		}
		binary.BigEndian.PutUint64(msg, uint64(i))
		if _, err := c.Write(msg); err != nil {
			if res.UDPErr == "" && !errors.Is(err, net.ErrClosed) {
				res.UDPErr = err.Error()
			}
			continue
		}
		res.UDPSent++
	}
	end := time.Now()
	deadline := time.Now().Add(5 * time.Second)
	for (got.Load() < int64(res.UDPSent) || back.Load() < int64(res.UDPSent)) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	res.UDPGot, res.UDPBack = int(got.Load()), int(back.Load())
	time.Sleep(1200 * time.Millisecond)
	res.UDPWin = summarise(readMetrics(gp.metrics), start, end)
	logf("udp relay: sent %d in %.1f s, upstream got %d, back %d; max ui_lag %.1f ms %s",
		res.UDPSent, end.Sub(start).Seconds(), res.UDPGot, res.UDPBack, res.UDPWin.MaxLag, res.UDPErr)
}

func (r *relayResult) checks(rep *report) {
	if r.Err != "" {
		rep.add("TCP relay: 1 GiB throughput / socat's", r.Err, "≥ 0.70", false, false)
		return
	}
	q, ok := 0.0, r.Socat.rate() > 0 && r.App.rate() > 0 && r.App.Err == ""
	if ok {
		q = r.App.rate() / r.Socat.rate()
	}
	rep.add("TCP relay, window open: throughput / socat's", fmt.Sprintf("%.2f (%s vs %s)", q, mbps(r.App.rate()), mbps(r.Socat.rate())), "≥ 0.70", q >= 0.7, ok)
	same := r.App.SHA == r.SHA && r.Socat.SHA == r.SHA
	rep.add("TCP relay: SHA-256 of what arrived equals what was sent (app and socat)", fmt.Sprintf("%v (%d bytes)", same, r.App.Bytes), "equal", same, r.App.SHA != "")
	rep.add("TCP relay: max ui_lag_ms during the 1 GiB", fmt.Sprintf("%.1f ms", r.App.Win.MaxLag), "< 100 ms", r.App.Win.MaxLag < 100, r.App.Win.Lines > 0)
	addApp, addSocat := r.PingApp.P99-r.PingDirect.P99, r.PingSocat.P99-r.PingDirect.P99
	pingOK := r.PingApp.Samples == relayPings && r.PingSocat.Samples == relayPings && r.PingDirect.Samples == relayPings
	rep.add("TCP relay ping-pong (10,000 round trips): added p99 / socat's added p99",
		fmt.Sprintf("%.2f (%v vs %v; p99 direct %v)", float64(addApp)/float64(max(addSocat, time.Microsecond)), addApp, addSocat, r.PingDirect.P99),
		"≤ 2.0", addApp <= 2*max(addSocat, time.Microsecond), pingOK)
	rep.add(fmt.Sprintf("TCP relay: %d concurrent connections relayed, held and closed", r.Concurrent),
		fmt.Sprintf("%d echoed, metrics %d at most, back to 0: %v (%.1f s)", r.ConcOK, r.ConcMax, r.ConcDrained, r.ConcDrainS),
		"all, then 0", r.ConcOK == r.Concurrent && r.ConcMax >= r.Concurrent && r.ConcDrained, r.ConcOK > 0)
	rep.add("UDP relay at 20,000 datagrams/s for 10 s: none lost (upstream, and back)",
		fmt.Sprintf("%d and %d of %d", r.UDPGot, r.UDPBack, r.UDPSent), "all",
		r.UDPSent == relayUDPRate*relayUDPSecs && r.UDPGot == r.UDPSent && r.UDPBack == r.UDPSent, r.UDPSent > 0)
}

func (r *relayResult) markdown(w func(string, ...any)) {
	w("\n## Relay (issue 14)\n\n")
	w("The same loads through the app's relay (`--open tcp-relay://127.0.0.1:PORT?to=127.0.0.1:UPSTREAM`, its window open under the bench's Xvfb) and through `socat TCP-LISTEN:PORT,fork,reuseaddr TCP:127.0.0.1:UPSTREAM`. ")
	w("Client, hashing sink and echo servers are goroutines of the bench process, the same for both.\n\n")
	if r.Err != "" {
		w("**Error:** %s\n\n", r.Err)
		return
	}
	w("| Through | Bytes | Time | Throughput | SHA-256 equal | Max ui_lag_ms | Peak RSS |\n|---|---|---|---|---|---|---|\n")
	for _, x := range []relayRun{r.Socat, r.App} {
		lag, rss := "—", "—"
		if x.Win.Lines > 0 {
			lag, rss = fmt.Sprintf("%.1f", x.Win.MaxLag), mb(x.Win.MaxRSS)
		}
		w("| %s | %d | %.2f s | %s | %v | %s | %s |\n", x.Name, x.Bytes, x.Secs, mbps(x.rate()), x.SHA == r.SHA, lag, rss)
		if x.Err != "" {
			w("\n**%s:** %s\n\n", x.Name, x.Err)
		}
	}
	w("\nPing-pong, %d round trips of %d bytes on one connection (after 100 to warm up):\n\n| Path | p50 | p99 | added p99 |\n|---|---|---|---|\n", relayPings, relayPingBytes)
	for _, x := range []relayRun{r.PingDirect, r.PingSocat, r.PingApp} {
		w("| %s | %v | %v | %v |\n", x.Name, x.P50, x.P99, x.P99-r.PingDirect.P99)
	}
	w("\n%d connections at once through the app's relay to an echo server, each echoing one line: %d echoed, the metrics listed %d at most; after closing them all the metrics showed 0 connections: %v (%.1f s). %s\n",
		r.Concurrent, r.ConcOK, r.ConcMax, r.ConcDrained, r.ConcDrainS, r.ConcErr)
	w("\nUDP relay: %d datagrams of 64 bytes sent at %d/s for %d s; the upstream received %d and echoed them, %d came back. Max ui_lag_ms %.1f. %s\n",
		r.UDPSent, relayUDPRate, relayUDPSecs, r.UDPGot, r.UDPBack, r.UDPWin.MaxLag, r.UDPErr)
}
