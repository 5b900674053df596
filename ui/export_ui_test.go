package ui

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// exportSession opens a saving TCP server, has a peer say hello, and
// returns the app and the session's save folder once the bytes are on disk.
func exportSession(t *testing.T) (*App, string) {
	t.Helper()
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	fa.Preferences().SetString("save.dir", t.TempDir())
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	p, err := a.OpenSession(netassist.Config{Kind: netassist.KindTCPServer, Local: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	a.saveCurrent()
	dir, on := p.shared().hub.Saving()
	if !on {
		t.Fatal("saving did not start")
	}
	c, err := net.Dial("tcp", p.(*tcpServerPanel).server().LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("hello"))
	c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev, _ := os.ReadFile(filepath.Join(dir, "events.jsonl"))
		if strings.Contains(string(ev), `"rx"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the session did not save the connection: %s", ev)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return a, dir
}

func waitExport(t *testing.T, f *exportForm) {
	t.Helper()
	select {
	case <-f.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the export never said how it ended")
	}
}

// TestExportCaptureFromMenu: Session ▸ Export capture… on a saving session
// exports that session's folder to the files the form names, off the
// main goroutine, and says where they are.
func TestExportCaptureFromMenu(t *testing.T) {
	a, dir := exportSession(t)
	a.exportCurrent()
	f := a.lastExport
	if f == nil || f.dir != dir || !f.live {
		t.Fatalf("export form for %+v; want the live folder %s", f, dir)
	}
	out := t.TempDir()
	f.pcapPath.SetText(filepath.Join(out, "s.pcapng"))
	f.harChk.SetChecked(true)
	f.harPath.SetText(filepath.Join(out, "s.har"))
	f.form.Submit()
	waitExport(t, f)
	for _, p := range []string{"s.pcapng", "s.har"} {
		full := filepath.Join(out, p)
		if st, err := os.Stat(full); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
		if !strings.Contains(f.outcome, full) {
			t.Errorf("outcome %q does not name %s", f.outcome, full)
		}
	}
	if !strings.Contains(f.outcome, "still saving") {
		t.Errorf("outcome %q does not say the session was still saving", f.outcome)
	}

	// Saving off: the finished folder is still the one exported.
	a.saveCurrent()
	a.exportCurrent()
	if g := a.lastExport; g == f || g.dir != dir || g.live {
		t.Fatalf("after saving stopped: form for %q (live %v); want %s, not live", g.dir, g.live, dir)
	}
}

// TestExportErrorsInWords: an output that cannot be written and a folder
// that was not saved by NetAssist are said in words, never Go's text.
func TestExportErrorsInWords(t *testing.T) {
	a, dir := exportSession(t)
	cases := []struct{ name, dir, out, want string }{
		{"output folder missing", dir, filepath.Join(t.TempDir(), "no", "s.pcapng"), "Cannot write"},
		{"not a saved folder", t.TempDir(), filepath.Join(t.TempDir(), "s.pcapng"), "is not a folder saved by NetAssist"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.askExport(c.dir, false)
			f := a.lastExport
			f.pcapPath.SetText(c.out)
			f.form.Submit()
			waitExport(t, f)
			if !strings.Contains(f.outcome, c.want) {
				t.Errorf("outcome %q; want it to say %q", f.outcome, c.want)
			}
			for _, raw := range []string{"no such file", "open ", "ErrFormat", "events.jsonl: "} {
				if strings.Contains(f.outcome, raw) {
					t.Errorf("outcome shows the system's words %q: %q", raw, f.outcome)
				}
			}
			if _, err := os.Stat(c.out); err == nil {
				t.Errorf("%s was written", c.out)
			}
		})
	}
}

// TestExportNothingSaved: a session that never saved says what to do.
func TestExportNothingSaved(t *testing.T) {
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	a.NewPanel(netassist.KindUDP)
	a.exportCurrent()
	if a.lastExport != nil {
		t.Fatal("an export form opened for a session that saved nothing")
	}
}
