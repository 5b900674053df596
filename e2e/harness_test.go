//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Screen size of the virtual display: room for the window's default
// 1280×800, openbox's title bar, and a window that grew.
const screenGeometry = "1920x1080x24"

// requireE2E skips unless NETASSIST_E2E=1 and returns the binary under test.
// Once enabled, anything missing is a failure, not a skip.
func requireE2E(t *testing.T) string {
	t.Helper()
	if os.Getenv("NETASSIST_E2E") != "1" {
		t.Skip("end-to-end test of the real binary under Xvfb: run `make e2e` (NETASSIST_E2E=1 NETASSIST_BIN=/abs/path/netassist)")
	}
	bin := os.Getenv("NETASSIST_BIN")
	if bin == "" {
		t.Fatal("NETASSIST_E2E=1 but NETASSIST_BIN is not set: give the absolute path of the built netassist binary (make e2e does)")
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		t.Fatalf("NETASSIST_BIN %q: %v", bin, err)
	}
	if st, err := os.Stat(abs); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		t.Fatalf("NETASSIST_BIN %q is not an executable file (err %v)", abs, err)
	}
	return abs
}

// requireTools fails the test when a program it needs is missing.
func requireTools(t *testing.T, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("missing %s: install them with scripts/deps.sh test (Debian/Ubuntu: xvfb openbox xdotool imagemagick x11-utils)", strings.Join(missing, ", "))
	}
}

// artifactsDir is $NETASSIST_ARTIFACTS or e2e/out.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("NETASSIST_ARTIFACTS")
	if dir == "" {
		dir = "out" // go test runs in the package folder: e2e/out
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		t.Fatalf("artifacts folder: %v", err)
	}
	return abs
}

// proc is a child process in its own process group, killed with its
// children at cleanup.
type proc struct {
	name   string
	cmd    *exec.Cmd
	out    *syncBuffer // stdout
	err    *syncBuffer // stderr
	done   chan struct{}
	waitEr error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startProc starts cmd in a new process group and registers a cleanup that
// kills the whole group.
func startProc(t *testing.T, name string, cmd *exec.Cmd) *proc {
	t.Helper()
	p := &proc{name: name, cmd: cmd, out: &syncBuffer{}, err: &syncBuffer{}, done: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = p.out
	}
	if cmd.Stderr == nil {
		cmd.Stderr = p.err
	}
	// Setpgid: kill the process and its children at once. Pdeathsig: if
	// the test binary dies (timeout panic), the child dies with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.waitEr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(p.kill)
	return p
}

// kill ends the process group and waits for the process: SIGTERM first,
// so Xvfb removes its lock file and socket, then SIGKILL.
func (p *proc) kill() {
	if p.cmd.Process == nil {
		return
	}
	pgid := p.cmd.Process.Pid
	if !p.exited() {
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // whatever is left of the group
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
	}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// display is an Xvfb server with openbox managing its windows.
type display struct {
	t         *testing.T
	name      string // ":N"
	x         *proc  // the Xvfb server
	env       []string
	artifacts string
}

// baseEnv is the environment of every child: ours minus what would leak the
// host's desktop, language or preferences into the run.
func baseEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "DISPLAY", k == "WAYLAND_DISPLAY", k == "HOME", k == "XAUTHORITY",
			k == "LANG", k == "LANGUAGE", strings.HasPrefix(k, "LC_"), strings.HasPrefix(k, "XDG_"),
			k == "DBUS_SESSION_BUS_ADDRESS":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "LANG=en_US.UTF-8")
}

// newDisplay starts Xvfb on a free display number and openbox on it, and
// waits until both answer.
func newDisplay(t *testing.T) *display {
	t.Helper()
	requireTools(t, "Xvfb", "openbox", "xdotool", "xdpyinfo", "xprop", "import")
	d := &display{t: t, artifacts: artifactsDir(t)}
	tries := 0
	for n := 90; n < 400 && tries < 8; n++ {
		if displayTaken(n) {
			continue
		}
		tries++
		name := ":" + strconv.Itoa(n)
		x := startProc(t, "Xvfb "+name, exec.Command("Xvfb", name, "-screen", "0", screenGeometry, "-nolisten", "tcp", "-noreset"))
		if waitX(name, x, 15*time.Second) {
			d.name, d.x = name, x
			break
		}
		x.kill() // lost a race for this number, or broken: try the next
		if !strings.Contains(x.err.String(), "already active") && !strings.Contains(x.err.String(), "Cannot establish any listening sockets") {
			t.Logf("Xvfb %s did not start: %s", name, strings.TrimSpace(x.err.String()))
		}
	}
	if d.name == "" {
		t.Fatalf("could not start Xvfb (%d tries on free display numbers from :90)", tries)
	}
	t.Logf("Xvfb on display %s", d.name)
	d.env = append(baseEnv(t.TempDir()), "DISPLAY="+d.name)

	wm := exec.Command("openbox")
	wm.Env = d.env
	wmp := startProc(t, "openbox", wm)
	// openbox is managing once it sets _NET_SUPPORTING_WM_CHECK on the root.
	waitFor(t, 20*time.Second, "openbox to manage the display", func() (bool, error) {
		if wmp.exited() {
			return false, fmt.Errorf("openbox exited: %v\n%s", wmp.waitEr, wmp.err.String())
		}
		out, err := d.run(5*time.Second, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK")
		return err == nil && strings.Contains(out, "window id"), nil
	})
	return d
}

// displayTaken reports whether display :n has a live lock file or a socket
// without a lock. A lock left by a dead server is stale: Xvfb replaces it.
func displayTaken(n int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
	if err != nil {
		return exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return true
	}
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// waitX waits until xdpyinfo answers on name while x is still running.
func waitX(name string, x *proc, timeout time.Duration) bool {
	end := time.Now().Add(timeout)
	for time.Now().Before(end) {
		if x.exited() {
			return false
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := exec.CommandContext(ctx, "xdpyinfo", "-display", name).Run()
		cancel()
		if err == nil {
			return !x.exited()
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// run runs a short X client on the display and returns its stdout.
func (d *display) run(timeout time.Duration, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = d.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// xdotool runs xdotool and fails the test on error.
func (d *display) xdotool(args ...string) string {
	d.t.Helper()
	out, err := d.run(30*time.Second, "xdotool", args...)
	if err != nil {
		d.t.Fatal(err)
	}
	return strings.TrimSpace(out)
}

// typeText types s as a person would, into whatever has keyboard focus.
// Only ASCII: xdotool's typing of other characters depends on the keymap.
func (d *display) typeText(s string) {
	d.t.Helper()
	d.xdotool("type", "--delay", "15", "--", s)
}

// key presses a key combination such as "ctrl+Return".
func (d *display) key(k string) {
	d.t.Helper()
	d.xdotool("key", "--clearmodifiers", k)
}

// screenshot saves the whole screen as name in the artifacts folder.
func (d *display) screenshot(name string) string {
	d.t.Helper()
	path := filepath.Join(d.artifacts, name)
	if _, err := d.run(30*time.Second, "import", "-window", "root", path); err != nil {
		d.t.Errorf("screenshot: %v", err)
		return ""
	}
	geo, _ := d.run(10*time.Second, "xdotool", "search", "--onlyvisible", "--name", "NetAssist", "getwindowgeometry", "%@")
	d.t.Logf("screenshot: %s (window: %s)", path, strings.Join(strings.Fields(geo), " "))
	return path
}

// app is the netassist binary running on a display.
type app struct {
	*proc
	d       *display
	home    string
	metrics string // the --metrics file
	window  string // X window id, once shown
}

// startApp runs the binary with args under a fresh HOME. Unless args hold
// --metrics, one is added so tests can watch the app's counters.
func (d *display) startApp(bin string, args ...string) *app {
	d.t.Helper()
	return d.startAppIn(d.t.TempDir(), bin, args...)
}

// startAppIn is startApp with HOME set to home (to start again where a
// previous run left its preferences).
func (d *display) startAppIn(home, bin string, args ...string) *app {
	t := d.t
	t.Helper()
	a := &app{d: d, home: home}
	for i, arg := range args {
		if arg == "--metrics" && i+1 < len(args) {
			a.metrics = args[i+1]
		}
	}
	if a.metrics == "" {
		a.metrics = filepath.Join(t.TempDir(), "metrics.jsonl")
		args = append(args, "--metrics", a.metrics)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(baseEnv(a.home), "DISPLAY="+d.name)
	t.Logf("start: netassist %s", strings.Join(args, " "))
	a.proc = startProc(t, "netassist", cmd)
	// Runs before the kill registered by startProc (cleanups are LIFO).
	t.Cleanup(func() {
		if t.Failed() && !a.exited() {
			d.screenshot(safeFile(t.Name()) + "-failure.png")
		}
		if s := strings.TrimSpace(a.err.String()); s != "" {
			t.Logf("netassist stderr:\n%s", s)
		}
	})
	return a
}

func safeFile(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == ' ' || r == ':' {
			return '_'
		}
		return r
	}, s)
}

// waitWindow waits until the main window is visible, activates it and
// returns its X id. The app exiting first fails the test.
func (a *app) waitWindow() string {
	t := a.d.t
	t.Helper()
	type res struct {
		out string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		out, err := a.d.run(60*time.Second, "xdotool", "search", "--sync", "--onlyvisible", "--name", "NetAssist")
		ch <- res{out, err}
	}()
	var r res
	select {
	case r = <-ch:
	case <-a.done:
		t.Fatalf("netassist exited before its window appeared: %v\n%s", a.waitEr, a.err.String())
	}
	if r.err != nil {
		t.Fatalf("no NetAssist window: %v", r.err)
	}
	a.window = strings.Fields(r.out)[0]
	// It normally has the focus already (openbox focuses new windows);
	// make sure, as a person would by clicking its title bar.
	if _, err := a.d.run(15*time.Second, "xdotool", "windowactivate", "--sync", a.window); err != nil {
		t.Logf("windowactivate: %v", err)
	}
	return a.window
}

// metricsLine is one line of --metrics FILE.
type metricsLine struct {
	Time        string   `json:"time"`
	RxBytes     *uint64  `json:"rx_bytes"`
	TxBytes     *uint64  `json:"tx_bytes"`
	Connections *int     `json:"connections"`
	RSSBytes    *uint64  `json:"rss_bytes"`
	UILagMs     *float64 `json:"ui_lag_ms"`
}

// readMetrics parses the complete lines of a metrics file; a malformed
// line fails the test.
func readMetrics(t *testing.T, path string) []metricsLine {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []metricsLine
	for _, line := range completeLines(b) {
		var m metricsLine
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, m.Time); err != nil {
			t.Fatalf("metrics line %q: time: %v", line, err)
		}
		if m.RxBytes == nil || m.TxBytes == nil || m.Connections == nil || m.RSSBytes == nil || m.UILagMs == nil {
			t.Fatalf("metrics line %q lacks one of rx_bytes, tx_bytes, connections, rss_bytes, ui_lag_ms", line)
		}
		out = append(out, m)
	}
	return out
}

// completeLines splits b into its newline-terminated lines; a last line
// still being written is left out.
func completeLines(b []byte) [][]byte {
	var out [][]byte
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return out
		}
		if line := bytes.TrimSpace(b[:i]); len(line) > 0 {
			out = append(out, line)
		}
		b = b[i+1:]
	}
}

// waitMetrics waits until a metrics line satisfies ok and returns it.
func (a *app) waitMetrics(timeout time.Duration, what string, ok func(metricsLine) bool) metricsLine {
	t := a.d.t
	t.Helper()
	var found metricsLine
	waitFor(t, timeout, what, func() (bool, error) {
		if a.exited() {
			return false, fmt.Errorf("netassist exited: %v", a.waitEr)
		}
		for _, m := range readMetrics(t, a.metrics) {
			if ok(m) {
				found = m
				return true, nil
			}
		}
		return false, nil
	})
	return found
}

// waitFor polls cond every 100 ms until it is true; an error or the timeout
// (only there to stop a broken test) fails the test.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	end := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("gave up waiting for %s after %v", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeTCPPort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// freeUDPPort returns a UDP port on 127.0.0.1 that was free a moment ago.
func freeUDPPort(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// dialRetry connects to addr, retrying briefly while nothing listens yet.
func dialRetry(t *testing.T, addr string) *net.TCPConn {
	t.Helper()
	var c net.Conn
	waitFor(t, 20*time.Second, "a connection to "+addr, func() (bool, error) {
		var err error
		c, err = net.DialTimeout("tcp", addr, 5*time.Second)
		return err == nil, nil
	})
	return c.(*net.TCPConn)
}

// savedEvent is one line of events.jsonl.
type savedEvent struct {
	Time    string `json:"time"`
	Session string `json:"session"`
	Event   string `json:"event"`
	Conn    uint64 `json:"conn"`
	Peer    string `json:"peer"`
	Bytes   int    `json:"bytes"`
	File    string `json:"file"`   // rx, tx: the raw file holding the payload
	Offset  int64  `json:"offset"` // rx, tx: where the payload starts in File
	Format  int    `json:"format"` // the first line ("save") only
	Detail  string `json:"detail"`
}

// payload reads the bytes an rx or tx event points to in session folder
// dir; ok is false while the raw file does not hold them all yet.
func payload(dir string, e savedEvent) (data []byte, ok bool, err error) {
	f, err := os.Open(filepath.Join(dir, e.File))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data = make([]byte, e.Bytes)
	n, err := f.ReadAt(data, e.Offset)
	if errors.Is(err, io.EOF) {
		return data[:n], false, nil
	}
	return data, err == nil, err
}

// readEvents parses the complete lines of an events.jsonl file.
func readEvents(t *testing.T, path string) []savedEvent {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []savedEvent
	for _, line := range completeLines(b) {
		var e savedEvent
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("events.jsonl line %.200q: %v", line, err)
		}
		if _, err := time.Parse(time.RFC3339Nano, e.Time); err != nil {
			t.Fatalf("events.jsonl line %.200q: time: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// sessionDir waits for the one session folder --save creates in dir.
func sessionDir(t *testing.T, dir string) string {
	t.Helper()
	var found string
	waitFor(t, 30*time.Second, "a session folder in "+dir, func() (bool, error) {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return false, err
		}
		var dirs []string
		for _, e := range ents {
			if e.IsDir() {
				dirs = append(dirs, e.Name())
			}
		}
		if len(dirs) > 1 {
			return false, fmt.Errorf("expected one session folder, found %v", dirs)
		}
		if len(dirs) == 1 {
			found = filepath.Join(dir, dirs[0])
			return exists(filepath.Join(found, "events.jsonl")), nil
		}
		return false, nil
	})
	return found
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
