//go:build !linux && !darwin

package server

import "io/fs"

// fileID is empty where the stat has no portable inode or change time
// (Windows): size, modification time and mode then tell versions apart.
type fileID struct {
	dev, ino uint64
	ctime    int64 // Unix nanoseconds
}

func fileIDOf(fs.FileInfo) fileID { return fileID{} }
