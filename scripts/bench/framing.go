package main

import (
	"bytes"
	"fmt"
)

// framedResult is the flood into a TCP server that splits the stream into
// messages at "\n" (issue 13): what framing costs against the same sink.
type framedResult struct {
	Bytes      int64
	SHA        string
	Query      string
	Sink       []floodRun
	SinkMedian float64
	App        floodRun
	WantMsgs   uint64 // "\n"-ended messages in the stream
	WantBad    uint64 // 1 when the stream ends mid-message (the close makes it incomplete)
	Err        string
}

// framedQuery is the framing of the run, as --open takes it.
const framedQuery = "frame=delim&delim=%5Cn"

func benchFramed(e *env, n int64, seed uint64) *framedResult {
	res := &framedResult{Bytes: n, Query: framedQuery}
	logf("hashing and counting the %d-byte stream (seed %d)", n, seed)
	res.SHA, _ = streamHash(seed, n)
	res.WantMsgs, res.WantBad = streamLines(seed, n)
	logf("stream: %d messages ending in \\n, %d incomplete at the end", res.WantMsgs, res.WantBad)
	var err error
	if res.Sink, res.SinkMedian, err = e.sinkRuns(n, seed); err != nil {
		res.Err = err.Error()
		return res
	}
	res.App = e.floodAppQuery("flood-framed", "NetAssist TCP server, split at \\n", n, seed, "", res.SHA, framedQuery)
	logf("framed: %d messages, %d bad counted (want %d, %d)", res.App.Msgs, res.App.Bad, res.WantMsgs, res.WantBad)
	return res
}

// streamLines counts the "\n"-ended messages in the first n bytes of the
// stream, and whether bytes follow the last one. The stream's lines are
// far shorter than framing's 64 KiB maximum, so none is cut as too long.
func streamLines(seed uint64, n int64) (msgs, tail uint64) {
	g := newStream(seed)
	buf := make([]byte, chunk)
	last := byte('\n')
	for left := n; left > 0; left -= chunk {
		g.fill(buf)
		b := buf[:min(left, chunk)]
		msgs += uint64(bytes.Count(b, []byte{'\n'}))
		last = b[len(b)-1]
	}
	if last != '\n' {
		tail = 1
	}
	return msgs, tail
}

// ratio is the framed run's throughput over the sink's median.
func (f *framedResult) ratio() (float64, bool) {
	if f.App.Err != "" || f.App.Secs <= 0 || f.SinkMedian <= 0 {
		return 0, false
	}
	return f.App.rate(f.Bytes) / f.SinkMedian, true
}

func (f *framedResult) checks(r *report) {
	q, ok := f.ratio()
	r.add("TCP flood split into messages (`"+f.Query+"`): throughput / Go sink", fmt.Sprintf("%.2f (%s vs %s)", q, mbps(f.App.rate(f.Bytes)), mbps(f.SinkMedian)), "≥ 0.50", q >= 0.5, ok)
	exact := f.App.Counted == uint64(f.Bytes) && f.App.Msgs == f.WantMsgs && f.App.Bad == f.WantBad
	r.add("TCP flood split into messages: metrics count every byte and message exactly", fmt.Sprintf("%d B, %d messages, %d bad vs %d B, %d, %d", f.App.Counted, f.App.Msgs, f.App.Bad, f.Bytes, f.WantMsgs, f.WantBad), "equal", exact, f.App.Counted > 0)
	r.add("TCP flood split into messages: max ui_lag_ms", fmt.Sprintf("%.1f ms", f.App.Win.MaxLag), "< 100 ms", f.App.Win.MaxLag < 100, f.App.Win.Lines > 0)
}

func (f *framedResult) markdown(w func(string, ...any)) {
	w("\n## TCP flood split into messages (issue 13)\n\n")
	w("The flood of part 1 (the same %d-byte seeded stream, SHA-256 `%s`) into a TCP server opened with `--open 'tcp-server://127.0.0.1:PORT?%s'`: ", f.Bytes, f.SHA, f.Query)
	w("every \\n ends a message (%d of them, average %.0f bytes; the bytes after the last one are an incomplete frame at the close). ", f.WantMsgs, float64(f.Bytes)/float64(max(f.WantMsgs, 1)))
	w("The baseline is the median of three runs of the Go sink in the same part; the clock stops when the app closes the connection after recording everything.\n\n")
	if f.Err != "" {
		w("**Error:** %s\n\n", f.Err)
	}
	w("| Receiver | Receiver closed at | Throughput | / sink | Counted bytes | Messages | Bad | Peak RSS (metrics) | Max ui_lag_ms |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, x := range append(append([]floodRun(nil), f.Sink...), f.App) {
		if x.Err != "" && x.Secs == 0 {
			w("| %s | error: %s | | | | | | | |\n", x.Name, x.Err)
			continue
		}
		ratio, msgs, bad, rss, lag := "—", "—", "—", "—", "—"
		if f.SinkMedian > 0 {
			ratio = fmt.Sprintf("%.2f", x.rate(f.Bytes)/f.SinkMedian)
		}
		if x.Name == f.App.Name {
			msgs, bad = fmt.Sprintf("%d (want %d)", x.Msgs, f.WantMsgs), fmt.Sprintf("%d (want %d)", x.Bad, f.WantBad)
			rss, lag = mb(x.Win.MaxRSS), fmt.Sprintf("%.1f", x.Win.MaxLag)
		}
		w("| %s | %.2f s | %s | %s | %d | %s | %s | %s | %s |\n", x.Name, x.Secs, mbps(x.rate(f.Bytes)), ratio, x.Counted, msgs, bad, rss, lag)
	}
	if f.App.Err != "" {
		w("\n**%s:** %s\n", f.App.Name, f.App.Err)
	}
}
