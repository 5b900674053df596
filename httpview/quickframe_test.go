package httpview

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// quickSeeds are messages on both sides of every condition quickFrame checks.
var quickSeeds = []string{
	"GET / HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel",
	"POST /f HTTP/1.1\r\nHost: x\r\ncontent-LENGTH:\t005 \r\n\r\nhello!",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	"POST /f HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc",
	"POST /f HTTP/1.1\r\nHost: x\r\nTransfer-Encod\u0130ng: chunked\r\n\r\n0\r\n\r\n",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n 5\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n 6\r\n\r\nhello",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\t\r\n\r\nhello",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n 0\r\n\r\nok",
	" GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"\nGET / HTTP/1.1\nHost: x\n\n",
	"GET / HTTP/1.1\nHost: x\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\r\n\n",
	"GET / HTTP/1.1\r\nHost: x\r\n",
	"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
	"\r\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nabcHTTP/1.1 200 OK\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab",
	"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw",
	"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
	"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
	"HTTP/1.1 200\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 20 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 +20 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 2000 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1\u00a0200 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200\u00a0OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 \u00a0204 OK\r\nContent-Length: 1\r\n\r\nx",
	"junk 204 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n",
	"HTTP/1.1 413 Request Entity Too Large\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 4\r\nX-Content-Type-Options: nosniff\r\n\r\nbody",
}

// checkFastPath fails when FrameLength, taking its fast path or not, answers other than
// frameGeneral for any side, method and eof.
func checkFastPath(t *testing.T, b []byte) {
	t.Helper()
	for _, isRequest := range []bool{true, false} {
		for _, method := range []string{"", "GET", "HEAD", "head"} {
			if isRequest && method != "" {
				continue // a request's framing ignores the method
			}
			for _, eof := range []bool{false, true} {
				n, ok := FrameLength(b, isRequest, method, eof)
				wn, wok := frameGeneral(b, isRequest, method, eof)
				if n != wn || ok != wok {
					_, _, sure := quickFrame(b, isRequest, method, eof)
					t.Fatalf("FrameLength(%q, request %v, %q, eof %v) = %d %v (fast path %v); frameGeneral %d %v",
						b, isRequest, method, eof, n, ok, sure, wn, wok)
				}
			}
		}
	}
}

// TestQuickFrameAgrees checks FrameLength against frameGeneral on the seeds and fixtures, on
// every prefix of them and on random mutations.
func TestQuickFrameAgrees(t *testing.T) {
	seeds := quickSeeds
	for _, name := range []string{"browser-get.http", "post-form.http", "pipelined-keepalive.http", "response-gbk.http",
		"response-gzip-chunked.http", "cl-te-conflict.http", "bare-lf.http", "seed-fixed-response.http"} {
		seeds = append(seeds, string(readFixture(t, name)))
	}
	sure := 0
	for _, s := range seeds {
		for i := 0; i <= len(s); i++ {
			checkFastPath(t, []byte(s[:i]))
		}
		if _, _, ok := quickFrame([]byte(s), strings.HasPrefix(s, "HTTP/"), "", false); ok {
			sure++
		}
	}
	if sure < 10 {
		t.Fatalf("quickFrame was sure of only %d seeds: the fast path is not being taken", sure)
	}
	// Mutations: insert, delete or replace bytes with ones that matter to framing. A fixed seed
	// keeps failures reproducible.
	pieces := []string{"\r", "\n", "\r\n", " ", "\t", ":", ",", "0", "5", "9", "+", "-", "\u0130", "\u212a", "\u00a0", "\xff",
		"Content-Length: ", "Transfer-Encoding: chunked", "HTTP/1.0", "HTTP/1.1 ", "204", "304", "100", "\r\n\r\n"}
	mutations(rand.New(rand.NewPCG(1, 2)), seeds, pieces, 20000, func(b []byte) { checkFastPath(t, b) })
}

// mutations calls check n times, each with a seed changed in one to three
// places: a piece inserted, a byte deleted, or a byte replaced by a piece.
func mutations(rng *rand.Rand, seeds, pieces []string, n int, check func([]byte)) {
	for i := 0; i < n; i++ {
		b := []byte(seeds[rng.IntN(len(seeds))])
		for m := 1 + rng.IntN(3); m > 0; m-- {
			at := rng.IntN(len(b) + 1)
			piece := pieces[rng.IntN(len(pieces))]
			switch rng.IntN(3) {
			case 0:
				b = append(b[:at:at], append([]byte(piece), b[at:]...)...)
			case 1:
				if at < len(b) {
					b = append(b[:at:at], b[at+1:]...)
				}
			default:
				if at < len(b) {
					b = append(b[:at:at], append([]byte(piece), b[at+1:]...)...)
				}
			}
		}
		check(b)
	}
}

// FuzzQuickFrame is TestQuickFrameAgrees on fuzzed input; its seeds are quickSeeds.
func FuzzQuickFrame(f *testing.F) {
	for _, s := range quickSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkFastPath(t, b) })
}

// The fast path takes what a static server receives and sends.
func TestQuickFrameTakesPlainTraffic(t *testing.T) {
	for _, tc := range []struct {
		raw       string
		isRequest bool
		method    string
	}{
		{"GET / HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n", true, ""},
		{"HTTP/1.1 200 OK\r\nAccept-Ranges: bytes\r\nContent-Length: 3\r\nContent-Type: text/html; charset=utf-8\r\nLast-Modified: Sat, 21 Nov 2026 15:35:21 GMT\r\nDate: Sat, 21 Nov 2026 15:38:09 GMT\r\n\r\nabc", false, "GET"},
		{"HTTP/1.1 304 Not Modified\r\nDate: Sat, 21 Nov 2026 15:38:09 GMT\r\n\r\n", false, "GET"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", false, "HEAD"},
	} {
		n, ok, sure := quickFrame([]byte(tc.raw), tc.isRequest, tc.method, false)
		if !sure || !ok || n != len(tc.raw) {
			t.Errorf("quickFrame(%q) = %d %v %v; want %d true true", tc.raw, n, ok, sure, len(tc.raw))
		}
	}
}

// FrameLength must not allocate for plain messages: the server's capture frames every one.
func TestFrameLengthPlainDoesNotAllocate(t *testing.T) {
	get := []byte("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:18080\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n")
	ok200 := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 5\r\n\r\nhello")
	for _, tc := range []struct {
		name      string
		raw       []byte
		isRequest bool
		method    string
	}{
		{"GET", get, true, ""},
		{"200 with Content-Length", ok200, false, "GET"},
	} {
		var n int
		var ok bool
		allocs := testing.AllocsPerRun(100, func() {
			n, ok = FrameLength(tc.raw, tc.isRequest, tc.method, false)
		})
		if !ok || n != len(tc.raw) {
			t.Fatalf("%s: FrameLength = %d %v; want %d true", tc.name, n, ok, len(tc.raw))
		}
		if allocs != 0 {
			t.Errorf("%s: FrameLength allocates %v times per call; want 0", tc.name, allocs)
		}
	}
}
