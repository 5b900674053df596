package netassist

import (
	"os"
	"path/filepath"
	"testing"
)

// A relay's save holds both legs, each direction in its own raw file:
// held bytes as they arrived, and what was forwarded (edited) as sent.
func TestSaveRelayLegs(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up})
	folder, err := r.hub.StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	r.SetHold(ClientToServer, true)
	c.Write([]byte("secret"))
	h := waitHeld(t, r, 1)
	r.Forward(h[0].ID, []byte("SECRET!"))
	readN(t, s, 7)
	s.Write([]byte("ok"))
	readN(t, c, 2)
	c.Close()
	s.CloseWrite()
	w.waitFor(t, "pair ended", hasLeg(EvDisconnect, LegClient, ""))
	if err := r.hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	client, server := c.LocalAddr().String(), up
	id := h[0].Pair
	want := map[string]string{
		RelayFileName(id, LegClient, client, EvRx): "secret",
		RelayFileName(id, LegServer, server, EvTx): "SECRET!",
		RelayFileName(id, LegServer, server, EvRx): "ok",
		RelayFileName(id, LegClient, client, EvTx): "ok",
	}
	for name, content := range want {
		b, err := os.ReadFile(filepath.Join(folder, name))
		if err != nil || string(b) != content {
			t.Errorf("%s = %q, %v; want %q", name, b, err, content)
		}
	}
	legs := map[string]int{}
	for _, l := range readSaved(t, folder)[1:] {
		legs[l.Event+"/"+l.Leg]++
		if (l.Event == "rx" || l.Event == "tx") && string(l.data) != want[l.File] {
			t.Errorf("line %s points at %q", l.text, l.data)
		}
	}
	for _, k := range []string{"connect/client", "connect/server", "rx/client", "tx/server", "rx/server", "tx/client", "disconnect/client", "disconnect/server"} {
		if legs[k] == 0 {
			t.Errorf("no %s event saved: %v", k, legs)
		}
	}
}
