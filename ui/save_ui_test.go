package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/netassist"
)

// TestSaveThatCannotStartSaysWhy: Ctrl+S (or ticking "Save traffic") when
// the save folder is a file leaves the box unticked and says why in the
// session's error line, in the user's words, not the system's.
func TestSaveThatCannotStartSaysWhy(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fa := test.NewTempApp(t)
	fa.Preferences().SetBool("sessions.restore", false)
	fa.Preferences().SetString("save.dir", file)
	a, err := New(fa, Options{Schedule: func(f func()) { f() }, manualPump: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	want := errText(&netassist.SaveError{Code: netassist.CodeSaveNotFolder, Dir: file})

	for _, kind := range []netassist.Kind{netassist.KindTCPServer, netassist.KindUDP, netassist.KindHTTPServer} {
		t.Run(string(kind), func(t *testing.T) {
			s := a.NewPanel(kind).shared()
			chk, line := s.saveChk, s.sessErr
			a.saveCurrent() // Ctrl+S
			if chk.Checked {
				t.Errorf("Save traffic is ticked although nothing is saved")
			}
			if !line.Visible() || !strings.Contains(line.Text, want) {
				t.Errorf("error line (shown %v) = %q; want it to say %q", line.Visible(), line.Text, want)
			}
			for _, raw := range []string{"mkdir", "not a directory", "events.jsonl"} {
				if strings.Contains(line.Text, raw) {
					t.Errorf("error line shows the system's words %q: %q", raw, line.Text)
				}
			}
		})
	}
}
