//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromiumFlags are the flags ../shared/DESIGN.md gives for Chromium running
// as root in a closed network.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// requireChromium returns the Chromium binary; with NETASSIST_E2E=1 its
// absence is a failure.
func requireChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: scripts/deps.sh test installs it (Debian: apt-get install chromium)")
	return ""
}

// startChromium loads url headless and dumps the DOM it rendered on stdout.
func startChromium(t *testing.T, url string, extra ...string) *proc {
	t.Helper()
	args := append(append(append([]string{}, chromiumFlags...), extra...), "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	cmd := exec.Command(requireChromium(t), args...)
	cmd.Env = baseEnv(t.TempDir()) // headless: no DISPLAY
	t.Logf("start: chromium %s", strings.Join(args, " "))
	p := startProc(t, "chromium", cmd)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("chromium stdout:\n%s\nchromium stderr (last lines):\n%s", tail(p.out.String(), 40), tail(p.err.String(), 40))
		}
	})
	return p
}

// TestChromiumSeedLesson is the seed lesson "使用网络助手模拟web服务器": a
// browser asks a TCP server session for a page; the learner reads the
// request in the window and types the response by hand.
func TestChromiumSeedLesson(t *testing.T) {
	bin := requireE2E(t)
	requireChromium(t)
	d := newDisplay(t)
	port := freeTCPPort(t)
	saveDir := t.TempDir()
	a := d.startApp(bin, "--open", "tcp-server://127.0.0.1:"+strconv.Itoa(port), "--save", saveDir)
	a.waitWindow()

	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	cr := startChromium(t, url)

	// The request, as the app saved it. Chromium may open more connections
	// (preconnect, favicon); the one that carries "GET / " is the page's.
	dir := sessionDir(t, saveDir)
	var reqFile string
	var req []byte
	waitFor(t, 90*time.Second, "Chromium's request in a saved .rx file", func() (bool, error) {
		if cr.exited() {
			return false, fmt.Errorf("chromium exited before sending its request: %v", cr.waitEr)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.rx"))
		if err != nil {
			return false, err
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return false, err
			}
			if bytes.HasPrefix(b, []byte("GET / HTTP/1.1\r\n")) && bytes.Contains(b, []byte("\r\n\r\n")) {
				reqFile, req = f, b
				return true, nil
			}
		}
		return false, nil
	})
	t.Logf("request in %s:\n%s", filepath.Base(reqFile), req)
	head, _, _ := strings.Cut(string(req), "\r\n\r\n")
	ua, accept := header(head, "User-Agent"), header(head, "Accept")
	if !strings.Contains(ua, "Chrome/") {
		t.Errorf("User-Agent %q does not name Chrome/", ua)
	}
	if !strings.Contains(accept, "text/html") {
		t.Errorf("Accept %q does not ask for text/html", accept)
	}

	// The learner types the response. Content-Length makes it
	// self-delimiting, so the browser finishes without waiting for a close.
	body := "<h1>hi from NetAssist</h1>"
	typed := `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ` + strconv.Itoa(len(body)) +
		`\r\nConnection: close\r\n\r\n` + body
	want := "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + strconv.Itoa(len(body)) +
		"\r\nConnection: close\r\n\r\n" + body
	d.typeText(typed)
	d.key("ctrl+Return")

	select {
	case <-cr.done:
	case <-time.After(90 * time.Second):
		t.Fatalf("chromium did not finish loading the page after the response was sent")
	}
	dom := cr.out.String()
	t.Logf("chromium exit: %v; dumped DOM: %s", cr.waitEr, strings.TrimSpace(dom))
	if !strings.Contains(dom, "hi from NetAssist") {
		t.Errorf("the DOM Chromium rendered lacks %q", "hi from NetAssist")
	}

	// What went out on the page's connection is exactly the decoded text.
	txFile := strings.TrimSuffix(reqFile, ".rx") + ".tx"
	waitFor(t, 30*time.Second, filepath.Base(txFile), func() (bool, error) {
		b, err := os.ReadFile(txFile)
		return err == nil && len(b) >= len(want), nil
	})
	if got, _ := os.ReadFile(txFile); string(got) != want {
		t.Errorf("%s holds %q, want %q", filepath.Base(txFile), got, want)
	}

	time.Sleep(500 * time.Millisecond) // let the pump draw the rows
	d.screenshot("e2e-chromium.png")
}

// TestChromiumSampleSite: an HTTP server session serves the built-in sample
// site to Chromium; the saved capture holds Chromium's requests (the page's
// and the script's fetch), and the page Chromium rendered holds the site's
// text and the JSON the script fetched.
func TestChromiumSampleSite(t *testing.T) {
	bin := requireE2E(t)
	requireChromium(t)
	d := newDisplay(t)
	port := freeTCPPort(t)
	saveDir := t.TempDir()
	a := d.startApp(bin, "--open", "http-server://127.0.0.1:"+strconv.Itoa(port), "--save", saveDir)
	a.waitWindow()

	// The virtual time budget lets the page's script run its fetch before
	// the DOM is dumped.
	cr := startChromium(t, fmt.Sprintf("http://127.0.0.1:%d/", port), "--virtual-time-budget=10000")
	select {
	case <-cr.done:
	case <-time.After(90 * time.Second):
		t.Fatal("chromium did not finish loading the sample site")
	}
	dom := cr.out.String()
	t.Logf("chromium exit: %v; dumped DOM: %d bytes", cr.waitEr, len(dom))
	for _, want := range []string{"Hello, HTTP!", "Hello! This JSON was fetched by the script."} {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM Chromium rendered lacks %q:\n%s", want, dom)
		}
	}

	// The capture: every request Chromium made, byte for byte, in the raw
	// files (several requests may share a kept-alive connection).
	dir := sessionDir(t, saveDir)
	var page, fetch string // the request heads of GET / and the script's fetch
	var pageTx string      // the connection that carried GET /
	waitFor(t, 30*time.Second, "GET / and GET /api/hello.json in the saved .rx files", func() (bool, error) {
		files, err := filepath.Glob(filepath.Join(dir, "*.rx"))
		if err != nil {
			return false, err
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return false, err
			}
			for _, head := range strings.Split(string(b), "\r\n\r\n") {
				i := strings.Index(head, "GET ")
				if i < 0 {
					continue
				}
				switch head = head[i:]; {
				case strings.HasPrefix(head, "GET / HTTP/1.1\r\n"):
					page, pageTx = head, strings.TrimSuffix(f, ".rx")+".tx"
				case strings.HasPrefix(head, "GET /api/hello.json HTTP/1.1\r\n"):
					fetch = head
				}
			}
		}
		return page != "" && fetch != "", nil
	})
	if ua := header(page, "User-Agent"); !strings.Contains(ua, "Chrome/") {
		t.Errorf("GET / User-Agent %q does not name Chrome/", ua)
	}
	if acc := header(page, "Accept"); !strings.Contains(acc, "text/html") {
		t.Errorf("GET / Accept %q does not ask for text/html", acc)
	}
	if acc := header(fetch, "Accept"); acc != "application/json" {
		t.Errorf("the script's fetch has Accept %q, want application/json", acc)
	}
	tx, err := os.ReadFile(pageTx)
	if err != nil {
		t.Fatalf("the response to GET /: %v", err)
	}
	if !bytes.HasPrefix(tx, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.Contains(tx, []byte("Hello, HTTP!")) {
		t.Errorf("%s does not hold the 200 response with the page: %.300q", filepath.Base(pageTx), tx)
	}

	time.Sleep(500 * time.Millisecond) // let the pump draw the request list
	d.screenshot("e2e-chromium-http-server.png")
}

// header returns the value of header name in an HTTP head.
func header(head, name string) string {
	for _, line := range strings.Split(head, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
