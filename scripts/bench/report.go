package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

type partTime struct {
	Part string
	Secs float64
}

type report struct {
	Started, Finished time.Time
	FloodBytes        int64
	Seed              uint64
	Clients           int
	Machine           [][2]string
	PartSecs          []partTime
	Commands          []string

	Flood *floodResult
	// FloodLag is the flood again on several screens and peer shapes.
	FloodLag *lagResult
	// Framed is the flood into a server that splits it into messages.
	Framed *framedResult
	// Rules is the automatic-reply part (rules.go).
	Rules   *rulesResult
	Many    *manyResult
	UDP     *udpBench
	HTTP    *httpBench
	Proxy   *proxyBench // reverse proxy (proxy.go)
	Startup *startupBench
	Idle    *idleBench
	Export  *exportBench
	Relay   *relayResult // issue 14

	checks []check
}

type check struct {
	What, Measured, Target string
	Pass                   bool
	Known                  bool // false: could not be measured
}

func cmdOut(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func (r *report) collectMachine() {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		mem = strings.Join(strings.Fields(firstLine(string(b)))[1:], " ")
	}
	commit := cmdOut("git", "describe", "--always", "--dirty", "--abbrev=12")
	r.Machine = [][2]string{
		{"Cores (nproc)", cmdOut("nproc")},
		{"CPU", cpu},
		{"Memory", mem},
		{"Kernel", cmdOut("uname", "-sr")},
		{"Go (toolchain that built the app and this benchmark)", cmdOut("go", "version")},
		{"Benchmark binary built with", runtime.Version()},
		{"App source (git describe --dirty)", commit},
		{"nginx", strings.TrimPrefix(cmdOut("nginx", "-v"), "nginx version: ")},
		{"wrk", firstLine(cmdOut("wrk", "-v"))},
		{"python3", cmdOut("python3", "--version")},
		{"Date", r.Started.Format("2006-01-02 15:04:05 MST")},
	}
}

func mb(b uint64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

func mbps(bps float64) string { return fmt.Sprintf("%.0f MB/s", bps/1e6) }

func passWord(c check) string {
	switch {
	case !c.Known:
		return "**not measured**"
	case c.Pass:
		return "pass"
	}
	return "**MISS**"
}

func (r *report) add(what, measured, target string, pass, known bool) {
	r.checks = append(r.checks, check{what, measured, target, pass, known})
}

func (r *report) evaluate() {
	r.checks = nil
	if f := r.Flood; f != nil {
		n := float64(f.Bytes)
		ratio := func(run floodRun) (float64, bool) {
			if run.Err != "" || run.Secs <= 0 || f.SinkMedian <= 0 {
				return 0, false
			}
			return run.rate(f.Bytes) / f.SinkMedian, true
		}
		q, ok := ratio(f.App)
		r.add("TCP flood, saving off: throughput / Go sink", fmt.Sprintf("%.2f (%s vs %s)", q, mbps(f.App.rate(f.Bytes)), mbps(f.SinkMedian)), "≥ 0.50", q >= 0.5, ok)
		saveRatio := func(run floodRun) (float64, bool) {
			if run.SavedSecs <= 0 || f.SinkMedian <= 0 {
				return 0, false
			}
			return n / run.SavedSecs / f.SinkMedian, true
		}
		qs, oks := saveRatio(f.AppSave)
		r.add("TCP flood, --save to disk: throughput (until the .rx file is complete) / Go sink", fmt.Sprintf("%.2f (%s)", qs, mbps(f.AppSave.rate(f.Bytes))), "≥ 0.50", qs >= 0.5, oks)
		if run := f.AppSave; run.FolderSize > 0 && f.Bytes > 0 {
			q := float64(run.FolderSize) / n
			r.add("TCP flood, --save to disk: bytes in the session folder / bytes carried", fmt.Sprintf("%.4f (%s for %s)", q, mb(uint64(run.FolderSize)), mb(uint64(f.Bytes))), "≤ 1.10", q <= 1.1, true)
		}
		if d := f.Disk; d.Secs > 0 && f.AppSave.SavedSecs > 0 {
			written := float64(f.AppSave.SavedSize+f.AppSave.EventsSize) / f.AppSave.SavedSecs
			r.add("TCP flood, --save to disk: bytes written per second (.rx + events.jsonl) / a plain Go writer on the same disk",
				fmt.Sprintf("%.2f (%s vs %s)", written/d.rate(), mbps(written), mbps(d.rate())), "report", true, true)
		}
		r.add("TCP flood, --save to disk: saved .rx SHA-256 equals the data sent", fmt.Sprintf("%v (%d bytes saved)", f.AppSave.SavedSHA == f.SHA, f.AppSave.SavedSize), "equal", f.AppSave.SavedSHA == f.SHA, f.AppSave.SavedSHA != "")
		peak := max(f.App.Win.MaxRSS, f.AppSave.Win.MaxRSS)
		r.add("TCP flood: peak RSS (metrics, both runs)", fmt.Sprintf("%s (VmHWM %s)", mb(peak), mb(max(f.App.HWM, f.AppSave.HWM))), "< 300 MB", peak < 300e6, peak > 0)
		lag := max(f.App.Win.MaxLag, f.AppSave.Win.MaxLag)
		r.add("TCP flood: max ui_lag_ms (both runs)", fmt.Sprintf("%.1f ms", lag), "< 100 ms", lag < 100, f.App.Win.Lines+f.AppSave.Win.Lines > 0)
		exact := f.App.Counted == uint64(f.Bytes) && f.AppSave.Counted == uint64(f.Bytes)
		r.add("TCP flood: metrics rx_bytes equal the bytes sent exactly", fmt.Sprintf("%d / %d (off, save) vs %d", f.App.Counted, f.AppSave.Counted, f.Bytes), "equal", exact, f.App.Counted+f.AppSave.Counted > 0)
	}
	if l := r.FloodLag; l != nil {
		l.checks(r)
	}
	if f := r.Framed; f != nil {
		f.checks(r)
	}
	if x := r.Rules; x != nil {
		x.checks(r)
	}
	if x := r.Export; x != nil {
		x.checks(r)
	}
	if x := r.Relay; x != nil {
		x.checks(r)
	}
	if m := r.Many; m != nil {
		known := m.Client.Connected > 0
		r.add(fmt.Sprintf("%d clients: metrics connections reach %d", m.N, m.N), fmt.Sprintf("%d (client connected %d, failed %d)", m.Conns, m.Client.Connected, m.Client.Failed), fmt.Sprintf("%d", m.N), m.Conns >= m.N, known)
		r.add(fmt.Sprintf("%d clients: rx_bytes equal the bytes sent", m.N), fmt.Sprintf("%d vs %d", m.Rx, m.Client.Bytes), "equal", m.Rx == uint64(m.Client.Bytes) && known, known)
		r.add(fmt.Sprintf("%d clients: peak RSS (metrics)", m.N), fmt.Sprintf("%s (VmHWM %s)", mb(m.Win.MaxRSS), mb(m.HWM)), "< 400 MB", m.Win.MaxRSS < 400e6, m.Win.Lines > 0)
		r.add(fmt.Sprintf("%d clients: max ui_lag_ms", m.N), fmt.Sprintf("%.1f ms", m.Win.MaxLag), "< 200 ms", m.Win.MaxLag < 200, m.Win.Lines > 0)
	}
	if u := r.UDP; u != nil {
		lost := int64(u.Sender.Sent) - int64(u.Received)
		r.add("UDP 64-byte datagrams at 20,000/s for 10 s: every datagram counted",
			fmt.Sprintf("%d of %d (lost %d = %.3f%%)", u.Received, u.Sender.Sent, lost, 100*float64(lost)/float64(max(u.Sender.Sent, 1))),
			"all", lost == 0 && u.Sender.Sent > 0, u.Sender.Sent > 0)
	}
	if h := r.HTTP; h != nil {
		ngLog, ngNoLog := h.find(nginxLog), h.find(nginxNoLog)
		logRPS, noLogRPS, noLogP99 := meanRPS(ngLog), meanRPS(ngNoLog), meanP99(ngNoLog)
		app, save := h.find(appCapture), h.find(appSave)
		if len(app) > 0 && noLogRPS > 0 {
			q := app[0].RPS / noLogRPS
			r.add("HTTP static (1 KiB), capture on: app req/s / nginx without access log", fmt.Sprintf("%.2f (%.0f vs %.0f)", q, app[0].RPS, noLogRPS), "≥ 0.90", q >= 0.9, true)
		} else {
			r.add("HTTP static (1 KiB), capture on: app req/s / nginx without access log", "—", "≥ 0.90", false, false)
		}
		if len(save) > 0 && noLogRPS > 0 {
			q := save[0].RPS / noLogRPS
			r.add("HTTP static (1 KiB), --save: app req/s / nginx without access log", fmt.Sprintf("%.2f (%.0f vs %.0f)", q, save[0].RPS, noLogRPS), "≥ 0.80", q >= 0.8, true)
		} else {
			r.add("HTTP static (1 KiB), --save: app req/s / nginx without access log", "—", "≥ 0.80", false, false)
		}
		p99, okP99 := time.Duration(0), false
		if len(app) > 0 {
			p99, okP99 = wrkDuration(app[0].LatP99)
		}
		if okP99 && noLogP99 > 0 {
			q := float64(p99) / float64(noLogP99)
			r.add("HTTP, capture on: app p99 latency / nginx's (without access log)", fmt.Sprintf("%.2f (%s vs %s)", q, app[0].LatP99, noLogP99.Round(time.Microsecond)), "≤ 2.0", q <= 2, true)
		} else {
			r.add("HTTP, capture on: app p99 latency / nginx's (without access log)", "—", "≤ 2.0", false, false)
		}
		if len(app) > 0 && logRPS > 0 {
			q := app[0].RPS / logRPS
			r.add("HTTP static (1 KiB), capture on: app req/s / nginx with access log", fmt.Sprintf("%.2f (%.0f vs %.0f)", q, app[0].RPS, logRPS), "report", true, true)
		}
		if len(app) > 0 {
			r.add("HTTP: app max ui_lag_ms during wrk", fmt.Sprintf("%.1f ms", app[0].Win.MaxLag), "< 100 ms", app[0].Win.MaxLag < 100, app[0].Win.Lines > 0)
		}
		if len(save) > 0 {
			x := save[0]
			// wrk counts completed requests; up to 32 more may be in flight when it stops.
			ok := x.Captured >= x.Requests && x.Captured <= x.Requests+32
			r.add("HTTP: every request counted in the capture (saved .rx, parsed) vs wrk", fmt.Sprintf("%d captured vs %d completed by wrk", x.Captured, x.Requests), "≥ wrk, ≤ wrk+32 in flight", ok, true)
		} else {
			r.add("HTTP: every request counted in the capture", "—", "all", false, false)
		}
		r.abRows(h.AB)
	}
	if p := r.Proxy; p != nil {
		p.evaluate(r)
	}
	if s := r.Startup; s != nil {
		r.add("Start-up: exec → visible window, median of 5", fmt.Sprintf("%d ms (painted %d ms)", s.AppMed[0].Milliseconds(), s.AppMed[1].Milliseconds()), "report", true, s.AppMed[0] > 0)
	}
	if i := r.Idle; i != nil {
		what := fmt.Sprintf("Idle CPU, three sessions open, %d s", idleSecs)
		ok := i.App.Err == "" && i.App.Secs > 0
		if i.HavePeer && i.Peer.Err == "" && i.Peer.Secs > 0 {
			// A bare Fyne window polls its events 60 times a second, which
			// is the floor any Fyne app idles at; ~0 is asked of what the
			// app does beyond it.
			extra := i.App.pct() - i.Peer.pct()
			r.add(what+": beyond a bare Fyne window", fmt.Sprintf("%+.2f points (%.2f%% of a core vs %.2f%%)", extra, i.App.pct(), i.Peer.pct()), "~0 (≤ +0.5 points)", extra <= 0.5, ok)
		} else {
			r.add(what, fmt.Sprintf("%.2f%% of a core (%.2f CPU s)", i.App.pct(), i.App.CPUSec), "~0 (≤ 1%)", i.App.pct() <= 1, ok)
		}
	}
}

func (r *report) summary() string {
	r.evaluate()
	var b strings.Builder
	for _, c := range r.checks {
		fmt.Fprintf(&b, "%-10s %s: %s (target %s)\n", strings.Trim(passWord(c), "*"), c.What, c.Measured, c.Target)
	}
	return b.String()
}

func (r *report) markdown() string {
	r.evaluate()
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# NetAssist benchmark report\n\n")
	w("Generated by `make bench` (`scripts/deps.sh bench` then `scripts/bench.sh`, which builds the app and runs `scripts/bench/`) on %s; the run took %.0f s.\n\n",
		r.Started.Format("2006-01-02 15:04 MST"), r.Finished.Sub(r.Started).Seconds())
	w("The machine is small, shared and noisy: every figure that matters is a **ratio against a peer measured in the same run**, on 127.0.0.1, ")
	w("with the app running under its own Xvfb + openbox (fresh HOME, `LANG=en_US.UTF-8`). Absolute figures are for orientation only.\n\n")
	w("## Machine\n\n| | |\n|---|---|\n")
	for _, kv := range r.Machine {
		w("| %s | %s |\n", kv[0], strings.ReplaceAll(kv[1], "|", "\\|"))
	}
	w("\n## Targets\n\n| Check | Measured | Target | Result |\n|---|---|---|---|\n")
	for _, c := range r.checks {
		w("| %s | %s | %s | %s |\n", c.What, c.Measured, c.Target, passWord(c))
	}

	if f := r.Flood; f != nil {
		w("\n## 1. TCP flood: %d bytes (%.3g GiB) from one client (issue 2)\n\n", f.Bytes, float64(f.Bytes)/(1<<30))
		w("One client process writes a seeded stream (wyrand, seed %d, SHA-256 `%s`) in %d KiB writes, half-closes, and ", r.Seed, f.SHA, chunk>>10)
		w("waits for the receiver to close: the Go sink answers its byte count and closes; the app's TCP server closes on FIN after it has read and recorded everything. ")
		w("That close stops the clock; the app's figures are then confirmed by its metrics (rx_bytes = %d). ", f.Bytes)
		w("With `--save` the clock runs until the saved `.rx` file holds every byte. The generator alone runs at %s, so the client is not the bottleneck. ", mbps(f.GenRate))
		w("The sink is a plain Go program in its own process (reads %d KiB at a time and discards); the baseline is the median of its three runs.\n\n", chunk>>10)
		if f.Err != "" {
			w("**Error:** %s\n\n", f.Err)
		}
		w("| Receiver | Receiver closed at | Saved .rx complete at | Throughput (clock) | / sink | Metrics confirm all bytes at | Counted | Peak RSS (metrics) | VmHWM | Max ui_lag_ms |\n")
		w("|---|---|---|---|---|---|---|---|---|---|\n")
		rows := append(append([]floodRun(nil), f.Sink...), f.App, f.AppSave)
		for _, x := range rows {
			if x.Err != "" && x.Secs == 0 {
				w("| %s | error: %s | | | | | | | | |\n", x.Name, x.Err)
				continue
			}
			ratio := "—"
			if f.SinkMedian > 0 {
				ratio = fmt.Sprintf("%.2f", x.rate(f.Bytes)/f.SinkMedian)
			}
			opt := func(v float64) string {
				if v <= 0 {
					return "—"
				}
				return fmt.Sprintf("%.2f s", v)
			}
			isApp := strings.HasPrefix(x.Name, "NetAssist")
			rss, hwm, lag := "—", "—", "—"
			if isApp {
				rss, hwm, lag = mb(x.Win.MaxRSS), mb(x.HWM), fmt.Sprintf("%.1f", x.Win.MaxLag)
			}
			w("| %s | %.2f s | %s | %s | %s | %s | %d | %s | %s | %s |\n", x.Name, x.Secs, opt(x.SavedSecs), mbps(x.rate(f.Bytes)), ratio,
				opt(x.MetricSecs), x.Counted, rss, hwm, lag)
		}
		w("\nSink median: %s. The clock is \"receiver closed\", or with `--save` \"saved .rx complete\". ", mbps(f.SinkMedian))
		if f.AppSave.SavedSHA != "" {
			w("Saved `.rx`: %d bytes, SHA-256 `%s` (%s); `events.jsonl` %s (one line per chunk, pointing into the `.rx` file).", f.AppSave.SavedSize, f.AppSave.SavedSHA,
				map[bool]string{true: "identical to the data sent", false: "**differs from the data sent**"}[f.AppSave.SavedSHA == f.SHA], mb(uint64(f.AppSave.EventsSize)))
		}
		w(" \"Metrics confirm\" has the metrics file's 1 s granularity, so it is an upper bound.\n")
		if d := f.Disk; d.Bytes > 0 {
			w("\nThe disk: a plain Go program wrote %s (what the --save run wrote: the .rx file and events.jsonl) in 256 KiB writes to the same folder, no fsync, in %.2f s: %s. ", mb(uint64(d.Bytes)), d.Secs, mbps(d.rate()))
			if d.Err != "" {
				w("(error: %s) ", d.Err)
			}
			w("Every received byte is written once, to the `.rx` file; events.jsonl holds one short line per chunk that points into it (format 2). ")
			w("The plain writer goes through the page cache, as the app does until the system holds as much unwritten data as it lets pile up; on Linux the app then writes the whole blocks of its big files with O_DIRECT. ")
		}
		w("\n")
		for _, x := range []floodRun{f.App, f.AppSave} {
			if x.Err != "" {
				w("\n**%s:** %s\n", x.Name, x.Err)
			}
		}
	}
	if l := r.FloodLag; l != nil && len(l.Runs) > 0 {
		l.markdown(w)
	}
	if f := r.Framed; f != nil {
		f.markdown(w)
	}
	if x := r.Rules; x != nil {
		x.markdown(w)
	}
	if x := r.Relay; x != nil {
		x.markdown(w)
	}
	if m := r.Many; m != nil {
		w("\n## 2. %d clients at once (issue 2)\n\n", m.N)
		w("One client process dials in batches of 250 (each connection writes one line of %d–%d bytes right after connecting) and waits before the next batch while more than 2,500 of its connections are not yet in the app's metrics, so the accept backlog (somaxconn %s) cannot overflow. All stay open until the metrics show every connection and byte, then are closed together.\n\n",
			len(line(0)), len(line(m.N-1)), strings.TrimSpace(readFile("/proc/sys/net/core/somaxconn")))
		if m.Err != "" {
			w("**Error:** %s\n\n", m.Err)
		}
		w("| | |\n|---|---|\n")
		w("| Connected by the client (failed) | %d (%d)%s |\n", m.Client.Connected, m.Client.Failed, ifs(m.Client.FirstError != "", " — "+m.Client.FirstError))
		w("| Client: all dialled and written in | %.1f s (of which %.1f s waiting for the app) |\n", m.Client.ConnectSec, m.Client.Throttled)
		w("| Metrics: most connections listed | %d |\n", m.Conns)
		w("| Metrics: rx_bytes / bytes sent | %d / %d |\n", m.Rx, m.Client.Bytes)
		w("| First dial → metrics show all connections and bytes | %.1f s |\n", m.AllSecs)
		w("| Peak RSS (metrics) / VmHWM | %s / %s |\n", mb(m.Win.MaxRSS), mb(m.HWM))
		w("| Max ui_lag_ms | %.1f |\n", m.Win.MaxLag)
		if m.DrainSecs >= 0 {
			w("| All closed → metrics connections 0 | %.1f s |\n", m.DrainSecs)
		} else {
			w("| All closed → metrics connections 0 | **not within 45 s** (%d still listed) |\n", m.DrainConns)
		}
	}
	if u := r.UDP; u != nil {
		w("\n## 3. UDP: %d-byte datagrams at %d/s for %d s (issue 2)\n\n", udpSize, udpRate, udpSecs)
		w("A sender process paced by the clock (at every instant it has sent ⌊t × rate⌋) through a connected UDP socket to `--open udp://127.0.0.1:P`.\n\n")
		if u.Err != "" {
			w("**Error:** %s\n\n", u.Err)
		}
		lost := int64(u.Sender.Sent) - int64(u.Received)
		w("| Sent | Send time | Send errors | Counted by the app (rx_bytes / 64) | Lost | Max ui_lag_ms | Peak RSS |\n|---|---|---|---|---|---|---|\n")
		w("| %d | %.2f s (%.0f/s) | %d | %d (%d bytes) | %d (%.3f%%) | %.1f | %s |\n", u.Sender.Sent, u.Sender.Seconds, float64(u.Sender.Sent)/max(u.Sender.Seconds, 1e-9),
			u.Sender.Errors, u.Received, u.RxBytes, lost, 100*float64(lost)/float64(max(u.Sender.Sent, 1)), u.Win.MaxLag, mb(u.Win.MaxRSS))
	}
	if h := r.HTTP; h != nil {
		w("\n## 4. HTTP static: a %d-byte index.html (issue 3)\n\n", h.FileSize)
		w("`wrk -t1 -c32 -d%s --latency http://127.0.0.1:P/` against each server in turn, all serving the same folder. nginx runs with one worker (config in a temp folder), once with its access log and once with `access_log off`, each before and after the app; \"/ nginx\" divides by the mean of the two runs without access log (the targets use the same means). ", wrkTime)
		w("\"Captured\" parses the app's saved raw `.rx` files (`--save`) with `http.ReadRequest`: wrk counts completed requests, so the capture may hold up to 32 more (in flight when wrk stopped).\n\n")
		if h.Err != "" {
			w("**Error:** %s\n\n", h.Err)
		}
		w("| Server | Requests | Req/s | / nginx (no log) | Latency p50 / p99 | Non-2xx | Socket errors | Max ui_lag_ms | Peak RSS | Captured requests / responses |\n|---|---|---|---|---|---|---|---|---|---|\n")
		ngRPS := meanRPS(h.find(nginxNoLog))
		for _, x := range h.Runs {
			if x.Err != "" {
				w("| %s | error: %s | | | | | | | | |\n", x.Server, strings.ReplaceAll(x.Err, "\n", " "))
				continue
			}
			ratio := "—"
			if ngRPS > 0 {
				ratio = fmt.Sprintf("%.2f", x.RPS/ngRPS)
			}
			lag, rss, capt := "—", "—", "—"
			if x.isApp {
				lag, rss = fmt.Sprintf("%.1f", x.Win.MaxLag), mb(x.Win.MaxRSS)
				if strings.Contains(x.Server, "--save") {
					capt = fmt.Sprintf("%d / %d", x.Captured, x.Responses)
				}
			}
			w("| %s | %d | %.0f | %s | %s / %s | %d | %s | %s | %s | %s |\n", x.Server, x.Requests, x.RPS, ratio, x.LatP50, x.LatP99, x.Non2xx,
				ifs(x.SockErr == "", "0", x.SockErr), lag, rss, capt)
		}
		w("\nThe metrics file has no request count, so the capture is checked only in the `--save` run. A `http_requests` (exchanges captured) field in `--metrics` would let the capture-only run be checked too.\n")
	}
	if s := r.Startup; s != nil {
		w("\n## 5. Start-up: exec → first frame under Xvfb, %d runs each\n\n", startupRuns)
		w("*Mapped*: exec until `xdotool search --onlyvisible --name TITLE` finds the window (polled every 10 ms; `--sync` would poll only every 0.5 s). *Painted*: until the window's pixels are no longer one flat colour (ImageMagick `import`, polled). Fresh HOME each run. ")
		if s.HavePeer {
			w("The peer is a bare Fyne window with one label (`scripts/bench/fynepeer`), started alternately with the app.\n\n")
		} else {
			w("\n\n")
		}
		w("| Program | Runs: mapped / painted (ms) | Median mapped | Median painted |\n|---|---|---|---|\n")
		row := func(name string, rs []startupRun, med [2]time.Duration) {
			var parts []string
			for _, x := range rs {
				if x.Err != "" {
					parts = append(parts, "error: "+x.Err)
				} else {
					parts = append(parts, fmt.Sprintf("%d / %d", x.Mapped.Milliseconds(), x.Painted.Milliseconds()))
				}
			}
			w("| %s | %s | %d ms | %d ms |\n", name, strings.Join(parts, ", "), med[0].Milliseconds(), med[1].Milliseconds())
		}
		row("NetAssist (no session)", s.App, s.AppMed)
		if s.HavePeer {
			row("Peer: bare Fyne window", s.Peer, s.PeerMed)
			if s.PeerMed[0] > 0 {
				w("\nRatio app / peer: mapped %.2f, painted %.2f.\n", float64(s.AppMed[0])/float64(s.PeerMed[0]), float64(s.AppMed[1])/float64(max(s.PeerMed[1], 1)))
			}
		}
	}
	if i := r.Idle; i != nil {
		w("\n## 6. Idle CPU, %d s\n\n", idleSecs)
		w("utime+stime from `/proc/PID/stat` over %d s, after 3 s of settling, as %% of one core. The app and the peer idle side by side over the same seconds, so the machine's other load falls on both; Xvfb's own CPU (serving both) beside them. ", idleSecs)
		w("Fyne's event loop (v2.7.1) polls the window system 60 times a second whatever the app does, so a bare Fyne window is the floor; the target is on what NetAssist adds to it.\n\n")
		w("| Process | CPU s | %% of a core | Xvfb %% of a core | Connections (metrics) |\n|---|---|---|---|---|\n")
		rows := []idleRun{i.App}
		if i.HavePeer {
			rows = append(rows, i.Peer)
		}
		for _, x := range rows {
			if x.Err != "" {
				w("| %s | error: %s | | | |\n", x.Name, x.Err)
				continue
			}
			conns := "—"
			if x.Name == i.App.Name {
				conns = fmt.Sprint(x.Conns)
			}
			w("| %s | %.2f | %.2f%% | %.2f%% | %s |\n", x.Name, x.CPUSec, x.pct(), x.xpct(), conns)
		}
	}
	if p := r.Proxy; p != nil {
		b.WriteString(p.markdown())
	}
	if x := r.Export; x != nil {
		x.markdown(w)
	}
	w("\n## Time per part\n\n| Part | Seconds |\n|---|---|\n")
	for _, p := range r.PartSecs {
		w("| %s | %.0f |\n", p.Part, p.Secs)
	}
	w("\n## Commands\n\nRun: `make bench` (or `scripts/bench.sh` once `scripts/deps.sh bench` has installed the tools). `$WORK` is the run's temp folder; `P` ports are free ports picked per run; `bench` is `go build ./scripts/bench`.\n\n```\n")
	for _, c := range r.Commands {
		w("%s\n", c)
	}
	w("```\n")
	return b.String()
}

func ifs(cond bool, a string, b ...string) string {
	if cond {
		return a
	}
	if len(b) > 0 {
		return b[0]
	}
	return ""
}

func readFile(p string) string {
	b, _ := os.ReadFile(p)
	return string(b)
}
