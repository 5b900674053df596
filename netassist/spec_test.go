package netassist

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSpec(t *testing.T) {
	good := []struct {
		spec string
		want Config
	}{
		{"tcp-server://127.0.0.1:7890", Config{Kind: KindTCPServer, Local: "127.0.0.1:7890", CloseOnFIN: true}},
		{"tcp-server://[::1]:0", Config{Kind: KindTCPServer, Local: "[::1]:0", CloseOnFIN: true}},
		{"tcp-client://localhost:80", Config{Kind: KindTCPClient, Remote: "localhost:80", CloseOnFIN: true}},
		{"udp://0.0.0.0:9000?remote=127.0.0.1:9001", Config{Kind: KindUDP, Local: "0.0.0.0:9000", Remote: "127.0.0.1:9001", CloseOnFIN: true}},
		{"http-server://127.0.0.1:8080?root=/tmp/www&mode=manual", Config{Kind: KindHTTPServer, Local: "127.0.0.1:8080", Root: "/tmp/www", Manual: true, CloseOnFIN: true}},
		{"http-client://example.test:443?tls=1", Config{Kind: KindHTTPClient, Remote: "example.test:443", TLS: true, CloseOnFIN: true}},
	}
	for _, c := range good {
		got, err := ParseSpec(c.spec)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v", c.spec, got, err, c.want)
		}
		back, err := ParseSpec(got.Spec())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q = %+v, %v", c.spec, got.Spec(), back, err)
		}
	}
	bad := map[string]string{
		"127.0.0.1:80":                               "KIND://",
		"ftp://127.0.0.1:21":                         "unknown kind",
		"tcp-server://127.0.0.1":                     "not HOST:PORT",
		"tcp-server://127.0.0.1:99999":               "port",
		"tcp-server://127.0.0.1:http":                "port",
		"tcp-client://:80":                           "needs a host",
		"tcp-client://127.0.0.1:0":                   "port 0",
		"udp://0.0.0.0:1?remote=nope":                "remote",
		"tcp-server://127.0.0.1:1?root=x":            "does not apply",
		"http-server://127.0.0.1:1?mode=x":           "mode",
		"http-client://127.0.0.1:1?tls=maybe":        "tls must be",
		"http-client://127.0.0.1:1?tls=1&insecure=x": "insecure must be",
		"udp://127.0.0.1:0?remote=127.0.0.1:0":       "port 0",
	}
	for spec, frag := range bad {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("ParseSpec(%q) err = %v; want it to mention %q", spec, err, frag)
		}
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"tcp-server://127.0.0.1:7890", "udp://[::1]:9?remote=[::1]:10", "http-server://h:1?root=%2F&mode=manual", "x://", "tcp-client://a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cfg, err := ParseSpec(s)
		if err != nil {
			return
		}
		if _, err := ParseSpec(cfg.Spec()); err != nil {
			t.Fatalf("accepted %q but not its own rendering %q: %v", s, cfg.Spec(), err)
		}
	})
}

func TestNeedsLookup(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:9": false, "[::1]:9": false, "[fe80::1%lo]:9": false, " 10.0.0.2:53 ": false,
		"localhost:9": true, "example.test:80": true, "no-port": false,
	} {
		if got := NeedsLookup(addr); got != want {
			t.Errorf("NeedsLookup(%q) = %v; want %v", addr, got, want)
		}
	}
}

func TestParseSpecProxy(t *testing.T) {
	cfg, err := ParseSpec("http-server://127.0.0.1:8080?proxy=http://127.0.0.1:9000/api/&hold=both")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Proxy != "http://127.0.0.1:9000/api" || !cfg.HoldRequests || !cfg.HoldResponses {
		t.Fatalf("got %+v", cfg)
	}
	if back, err := ParseSpec(cfg.Spec()); err != nil || back.Proxy != cfg.Proxy || !back.HoldRequests || !back.HoldResponses {
		t.Errorf("round trip %q: %+v %v", cfg.Spec(), back, err)
	}
	cfg, err = ParseSpec("http-server://127.0.0.1:8080?proxy=https://localhost&insecure=1")
	if err != nil || cfg.Proxy != "https://localhost:443" || !cfg.InsecureTLS {
		t.Errorf("https: %+v %v", cfg, err)
	}
	for spec, want := range map[string]string{
		"http-server://127.0.0.1:8080?proxy=ftp://127.0.0.1:21":     "must start with http:// or https://",
		"http-server://127.0.0.1:8080?proxy=127.0.0.1:9000":         "must start with http:// or https://",
		"http-server://127.0.0.1:8080?proxy=http://:9000":           "needs a host",
		"http-server://127.0.0.1:8080?proxy=http://h:99999":         "needs a host",
		"http-server://127.0.0.1:8080?proxy=http://h:1?x=1":         "no user, query",
		"http-server://127.0.0.1:8080?proxy=http://h:1&root=/tmp":   "exclude each other",
		"http-server://127.0.0.1:8080?proxy=http://h:1&mode=manual": "hold=requests",
		"http-server://127.0.0.1:8080?proxy=http://h:1&hold=all":    "hold must be",
		"http-server://127.0.0.1:8080?hold=requests":                "applies to a reverse proxy",
	} {
		if _, err := ParseSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want %q", spec, err, want)
		}
	}
}
