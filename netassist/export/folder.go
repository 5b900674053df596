// Package export turns a folder saved by NetAssist (events.jsonl and the raw
// files it points into) into formats other tools open: pcapng for Wireshark
// and tshark, HAR 1.2 for browsers' network panels. It streams: a
// connection is never held in memory whole.
package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"netassist/netassist"
)

// Event is one line of events.jsonl. An rx or tx event's payload is Bytes
// bytes of File from Offset; a visitor receives it in chunks.
type Event struct {
	Time    time.Time
	Session string
	Kind    netassist.EventKind
	Conn    uint64
	Peer    string
	Bytes   int64
	File    string
	Offset  int64
	Detail  string
	Rule    string // tx: the rule that sent this automatic reply, if one did
	// Leg is a relay pair's side ("client" or "server"; empty for other
	// sessions). A server leg's Conn is the pair's id plus ServerLegConn,
	// so each leg reads as a connection of its own.
	Leg string
}

// ServerLegConn is added to a relay pair's id for its server leg.
const ServerLegConn = 1 << 32

// line is the JSON shape of one line; format 1 carried payloads in Data.
type line struct {
	Time    string `json:"time"`
	Session string `json:"session"`
	Event   string `json:"event"`
	Format  int    `json:"format"`
	Conn    uint64 `json:"conn"`
	Peer    string `json:"peer"`
	Bytes   int64  `json:"bytes"`
	File    string `json:"file"`
	Offset  int64  `json:"offset"`
	Detail  string `json:"detail"`
	Rule    string `json:"rule"`
	Leg     string `json:"leg"`
	Data    []byte `json:"data"`
}

// Visitor takes a folder's events in order. Payload events arrive as one or
// more calls whose data chunks, in order, are the payload; last is true on
// the final one. Other events arrive as one call with no data.
type Visitor interface {
	Visit(ev *Event, data []byte, last bool) error
}

// Folder is a saved folder opened for export.
type Folder struct {
	Dir     string
	Session string    // from the first line
	Kind    string    // tcp-server, tcp-client, udp, http-server, http-client, tcp-relay, udp-relay, or ""
	Format  int       // 1 or 2
	Began   time.Time // when saving began (format 2)
	Newer   int       // the format a newer NetAssist saved, read as Format; 0 if none

	// Warn receives what is damaged but skipped; nil discards it.
	Warn func(Warning)

	total int64        // bytes of events.jsonl and the raw files
	done  atomic.Int64 // of total, read so far
}

// ErrFormat is wrapped by errors about what is not a readable folder.
var ErrFormat = errors.New("not a NetAssist saved folder")

// maxChunk bounds the payload handed to a visitor at once (and read into
// memory): a flood's events are up to a few hundred KiB, an HTTP upload may
// be one event of any size.
const maxChunk = 1 << 20

// maxOpen is how many raw files are kept open at once while reading.
const maxOpen = 64

// Open checks dir and reads the first line of its events.jsonl.
func Open(dir string) (*Folder, error) { return openFolder(dir, false) }

func openFolder(dir string, newerToo bool) (*Folder, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &FolderError{Dir: dir, Problem: FolderMissing}
		}
		return nil, &FolderError{Dir: dir, Problem: FolderUnreadable, Err: err}
	}
	if !st.IsDir() {
		return nil, &FolderError{Dir: dir, Problem: FolderNotDir}
	}
	f, err := os.Open(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, &FolderError{Dir: dir, Problem: FolderNoEvents}
		}
		return nil, &FolderError{Dir: dir, Problem: FolderUnreadable, Err: err}
	}
	defer f.Close()
	first, err := bufio.NewReader(f).ReadBytes('\n')
	if len(bytes.TrimSpace(first)) == 0 {
		if err != nil && err != io.EOF {
			return nil, &FolderError{Dir: dir, Problem: FolderUnreadable, Err: err}
		}
		return nil, &FolderError{Dir: dir, Problem: FolderEmpty}
	}
	if err != nil && err != io.EOF {
		return nil, &FolderError{Dir: dir, Problem: FolderUnreadable, Err: err}
	}
	var l line
	if err := json.Unmarshal(first, &l); err != nil {
		return nil, &FolderError{Dir: dir, Problem: FolderNotJSON}
	}
	fo := &Folder{Dir: dir, Session: l.Session, Format: 1}
	if l.Event == string(netassist.EvSave) {
		fo.Format = l.Format
		fo.Began, _ = time.Parse(time.RFC3339Nano, l.Time)
	}
	if fo.Format > netassist.SaveFormat && newerToo {
		fo.Newer, fo.Format = fo.Format, netassist.SaveFormat
	}
	if fo.Format > netassist.SaveFormat || fo.Format < 1 {
		return nil, &FolderError{Dir: dir, Problem: FolderNewer, Format: fo.Format}
	}
	fo.Kind = kindOf(fo.Session)
	fo.total = dirSize(dir)
	return fo, nil
}

// kindOf reads the session kind from its name ("tcp-server 127.0.0.1:5555"
// from --open, "tcp-server-1" from the window).
func kindOf(session string) string {
	// The relays first: "udp-relay-1" must not read as "udp".
	for _, k := range []string{"tcp-relay", "udp-relay", "tcp-server", "tcp-client", "udp", "http-server", "http-client"} {
		if session == k || strings.HasPrefix(session, k+" ") || strings.HasPrefix(session, k+"-") {
			return k
		}
	}
	return ""
}

func dirSize(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if name := e.Name(); name == "events.jsonl" || strings.HasSuffix(name, ".rx") || strings.HasSuffix(name, ".tx") {
			if info, err := e.Info(); err == nil {
				n += info.Size()
			}
		}
	}
	return n
}

// Progress is how many bytes of the folder's files were read, of how many.
func (fo *Folder) Progress() (done, total int64) { return fo.done.Load(), fo.total }

// Walk reads events.jsonl from the start and hands every event, with its
// payload from the raw files, to each visitor in turn. Damage (a line that
// is not JSON, a cut last line, a missing or short raw file) is skipped and
// warned about; only a read error or a visitor's error stops it.
func (fo *Folder) Walk(vs ...Visitor) error {
	f, err := os.Open(filepath.Join(fo.Dir, "events.jsonl"))
	if err != nil {
		return fmt.Errorf("events.jsonl cannot be read: %w", err)
	}
	defer f.Close()
	raws := &rawFiles{dir: fo.Dir, open: map[string]*rawFile{}, fo: fo}
	defer raws.close()
	r := bufio.NewReaderSize(f, 256<<10)
	visit := func(ev *Event, data []byte, last bool) error {
		for _, v := range vs {
			if err := v.Visit(ev, data, last); err != nil {
				return err
			}
		}
		return nil
	}
	var l line
	var ev Event
	for n := 1; ; n++ {
		b, err := r.ReadSlice('\n')
		for err == bufio.ErrBufferFull { // a very long line (format 1 payloads)
			var more []byte
			more, err = r.ReadSlice('\n')
			b = append(bytes.Clone(b), more...)
		}
		fo.done.Add(int64(len(b)))
		if err != nil && err != io.EOF {
			return fmt.Errorf("events.jsonl cannot be read: %w", err)
		}
		if len(b) == 0 && err == io.EOF {
			return nil
		}
		cut := err == io.EOF // no newline: saving was cut short
		l = line{}
		if jerr := json.Unmarshal(b, &l); jerr != nil {
			if cut {
				fo.warnOf(Warning{Code: WarnCutLine, Line: n})
				return nil
			}
			fo.warnOf(Warning{Code: WarnBadLine, Line: n})
			continue
		}
		if l.Event == string(netassist.EvSave) || l.Event == string(netassist.EvInfo) {
			continue
		}
		t, terr := time.Parse(time.RFC3339Nano, l.Time)
		if terr != nil {
			fo.warnOf(Warning{Code: WarnNoTime, Line: n})
			continue
		}
		ev = Event{Time: t, Session: l.Session, Kind: netassist.EventKind(l.Event), Conn: l.Conn, Peer: l.Peer,
			Bytes: l.Bytes, File: l.File, Offset: l.Offset, Detail: l.Detail, Leg: l.Leg, Rule: l.Rule}
		if l.Leg == netassist.LegServer && ev.Conn != 0 {
			ev.Conn += ServerLegConn
		}
		if ev.Kind != netassist.EvRx && ev.Kind != netassist.EvTx {
			ev.Bytes = 0
			if err := visit(&ev, nil, true); err != nil {
				return err
			}
		} else if fo.Format == 1 {
			ev.Bytes = int64(len(l.Data))
			if err := visit(&ev, l.Data, true); err != nil {
				return err
			}
		} else if err := raws.payload(&ev, n, visit); err != nil {
			return err
		}
		if cut {
			return nil
		}
	}
}

// rawFiles reads payloads from the raw files, keeping a few open.
type rawFiles struct {
	dir    string
	fo     *Folder
	open   map[string]*rawFile
	clock  uint64
	broken map[string]bool // missing or unreadable: warned once
	chunk  []byte
}

type rawFile struct {
	f    *os.File
	r    *bufio.Reader
	pos  int64
	used uint64
}

// payload hands ev's payload to visit in chunks. A payload that the file
// does not hold (missing, short) is warned about; ev.Bytes then says how
// much was there.
func (rs *rawFiles) payload(ev *Event, n int, visit func(*Event, []byte, bool) error) error {
	if ev.File == "" || ev.File != filepath.Base(ev.File) || ev.Offset < 0 || ev.Bytes < 0 {
		rs.fo.warnOf(Warning{Code: WarnNoFile, Line: n})
		return nil
	}
	if ev.Bytes == 0 {
		return visit(ev, nil, true)
	}
	rf := rs.get(ev.File)
	if rf == nil {
		return nil
	}
	if rf.pos != ev.Offset {
		if _, err := rf.f.Seek(ev.Offset, io.SeekStart); err != nil {
			return fmt.Errorf("%s cannot be read: %w", ev.File, err)
		}
		rf.r.Reset(rf.f)
		rf.pos = ev.Offset
	}
	if rs.chunk == nil {
		rs.chunk = make([]byte, maxChunk)
	}
	want := ev.Bytes
	var got int64
	for got < want {
		c := rs.chunk[:min(int64(len(rs.chunk)), want-got)]
		k, err := io.ReadFull(rf.r, c)
		rf.pos += int64(k)
		got += int64(k)
		rs.fo.done.Add(int64(k))
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			rs.fo.warnOf(Warning{Code: WarnShortFile, File: ev.File, Line: n, From: ev.Offset, To: ev.Offset + want})
			ev.Bytes = got
			return visit(ev, c[:k], true)
		}
		if err != nil {
			return fmt.Errorf("%s cannot be read: %w", ev.File, err)
		}
		if err := visit(ev, c, got == want); err != nil {
			return err
		}
	}
	return nil
}

func (rs *rawFiles) get(name string) *rawFile {
	rs.clock++
	if rf, ok := rs.open[name]; ok {
		rf.used = rs.clock
		return rf
	}
	if rs.broken[name] {
		return nil
	}
	if len(rs.open) >= maxOpen {
		var oldest string
		for k, rf := range rs.open {
			if oldest == "" || rf.used < rs.open[oldest].used {
				oldest = k
			}
		}
		rs.open[oldest].f.Close()
		delete(rs.open, oldest)
	}
	f, err := os.Open(filepath.Join(rs.dir, name))
	if err != nil {
		if rs.broken == nil {
			rs.broken = map[string]bool{}
		}
		rs.broken[name] = true
		if errors.Is(err, fs.ErrNotExist) {
			rs.fo.warnOf(Warning{Code: WarnMissingFile, File: name})
		} else {
			rs.fo.warnOf(Warning{Code: WarnUnreadable, File: name})
		}
		return nil
	}
	rf := &rawFile{f: f, r: bufio.NewReaderSize(f, 64<<10), used: rs.clock}
	rs.open[name] = rf
	return rf
}

func (rs *rawFiles) close() {
	for _, rf := range rs.open {
		rf.f.Close()
	}
}
