package rules

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// Many connections ask one Set at once: a "times" rule still answers
// exactly its number of times, and the counters add up.
func TestConcurrentFireTimes(t *testing.T) {
	r := rule("n", KindContains, OnText, "", "${counter}")
	r.Fire = Fire{Mode: FireTimes, Times: 100}
	s := mustCompile(t, r)
	var answered atomic.Int64
	seen := sync.Map{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if a := s.Respond(nil, "", t0, nil); a.Rule == 0 {
					answered.Add(1)
					if _, dup := seen.LoadOrStore(string(a.Reply), true); dup {
						t.Errorf("counter %s given twice", a.Reply)
					}
				}
			}
		}()
	}
	wg.Wait()
	if answered.Load() != 100 || s.Stats(0).Hits != 100 {
		t.Fatalf("answered %d, hits %d; want 100", answered.Load(), s.Stats(0).Hits)
	}
}

// BenchmarkRespond100: the bench's shape, 99 rules that miss and a regex
// with a capture that hits, reply into a reused buffer.
func BenchmarkRespond100(b *testing.B) {
	var rs []Rule
	for i := range 99 {
		rs = append(rs, rule(fmt.Sprint("r", i), KindStarts, OnText, fmt.Sprintf("CMD%02d ", i), "x"))
	}
	rs = append(rs, rule("get", KindRegex, OnText, `^GET (?P<key>\w+) (\d+)$`, `VAL ${key} ${2} #${counter}\r\n`))
	s, err := Compile(File{Version: Version, MaxPerSecond: -1, Rules: rs})
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte("GET temperature_sensor 123456")
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		a := s.Respond(msg, "127.0.0.1:1", t0, buf[:0])
		if a.Rule != 99 {
			b.Fatal(a)
		}
	}
}
