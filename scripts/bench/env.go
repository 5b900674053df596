package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// env is one benchmark run: a private Xvfb with openbox, a work folder,
// and the log of every command started (for the report).
type env struct {
	bin     string // the app
	peer    string // the minimal Fyne window used as the start-up peer
	work    string
	display string
	screen  string // Xvfb's screen, e.g. 1280x800
	xvfb    *exec.Cmd
	wm      *exec.Cmd
	cmds    []string // every command line, in order
	seen    map[string]bool
}

// note records a command line for the report's "Commands" section (once).
func (e *env) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if e.seen == nil {
		e.seen = map[string]bool{}
	}
	if !e.seen[s] {
		e.seen[s] = true
		e.cmds = append(e.cmds, s)
	}
}

// startX starts Xvfb on a free display (-displayfd) and openbox on it,
// with a screen of e.screen (1280x800 when empty).
func (e *env) startX() error {
	if e.screen == "" {
		e.screen = "1280x800"
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	logf, err := os.Create(filepath.Join(e.work, "xvfb-"+e.screen+".log"))
	if err != nil {
		return err
	}
	e.xvfb = exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", e.screen+"x24", "-nolisten", "tcp")
	e.xvfb.ExtraFiles = []*os.File{w}
	e.xvfb.Stdout, e.xvfb.Stderr = logf, logf
	e.note("Xvfb -displayfd 3 -screen 0 %sx24 -nolisten tcp", e.screen)
	if err := e.xvfb.Start(); err != nil {
		w.Close()
		return fmt.Errorf("Xvfb: %w", err)
	}
	w.Close()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case s := <-line:
		if s == "" {
			return errors.New("Xvfb did not report a display")
		}
		e.display = ":" + s
	case <-time.After(15 * time.Second):
		return errors.New("Xvfb did not start within 15 s")
	}
	home := filepath.Join(e.work, "wm-home-"+e.screen)
	os.MkdirAll(home, 0o755)
	e.wm = exec.Command("openbox")
	e.wm.Env = append(cleanEnv(), "DISPLAY="+e.display, "HOME="+home)
	wlog, _ := os.Create(filepath.Join(e.work, "openbox.log"))
	e.wm.Stdout, e.wm.Stderr = wlog, wlog
	e.note("DISPLAY=%s openbox", e.display)
	if err := e.wm.Start(); err != nil {
		return fmt.Errorf("openbox: %w", err)
	}
	time.Sleep(700 * time.Millisecond)
	return nil
}

func (e *env) stopX() {
	for _, c := range []*exec.Cmd{e.wm, e.xvfb} {
		if c != nil && c.Process != nil {
			c.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { c.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				c.Process.Kill()
				<-done
			}
		}
	}
}

// cleanEnv is the environment without the user's XDG folders and locale,
// so each app start sees only its own temporary HOME.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "XDG_"), k == "HOME", k == "DISPLAY", k == "LANG", strings.HasPrefix(k, "LC_"):
			continue
		}
		out = append(out, kv)
	}
	return out
}

// guiProc is a GUI program started under the benchmark's display.
type guiProc struct {
	name    string
	cmd     *exec.Cmd
	home    string
	metrics string
	logPath string
	started time.Time
	done    chan struct{}
}

// startGUI starts bin with args under the display, with a fresh HOME and
// LANG=en_US.UTF-8. It returns at once.
func (e *env) startGUI(name, bin string, args ...string) (*guiProc, error) {
	p := &guiProc{name: name, home: filepath.Join(e.work, name+"-home"), logPath: filepath.Join(e.work, name+".log"), done: make(chan struct{})}
	if err := os.MkdirAll(p.home, 0o755); err != nil {
		return nil, err
	}
	logf, err := os.Create(p.logPath)
	if err != nil {
		return nil, err
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(cleanEnv(), "DISPLAY="+e.display, "HOME="+p.home, "LANG=en_US.UTF-8")
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	go func() { p.cmd.Wait(); logf.Close(); close(p.done) }()
	return p, nil
}

// startApp starts the app with --metrics (and the given flags) and waits
// until its window is visible and the first metrics line is written.
func (e *env) startApp(name string, args ...string) (*guiProc, error) {
	mfile := filepath.Join(e.work, name+".metrics.jsonl")
	args = append(args, "--metrics", mfile, "--lang", "en")
	e.note("HOME=$(mktemp -d) LANG=en_US.UTF-8 DISPLAY=%s %s %s", e.display, "build/netassist", strings.Join(redact(e, args), " "))
	p, err := e.startGUI(name, e.bin, args...)
	if err != nil {
		return nil, err
	}
	p.metrics = mfile
	if _, err := e.waitWindow(p, "NetAssist", 30*time.Second); err != nil {
		p.stop()
		return nil, err
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(readMetrics(mfile)) == 0 {
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s: no metrics line within 10 s; log: %s", name, p.logTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p, nil
}

// redact shortens the run's temp paths in command lines for the report.
func redact(e *env, args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, e.work, "$WORK")
	}
	return out
}

// waitWindow polls `xdotool search --onlyvisible --name title` every
// ~10 ms (what `--sync` waits for, which itself polls only every 0.5 s)
// and returns the time from exec to the window.
func (e *env) waitWindow(p *guiProc, title string, limit time.Duration) (string, error) {
	deadline := p.started.Add(limit)
	for {
		out, _ := e.xdotool("search", "--onlyvisible", "--name", title)
		if id := firstLine(out); id != "" {
			return id, nil
		}
		select {
		case <-p.done:
			return "", fmt.Errorf("%s exited before its window appeared; log: %s", p.name, p.logTail())
		default:
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("%s: no visible window %q within %v; log: %s", p.name, title, limit, p.logTail())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (e *env) xdotool(args ...string) (string, error) {
	c := exec.Command("xdotool", args...)
	c.Env = append(cleanEnv(), "DISPLAY="+e.display)
	out, err := c.Output()
	return string(out), err
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}

func (p *guiProc) pid() int { return p.cmd.Process.Pid }

func (p *guiProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// peakRSS is the process's VmHWM (the kernel's exact high-water mark).
func (p *guiProc) peakRSS() uint64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.pid()))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// stop ends the process (SIGTERM, then SIGKILL after 5 s) and waits for it.
func (p *guiProc) stop() {
	if p == nil || p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

func (p *guiProc) logTail() string {
	b, _ := os.ReadFile(p.logPath)
	if len(b) > 1500 {
		b = b[len(b)-1500:]
	}
	return strings.TrimSpace(string(b))
}

// cpuTicks is utime+stime of pid from /proc/PID/stat, in clock ticks.
func cpuTicks(pid int) (uint64, error) { return statTicks(fmt.Sprintf("/proc/%d/stat", pid)) }

// mainThreadTicks is the CPU time of a process's first thread, where a
// Fyne app runs its UI (its main goroutine is locked to it).
func mainThreadTicks(pid int) (uint64, error) {
	return statTicks(fmt.Sprintf("/proc/%d/task/%d/stat", pid, pid))
}

// statTicks reads user + system clock ticks from a /proc stat file.
func statTicks(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces; fields start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("bad /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	u, _ := strconv.ParseUint(f[11], 10, 64) // field 14 overall
	s, _ := strconv.ParseUint(f[12], 10, 64) // field 15
	return u + s, nil
}

// metric is one line of the app's --metrics file.
type metric struct {
	Time  time.Time
	Rx    uint64  `json:"rx_bytes"`
	Tx    uint64  `json:"tx_bytes"`
	Conns int     `json:"connections"`
	RSS   uint64  `json:"rss_bytes"`
	LagMs float64 `json:"ui_lag_ms"`
	TS    string  `json:"time"`
	Msgs  uint64  `json:"rx_msgs"`
	Bad   uint64  `json:"rx_bad"`
}

// readMetrics parses every complete line of a metrics file.
func readMetrics(path string) []metric {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []metric
	for _, l := range bytes.Split(b, []byte("\n")) {
		var m metric
		if len(l) == 0 || json.Unmarshal(l, &m) != nil {
			continue
		}
		m.Time, _ = time.Parse(time.RFC3339Nano, m.TS)
		out = append(out, m)
	}
	return out
}

// waitMetric polls the metrics file until ok holds for a line written
// after since, and returns that line.
func waitMetric(path string, since time.Time, limit time.Duration, ok func(metric) bool) (metric, error) {
	deadline := time.Now().Add(limit)
	for {
		ms := readMetrics(path)
		for _, m := range ms {
			if !m.Time.Before(since) && ok(m) {
				return m, nil
			}
		}
		if time.Now().After(deadline) {
			var last metric
			if len(ms) > 0 {
				last = ms[len(ms)-1]
			}
			return last, fmt.Errorf("metrics did not reach the expected figure within %v (last line: rx %d, connections %d)", limit, last.Rx, last.Conns)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// window summarises the metrics lines covering [from, to]: a line stands
// for the second before its time, so the first line after `to` is included.
type window struct {
	Lines  int
	MaxRSS uint64
	MaxLag float64
	MaxCon int
}

func summarise(ms []metric, from, to time.Time) window {
	var w window
	for _, m := range ms {
		if !m.Time.After(from) || m.Time.After(to.Add(1100*time.Millisecond)) {
			continue
		}
		w.Lines++
		w.MaxRSS = max(w.MaxRSS, m.RSS)
		w.MaxLag = max(w.MaxLag, m.LagMs)
		w.MaxCon = max(w.MaxCon, m.Conns)
	}
	return w
}

// freePort asks the kernel for a free port on 127.0.0.1 (tcp or udp).
func freePort(network string) (int, error) {
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// listening tells from /proc/net/tcp whether something listens on
// 127.0.0.1:port, without connecting (a probe would show in the capture).
func listening(port int) bool {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	want := fmt.Sprintf("0100007F:%04X", port)
	want0 := fmt.Sprintf("00000000:%04X", port)
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 3 && (f[1] == want || f[1] == want0) && f[3] == "0A" {
			return true
		}
	}
	return false
}

// startListeningApp starts the app and waits until its session listens on
// port (what names that session in the error), then lets start-up settle.
func (e *env) startListeningApp(name string, port int, what string, args ...string) (*guiProc, error) {
	app, err := e.startApp(name, args...)
	if err != nil {
		return nil, err
	}
	if err := waitListening(port, 10*time.Second, app.alive); err != nil {
		app.stop()
		return nil, fmt.Errorf("%s: %v", what, err)
	}
	time.Sleep(time.Second) // let start-up settle
	return app, nil
}

func waitListening(port int, limit time.Duration, alive func() bool) error {
	deadline := time.Now().Add(limit)
	for !listening(port) {
		if alive != nil && !alive() {
			return errors.New("the process exited")
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on 127.0.0.1:%d after %v", port, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}
