package server

import (
	"reflect"
	"testing"
)

// The UI polls the list four times a second under load: AppendExchanges
// fills the caller's storage with what Exchanges returns, without a new
// copy of the whole list each time.
func TestAppendExchangesReusesStorage(t *testing.T) {
	s := New(Config{})
	for i := range MaxExchanges + 10 { // the ring wraps
		s.store.add(Exchange{Method: "GET", Target: "/" + string(rune('a'+i%26))})
	}
	want := s.Exchanges()
	buf := make([]Exchange, 0, MaxExchanges)
	got := s.AppendExchanges(buf)
	if !reflect.DeepEqual(got, want) {
		t.Fatal("AppendExchanges lists other exchanges than Exchanges")
	}
	if &got[0] != &buf[:1][0] {
		t.Fatal("AppendExchanges did not use the storage it was given")
	}
	if n := testing.AllocsPerRun(10, func() { buf = s.AppendExchanges(buf[:0]) }); n != 0 {
		t.Fatalf("AppendExchanges into a big enough slice allocates %v times", n)
	}
}
