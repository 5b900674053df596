package server

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The static server answers like nginx on the same folder: the same raw
// requests go to both and their status codes and key header fields are
// compared. Where we answer differently on purpose, the case says why.
// nginx comes from scripts/deps.sh test; the test skips only without it.
func TestAnswersLikeNginx(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("names with a backslash or a control byte are Linux and macOS names")
	}
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Skip("nginx is not installed (scripts/deps.sh test installs it)")
		}
	}
	root := nginxTree(t)
	ngx := startNginx(t, bin, root)
	ours := startServer(t, Config{Root: root}).Addr().String()

	fi, err := os.Stat(filepath.Join(root, "index.html"))
	must(t, err)
	etag := fmt.Sprintf(`"%x-%x"`, fi.ModTime().Unix(), fi.Size())

	get := func(target string, hdr ...string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(hdr, "") + "Connection: close\r\n\r\n"
	}
	file := []string{"Content-Length", "Content-Type", "ETag", "Last-Modified"}
	cases := []struct {
		name    string
		req     string
		nginx   int      // nginx's status
		ours    int      // ours when it differs (0: the same)
		headers []string // fields both must send alike
		why     string   // differs on purpose: why
	}{
		{"folder with index.html", get("/"), 200, 0, file, ""},
		{"index.html by name", get("/index.html"), 200, 0, file, ""},
		{"folder without slash", get("/names"), 301, 0, []string{"Location"}, ""},
		{"listing", get("/names/"), 200, 0, []string{"Content-Type"}, ""},
		{"dot-dot inside the root", get("/names/../index.html"), 200, 0, file, ""},
		{"dot-dot above the root", get("/../index.html"), 400, 0, nil, ""},
		{"file with a slash", get("/index.html/"), 404, 0, nil, ""},
		{"missing file", get("/missing.txt"), 404, 0, []string{"Content-Type"}, ""},
		{"If-None-Match", get("/index.html", "If-None-Match: "+etag+"\r\n"), 304, 0, []string{"ETag"}, ""},
		{"If-None-Match other", get("/index.html", "If-None-Match: \"0-0\"\r\n"), 200, 0, file, ""},
		{"range", get("/index.html", "Range: bytes=0-3\r\n"), 206, 0, []string{"Content-Range", "Content-Length"}, ""},
		{"HEAD", "HEAD /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200, 0, file, ""},
		{"request line over 64 KiB", get("/" + strings.Repeat("a", 64<<10)), 414, 0, nil, ""},
		{"PUT with a body", "PUT /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 405, 0, nil,
			"we also send Allow: GET, HEAD, which RFC 9110 asks of a 405; nginx sends none"},
		{"POST", "POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 405, 0, nil, ""},
		{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400, 200, nil,
			"OPTIONS * asks about the server as a whole (RFC 9110 9.3.7): we answer with Allow"},
		{"folder by dot-dot without slash", get("/names/.."), 200, 301, nil,
			"a folder is always redirected to its name with a slash, so its page's relative links resolve; browsers never send dot segments"},
		{"NUL in the path", get("/index.html%00"), 400, 0, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, nh := ask(t, ngx, tc.req)
			o, oh := ask(t, ours, tc.req)
			want := tc.ours
			if want == 0 {
				want = tc.nginx
			}
			if n != tc.nginx || o != want {
				t.Fatalf("nginx %d, ours %d; want nginx %d, ours %d (%s)", n, o, tc.nginx, want, tc.why)
			}
			for _, k := range tc.headers {
				if nv, ov := keyField(k, nh), keyField(k, oh); nv != ov || nv == "" {
					t.Errorf("%s: nginx %q, ours %q", k, nh.Get(k), oh.Get(k))
				}
			}
		})
	}

	// Every link of our own listing is served, by both.
	_, body := rawRoundTrip(t, ours, get("/names/"))
	links := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(string(body), -1)
	if len(links) < 7 {
		t.Fatalf("listing has %d links:\n%s", len(links), body)
	}
	for _, m := range links {
		href := html.UnescapeString(m[1])
		target := "/names/" + strings.TrimPrefix(href, "./")
		if href == "../" {
			target = "/"
		}
		t.Run("link "+href, func(t *testing.T) {
			n, nh := ask(t, ngx, get(target))
			o, oh := ask(t, ours, get(target))
			if n != 200 || o != 200 {
				t.Fatalf("%s: nginx %d, ours %d; want 200 from both", target, n, o)
			}
			if !strings.HasSuffix(href, "/") && (nh.Get("ETag") != oh.Get("ETag") || nh.Get("Content-Length") != oh.Get("Content-Length")) {
				t.Errorf("%s: nginx %q %q, ours %q %q", target, nh.Get("ETag"), nh.Get("Content-Length"), oh.Get("ETag"), oh.Get("Content-Length"))
			}
		})
	}
}

// keyField is a header field as the comparison sees it: the media type
// without parameters (we add charset=utf-8), a Location's path (nginx
// makes it absolute), the rest as sent.
func keyField(k string, h http.Header) string {
	v := h.Get(k)
	switch k {
	case "Content-Type":
		mt, _, _ := mime.ParseMediaType(v)
		return mt
	case "Location":
		if u, err := url.Parse(v); err == nil {
			return u.Path
		}
	}
	return v
}

// ask sends one raw request on a fresh connection and reads the answer's
// status and header.
func ask(t *testing.T, addr, req string) (int, http.Header) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	go io.WriteString(c, req) // a long request may be answered before it is all sent
	method, _, _ := strings.Cut(req, " ")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%s: read response: %v", addr, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// nginxTree is a folder with names that are hard to serve: a backslash, a
// tab, a newline, a control byte, invalid UTF-8, a folder, index.html.
func nginxTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "names", "dir"), 0o755))
	must(t, osWriteFile(filepath.Join(root, "index.html"), []byte("<!DOCTYPE html><p>home</p>\n")))
	for _, name := range []string{`back\slash.txt`, "tab\there.txt", "new\nline.txt", "ctl\x01byte.txt", "bad\xffutf8.txt", "space here.txt", "dir/inner.txt"} {
		must(t, osWriteFile(filepath.Join(root, "names", name), []byte("content of "+name+"\n")))
	}
	return root
}

// startNginx runs nginx in the foreground on a free loopback port, serving
// root with its listing on, and stops it at the end of the test.
func startNginx(t *testing.T, bin, root string) string {
	t.Helper()
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  types { text/html html; text/plain txt; }
  default_type application/octet-stream;
  server {
    listen %[2]s;
    root %[3]s;
    autoindex on;
  }
}
`, dir, addr, root)
	must(t, osWriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf)))
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	waitFor(t, "nginx to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return addr
}
