//go:build unix

package netassist

import (
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"
)

// Nothing the app saves is world-writable, whatever the user's umask: the
// saver asks for 0755 folders and 0644 files itself. The umask is set to 0
// for the test so that the modes seen are the ones the code requested.
func TestSavedFilesNotWorldWritable(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	base := t.TempDir()
	dir := filepath.Join(base, "NetAssist", "captures") // created by the saver
	s, w := startServer(t, "127.0.0.1:0", false)
	folder, err := s.hub.StartSaving(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.LocalAddr())
	c.Write([]byte("hello"))
	w.await(t, "rx", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "hello" })
	if _, err := s.Send(nil, []byte("answer")); err != nil {
		t.Fatal(err)
	}
	w.await(t, "tx", has(EvTx, ""))
	if err := s.hub.StopSaving(); err != nil {
		t.Fatal(err)
	}
	var files, dirs int
	err = filepath.WalkDir(filepath.Join(base, "NetAssist"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		mode := fi.Mode()
		switch {
		case mode.IsDir():
			dirs++
			if mode.Perm() != 0o755 {
				t.Errorf("folder %s has mode %v; want drwxr-xr-x", p, mode)
			}
		default:
			files++
			if mode.Perm() != 0o644 {
				t.Errorf("file %s has mode %v; want -rw-r--r--", p, mode)
			}
		}
		if mode.Perm()&0o002 != 0 {
			t.Errorf("%s is world-writable (%v)", p, mode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if dirs != 3 || files != 4 { // NetAssist, captures, the session folder; README.txt, events.jsonl, .rx, .tx
		t.Fatalf("%d folders and %d files under %s; want 3 and 4", dirs, files, folder)
	}
}
