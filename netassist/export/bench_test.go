package export

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkPcapng exports a 64 MiB one-connection flood folder (256 KiB
// reads) to io.Discard.
func BenchmarkPcapng(b *testing.B) {
	dir := b.TempDir()
	const read, n = 256 << 10, 256
	data := make([]byte, read*n)
	for i := range data {
		data[i] = byte(i * 7)
	}
	os.WriteFile(filepath.Join(dir, rxName), data, 0o644)
	lines := append([]string(nil), goodLines[:3]...)
	for i := 0; i < n; i++ {
		lines = append(lines, fmt.Sprintf(`{"time":"2026-12-04T10:00:02Z","session":"s","event":"rx","conn":1,"peer":"127.0.0.1:40000","bytes":%d,"file":"%s","offset":%d}`, read, rxName, i*read))
	}
	os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		fo, err := Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		p, err := NewPcapng(io.Discard, fo, PcapngOptions{MTU: benchMTU})
		if err != nil {
			b.Fatal(err)
		}
		if err := fo.Walk(p); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

var benchMTU = DefaultMTU
