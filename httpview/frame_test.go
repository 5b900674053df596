package httpview

import (
	"os"
	"path/filepath"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFrameLength(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		isRequest bool
		method    string
		eof       bool
		n         int
		ok        bool
	}{
		{"empty", "", true, "", true, 0, false},
		{"get", "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /2", true, "", false, 27, true},
		{"head incomplete", "GET / HTTP/1.1\r\nHost: a\r\n", true, "", false, 0, false},
		{"head incomplete at eof", "GET / HTTP/1.1\r\nHost: a\r\n", true, "", true, 25, true},
		{"bare lf", "GET / HTTP/1.1\nHost: a\n\nX", true, "", false, 24, true},
		{"leading crlf", "\r\nGET / HTTP/1.1\r\n\r\n", true, "", false, 20, true},
		{"content-length", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcdef", true, "", false, 41, true},
		{"content-length short", "POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabcdef", true, "", false, 0, false},
		{"content-length short eof", "POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabcdef", true, "", true, 44, true},
		{"bad content-length request", "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\nab", true, "", false, 38, true},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nNEXT", true, "", false, 60, true},
		{"chunked partial", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", true, "", false, 0, false},
		{"chunked bare lf trailer", "POST / HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\nX: y\n\n", true, "", false, 58, true},
		{"cl and te", "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true, "", false, 71, true},
		{"te on http/1.0 ignored", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n0\r\n", true, "", false, 67, true},
		{"response no length", "HTTP/1.1 200 OK\r\n\r\nhah", false, "GET", false, 0, false},
		{"response no length eof", "HTTP/1.1 200 OK\r\n\r\nhah", false, "GET", true, 22, true},
		{"response to head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", false, "HEAD", false, 38, true},
		{"response 204", "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", false, "GET", false, 46, true},
		{"response 304", "HTTP/1.1 304 Not Modified\r\n\r\nX", false, "GET", false, 29, true},
		{"response 100", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", false, "POST", false, 25, true},
		{"response te gzip", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", false, "GET", false, 0, false},
		{"bad chunk size waits for eof", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n", false, "GET", false, 0, false},
		{"bad chunk size eof", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n", false, "GET", true, 58, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := FrameLength([]byte(tt.in), tt.isRequest, tt.method, tt.eof)
			if n != tt.n || ok != tt.ok {
				t.Fatalf("FrameLength(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.n, tt.ok)
			}
		})
	}
}

func TestFrameLengthGarbageHead(t *testing.T) {
	junk := make([]byte, MaxHeadBytes+1)
	for i := range junk {
		junk[i] = 'x'
	}
	n, ok := FrameLength(junk, true, "", false)
	if !ok || n != len(junk) {
		t.Fatalf("got %d, %v; want %d, true", n, ok, len(junk))
	}
}

func TestFrameLengthFixtures(t *testing.T) {
	tests := []struct {
		file      string
		isRequest bool
		want      []int // lengths of the messages in order; the last one ends at EOF
	}{
		{"browser-get.http", true, []int{435}},
		{"pipelined-keepalive.http", true, []int{37, 36, 54}},
		{"bare-lf.http", true, []int{39}},
		{"cl-te-conflict.http", true, []int{90}},
		{"post-form.http", true, []int{214}},
		{"response-gbk.http", false, []int{88}},
		{"response-gzip-chunked.http", false, []int{864}},
		{"seed-fixed-response.http", false, []int{26}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := readFixture(t, tt.file)
			var got []int
			for len(b) > 0 {
				n, ok := FrameLength(b, tt.isRequest, "GET", true)
				if !ok || n <= 0 || n > len(b) {
					t.Fatalf("FrameLength = %d, %v", n, ok)
				}
				got = append(got, n)
				b = b[n:]
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got lengths %v; want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got lengths %v; want %v", got, tt.want)
				}
			}
		})
	}
}
