package export

import (
	"strings"
	"testing"
)

type ruleSeen struct{ rules []string }

func (r *ruleSeen) Visit(ev *Event, _ []byte, last bool) error {
	if last && ev.Kind == "tx" {
		r.rules = append(r.rules, ev.Rule)
	}
	return nil
}

// A tx line that a rule sent carries the rule's name, and the reader
// passes it on; older lines without it read as before.
func TestFolderReadsRuleName(t *testing.T) {
	ls := append([]string(nil), goodLines...)
	ls[4] = strings.Replace(ls[4], `"offset":0}`, `"offset":0,"rule":"greet"}`, 1)
	fo, err := Open(writeFolder(t, ls, goodFiles()))
	if err != nil {
		t.Fatal(err)
	}
	var seen ruleSeen
	if err := fo.Walk(&seen); err != nil {
		t.Fatal(err)
	}
	if len(seen.rules) != 1 || seen.rules[0] != "greet" {
		t.Fatalf("rules seen %q; want [greet]", seen.rules)
	}
}
