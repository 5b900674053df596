package server

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// fileCache keeps the bytes of small regular files of the served folder so
// that a request costs one stat instead of open, fstat, seeks and close.
// An entry is used only while that stat still shows the version it was read
// from (size, modification time, mode and, where the system has them,
// device, inode and change time), so a file the learner edits is served
// fresh on the very next request. The stat goes through the os.Root, so a
// file replaced by a symlink out of the folder is refused as before.
type fileCache struct {
	maxFile  int64         // larger files are not kept
	maxTotal int64         // bytes all entries may hold together
	settle   time.Duration // a file changed more recently than this is not kept
	now      func() time.Time

	mu      sync.RWMutex
	entries map[string]*cachedFile
	total   int64
}

type cachedFile struct {
	ver  fileVersion
	data []byte
}

// fileVersion is what a stat says about which content a file holds.
type fileVersion struct {
	size    int64
	modTime int64 // Unix nanoseconds
	mode    fs.FileMode
	sys     fileID
}

func versionOf(fi fs.FileInfo) fileVersion {
	return fileVersion{size: fi.Size(), modTime: fi.ModTime().UnixNano(), mode: fi.Mode(), sys: fileIDOf(fi)}
}

// Limits of the cache: pages, scripts and pictures of a learner's site fit;
// bigger files are read from disk as before.
const (
	cacheMaxFile  = 256 << 10
	cacheMaxTotal = 32 << 20
	// A file whose timestamps are this fresh may change again within the
	// file system's timestamp granularity (2 s on FAT) without a visible
	// difference, so it is read from disk until it has settled.
	cacheSettle = 2 * time.Second
	// entryOverhead charges each entry for its map slot and name, so that
	// many empty files cannot grow the map without bound.
	entryOverhead = 256
)

func newFileCache() *fileCache {
	return &fileCache{maxFile: cacheMaxFile, maxTotal: cacheMaxTotal, settle: cacheSettle, now: time.Now,
		entries: make(map[string]*cachedFile)}
}

// content returns the bytes of the regular file name, which fi (a stat
// through root made for this request) describes; ok is false when the file
// is not cacheable or changed while being read: the caller then serves it
// from disk.
func (c *fileCache) content(root *os.Root, name string, fi fs.FileInfo) (data []byte, ok bool) {
	ver := versionOf(fi)
	c.mu.RLock()
	e := c.entries[name]
	c.mu.RUnlock()
	if e != nil && e.ver == ver {
		return e.data, true
	}
	if ver.size > c.maxFile || !c.settled(fi) {
		if e != nil {
			c.forget(name)
		}
		return nil, false
	}
	data, err := readVersion(root, name, ver)
	if err != nil {
		c.forget(name)
		return nil, false
	}
	c.store(name, &cachedFile{ver: ver, data: data})
	return data, true
}

// settled reports whether the file's last change is older than c.settle.
func (c *fileCache) settled(fi fs.FileInfo) bool {
	changed := fi.ModTime().UnixNano()
	if ct := fileIDOf(fi).ctime; ct > changed {
		changed = ct
	}
	return c.now().UnixNano()-changed >= int64(c.settle)
}

var errChanged = errors.New("file changed while being read")

// readVersion reads name whole and checks, before and after, that the open
// file is the version ver describes.
func readVersion(root *os.Root, name string, ver fileVersion) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || versionOf(fi) != ver {
		return nil, errChanged
	}
	// One byte more than expected tells a file that grew: the read must
	// stop short of it (with io.EOF when the file is empty).
	data := make([]byte, ver.size+1)
	n, err := io.ReadFull(f, data)
	if int64(n) != ver.size || (err != io.ErrUnexpectedEOF && err != io.EOF) {
		return nil, errChanged
	}
	if fi, err := f.Stat(); err != nil || versionOf(fi) != ver {
		return nil, errChanged
	}
	return data[:n:n], nil
}

func (c *fileCache) store(name string, e *cachedFile) {
	cost := int64(len(e.data)) + int64(len(name)) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[name]; old != nil {
		c.total -= old.cost(name)
		delete(c.entries, name)
	}
	// Map order is random: this drops arbitrary entries, which is good
	// enough for a folder that does not fit.
	for victim, v := range c.entries {
		if c.total+cost <= c.maxTotal {
			break
		}
		c.total -= v.cost(victim)
		delete(c.entries, victim)
	}
	if c.total+cost > c.maxTotal {
		return
	}
	c.entries[name] = e
	c.total += cost
}

func (e *cachedFile) cost(name string) int64 {
	return int64(len(e.data)) + int64(len(name)) + entryOverhead
}

// forget drops name, which is gone, changed or no longer servable.
func (c *fileCache) forget(name string) {
	c.mu.RLock()
	_, ok := c.entries[name]
	c.mu.RUnlock()
	if !ok {
		return // the usual case (a 404): no write lock
	}
	c.mu.Lock()
	if e := c.entries[name]; e != nil {
		c.total -= e.cost(name)
		delete(c.entries, name)
	}
	c.mu.Unlock()
}

// len is the number of entries (for tests).
func (c *fileCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
