package server

import (
	"io/fs"
	"syscall"
)

// fileID is what the system adds to a stat to tell one content from
// another: another inode (an editor that saves by rename) or a change time
// that moved (any write, even one that restores the modification time).
type fileID struct {
	dev, ino uint64
	ctime    int64 // Unix nanoseconds
}

func fileIDOf(fi fs.FileInfo) fileID {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), ctime: st.Ctim.Nano()}
}
