package launch

import "testing"

func TestProfilesOnlyOnLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:6060": true,
		"[::1]:6060":     true,
		"0.0.0.0:6060":   false,
		":6060":          false,
		"localhost:6060": false, // a name could resolve anywhere
		"192.0.2.1:6060": false,
		"127.0.0.1":      false,
	} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%q) = %v; want %v", addr, got, want)
		}
	}
}
