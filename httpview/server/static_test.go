package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestTraversal sends hostile targets on a raw connection: each gets its
// status, and no answer ever carries the secret beside (or hidden in) the root.
func TestTraversal(t *testing.T) { testTraversal(t) }

func testTraversal(t *testing.T, tweak ...func(*Server)) {
	root, secret := makeTree(t)
	s := startServer(t, Config{Root: root}, tweak...)
	addr := s.Addr().String()
	// Outside Windows a backslash, a control byte or invalid UTF-8 is
	// just part of a name (nginx serves such files), and a ".." that stays
	// inside the folder is resolved: no such file is there, so 404.
	onLinux := func(other, windows int) int {
		if runtime.GOOS == "windows" {
			return windows
		}
		return other
	}
	cases := []struct {
		target string
		want   int
		body   string // expected body when 200
	}{
		{"/hello.txt", 200, "hello, world\n"},
		{"/../secret.txt", 400, ""},
		{"/..%2fsecret.txt", 400, ""},
		{"/%2e%2e/secret.txt", 400, ""},
		{"/%2e%2e%2fsecret.txt", 400, ""},
		{"/%2E%2E%2Fsecret.txt", 400, ""},
		{"/.%2e/secret.txt", 400, ""},
		{"/%2e%2e", 400, ""},
		{"/sub/../../secret.txt", 400, ""},
		{"/sub/%2e%2e/%2e%2e/secret.txt", 400, ""},
		{"/sub%2f..%2f..%2fsecret.txt", 400, ""},
		{"/./../secret.txt", 400, ""},
		{"/hello.txt/../../secret.txt", 400, ""},
		{"/%252e%252e/secret.txt", 404, ""},
		{"/%252e%252e%252fsecret.txt", 404, ""},
		{"/..%255csecret.txt", 404, ""},
		{"/..%5csecret.txt", onLinux(404, 400), ""},
		{"/%5c..%5csecret.txt", onLinux(404, 400), ""},
		{`/..\secret.txt`, onLinux(404, 400), ""},
		{`/sub\..\..\secret.txt`, onLinux(404, 400), ""},
		{"/%c0%ae%c0%ae/secret.txt", onLinux(404, 400), ""},
		{"/%c0%ae%c0%ae%c0%afsecret.txt", onLinux(404, 400), ""},
		{"/%e0%80%ae%e0%80%ae/secret.txt", onLinux(404, 400), ""},
		{"/%c0%2e%c0%2e/secret.txt", onLinux(404, 400), ""},
		{"/hello.txt%00.html", 400, ""},
		{"/%00", 400, ""},
		{"/sub/a.txt%0d%0aX-Injected:%201", onLinux(404, 400), ""},
		{"/%u002e%u002e/secret.txt", 400, ""},
		{"//etc/passwd", 404, ""},
		{"/etc/passwd", 404, ""},
		{"///secret.txt", 404, ""},
		{"/secret.txt", 404, ""},
		{"/root/../secret.txt", onLinux(404, 400), ""},
		{"http://evil.example/../secret.txt", 400, ""},
		{"http://localhost/etc/passwd", 404, ""},
		{"http://localhost/hello.txt", 200, "hello, world\n"},
		{"../secret.txt", 400, ""},
		{"%2e%2e/secret.txt", 400, ""},
		{"*", 400, ""},
		{"/....//secret.txt", 404, ""},
		{"/.../secret.txt", 404, ""},
		{"/..;/secret.txt", 404, ""},
		{"/#../secret.txt", 404, ""},
		{"/?../secret.txt", 200, ""},
		{"/sub/./a.txt", 200, "a\n"},
		{"/%2e/hello.txt", 200, "hello, world\n"},
		{"/sub//a.txt", 200, "a\n"},
		{"/.env", 404, ""},
		{"/%2eenv", 404, ""},
		{"/.git/config", 404, ""},
		{"/.git/", 404, ""},
		{"/sub/../.env", onLinux(404, 400), ""},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, []struct {
			target string
			want   int
			body   string
		}{
			{"/link-out.txt", 404, ""},
			{"/rel-out.txt", 404, ""},
			{"/dir-out/inner.txt", 404, ""},
			{"/dir-out/", 404, ""},
			{"/dir-out", 404, ""},
			{"/link-in.txt", 200, "hello, world\n"},
		}...)
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.target, "/", "|"), func(t *testing.T) {
			raw := rawExchange(t, addr, "GET "+tc.target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
			if strings.Contains(raw, secret) {
				t.Fatalf("secret served for %q:\n%s", tc.target, raw)
			}
			want := fmt.Sprintf("HTTP/1.1 %d ", tc.want)
			if !strings.HasPrefix(raw, want) {
				first, _, _ := strings.Cut(raw, "\r\n")
				t.Fatalf("GET %s: got %q; want %q", tc.target, first, want)
			}
			if tc.body != "" && !strings.HasSuffix(raw, "\r\n\r\n"+tc.body) {
				t.Fatalf("GET %s: body of %q; want %q", tc.target, raw, tc.body)
			}
			for _, leak := range []string{"no such file or directory", "permission denied", "escapes from parent", root} {
				if strings.Contains(raw, leak) {
					t.Fatalf("GET %s: answer shows system detail %q:\n%s", tc.target, leak, raw)
				}
			}
		})
	}
	for _, e := range s.Exchanges() {
		if strings.Contains(string(e.RawResponse), secret) {
			t.Fatalf("secret in a captured response: %q", e.Target)
		}
	}
}

func TestDotfilesShown(t *testing.T) {
	root, secret := makeTree(t)
	s := startServer(t, Config{Root: root, ShowDotfiles: true})
	c := newTapClient()
	defer c.close()
	resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/.env")
	if resp.StatusCode != 200 || string(body) != secret {
		t.Fatalf("got %d %q; want 200 %q", resp.StatusCode, body, secret)
	}
	_, body = get(t, c.Client, "http://"+s.Addr().String()+"/")
	if !strings.Contains(string(body), ".env") {
		t.Fatalf("listing lacks .env: %s", body)
	}
}

func TestListingEscapesHostileNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("these names are not valid on Windows")
	}
	root := t.TempDir()
	names := []string{`<script>alert(1).txt`, `a"b'c&d.txt`, `javascript:alert(1)`, "\xff\xfe.txt", `<img src=x onerror=alert(1)>`, ".hidden"}
	for _, n := range names {
		must(t, os.WriteFile(filepath.Join(root, n), []byte("x"), 0o644))
	}
	must(t, os.Mkdir(filepath.Join(root, "<b>dir"), 0o755))
	s := startServer(t, Config{Root: root})
	c := newTapClient()
	defer c.close()
	resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/")
	page := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("got %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, bad := range []string{"<script>", "<img", "<b>", `a"b`, `href="javascript:`, ".hidden"} {
		if strings.Contains(page, bad) {
			t.Errorf("listing contains %q:\n%s", bad, page)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1).txt", "a&#34;b&#39;c&amp;d.txt", `href="./javascript:alert%281%29"`, "&lt;b&gt;dir/"} {
		if !strings.Contains(page, good) {
			t.Errorf("listing lacks %q:\n%s", good, page)
		}
	}
	// Every link works.
	resp, _ = get(t, c.Client, "http://"+s.Addr().String()+"/%3Cscript%3Ealert%281%29.txt")
	if resp.StatusCode != 200 {
		t.Errorf("hostile name fetch: %d", resp.StatusCode)
	}
}

func TestFolderRedirectAndIndex(t *testing.T) {
	root, _ := makeTree(t)
	must(t, os.WriteFile(filepath.Join(root, "sub", "index.html"), []byte("<h1>sub index</h1>"), 0o644))
	s := startServer(t, Config{Root: root})
	c := newTapClient()
	defer c.close()
	base := "http://" + s.Addr().String()
	resp, _ := get(t, c.Client, base+"/sub?x=1")
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/sub/?x=1" {
		t.Fatalf("got %d Location %q; want 301 /sub/?x=1", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := get(t, c.Client, base+"/sub/")
	if resp.StatusCode != 200 || string(body) != "<h1>sub index</h1>" || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	resp, body = get(t, c.Client, base+"/nope.txt")
	if resp.StatusCode != 404 || !strings.Contains(string(body), "404 Not Found") {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
}

func TestMethods(t *testing.T) {
	root, _ := makeTree(t)
	s := startServer(t, Config{Root: root})
	c := newTapClient()
	defer c.close()
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"} {
		req, _ := http.NewRequest(m, "http://"+s.Addr().String()+"/hello.txt", strings.NewReader("x=1"))
		resp, _ := do(t, c.Client, req)
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: got %d Allow %q; want 405 Allow \"GET, HEAD\"", m, resp.StatusCode, resp.Header.Get("Allow"))
		}
	}
}

func TestHeadRangeConditional(t *testing.T) { testHeadRangeConditional(t) }

func testHeadRangeConditional(t *testing.T, tweak ...func(*Server)) {
	root, _ := makeTree(t)
	s := startServer(t, Config{Root: root}, tweak...)
	c := newTapClient()
	defer c.close()
	url := "http://" + s.Addr().String() + "/hello.txt"

	req, _ := http.NewRequest(http.MethodHead, url, nil)
	resp, body := do(t, c.Client, req)
	if resp.StatusCode != 200 || resp.ContentLength != 13 || len(body) != 0 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("HEAD: got %d len %d body %q type %q", resp.StatusCode, resp.ContentLength, body, resp.Header.Get("Content-Type"))
	}

	resp, body = get(t, c.Client, url, "Range", "bytes=0-4")
	if resp.StatusCode != 206 || string(body) != "hello" || resp.Header.Get("Content-Range") != "bytes 0-4/13" {
		t.Fatalf("Range: got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Range"), body)
	}
	resp, _ = get(t, c.Client, url, "Range", "bytes=100-200")
	if resp.StatusCode != 416 {
		t.Fatalf("bad Range: got %d; want 416", resp.StatusCode)
	}

	resp, _ = get(t, c.Client, url)
	lm := resp.Header.Get("Last-Modified")
	if lm == "" {
		t.Fatal("no Last-Modified")
	}
	resp, body = get(t, c.Client, url, "If-Modified-Since", lm)
	if resp.StatusCode != 304 || len(body) != 0 {
		t.Fatalf("If-Modified-Since: got %d %q; want 304", resp.StatusCode, body)
	}
	old := time.Unix(0, 0).UTC().Format(http.TimeFormat)
	resp, _ = get(t, c.Client, url, "If-Modified-Since", old)
	if resp.StatusCode != 200 {
		t.Fatalf("If-Modified-Since 1970: got %d; want 200", resp.StatusCode)
	}
	ex := waitSettled(t, s, 6)
	for _, e := range ex {
		if e.State != StateAnswered {
			t.Errorf("exchange %d %s %s: state %v", e.ID, e.Method, e.Target, e.State)
		}
	}
	if ex[0].Method != "HEAD" || ex[0].Status != 200 || ex[3].Status != 200 || ex[4].Status != 304 {
		t.Errorf("statuses: %+v", ex)
	}
}

func TestOversizedHeader431(t *testing.T) {
	s := startServer(t, Config{})
	req := "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"
	raw := rawExchange(t, s.Addr().String(), req)
	if !strings.HasPrefix(raw, "HTTP/1.1 431 ") {
		t.Fatalf("got %.80q; want 431", raw)
	}
	ex := waitSettled(t, s, 1)
	if ex[0].Status != 431 || ex[0].Method != "GET" || ex[0].Target != "/" || string(ex[0].RawResponse) != raw {
		t.Fatalf("exchange: %+v", ex[0])
	}
	if !strings.HasPrefix(req, string(ex[0].RawRequest)) || len(ex[0].RawRequest) == 0 {
		t.Fatalf("raw request is not a prefix of what was sent (%d bytes)", len(ex[0].RawRequest))
	}
}

// A request line longer than the head limit is 414 (as nginx answers),
// not net/http's 431, which stays for too many header bytes.
func TestLongRequestLine414(t *testing.T) {
	s := startServer(t, Config{})
	req := "GET /" + strings.Repeat("a", 64<<10) + " HTTP/1.1\r\nHost: x\r\n\r\n"
	raw := rawExchange(t, s.Addr().String(), req)
	if !strings.HasPrefix(raw, "HTTP/1.1 414 ") {
		t.Fatalf("got %.80q; want 414", raw)
	}
	ex := waitSettled(t, s, 1)
	if ex[0].Status != 414 || string(ex[0].RawResponse) != raw {
		t.Fatalf("exchange: status %d, raw response %.80q", ex[0].Status, ex[0].RawResponse)
	}
}

func TestOptionsStarSaysAllow(t *testing.T) {
	s := startServer(t, Config{Root: t.TempDir()})
	resp, _ := rawRoundTrip(t, s.Addr().String(), "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Fatalf("status %d, Allow %q; want 200 and GET, HEAD", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestSlowClientsAreCutOff(t *testing.T) {
	root, _ := makeTree(t)
	s := startServer(t, Config{Root: root}, func(s *Server) {
		s.readHeaderTimeout = 50 * time.Millisecond
		s.readTimeout = 100 * time.Millisecond
	})
	// Slow headers: never finished; the server closes the connection.
	raw := rawExchange(t, s.Addr().String(), "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	if strings.Contains(raw, "hello, world") {
		t.Fatalf("answered an unfinished request: %q", raw)
	}
	// Slow body: promised 1000 bytes, sent 3. The body is read before
	// the answer (so that it is captured); when it does not arrive in
	// time, the refusal goes out all the same.
	raw = rawExchange(t, s.Addr().String(), "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc")
	if !strings.HasPrefix(raw, "HTTP/1.1 405 ") {
		t.Fatalf("slow body: got %.60q", raw)
	}
	// Both connections end; their exchanges are complete once they have.
	var getEx, post Exchange
	waitFor(t, "both exchanges with their raw requests", func() bool {
		for _, e := range s.Exchanges() {
			switch e.Method {
			case "GET":
				getEx = e
			case "POST":
				post = e
			}
		}
		return len(getEx.RawRequest) > 0 && len(post.RawRequest) > 0
	})
	if getEx.State != StateFailed || string(getEx.RawRequest) != "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: " {
		t.Errorf("slow headers exchange: %v %q", getEx.State, getEx.RawRequest)
	}
	if post.Status != 405 || string(post.RawRequest) != "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc" {
		t.Errorf("slow body exchange: %d %q", post.Status, post.RawRequest)
	}
	// The server still answers.
	c := newTapClient()
	defer c.close()
	if resp, _ := get(t, c.Client, "http://"+s.Addr().String()+"/hello.txt"); resp.StatusCode != 200 {
		t.Fatalf("after slow clients: %d", resp.StatusCode)
	}
}

func TestSampleSite(t *testing.T) {
	s := startServer(t, Config{})
	c := newTapClient()
	defer c.close()
	base := "http://" + s.Addr().String()
	resp, body := get(t, c.Client, base+"/")
	page := string(body)
	if resp.StatusCode != 200 || !strings.Contains(page, "请求") || !strings.Contains(page, "request list") {
		t.Fatalf("index: %d\n%s", resp.StatusCode, page)
	}
	for _, link := range []string{`href="style.css"`, `src="app.js"`, `src="logo.svg"`, `href="favicon.ico"`, `action="submit"`, `method="post"`} {
		if !strings.Contains(page, link) {
			t.Errorf("index lacks %s", link)
		}
	}
	types := map[string]string{
		"/style.css":      "text/css; charset=utf-8",
		"/app.js":         "text/javascript; charset=utf-8",
		"/logo.svg":       "image/svg+xml",
		"/favicon.ico":    "image/vnd.microsoft.icon",
		"/api/hello.json": "application/json",
		"/index.html":     "text/html; charset=utf-8",
	}
	for p, want := range types {
		resp, body := get(t, c.Client, base+p)
		if resp.StatusCode != 200 || len(body) == 0 || !strings.HasPrefix(resp.Header.Get("Content-Type"), strings.Split(want, ";")[0]) {
			t.Errorf("%s: %d %q (%d bytes); want type %q", p, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), want)
		}
		if tag := resp.Header.Get("ETag"); tag == "" {
			t.Errorf("%s: no ETag", p)
		} else if resp, _ := get(t, c.Client, base+p, "If-None-Match", tag); resp.StatusCode != 304 {
			t.Errorf("%s If-None-Match: %d; want 304", p, resp.StatusCode)
		}
	}
	ico, _ := get(t, c.Client, base+"/favicon.ico")
	_ = ico
	_, icoBody := get(t, c.Client, base+"/favicon.ico")
	if len(icoBody) < 6 || string(icoBody[:4]) != "\x00\x00\x01\x00" {
		t.Errorf("favicon.ico is not an ICO: % x", icoBody[:min(6, len(icoBody))])
	}

	// The form posts and the answer echoes the fields, escaped.
	req, _ := http.NewRequest(http.MethodPost, base+"/submit", strings.NewReader("name=%E5%B0%8F%E6%98%8E&message=%3Cb%3Ehi%3C%2Fb%3E"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body = do(t, c.Client, req)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "小明") || !strings.Contains(string(body), "&lt;b&gt;hi&lt;/b&gt;") || strings.Contains(string(body), "<b>hi") {
		t.Fatalf("submit: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = get(t, c.Client, base+"/submit")
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET /submit: %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/index.html", strings.NewReader("x=1"))
	if resp, _ = do(t, c.Client, req); resp.StatusCode != 405 {
		t.Fatalf("POST /index.html: %d", resp.StatusCode)
	}
	waitSettled(t, s, len(types)*2+6)
	checkRawMatchesClient(t, s, c)
}
