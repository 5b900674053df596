package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"netassist/httpview/server"
	"netassist/netassist"
)

// A folder that cannot be served is said as a folder problem, never as a
// network or port-rights one.
func TestHTTPServerFolderErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, root, want string
	}{
		{"missing", filepath.Join(dir, "no-such-folder"), "does not exist"},
		{"a file", file, "is a file, not a folder"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newTestApp(t)
			p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
			p.host.SetText("127.0.0.1")
			p.port.SetText("0")
			p.root.SetText(c.root)
			test.Tap(p.openBtn)
			if p.srv.Load() != nil {
				t.Fatal("opened")
			}
			got := p.sessErr.Text
			if !strings.Contains(got, c.want) || !strings.Contains(got, c.root) {
				t.Fatalf("error line %q; want it to say %q about %s", got, c.want, c.root)
			}
			for _, bad := range []string{"Network error", "Ports below 1024", "port"} {
				if strings.Contains(got, bad) {
					t.Fatalf("error line %q speaks of %q", got, bad)
				}
			}
		})
	}
	// Root may read any folder here, so the unreadable case is checked on
	// the error the server returns for it.
	got := errText(&server.FolderError{Path: "/srv/www", Err: os.ErrPermission})
	if !strings.Contains(got, "/srv/www") || strings.Contains(got, "Ports below 1024") {
		t.Fatalf("unreadable folder: %q", got)
	}
}
