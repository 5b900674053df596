package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// Save traffic shows one line with the folder and an Open folder button;
// unticking hides it at once, and ticking again shows the new folder in
// the same one line, never a growing list.
func TestSaveLine(t *testing.T) {
	a := newTestApp(t)
	for _, kind := range []netassist.Kind{netassist.KindTCPServer, netassist.KindHTTPServer} {
		t.Run(string(kind), func(t *testing.T) {
			p := a.NewPanel(kind)
			var chk *widget.Check
			var line *saveLine
			var reach *widget.Label
			switch p := p.(type) {
			case *netPanel:
				chk, line, reach = p.saveChk, p.saveLine, p.reach
			case *httpServerPanel:
				chk, line, reach = p.saveChk, p.saveLine, &p.reach.Label
			}
			var dirs []string
			for i := 0; i < 3; i++ {
				chk.SetChecked(true)
				if !line.box.Visible() || !strings.Contains(line.label.Text, line.dir) || line.dir == "" {
					t.Fatalf("tick %d: save line %q visible=%v", i, line.label.Text, line.box.Visible())
				}
				if _, err := os.Stat(filepath.Join(line.dir, "README.txt")); err != nil {
					t.Fatalf("tick %d: %v", i, err)
				}
				dirs = append(dirs, line.dir)
				chk.SetChecked(false)
				if line.box.Visible() {
					t.Fatalf("untick %d: the save line stays", i)
				}
			}
			if dirs[0] == dirs[1] || dirs[1] == dirs[2] {
				t.Fatalf("folders %v: each tick saves into a folder of its own", dirs)
			}
			if strings.Contains(reach.Text, "Saving into") {
				t.Fatalf("address list grew save lines: %q", reach.Text)
			}
			test.Tap(line.openBtn) // the test app records nothing, but it must not fail
		})
	}
}
