package netassist

import (
	"testing"
	"testing/synctest"
)

// Small events (an HTTP server's requests and answers) queue by the
// thousand while the saver goroutine is busy; payload beyond the byte
// bound waits until the saver takes some.
func TestSaverQueueHoldsManySmallEventsAndBoundsBytes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSaverQueue(t.TempDir()) // no goroutine takes events
		small := make([]byte, 100)
		for i := range 1000 {
			if err := s.Write(Event{Kind: EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: small}); err != nil {
				t.Fatalf("event %d: %v", i, err)
			}
		}
		big := make([]byte, saveQueueBytes)
		done := make(chan struct{})
		go func() {
			s.Write(Event{Kind: EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: big})
			close(done)
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("a write past the byte bound did not wait")
		default:
		}
		for range 1000 { // the saver takes the small ones
			ev := <-s.jobs
			s.queued.give(cap(ev.Data))
		}
		synctest.Wait()
		select {
		case <-done:
		default:
			t.Fatal("the write still waits with the queue empty")
		}
	})
}
