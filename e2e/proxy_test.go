//go:build linux

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestReverseProxyCurlChromium puts the HTTP server between curl (then
// Chromium) and a Go upstream with --open http-server://…?proxy=…: both
// get the upstream's page, the upstream sees X-Forwarded-For, and --save
// keeps the upstream leg as a connection of its own.
func TestReverseProxyCurlChromium(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "curl")
	requireChromium(t)

	var mu sync.Mutex
	var xff []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		xff = append(xff, r.Header.Get("X-Forwarded-For"))
		mu.Unlock()
		if r.URL.Path != "/app/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><body><h1>from the upstream</h1></body></html>")
	}))
	defer up.Close()

	d := newDisplay(t)
	port := freeTCPPort(t)
	saveDir := t.TempDir()
	a := d.startApp(bin, "--open", fmt.Sprintf("http-server://127.0.0.1:%d?proxy=%s/app", port, up.URL), "--save", saveDir)
	a.waitWindow()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)

	out, err := exec.Command("curl", "-sS", "--max-time", "20", "-i", url).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "HTTP/1.1 200 OK") || !strings.Contains(string(out), "from the upstream") {
		t.Fatalf("curl through the proxy: %v\n%s", err, out)
	}
	mu.Lock()
	if len(xff) != 1 || xff[0] != "127.0.0.1" {
		t.Errorf("the upstream saw X-Forwarded-For %q; want 127.0.0.1", xff)
	}
	mu.Unlock()

	cr := startChromium(t, url)
	select {
	case <-cr.done:
	case <-time.After(90 * time.Second):
		t.Fatal("chromium did not finish loading the page through the proxy")
	}
	if dom := cr.out.String(); !strings.Contains(dom, "from the upstream") {
		t.Fatalf("chromium rendered %q", dom)
	}
	time.Sleep(500 * time.Millisecond) // the list repaints at most 4 times a second
	d.screenshot("e2e-proxy-chromium.png")

	// The upstream leg in --save: a connection whose connect says
	// "upstream", its tx the forwarded request, its rx the upstream's answer.
	dir := sessionDir(t, saveDir)
	upHost := strings.TrimPrefix(up.URL, "http://")
	waitFor(t, 30*time.Second, "the upstream leg in events.jsonl", func() (bool, error) {
		evs := readEvents(t, filepath.Join(dir, "events.jsonl"))
		upConns := map[uint64]bool{}
		var sent, got []byte
		for _, e := range evs {
			switch {
			case e.Event == "connect" && e.Detail == "upstream" && e.Peer == upHost:
				upConns[e.Conn] = true
			case upConns[e.Conn] && (e.Event == "tx" || e.Event == "rx"):
				b, ok, err := payload(dir, e)
				if err != nil || !ok {
					return false, err
				}
				if e.Event == "tx" {
					sent = append(sent, b...)
				} else {
					got = append(got, b...)
				}
			}
		}
		return strings.HasPrefix(string(sent), "GET /app/ HTTP/1.1\r\n") && strings.Contains(string(sent), "X-Forwarded-For: 127.0.0.1\r\n") &&
			strings.Contains(string(got), "from the upstream"), nil
	})
}

// TestReverseProxyBadURLRefused: a proxy URL that is not http(s) stops the
// launch with a sentence that says so.
func TestReverseProxyBadURLRefused(t *testing.T) {
	bin := requireE2E(t)
	cmd := exec.Command(bin, "--open", "http-server://127.0.0.1:0?proxy=ftp://127.0.0.1:21")
	cmd.Env = baseEnv(t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "must start with http:// or https://") {
		t.Fatalf("exit %v, output %q", err, out)
	}
}

// TestHTTPRulesCurlChromium: --rules FILE on an HTTP server in front of an
// upstream: curl and Chromium get the rules' answers, with the path's
// groups filled in, and what no rule answers comes from the upstream.
func TestHTTPRulesCurlChromium(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "curl")
	requireChromium(t)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "upstream "+r.URL.Path)
	}))
	defer up.Close()
	rulesFile := filepath.Join(t.TempDir(), "rules.json")
	if err := os.WriteFile(rulesFile, []byte(`{"version": 1, "rules": [
  {"name": "user", "match": {"method": "GET", "path": "^/users/(?P<id>\\d+)$"},
   "reply": {"status": 200, "headers": "Content-Type: application/json", "template": "{\"id\": ${id}, \"n\": ${counter}}"}},
  {"name": "page", "match": {"path": "^/hello$"},
   "reply": {"headers": "Content-Type: text/html; charset=utf-8", "template": "<!DOCTYPE html><html><body><h1>rule says hello</h1></body></html>"}}
]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	d := newDisplay(t)
	port := freeTCPPort(t)
	a := d.startApp(bin, "--open", fmt.Sprintf("http-server://127.0.0.1:%d?proxy=%s", port, up.URL), "--rules", rulesFile)
	a.waitWindow()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for path, want := range map[string]string{"/users/12": `{"id": 12, "n": 1}`, "/other": "upstream /other"} {
		out, err := exec.Command("curl", "-sS", "--max-time", "20", base+path).CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("curl %s: %v %q; want %q", path, err, out, want)
		}
	}
	cr := startChromium(t, base+"/hello")
	select {
	case <-cr.done:
	case <-time.After(90 * time.Second):
		t.Fatal("chromium did not finish loading the rule's page")
	}
	if dom := cr.out.String(); !strings.Contains(dom, "rule says hello") {
		t.Fatalf("chromium rendered %q", dom)
	}
	time.Sleep(500 * time.Millisecond)
	d.screenshot("e2e-http-rules.png")
}
