package framing

import (
	"math/rand/v2"
	"testing"
)

// stream is 1 MiB of "\r\n"-ended messages of 20 to 60 bytes, cut into
// 64 KiB reads as a flood arrives.
func stream() [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	var data []byte
	for len(data) < 1<<20 {
		n := 18 + r.IntN(41)
		for range n {
			data = append(data, 'a'+byte(r.IntN(26)))
		}
		data = append(data, '\r', '\n')
	}
	var reads [][]byte
	for len(data) > 0 {
		n := min(len(data), 64<<10)
		reads = append(reads, data[:n])
		data = data[n:]
	}
	return reads
}

func benchmark(b *testing.B, cfg Config) {
	reads := stream()
	total := 0
	for _, r := range reads {
		total += len(r)
	}
	b.SetBytes(int64(total))
	f := New(cfg)
	for b.Loop() {
		for _, r := range reads {
			f.Push(r)
		}
	}
}

func BenchmarkDelim(b *testing.B) { benchmark(b, Config{Kind: Delim, Delim: []byte("\r\n")}) }

func BenchmarkFixed(b *testing.B) { benchmark(b, Config{Kind: Fixed, Len: 40}) }

func BenchmarkLenField(b *testing.B) {
	// Random text read as 1-byte lengths: mostly messages, some resyncs.
	benchmark(b, Config{Kind: LenField, Size: 1, Max: 200})
}

// BenchmarkDelimFlood is Delim as a session runs it in a flood: only the
// newest 8 KiB of each read is built, the rest counted.
func BenchmarkDelimFlood(b *testing.B) {
	reads := stream()
	total := 0
	for _, r := range reads {
		total += len(r)
	}
	b.SetBytes(int64(total))
	f := New(Config{Kind: Delim, Delim: []byte("\r\n")})
	for b.Loop() {
		for _, r := range reads {
			f.PushTail(r, 8<<10)
		}
	}
}
