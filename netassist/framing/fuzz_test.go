package framing

import (
	"bytes"
	"testing"
	"time"
)

// fuzzConfig makes a valid config of any kind from a few fuzzed numbers.
func fuzzConfig(kind, a, b, c uint8, delim []byte) Config {
	cfg := Config{Max: 1 + int(c)%64}
	switch kind % 5 {
	case 0:
		cfg.Kind = Reads
	case 1:
		cfg.Kind, cfg.Delim, cfg.Keep = Delim, delim, a&1 == 1
		if len(cfg.Delim) == 0 {
			cfg.Delim = []byte{'\n'}
		}
		if len(cfg.Delim) > 4 {
			cfg.Delim = cfg.Delim[:4]
		}
		cfg.Max = max(cfg.Max, len(cfg.Delim))
	case 2:
		cfg.Kind, cfg.Len = Fixed, 1+int(a)%16
	case 3:
		cfg.Kind = LenField
		cfg.Size = []int{1, 2, 4}[int(a)%3]
		cfg.Big, cfg.Whole = a&4 != 0, a&8 != 0
		cfg.Off = int(b) % 4
		cfg.Adj = int(int8(b)) / 16
		cfg.Max = max(cfg.Max, cfg.Off+cfg.Size)
	case 4:
		cfg.Kind, cfg.Gap = Idle, time.Millisecond
	}
	return cfg
}

// split cuts data into reads at the places splits picks.
func split(data, splits []byte) [][]byte {
	var reads [][]byte
	for len(data) > 0 {
		n := len(data)
		if len(splits) > 0 {
			n = min(n, 1+int(splits[0])%17)
			splits = splits[1:]
		}
		reads = append(reads, data[:n])
		data = data[n:]
	}
	return reads
}

// run frames reads, flushing at the end as a connection's close does.
func run(cfg Config, reads [][]byte) []Frame {
	f := New(cfg)
	var out []Frame
	for _, r := range reads {
		out = append(out, keep(f.Push(r))...)
	}
	return append(out, keep(f.Flush())...)
}

// normal merges neighbouring bad frames, whose grouping may follow the
// reads, so that two runs over the same bytes can be compared.
func normal(fs []Frame) []Frame {
	var out []Frame
	for _, f := range fs {
		if n := len(out); n > 0 && f.Bad != Good && out[n-1].Bad != Good {
			out[n-1].Data = append(out[n-1].Data[:len(out[n-1].Data):len(out[n-1].Data)], f.Data...)
			continue
		}
		out = append(out, f)
	}
	return out
}

// FuzzFramer checks, for random rules and random read splits, that nothing
// is lost (the frames put end to end are the bytes received), that every
// good frame obeys its rule, and that except for Idle (whose messages
// are the reads' timing) the messages do not depend on how the bytes were
// split into reads.
func FuzzFramer(f *testing.F) {
	f.Add(uint8(1), uint8(0), uint8(0), uint8(63), []byte("\r\n"), []byte("a\r\nb\r\nc\r\n"), []byte{1, 5})
	f.Add(uint8(2), uint8(3), uint8(0), uint8(63), []byte(nil), []byte("abcdefghij"), []byte{0, 0, 7})
	f.Add(uint8(3), uint8(4), uint8(1), uint8(20), []byte(nil), []byte("\x00\x00\x03abc\xff\xff\x00\x00\x01d"), []byte{2, 9})
	f.Add(uint8(3), uint8(10), uint8(0xF0), uint8(8), []byte(nil), []byte("\x05hello\x00\x09"), []byte{0})
	f.Add(uint8(4), uint8(0), uint8(0), uint8(3), []byte(nil), []byte("0123456789"), []byte{3, 3})
	f.Fuzz(func(t *testing.T, kind, a, b, c uint8, delim, data, splits []byte) {
		cfg := fuzzConfig(kind, a, b, c, delim)
		if err := cfg.Check(); err != nil {
			t.Fatalf("fuzzConfig made a bad config %+v: %v", cfg, err)
		}
		if cfg.Kind == Reads {
			return // no framer: each read is shown as it is
		}
		reads := split(data, splits)
		got := run(cfg, reads)
		checkTail(t, cfg, reads, int(a^b)%48)
		var all []byte
		nreads := 0
		for _, fr := range got {
			if len(fr.Data) == 0 {
				t.Fatalf("an empty frame: %s", show(got))
			}
			if fr.Reads < 1 || fr.Strip < 0 || fr.Strip > len(fr.Data) {
				t.Fatalf("frame %q: reads %d strip %d", fr.Data, fr.Reads, fr.Strip)
			}
			if len(fr.Data) > cfg.max() && cfg.Kind != Fixed && fr.Bad != BadLength {
				t.Fatalf("frame of %d bytes over the maximum %d: %q", len(fr.Data), cfg.max(), fr.Data)
			}
			if fr.Bad == Good {
				checkRule(t, cfg, fr)
			}
			all = append(all, fr.Data...)
			nreads += fr.Reads
		}
		if !bytes.Equal(all, data) {
			t.Fatalf("lost or changed bytes: frames %q; received %q", all, data)
		}
		if nreads < len(reads) {
			t.Fatalf("frames span %d reads in all; there were %d", nreads, len(reads))
		}
		if cfg.Kind == Idle {
			return
		}
		whole := normal(run(cfg, [][]byte{data}))
		parts := normal(got)
		if len(whole) != len(parts) {
			t.Fatalf("in one read: %s; in %d reads: %s", show(whole), len(reads), show(parts))
		}
		for i := range whole {
			if !bytes.Equal(whole[i].Data, parts[i].Data) || (whole[i].Bad == Good) != (parts[i].Bad == Good) || whole[i].Strip != parts[i].Strip {
				t.Fatalf("frame %d differs: in one read %s; in %d reads %s", i, show(whole), len(reads), show(parts))
			}
		}
	})
}

// checkTail fails t unless PushTail builds exactly the newest frames of
// each read that fit in tail bytes (at least the newest), as Push builds them, and tallies the
// others exactly.
func checkTail(t *testing.T, cfg Config, reads [][]byte, tail int) {
	t.Helper()
	all, some := New(cfg), New(cfg)
	for r, p := range reads {
		want := keep(all.Push(p))
		got, tally := some.PushTail(p, tail)
		got = keep(got)
		skipped := want[:len(want)-len(got)]
		var wt Tally
		for _, fr := range skipped {
			if fr.Bad == Good {
				wt.Good++
			} else {
				wt.Bad++
			}
			wt.Bytes += len(fr.Data)
		}
		if tally != wt {
			t.Fatalf("read %d, tail %d: tally %+v; the frames left out %s make %+v", r, tail, tally, show(skipped), wt)
		}
		n := 0
		for i, fr := range got {
			w := want[len(skipped)+i]
			n += len(fr.Data)
			if !bytes.Equal(fr.Data, w.Data) || fr.Bad != w.Bad || fr.Strip != w.Strip || fr.Reads != w.Reads || fr.InRead != w.InRead || fr.Index != w.Index {
				t.Fatalf("read %d, tail %d: frame %+v; Push made %+v", r, tail, fr, w)
			}
		}
		if (n > tail && len(got) > 1) || (len(want) > 0 && len(got) == 0) || (len(skipped) > 0 && n+len(skipped[len(skipped)-1].Data) <= tail) {
			t.Fatalf("read %d, tail %d: built %d bytes of frames, left out %s", r, tail, n, show(skipped))
		}
	}
}

// checkRule fails t unless the good frame fr obeys cfg.
func checkRule(t *testing.T, cfg Config, fr Frame) {
	t.Helper()
	switch cfg.Kind {
	case Delim:
		if !bytes.HasSuffix(fr.Data, cfg.Delim) {
			t.Fatalf("message %q does not end with the delimiter %q", fr.Data, cfg.Delim)
		}
		if i := bytes.Index(fr.Data, cfg.Delim); i+len(cfg.Delim) != len(fr.Data) {
			t.Fatalf("message %q holds the delimiter %q before its end", fr.Data, cfg.Delim)
		}
	case Fixed:
		if len(fr.Data) != cfg.Len {
			t.Fatalf("message of %d bytes; the length is %d", len(fr.Data), cfg.Len)
		}
	}
}
