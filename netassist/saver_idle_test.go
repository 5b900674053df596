package netassist

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"
)

// Events that come one by one (an HTTP server answering small requests)
// are flushed together once they stop, not each on its own, and are then
// readable. The bubble's clock stands still until every goroutine waits,
// so "one by one" and "once they stop" are exact.
func TestSaverFlushesOnceEventsStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := NewSaver(t.TempDir(), "s")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		peer, req := "127.0.0.1:40000", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.Write(Event{Time: time.Now(), Kind: EvConnect, Conn: 1, Peer: peer}))
		for range 100 {
			must(s.Write(Event{Time: time.Now(), Kind: EvRx, Conn: 1, Peer: peer, Data: req}))
			synctest.Wait() // the saver has written it and its queue is empty
		}
		if n := s.flushes.Load(); n != 0 {
			t.Fatalf("%d flushes while events kept coming; want none yet", n)
		}
		time.Sleep(idleFlushAfter + gatherFor) // the last events may have been gathered
		synctest.Wait()
		if n := s.flushes.Load(); n != 1 {
			t.Fatalf("%d flushes once the events stopped; want 1", n)
		}
		got, err := os.ReadFile(filepath.Join(s.Dir(), RawFileName(1, peer, EvRx)))
		must(err)
		if want := bytes.Repeat(req, 100); !bytes.Equal(got, want) {
			t.Fatalf("raw file holds %d bytes before close; want all %d", len(got), len(want))
		}
	})
}

// Events that keep coming a millisecond apart (an HTTP server under load)
// are flushed every busyFlushEvery, not every idleFlushAfter: each flush
// writes every open connection's files.
func TestSaverFlushesSteadyEventsEveryBusyInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := NewSaver(t.TempDir(), "s")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		peer, req := "127.0.0.1:40000", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		const n = 3*busyFlushEvery/time.Millisecond + 10
		for i := range n {
			must(s.Write(Event{Time: time.Now(), Kind: EvRx, Conn: 1, Peer: peer, Data: req}))
			synctest.Wait()
			if i == busyFlushEvery/time.Millisecond+1 {
				// Readable within busyFlushEvery though events keep coming.
				got, err := os.ReadFile(filepath.Join(s.Dir(), RawFileName(1, peer, EvRx)))
				must(err)
				if len(got) < int(busyFlushEvery/time.Millisecond)*len(req) {
					t.Fatalf("after %d events a millisecond apart the raw file holds %d bytes", i+1, len(got))
				}
			}
			time.Sleep(time.Millisecond)
		}
		if got := s.flushes.Load(); got != 3 {
			t.Fatalf("%d flushes over %d events a millisecond apart; want 3", got, n)
		}
		time.Sleep(idleFlushAfter)
		synctest.Wait()
		if got := s.flushes.Load(); got != 4 {
			t.Fatalf("%d flushes once the events stopped; want 4", got)
		}
	})
}
