package server

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// FolderError says why the folder to serve cannot be served, so the window
// can say it as a folder problem rather than a network one.
type FolderError struct {
	Path string
	Err  error
}

func (e *FolderError) Error() string { return fmt.Sprintf("serve folder %s: %v", e.Path, e.Err) }
func (e *FolderError) Unwrap() error { return e.Err }

// Why a folder cannot be served, for the window's sentence.
const (
	FolderMissing  = "missing"
	FolderNotDir   = "not_dir"
	FolderNoAccess = "no_access"
	FolderOther    = "other"
)

// Reason classifies Err.
func (e *FolderError) Reason() string {
	if fi, err := os.Stat(e.Path); err == nil && !fi.IsDir() {
		return FolderNotDir
	}
	switch {
	case errors.Is(e.Err, fs.ErrNotExist):
		return FolderMissing
	case errors.Is(e.Err, fs.ErrPermission):
		return FolderNoAccess
	}
	return FolderOther
}
