package netassist

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestCheckSaveDir(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir, code string
	}{
		{"existing file", file, CodeSaveNotFolder},
		{"under a file", filepath.Join(file, "sub"), CodeSaveNotFolder},
	}
	if runtime.GOOS == "linux" {
		cases = append(cases,
			struct{ name, dir, code string }{"proc", "/proc", CodeSaveDenied},
			struct{ name, dir, code string }{"under proc", "/proc/netassist-save", CodeSaveDenied})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSaveDir(c.dir)
			var se *SaveError
			if !errors.As(err, &se) || se.Code != c.code || se.Dir != c.dir {
				t.Fatalf("CheckSaveDir(%q) = %v; want a SaveError %s for it", c.dir, err, c.code)
			}
			// Saving itself reports the same reason.
			_, err = NewSaver(c.dir, "tcp-server-1")
			if !errors.As(err, &se) || se.Code != c.code {
				t.Fatalf("NewSaver(%q) = %v; want a SaveError %s", c.dir, err, c.code)
			}
		})
	}

	t.Run("new folder", func(t *testing.T) {
		dir := filepath.Join(tmp, "new", "deeper")
		if err := CheckSaveDir(dir); err != nil {
			t.Fatalf("CheckSaveDir(%q) = %v", dir, err)
		}
		ents, err := os.ReadDir(dir)
		if err != nil || len(ents) != 0 {
			t.Fatalf("the check left %v in the folder (err %v)", ents, err)
		}
	})
}
