package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// output is a file written under a temporary name and renamed into place
// only when complete, so a failed export leaves no half file behind.
type output struct {
	path   string
	f      *os.File
	pipe   *pipeWriter
	finish func() error
}

func create(path string) (*output, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s cannot be written: %w", path, syscall.EISDIR)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the temporary name would only confuse
		}
		return nil, fmt.Errorf("%s cannot be written: %w", path, err)
	}
	return &output{path: path, f: f}, nil
}

// writebackEvery is how much is written before the kernel is asked to
// start putting it on the disk.
const writebackEvery = 16 << 20

// writer is o's file, written on its own goroutine and back to the disk
// as it goes.
func (o *output) writer() io.Writer {
	o.pipe = newPipeWriter(&writeback{f: o.f})
	return o.pipe
}

type writeback struct {
	f            *os.File
	off, started int64
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writebackEvery {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

func (o *output) commit() error {
	err := o.finish()
	if perr := o.pipe.Close(); err == nil {
		err = perr
	}
	if err == nil {
		// On the disk before it takes its name: a crash never leaves a
		// cut file under the name asked for.
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(o.f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(o.f.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.f.Name())
		return fmt.Errorf("%s cannot be written: %w", o.path, err)
	}
	o.f = nil
	return nil
}

func (o *output) abandon() {
	if o.pipe != nil {
		o.pipe.Close()
	}
	if o.f != nil {
		o.f.Close()
		os.Remove(o.f.Name())
	}
}
