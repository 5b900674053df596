package display

import (
	"slices"
	"strconv"
	"testing"
)

func ringRows(r *Ring) []string {
	out := make([]string, r.Len())
	for i := range out {
		out[i] = r.Row(i)
	}
	return out
}

func numbered(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

func TestRingTrim(t *testing.T) {
	tests := []struct {
		name    string
		cap     int
		batches []Batch
		want    []string
		trimmed uint64
	}{
		{"under cap", 5, []Batch{{Rows: numbered(0, 3)}}, numbered(0, 3), 0},
		{"exactly full", 3, []Batch{{Rows: numbered(0, 3)}}, numbered(0, 3), 0},
		{"drops oldest", 3, []Batch{{Rows: numbered(0, 2)}, {Rows: numbered(2, 5)}}, numbered(2, 5), 2},
		{"one batch larger than cap", 3, []Batch{{Rows: numbered(0, 10)}}, numbered(7, 10), 7},
		{"wraps many times", 4, []Batch{{Rows: numbered(0, 3)}, {Rows: numbered(3, 6)}, {Rows: numbered(6, 9)}, {Rows: numbered(9, 11)}}, numbered(7, 11), 7},
		{"replace last", 3, []Batch{{Rows: []string{"a", "b"}}, {ReplaceLast: true, Rows: []string{"B", "c"}}}, []string{"a", "B", "c"}, 0},
		{"replace last when full", 2, []Batch{{Rows: []string{"a", "b", "c"}}, {ReplaceLast: true, Rows: []string{"C"}}}, []string{"b", "C"}, 1},
		{"replace on empty ring appends", 2, []Batch{{ReplaceLast: true, Rows: []string{"x"}}}, []string{"x"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRing(tt.cap)
			for _, b := range tt.batches {
				r.Apply(b)
			}
			if got := ringRows(r); !slices.Equal(got, tt.want) {
				t.Errorf("rows = %q; want %q", got, tt.want)
			}
			if r.Trimmed() != tt.trimmed {
				t.Errorf("Trimmed() = %d; want %d", r.Trimmed(), tt.trimmed)
			}
		})
	}
}

func TestRingSetCapClear(t *testing.T) {
	r := NewRing(0)
	if r.Cap() != DefaultRingCap {
		t.Fatalf("Cap() = %d", r.Cap())
	}
	r.SetCap(4)
	r.Append(numbered(0, 6)...) // full and wrapped: 2 3 4 5
	r.SetCap(6)                 // grow: keeps all, can take two more
	r.Append(numbered(6, 8)...)
	if got := ringRows(r); !slices.Equal(got, numbered(2, 8)) || r.Trimmed() != 2 {
		t.Fatalf("after grow: %q, trimmed %d", got, r.Trimmed())
	}
	r.SetCap(3) // shrink: drops the oldest three
	if got := ringRows(r); !slices.Equal(got, numbered(5, 8)) || r.Trimmed() != 5 {
		t.Fatalf("after shrink: %q, trimmed %d", got, r.Trimmed())
	}
	r.Append("8")
	if got := ringRows(r); !slices.Equal(got, numbered(6, 9)) || r.Trimmed() != 6 {
		t.Fatalf("after append: %q, trimmed %d", got, r.Trimmed())
	}
	if got, want := r.Text(), "6\n7\n8\n"; got != want {
		t.Errorf("Text() = %q; want %q", got, want)
	}
	r.Clear()
	if r.Len() != 0 || r.Trimmed() != 0 || r.Text() != "" || r.Cap() != 3 {
		t.Errorf("after Clear: len %d trimmed %d text %q cap %d", r.Len(), r.Trimmed(), r.Text(), r.Cap())
	}
	r.Append(numbered(0, 5)...)
	if got := ringRows(r); !slices.Equal(got, numbered(2, 5)) || r.Trimmed() != 2 {
		t.Errorf("after Clear and refill: %q, trimmed %d", got, r.Trimmed())
	}
}

func TestRingRowOutOfRange(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Row(1) on a one-row ring did not panic")
		}
	}()
	r := NewRing(2)
	r.Append("a")
	r.Row(1)
}

// TestRingStoreBounded checks that a full ring reuses its store instead of
// growing it.
func TestRingStoreBounded(t *testing.T) {
	r := NewRing(1000)
	r.Append(numbered(0, 1000)...)
	before := cap(r.buf)
	for i := range 10_000 {
		r.Append(strconv.Itoa(i))
	}
	if cap(r.buf) != before || r.Len() != 1000 {
		t.Errorf("store grew from %d to %d, len %d", before, cap(r.buf), r.Len())
	}
}

func TestBatchMergeEqualsApplyingInTurn(t *testing.T) {
	batches := []Batch{
		{Rows: []string{"a", "b"}},
		{ReplaceLast: true, Rows: []string{"b2", "c"}},
		{ReplaceLast: true, Rows: []string{"c2"}},
		{Rows: []string{"d"}},
	}
	for start := 0; start < len(batches); start++ {
		one, two := NewRing(100), NewRing(100)
		one.Append("x")
		two.Append("x")
		var merged Batch
		for _, b := range batches[start:] {
			one.Apply(b)
			merged.Merge(b)
		}
		two.Apply(merged)
		if one.Text() != two.Text() {
			t.Errorf("from %d: merged %q; in turn %q", start, two.Text(), one.Text())
		}
	}
}

// Each row keeps its direction through replacing, wrapping around and
// shrinking, so the view can colour it.
func TestRingKeepsDirections(t *testing.T) {
	f := NewFormatter(Options{})
	r := NewRing(3)
	r.Apply(f.Format([]Chunk{rx("a"), tx("b\n")}))
	r.Apply(f.Format([]Chunk{tx("c\n"), {Dir: Info, Note: "n"}}))
	want := []Dir{TX, TX, Info}
	for i, d := range want {
		if r.Dir(i) != d {
			t.Fatalf("row %d %q is %v; want %v", i, r.Row(i), r.Dir(i), d)
		}
	}
	r.SetCap(2)
	if r.Dir(0) != TX || r.Dir(1) != Info {
		t.Fatalf("after shrinking: %v %v", r.Dir(0), r.Dir(1))
	}
}
