package netassist

import (
	"reflect"
	"strings"
	"testing"
)

// join (repeatable) and iface round-trip through Spec, so a restored
// session joins the same groups on the same interface.
func TestParseSpecJoin(t *testing.T) {
	for spec, want := range map[string]Config{
		"udp://0.0.0.0:9000?join=239.1.2.3&iface=lo": {Kind: KindUDP, Local: "0.0.0.0:9000", CloseOnFIN: true,
			Groups: []string{"239.1.2.3"}, Iface: "lo"},
		"udp://[::]:9000?join=ff05::1:3&join=239.1.2.3&remote=127.0.0.1:9001": {Kind: KindUDP, Local: "[::]:9000", CloseOnFIN: true,
			Groups: []string{"ff05::1:3", "239.1.2.3"}, Remote: "127.0.0.1:9001"},
	} {
		cfg, err := ParseSpec(spec)
		if err != nil || !reflect.DeepEqual(cfg, want) {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", spec, cfg, err, want)
			continue
		}
		back, err := ParseSpec(cfg.Spec())
		if err != nil || !reflect.DeepEqual(back, cfg) {
			t.Errorf("round trip of %q via %q = %+v, %v", spec, cfg.Spec(), back, err)
		}
	}
	for spec, why := range map[string]string{
		"udp://0.0.0.0:9000?join=10.0.0.1":                "not a multicast group",
		"udp://0.0.0.0:9000?join=":                        "not a multicast group",
		"udp://0.0.0.0:9000?join=239.1.2.3&iface=":        "interface name",
		"tcp-server://0.0.0.0:9000?join=239.1.2.3":        "does not apply",
		"udp://0.0.0.0:9000?join=239.1.2.3:9000&iface=lo": "not a multicast group",
	} {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("ParseSpec(%q) error = %v; want one saying %q", spec, err, why)
		}
	}
}
