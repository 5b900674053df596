package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// The rules part (issue 13): a peer pipelines framed requests into a TCP
// server session whose rules answer them, and checks every reply; the
// anchor is a plain Go server doing the same split, match and reply. Then
// one request at a time, for the latency.

const (
	rulesRequests = 1_000_000
	rulesLatN     = 10_000
	rulesCount    = 100 // 99 that miss, then the regex that answers
	rulesQuery    = "frame=delim&delim=%5Cr%5Cn"
)

// The answering rule, as the app's file and the anchor both have it.
const (
	rulesRegex = `^GET (?P<key>\w+) (?P<n>\d+)`
	rulesReply = `VAL ${key} ${n}\r\n`
)

type rulesRun struct {
	Name       string
	Secs       float64
	Replies    int
	Wrong      int
	FirstWrong string
	Win        window
	Err        string
}

func (r rulesRun) rate() float64 {
	if r.Secs <= 0 {
		return 0
	}
	return float64(r.Replies) / r.Secs
}

type latRun struct {
	Name          string
	N             int
	P50, P99, Max float64 // microseconds
	Wrong         int
	Win           window
	Err           string
}

type rulesResult struct {
	N, LatN, Rules    int
	App, Anchor       rulesRun
	AppLat, AnchorLat latRun
	Err               string
}

// rulesRequest is request i: 20–60 bytes with its \r\n, a key and a number
// for the regex's groups, padded.
func rulesRequest(dst []byte, i int) []byte {
	l := 20 + (i*7919)%41
	start := len(dst)
	dst = fmt.Appendf(dst, "GET k%d %d", i, i%1000)
	if pad := l - 2 - (len(dst) - start); pad > 0 {
		dst = append(dst, ' ')
		dst = append(dst, bytes.Repeat([]byte{'x'}, pad-1)...)
	}
	return append(dst, '\r', '\n')
}

func rulesWant(dst []byte, i int) []byte { return fmt.Appendf(dst, "VAL k%d %d\r\n", i, i%1000) }

// rulesMisses are the 99 rules that never match a request: starts with,
// contains and equals, in turn.
func rulesMisses() (kinds []string, pats []string) {
	for i := range rulesCount - 1 {
		kinds = append(kinds, []string{"starts", "contains", "equals"}[i%3])
		pats = append(pats, fmt.Sprintf("CMD%02d ", i))
	}
	return kinds, pats
}

func rulesFileJSON() []byte {
	type match struct {
		Kind    string `json:"kind"`
		Pattern string `json:"pattern"`
	}
	type reply struct {
		Template string `json:"template"`
	}
	type rule struct {
		Name  string `json:"name"`
		Match match  `json:"match"`
		Reply reply  `json:"reply"`
	}
	var rs []rule
	kinds, pats := rulesMisses()
	for i := range kinds {
		rs = append(rs, rule{fmt.Sprintf("miss%02d", i), match{kinds[i], pats[i]}, reply{"no"}})
	}
	rs = append(rs, rule{"get", match{"regex", rulesRegex}, reply{rulesReply}})
	b, _ := json.MarshalIndent(map[string]any{"version": 1, "max_per_second": -1, "rules": rs}, "", " ")
	return b
}

func benchRules(e *env) *rulesResult {
	res := &rulesResult{N: rulesRequests, LatN: rulesLatN, Rules: rulesCount}
	file := filepath.Join(e.work, "rules.json")
	if err := os.WriteFile(file, rulesFileJSON(), 0o644); err != nil {
		res.Err = err.Error()
		return res
	}
	anchor, err := e.startWorker("rulesanchor")
	if err != nil {
		res.Err = err.Error()
		return res
	}
	var a struct{ Port int }
	if err := anchor.next(&a, 10*time.Second); err != nil {
		res.Err = err.Error()
		anchor.stop()
		return res
	}
	addr := fmt.Sprintf("127.0.0.1:%d", a.Port)
	res.Anchor = rulesPipelined("Go anchor (split, 100 rules, reply)", addr, rulesRequests)
	logf("anchor: %d replies in %.2f s (%d wrong)", res.Anchor.Replies, res.Anchor.Secs, res.Anchor.Wrong)
	res.AnchorLat = rulesLatency("Go anchor", addr, rulesLatN)
	anchor.stop()

	res.App = e.rulesApp("rules-pipelined", "NetAssist TCP server, 100 rules", file, func(addr string) rulesRun {
		return rulesPipelined("NetAssist TCP server, 100 rules", addr, rulesRequests)
	})
	logf("app: %d replies in %.2f s (%d wrong), max ui_lag %.1f ms", res.App.Replies, res.App.Secs, res.App.Wrong, res.App.Win.MaxLag)
	var lat latRun
	e.rulesApp("rules-latency", "NetAssist TCP server, 100 rules", file, func(addr string) rulesRun {
		lat = rulesLatency("NetAssist TCP server, 100 rules", addr, rulesLatN)
		return rulesRun{Err: lat.Err}
	})
	res.AppLat = lat
	logf("latency p99: app %.0f µs, anchor %.0f µs", res.AppLat.P99, res.AnchorLat.P99)
	return res
}

// rulesApp starts the app with the rules on a framed TCP server, runs f
// against it and adds the UI lag of that time.
func (e *env) rulesApp(name, title, file string, f func(addr string) rulesRun) rulesRun {
	port, err := freePort("tcp")
	if err != nil {
		return rulesRun{Name: title, Err: err.Error()}
	}
	spec := fmt.Sprintf("tcp-server://127.0.0.1:%d?%s", port, rulesQuery)
	app, err := e.startListeningApp(name, port, "the app's TCP server", "--open", spec, "--rules", file)
	if err != nil {
		return rulesRun{Name: title, Err: err.Error()}
	}
	defer app.stop()
	start := time.Now()
	r := f(fmt.Sprintf("127.0.0.1:%d", port))
	time.Sleep(1200 * time.Millisecond) // one more metrics line after the end
	r.Win = summarise(readMetrics(app.metrics), start, time.Now())
	if !app.alive() && r.Err == "" {
		r.Err = "the app exited: " + app.logTail()
	}
	return r
}

// rulesPipelined writes n requests as fast as the connection takes them
// while reading and checking the replies.
func rulesPipelined(name, addr string, n int) rulesRun {
	r := rulesRun{Name: name}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Minute))
	start := time.Now()
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(c, 64<<10)
		var buf []byte
		for i := range n {
			buf = rulesRequest(buf[:0], i)
			if _, err := w.Write(buf); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	br := bufio.NewReaderSize(c, 64<<10)
	var want []byte
	for i := range n {
		line, err := br.ReadSlice('\n')
		if err != nil {
			r.Err = fmt.Sprintf("reply %d: %v", i+1, err)
			break
		}
		want = rulesWant(want[:0], i)
		if !bytes.Equal(line, want) {
			if r.Wrong == 0 {
				r.FirstWrong = fmt.Sprintf("reply %d: %q, want %q", i+1, line, want)
			}
			r.Wrong++
		}
		r.Replies++
	}
	r.Secs = time.Since(start).Seconds()
	if err := <-werr; err != nil && r.Err == "" {
		r.Err = "write: " + err.Error()
	}
	return r
}

// rulesLatency sends one request at a time and times each reply.
func rulesLatency(name, addr string, n int) latRun {
	r := latRun{Name: name, N: n}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	br := bufio.NewReader(c)
	ds := make([]float64, 0, n)
	var req, want []byte
	for i := range n {
		req = rulesRequest(req[:0], i)
		t0 := time.Now()
		if _, err := c.Write(req); err != nil {
			r.Err = err.Error()
			return r
		}
		line, err := br.ReadSlice('\n')
		if err != nil {
			r.Err = fmt.Sprintf("reply %d: %v", i+1, err)
			return r
		}
		ds = append(ds, float64(time.Since(t0).Microseconds()))
		if want = rulesWant(want[:0], i); !bytes.Equal(line, want) {
			r.Wrong++
		}
	}
	sort.Float64s(ds)
	r.P50, r.P99, r.Max = ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
	return r
}

// runRulesAnchor is `bench rulesanchor`: a plain Go server that splits at
// \r\n, tries the same 99 missing rules and the regex, and answers; it
// prints {"port":P} and serves until stdin closes.
func runRulesAnchor([]string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
		return
	}
	json.NewEncoder(os.Stdout).Encode(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	go func() { io.Copy(io.Discard, os.Stdin); os.Exit(0) }()
	kinds, pats := rulesMisses()
	re := regexp.MustCompile(rulesRegex)
	key, num := re.SubexpIndex("key"), re.SubexpIndex("n")
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go anchorServe(c, kinds, pats, re, key, num)
	}
}

func anchorServe(c net.Conn, kinds, pats []string, re *regexp.Regexp, key, num int) {
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	bw := bufio.NewWriterSize(c, 64<<10)
	lits := make([][]byte, len(pats))
	for i, p := range pats {
		lits[i] = []byte(p)
	}
	var out []byte
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return
		}
		msg := bytes.TrimSuffix(line, []byte("\r\n"))
		matched := false
		for i, k := range kinds {
			switch k {
			case "starts":
				matched = bytes.HasPrefix(msg, lits[i])
			case "contains":
				matched = bytes.Contains(msg, lits[i])
			default:
				matched = bytes.Equal(msg, lits[i])
			}
			if matched {
				break
			}
		}
		if !matched {
			if g := re.FindSubmatchIndex(msg); g != nil {
				out = append(out[:0], "VAL "...)
				out = append(out, msg[g[2*key]:g[2*key+1]]...)
				out = append(out, ' ')
				out = append(out, msg[g[2*num]:g[2*num+1]]...)
				out = append(out, '\r', '\n')
				bw.Write(out)
			}
		}
		if br.Buffered() == 0 {
			if bw.Flush() != nil {
				return
			}
		}
	}
}

func (x *rulesResult) checks(r *report) {
	q := 0.0
	if x.Anchor.rate() > 0 {
		q = x.App.rate() / x.Anchor.rate()
	}
	known := x.App.Replies > 0 && x.Anchor.Replies > 0
	r.add(fmt.Sprintf("Rules: replies/s, %s pipelined requests, %d rules / Go anchor", groupInt(int64(x.N)), x.Rules),
		fmt.Sprintf("%.2f (%s/s vs %s/s)", q, groupInt(int64(x.App.rate())), groupInt(int64(x.Anchor.rate()))), "≥ 0.50", q >= 0.5, known)
	right := x.App.Replies == x.N && x.App.Wrong == 0 && x.App.Err == ""
	r.add("Rules: every reply right", fmt.Sprintf("%d of %d replies, %d wrong%s", x.App.Replies, x.N, x.App.Wrong, ifs(x.App.FirstWrong != "", " ("+x.App.FirstWrong+")")), "all", right, x.App.Replies > 0 || x.App.Err != "")
	r.add("Rules: max ui_lag_ms while answering", fmt.Sprintf("%.1f ms", x.App.Win.MaxLag), "< 100 ms", x.App.Win.MaxLag < 100, x.App.Win.Lines > 0)
	lq := 0.0
	if x.AnchorLat.P99 > 0 {
		lq = x.AppLat.P99 / x.AnchorLat.P99
	}
	r.add(fmt.Sprintf("Rules: p99 latency, %s requests one at a time / Go anchor", groupInt(int64(x.LatN))),
		fmt.Sprintf("%.2f (%.0f µs vs %.0f µs)", lq, x.AppLat.P99, x.AnchorLat.P99), "≤ 2.00", lq > 0 && lq <= 2, x.AppLat.P99 > 0 && x.AnchorLat.P99 > 0)
}

func (x *rulesResult) markdown(w func(string, ...any)) {
	w("\n## Rules: automatic replies (issue 13)\n\n")
	w("A TCP server opened with `--open 'tcp-server://127.0.0.1:PORT?%s' --rules rules.json`: %d rules, of which 99 (starts with / contains / equals `CMDnn `) never match and the last, the regex `%s`, answers `%s`. ", rulesQuery, x.Rules, rulesRegex, rulesReply)
	w("The peer pipelines %s requests of 20–60 bytes (`GET k<i> <i mod 1000> xx…\\r\\n`) while reading every reply and comparing it with the one expected. ", groupInt(int64(x.N)))
	w("The anchor is a plain Go program built into the bench (`bench rulesanchor`): bufio split at \\r\\n, the same 99 checks and regexp, replies flushed when the input is drained. ")
	w("Latency: %s requests one at a time on a fresh connection (a fresh app).\n\n", groupInt(int64(x.LatN)))
	if x.Err != "" {
		w("**Error:** %s\n\n", x.Err)
	}
	w("| Server | Time | Replies/s | / anchor | Replies (wrong) | Max ui_lag_ms |\n|---|---|---|---|---|---|\n")
	for _, r := range []rulesRun{x.Anchor, x.App} {
		ratio, lag := "—", "—"
		if x.Anchor.rate() > 0 {
			ratio = fmt.Sprintf("%.2f", r.rate()/x.Anchor.rate())
		}
		if r.Win.Lines > 0 {
			lag = fmt.Sprintf("%.1f", r.Win.MaxLag)
		}
		w("| %s | %.2f s | %s | %s | %d (%d) | %s |\n", r.Name, r.Secs, groupInt(int64(r.rate())), ratio, r.Replies, r.Wrong, lag)
	}
	w("\n| Server, one request at a time | p50 | p99 | max | p99 / anchor | wrong |\n|---|---|---|---|---|---|\n")
	for _, l := range []latRun{x.AnchorLat, x.AppLat} {
		ratio := "—"
		if x.AnchorLat.P99 > 0 {
			ratio = fmt.Sprintf("%.2f", l.P99/x.AnchorLat.P99)
		}
		w("| %s | %.0f µs | %.0f µs | %.0f µs | %s | %d |\n", l.Name, l.P50, l.P99, l.Max, ratio, l.Wrong)
	}
	for _, s := range []string{x.App.Err, x.Anchor.Err, x.AppLat.Err, x.AnchorLat.Err} {
		if s != "" {
			w("\n**Error:** %s\n", s)
		}
	}
}
