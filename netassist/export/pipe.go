package export

import (
	"io"
	"sync"
)

// pipeWriter hands what is written to a goroutine that writes it on to w,
// so building frames and the write system calls (which wait for the disk
// once the page cache is full) overlap on two cores. Close waits for it.
type pipeWriter struct {
	w     io.Writer
	work  chan []byte
	free  chan []byte
	done  chan struct{}
	mu    sync.Mutex
	err   error
	close sync.Once
}

const pipeBuf = 1 << 20

func newPipeWriter(w io.Writer) *pipeWriter {
	p := &pipeWriter{w: w, work: make(chan []byte, 3), free: make(chan []byte, 4), done: make(chan struct{})}
	for range 4 {
		p.free <- make([]byte, 0, pipeBuf)
	}
	go p.run()
	return p
}

func (p *pipeWriter) run() {
	defer close(p.done)
	for b := range p.work {
		if p.failed() == nil {
			if _, err := p.w.Write(b); err != nil {
				p.mu.Lock()
				p.err = err
				p.mu.Unlock()
			}
		}
		p.free <- b[:0]
	}
}

func (p *pipeWriter) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Write implements io.Writer; an error of an earlier write is returned by
// a later one.
func (p *pipeWriter) Write(b []byte) (int, error) {
	if err := p.failed(); err != nil {
		return 0, err
	}
	n := len(b)
	for len(b) > 0 {
		buf := <-p.free
		k := min(len(b), pipeBuf)
		buf = append(buf, b[:k]...)
		b = b[k:]
		p.work <- buf
	}
	return n, nil
}

// Close waits until everything was written and returns the first error.
func (p *pipeWriter) Close() error {
	p.close.Do(func() { close(p.work) })
	<-p.done
	return p.failed()
}
