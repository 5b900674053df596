package launch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A relay's --rules file is split by each rule's direction; a session
// kind without rules is refused with the kinds that have them.
func TestRulesFlagRelayDirections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(path, []byte(`{"version": 1, "rules": [
	  {"name": "a", "match": {"pattern": "A"}, "reply": {"template": "a"}},
	  {"name": "b", "direction": "server-to-client", "match": {"pattern": "B"}, "reply": {"template": "b"}}]}`), 0o600)
	var opens Specs
	rl := NewRules(&opens)
	for _, spec := range []string{"tcp-relay://127.0.0.1:0?to=127.0.0.1:1", "udp-relay://127.0.0.1:0?to=127.0.0.1:1"} {
		if err := opens.Set(spec); err != nil {
			t.Fatal(err)
		}
	}
	if err := rl.Set(path); err != nil {
		t.Fatal(err)
	}
	if msg, ok := rl.Apply(); !ok {
		t.Fatal(msg)
	}
	for _, cfg := range opens.Configs {
		if cfg.Rules.Len() != 1 || cfg.RulesBack.Len() != 1 || cfg.RulesBack.File().Rules[0].Name != "b" {
			t.Fatalf("%s: rules %v / %v", cfg.Kind, cfg.Rules, cfg.RulesBack)
		}
	}

	var opens2 Specs
	rl2 := NewRules(&opens2)
	opens2.Set("http-client://127.0.0.1:1")
	if err := opens2.Set("http-client://127.0.0.1:1"); err != nil {
		t.Skip("no http-client spec:", err)
	}
	rl2.Set(path)
	if msg, ok := rl2.Apply(); ok || !strings.Contains(msg, "tcp-relay") {
		t.Fatalf("refused with %q", msg)
	}
}
