package netassist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Reasons why saving cannot start; the window translates them.
const (
	CodeSaveNotFolder = "save_not_folder" // the path (or a parent) is a file
	CodeSaveDenied    = "save_denied"     // cannot create or write there
)

// SaveError says why saving cannot start in Dir. Err keeps the system's
// own error for the log.
type SaveError struct {
	Code string
	Dir  string
	Err  error
}

func (e *SaveError) Error() string {
	if e.Code == CodeSaveNotFolder {
		return fmt.Sprintf("cannot save into %s: it is a file, not a folder", e.Dir)
	}
	return fmt.Sprintf("cannot save into %s: %v", e.Dir, e.Err)
}

func (e *SaveError) Unwrap() error { return e.Err }

// CheckSaveDir tells whether sessions can save under dir: it creates dir
// when missing and writes and removes a small file there. It catches a
// file where a folder should be, read-only and system folders (/proc),
// and missing permissions before any traffic is lost.
func CheckSaveDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return saveDirError(dir, err)
	}
	f, err := os.CreateTemp(dir, ".netassist-check-*")
	if err != nil {
		return saveDirError(dir, err)
	}
	name := f.Name()
	_, err = f.Write([]byte("ok\n"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	os.Remove(name)
	if err != nil {
		return saveDirError(dir, err)
	}
	return nil
}

// saveDirError classifies a failure to create or write in dir.
func saveDirError(dir string, err error) error {
	code := CodeSaveDenied
	if errors.Is(err, syscall.ENOTDIR) || notFolder(dir) {
		code = CodeSaveNotFolder
	}
	return &SaveError{Code: code, Dir: dir, Err: err}
}

// notFolder reports whether dir or one of its parents exists as a file.
func notFolder(dir string) bool {
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err == nil {
			return !st.IsDir()
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(p) == p {
			return false
		}
	}
}
