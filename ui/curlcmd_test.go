package ui

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// received is what a server saw of a request, for comparing two of them.
type received struct {
	Method, URI, Proto string
	Header             http.Header
	Body               []byte
}

func receivedOf(r *http.Request) received {
	body, _ := io.ReadAll(r.Body)
	h := r.Header.Clone()
	for _, k := range []string{"Connection", "Content-Length", "Transfer-Encoding"} {
		h.Del(k)
	}
	return received{r.Method, r.RequestURI, r.Proto, h, body}
}

// TestCurlCommandReproducesTheRequest runs the command Copy as curl builds
// with the real curl against a local server and compares what the server
// received with the request the command was built from.
func TestCurlCommandReproducesTheRequest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (scripts/deps.sh test)")
	}
	got := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- receivedOf(r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	binary := []byte("a\x00b'c\\d\"e\r\n\xff\xfe%s$x`y`\x1b[0m 中文")
	cases := []struct {
		name string
		raw  string
	}{
		{"get with query", "GET /p/a%20b?q=1&r=[x]&s={y} HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: test/1\r\nX-Quote: it's \"q\"\r\nAccept: */*\r\n\r\n"},
		{"no user agent or accept", "GET /../etc/./x HTTP/1.1\r\nHost: " + host + "\r\nX-Empty:\r\n\r\n"},
		{"post text", "POST /form HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 13\r\n\r\na=1&b='two' $"},
		{"put binary", "PUT /bin HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + itoa(len(binary)) + "\r\nConnection: keep-alive\r\n\r\n" + string(binary)},
		{"binary without nul", "PATCH /b HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\n\x01\xff\n\t'\\é"},
		{"chunked body", "POST /c HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"},
		{"delete", "DELETE /item/7 HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer x\r\n\r\n"},
		{"head", "HEAD /h HTTP/1.1\r\nHost: " + host + "\r\n\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(c.raw)))
			if err != nil {
				t.Fatal(err)
			}
			want := receivedOf(req)
			cmd := curlCommand([]byte(c.raw), "http", "")
			out, err := exec.Command("bash", "-c", cmd+" --silent --show-error --max-time 10 --output /dev/null").CombinedOutput()
			if err != nil {
				t.Fatalf("%s\n%v: %s", cmd, err, out)
			}
			r := <-got
			if !reflect.DeepEqual(r.Header, want.Header) || r.Method != want.Method || r.URI != want.URI || !bytes.Equal(r.Body, want.Body) {
				t.Fatalf("command %s\nserver got %+v\nwant       %+v", cmd, r, want)
			}
		})
	}
}
