package netassist

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Saver writes a session's traffic losslessly: events.jsonl with every
// event, and one raw file per connection and direction holding exactly the
// bytes that crossed the socket. Writes happen on the saver's own goroutine;
// Write blocks when that goroutine falls behind, which holds back the TCP
// read loop (back-pressure) instead of dropping anything.
type Saver struct {
	dir      string
	jobs     chan Event
	done     chan struct{}
	failedCh chan struct{} // closed at the first write error

	mu      sync.Mutex
	err     error // first write error; once set, Write fails fast
	closed  bool
	closeMu sync.RWMutex // writers share it; Close takes it alone to close jobs
	queued  byteBudget
	adopted atomic.Uint64 // payloads taken over without a copy (tests)
	openRaw atomic.Int64  // raw files open now (tests)
	flushes atomic.Int64  // idle flushes done (tests)

	flushing flushWaits // Flush calls waiting for their marker
}

// Files a saver keeps open at once; older ones are closed and reopened in
// append mode when needed again, so 10,000 connections do not exhaust fds.
const maxOpenRaw = 256

// Events wait for the saver goroutine in a queue of up to saveQueue events
// and saveQueueBytes of payload; Write blocks beyond either. The byte bound
// keeps a flood's 256 KiB reads to ~8 MiB, as 32 events did; the event
// bound is deep because an HTTP server under wrk makes tens of thousands
// of small events a second, and a queue of 32 of them filled whenever the
// saver goroutine lost its core for a moment: every handler then waited
// (the largest blocking in a profile of the app under wrk with --save).
const (
	saveQueue      = 1024
	saveQueueBytes = 8 << 20
)

// The saver waits gatherFor when it finds its queue empty less than
// gatherAfter after the last time: one wake-up per batch, not per event.
const (
	gatherAfter = time.Millisecond
	gatherFor   = 250 * time.Microsecond
)

// freeBufCount is how many 256 KiB payload buffers are kept for reuse: as
// many as the byte bound lets wait, and a few in the read loops' hands.
const freeBufCount = saveQueueBytes/poolBufSize + 8

// NewSaver creates dir/<session>-<time>/ and starts writing into it.
func NewSaver(dir, session string) (*Saver, error) {
	return newSaverAt(dir, session, time.Now())
}

func newSaverAt(dir, session string, at time.Time) (*Saver, error) {
	full, err := newSaveFolder(dir, safeName(session)+"-"+at.Format("20060102-150405.000"))
	if err != nil {
		return nil, saveDirError(dir, err)
	}
	if err := os.WriteFile(filepath.Join(full, "README.txt"), []byte(savedReadme), 0o644); err != nil {
		return nil, fmt.Errorf("create README.txt: %w", err)
	}
	ev, err := openSaveFile(filepath.Join(full, "events.jsonl"))
	if err != nil {
		return nil, saveDirError(dir, err)
	}
	s := newSaverQueue(full)
	w := &saveWriter{dir: full, events: ev, raw: map[string]*saveFile{}, disk: newDiskIO(s.fail)}
	if err := w.writeHeader(session, at); err != nil {
		w.close()
		return nil, fmt.Errorf("write events.jsonl: %w", err)
	}
	go s.loop(w)
	return s, nil
}

// newSaverQueue makes a saver's queue; its goroutine is started apart.
func newSaverQueue(dir string) *Saver {
	s := &Saver{dir: dir, jobs: make(chan Event, saveQueue), done: make(chan struct{}), failedCh: make(chan struct{})}
	s.queued.max = saveQueueBytes
	return s
}

// newSaveFolder creates a folder named name under dir, or name-2, name-3…
// when that exists: a folder belongs to one saver, so the files and
// connection ids in it are one run's (saving turned off and on again within
// the same millisecond must not append to the last run's files).
func newSaveFolder(dir, name string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		full := filepath.Join(dir, name)
		if i > 1 {
			full += "-" + strconv.Itoa(i)
		}
		err := os.Mkdir(full, 0o755)
		if err == nil {
			return full, nil
		}
		if !errors.Is(err, fs.ErrExist) || i >= 1000 {
			return "", err
		}
	}
}

// Dir is the folder this saver writes into.
func (s *Saver) Dir() string { return s.dir }

// Write queues ev for saving; it copies ev.Data. It returns the first write
// error once one happened.
func (s *Saver) Write(ev Event) error {
	if err := s.usable(); err != nil {
		return err // before copying for nothing
	}
	if ev.Data != nil {
		ev.Data = append(getBuf(len(ev.Data)), ev.Data...)
	}
	if err := s.enqueue(ev); err != nil {
		putBuf(ev.Data)
		return err
	}
	return nil
}

// writeOwned is Write for ev whose Data, a buffer from getBuf, the saver
// takes over (it goes back to the pool once written). kept is false when it
// was not queued and still belongs to the caller.
func (s *Saver) writeOwned(ev Event) (kept bool, err error) {
	if err := s.enqueue(ev); err != nil {
		return false, err
	}
	s.adopted.Add(1)
	return true, nil
}

var errSaverClosed = errors.New("saver closed")

// usable is the first write error, or errSaverClosed once closed.
func (s *Saver) usable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if s.closed {
		return errSaverClosed
	}
	return nil
}

// enqueue hands ev to the saver goroutine, waiting while its queue is full.
func (s *Saver) enqueue(ev Event) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.closeMu.RLock()
	defer s.closeMu.RUnlock()
	if s.closed {
		return errSaverClosed
	}
	s.queued.take(cap(ev.Data))
	s.jobs <- ev
	return nil
}

// byteBudget bounds the payload bytes waiting in a saver's queue.
type byteBudget struct {
	mu      sync.Mutex
	cond    sync.Cond
	used    int
	max     int
	waiting int // writers in take's Wait
}

// take waits until n more bytes fit (an event alone in the queue always
// fits, however big).
func (b *byteBudget) take(n int) {
	b.mu.Lock()
	if b.cond.L == nil {
		b.cond.L = &b.mu
	}
	for b.used > 0 && b.used+n > b.max {
		b.waiting++
		b.cond.Wait()
		b.waiting--
	}
	b.used += n
	b.mu.Unlock()
}

// give returns n bytes taken by an event the saver is done with.
func (b *byteBudget) give(n int) {
	b.mu.Lock()
	wake := b.waiting > 0
	b.used -= n
	b.mu.Unlock()
	if wake {
		b.cond.Broadcast()
	}
}

// Close flushes everything queued and closes the files.
func (s *Saver) Close() error {
	s.closeMu.Lock()
	if !s.closed {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.jobs)
	}
	s.closeMu.Unlock()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// directFlushEvery spaces out idle flushes of direct files: each one writes
// a partial block through the page cache that the next direct write must
// push out again, so flushing after every chunk of a steady stream would
// cost more than it shows.
const directFlushEvery = 50 * time.Millisecond

// idleFlushAfter is how soon what was written becomes readable once the
// events stop. Flushing the moment the queue ran empty cost a write per
// event when events come one by one (an HTTP server answering small
// requests): most of the saver's time under wrk. Within a few
// milliseconds is as good as at once for anyone opening the files.
const idleFlushAfter = 5 * time.Millisecond

// busyFlushEvery bounds how long written events wait for a flush while
// they keep coming. Flushing every idleFlushAfter instead, whether or not
// events had stopped, wrote every open connection's files 200 times a
// second under wrk: about one write per request, with 32 connections.
const busyFlushEvery = 100 * time.Millisecond

func (s *Saver) loop(w *saveWriter) {
	defer close(s.done)
	later := time.NewTimer(time.Hour)
	later.Stop()
	armed := false
	soon := time.NewTimer(time.Hour)
	soon.Stop()
	dirty := false          // written since the last flush
	var lastEmpty time.Time // when the queue was last found empty
	var dirtySince time.Time
	flush := func() {
		soon.Stop()
		dirty = false
		if s.failed() {
			return
		}
		s.flushes.Add(1)
		if err := w.flush(false); err != nil {
			s.fail(err)
		}
		if w.pending && !armed {
			later.Reset(directFlushEvery)
			armed = true
		}
	}
	for {
		select {
		case ev, ok := <-s.jobs:
			if !ok {
				later.Stop()
				soon.Stop()
				if err := w.close(); err != nil {
					s.fail(err)
				}
				s.openRaw.Store(0)
				return
			}
			s.queued.give(cap(ev.Data))
			if ev.Kind == evFlush {
				s.answerFlush(w)
				continue
			}
			if s.failed() {
				putBuf(ev.Data)
				continue // drain so writers never block on a dead saver
			}
			err := w.write(ev)
			putBuf(ev.Data)
			s.openRaw.Store(int64(len(w.raw)))
			if err != nil {
				s.fail(err)
				continue
			}
			now := time.Now()
			if !dirty {
				dirty, dirtySince = true, now
			}
			if len(s.jobs) == 0 {
				// Idle for now: make what we have readable once the events
				// stop, or now if they have kept coming for a while.
				if now.Sub(dirtySince) >= busyFlushEvery {
					flush()
				} else {
					soon.Reset(idleFlushAfter)
				}
				// Small events in a stream (an HTTP request at a time)
				// found the queue empty again and again, and every one
				// then woke this goroutine on another thread: let a few
				// gather instead.
				if now.Sub(lastEmpty) < gatherAfter {
					time.Sleep(gatherFor)
				}
				lastEmpty = now
			}
		case <-soon.C:
			flush()
		case <-later.C:
			armed = false
			if !s.failed() {
				if err := w.flush(true); err != nil {
					s.fail(err)
				}
			}
		}
	}
}

func (s *Saver) failed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil
}

func (s *Saver) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
		close(s.failedCh)
	}
	s.mu.Unlock()
}

// Err is the first write error, or nil.
func (s *Saver) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// saveWriter is owned by the saver goroutine.
type saveWriter struct {
	dir         string
	events      *saveFile
	raw         map[string]*saveFile
	clock       uint64 // for least-recently-used closing
	line        []byte
	disk        *diskIO
	directFiles int
	lastDirect  time.Time // last flush of the direct files
	pending     bool      // direct files hold data an idle flush skipped

	slow func(n int64, d time.Duration) bool // cacheSlow when nil (tests set it)
}

// SaveFormat is the version of the saved folder's layout, written in the
// first line of events.jsonl. 1 (no such line) carried every payload again
// as base64 in "data"; 2 points into the raw files instead.
const SaveFormat = 2

// jsonEvent is the shape of one events.jsonl line (write builds it by
// hand; tests and readers decode into this). An rx or tx event's payload is
// Bytes bytes of File (a raw file in the same folder) from Offset.
type jsonEvent struct {
	Time    string `json:"time"`
	Session string `json:"session"`
	Event   string `json:"event"`
	Format  int    `json:"format,omitempty"` // the first line only: SaveFormat
	Conn    uint64 `json:"conn,omitempty"`
	Peer    string `json:"peer,omitempty"`
	Bytes   int    `json:"bytes"`
	File    string `json:"file,omitempty"`
	Offset  int64  `json:"offset"`
	Detail  string `json:"detail,omitempty"`
	Rule    string `json:"rule,omitempty"` // tx: the rule that sent this automatic reply
	Leg     string `json:"leg,omitempty"`  // a relay pair's side: client or server
}

// writeHeader writes the first line of events.jsonl.
func (w *saveWriter) writeHeader(session string, at time.Time) error {
	b := w.begin(Event{Time: at, Session: session, Kind: EvSave})
	b = append(b, `,"format":`...)
	b = strconv.AppendInt(b, SaveFormat, 10)
	b = append(b, "}\n"...)
	w.line = b
	return w.writeFile(w.events, b)
}

// begin starts ev's line in the reused buffer: time, session, event.
func (w *saveWriter) begin(ev Event) []byte {
	b := w.line[:0]
	b = append(b, `{"time":"`...)
	b = ev.Time.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","session":`...)
	b = appendJSONString(b, ev.Session)
	b = append(b, `,"event":"`...)
	b = append(b, ev.Kind...)
	return append(b, '"')
}

func (w *saveWriter) write(ev Event) error {
	// The payload goes to its raw file only; the line says where it is.
	var rf *saveFile
	payload := ev.Kind == EvRx || ev.Kind == EvTx
	if payload {
		var err error
		if rf, err = w.rawFor(ev); err != nil {
			return err
		}
	}
	// One line per event, built by hand into a reused buffer (a flood
	// writes one per read).
	b := w.begin(ev)
	if ev.Conn != 0 {
		b = append(b, `,"conn":`...)
		b = strconv.AppendUint(b, ev.Conn, 10)
	}
	if ev.Peer != "" {
		b = append(b, `,"peer":`...)
		b = appendJSONString(b, ev.Peer)
	}
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, int64(len(ev.Data)), 10)
	if payload {
		// Raw file names hold only letters, digits, '.', '-' and '_'.
		b = append(b, `,"file":"`...)
		b = append(b, rf.base...)
		b = append(b, `","offset":`...)
		b = strconv.AppendInt(b, rf.size, 10)
	}
	if ev.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, ev.Detail)
	}
	if ev.Rule != "" {
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, ev.Rule)
	}
	if ev.Leg != "" {
		b = append(b, `,"leg":`...)
		b = appendJSONString(b, ev.Leg)
	}
	b = append(b, "}\n"...)
	w.line = b
	if err := w.writeFile(w.events, b); err != nil {
		return fmt.Errorf("write events.jsonl: %w", err)
	}
	if payload && len(ev.Data) > 0 {
		if err := w.writeFile(rf, ev.Data); err != nil {
			return fmt.Errorf("write %s: %w", rf.name(), err)
		}
	}
	if ev.Kind == EvDisconnect && ev.Conn != 0 {
		// The connection's files are complete: let go of their buffers
		// and descriptors now rather than when 256 others have opened.
		for _, kind := range []EventKind{EvRx, EvTx} {
			if err := w.closeRaw(rawName(ev.Conn, ev.Leg, ev.Peer, kind)); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendJSONString appends s as a JSON string; encoding/json does the
// escaping (these strings are short: names, addresses, messages). A
// string with nothing to escape, as session names and peer addresses are,
// is copied as it is: marshalling two of them for every event was a
// tenth of the saver's time under wrk.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, err := json.Marshal(s)
	if err != nil {
		return append(b, `""`...)
	}
	return append(b, q...)
}

// plainJSON tells whether encoding/json writes s between quotes as it is:
// printable ASCII, and none of the characters it escapes.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// RawFileName is the raw file of one connection and direction, e.g.
// "conn3_127.0.0.1_5555.rx". A UDP session (conn 0) keeps all its
// datagrams of one direction in "udp.rx" or "udp.tx", one after another;
// each datagram's event says where it is and which peer it was.
func RawFileName(conn uint64, peer string, kind EventKind) string {
	if conn == 0 {
		return "udp." + string(kind)
	}
	return "conn" + strconv.FormatUint(conn, 10) + "_" + peerFilePart(peer) + "." + string(kind)
}

// RelayFileName is the raw file of one leg of a relay pair and one
// direction, e.g. "conn3_client_127.0.0.1_5555.rx" (what the client sent)
// or "conn3_server_127.0.0.1_80.tx" (what was forwarded to the upstream).
// A UDP relay pair is a connection too: its datagrams of one leg and
// direction follow one another in its file.
func RelayFileName(conn uint64, leg, peer string, kind EventKind) string {
	return "conn" + strconv.FormatUint(conn, 10) + "_" + safeName(leg) + "_" + peerFilePart(peer) + "." + string(kind)
}

// rawName picks the raw file of an event: a relay leg's, or the plain one.
func rawName(conn uint64, leg, peer string, kind EventKind) string {
	if leg != "" && conn != 0 {
		return RelayFileName(conn, leg, peer, kind)
	}
	return RawFileName(conn, peer, kind)
}

func peerFilePart(peer string) string {
	host, port, err := net.SplitHostPort(peer)
	if err != nil {
		return safeName(peer)
	}
	// ':' is not allowed in Windows file names; IPv6 hosts use '-'.
	return safeName(strings.ReplaceAll(host, ":", "-")) + "_" + port
}

func (w *saveWriter) rawFor(ev Event) (*saveFile, error) {
	name := rawName(ev.Conn, ev.Leg, ev.Peer, ev.Kind)
	w.clock++
	if rf, ok := w.raw[name]; ok {
		rf.used = w.clock
		return rf, nil
	}
	if len(w.raw) >= maxOpenRaw {
		if err := w.closeOldest(); err != nil {
			return nil, err
		}
	}
	rf, err := openSaveFile(filepath.Join(w.dir, name))
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	rf.used, rf.base = w.clock, name
	w.raw[name] = rf
	return rf, nil
}

func (w *saveWriter) closeOldest() error {
	var oldest string
	var at uint64
	for name, rf := range w.raw {
		if oldest == "" || rf.used < at {
			oldest, at = name, rf.used
		}
	}
	return w.closeRaw(oldest)
}

// closeRaw closes the raw file name if it is open; a later write reopens
// it and appends.
func (w *saveWriter) closeRaw(name string) error {
	rf, ok := w.raw[name]
	if !ok {
		return nil
	}
	delete(w.raw, name)
	if err := w.closeFile(rf); err != nil {
		return fmt.Errorf("write %s: %w", rf.name(), err)
	}
	return nil
}

// flush makes what was written readable. Direct files are flushed at most
// every directFlushEvery unless force; w.pending tells that one was skipped.
func (w *saveWriter) flush(force bool) error {
	now := time.Now()
	direct := force || now.Sub(w.lastDirect) >= directFlushEvery
	w.pending = false
	for sf := range w.files() {
		if sf.direct && !direct {
			w.pending = w.pending || len(sf.buf) > 0
			continue
		}
		if err := w.flushFile(sf); err != nil {
			return fmt.Errorf("write %s: %w", sf.name(), err)
		}
	}
	if direct {
		w.lastDirect = now
	}
	return nil
}

// files yields events.jsonl and the open raw files, without building a
// list at every idle flush.
func (w *saveWriter) files() iter.Seq[*saveFile] {
	return func(yield func(*saveFile) bool) {
		if !yield(w.events) {
			return
		}
		for _, rf := range w.raw {
			if !yield(rf) {
				return
			}
		}
	}
}

// close flushes and closes every file, waiting for the direct writes.
func (w *saveWriter) close() error {
	var err error
	for sf := range w.files() {
		if cerr := w.closeFile(sf); cerr != nil && err == nil {
			err = fmt.Errorf("write %s: %w", sf.name(), cerr)
		}
	}
	clear(w.raw)
	if derr := w.disk.Err(); err == nil {
		err = derr
	}
	return err
}

// safeName keeps letters, digits, '.', '-' and '_' so the name is valid on
// every desktop system.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "session"
	}
	return b.String()
}

// Payload copies are recycled through a fixed free list (not a
// sync.Pool, which the collector empties at every cycle): a flood passes a
// gigabyte through the saver, which would otherwise all be garbage.
var freeBufs = make(chan []byte, freeBufCount)

const poolBufSize = 256 << 10

// smallBufSize and shorter payloads get a copy of their own size: an HTTP
// request or a small answer taking a 256 KiB buffer emptied the free list
// under wrk, and every further one then made 256 KiB of garbage.
const smallBufSize = 16 << 10

func getBuf(n int) []byte {
	if n > poolBufSize || n <= smallBufSize {
		return make([]byte, 0, n)
	}
	select {
	case b := <-freeBufs:
		return b[:0]
	default:
		return make([]byte, 0, poolBufSize)
	}
}

func putBuf(b []byte) {
	if cap(b) != poolBufSize {
		return
	}
	select {
	case freeBufs <- b:
	default:
	}
}
