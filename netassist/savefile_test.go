package netassist

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// A big saved file is exact however its writes, flushes and reopenings
// fall: whole blocks direct, partial ones through the page cache.
func TestSaveFileExactAcrossModes(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "conn1_127.0.0.1_1.rx")
	w := &saveWriter{dir: dir, raw: map[string]*saveFile{}, disk: newDiskIO(nil)}
	w.slow = func(int64, time.Duration) bool { return true } // go direct as soon as the file is big
	sf, err := openSaveFile(name)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var want []byte
	wentDirect := false
	for len(want) < 16<<20 {
		p := make([]byte, 1+rng.IntN(300<<10))
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		if err := w.writeFile(sf, p); err != nil {
			t.Fatal(err)
		}
		want = append(want, p...)
		wentDirect = wentDirect || sf.direct
		switch rng.IntN(9) {
		case 8: // a write that fills a block buffer to 0-3 bytes short, then a small one across its end
			if sf.direct {
				w.block(sf)
				gap := make([]byte, cap(sf.buf)-len(sf.buf)-rng.IntN(4))
				if err := w.writeFile(sf, gap); err != nil {
					t.Fatal(err)
				}
				want = append(want, gap...)
				p = p[:1+rng.IntN(20)]
				if err := w.writeFile(sf, p); err != nil {
					t.Fatal(err)
				}
				want = append(want, p...)
			}
		case 0: // an idle flush: everything so far is readable
			if err := w.flushFile(sf); err != nil {
				t.Fatal(err)
			}
			sf.barrier()
			got, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("after a flush at %d bytes the file holds %d bytes, equal=%v", len(want), len(got), bytes.Equal(got, want[:min(len(got), len(want))]))
			}
		case 1: // closed to make room for other files, then reopened
			if err := w.closeFile(sf); err != nil {
				t.Fatal(err)
			}
			if sf, err = openSaveFile(name); err != nil {
				t.Fatal(err)
			}
			if sf.size != int64(len(want)) {
				t.Fatalf("reopened at %d; %d bytes were written", sf.size, len(want))
			}
		}
	}
	if err := w.closeFile(sf); err != nil {
		t.Fatal(err)
	}
	if err := w.disk.Err(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file holds %d bytes; want %d (equal prefix: %v)", len(got), len(want), bytes.Equal(got, want[:min(len(got), len(want))]))
	}
	if runtime.GOOS == "linux" && !wentDirect {
		t.Logf("the temp folder's file system refused direct writes; only buffered writes were checked")
	}
	if w.directFiles != 0 {
		t.Fatalf("%d direct files left counted", w.directFiles)
	}
}

func TestAlignedBuf(t *testing.T) {
	for range 4 {
		b := alignedBuf(directBufSize)
		b = b[:1]
		if len(b) != 1 || cap(b) != directBufSize || uintptrOf(b)%directAlign != 0 {
			t.Fatalf("cap %d, address %% %d = %d", cap(b), directAlign, uintptrOf(b)%directAlign)
		}
	}
}

// barrier waits until sf's disk goroutine has done every job queued so far.
func (sf *saveFile) barrier() {
	if !sf.direct {
		return
	}
	ch := make(chan struct{})
	sf.jobs <- ioJob{barrier: ch}
	<-ch
}

// A big file stays in the page cache while buffered writes run at memory
// speed, and goes direct once they wait for the disk; the bytes are exact
// across the switch.
func TestSaveFileGoesDirectWhenCacheSlows(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "conn1_127.0.0.1_1.rx")
	w := &saveWriter{dir: dir, raw: map[string]*saveFile{}, disk: newDiskIO(nil)}
	slowNow := false
	w.slow = func(int64, time.Duration) bool { return slowNow }
	sf, err := openSaveFile(name)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	var want []byte
	write := func(total int) {
		for len(want) < total {
			p := make([]byte, 1+rng.IntN(300<<10))
			for i := range p {
				p[i] = byte(rng.Uint32())
			}
			if err := w.writeFile(sf, p); err != nil {
				t.Fatal(err)
			}
			want = append(want, p...)
		}
	}
	write(6 << 20)
	if sf.direct {
		t.Fatalf("went direct at %d bytes while the page cache kept up", len(want))
	}
	slowNow = true
	write(12 << 20)
	if runtime.GOOS == "linux" && !sf.direct {
		t.Logf("the temp folder's file system refused direct writes; only buffered writes were checked")
	}
	if err := w.closeFile(sf); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("file holds %d bytes; want %d (equal prefix: %v)", len(got), len(want), bytes.Equal(got, want[:min(len(got), len(want))]))
	}
}

func TestCacheSlow(t *testing.T) {
	for _, c := range []struct {
		n    int64
		d    time.Duration
		want bool
	}{
		{cacheWindow, time.Millisecond, cacheFull()}, // 8 GB/s: the page cache, unless full
		{cacheWindow, time.Second, true},             // 8 MB/s: waiting for the disk
		{cacheWindow / 2, time.Second, false},        // the window is not complete yet
	} {
		if got := cacheSlow(c.n, c.d); got != c.want {
			t.Errorf("cacheSlow(%d, %v) = %v; want %v", c.n, c.d, got, c.want)
		}
	}
}
