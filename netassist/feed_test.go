package netassist

import (
	"bytes"
	"testing"
)

func TestFeedDropsOldestAndCounts(t *testing.T) {
	f := NewFeed(10, 100)
	for i := 0; i < 5; i++ {
		f.Push(Event{Kind: EvRx, Data: []byte{byte('a' + i), byte('a' + i), byte('a' + i)}})
	}
	evs, d := f.Drain()
	var got []byte
	for _, e := range evs {
		got = append(got, e.Data...)
	}
	if string(got) != "cccdddeee" || d.Events != 2 || d.Bytes != 6 {
		t.Fatalf("got %q, drops %+v", got, d)
	}
	if evs, d := f.Drain(); evs != nil || d != (FeedDrops{}) {
		t.Fatal("second drain not empty")
	}
}

func TestFeedCopiesData(t *testing.T) {
	f := NewFeed(0, 0)
	buf := []byte("abc")
	f.Push(Event{Kind: EvRx, Data: buf})
	copy(buf, "xyz")
	evs, _ := f.Drain()
	if string(evs[0].Data) != "abc" {
		t.Fatalf("feed kept the caller's buffer: %q", evs[0].Data)
	}
}

func TestFeedHugeChunkKeepsTail(t *testing.T) {
	f := NewFeed(4, 10)
	f.Push(Event{Kind: EvRx, Data: []byte("0123456789")})
	evs, d := f.Drain()
	if string(evs[0].Data) != "6789" || d.Bytes != 6 {
		t.Fatalf("%q %+v", evs[0].Data, d)
	}
}

func TestFeedEventCap(t *testing.T) {
	f := NewFeed(1<<20, 3)
	for i := 0; i < 3000; i++ {
		f.Push(Event{Kind: EvInfo, Detail: "x"})
	}
	evs, d := f.Drain()
	if len(evs) != 3 || d.Events != 2997 {
		t.Fatalf("%d events, drops %+v", len(evs), d)
	}
}

func TestCountersNotTouchedByFeedTrim(t *testing.T) {
	h := NewHub("s", nil)
	h.Feed = NewFeed(1, 1)
	total := &Counters{}
	h.totals = total
	for i := 0; i < 100; i++ {
		h.Record(Event{Kind: EvRx, Data: bytes.Repeat([]byte("z"), 10)})
	}
	if s := h.Counters.Snapshot(); s.RxBytes != 1000 || s.RxChunks != 100 {
		t.Fatalf("%+v", s)
	}
	if total.Snapshot().RxBytes != 1000 {
		t.Fatal("totals")
	}
	h.Counters.Reset()
	if h.Counters.Snapshot() != (CounterSnapshot{}) {
		t.Fatal("reset")
	}
}

func TestFeedRecyclesDroppedBuffers(t *testing.T) {
	f := NewFeed(100, 100)
	chunk := bytes.Repeat([]byte("a"), 60)
	allocs := testing.AllocsPerRun(1000, func() { f.Push(Event{Kind: EvRx, Data: chunk}) })
	if allocs > 0.5 {
		t.Fatalf("%.1f allocations per push in a flood; dropped buffers should be reused", allocs)
	}
	// Recycled buffers never leak old bytes into new events.
	f.Drain()
	f.Push(Event{Kind: EvRx, Data: []byte("0123456789")})
	f.Push(Event{Kind: EvRx, Data: bytes.Repeat([]byte("z"), 95)}) // drops the first
	f.Push(Event{Kind: EvRx, Data: []byte("xy")})
	evs, _ := f.Drain()
	if string(evs[len(evs)-1].Data) != "xy" {
		t.Fatalf("last event %q", evs[len(evs)-1].Data)
	}
}

func TestFeedSkipTraffic(t *testing.T) {
	f := NewFeed(0, 0)
	f.SkipTraffic()
	f.Push(Event{Kind: EvRx, Data: []byte("x")})
	f.Push(Event{Kind: EvTx, Data: []byte("y")})
	f.Push(Event{Kind: EvError, Detail: "disk full"})
	f.Push(Event{Kind: EvConnect, Conn: 1})
	evs, drops := f.Drain()
	if len(evs) != 2 || evs[0].Kind != EvError || evs[1].Kind != EvConnect || drops != (FeedDrops{}) {
		t.Fatalf("%+v %+v", evs, drops)
	}
}

// Every push tells the feed's listener, skipped traffic included (an HTTP
// request shows in the list, not in the feed).
func TestFeedNotifies(t *testing.T) {
	f := NewFeed(0, 0)
	f.SkipTraffic()
	n := 0
	f.SetNotify(func() { n++ })
	f.Push(Event{Kind: EvRx, Data: []byte("x")})
	f.Push(Event{Kind: EvConnect})
	if n != 2 {
		t.Fatalf("notified %d times; want 2", n)
	}
	if evs, _ := f.Drain(); len(evs) != 1 {
		t.Fatalf("%d events kept; want the connect only", len(evs))
	}
}

// An error pushed before a flood is still drained: the data that pushes
// it out of the feed must not make the window silent about a failure.
func TestFeedKeepsErrorsThroughAFlood(t *testing.T) {
	f := NewFeed(1024, 16)
	f.Push(Event{Kind: EvError, Detail: "saving stopped: disk full"})
	for range 100 {
		f.Push(Event{Kind: EvRx, Conn: 1, Data: make([]byte, 512)})
	}
	evs, drops := f.Drain()
	if len(evs) == 0 || evs[0].Kind != EvError || evs[0].Detail != "saving stopped: disk full" {
		t.Fatalf("drained %d events, first %+v; want the error first", len(evs), evs[0])
	}
	if drops.Events == 0 {
		t.Fatal("no drops counted")
	}
	for _, ev := range evs[1:] {
		if ev.Kind != EvRx {
			t.Fatalf("unexpected %s", ev.Kind)
		}
	}
}
