package main

import (
	"testing"
	"time"
)

func TestWrkDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"534.00us": 534 * time.Microsecond,
		"6.77ms":   6770 * time.Microsecond,
		"1.02s":    1020 * time.Millisecond,
		"2.00m":    2 * time.Minute,
	} {
		if got, ok := wrkDuration(in); !ok || got.Round(time.Microsecond) != want {
			t.Errorf("wrkDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "fast", "ms"} {
		if _, ok := wrkDuration(in); ok {
			t.Errorf("wrkDuration(%q) ok; want not", in)
		}
	}
}

func TestMeanP99SkipsUnreadable(t *testing.T) {
	runs := []wrkRun{{LatP99: "1.00ms"}, {LatP99: "3.00ms"}, {LatP99: ""}}
	if got := meanP99(runs); got != 2*time.Millisecond {
		t.Errorf("meanP99 = %v, want 2ms", got)
	}
}

func TestParseAB(t *testing.T) {
	out := `Concurrency Level:      8
Time taken for tests:   2.829 seconds
Complete requests:      30000
Failed requests:        2
   (Connect: 0, Receive: 0, Length: 2, Exceptions: 0)
Total transferred:      43590000 bytes
Requests per second:    10604.21 [#/sec] (mean)
`
	var r abRun
	parseAB(out, &r)
	if r.Requests != 30000 || r.Failed != 2 || r.RPS != 10604.21 || r.Err != "" {
		t.Fatalf("%+v", r)
	}
	var none abRun
	if parseAB("apr_socket_recv: Connection refused (111)", &none); none.Err == "" {
		t.Fatal("no requests and no error")
	}
}
