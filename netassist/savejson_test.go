package netassist

import (
	"encoding/json"
	"testing"
)

// Event lines quote names and addresses as encoding/json does, and the
// usual ones without its cost: a flood or wrk writes one line per read.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "TCP server 127.0.0.1:9000", "[::1]:40000", `a"b`, `a\b`, "<&>", "tab\there", "é", "\x7f", "\xff", "\u2028"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s; want %s", s, got, want)
		}
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() { buf = appendJSONString(buf[:0], "127.0.0.1:40000") }); n != 0 {
		t.Fatalf("quoting a peer address allocates %v times; want 0", n)
	}
}
