// Command bench is NetAssist's benchmark (`make bench`, through
// scripts/bench.sh): it measures the app against peers on the same machine
// in one run and writes bench/REPORT.md. Everything runs on 127.0.0.1.
//
//	bench -bin build/netassist -peer PEER -out bench/REPORT.md [-only flood,framing,rules,clients,udp,http,proxy,startup,idle,export,relay]
//
// The same binary is also the load generators and the sink, run as
// separate processes: `bench sink|flood|clients|udp ...`.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "sink":
			runSink(os.Args[2:])
			return
		case "flood":
			runFlood(os.Args[2:])
			return
		case "clients":
			runClients(os.Args[2:])
			return
		case "udp":
			runUDP(os.Args[2:])
			return
		case "rulesanchor":
			runRulesAnchor(os.Args[2:])
			return
		}
	}
	bin := flag.String("bin", "build/netassist", "the app binary")
	peer := flag.String("peer", "", "a minimal Fyne window, the start-up and idle peer (optional)")
	out := flag.String("out", "bench/REPORT.md", "report to write")
	only := flag.String("only", "", "comma-separated parts to run (flood,framing,rules,clients,udp,http,proxy,startup,idle,export,relay); all when empty")
	floodBytes := flag.Int64("flood-bytes", 1<<30, "bytes in the TCP flood")
	nClients := flag.Int("clients", 10000, "connections in the many-clients test")
	seed := flag.Uint64("seed", 20251121, "seed of the flood's data")
	keep := flag.Bool("keep", false, "keep the work folder (logs, metrics) for inspection")
	lagScreens := flag.String("lag-screens", "1280x800,1440x900,1920x1080", "screens of the flood's UI lag runs (part of flood; empty: none)")
	lagWrites := flag.String("lag-writes", "4096,262144,1048576", "write sizes of the flood's UI lag runs")
	lagData := flag.String("lag-data", "random,text", "data of the flood's UI lag runs")
	lagBytes := flag.Int64("lag-bytes", 1<<30, "bytes in each UI lag run")
	flag.Parse()
	lagOpts, err := parseLagOptions(*lagScreens, *lagWrites, *lagData, *lagBytes)
	if err != nil {
		die(err)
	}

	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			die(err)
		}
		return a
	}
	work, err := os.MkdirTemp("", "netassist-bench.")
	if err != nil {
		die(err)
	}
	e := &env{bin: abs(*bin), peer: abs(*peer), work: work}
	if !*keep {
		defer os.RemoveAll(work)
	} else {
		fmt.Fprintf(os.Stderr, "bench: work folder %s is kept\n", work)
	}
	want := func(part string) bool {
		if *only == "" {
			return true
		}
		for _, p := range strings.Split(*only, ",") {
			if strings.TrimSpace(p) == part {
				return true
			}
		}
		return false
	}

	rep := &report{Started: time.Now(), FloodBytes: *floodBytes, Seed: *seed, Clients: *nClients}
	rep.collectMachine()
	if err := e.startX(); err != nil {
		die(err)
	}
	defer e.stopX()
	logf("Xvfb %s + openbox; work folder %s", e.display, work)

	step := func(part string, f func()) {
		if !want(part) {
			return
		}
		t0 := time.Now()
		logf("── %s", part)
		f()
		logf("── %s done in %.1f s", part, time.Since(t0).Seconds())
		rep.PartSecs = append(rep.PartSecs, partTime{part, time.Since(t0).Seconds()})
	}
	step("flood", func() {
		rep.Flood = benchFlood(e, *floodBytes, *seed)
		rep.FloodLag = benchFloodLag(e, lagOpts, *seed)
	})
	step("framing", func() { rep.Framed = benchFramed(e, *floodBytes, *seed) })
	step("rules", func() { rep.Rules = benchRules(e) })
	step("clients", func() { rep.Many = benchClients(e, *nClients) })
	step("udp", func() { rep.UDP = benchUDP(e) })
	step("http", func() { rep.HTTP = benchHTTP(e) })
	step("proxy", func() { rep.Proxy = benchProxy(e) })
	step("startup", func() { rep.Startup = benchStartup(e) })
	step("idle", func() { rep.Idle = benchIdle(e) })
	step("export", func() { rep.Export = benchExport(e, *floodBytes, *seed) })
	step("relay", func() { rep.Relay = benchRelay(e, *floodBytes, *seed) })
	rep.Finished = time.Now()
	rep.Commands = e.cmds

	text := rep.markdown()
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		die(err)
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		die(err)
	}
	logf("wrote %s (%.0f s in all)", *out, rep.Finished.Sub(rep.Started).Seconds())
	fmt.Println(rep.summary())
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench %s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func die(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

// worker is a sub-command of this binary running as its own process; it
// prints JSON lines on stdout.
type worker struct {
	name  string
	cmd   *exec.Cmd
	lines chan string
	stdin io.WriteCloser
	done  chan struct{}
}

func (e *env) startWorker(sub string, args ...string) (*worker, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	w := &worker{name: sub, lines: make(chan string, 16), done: make(chan struct{})}
	w.cmd = exec.Command(self, append([]string{sub}, args...)...)
	e.note("bench %s %s", sub, strings.Join(redact(e, args), " "))
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if w.stdin, err = w.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	errf, _ := os.Create(filepath.Join(e.work, sub+".stderr"))
	w.cmd.Stderr = errf
	if err := w.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
		close(w.lines)
		w.cmd.Wait()
		if errf != nil {
			errf.Close()
		}
		close(w.done)
	}()
	return w, nil
}

// next decodes the worker's next JSON line into v.
func (w *worker) next(v any, limit time.Duration) error {
	select {
	case l, ok := <-w.lines:
		if !ok {
			return fmt.Errorf("%s exited without output", w.name)
		}
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal([]byte(l), &e) == nil && e.Error != "" {
			return fmt.Errorf("%s: %s", w.name, e.Error)
		}
		return json.Unmarshal([]byte(l), v)
	case <-time.After(limit):
		return fmt.Errorf("%s: no result within %v", w.name, limit)
	}
}

// stop closes the worker's stdin and waits (killing it after 10 s).
func (w *worker) stop() {
	if w == nil {
		return
	}
	w.stdin.Close()
	select {
	case <-w.done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Signal(syscall.SIGKILL)
		<-w.done
	}
}

// runCmd runs a command to completion with a time limit and returns its
// combined output.
func (e *env) runCmd(limit time.Duration, name string, args ...string) (string, error) {
	e.note("%s %s", name, strings.Join(redact(e, args), " "))
	c := exec.Command(name, args...)
	var buf strings.Builder
	c.Stdout, c.Stderr = &buf, &buf
	if err := c.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return buf.String(), err
	case <-time.After(limit):
		c.Process.Kill()
		<-done
		return buf.String(), errors.New(name + ": timed out")
	}
}
