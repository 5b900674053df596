package netassist

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"netassist/netassist/framing"
)

func TestParseSpecFraming(t *testing.T) {
	good := []struct {
		spec string
		want framing.Config
	}{
		{"tcp-server://127.0.0.1:7890", framing.Config{}},
		{"tcp-server://127.0.0.1:7890?frame=reads", framing.Config{}},
		{`tcp-server://127.0.0.1:7890?frame=delim&delim=\r\n&keep=0`, framing.Config{Kind: framing.Delim, Delim: []byte("\r\n")}},
		{"tcp-client://127.0.0.1:7890?frame=delim&delimhex=7E&keep=1&max=1024", framing.Config{Kind: framing.Delim, Delim: []byte{0x7E}, Keep: true, Max: 1024}},
		{`tcp-server://127.0.0.1:1?frame=delim&delim=%5C0`, framing.Config{Kind: framing.Delim, Delim: []byte{0}}},
		{"tcp-server://127.0.0.1:1?frame=fixed&len=16", framing.Config{Kind: framing.Fixed, Len: 16}},
		{"tcp-server://127.0.0.1:1?frame=lenfield&off=0&size=2&endian=big&adj=0&max=65536",
			framing.Config{Kind: framing.LenField, Size: 2, Big: true, Max: 65536}},
		{"tcp-server://127.0.0.1:1?frame=lenfield&off=3&size=4&endian=little&adj=-2&whole=1",
			framing.Config{Kind: framing.LenField, Off: 3, Size: 4, Adj: -2, Whole: true}},
		{"tcp-server://127.0.0.1:1?frame=lenfield", framing.Config{Kind: framing.LenField, Size: 2, Big: true}},
		{"tcp-client://127.0.0.1:1?frame=idle&gap=50", framing.Config{Kind: framing.Idle, Gap: 50 * time.Millisecond}},
	}
	for _, c := range good {
		got, err := ParseSpec(c.spec)
		if err != nil || !reflect.DeepEqual(got.Framing, c.want) {
			t.Errorf("ParseSpec(%q).Framing = %+v, %v; want %+v", c.spec, got.Framing, err, c.want)
			continue
		}
		back, err := ParseSpec(got.Spec())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q = %+v, %v", c.spec, got.Spec(), back, err)
		}
	}
	bad := map[string]string{
		"tcp-server://127.0.0.1:1?frame=slip":                          "frame must be reads, delim, fixed, lenfield or idle",
		"tcp-server://127.0.0.1:1?frame=delim":                         "needs a delimiter",
		`tcp-server://127.0.0.1:1?frame=delim&delim=\q`:                `delim "\\q"`,
		"tcp-server://127.0.0.1:1?frame=delim&delimhex=7G":             "not hex bytes",
		`tcp-server://127.0.0.1:1?frame=delim&delim=a&delimhex=61`:     "give the delimiter once",
		`tcp-server://127.0.0.1:1?frame=delim&delim=abc&max=2`:         "longer than max=2",
		"tcp-server://127.0.0.1:1?frame=delim&delim=x&keep=maybe":      "keep must be 1 or 0",
		"tcp-server://127.0.0.1:1?frame=fixed":                         "needs len=N",
		"tcp-server://127.0.0.1:1?frame=fixed&len=0":                   "len must be a whole number from 1",
		"tcp-server://127.0.0.1:1?frame=fixed&len=16&delim=x":          `option "delim" does not apply to frame=fixed`,
		"tcp-server://127.0.0.1:1?len=16":                              `option "len" does not apply to frame=reads`,
		"tcp-server://127.0.0.1:1?frame=lenfield&size=3":               "size must be 1, 2 or 4",
		"tcp-server://127.0.0.1:1?frame=lenfield&endian=middle":        "endian must be big or little",
		"tcp-server://127.0.0.1:1?frame=lenfield&off=10&size=4&max=12": "must end within max=12",
		"tcp-server://127.0.0.1:1?frame=lenfield&adj=x":                "adj must be a whole number",
		"tcp-server://127.0.0.1:1?frame=idle":                          "needs gap=MS",
		"tcp-server://127.0.0.1:1?frame=idle&gap=0":                    "gap must be a whole number from 1 to 60000",
		"tcp-server://127.0.0.1:1?frame=idle&gap=5&max=99999999":       "max must be a whole number",
		"udp://127.0.0.1:1?frame=delim&delim=x":                        "does not apply to udp",
	}
	for spec, frag := range bad {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("ParseSpec(%q) err = %v; want it to mention %q", spec, err, frag)
		}
	}
}
