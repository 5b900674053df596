package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ApacheBench as a second HTTP peer: other shapes than wrk's, and the two
// that went through net/http before: HTTP/1.0 with keep-alive (-k), and a
// new connection for every request (ab's default, and siege's).

// abShape is one way of running ab.
type abShape struct {
	Name string
	Args []string
}

var abShapes = []abShape{
	{"ab -k -c32 (HTTP/1.0 keep-alive)", []string{"-k", "-c32"}},
	{"ab -c8 (a connection per request)", []string{"-c8"}},
}

// abRun is one ab run against one server.
type abRun struct {
	Server, Shape string
	Requests      int64
	Failed        int64
	RPS           float64
	Err           string
}

var (
	reAbDone = regexp.MustCompile(`Complete requests:\s+(\d+)`)
	reAbFail = regexp.MustCompile(`Failed requests:\s+(\d+)`)
	reAbRPS  = regexp.MustCompile(`Requests per second:\s+([\d.]+)`)
)

// parseAB reads ab's summary into r.
func parseAB(text string, r *abRun) {
	if m := reAbDone.FindStringSubmatch(text); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reAbFail.FindStringSubmatch(text); m != nil {
		r.Failed, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reAbRPS.FindStringSubmatch(text); m != nil {
		r.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if r.Requests == 0 {
		r.Err = "ab completed no request: " + strings.TrimSpace(text)
	}
}

// ab runs every shape against port, 8 s each.
func (e *env) ab(server string, port int) []abRun {
	var out []abRun
	for _, sh := range abShapes {
		r := abRun{Server: server, Shape: sh.Name}
		args := append(append([]string{"-q", "-t", "8", "-n", "5000000"}, sh.Args...), fmt.Sprintf("http://127.0.0.1:%d/", port))
		text, err := e.runCmd(40*time.Second, "ab", args...)
		switch {
		case err != nil:
			r.Err = fmt.Sprintf("ab: %v: %s", err, strings.TrimSpace(text))
		default:
			parseAB(text, &r)
		}
		logf("%s, %s: %d requests, %.0f req/s, %d failed %s", server, sh.Name, r.Requests, r.RPS, r.Failed, r.Err)
		out = append(out, r)
	}
	return out
}

// abHTTP runs ab against nginx (without its access log) before and after
// the app with its capture on.
func (e *env) abHTTP(root string) []abRun {
	var out []abRun
	nginx := func(run string) {
		port, stop, err := e.startNginx("ab", fmt.Sprintf("access_log off;\nserver { listen 127.0.0.1:%%d; root %s; index index.html; }", root))
		if err != nil {
			out = append(out, abRun{Server: nginxNoLog + run, Err: err.Error()})
			return
		}
		defer stop()
		out = append(out, e.ab(nginxNoLog+run, port)...)
	}
	nginx(", run 1")
	func() {
		port, err := freePort("tcp")
		if err != nil {
			out = append(out, abRun{Server: appCapture, Err: err.Error()})
			return
		}
		app, err := e.startListeningApp("http-app-ab", port, "the app's HTTP server session did not listen",
			"--open", fmt.Sprintf("http-server://127.0.0.1:%d?root=%s", port, url.QueryEscape(root)))
		if err != nil {
			out = append(out, abRun{Server: appCapture, Err: err.Error()})
			return
		}
		defer app.stop()
		out = append(out, e.ab(appCapture, port)...)
	}()
	nginx(", run 2")
	return out
}

// abRows adds the report's rows: the app's requests a second against
// nginx's mean, for each shape.
func (r *report) abRows(runs []abRun) {
	for _, sh := range abShapes {
		var ng []float64
		var app *abRun
		for i, x := range runs {
			if x.Shape != sh.Name || x.Err != "" || x.Failed != 0 {
				continue
			}
			switch {
			case strings.HasPrefix(x.Server, nginxNoLog):
				ng = append(ng, x.RPS)
			case x.Server == appCapture:
				app = &runs[i]
			}
		}
		title := "HTTP static (1 KiB), capture on, " + sh.Name + ": app req/s / nginx without access log"
		if app == nil || len(ng) == 0 {
			r.add(title, "—", "≥ 0.90", false, false)
			continue
		}
		mean := 0.0
		for _, v := range ng {
			mean += v / float64(len(ng))
		}
		q := app.RPS / mean
		r.add(title, fmt.Sprintf("%.2f (%.0f vs %.0f)", q, app.RPS, mean), "≥ 0.90", q >= 0.9, true)
	}
}
