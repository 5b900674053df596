package netassist

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// A saved file starts with ordinary buffered writes. The page cache takes
// a burst at memory speed (a 1 GiB flood written that way was saved about
// twice as fast as with direct writes), but once the system holds more
// unwritten data than it allows, each buffered write waits for the disk,
// and then direct writes were the faster way: on the virtual disk this was
// measured on, 4 GiB went out in 6-9 s direct against 9-23 s buffered.
// So a file past directAfter bytes whose buffered writes have slowed to
// disk speed (see cacheSlow), and that the system allows to, bypasses the
// page cache for its whole blocks (O_DIRECT on Linux) from then on. Only
// the few files a flood makes big go direct; each such file's disk writes
// run on a goroutine of its own, so taking the next chunk from the socket
// overlaps them.
const (
	directAlign    = 4096
	directBufSize  = 2 << 20
	directBufs     = 8 // aligned buffers in all: held by files and in flight
	maxDirectFiles = 4
	directAfter    = 1 << 20
)

// A big file's buffered writes are checked every cacheWindow bytes: they
// have slowed to disk speed when the system's unwritten data has reached
// the point where it starts writing it out (cacheFull), or when the window
// took longer than cacheWindowSlow (under 80 MB/s; where the system's
// limits cannot be read, or a container has its own). Timing alone was
// not enough: on a busy 2-core machine a window of plain copies into the
// page cache often took 10 ms.
const (
	cacheWindow     = 8 << 20
	cacheWindowSlow = 100 * time.Millisecond
)

// cacheSlow tells whether buffered writes of n bytes (the window so far)
// that took d waited for the disk, or soon will.
func cacheSlow(n int64, d time.Duration) bool {
	return n >= cacheWindow && (d > cacheWindowSlow || cacheFull())
}

// saveFile is one file the saver appends to. Owned by the saver goroutine;
// in direct mode its disk writes are done in order by its own goroutine.
type saveFile struct {
	f    *os.File
	size int64  // bytes handed to this file so far: the offset of the next write
	used uint64 // for least-recently-used closing
	base string // the file's name in its folder

	bw *bufio.Writer // buffered mode; nil once direct

	// Buffered writes past directAfter in the current timing window.
	winBytes int64
	winTime  time.Duration

	direct   bool
	off      int64         // file offset of buf[0] (or tail[0]), a multiple of directAlign
	buf      []byte        // pending bytes from off, or nil
	tail     []byte        // bytes from off already written through the cache, when buf is nil
	jobs     chan ioJob    // direct mode: to the file's disk goroutine
	ioDone   chan struct{} // closed when that goroutine ends
	buffered atomic.Bool   // set by the disk goroutines when the file system refused a direct write
}

// openSaveFile opens name for appending; reopening continues at its end.
// Read access is for picking up the last partial block when going direct.
func openSaveFile(name string) (*saveFile, error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	sf := &saveFile{f: f, size: st.Size()}
	sf.bw = bufio.NewWriterSize(io.NewOffsetWriter(f, sf.size), 64<<10)
	return sf, nil
}

func (sf *saveFile) name() string { return sf.f.Name() }

// writeFile appends p.
func (w *saveWriter) writeFile(sf *saveFile, p []byte) error {
	sf.size += int64(len(p))
	if !sf.direct {
		if sf.size < directAfter || w.directFiles >= maxDirectFiles {
			_, err := sf.bw.Write(p)
			return err
		}
		start := time.Now()
		_, err := sf.bw.Write(p)
		sf.winBytes += int64(len(p))
		sf.winTime += time.Since(start)
		if err != nil {
			return err
		}
		slow := w.slow
		if slow == nil {
			slow = cacheSlow
		}
		if slow(sf.winBytes, sf.winTime) {
			err = w.goDirect(sf)
		}
		if sf.winBytes >= cacheWindow {
			sf.winBytes, sf.winTime = 0, 0
		}
		return err
	}
	for len(p) > 0 {
		w.block(sf)
		n := copy(sf.buf[len(sf.buf):cap(sf.buf)], p)
		sf.buf = sf.buf[:len(sf.buf)+n]
		p = p[n:]
		w.submitFull(sf)
	}
	return w.disk.Err()
}

// block makes sure direct file sf has a block buffer to fill.
func (w *saveWriter) block(sf *saveFile) {
	if sf.buf == nil {
		sf.buf = append(w.disk.get(), sf.tail...)
		sf.tail = nil
	}
}

// submitFull hands a full block buffer to the file's disk goroutine.
func (w *saveWriter) submitFull(sf *saveFile) {
	if len(sf.buf) == cap(sf.buf) {
		sf.jobs <- ioJob{buf: sf.buf, off: sf.off}
		sf.off += int64(len(sf.buf))
		sf.buf = nil
	}
}

// goDirect switches sf to direct writes, or leaves it buffered when the
// file system does not take them (tmpfs on older kernels, other systems).
func (w *saveWriter) goDirect(sf *saveFile) error {
	if err := sf.bw.Flush(); err != nil {
		return err
	}
	aligned := sf.size &^ (directAlign - 1)
	tail := make([]byte, sf.size-aligned)
	if _, err := sf.f.ReadAt(tail, aligned); err != nil {
		return nil // stay buffered
	}
	if setDirectIO(sf.f, true) != nil {
		return nil
	}
	sf.direct, sf.off, sf.tail, sf.bw = true, aligned, tail, nil
	w.directFiles++
	sf.jobs, sf.ioDone = make(chan ioJob, directBufs), make(chan struct{})
	go w.disk.run(sf)
	return nil
}

// flushFile hands everything written so far to the system, so readers of
// the file see it. In direct mode the last partial block goes through the
// page cache and is kept to be rewritten whole later.
func (w *saveWriter) flushFile(sf *saveFile) error {
	if !sf.direct {
		return sf.bw.Flush()
	}
	if len(sf.buf) == 0 {
		return w.disk.Err()
	}
	whole := len(sf.buf) &^ (directAlign - 1)
	tail := append([]byte(nil), sf.buf[whole:]...)
	sf.jobs <- ioJob{buf: sf.buf, off: sf.off}
	sf.off += int64(whole)
	sf.buf, sf.tail = nil, tail
	return w.disk.Err()
}

// closeFile flushes sf and closes it (after its queued writes, if direct).
func (w *saveWriter) closeFile(sf *saveFile) error {
	if !sf.direct {
		err := sf.bw.Flush()
		if cerr := sf.f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	err := w.flushFile(sf)
	close(sf.jobs)
	w.directFiles--
	// Wait for the disk: the file may be reopened at once, and its size on
	// disk is where the next writes go.
	<-sf.ioDone
	if err == nil {
		err = w.disk.Err()
	}
	return err
}

// ioJob is one write of a direct file, or a barrier (tests wait on one).
type ioJob struct {
	buf     []byte // from off; whole blocks go direct, a partial end through the cache
	off     int64
	barrier chan struct{}
}

// diskIO holds what the direct files share: their buffers and the first
// write error.
type diskIO struct {
	pool   chan []byte
	made   int // buffers allocated (saver goroutine only)
	onFail func(error)

	mu  sync.Mutex
	err error
}

func newDiskIO(onFail func(error)) *diskIO {
	return &diskIO{pool: make(chan []byte, directBufs), onFail: onFail}
}

// get returns an empty aligned buffer, waiting for one to come back from
// the disk when all are in use: that wait is the back-pressure.
func (d *diskIO) get() []byte {
	select {
	case b := <-d.pool:
		return b[:0]
	default:
	}
	if d.made < directBufs {
		d.made++
		return alignedBuf(directBufSize)
	}
	return (<-d.pool)[:0]
}

// Err is the first write error of a direct file, or nil.
func (d *diskIO) Err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

func (d *diskIO) fail(err error) {
	d.mu.Lock()
	first := d.err == nil
	if first {
		d.err = err
	}
	d.mu.Unlock()
	if first && d.onFail != nil {
		d.onFail(err)
	}
}

// run is a direct file's disk goroutine: it writes the file's jobs in
// order and closes the file when the saver closes its queue.
func (d *diskIO) run(sf *saveFile) {
	defer close(sf.ioDone)
	// Whole-block jobs are written blocksInFlight at a time (the disk takes
	// parallel writes faster); a job with a partial block waits for them,
	// and later ones for it, because it goes through the page cache.
	slots := make(chan struct{}, blocksInFlight)
	var inflight sync.WaitGroup
	for j := range sf.jobs {
		if j.barrier != nil {
			inflight.Wait()
			close(j.barrier)
			continue
		}
		if len(j.buf)%directAlign == 0 {
			slots <- struct{}{}
			inflight.Add(1)
			go func() {
				defer inflight.Done()
				d.write(sf, j)
				<-slots
			}()
			continue
		}
		inflight.Wait()
		d.write(sf, j)
	}
	inflight.Wait()
	if err := sf.f.Close(); err != nil {
		d.fail(fmt.Errorf("close %s: %w", sf.name(), err))
	}
}

// blocksInFlight is how many whole-block writes of one file run at once.
const blocksInFlight = 2

func (d *diskIO) write(sf *saveFile, j ioJob) {
	if d.Err() == nil {
		if err := writeDirect(sf, j); err != nil {
			d.fail(fmt.Errorf("write %s: %w", sf.name(), err))
		}
	}
	d.pool <- j.buf
}

// writeDirect writes j.buf at j.off: whole blocks directly, a partial last
// block through the page cache (direct writes must be whole blocks).
func writeDirect(sf *saveFile, j ioJob) error {
	whole := len(j.buf) &^ (directAlign - 1)
	if whole > 0 {
		_, err := sf.f.WriteAt(j.buf[:whole], j.off)
		if err != nil && errors.Is(err, syscall.EINVAL) {
			// The file system accepted O_DIRECT but not this write: go on
			// through the page cache.
			if sf.buffered.CompareAndSwap(false, true) {
				err = setDirectIO(sf.f, false)
			}
			if err == nil || errors.Is(err, syscall.EINVAL) {
				_, err = sf.f.WriteAt(j.buf[:whole], j.off)
			}
		}
		if err != nil {
			return err
		}
	}
	rest := j.buf[whole:]
	if len(rest) == 0 {
		return nil
	}
	if sf.buffered.Load() {
		_, err := sf.f.WriteAt(rest, j.off+int64(whole))
		return err
	}
	if err := setDirectIO(sf.f, false); err != nil {
		return err
	}
	_, err := sf.f.WriteAt(rest, j.off+int64(whole))
	if derr := setDirectIO(sf.f, true); err == nil {
		err = derr
	}
	return err
}

func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// alignedBuf returns an empty slice of capacity n whose first byte sits on
// a directAlign boundary, as direct writes require.
func alignedBuf(n int) []byte {
	b := make([]byte, n+directAlign)
	skip := int(-uintptrOf(b) & (directAlign - 1))
	return b[skip : skip : skip+n]
}
