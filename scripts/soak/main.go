// Command soak runs the real NetAssist binary for a while under a virtual
// display with a session of every kind open and peers sending random bytes
// into all of them, then checks that nothing was lost:
//
//   - every saved .rx file's SHA-256 equals what its peer sent;
//   - the app-wide rx_bytes and tx_bytes of --metrics equal what the peers
//     sent and read;
//   - resident memory stays flat after warm-up (the slope of a linear
//     regression over the metrics, in MB per minute, is reported);
//   - after Quit the process exits on its own, with status 0.
//
// Sessions: tcp-server, udp and http-server opened by the app, and a
// tcp-client the app opens to a sink this program runs. Peers: TCP clients
// (reconnecting now and then), UDP sockets, raw keep-alive HTTP clients
// and the sink, writing random bytes (with 0x00, CR, LF, invalid UTF-8 and
// GBK) in random sizes. While they run the display is driven with xdotool
// when it is installed: Ctrl+L clears the receive view, Ctrl+P pauses it
// for a moment, Ctrl+Shift+H switches it between text and hex, the mouse wheel
// scrolls it, and Ctrl+PageDown/PageUp switch between the session tabs.
//
//	go run ./scripts/soak -bin build/netassist -duration 10m
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	binFlag   = flag.String("bin", "build/netassist", "the NetAssist binary")
	duration  = flag.Duration("duration", 10*time.Minute, "how long the peers send")
	tcpPeers  = flag.Int("tcp-peers", 3, "TCP clients of the tcp-server session")
	udpPeers  = flag.Int("udp-peers", 3, "UDP peers of the udp session")
	httpPeers = flag.Int("http-peers", 2, "keep-alive HTTP clients of the http-server session")
	rate      = flag.Int("rate", 128<<10, "bytes per second each TCP peer and the sink send")
	udpRate   = flag.Int("udp-rate", 200, "datagrams per second each UDP peer sends")
	drive     = flag.Bool("drive", true, "drive the display with xdotool when it is installed")
	keep      = flag.Bool("keep", false, "keep the work folder (saved files, metrics, log)")
	warmup    = flag.Duration("warmup", 0, "how long memory may grow before the slope is taken (default: 2/5 of -duration, at least 30s)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "soak: FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("soak: PASS")
}

// stream is what one peer connection (or UDP socket) sent or read.
type stream struct {
	what  string // "tcp-server", "udp", "http-server", "tcp-client"
	local string // the peer's own address: the app names the saved file after it
	h     hashCounter
}

type hashCounter struct {
	mu sync.Mutex
	h  interface {
		io.Writer
		Sum([]byte) []byte
	}
	n int64
}

func (c *hashCounter) add(p []byte) {
	c.mu.Lock()
	if c.h == nil {
		c.h = sha256.New()
	}
	c.h.Write(p)
	c.n += int64(len(p))
	c.mu.Unlock()
}

func (c *hashCounter) sum() (string, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.h == nil {
		c.h = sha256.New()
	}
	return hex.EncodeToString(c.h.Sum(nil)), c.n
}

type soak struct {
	work, save, root, metrics string
	display                   string
	env                       []string

	mu      sync.Mutex
	streams []*stream
	httpRx  atomic.Int64 // response bytes our HTTP clients read (the app's tx)
	errs    []string
	actions []action // what driveDisplay did, for the lag report
}

// action is one thing done to the window, to line up with ui_lag_ms.
type action struct {
	at   time.Time
	what string
}

func (s *soak) newStream(what, local string) *stream {
	st := &stream{what: what, local: local}
	s.mu.Lock()
	s.streams = append(s.streams, st)
	s.mu.Unlock()
	return st
}

func (s *soak) fail(format string, args ...any) {
	s.mu.Lock()
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
	s.mu.Unlock()
}

func run() error {
	bin, err := filepath.Abs(*binFlag)
	if err != nil {
		return err
	}
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("binary: %w (make build)", err)
	}
	work, err := os.MkdirTemp("", "netassist-soak-")
	if err != nil {
		return err
	}
	if *keep {
		fmt.Println("work folder:", work)
	} else {
		defer os.RemoveAll(work)
	}
	s := &soak{work: work, save: filepath.Join(work, "save"), root: filepath.Join(work, "root"), metrics: filepath.Join(work, "metrics.jsonl")}
	for _, d := range []string{s.save, s.root, filepath.Join(work, "home")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	files := map[string]int{"index.html": 2 << 10, "small.txt": 100, "page.bin": 48 << 10, "big.bin": 512 << 10}
	for name, n := range files {
		if err := os.WriteFile(filepath.Join(s.root, name), randomBytes(rand.New(rand.NewPCG(uint64(n), 1)), n), 0o644); err != nil {
			return err
		}
	}

	// The virtual display.
	xvfb, err := s.startDisplay()
	if err != nil {
		return err
	}
	defer stop(xvfb)
	wm := exec.Command("openbox")
	wm.Env = s.env
	wm.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := wm.Start(); err != nil {
		return fmt.Errorf("openbox: %w", err)
	}
	defer stop(wm)

	// The sink the app's tcp-client session connects to.
	sink, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer sink.Close()
	tcpPort, udpPort, httpPort := freePort("tcp"), freePort("udp"), freePort("tcp")
	args := []string{
		"--open", "tcp-server://127.0.0.1:" + tcpPort,
		"--open", "udp://127.0.0.1:" + udpPort,
		"--open", "http-server://127.0.0.1:" + httpPort + "?root=" + s.root,
		"--open", "tcp-client://" + sink.Addr().String(),
		"--save", s.save, "--metrics", s.metrics,
	}
	app := exec.Command(bin, args...)
	app.Env = s.env
	logf, err := os.Create(filepath.Join(work, "app.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	app.Stdout, app.Stderr = logf, logf
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	started := time.Now()
	if err := app.Start(); err != nil {
		return fmt.Errorf("start app: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		if app.ProcessState == nil {
			syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
		}
	}()
	fmt.Printf("app pid %d on %s: %s\n", app.Process.Pid, s.display, strings.Join(args, " "))

	// The app's tcp-client connects to the sink at launch.
	sink.(*net.TCPListener).SetDeadline(time.Now().Add(60 * time.Second))
	sinkConn, err := sink.Accept()
	if err != nil {
		return fmt.Errorf("the app's tcp-client did not connect: %w", err)
	}
	for _, p := range []string{tcpPort, httpPort} {
		if err := waitListen("127.0.0.1:" + p); err != nil {
			return err
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < *tcpPeers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.tcpPeer(ctx, "127.0.0.1:"+tcpPort, uint64(i)) }()
	}
	for i := 0; i < *udpPeers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.udpPeer(ctx, "127.0.0.1:"+udpPort, uint64(100+i)) }()
	}
	for i := 0; i < *httpPeers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); s.httpPeer(ctx, "127.0.0.1:"+httpPort, uint64(200+i)) }()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		st := s.newStream("tcp-client", sinkConn.RemoteAddr().String()) // named after the sink, the app's peer
		st.local = sink.Addr().String()
		s.sendTCP(ctx, sinkConn, st, 300)
		// Keep the connection open: closing it would end the session.
	}()
	drove := make(chan string, 1)
	go func() { drove <- s.driveDisplay(ctx) }()
	go s.progress(ctx, started)
	wg.Wait()
	fmt.Println("peers done; the display was driven with:", <-drove)

	// Every byte counted?
	var wantRx int64
	s.mu.Lock()
	for _, st := range s.streams {
		_, n := st.h.sum()
		wantRx += n
	}
	s.mu.Unlock()
	wantTx := s.httpRx.Load()
	var last metric
	deadline := time.Now().Add(60 * time.Second)
	for {
		ms, _ := readMetrics(s.metrics)
		if len(ms) > 0 {
			last = ms[len(ms)-1]
		}
		if (last.RxBytes == wantRx && last.TxBytes == wantTx) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	fmt.Printf("counters: metrics rx_bytes %d, peers sent %d; tx_bytes %d, peers read %d\n", last.RxBytes, wantRx, last.TxBytes, wantTx)
	if last.RxBytes != wantRx {
		s.fail("rx_bytes %d != %d sent", last.RxBytes, wantRx)
	}
	if last.TxBytes != wantTx {
		s.fail("tx_bytes %d != %d read by the HTTP clients", last.TxBytes, wantTx)
	}

	// Memory.
	ms, err := readMetrics(s.metrics)
	if err != nil {
		return err
	}
	s.reportMemory(ms, started)

	// Quit as a user would (Ctrl+Q), then wait for a clean exit.
	sinkConn.Close()
	how := s.quit(app, exited)
	fmt.Println("exit:", how)
	if how != "Ctrl+Q, exit status 0" && how != "SIGTERM, exit status 0" { // SIGTERM: no xdotool
		s.fail("the app did not exit cleanly: %s", how)
	}

	// Saved files.
	s.checkSaved()
	if len(s.errs) > 0 {
		fmt.Println("log tail:")
		if b, err := os.ReadFile(filepath.Join(work, "app.log")); err == nil {
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			for _, l := range lines[max(0, len(lines)-15):] {
				fmt.Println("  " + l)
			}
		}
		return errors.New(strings.Join(s.errs, "; "))
	}
	return nil
}

// startDisplay starts Xvfb on the first free display from :140.
func (s *soak) startDisplay() (*exec.Cmd, error) {
	for n := 140; n < 400; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		name := ":" + strconv.Itoa(n)
		x := exec.Command("Xvfb", name, "-screen", "0", "1920x1080x24", "-nolisten", "tcp", "-noreset")
		x.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := x.Start(); err != nil {
			return nil, fmt.Errorf("Xvfb: %w", err)
		}
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				s.display = name
				s.env = append(os.Environ(), "DISPLAY="+name, "HOME="+filepath.Join(s.work, "home"),
					"XDG_CONFIG_HOME="+filepath.Join(s.work, "home", ".config"), "LANG=en_US.UTF-8")
				return x, nil
			}
			time.Sleep(100 * time.Millisecond)
		}
		stop(x)
	}
	return nil, errors.New("could not start Xvfb on any display from :140")
}

func stop(c *exec.Cmd) {
	if c.Process != nil {
		syscall.Kill(-c.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { c.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		}
	}
}

func freePort(network string) string {
	var addr string
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		addr = pc.LocalAddr().String()
		pc.Close()
	} else {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			panic(err)
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func waitListen(addr string) error {
	for i := 0; i < 300; i++ {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("nothing listens on %s", addr)
}

// randomBytes is random data in which 0x00, CR, LF, invalid UTF-8 and GBK
// characters are frequent.
func randomBytes(rng *rand.Rand, n int) []byte {
	pieces := [][]byte{{0}, []byte("\r\n"), {'\n'}, {'\r'}, {0xff, 0xfe}, {0xc0, 0xaf}, {0xed, 0xa0, 0x80},
		{0xc4, 0xe3, 0xba, 0xc3}, {0xd6, 0xd0, 0xce, 0xc4}, []byte("中文"), []byte("GET / HTTP/1.1\r\n")}
	b := make([]byte, 0, n+16)
	for len(b) < n {
		switch rng.IntN(5) {
		case 0:
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		case 1:
			b = append(b, byte(' '+rng.IntN(95)))
		default:
			b = append(b, byte(rng.IntN(256)))
		}
	}
	return b[:n]
}

// sendTCP writes random bytes in random sizes at about *rate bytes/s.
func (s *soak) sendTCP(ctx context.Context, c net.Conn, st *stream, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	tick := 20 * time.Millisecond
	budget := *rate / 50
	for ctx.Err() == nil {
		sent := 0
		for sent < budget {
			n := 1 + rng.IntN(min(budget, 16<<10))
			if rng.IntN(20) == 0 {
				n = 1 + rng.IntN(64<<10) // now and then one big write
			}
			p := randomBytes(rng, n)
			c.SetWriteDeadline(time.Now().Add(30 * time.Second))
			m, err := c.Write(p)
			st.h.add(p[:m])
			if err != nil {
				s.fail("%s peer %s: write: %v", st.what, st.local, err)
				return
			}
			sent += m
		}
		select {
		case <-ctx.Done():
		case <-time.After(tick):
		}
	}
}

// tcpPeer connects to the tcp-server session and sends, reconnecting every
// 20–60 s so that connections come and go.
func (s *soak) tcpPeer(ctx context.Context, addr string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	for round := uint64(0); ctx.Err() == nil; round++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			s.fail("tcp peer: %v", err)
			return
		}
		st := s.newStream("tcp-server", c.LocalAddr().String())
		life, cancel := context.WithTimeout(ctx, time.Duration(20+rng.IntN(40))*time.Second)
		go io.Copy(io.Discard, c) // the app sends nothing unless a user types
		s.sendTCP(life, c, st, seed*1000+round)
		cancel()
		c.(*net.TCPConn).CloseWrite()
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		c.Close()
	}
}

// udpPeer sends datagrams of random sizes (1 byte to 8 KiB) to the udp session.
func (s *soak) udpPeer(ctx context.Context, addr string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 4))
	c, err := net.Dial("udp", addr)
	if err != nil {
		s.fail("udp peer: %v", err)
		return
	}
	defer c.Close()
	st := s.newStream("udp", c.LocalAddr().String())
	t := time.NewTicker(time.Second / time.Duration(*udpRate))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n := 1 + rng.IntN(1400)
		if rng.IntN(50) == 0 {
			n = 1 + rng.IntN(8<<10)
		}
		p := randomBytes(rng, n)
		if _, err := c.Write(p); err != nil {
			s.fail("udp peer %s: %v", st.local, err)
			return
		}
		st.h.add(p)
	}
}

// httpPeer sends raw keep-alive requests (so their bytes are known
// exactly) and reads each response whole; it reconnects every 200
// requests.
func (s *soak) httpPeer(ctx context.Context, addr string, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	targets := []string{"/", "/index.html", "/small.txt", "/page.bin", "/missing", "/..%2fsecret", "/.hidden"}
	for ctx.Err() == nil {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			s.fail("http peer: %v", err)
			return
		}
		st := s.newStream("http-server", nc.LocalAddr().String())
		counted := &countReader{r: nc, n: &s.httpRx}
		br := bufio.NewReader(counted)
		for i := 0; i < 200 && ctx.Err() == nil; i++ {
			target := targets[rng.IntN(len(targets))]
			if rng.IntN(40) == 0 {
				target = "/big.bin"
			}
			req := "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: soak\r\n"
			if rng.IntN(4) == 0 {
				req += "Range: bytes=0-" + strconv.Itoa(rng.IntN(5000)) + "\r\n"
			}
			req += "\r\n"
			nc.SetDeadline(time.Now().Add(30 * time.Second))
			if _, err := io.WriteString(nc, req); err != nil {
				s.fail("http peer: write: %v", err)
				return
			}
			st.h.add([]byte(req))
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				s.fail("http peer: read: %v", err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			time.Sleep(time.Duration(20+rng.IntN(80)) * time.Millisecond)
		}
		// Close from our side after the last answer: every response byte
		// has been read, so the app's tx equals what we counted.
		nc.Close()
	}
}

type countReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// driveDisplay clears, scrolls and switches tabs with xdotool now and then.
func (s *soak) driveDisplay(ctx context.Context) string {
	if !*drive {
		return "nothing (-drive=false)"
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		return "nothing (xdotool is not installed)"
	}
	x := func(args ...string) error {
		c := exec.Command("xdotool", args...)
		c.Env = s.env
		return c.Run()
	}
	var win string
	for i := 0; i < 100 && win == ""; i++ {
		c := exec.Command("xdotool", "search", "--onlyvisible", "--name", "NetAssist")
		c.Env = s.env
		out, _ := c.Output()
		if f := strings.Fields(string(out)); len(f) > 0 {
			win = f[0]
		}
		time.Sleep(200 * time.Millisecond)
	}
	if win == "" {
		return "nothing (the window was not found)"
	}
	x("windowactivate", "--sync", win)
	counts := map[string]int{}
	did := func(what string) {
		counts[what]++
		s.mu.Lock()
		s.actions = append(s.actions, action{time.Now(), what})
		s.mu.Unlock()
	}
	rng := rand.New(rand.NewPCG(9, 9))
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			var parts []string
			for k, v := range counts {
				parts = append(parts, fmt.Sprintf("%s ×%d", k, v))
			}
			sort.Strings(parts)
			return strings.Join(parts, ", ")
		case <-t.C:
		}
		switch rng.IntN(7) {
		case 0: // Ctrl+L clears the current receive view
			if x("key", "--window", win, "ctrl+l") == nil {
				did("Ctrl+L (clear)")
			}
		case 1, 2: // scroll the receive view up and down
			btn := "4"
			if rng.IntN(2) == 0 {
				btn = "5"
			}
			if x("mousemove", "--window", win, "640", "500", "click", "--repeat", "5", btn) == nil {
				did("wheel scroll")
			}
		case 3: // switch session tab, forwards or back
			key := "ctrl+Next"
			if rng.IntN(2) == 0 {
				key = "ctrl+Prior"
			}
			if x("key", "--window", win, key) == nil {
				did("Ctrl+PageDown/Up (next/previous tab)")
			}
		case 4: // pause the current view for a moment, then resume it
			if x("key", "--window", win, "ctrl+p") == nil {
				time.Sleep(time.Duration(300+rng.IntN(1200)) * time.Millisecond)
				if x("key", "--window", win, "ctrl+p") == nil {
					did("Ctrl+P (pause, resume)")
				}
			}
		case 5, 6: // switch the current view between text and hex
			if x("key", "--window", win, "ctrl+shift+h") == nil {
				did("Ctrl+Shift+H (text/hex)")
			}
		}
	}
}

func (s *soak) progress(ctx context.Context, started time.Time) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ms, _ := readMetrics(s.metrics)
		if len(ms) > 0 {
			m := ms[len(ms)-1]
			fmt.Printf("  %4.0fs rx %d MB, tx %d MB, %d conns, RSS %.1f MB, UI lag %.1f ms\n", time.Since(started).Seconds(),
				m.RxBytes>>20, m.TxBytes>>20, m.Connections, float64(m.RSSBytes)/1e6, m.UILagMs)
		}
	}
}

type metric struct {
	Time        string  `json:"time"`
	RxBytes     int64   `json:"rx_bytes"`
	TxBytes     int64   `json:"tx_bytes"`
	Connections int     `json:"connections"`
	RSSBytes    int64   `json:"rss_bytes"`
	UILagMs     float64 `json:"ui_lag_ms"`
}

func readMetrics(name string) ([]metric, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []metric
	for _, l := range bytes.Split(b, []byte("\n")) {
		var m metric
		if json.Unmarshal(l, &m) == nil && m.Time != "" {
			out = append(out, m)
		}
	}
	return out, nil
}

// reportMemory prints the RSS slope after warm-up by least squares, and the
// worst UI lag. Warm-up is long because the app's bounded stores fill at
// the soak's rates over minutes, not seconds: each receive view's 200,000
// rows and the HTTP list's 64 MiB of raw bytes (seen: RSS rose for about
// three minutes, then went up and down with the collector).
func (s *soak) reportMemory(ms []metric, started time.Time) {
	warm := *warmup
	if warm <= 0 {
		warm = max(30*time.Second, *duration*2/5)
	}
	var xs, ys []float64
	var peak, lag float64
	for _, m := range ms {
		t, err := time.Parse(time.RFC3339Nano, m.Time)
		if err != nil {
			continue
		}
		mb := float64(m.RSSBytes) / 1e6
		peak = math.Max(peak, mb)
		lag = math.Max(lag, m.UILagMs)
		if d := t.Sub(started); d >= warm && d <= *duration+5*time.Second {
			xs = append(xs, d.Minutes())
			ys = append(ys, mb)
		}
	}
	if len(xs) < 3 {
		s.fail("too few metrics after warm-up (%d)", len(xs))
		return
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	n := float64(len(xs))
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	fmt.Printf("memory: RSS %.1f MB after warm-up (%s), %.1f MB at the end, peak %.1f MB; slope %+.3f MB/min over %d samples; worst UI lag %.1f ms\n",
		ys[0], warm, ys[len(ys)-1], peak, slope, len(xs), lag)
	s.reportLags(ms, started)
}

// reportLags lists the three worst seconds of ui_lag_ms with what was done
// to the window in the two seconds before each.
func (s *soak) reportLags(ms []metric, started time.Time) {
	sorted := slices.Clone(ms)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].UILagMs > sorted[j].UILagMs })
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range sorted[:min(3, len(sorted))] {
		t, err := time.Parse(time.RFC3339Nano, m.Time)
		if err != nil {
			continue
		}
		var near []string
		for _, a := range s.actions {
			if d := t.Sub(a.at); d >= 0 && d <= 2*time.Second {
				near = append(near, fmt.Sprintf("%s %.1fs before", a.what, d.Seconds()))
			}
		}
		if len(near) == 0 {
			near = []string{"nothing"}
		}
		fmt.Printf("  ui_lag_ms %.1f at %.0fs; done to the window just before: %s\n", m.UILagMs, t.Sub(started).Seconds(), strings.Join(near, ", "))
	}
	// The worst second within two seconds after each kind of action, and
	// the worst of the seconds after none.
	worst := map[string]float64{}
	for _, m := range ms {
		t, err := time.Parse(time.RFC3339Nano, m.Time)
		if err != nil {
			continue
		}
		kind := "nothing"
		for _, a := range s.actions {
			if d := t.Sub(a.at); d >= 0 && d <= 2*time.Second {
				kind = a.what
				worst[kind] = math.Max(worst[kind], m.UILagMs)
			}
		}
		if kind == "nothing" {
			worst[kind] = math.Max(worst[kind], m.UILagMs)
		}
	}
	kinds := slices.Sorted(maps.Keys(worst))
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %.1f ms", k, worst[k]))
	}
	fmt.Printf("  worst ui_lag_ms within 2 s after: %s\n", strings.Join(parts, "; "))
	if *keep { // to line up with a profile or trace of the app
		var b strings.Builder
		for _, a := range s.actions {
			fmt.Fprintf(&b, "%s %s\n", a.at.Format(time.RFC3339Nano), a.what)
		}
		os.WriteFile(filepath.Join(s.work, "actions.txt"), []byte(b.String()), 0o644)
	}
}

// quit presses Ctrl+Q in the window. If the app has not exited 20 s later
// it gets SIGQUIT, whose goroutine dump in app.log shows where it hung;
// without xdotool it gets SIGTERM, as a desktop session ending would send.
func (s *soak) quit(app *exec.Cmd, exited <-chan error) string {
	status := func(err error) string {
		if err == nil {
			return "exit status 0"
		}
		return err.Error()
	}
	if _, err := exec.LookPath("xdotool"); err != nil {
		app.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			return "SIGTERM, " + status(err)
		case <-time.After(20 * time.Second):
		}
	} else {
		c := exec.Command("xdotool", "search", "--onlyvisible", "--name", "NetAssist", "windowactivate", "--sync", "key", "ctrl+q")
		c.Env = s.env
		out, err := c.CombinedOutput()
		if err != nil {
			return fmt.Sprintf("xdotool could not press Ctrl+Q: %v %s", err, bytes.TrimSpace(out))
		}
		select {
		case err := <-exited:
			return "Ctrl+Q, " + status(err)
		case <-time.After(20 * time.Second):
		}
		app.Process.Signal(syscall.SIGQUIT)
		select {
		case err := <-exited:
			return "still running 20 s after Ctrl+Q; SIGQUIT (goroutine dump in app.log), " + status(err)
		case <-time.After(20 * time.Second):
		}
	}
	syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
	return "SIGKILL, " + status(<-exited)
}

// checkSaved compares every peer's stream with what was saved of it: a
// connection's .rx file, or a UDP peer's datagrams in udp.rx, found through
// events.jsonl.
func (s *soak) checkSaved() {
	folders, _ := filepath.Glob(filepath.Join(s.save, "*"))
	byPeer := map[string][]string{} // "<ip>_<port>.rx" → saved files (or UDP peers' streams)
	shaOf := map[string]string{}    // the SHA-256 of a UDP peer's stream, by its made-up name
	for _, f := range folders {
		rx, _ := filepath.Glob(filepath.Join(f, "conn*.rx"))
		for _, name := range rx {
			base := filepath.Base(name)
			if i := strings.IndexByte(base, '_'); i >= 0 {
				byPeer[base[i+1:]] = append(byPeer[base[i+1:]], name)
			}
		}
		for peer, sum := range udpStreams(f) {
			host, port, _ := net.SplitHostPort(peer)
			name := filepath.Join(f, "udp.rx#"+peer)
			key := strings.ReplaceAll(host, ":", "-") + "_" + port + ".rx"
			byPeer[key] = append(byPeer[key], name)
			shaOf[name] = sum
		}
	}
	ok, bad := map[string]int{}, 0
	claimed := map[string]bool{}
	var bytesOK int64
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.streams {
		want, n := st.h.sum()
		if n == 0 {
			continue
		}
		host, port, _ := net.SplitHostPort(st.local)
		cands := byPeer[strings.ReplaceAll(host, ":", "-")+"_"+port+".rx"]
		// A later peer can get the same ephemeral port again, so several
		// files may carry this peer's name: the stream must match one of
		// them, and each file stands for one stream only.
		var got string
		for _, f := range cands {
			// Session folders are named after the session: "<kind>-<n>-<time>".
			if claimed[f] || !strings.HasPrefix(filepath.Base(filepath.Dir(f)), st.what) {
				continue
			}
			got = shaOf[f]
			if got == "" {
				got = fileSHA(f)
			}
			if got == want {
				claimed[f] = true
				break
			}
		}
		if got != want {
			bad++
			if bad <= 10 {
				s.errs = append(s.errs, fmt.Sprintf("%s peer %s: saved file %v SHA-256 %.12s; sent %d bytes with %.12s", st.what, st.local, cands, got, n, want))
			}
			continue
		}
		ok[st.what]++
		bytesOK += n
	}
	fmt.Printf("saved files: %d streams match their peers' SHA-256 (%d bytes) — tcp-server %d, udp %d, http-server %d, tcp-client %d; %d differ\n",
		ok["tcp-server"]+ok["udp"]+ok["http-server"]+ok["tcp-client"], bytesOK, ok["tcp-server"], ok["udp"], ok["http-server"], ok["tcp-client"], bad)
	if bad > 10 {
		s.errs = append(s.errs, fmt.Sprintf("… and %d more differ", bad-10))
	}
}

// udpStreams reads a UDP session folder's events.jsonl (format 2) and
// gives the SHA-256 of each peer's datagrams joined in order, read from
// udp.rx at the offsets the events give.
func udpStreams(folder string) map[string]string {
	raw, err := os.Open(filepath.Join(folder, "udp.rx"))
	if err != nil {
		return nil
	}
	defer raw.Close()
	ev, err := os.Open(filepath.Join(folder, "events.jsonl"))
	if err != nil {
		return nil
	}
	defer ev.Close()
	hs := map[string]hash.Hash{}
	sc := bufio.NewScanner(ev)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e struct {
			Event  string `json:"event"`
			Conn   uint64 `json:"conn"`
			Peer   string `json:"peer"`
			Bytes  int64  `json:"bytes"`
			File   string `json:"file"`
			Offset int64  `json:"offset"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Event != "rx" || e.File != "udp.rx" {
			continue
		}
		h := hs[e.Peer]
		if h == nil {
			h = sha256.New()
			hs[e.Peer] = h
		}
		io.Copy(h, io.NewSectionReader(raw, e.Offset, e.Bytes))
	}
	out := map[string]string{}
	for peer, h := range hs {
		out[peer] = hex.EncodeToString(h.Sum(nil))
	}
	return out
}

func fileSHA(name string) string {
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}
