package httpview

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// statusSeeds are status lines on both sides of every condition asciiStatus checks.
var statusSeeds = []string{
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw",
	"HTTP/1.1 204 No Content\r\n\r\n",
	"\r\nHTTP/1.1 304 Not Modified\r\n\r\n",
	"\nHTTP/1.0 404 Not Found\n\n",
	"HTTP/1.1 200\r\n\r\nx",
	"HTTP/1.1 200",
	"HTTP/1.1 20 OK\r\n\r\nx",
	"HTTP/1.1 +20 OK\r\n\r\nx",
	"HTTP/1.1 -20 OK\r\n\r\nx",
	"HTTP/1.1 2000 OK\r\n\r\nx",
	"HTTP/1.1 2x0 OK\r\n\r\nx",
	"HTTP/1.1\u00a0200 OK\r\n\r\nx",
	"HTTP/1.1 200\u00a0OK\r\n\r\nx",
	"HTTP/1.1 \u00a0204 OK\r\n\r\nx",
	"HTTP/1.1\t\v\f200 OK\r\n\r\nx",
	"\u0085HTTP/1.1 200 OK\r\n\r\nx",
	"junk 204 OK\r\n\r\nx",
	"http/1.1 200 OK\r\n\r\nx",
	"HTTP/1.1\r\n\r\nx",
	"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"\r\r\n\r\n",
	"",
}

// statusOfFields is StatusCode without its fast path.
func statusOfFields(b []byte) int {
	b = bytes.TrimLeft(b, "\r\n")
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return fieldsStatus(line)
}

func checkStatusOf(t *testing.T, b []byte) {
	t.Helper()
	if got, want := StatusCode(b), statusOfFields(b); got != want {
		t.Fatalf("StatusCode(%q) = %d; the plain way gives %d", b, got, want)
	}
}

// TestStatusOfAgrees checks StatusCode against statusOfFields on the seeds, on every prefix of
// them and on random mutations.
func TestStatusOfAgrees(t *testing.T) {
	for _, s := range statusSeeds {
		for i := 0; i <= len(s); i++ {
			checkStatusOf(t, []byte(s[:i]))
		}
	}
	if st, ok := asciiStatus([]byte("HTTP/1.1 200 OK\r")); !ok || st != 200 {
		t.Fatalf("asciiStatus(200 OK) = %d %v: the fast path is not being taken", st, ok)
	}
	// A fixed seed keeps failures reproducible.
	pieces := []string{"\r", "\n", " ", "\t", "\v", "0", "2", "9", "+", "-", "\u00a0", "\u0085", "\u3000", "\xff", "HTTP/", "HTTP/1.1 "}
	mutations(rand.New(rand.NewPCG(3, 4)), statusSeeds, pieces, 20000, func(b []byte) { checkStatusOf(t, b) })
}

func FuzzStatusOf(f *testing.F) {
	for _, s := range statusSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkStatusOf(t, b) })
}
