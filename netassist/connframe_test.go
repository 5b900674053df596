package netassist

import (
	"bytes"
	"testing"

	"netassist/netassist/framing"
)

// A read holding far more messages than the display feed keeps: every one
// is counted, but records are built only for the newest ones the feed can
// hold (and fewer once the window samples a flood), and the rest count as
// dropped from the display.
func TestFramedReadBuildsOnlyWhatTheFeedShows(t *testing.T) {
	line := append(bytes.Repeat([]byte("x"), 38), '\r', '\n')
	read := bytes.Repeat(line, (1<<20)/len(line)) // 1 MiB of 40-byte messages
	total := len(read) / len(line)

	h := NewHub("srv", nil)
	h.Feed.SetSample(1<<20, 8<<10)
	c := &Conn{ID: 1, Peer: "127.0.0.1:9", hub: h, session: "srv", framer: framing.New(framing.Config{Kind: framing.Delim, Delim: []byte("\r\n")})}

	check := func(round, wantShown int, wantDrop int) {
		t.Helper()
		c.recordFrames(c.frame(read, false))
		evs, drops := h.Feed.Drain()
		if len(evs) != 1 || evs[0].Kind != EvMsg {
			t.Fatalf("round %d: %d events, want one message event", round, len(evs))
		}
		ev := evs[0]
		n := 0
		for i, m := range ev.Msgs {
			n += m.Len
			if m.InRead != total || m.Index != total-len(ev.Msgs)+i {
				t.Fatalf("round %d: message %d says %d of %d in the read; want %d of %d", round, i, m.Index, m.InRead, total-len(ev.Msgs)+i, total)
			}
		}
		if n != len(ev.Data) || len(ev.Msgs) != wantShown {
			t.Fatalf("round %d: %d records over %d bytes of data; want %d records covering the data", round, len(ev.Msgs), len(ev.Data), wantShown)
		}
		if !bytes.Equal(ev.Data, read[len(read)-n:]) {
			t.Fatalf("round %d: the records are not the newest messages", round)
		}
		if drops.Bytes != wantDrop {
			t.Fatalf("round %d: the feed says %d bytes dropped; want %d", round, drops.Bytes, wantDrop)
		}
	}
	// The feed holds 64 KiB: the newest 1638 messages of the read.
	feedShown := DefaultFeedBytes / len(line)
	check(1, feedShown, len(read)-feedShown*len(line))
	for i, s := range []CounterSnapshot{c.Counters.Snapshot(), h.Counters.Snapshot()} {
		if s.RxMsgs != uint64(total) || s.RxBad != 0 {
			t.Fatalf("counters %d: %d messages, %d bad; want %d, 0", i, s.RxMsgs, s.RxBad, total)
		}
	}

	// A flood: the feed has dropped a MiB since the window last drained,
	// so the window formats only the newest 8 KiB.
	h.Feed.Push(Event{Kind: EvRx, Data: make([]byte, 2<<20)})
	c.recordFrames(c.frame(read[:len(line)], false)) // one message still gets its record
	h.Feed.Push(Event{Kind: EvRx, Data: make([]byte, 2<<20)})
	evs, _ := h.Feed.Drain()
	if got := len(msgs(evs)); got != 0 {
		t.Fatalf("the flood pushed the lone message out, yet %d records remain", got)
	}
	h.Feed.Push(Event{Kind: EvRx, Data: make([]byte, 2<<20)})
	sampled := (8 << 10) / len(line)
	c.recordFrames(c.frame(read, false))
	evs, _ = h.Feed.Drain()
	var ev Event
	for _, e := range evs {
		if e.Kind == EvMsg {
			ev = e
		}
	}
	if len(ev.Msgs) != sampled {
		t.Fatalf("while sampling a flood: %d records; want %d (8 KiB)", len(ev.Msgs), sampled)
	}
	if s := h.Counters.Snapshot(); s.RxMsgs != uint64(2*total+1) {
		t.Fatalf("%d messages counted; want %d", s.RxMsgs, 2*total+1)
	}
}

// Bad frames that are only counted are counted as bad, in the session's,
// the connection's and the app's figures (those of --metrics).
func TestFramedReadCountsBadFramesItDoesNotBuild(t *testing.T) {
	var totals Counters
	h := NewHub("srv", &totals)
	c := &Conn{ID: 1, hub: h, session: "srv", framer: framing.New(framing.Config{Kind: framing.Delim, Delim: []byte("\n"), Max: 100})}
	read := append(bytes.Repeat([]byte("y"), 100*1000), '\n') // 1000 frames too long, then an empty message
	c.recordFrames(c.frame(read, false))
	if s := c.Counters.Snapshot(); s.RxBad != 1000 || s.RxMsgs != 1 {
		t.Fatalf("counted %d messages, %d bad; want 1 and 1000", s.RxMsgs, s.RxBad)
	}
	if s := h.Counters.Snapshot(); s.RxBad != 1000 || s.RxMsgs != 1 {
		t.Fatalf("session counted %d messages, %d bad; want 1 and 1000", s.RxMsgs, s.RxBad)
	}
	if s := totals.Snapshot(); s.RxBad != 1000 || s.RxMsgs != 1 {
		t.Fatalf("the app counted %d messages, %d bad; want 1 and 1000", s.RxMsgs, s.RxBad)
	}
}
