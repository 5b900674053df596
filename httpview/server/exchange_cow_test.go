package server

import (
	"fmt"
	"reflect"
	"testing"
)

// A read takes the chunk table, not a copy of every exchange, under the
// lock: a second read with nothing changed in between shares every chunk,
// a change while they copy replaces only the chunk that holds it, so their
// exchanges stay as they were, and once they are done writers change the
// chunks in place again.
func TestReadSharesUnchangedChunks(t *testing.T) {
	st := newStore()
	for range MaxExchanges + 3*chunkLen/2 { // the slots wrap
		st.add(Exchange{Method: "GET"})
	}
	before, first, next := st.view()
	again, _, _ := st.view()
	if before != again {
		t.Fatal("a read with nothing changed did not share the chunks of the one before")
	}
	old := st.snapshot()

	changed := first + 2*chunkLen + 7
	st.update(changed, func(e *Exchange) { e.Status = 204 })
	after, first2, next2 := st.view()
	if first2 != first || next2 != next {
		t.Fatalf("kept range moved from [%d,%d) to [%d,%d)", first, next, first2, next2)
	}
	ci, _ := slotOf(changed)
	for i := range after {
		if same := after[i] == before[i]; same == (i == ci) {
			t.Errorf("chunk %d: shared with the earlier read = %v; want only chunk %d replaced", i, same, ci)
		}
	}
	if e := before.at(changed); e.Status != 0 {
		t.Errorf("the earlier read's exchange %d changed under it: status %d", changed, e.Status)
	}
	if e := after.at(changed); e.Status != 204 {
		t.Errorf("the new read's exchange %d: status %d; want 204", changed, e.Status)
	}
	st.release()
	st.release()
	st.release()
	st.update(changed, func(e *Exchange) { e.Status = 205 })
	if st.chunks[ci] != after[ci] {
		t.Error("a change with no read copying replaced its chunk")
	}
	for _, e := range old {
		if e.Status != 0 {
			t.Fatalf("an earlier snapshot saw a later update: %+v", e)
		}
	}
}

// The list read from the chunks is the list a plain slice keeps, through
// wraps, drops, updates and the raw-bytes budget.
func TestStoreMatchesPlainList(t *testing.T) {
	st := newStore()
	var want []Exchange
	big := make([]byte, MaxRaw)
	for n := range 3*MaxExchanges + 17 {
		e := Exchange{Method: "GET", Target: fmt.Sprint("/", n)}
		if n%500 == 0 {
			e.RawResponse = big // crosses MaxRawTotal now and then
		}
		id := st.add(e)
		e.ID = id
		want = append(want, e)
		if n%3 == 0 {
			st.update(id-1, func(e *Exchange) { e.Status = 200 })
			if id > 1 {
				want[id-2].Status = 200
			}
		}
		if n%997 == 0 {
			got := st.snapshot()
			kept := want[max(0, len(want)-MaxExchanges):]
			// The budget's stripping is the store's own business: compare
			// IDs, targets and statuses.
			if len(got) != len(kept) {
				t.Fatalf("after %d adds: %d kept; want %d", n+1, len(got), len(kept))
			}
			for i := range got {
				if got[i].ID != kept[i].ID || got[i].Target != kept[i].Target || got[i].Status != kept[i].Status {
					t.Fatalf("after %d adds, row %d = %d %s %d; want %d %s %d", n+1, i,
						got[i].ID, got[i].Target, got[i].Status, kept[i].ID, kept[i].Target, kept[i].Status)
				}
			}
		}
	}
	if st.rawBytes > MaxRawTotal {
		t.Errorf("kept exchanges hold %d raw bytes; the budget is %d", st.rawBytes, MaxRawTotal)
	}
	held := 0
	for _, e := range st.snapshot() {
		held += rawLen(&e)
	}
	if held != st.rawBytes {
		t.Errorf("kept exchanges hold %d raw bytes; the store counts %d", held, st.rawBytes)
	}
	if !reflect.DeepEqual(st.snapshot(), st.appendTo(nil)) {
		t.Error("two reads with nothing changed differ")
	}
}

// Reads copy while writers add and change exchanges: under -race this
// fails if a writer ever changes a chunk a read is copying; each read is
// a run of consecutive IDs whose changes are whole.
func TestReadWhileWriting(t *testing.T) {
	st := newStore()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 * MaxExchanges {
			id := st.add(Exchange{Method: "GET"})
			st.update(id, func(e *Exchange) { e.Status, e.Bytes = 200, 200 })
		}
	}()
	var buf []Exchange
	for reads := 0; ; reads++ {
		select {
		case <-done:
			if reads == 0 {
				t.Fatal("no read overlapped the writes")
			}
			return
		default:
		}
		buf = st.appendTo(buf[:0])
		for i, e := range buf {
			if i > 0 && e.ID != buf[i-1].ID+1 {
				t.Fatalf("read %d: ID %d follows %d", reads, e.ID, buf[i-1].ID)
			}
			if int64(e.Status) != e.Bytes {
				t.Fatalf("read %d: exchange %d half changed: status %d, bytes %d", reads, e.ID, e.Status, e.Bytes)
			}
		}
	}
}
