package export

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket/pcapgo"
)

const (
	rxName = "conn1_127.0.0.1_40000.rx"
	txName = "conn1_127.0.0.1_40000.tx"
)

// goodLines is a small format 2 folder: one TCP connection that says
// hello, gets "hi!" back and is closed by its peer.
var goodLines = []string{
	`{"time":"2026-12-04T10:00:00Z","session":"tcp-server 127.0.0.1:5555","event":"save","format":2}`,
	`{"time":"2026-12-04T10:00:00.1Z","session":"tcp-server 127.0.0.1:5555","event":"open","bytes":0,"detail":"127.0.0.1:5555"}`,
	`{"time":"2026-12-04T10:00:01Z","session":"tcp-server 127.0.0.1:5555","event":"connect","conn":1,"peer":"127.0.0.1:40000","bytes":0}`,
	`{"time":"2026-12-04T10:00:02Z","session":"tcp-server 127.0.0.1:5555","event":"rx","conn":1,"peer":"127.0.0.1:40000","bytes":5,"file":"` + rxName + `","offset":0}`,
	`{"time":"2026-12-04T10:00:03Z","session":"tcp-server 127.0.0.1:5555","event":"tx","conn":1,"peer":"127.0.0.1:40000","bytes":3,"file":"` + txName + `","offset":0}`,
	`{"time":"2026-12-04T10:00:04Z","session":"tcp-server 127.0.0.1:5555","event":"disconnect","conn":1,"peer":"127.0.0.1:40000","bytes":0,"detail":"fin"}`,
}

// goodPackets is the capture of goodLines: handshake 3, hello and its
// ACK, hi! and its ACK, FIN, FIN, ACK.
const goodPackets = 10

func writeFolder(t *testing.T, lines []string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	text := strings.Join(lines, "\n")
	if len(lines) > 0 {
		text += "\n"
	}
	if err := os.WriteFile(filepath.Join(dir, "events.jsonl"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, body := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	return dir
}

func goodFiles() map[string]string { return map[string]string{rxName: "hello", txName: "hi!"} }

func countPackets(t *testing.T, file string) int {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err := r.ReadPacketData()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil {
			t.Fatalf("packet %d: %v", n+1, err)
		}
		n++
	}
}

// Damaged and foreign folders: what cannot be exported fails with one
// clear line and a non-zero status and leaves no output behind; damage
// within a folder is warned about and the rest is exported.
func TestExportDamagedFolders(t *testing.T) {
	with := func(i int, l string) []string {
		ls := append([]string(nil), goodLines...)
		ls[i] = l
		return ls
	}
	format1 := []string{
		`{"time":"2026-12-04T10:00:01Z","session":"tcp-server 127.0.0.1:5555","event":"connect","conn":1,"peer":"127.0.0.1:40000","bytes":0}`,
		`{"time":"2026-12-04T10:00:02Z","session":"tcp-server 127.0.0.1:5555","event":"rx","conn":1,"peer":"127.0.0.1:40000","bytes":5,"data":"` + base64.StdEncoding.EncodeToString([]byte("hello")) + `"}`,
		`{"time":"2026-12-04T10:00:03Z","session":"tcp-server 127.0.0.1:5555","event":"tx","conn":1,"peer":"127.0.0.1:40000","bytes":3,"data":"` + base64.StdEncoding.EncodeToString([]byte("hi!")) + `"}`,
		goodLines[5],
	}
	for _, tc := range []struct {
		name    string
		dir     func(t *testing.T) string
		code    int
		stderr  string // a part of what is said; "" nothing
		packets int    // in the pcapng written; -1 none written
	}{
		{"intact", func(t *testing.T) string { return writeFolder(t, goodLines, goodFiles()) }, 0, "", goodPackets},
		{"connection older than the save", func(t *testing.T) string {
			return writeFolder(t, append(append([]string(nil), goodLines[:2]...), goodLines[3:]...), goodFiles())
		}, 0, "", goodPackets - 3},
		{"format 1", func(t *testing.T) string { return writeFolder(t, format1, nil) }, 0, "", goodPackets},
		{"no such folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "gone") }, 1, "does not exist", -1},
		{"a file", func(t *testing.T) string {
			return filepath.Join(writeFolder(t, goodLines, goodFiles()), "events.jsonl")
		}, 1, "is not a folder", -1},
		{"no events.jsonl", func(t *testing.T) string { return t.TempDir() }, 1, "has no events.jsonl", -1},
		{"empty events.jsonl", func(t *testing.T) string { return writeFolder(t, nil, nil) }, 1, "events.jsonl is empty", -1},
		{"first line not JSON", func(t *testing.T) string { return writeFolder(t, with(0, "PK\x03\x04"), goodFiles()) }, 1, "is not JSON", -1},
		{"newer format", func(t *testing.T) string {
			return writeFolder(t, with(0, strings.Replace(goodLines[0], `"format":2`, `"format":3`, 1)), goodFiles())
		}, 1, "saved in format 3 by a newer NetAssist", -1},
		{"cut last line", func(t *testing.T) string {
			dir := writeFolder(t, goodLines, goodFiles())
			b, _ := os.ReadFile(filepath.Join(dir, "events.jsonl"))
			os.WriteFile(filepath.Join(dir, "events.jsonl"), b[:len(b)-20], 0o644)
			return dir
		}, 0, "the last line (6) is cut short", goodPackets - 3},
		{"a line of garbage", func(t *testing.T) string {
			ls := append(append(append([]string(nil), goodLines[:3]...), "{garbage"), goodLines[3:]...)
			return writeFolder(t, ls, goodFiles())
		}, 0, "line 4 is not an event", goodPackets},
		{"missing raw file", func(t *testing.T) string {
			return writeFolder(t, goodLines, map[string]string{txName: "hi!"})
		}, 0, rxName + " is missing", goodPackets - 2},
		{"short raw file", func(t *testing.T) string {
			return writeFolder(t, goodLines, map[string]string{rxName: "he", txName: "hi!"})
		}, 0, rxName + " is shorter than events.jsonl says", goodPackets},
		{"raw file outside the folder", func(t *testing.T) string {
			return writeFolder(t, with(3, strings.Replace(goodLines[3], rxName, "../"+rxName, 1)), goodFiles())
		}, 0, "line 4 names no raw file", goodPackets - 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir(t)
			out := filepath.Join(t.TempDir(), "out.pcapng")
			var stderr bytes.Buffer
			code := Main([]string{"--pcapng", out, dir}, &stderr, "test")
			if code != tc.code {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tc.code, &stderr)
			}
			if tc.stderr == "" && stderr.Len() > 0 || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr:\n%s\nwant it to say %q", &stderr, tc.stderr)
			}
			if tc.code != 0 && strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
				t.Errorf("a failure takes one line:\n%s", &stderr)
			}
			if tc.packets < 0 {
				if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 0 {
					t.Errorf("a failed export left %v behind", left)
				}
				return
			}
			if n := countPackets(t, out); n != tc.packets {
				t.Errorf("packets: %d, want %d", n, tc.packets)
			}
		})
	}
}

// A connection whose peer is no address is left out with one warning,
// not one per event.
func TestExportUnreadablePeerWarnsOnce(t *testing.T) {
	ls := append([]string(nil), goodLines...)
	for i := 2; i < len(ls); i++ {
		ls[i] = strings.ReplaceAll(ls[i], `"peer":"127.0.0.1:40000"`, `"peer":"somewhere"`)
	}
	dir := writeFolder(t, ls, goodFiles())
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "out.pcapng")
	if code := Main([]string{"--pcapng", out, dir}, &stderr, "test"); code != 0 {
		t.Fatalf("status %d: %s", code, &stderr)
	}
	if n := strings.Count(stderr.String(), "no readable peer address"); n != 1 {
		t.Errorf("warned %d times, want once:\n%s", n, &stderr)
	}
	if n := countPackets(t, out); n != 0 {
		t.Errorf("packets: %d, want 0", n)
	}
}

// Wrong arguments say so with the usage line and status 2.
func TestExportUsage(t *testing.T) {
	dir := writeFolder(t, goodLines, goodFiles())
	for _, args := range [][]string{
		{dir},
		{"--pcapng", "x.pcapng"},
		{"--pcapng", "x.pcapng", dir, dir},
		{"--bogus", dir},
		{"--mtu", "20", "--pcapng", filepath.Join(t.TempDir(), "x.pcapng"), dir},
	} {
		var stderr bytes.Buffer
		if code := Main(args, &stderr, "test"); code != 2 {
			t.Errorf("%q: status %d, want 2; %s", args, code, &stderr)
		}
		if !strings.HasPrefix(stderr.String(), "netassist export: ") {
			t.Errorf("%q: stderr %q", args, &stderr)
		}
	}
	// Flags after the folder work too.
	out := filepath.Join(t.TempDir(), "x.har")
	var stderr bytes.Buffer
	if code := Main([]string{dir, "--har", out}, &stderr, "test"); code != 0 {
		t.Errorf("folder before the flag: status %d; %s", code, &stderr)
	}
	if !strings.Contains(stderr.String(), "no HTTP exchange") {
		t.Errorf("a HAR of a non-HTTP session: %q", &stderr)
	}
}

// Whatever events.jsonl holds, the export neither panics nor fails
// (damage is skipped with a warning), and the pcapng it writes reads back.
func FuzzWalk(f *testing.F) {
	f.Add([]byte(strings.Join(goodLines, "\n")+"\n"), []byte("hello"))
	f.Add([]byte(strings.Join(goodLines[:4], "\n")), []byte("he"))
	f.Add([]byte(goodLines[0]+"\n"+`{"time":"2026-12-04T10:00:02Z","event":"rx","bytes":70000,"peer":"[::1]:9","file":"udp.rx","offset":0}`+"\n"), []byte("x"))
	f.Add([]byte(goodLines[0]+"\n"+`{"time":"2026-12-04T10:00:02Z","event":"rx","conn":7,"bytes":3,"peer":"1.2.3.4:80","file":"`+rxName+`","offset":2}`+"\n"), []byte("GET / HTTP/1.1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, events, raw []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "events.jsonl"), events, 0o644)
		os.WriteFile(filepath.Join(dir, rxName), raw, 0o644)
		os.WriteFile(filepath.Join(dir, "udp.rx"), raw, 0o644)
		fo, err := Open(dir)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("open: %v", err)
			}
			return
		}
		var pcap, har bytes.Buffer
		p, err := NewPcapng(&pcap, fo, PcapngOptions{})
		if err != nil {
			t.Fatal(err)
		}
		h, err := NewHAR(&har, fo, "fuzz")
		if err != nil {
			t.Fatal(err)
		}
		if err := fo.Walk(p, h); err != nil {
			t.Fatalf("walk: %v", err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewNgReader(&pcap, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("pcapng does not read back: %v", err)
		}
		for {
			if _, _, err := r.ReadPacketData(); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Fatalf("pcapng packet does not read back: %v", err)
				}
				break
			}
		}
		var doc map[string]any
		if err := json.Unmarshal(har.Bytes(), &doc); err != nil {
			t.Fatalf("HAR is not JSON: %v", err)
		}
	})
}

// The command says everything in the words it is given: progress lines
// too, which were always English.
func TestExportWordsProgress(t *testing.T) {
	defer func(d time.Duration) { progressLineEvery = d }(progressLineEvery)
	progressLineEvery = 0 // a line each time Run reports, at least at the end
	dir := writeFolder(t, goodLines, goodFiles())
	words := func(lang string) Texts {
		return Texts{Progress: func(done, total int64) string { return fmt.Sprintf("%s: %d/%d", lang, done, total) }}
	}
	var stderr bytes.Buffer
	out := filepath.Join(t.TempDir(), "out.pcapng")
	if code := MainWords([]string{"--lang", "zh", "--pcapng", out, dir}, &stderr, "test", words); code != 0 {
		t.Fatalf("status %d: %s", code, &stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	last := lines[len(lines)-1]
	var done, total int64
	if _, err := fmt.Sscanf(last, "netassist export: zh: %d/%d", &done, &total); err != nil || done != total || total == 0 {
		t.Errorf("the last progress line %q; want zh's words and all of the folder read", last)
	}
}
