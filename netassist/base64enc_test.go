package netassist

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

func TestBase64MatchesStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := range 300 {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		checkBase64(t, src)
	}
	checkBase64(t, bytes.Repeat([]byte{0xff}, 1000))
	checkBase64(t, make([]byte, 1000))
}

func checkBase64(t *testing.T, src []byte) {
	t.Helper()
	want := base64.StdEncoding.AppendEncode([]byte("pre"), src)
	if got := appendBase64([]byte("pre"), src); !bytes.Equal(got, want) {
		t.Fatalf("%d bytes %x: got %q; want %q", len(src), src, got, want)
	}
}

func FuzzBase64(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("\x00\xff\r\n\xa7 six b"))
	f.Add(bytes.Repeat([]byte{0xfb, 0xef, 0xbe}, 30))
	f.Fuzz(func(t *testing.T, src []byte) { checkBase64(t, src) })
}

func BenchmarkBase64(b *testing.B) {
	src := make([]byte, 256<<10)
	dst := make([]byte, 0, base64.StdEncoding.EncodedLen(len(src)))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst = appendBase64(dst[:0], src)
	}
}
