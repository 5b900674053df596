package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const wrkTime = "10s"

// wrkRun is one wrk run against one server.
type wrkRun struct {
	Server    string
	Requests  int64
	Seconds   float64
	RPS       float64
	Non2xx    int64
	SockErr   string
	LatP50    string
	LatP99    string
	Win       window // app runs only
	HWM       uint64
	Captured  int64 // requests found in the saved capture (app with --save)
	Responses int64 // responses found in the saved capture
	RxBytes   uint64
	SavedRx   int64 // bytes in the saved .rx files
	Err       string
	isApp     bool
}

type httpBench struct {
	FileSize int
	Runs     []wrkRun
	AB       []abRun // ab's shapes (httpab.go)
	Err      string
}

func (h *httpBench) find(prefix string) []wrkRun {
	var out []wrkRun
	for _, r := range h.Runs {
		if strings.HasPrefix(r.Server, prefix) && r.Err == "" {
			out = append(out, r)
		}
	}
	return out
}

// indexHTML is the small file every server serves: 1 KiB exactly.
func indexHTML() []byte {
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>NetAssist bench</title></head>\n<body><h1>NetAssist benchmark</h1>\n<p>")
	for b.Len() < 1024-len("</p></body></html>\n") {
		b.WriteString("x")
	}
	b.WriteString("</p></body></html>\n")
	return b.Bytes()
}

func benchHTTP(e *env) *httpBench {
	res := &httpBench{}
	root := filepath.Join(e.work, "www")
	os.MkdirAll(root, 0o755)
	page := indexHTML()
	res.FileSize = len(page)
	if err := os.WriteFile(filepath.Join(root, "index.html"), page, 0o644); err != nil {
		res.Err = err.Error()
		return res
	}
	os.Chmod(e.work, 0o755) // nginx's worker must reach the root
	// nginx with and without its access log, each before and after the
	// app: the machine's load drifts, and the ratios use their means.
	res.Runs = append(res.Runs, e.wrkNginx(root, nginxLog+", run 1", true))
	res.Runs = append(res.Runs, e.wrkNginx(root, nginxNoLog+", run 1", false))
	res.Runs = append(res.Runs, e.wrkApp(root, appCapture, false))
	res.Runs = append(res.Runs, e.wrkApp(root, appSave, true))
	res.Runs = append(res.Runs, e.wrkPython(root, "python3 -m http.server"))
	res.Runs = append(res.Runs, e.wrkNginx(root, nginxNoLog+", run 2", false))
	res.Runs = append(res.Runs, e.wrkNginx(root, nginxLog+", run 2", true))
	res.AB = e.abHTTP(root)
	return res
}

// Names of the runs; the report finds them by these prefixes.
const (
	nginxLog   = "nginx (1 worker, access log)"
	nginxNoLog = "nginx (1 worker, no access log)"
	appCapture = "NetAssist HTTP server (capture on)"
	appSave    = "NetAssist HTTP server (capture + --save)"
)

// meanRPS and meanP99 average the runs (nginx's before and after the app).
func meanRPS(runs []wrkRun) float64 {
	var sum float64
	for _, r := range runs {
		sum += r.RPS
	}
	return sum / float64(max(len(runs), 1))
}

func meanP99(runs []wrkRun) time.Duration {
	var sum time.Duration
	n := 0
	for _, r := range runs {
		if d, ok := wrkDuration(r.LatP99); ok {
			sum += d
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / time.Duration(n)
}

// wrkDuration reads a latency as wrk prints it: 534.00us, 6.77ms, 1.02s, 2.00m.
func wrkDuration(s string) (time.Duration, bool) {
	for _, u := range []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"m", time.Minute}, {"s", time.Second}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, false
			}
			return time.Duration(f * float64(u.unit)), true
		}
	}
	return 0, false
}

var (
	reReq  = regexp.MustCompile(`(\d+) requests in ([\d.]+)(ms|s|m)`)
	reRPS  = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reNon  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	reSock = regexp.MustCompile(`Socket errors: (.*)`)
	reP50  = regexp.MustCompile(`\s50%\s+(\S+)`)
	reP99  = regexp.MustCompile(`\s99%\s+(\S+)`)
)

func (e *env) wrk(port int, r *wrkRun) {
	out, err := e.runCmd(40*time.Second, "wrk", "-t1", "-c32", "-d"+wrkTime, "--latency", fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		r.Err = fmt.Sprintf("wrk: %v: %s", err, strings.TrimSpace(out))
		return
	}
	if m := reReq.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.ParseInt(m[1], 10, 64)
		r.Seconds, _ = strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "ms":
			r.Seconds /= 1000
		case "m":
			r.Seconds *= 60
		}
	}
	if m := reRPS.FindStringSubmatch(out); m != nil {
		r.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := reNon.FindStringSubmatch(out); m != nil {
		r.Non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reSock.FindStringSubmatch(out); m != nil {
		r.SockErr = strings.TrimSpace(m[1])
	}
	if m := reP50.FindStringSubmatch(out); m != nil {
		r.LatP50 = m[1]
	}
	if m := reP99.FindStringSubmatch(out); m != nil {
		r.LatP99 = m[1]
	}
	if r.Requests == 0 {
		r.Err = "wrk completed no request: " + strings.TrimSpace(out)
	}
	logf("%s: %d requests, %.0f req/s, non-2xx %d, socket errors %q, p50 %s p99 %s",
		r.Server, r.Requests, r.RPS, r.Non2xx, r.SockErr, r.LatP50, r.LatP99)
}

func (e *env) wrkNginx(root, title string, accessLog bool) wrkRun {
	r := wrkRun{Server: title}
	logTo := "off"
	if accessLog {
		logTo = "%s/access.log" // in nginx's own folder
	}
	port, stop, err := e.startNginx("static", fmt.Sprintf("access_log %s;\nserver { listen 127.0.0.1:%%d; root %s; index index.html; }", logTo, root))
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer stop()
	if err := checkGet(port, len(indexHTML())); err != nil {
		r.Err = "nginx: " + err.Error()
		return r
	}
	e.wrk(port, &r)
	return r
}

func (e *env) wrkPython(root, title string) wrkRun {
	r := wrkRun{Server: title}
	port, err := freePort("tcp")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	args := []string{"-m", "http.server", strconv.Itoa(port), "--bind", "127.0.0.1", "--directory", root}
	e.note("python3 %s", strings.Join(redact(e, args), " "))
	stop, err := startDaemon(exec.Command("python3", args...), filepath.Join(e.work, "python-http.log"), syscall.SIGTERM, port, 15*time.Second)
	if err != nil {
		r.Err = "python3 -m http.server: " + err.Error()
		return r
	}
	defer stop()
	if err := checkGet(port, len(indexHTML())); err != nil {
		r.Err = "python3 -m http.server: " + err.Error()
		return r
	}
	e.wrk(port, &r)
	return r
}

func (e *env) wrkApp(root, title string, save bool) wrkRun {
	r := wrkRun{Server: title, isApp: true}
	port, err := freePort("tcp")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	name := "http-app"
	args := []string{"--open", fmt.Sprintf("http-server://127.0.0.1:%d?root=%s", port, url.QueryEscape(root))}
	saveDir := filepath.Join(e.work, "http-save")
	if save {
		name = "http-app-save"
		os.MkdirAll(saveDir, 0o755)
		args = append(args, "--save", saveDir)
		defer os.RemoveAll(saveDir)
	}
	app, err := e.startListeningApp(name, port, "the app's HTTP server session did not listen (is http-server wired to --open?)", args...)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer app.stop()
	// No probe request: the capture must hold wrk's requests only.
	start := time.Now()
	e.wrk(port, &r)
	end := time.Now()
	time.Sleep(2200 * time.Millisecond) // metrics lines after the run; the saver goes idle and flushes
	ms := readMetrics(app.metrics)
	r.Win = summarise(ms, start, end)
	if len(ms) > 0 {
		r.RxBytes = ms[len(ms)-1].Rx
	}
	r.HWM = app.peakRSS()
	if save {
		app.stop()
		r.Captured, r.Responses, r.SavedRx = countSaved(saveDir)
		logf("%s: saved capture holds %d requests and %d responses (%d request bytes; metrics rx %d)",
			title, r.Captured, r.Responses, r.SavedRx, r.RxBytes)
	}
	logf("%s: max ui_lag %.1f ms, peak RSS %d MB", title, r.Win.MaxLag, r.Win.MaxRSS>>20)
	return r
}

// checkGet fetches / once to make sure the server serves the page (used
// for the peers only; the app's capture must hold wrk's requests alone).
func checkGet(port, size int) error {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || len(b) != size {
		return fmt.Errorf("GET / gave %s with %d bytes, want 200 with %d", resp.Status, len(b), size)
	}
	return nil
}

// countSaved parses every saved raw file of an HTTP session: requests in
// the .rx files, responses in the .tx files.
func countSaved(dir string) (reqs, resps, rxBytes int64) {
	rx, _ := filepath.Glob(filepath.Join(dir, "*", "*.rx"))
	for _, f := range rx {
		if st, err := os.Stat(f); err == nil {
			rxBytes += st.Size()
		}
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		br := bufio.NewReaderSize(fh, 64<<10)
		for {
			req, err := http.ReadRequest(br)
			if err != nil {
				break
			}
			io.Copy(io.Discard, req.Body)
			reqs++
		}
		fh.Close()
	}
	tx, _ := filepath.Glob(filepath.Join(dir, "*", "*.tx"))
	for _, f := range tx {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		br := bufio.NewReaderSize(fh, 64<<10)
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				break
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			resps++
		}
		fh.Close()
	}
	return reqs, resps, rxBytes
}
