package server

import (
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// folderFS is the served folder as an fs.FS. os.Root's own FS refuses
// names that are not valid UTF-8, which Linux folders hold and nginx
// serves (and which our own listing links to); the Root still keeps every
// name, symlinks included, inside the folder.
func folderFS(r *os.Root) fs.FS {
	if runtime.GOOS == "windows" {
		return r.FS() // names there are UTF-16: the strict rules fit
	}
	return rootFS{r}
}

type rootFS struct{ r *os.Root }

// validName is fs.ValidPath without its UTF-8 rule: runs of invalid bytes
// never hold '/' or '.', so replacing them keeps the elements as they are.
func validName(name string) bool { return fs.ValidPath(strings.ToValidUTF8(name, "x")) }

func (f rootFS) Open(name string) (fs.File, error) {
	if !validName(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	return f.r.Open(name)
}

func (f rootFS) Stat(name string) (fs.FileInfo, error) {
	if !validName(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrInvalid}
	}
	return f.r.Stat(name)
}
