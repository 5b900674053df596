package netassist

import (
	"reflect"
	"strings"
	"testing"
)

// closeonfin=0 keeps connections open after the peer's FIN (the window's
// "Close when peer closes" unticked); it round-trips through Spec.
func TestParseSpecCloseOnFIN(t *testing.T) {
	for spec, want := range map[string]bool{
		"tcp-server://127.0.0.1:7890?closeonfin=0": false,
		"tcp-server://127.0.0.1:7890?closeonfin=1": true,
		"tcp-client://127.0.0.1:7890?closeonfin=0": false,
		"tcp-client://127.0.0.1:7890":              true,
	} {
		cfg, err := ParseSpec(spec)
		if err != nil || cfg.CloseOnFIN != want {
			t.Errorf("ParseSpec(%q) close on FIN = %v, %v; want %v", spec, cfg.CloseOnFIN, err, want)
			continue
		}
		back, err := ParseSpec(cfg.Spec())
		if err != nil || !reflect.DeepEqual(back, cfg) {
			t.Errorf("round trip of %q via %q = %+v, %v", spec, cfg.Spec(), back, err)
		}
	}
	for spec, why := range map[string]string{
		"tcp-server://127.0.0.1:7890?closeonfin=maybe": "closeonfin",
		"udp://127.0.0.1:7890?closeonfin=0":            "does not apply",
	} {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseSpec(%q) error %v; want it to say %q", spec, err, why)
		}
	}
}
