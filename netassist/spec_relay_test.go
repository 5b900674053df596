package netassist

import (
	"reflect"
	"strings"
	"testing"

	"netassist/netassist/framing"
)

func TestParseRelaySpec(t *testing.T) {
	good := []struct {
		spec string
		want Config
	}{
		{"tcp-relay://127.0.0.1:7000?to=127.0.0.1:7001", Config{Kind: KindTCPRelay, Local: "127.0.0.1:7000", Remote: "127.0.0.1:7001", CloseOnFIN: true}},
		{"tcp-relay://[::1]:0?to=localhost:80&onfail=reset&frame=delim&delim=%5Cn", Config{Kind: KindTCPRelay, Local: "[::1]:0", Remote: "localhost:80", ResetOnFail: true, CloseOnFIN: true,
			Framing: framing.Config{Kind: framing.Delim, Delim: []byte("\n")}}},
		{"udp-relay://0.0.0.0:5353?to=[::1]:53", Config{Kind: KindUDPRelay, Local: "0.0.0.0:5353", Remote: "[::1]:53", CloseOnFIN: true}},
	}
	for _, c := range good {
		got, err := ParseSpec(c.spec)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
			continue
		}
		back, err := ParseSpec(got.Spec())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q = %+v, %v", c.spec, got.Spec(), back, err)
		}
	}
	bad := map[string]string{
		"tcp-relay://127.0.0.1:7000":                     "needs the upstream",
		"tcp-relay://127.0.0.1:7000?to=":                 "needs the upstream",
		"tcp-relay://127.0.0.1:7000?to=nowhere":          "is not HOST:PORT",
		"tcp-relay://127.0.0.1:7000?to=:80":              "is not HOST:PORT",
		"tcp-relay://127.0.0.1:7000?to=127.0.0.1:99999":  "is not HOST:PORT",
		"udp-relay://127.0.0.1:7000?to=127.0.0.1:0":      "port 0",
		"tcp-relay://127.0.0.1:7000?to=h:1&onfail=maybe": "onfail",
		"udp-relay://127.0.0.1:7000?to=h:1&frame=delim":  "does not apply",
		"tcp-relay://127.0.0.1:7000?to=h:1&remote=h:2":   "does not apply",
	}
	for spec, want := range bad {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSpec(%q) error %v; want one mentioning %q", spec, err, want)
		}
	}
}
