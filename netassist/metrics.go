package netassist

import (
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Metrics is one line of --metrics FILE.
type Metrics struct {
	Time        string  `json:"time"`
	RxBytes     uint64  `json:"rx_bytes"`
	TxBytes     uint64  `json:"tx_bytes"`
	Connections int     `json:"connections"`
	RSSBytes    uint64  `json:"rss_bytes"`
	UILagMs     float64 `json:"ui_lag_ms"`
	// RxMsgs and RxBad are the messages framing cut (good ones, and bad
	// frames apart); absent when no session frames.
	RxMsgs uint64 `json:"rx_msgs,omitempty"`
	RxBad  uint64 `json:"rx_bad,omitempty"`
}

// MetricsSource gives the figures the writer cannot read itself.
type MetricsSource struct {
	Totals      *Counters
	Connections func() int
	// UILag returns and resets the longest UI heartbeat delay seen since
	// the last call.
	UILag func() time.Duration
}

// RunMetrics appends one JSON line per second to w until stop is closed.
func RunMetrics(w io.Writer, src MetricsSource, stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	enc := json.NewEncoder(w)
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			m := Metrics{Time: now.Format(time.RFC3339Nano), RSSBytes: RSS()}
			if src.Totals != nil {
				s := src.Totals.Snapshot()
				m.RxBytes, m.TxBytes = s.RxBytes, s.TxBytes
				m.RxMsgs, m.RxBad = s.RxMsgs, s.RxBad
			}
			if src.Connections != nil {
				m.Connections = src.Connections()
			}
			if src.UILag != nil {
				m.UILagMs = float64(src.UILag().Microseconds()) / 1000
			}
			enc.Encode(m)
		}
	}
}

// RSS is the resident set size of this process: exact from /proc on Linux,
// the Go runtime's own figure elsewhere.
func RSS() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Sys
}

// MaxTracker keeps the largest duration seen since it was last read.
type MaxTracker struct{ v atomic.Int64 }

// Observe records d if it is the largest so far.
func (m *MaxTracker) Observe(d time.Duration) {
	for {
		old := m.v.Load()
		if int64(d) <= old || m.v.CompareAndSwap(old, int64(d)) {
			return
		}
	}
}

// Take returns the largest duration and starts over.
func (m *MaxTracker) Take() time.Duration { return time.Duration(m.v.Swap(0)) }
