package server

import (
	"bytes"
	"testing"
)

func TestStoreBoundsRawBytes(t *testing.T) {
	st := newStore()
	big := bytes.Repeat([]byte("x"), 1<<20)
	for i := 0; i < 100; i++ {
		id := st.add(Exchange{RawRequest: []byte("GET / HTTP/1.1\r\n\r\n")})
		st.update(id, func(e *Exchange) { e.RawResponse = big })
	}
	if st.rawBytes > MaxRawTotal {
		t.Fatalf("raw bytes %d over budget %d", st.rawBytes, MaxRawTotal)
	}
	snap := st.snapshot()
	if len(snap) != 100 {
		t.Fatalf("%d exchanges listed; every one must stay in the list", len(snap))
	}
	if snap[0].RawResponse != nil || !snap[0].Truncated {
		t.Fatal("the oldest exchange kept its bytes")
	}
	if !bytes.Equal(snap[99].RawResponse, big) {
		t.Fatal("the newest exchange lost its bytes")
	}
	total := 0
	for i := range snap {
		total += rawLen(&snap[i])
	}
	if total != st.rawBytes {
		t.Fatalf("accounting: counted %d, held %d", st.rawBytes, total)
	}
}
