package display

import (
	"slices"
	"testing"
)

func TestKeepLastCountsWhatItLeavesOut(t *testing.T) {
	for _, tc := range []struct {
		name     string
		b        Batch
		n        int
		want     []string
		replace  bool
		skipped  int
		ringRows []string
		trimmed  uint64
	}{
		{"short", Batch{Rows: []string{"a", "b"}}, 3, []string{"a", "b"}, false, 0, []string{"old", "a", "b"}, 0},
		{"cut", Batch{Rows: []string{"a", "b", "c", "d"}}, 2, []string{"c", "d"}, false, 2, []string{"old", "c", "d"}, 2},
		{"cut the grown row", Batch{ReplaceLast: true, Rows: []string{"old+", "b", "c"}}, 1, []string{"c"}, false, 1, []string{"old", "c"}, 1},
		{"keep the grown row", Batch{ReplaceLast: true, Rows: []string{"old+", "b"}}, 2, []string{"old+", "b"}, true, 0, []string{"old+", "b"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			b.KeepLast(tc.n)
			if !slices.Equal(b.Rows, tc.want) || b.ReplaceLast != tc.replace || b.Skipped != tc.skipped {
				t.Fatalf("got %q replace=%v skipped=%d; want %q replace=%v skipped=%d", b.Rows, b.ReplaceLast, b.Skipped, tc.want, tc.replace, tc.skipped)
			}
			r := NewRing(0)
			r.Append("old")
			r.Apply(b)
			var got []string
			for i := range r.Len() {
				got = append(got, r.Row(i))
			}
			if !slices.Equal(got, tc.ringRows) || r.Trimmed() != tc.trimmed {
				t.Fatalf("ring %q trimmed %d; want %q trimmed %d", got, r.Trimmed(), tc.ringRows, tc.trimmed)
			}
		})
	}
	// Merged batches add up what they left out.
	a := Batch{Rows: []string{"a", "b", "c"}}
	a.KeepLast(1)
	b := Batch{Rows: []string{"d", "e"}}
	b.KeepLast(1)
	a.Merge(b)
	if a.Skipped != 3 || !slices.Equal(a.Rows, []string{"c", "e"}) {
		t.Fatalf("merged %q skipped %d", a.Rows, a.Skipped)
	}
}
