package server

import (
	"reflect"
	"sync"
	"testing"
)

// A List reads the store's chunks in place, so taking one copies no
// exchange; it still shows the exchanges as they were when it was taken
// while the server adds, updates and drops them, and once released the
// writers change chunks in place again. Under -race, a writer changing a
// chunk a List reads would be reported.
func TestListReadsInPlaceAsTaken(t *testing.T) {
	s := &Server{store: newStore()}
	st := s.store
	for i := range MaxExchanges + chunkLen/2 { // the slots wrap
		st.add(Exchange{Method: "GET", Status: 200, Target: "/" + string(rune('a'+i%26))})
	}
	want := st.snapshot()
	l := s.List()
	if l.Len() != len(want) {
		t.Fatalf("Len %d; want %d", l.Len(), len(want))
	}
	if l.At(0) != st.chunks.at(l.first) {
		t.Fatal("taking a list copied the exchanges instead of reading the store's chunks")
	}

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the server goes on meanwhile
		defer wg.Done()
		for i := range 2 * MaxExchanges {
			id := st.add(Exchange{Method: "POST"})
			st.update(id-uint64(i%7), func(e *Exchange) { e.Status = 500 })
		}
	}()
	for range 3 {
		for i := range l.Len() {
			if e := l.At(i); !reflect.DeepEqual(*e, want[i]) {
				t.Fatalf("exchange %d changed under the list: %+v; want %+v", i, *e, want[i])
			}
		}
	}
	wg.Wait()
	first := want[0].ID
	if e, ok := l.Find(first + 10); !ok || e.ID != first+10 || e.Method != "GET" {
		t.Fatalf("Find(%d) = %+v, %v", first+10, e, ok)
	}
	if _, ok := l.Find(first - 1); ok {
		t.Fatal("Find found an exchange older than the list")
	}

	l.Release()
	l.Release() // a second release changes nothing
	if st.reading != 0 {
		t.Fatalf("%d reads still open after Release", st.reading)
	}
	ci, _ := slotOf(st.nextID - 1)
	c := st.chunks[ci]
	st.update(st.nextID-1, func(e *Exchange) { e.Status = 201 })
	if st.chunks[ci] != c {
		t.Error("a change with no list held still copied its chunk")
	}

	var none *List
	if none.Len() != 0 {
		t.Error("a nil List is not empty")
	}
	none.Release()
}
