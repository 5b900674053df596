package display

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"netassist/netassist/codec"
)

// benchChunks returns about 4 MiB, the most the pump formats in one tick,
// in 64 KiB chunks: the worst case the receive view has to keep up with.
func benchChunks(gen func(r *rand.Rand, p []byte)) []Chunk {
	r := rand.New(rand.NewPCG(1, 2))
	chunks := make([]Chunk, 64)
	for i := range chunks {
		p := make([]byte, 64<<10)
		gen(r, p)
		chunks[i] = Chunk{Time: t0, Dir: RX, Conn: 1, Peer: "127.0.0.1:5555", Data: p}
	}
	return chunks
}

// textLines fills p with printable lines ending in CR LF.
func textLines(r *rand.Rand, p []byte) {
	for i := range p {
		switch n := r.IntN(60); {
		case n == 0:
			p[i] = '\r'
		case n == 1:
			p[i] = '\n'
		default:
			p[i] = byte(' ' + r.IntN(95))
		}
	}
}

// randomBytes fills p with arbitrary bytes.
func randomBytes(r *rand.Rand, p []byte) {
	for i := range p {
		p[i] = byte(r.Uint32())
	}
}

func benchFormat(b *testing.B, opt Options, chunks []Chunk) {
	n := 0
	for _, c := range chunks {
		n += len(c.Data)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	f := NewFormatter(opt)
	rows := 0
	for b.Loop() {
		rows += len(f.Format(chunks).Rows)
	}
	b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
}

func BenchmarkFormatText(b *testing.B) {
	benchFormat(b, Options{}, benchChunks(textLines))
}

func BenchmarkFormatTextLog(b *testing.B) {
	benchFormat(b, Options{LogMode: true, Timestamps: true}, benchChunks(textLines))
}

func BenchmarkFormatTextRandomBytes(b *testing.B) {
	benchFormat(b, Options{}, benchChunks(randomBytes))
}

func BenchmarkFormatTextGBK(b *testing.B) {
	line, _ := codec.EncodeString(codec.GBK, "温度=25.3℃ 湿度=61% 状态：正常\r\n")
	benchFormat(b, Options{Charset: codec.GBK}, benchChunks(func(_ *rand.Rand, p []byte) {
		for i := range p {
			p[i] = line[i%len(line)]
		}
	}))
}

func BenchmarkFormatHex(b *testing.B) {
	benchFormat(b, Options{Hex: true}, benchChunks(randomBytes))
}

func BenchmarkFormatHexLog(b *testing.B) {
	benchFormat(b, Options{Hex: true, LogMode: true, Timestamps: true}, benchChunks(randomBytes))
}

// BenchmarkRingApply appends a tick's worth of rows to a full ring of the
// default size: the cost must not depend on how many rows it holds.
func BenchmarkRingApply(b *testing.B) {
	r := NewRing(0)
	rows := make([]string, DefaultRingCap)
	for i := range rows {
		rows[i] = "row " + strconv.Itoa(i)
	}
	r.Append(rows...)
	batch := Batch{ReplaceLast: true, Rows: rows[:200]}
	b.ReportAllocs()
	for b.Loop() {
		r.Apply(batch)
	}
}

// BenchmarkRingApplyFlood is a tick in a flood: more rows than the ring holds.
func BenchmarkRingApplyFlood(b *testing.B) {
	r := NewRing(0)
	rows := make([]string, 300_000)
	for i := range rows {
		rows[i] = "row " + strconv.Itoa(i)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.Apply(Batch{Rows: rows})
	}
}
