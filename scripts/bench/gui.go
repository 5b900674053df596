package main

import (
	"fmt"
	"net"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	startupRuns = 5
	idleSecs    = 30  // /proc counts 100 ticks a second: 0.03 points at 30 s
	clkTck      = 100 // USER_HZ on Linux
	peerTitle   = "FynePeer"
)

type startupRun struct {
	Mapped, Painted time.Duration
	Err             string
}

type startupBench struct {
	App, Peer         []startupRun
	AppMed, PeerMed   [2]time.Duration // mapped, painted
	HavePeer          bool
	AppErrs, PeerErrs int
}

func benchStartup(e *env) *startupBench {
	res := &startupBench{HavePeer: e.peer != ""}
	e.note("xdotool search --onlyvisible --name NetAssist   # polled every 10 ms from exec")
	e.note("import -silent -window WID -colorspace Gray -format '%%[fx:standard_deviation]' info:   # painted when > 0.01")
	for i := 0; i < startupRuns; i++ {
		res.App = append(res.App, e.startupOnce(fmt.Sprintf("startup-app-%d", i+1), e.bin, "NetAssist"))
		if res.HavePeer {
			res.Peer = append(res.Peer, e.startupOnce(fmt.Sprintf("startup-peer-%d", i+1), e.peer, peerTitle))
		}
	}
	res.AppMed, res.AppErrs = medians(res.App)
	res.PeerMed, res.PeerErrs = medians(res.Peer)
	logf("start-up median: app mapped %v painted %v; peer mapped %v painted %v",
		res.AppMed[0].Round(time.Millisecond), res.AppMed[1].Round(time.Millisecond),
		res.PeerMed[0].Round(time.Millisecond), res.PeerMed[1].Round(time.Millisecond))
	return res
}

func medians(rs []startupRun) ([2]time.Duration, int) {
	var m, p []time.Duration
	errs := 0
	for _, r := range rs {
		if r.Err != "" {
			errs++
			continue
		}
		m = append(m, r.Mapped)
		p = append(p, r.Painted)
	}
	return [2]time.Duration{median(m), median(p)}, errs
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (e *env) startupOnce(name, bin, title string) startupRun {
	var r startupRun
	p, err := e.startGUI(name, bin)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer func() {
		p.stop()
		// Let the window go before the next run searches for one.
		for i := 0; i < 100; i++ {
			if out, _ := e.xdotool("search", "--onlyvisible", "--name", title); strings.TrimSpace(out) == "" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	wid, err := e.waitWindow(p, title, 30*time.Second)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Mapped = time.Since(p.started)
	deadline := p.started.Add(30 * time.Second)
	for {
		c := exec.Command("import", "-silent", "-window", wid, "-colorspace", "Gray", "-format", "%[fx:standard_deviation]", "info:")
		c.Env = append(cleanEnv(), "DISPLAY="+e.display)
		out, _ := c.Output()
		if sd, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); err == nil && sd > 0.01 {
			r.Painted = time.Since(p.started)
			break
		}
		if time.Now().After(deadline) {
			r.Err = "the window stayed one flat colour for 30 s"
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	logf("%s: mapped %v, painted %v %s", name, r.Mapped.Round(time.Millisecond), r.Painted.Round(time.Millisecond), r.Err)
	return r
}

type idleRun struct {
	Name       string
	CPUSec     float64 // the process's CPU seconds over the window
	XvfbCPUSec float64 // Xvfb's over the same window
	Secs       float64
	Conns      int
	Err        string
}

func (r idleRun) pct() float64 {
	if r.Secs <= 0 {
		return 0
	}
	return 100 * r.CPUSec / r.Secs
}

func (r idleRun) xpct() float64 {
	if r.Secs <= 0 {
		return 0
	}
	return 100 * r.XvfbCPUSec / r.Secs
}

type idleBench struct {
	App, Peer idleRun
	HavePeer  bool
}

func benchIdle(e *env) *idleBench {
	res := &idleBench{HavePeer: e.peer != ""}
	res.App = idleRun{Name: "NetAssist: tcp-server + udp + tcp-client (connected)"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		res.App.Err = err.Error()
		return res
	}
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // kept open, never written to
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	tp, _ := freePort("tcp")
	up, _ := freePort("udp")
	app, err := e.startApp("idle", "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", tp),
		"--open", fmt.Sprintf("udp://127.0.0.1:%d", up),
		"--open", fmt.Sprintf("tcp-client://%s", ln.Addr()))
	if err != nil {
		res.App.Err = err.Error()
		return res
	}
	defer app.stop()
	// The peer idles beside the app over the same seconds, so whatever
	// else the machine does falls on both.
	procs, runs := []*guiProc{app}, []*idleRun{&res.App}
	if res.HavePeer {
		res.Peer = idleRun{Name: "Peer: a bare Fyne window (one label)"}
		p, err := e.startGUI("idle-peer", e.peer)
		if err == nil {
			defer p.stop()
			_, err = e.waitWindow(p, peerTitle, 30*time.Second)
		}
		if err != nil {
			res.Peer.Err = err.Error()
		} else {
			procs, runs = append(procs, p), append(runs, &res.Peer)
		}
	}
	e.idleMeasure(procs, runs)
	if ms := readMetrics(app.metrics); len(ms) > 0 {
		res.App.Conns = ms[len(ms)-1].Conns
	}
	return res
}

func (e *env) idleMeasure(ps []*guiProc, rs []*idleRun) {
	time.Sleep(3 * time.Second) // settle after start-up
	x0, _ := cpuTicks(e.xvfb.Process.Pid)
	c0 := make([]uint64, len(ps))
	for i, p := range ps {
		var err error
		if c0[i], err = cpuTicks(p.pid()); err != nil {
			rs[i].Err = err.Error()
		}
	}
	t0 := time.Now()
	time.Sleep(idleSecs * time.Second)
	x1, _ := cpuTicks(e.xvfb.Process.Pid)
	secs := time.Since(t0).Seconds()
	for i, p := range ps {
		r := rs[i]
		c1, err := cpuTicks(p.pid())
		if r.Err != "" || err != nil {
			if r.Err == "" {
				r.Err = err.Error()
			}
			continue
		}
		r.Secs = secs
		r.CPUSec = float64(c1-c0[i]) / clkTck
		r.XvfbCPUSec = float64(x1-x0) / clkTck // the display serves both
		logf("idle %s: %.2f CPU s in %.1f s = %.1f%% of a core (Xvfb %.1f%%)", r.Name, r.CPUSec, r.Secs, r.pct(), r.xpct())
	}
}
