package server

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileAnswers writes raw on a fresh connection, half-closes it (so the
// server sees every request that raw holds, smuggled ones included, then
// EOF) and returns the statuses of the responses in order and the whole
// answer.
func hostileAnswers(t *testing.T, addr, raw string) ([]int, []byte) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := nc.(*net.TCPConn)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	// The server may answer (431, 400) and close before reading it all.
	go func() {
		io.WriteString(c, raw)
		c.CloseWrite()
	}()
	all, _ := io.ReadAll(c) // a reset after the answer is fine
	var statuses []int
	br := bufio.NewReader(bytes.NewReader(all))
	for i := 0; i < 100; i++ { // bounded: no case holds 100 requests
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			break
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	return statuses, all
}

func manyRanges(n, width int) string {
	var b strings.Builder
	b.WriteString("bytes=")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%d-%d", i*width, i*width+width-1)
	}
	return b.String()
}

func manyHeaders(n int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(line(i))
	}
	return b.String()
}

// TestHostileRequests sends traversal and request-smuggling attempts raw
// over a socket. Each gets the answers listed (one status per request the
// server saw, smuggled ones included), and no answer ever carries a file
// from outside the root, a hidden file, or /etc/passwd. TestTraversal in
// static_test.go holds 58 more traversal targets.
func TestHostileRequests(t *testing.T) { testHostileRequests(t) }

func testHostileRequests(t *testing.T, tweak ...func(*Server)) {
	root, secret := makeTree(t)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB for the range cases
	must(t, os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644))
	s := startServer(t, Config{Root: root}, tweak...)
	addr := s.Addr().String()

	get := func(target string) string {
		return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n"
	}
	smuggled := get("/secret.txt") // what a smuggled second request asks for
	const secretAsk = "GET /../secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n"

	cases := []struct {
		name string
		raw  string
		want []int // statuses in order
		max  int   // if > 0, the whole answer must not be longer
	}{
		// Traversal: encoded dots and slashes. A ".." that stays inside the
		// folder is resolved, as nginx does; outside Windows a backslash, a
		// control byte or invalid UTF-8 is just part of a name.
		{"enc dot dot slash twice", get("/%2e%2e%2f%2e%2e%2fsecret.txt"), []int{400}, 0},
		{"enc from subfolder", get("/sub/%2e%2e%2f%2e%2e%2fsecret.txt"), []int{400}, 0},
		{"enc dots raw slash deep", get("/%2e%2e/%2e%2e/%2e%2e/etc/passwd"), []int{400}, 0},
		{"raw dots deep", get("/../../../../../../etc/passwd"), []int{400}, 0},
		{"dot slash dots", get("/sub/./../../secret.txt"), []int{400}, 0},
		{"dot enc dot twice", get("/.%2e/.%2e/secret.txt"), []int{400}, 0},
		{"sub enc dotdot end", get("/sub/.%2e"), notWindows(301, 400), 0},
		{"enc slash root", get("/%2fetc%2fpasswd"), []int{404}, 0},
		{"enc double slash", get("/%2f%2fsecret.txt"), []int{404}, 0},
		{"beside root dir", get("/secretdir/inner.txt"), []int{404}, 0},
		{"root's own name", get("/root/hello.txt"), []int{404}, 0},
		{"symlink then dotdot", get("/dir-out/../hello.txt"), notWindows(200, 400), 0},
		{"enc normal name", get("/%68%65%6c%6c%6f.txt"), []int{200}, 0},
		// Backslashes.
		{"enc backslash dots", get("/%2e%2e%5csecret.txt"), notWindows(404, 400), 0},
		{"enc backslash sub", get("/sub%5c..%5c..%5csecret.txt"), notWindows(404, 400), 0},
		{"UNC path", get("/%5c%5cevil%5cshare"), notWindows(404, 400), 0},
		{"raw backslashes", get(`/..\..\secret.txt`), notWindows(404, 400), 0},
		// NUL and control characters.
		{"NUL after dots", get("/..%00/secret.txt"), []int{400}, 0},
		{"NUL at end", get("/hello.txt%00"), []int{400}, 0},
		{"NUL in enc dots", get("/%2e%2e%00/secret.txt"), []int{400}, 0},
		{"NUL after symlink", get("/link-out.txt%00"), []int{400}, 0},
		{"tab in path", get("/hello.txt%09"), notWindows(404, 400), 0},
		{"DEL in path", get("/hello%7f.txt"), notWindows(404, 400), 0},
		// Overlong UTF-8 and invalid bytes.
		{"overlong slash", get("/..%c0%afsecret.txt"), notWindows(404, 400), 0},
		{"overlong backslash", get("/..%c1%9csecret.txt"), notWindows(404, 400), 0},
		{"overlong dots and slashes", get("/%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt"), notWindows(404, 400), 0},
		{"4-byte overlong dots", get("/%f0%80%80%ae%f0%80%80%ae/secret.txt"), notWindows(404, 400), 0},
		{"lone continuation", get("/%80%80/secret.txt"), notWindows(404, 400), 0},
		{"surrogate", get("/%ed%a0%80/secret.txt"), notWindows(404, 400), 0},
		// Double encoding: decoded once, the rest is a literal name.
		{"double enc dots", get("/%25%32%65%25%32%65/secret.txt"), []int{404}, 0},
		{"double enc dots slash", get("/%252e%252e%252f%252e%252e%252fsecret.txt"), []int{404}, 0},
		{"double enc backslash", get("/%255c..%255csecret.txt"), []int{404}, 0},
		{"triple enc", get("/%25252e%25252e/secret.txt"), []int{404}, 0},
		// Hidden files.
		{"enc dotfile", get("/%2e%65%6e%76"), []int{404}, 0},
		{"dotfile trailing space", get("/.env%20"), []int{404}, 0},
		{"dotfile trailing dot", get("/.env."), []int{404}, 0},
		{"git enc slash", get("/.git%2fconfig"), []int{404}, 0},
		{"git via dot", get("/./.git/config"), []int{404}, 0},
		{"git case", get("/.GIT/config"), []int{404}, 0},
		// Absolute-form and odd targets.
		{"absolute dotdot", get("http://localhost/../secret.txt"), []int{400}, 0},
		{"absolute enc dotdot", get("http://localhost/%2e%2e/secret.txt"), []int{400}, 0},
		{"absolute other host", get("http://127.0.0.1:1/hello.txt"), []int{200}, 0},
		{"absolute https", get("https://localhost/hello.txt"), []int{200}, 0},
		{"absolute userinfo", get("http://localhost@evil.example/hello.txt"), []int{200}, 0},
		{"file scheme", get("file:///etc/passwd"), []int{404}, 0},
		{"scheme-relative dotdot", get("//evil.example/../secret.txt"), notWindows(404, 400), 0},
		{"CONNECT", "CONNECT localhost:22 HTTP/1.1\r\nHost: localhost:22\r\n\r\n", []int{405}, 0},
		{"OPTIONS star", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", []int{200}, 0},
		{"lowercase method", "get /hello.txt HTTP/1.1\r\nHost: localhost\r\n\r\n", []int{405}, 0},
		{"HTTP/2 text", "GET /hello.txt HTTP/2.0\r\nHost: localhost\r\n\r\n", []int{505}, 0},
		{"extra spaces", "GET  /hello.txt  HTTP/1.1\r\nHost: localhost\r\n\r\n", []int{400}, 0},
		{"no Host", "GET /hello.txt HTTP/1.1\r\n\r\n", []int{400}, 0},
		{"two Hosts", "GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", []int{400}, 0},
		// Content-Length conflicts: rejected before any request behind them is read.
		{"CL twice differing", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: " + fmt.Sprint(5+len(secretAsk)) + "\r\n\r\nhello" + secretAsk, []int{400}, 0},
		{"CL list differing", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!", []int{400}, 0},
		{"CL negative", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + smuggled, []int{400}, 0},
		{"CL plus sign", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", []int{400}, 0},
		{"CL hex", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello", []int{400}, 0},
		{"CL huge", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nhello", []int{400}, 0},
		{"CL space before colon", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello", []int{400}, 0},
		// The body is framed once; what follows it is a request of its own.
		{"CL body hides a request", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + secretAsk, []int{405, 400}, 0},
		{"GET with CL body", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: " + fmt.Sprint(len(secretAsk)) + "\r\n\r\n" + secretAsk, []int{200}, 0},
		// Transfer-Encoding variants.
		{"TE chunked, identity", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE identity", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE xchunked", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE chunkedx", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunkedx\r\n\r\n0\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE gzip, chunked", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE twice", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{501}, 0},
		{"TE leading space", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:  chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + smuggled, []int{405, 404}, 0},
		{"TE capitalised", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + smuggled, []int{405, 404}, 0},
		{"TE space before colon", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{400}, 0},
		{"TE obs-fold", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{405, 404}, 0},
		{"TE vertical tab", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \vchunked\r\n\r\n0\r\n\r\n" + smuggled, []int{400}, 0},
		// net/http lets Transfer-Encoding override Content-Length (RFC 9112
		// 6.3) and frames the body as chunked, so whatever follows the last
		// chunk is a request of its own, answered from inside the root.
		{"TE with CL, CL first", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, []int{405, 404}, 0},
		{"TE with CL, TE first", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n" + smuggled, []int{405, 404}, 0},
		{"TE on HTTP/1.0", "POST /hello.txt HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", []int{405}, 0},
		// The body is read before the answer (to capture it); a refusal is
		// still a refusal when its framing is broken, as nginx answers.
		{"bad chunk size", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" + smuggled, []int{405}, 0},
		{"chunk size overflow", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nhello\r\n0\r\n\r\n" + smuggled, []int{405}, 0},
		{"chunk size LF only", "POST /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n" + smuggled, []int{405}, 0},
		// Malformed header lines.
		{"bare CR in header", "GET /hello.txt HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", []int{400}, 0},
		{"NUL in header", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-A: b\x00c\r\n\r\n", []int{400}, 0},
		{"space in header name", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", []int{400}, 0},
		// Ranges and header floods.
		{"1000 ranges on a small file", "GET /hello.txt HTTP/1.1\r\nHost: x\r\nRange: " + manyRanges(1000, 1) + "\r\n\r\n", []int{206}, 4 << 10}, // 13 one-byte parts
		{"1000 overlapping ranges", "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=" + strings.Repeat("0-1048575,", 999) + "0-1048575\r\n\r\n", []int{200}, len(big) + 1<<10},
		{"1000 ranges on 1 MiB", "GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: " + manyRanges(1000, 1000) + "\r\n\r\n", []int{206}, 1000*1000 + 1000*200},
		{"5000 headers", "GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + manyHeaders(5000, func(i int) string { return fmt.Sprintf("X-Header-%04d: value\r\n", i) }) + "\r\n", []int{431}, 1 << 10},
		{"5000 tiny headers", "GET /hello.txt HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("a:b\r\n", 5000) + "\r\n", []int{200}, 1 << 10},
		{"40 KiB target", get("/" + strings.Repeat("a", 40<<10)), []int{414}, 1 << 10},
	}
	if len(cases) < 60 {
		t.Fatalf("%d cases; the issue asks for at least 60", len(cases))
	}
	passwd, _ := os.ReadFile("/etc/passwd")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			statuses, all := hostileAnswers(t, addr, tc.raw)
			for _, leak := range []string{secret, "root:x:0:0", "root:*:0:0", "no such file", "permission denied", root} {
				if bytes.Contains(all, []byte(leak)) {
					t.Fatalf("answer holds %q:\n%.400q", leak, all)
				}
			}
			if len(passwd) > 0 && bytes.Contains(all, passwd) {
				t.Fatal("answer holds /etc/passwd")
			}
			if !slices.Equal(statuses, tc.want) {
				first, _, _ := bytes.Cut(all, []byte("\r\n"))
				t.Fatalf("statuses %v; want %v (first line %q)", statuses, tc.want, first)
			}
			if tc.max > 0 && len(all) > tc.max {
				t.Fatalf("answer is %d bytes; at most %d", len(all), tc.max)
			}
		})
	}
	// The server still answers after all of it, and nothing captured holds the secret.
	if st, _ := hostileAnswers(t, addr, "GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"); !slices.Equal(st, []int{200}) {
		t.Fatalf("after the hostile requests: %v", st)
	}
	for _, e := range s.Exchanges() {
		if bytes.Contains(e.RawResponse, []byte(secret)) {
			t.Fatalf("secret in a captured response to %q", e.Target)
		}
	}
}

// notWindows is the statuses a request gets: other outside Windows, where
// any byte but NUL may be in a name, windows there.
func notWindows(other, windows int) []int {
	if runtime.GOOS == "windows" {
		return []int{windows}
	}
	return []int{other}
}
