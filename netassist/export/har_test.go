package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"netassist/httpview/server"
	"netassist/netassist"
)

// harValidator returns a command that validates a HAR file against the
// HAR 1.2 schema with the npm package har-validator, installed into a
// temporary folder; it skips the test when npm is missing.
func harValidator(t *testing.T) func(file string) error {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed: the HAR schema check needs it (scripts/deps.sh test)")
	}
	dir := t.TempDir()
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", dir, "har-validator@5.1.5")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install har-validator: %v\n%s", err, out)
	}
	script := filepath.Join(dir, "check.js")
	os.WriteFile(script, []byte(`
const v = require(process.argv[2] + '/node_modules/har-validator');
const har = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
v.har(har).then(() => process.exit(0)).catch(e => {
	console.log(JSON.stringify(e.errors || e.message, null, 1));
	process.exit(1);
});
`), 0o644)
	return func(file string) error {
		out, err := exec.Command("node", script, dir, file).CombinedOutput()
		if err != nil {
			return &validationError{string(out)}
		}
		return nil
	}
}

// countingConn counts the bytes the client read.
type countingConn struct {
	net.Conn
	n atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type validationError struct{ msg string }

func (e *validationError) Error() string { return "HAR schema: " + e.msg }

// saveHTTPServer runs a real HTTP server session while saving and sends it
// a few requests on one keep-alive connection: a query with cookies, a
// form POST, a binary file, HEAD. It returns the folder and the server's
// port.
func saveHTTPServer(t *testing.T, bin []byte) (folder, addr string) {
	t.Helper()
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "index.html"), []byte("<h1>hello</h1>\n"), 0o644)
	os.WriteFile(filepath.Join(root, "data.bin"), bin, 0o644)
	hub := netassist.NewHub("http-server-1", nil)
	folder, err := hub.StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Root: root, Recorder: hub, Session: hub.Name()})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	addr = srv.Addr().String()
	base := "http://" + addr
	var got countingConn
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		got.Conn = c
		return &got, err
	}}
	do := func(req *http.Request) {
		res, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		// The server records what it wrote just after the client may
		// have read it.
		waitUntil(t, "the server to record its answer", func() bool { return hub.Counters.Snapshot().TxBytes == uint64(got.n.Load()) })
	}
	req, _ := http.NewRequest("GET", base+"/index.html?a=1&b=x%20y", nil)
	req.Header.Set("Cookie", "sid=abc; theme=dark")
	do(req)
	req, _ = http.NewRequest("POST", base+"/form", strings.NewReader(url.Values{"name": {"Ann Lee"}, "n": {"2"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	do(req)
	req, _ = http.NewRequest("GET", base+"/data.bin", nil)
	do(req)
	req, _ = http.NewRequest("HEAD", base+"/index.html", nil)
	do(req)
	tr.CloseIdleConnections()
	srv.Close()
	if err := hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	return folder, addr
}

func exportHAR(t *testing.T, folder string) (string, *HAR) {
	t.Helper()
	fo, err := Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	fo.Warn = func(w Warning) { t.Errorf("warning: %s", w) }
	out := filepath.Join(t.TempDir(), "out.har")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := NewHAR(f, fo, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := fo.Walk(h); err != nil {
		t.Fatal(err)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	return out, h
}

// The HTTP server session's exchanges, exported as HAR, pass the HAR 1.2
// schema and say what was sent: query, cookies, form, a binary body in
// base64. The same folder as pcapng shows the requests in tshark's HTTP
// dissector.
func TestHARHTTPServer(t *testing.T) {
	validate := harValidator(t)
	bin := append([]byte{0, 1, 2, 0xff, 0xfe}, bytes.Repeat([]byte{0x80}, 3000)...)
	folder, addr := saveHTTPServer(t, bin)
	file, _ := exportHAR(t, folder)
	if err := validate(file); err != nil {
		t.Fatal(err)
	}
	var har struct {
		Log struct {
			Version string     `json:"version"`
			Entries []harEntry `json:"entries"`
		} `json:"log"`
	}
	b, _ := os.ReadFile(file)
	if err := json.Unmarshal(b, &har); err != nil {
		t.Fatal(err)
	}
	es := har.Log.Entries
	if len(es) != 4 {
		t.Fatalf("entries: %d, want 4\n%s", len(es), b)
	}
	get, post, data, head := es[0], es[1], es[2], es[3]
	if get.Request.Method != "GET" || get.Request.URL != "http://"+addr+"/index.html?a=1&b=x%20y" || get.Response.Status != 200 {
		t.Errorf("first entry: %s %s → %d", get.Request.Method, get.Request.URL, get.Response.Status)
	}
	if q := get.Request.QueryString; len(q) != 2 || q[1] != (harNV{"b", "x y"}) {
		t.Errorf("query: %+v", q)
	}
	if c := get.Request.Cookies; len(c) != 2 || c[0].Name != "sid" || c[1].Value != "dark" {
		t.Errorf("cookies: %+v", c)
	}
	if get.Response.Content.Text != "<h1>hello</h1>\n" || get.Response.Content.Encoding != "" {
		t.Errorf("html content: %+v", get.Response.Content)
	}
	if pd := post.Request.PostData; pd == nil || pd.Text != "n=2&name=Ann+Lee" || len(pd.Params) != 2 || pd.Params[1].Value != "Ann Lee" {
		t.Errorf("post data: %+v", pd)
	}
	if post.Response.Status != 405 {
		t.Errorf("POST to a static server: %d, want 405", post.Response.Status)
	}
	got, _ := base64.StdEncoding.DecodeString(data.Response.Content.Text)
	if data.Response.Content.Encoding != "base64" || !bytes.Equal(got, bin) || data.Response.Content.Size != len(bin) {
		t.Errorf("binary content: encoding %q, %d bytes", data.Response.Content.Encoding, len(got))
	}
	if head.Request.Method != "HEAD" || head.Response.Status != 200 || head.Response.Content.Size != 0 {
		t.Errorf("HEAD entry: %s → %d, %d bytes", head.Request.Method, head.Response.Status, head.Response.Content.Size)
	}
	if get.Timings.Send < 0 || get.Timings.Wait < 0 || get.Response.HeadersSize <= 0 {
		t.Errorf("timings/sizes: %+v, headers %d", get.Timings, get.Response.HeadersSize)
	}

	// The schema check can fail: an entry without its response does.
	var raw map[string]any
	json.Unmarshal(b, &raw)
	delete(raw["log"].(map[string]any)["entries"].([]any)[0].(map[string]any), "response")
	broken := filepath.Join(t.TempDir(), "broken.har")
	bb, _ := json.Marshal(raw)
	os.WriteFile(broken, bb, 0o644)
	if err := validate(broken); err == nil {
		t.Error("the validator took a HAR entry without a response")
	}

	if _, err := exec.LookPath("tshark"); err != nil {
		t.Log("tshark is not installed: the pcapng half is skipped")
		return
	}
	pcap := exportPcapng(t, folder)
	_, port, _ := strings.Cut(addr, ":")
	out := tshark(t, "-r", pcap, "-d", "tcp.port=="+port+",http", "-Y", "http.request", "-T", "fields", "-e", "http.request.method", "-e", "http.request.uri")
	want := "GET\t/index.html?a=1&b=x%20y\nPOST\t/form\nGET\t/data.bin\nHEAD\t/index.html\n"
	if out != want {
		t.Errorf("tshark -Y http.request:\n%s\nwant\n%s", out, want)
	}
	if bad := expertProblems(t, pcap); len(bad) > 0 {
		t.Errorf("tshark expert info:\n%s", strings.Join(bad, "\n"))
	}
}

// An HTTP client session's folder: the requests are what was sent. The
// timings come from the event times, an answer in two reads takes its
// receive time from both, and a connection that is not HTTP is left out.
func TestHARClientTimings(t *testing.T) {
	const (
		s   = `"session":"http-client 10.0.0.9:8080"`
		tx1 = "conn1_10.0.0.9_8080.tx"
		rx1 = "conn1_10.0.0.9_8080.rx"
		tx2 = "conn2_10.0.0.9_8080.tx"
	)
	req := "GET /a?x=1 HTTP/1.1\r\nHost: example.test\r\n\r\n"
	res1, res2 := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: id=7; Path=/; HttpOnly\r\n\r\n", "hi"
	ev := func(at, rest string) string { return `{"time":"2026-12-04T10:00:` + at + `Z",` + s + `,` + rest + `}` }
	lines := []string{
		ev("00", `"event":"save","format":2`),
		ev("00.5", `"event":"connect","conn":1,"peer":"10.0.0.9:8080","bytes":0`),
		ev("01", `"event":"tx","conn":1,"peer":"10.0.0.9:8080","bytes":`+fmt.Sprint(len(req))+`,"file":"`+tx1+`","offset":0`),
		ev("02", `"event":"tx","conn":2,"peer":"10.0.0.9:8080","bytes":5,"file":"`+tx2+`","offset":0`),
		ev("03", `"event":"rx","conn":1,"peer":"10.0.0.9:8080","bytes":`+fmt.Sprint(len(res1))+`,"file":"`+rx1+`","offset":0`),
		ev("03.25", `"event":"rx","conn":1,"peer":"10.0.0.9:8080","bytes":2,"file":"`+rx1+`","offset":`+fmt.Sprint(len(res1))),
	}
	dir := writeFolder(t, lines, map[string]string{tx1: req, rx1: res1 + res2, tx2: "\x00\x01bin"})
	file, h := exportHAR(t, dir)
	if h.Entries() != 1 {
		t.Fatalf("entries: %d, want 1", h.Entries())
	}
	var har struct {
		Log struct{ Entries []harEntry } `json:"log"`
	}
	b, _ := os.ReadFile(file)
	if err := json.Unmarshal(b, &har); err != nil {
		t.Fatal(err)
	}
	e := har.Log.Entries[0]
	if e.Request.URL != "http://example.test/a?x=1" || e.ServerIPAddress != "10.0.0.9" || e.Response.Content.Text != "hi" {
		t.Errorf("entry: %s at %s, content %q", e.Request.URL, e.ServerIPAddress, e.Response.Content.Text)
	}
	if e.Connection != "8080" || e.ConnID != 1 {
		t.Errorf("connection %q (the server's port, as browsers read it), _connectionId %d", e.Connection, e.ConnID)
	}
	if e.StartedDateTime != "2026-12-04T10:00:01.000Z" || e.Timings.Send != 0 || e.Timings.Wait != 2000 || e.Timings.Receive != 250 || e.Time != 2250 {
		t.Errorf("started %s, timings %+v, time %v", e.StartedDateTime, e.Timings, e.Time)
	}
	if c := e.Response.Cookies; len(c) != 1 || c[0].Name != "id" || c[0].Path != "/" || !c[0].HTTPOnly {
		t.Errorf("response cookies: %+v", c)
	}
}
