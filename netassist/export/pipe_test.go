package export

import (
	"bytes"
	"errors"
	"testing"
)

// The pipe writes everything in order, also writes larger than its
// buffers, and hands a write error back.
func TestPipeWriter(t *testing.T) {
	var out bytes.Buffer
	p := newPipeWriter(&out)
	var want []byte
	for i := range 50 {
		b := bytes.Repeat([]byte{byte(i)}, i*77_777)
		want = append(want, b...)
		if _, err := p.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("wrote %d bytes, want %d in order", out.Len(), len(want))
	}

	p = newPipeWriter(failingWriter{})
	p.Write([]byte("x"))
	if err := p.Close(); !errors.Is(err, errDiskFull) {
		t.Fatalf("close: %v, want the write's error", err)
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }
