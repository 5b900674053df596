package server

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// The kept stamp is used only within its own second, and what it appends
// is always what formatting would give.
func TestAppendHTTPTime(t *testing.T) {
	var slot atomic.Pointer[httpStamp]
	base := time.Date(2026, 12, 5, 13, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, d := range []time.Duration{0, 300 * time.Millisecond, 999 * time.Millisecond, time.Second, 1500 * time.Millisecond, -time.Hour, 0} {
		tm := base.Add(d)
		got := string(appendHTTPTime([]byte("Date: "), tm, &slot))
		if want := "Date: " + tm.UTC().Format(http.TimeFormat); got != want {
			t.Errorf("%v: %q, want %q", tm, got, want)
		}
	}
}
