package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The reverse proxy (issue 14): the app's HTTP server in Forward to mode
// against nginx's proxy_pass, both in front of the same upstream (an
// nginx serving the 1 KiB index.html), wrk as the client. nginx keeps its
// upstream connections alive (keepalive 32), as the app's proxy does.

type proxyBench struct {
	Runs []wrkRun
	Err  string
}

const (
	proxyNginx = "nginx proxy_pass (1 worker, upstream keepalive)"
	proxyApp   = "NetAssist reverse proxy (capture on)"
)

func benchProxy(e *env) *proxyBench {
	res := &proxyBench{}
	root := filepath.Join(e.work, "www-proxy")
	os.MkdirAll(root, 0o755)
	os.Chmod(e.work, 0o755) // nginx's worker must reach the root
	if err := os.WriteFile(filepath.Join(root, "index.html"), indexHTML(), 0o644); err != nil {
		res.Err = err.Error()
		return res
	}
	upPort, stopUp, err := e.startNginx("upstream", fmt.Sprintf("server { listen 127.0.0.1:%%d; root %s; index index.html; }", root))
	if err != nil {
		res.Err = "upstream: " + err.Error()
		return res
	}
	defer stopUp()
	// nginx before and after the app: the machine's load drifts.
	res.Runs = append(res.Runs, e.wrkNginxProxy(upPort, proxyNginx+", run 1"))
	res.Runs = append(res.Runs, e.wrkAppProxy(upPort))
	res.Runs = append(res.Runs, e.wrkNginxProxy(upPort, proxyNginx+", run 2"))
	return res
}

func (e *env) wrkNginxProxy(upPort int, title string) wrkRun {
	r := wrkRun{Server: title}
	port, stop, err := e.startNginx("proxy", fmt.Sprintf(`upstream up { server 127.0.0.1:%d; keepalive 32; }
    server { listen 127.0.0.1:%%d; location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection ""; } }`, upPort))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer stop()
	if err := checkGet(port, len(indexHTML())); err != nil {
		r.Err = "nginx proxy: " + err.Error()
		return r
	}
	e.wrk(port, &r)
	return r
}

func (e *env) wrkAppProxy(upPort int) wrkRun {
	r := wrkRun{Server: proxyApp, isApp: true}
	port, err := freePort("tcp")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	app, err := e.startListeningApp("proxy-app", port, "the app's reverse proxy did not listen",
		"--open", fmt.Sprintf("http-server://127.0.0.1:%d?proxy=http://127.0.0.1:%d", port, upPort))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer app.stop()
	start := time.Now()
	e.wrk(port, &r)
	end := time.Now()
	time.Sleep(2200 * time.Millisecond) // metrics lines after the run
	ms := readMetrics(app.metrics)
	r.Win = summarise(ms, start, end)
	r.HWM = app.peakRSS()
	logf("%s: max ui_lag %.1f ms, peak RSS %d MB", r.Server, r.Win.MaxLag, r.Win.MaxRSS>>20)
	return r
}

// evaluate adds the reverse proxy's target.
func (p *proxyBench) evaluate(r *report) {
	var ng []wrkRun
	var app *wrkRun
	for i, x := range p.Runs {
		switch {
		case x.Err != "":
		case strings.HasPrefix(x.Server, proxyNginx):
			ng = append(ng, x)
		case x.Server == proxyApp:
			app = &p.Runs[i]
		}
	}
	base := meanRPS(ng)
	if app == nil || base <= 0 {
		r.add("Reverse proxy: requests/s vs nginx proxy_pass, capture on", "—", "≥ 0.7×", false, false)
		return
	}
	ratio := app.RPS / base
	r.add("Reverse proxy: requests/s vs nginx proxy_pass, capture on",
		fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", ratio, app.RPS, base), "≥ 0.7×", ratio >= 0.7 && app.Non2xx == 0, true)
}

// markdown is the reverse proxy's section of the report.
func (p *proxyBench) markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("\n## Reverse proxy (issue 14)\n\n")
	w("wrk (`-t1 -c32 -d%s`) asks for `/` through each proxy; behind both is the same upstream, an nginx (1 worker, no access log) serving the %d-byte index.html. ",
		wrkTime, len(indexHTML()))
	w("nginx's proxy_pass keeps up to 32 upstream connections alive; the app's proxy (httputil.ReverseProxy) keeps them too. ")
	w("The app captures both legs of every exchange (no `--save`). nginx runs before and after the app and the ratio uses their mean.\n\n")
	if p.Err != "" {
		w("**Error:** %s\n\n", p.Err)
	}
	w("| Proxy | Requests | Req/s | Non-2xx | Socket errors | p50 | p99 | Max ui_lag_ms | Peak RSS |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range p.Runs {
		if x.Err != "" {
			w("| %s | error: %s | | | | | | | |\n", x.Server, x.Err)
			continue
		}
		lag, rss := "—", "—"
		if x.isApp {
			lag, rss = fmt.Sprintf("%.1f", x.Win.MaxLag), mb(x.HWM)
		}
		w("| %s | %d | %.0f | %d | %s | %s | %s | %s | %s |\n", x.Server, x.Requests, x.RPS, x.Non2xx, ifs(x.SockErr != "", x.SockErr, "—"), x.LatP50, x.LatP99, lag, rss)
	}
	return b.String()
}
