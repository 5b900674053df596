package export

import (
	"context"
	"slices"
	"sync"
	"time"

	"netassist/httpview"
	"netassist/netassist"
)

// Exchange is one HTTP request of a reopened folder with its answer (nil
// when none was saved).
type Exchange struct {
	Conn              uint64
	Peer              string // the other end of the connection
	Request, Response *httpview.Message
	Start, End        time.Time // the request's first byte; the answer's last (or the request's)
}

// MaxExchanges is how many HTTP exchanges a reopened folder keeps, the
// newest: a window shows a list, not an archive (the HAR export has all).
const MaxExchanges = 20000

// maxExchangeBytes bounds the bytes the kept exchanges hold: a folder of
// large uploads must not fill the memory either. A variable for tests.
var maxExchangeBytes int64 = 256 << 20

// Reopened is a saved folder read for the window's read-only tab: its
// events go to a Recorder (the counters and the receive view, as live),
// and what the other views need (connections with their counters, HTTP
// exchanges, what was damaged) is kept here. Read it from any goroutine
// while Load runs.
type Reopened struct {
	Folder *Folder

	mu       sync.Mutex
	conns    map[uint64]*netassist.ConnInfo
	order    []uint64
	peers    map[string]*netassist.ConnInfo // UDP: one per remote address
	peerSeq  []string
	warnings []Warning
	exch     []Exchange
	trimmed  int   // exchanges dropped past the bounds
	xbytes   int64 // what the kept exchanges hold
	loaded   bool
	err      error
}

// OpenSaved opens dir for reopening. Unlike Open it takes a folder of a
// newer format too, read as the newest one known, with a warning.
func OpenSaved(dir string) (*Reopened, error) {
	fo, err := openFolder(dir, true)
	if err != nil {
		return nil, err
	}
	r := &Reopened{Folder: fo, conns: map[uint64]*netassist.ConnInfo{}, peers: map[string]*netassist.ConnInfo{}}
	if fo.Newer != 0 {
		r.warnings = append(r.warnings, Warning{Code: WarnNewerFormat, N: int64(fo.Newer)})
	}
	fo.Warn = func(w Warning) {
		r.mu.Lock()
		r.warnings = append(r.warnings, w)
		r.mu.Unlock()
	}
	return r, nil
}

// IsHTTP tells whether the folder is an HTTP session's, shown as a list
// of exchanges.
func (r *Reopened) IsHTTP() bool {
	return r.Folder.Kind == "http-server" || r.Folder.Kind == "http-client"
}

// HasBytes tells whether the window shows the folder's bytes as they
// went (all kinds but the HTTP server, whose live view is its requests).
func (r *Reopened) HasBytes() bool { return r.Folder.Kind != "http-server" }

// Load reads the whole folder: every event goes to rec (nil: none), with
// its saved time and its payload in chunks of at most 1 MiB; rec may block
// to hold the reading back. It stops early when ctx is done.
func (r *Reopened) Load(ctx context.Context, rec netassist.Recorder) error {
	vs := []Visitor{cancelled{ctx}, r}
	var har *HAR
	if r.IsHTTP() {
		har = &HAR{fo: r.Folder, conns: map[uint64]*harConn{}, local: sessionAddr(r.Folder.Session), sink: r.addExchange}
		vs = append(vs, har)
	}
	if rec != nil {
		vs = append(vs, recordVisitor{rec})
	}
	err := r.Folder.Walk(vs...)
	if har != nil && err == nil {
		har.Close() // the requests still waiting at the end
	}
	r.mu.Lock()
	r.loaded, r.err = true, err
	r.mu.Unlock()
	return err
}

// Visit implements Visitor: the connections, or a UDP session's peers,
// and their counters.
func (r *Reopened) Visit(ev *Event, data []byte, last bool) error {
	if ev.Conn == 0 {
		if (ev.Kind == netassist.EvRx || ev.Kind == netassist.EvTx) && ev.Peer != "" {
			r.countDatagram(ev, data, last)
		}
		return nil // the session's own events
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ci := r.conns[ev.Conn]
	if ci == nil {
		ci = &netassist.ConnInfo{ID: ev.Conn, Peer: ev.Peer, Opened: ev.Time, State: netassist.StateOpen}
		r.conns[ev.Conn] = ci
		r.order = append(r.order, ev.Conn)
	}
	count(ci, ev.Kind, data, last)
	if ev.Kind == netassist.EvDisconnect {
		ci.State = netassist.StateClosed
	}
	return nil
}

// countDatagram counts a datagram (or a part of one larger than a chunk)
// for its peer.
func (r *Reopened) countDatagram(ev *Event, data []byte, last bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pi := r.peers[ev.Peer]
	if pi == nil {
		pi = &netassist.ConnInfo{ID: uint64(len(r.peerSeq) + 1), Peer: ev.Peer, Opened: ev.Time, State: netassist.StateOpen}
		r.peers[ev.Peer] = pi
		r.peerSeq = append(r.peerSeq, ev.Peer)
	}
	count(pi, ev.Kind, data, last)
}

// count adds an rx or tx chunk to ci's counters; a read (a datagram for
// UDP) is counted at its last chunk.
func count(ci *netassist.ConnInfo, kind netassist.EventKind, data []byte, last bool) {
	switch kind {
	case netassist.EvRx:
		ci.Counters.RxBytes += uint64(len(data))
		if last {
			ci.Counters.RxChunks++
		}
	case netassist.EvTx:
		ci.Counters.TxBytes += uint64(len(data))
		if last {
			ci.Counters.TxChunks++
		}
	}
}

func (r *Reopened) addExchange(x Exchange) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.exch = append(r.exch, x)
	r.xbytes += x.size()
	if len(r.exch) <= MaxExchanges && r.xbytes <= maxExchangeBytes {
		return
	}
	// Down to half of both bounds rather than one at a time: appends stay
	// cheap. The newest is always kept.
	i := 0
	for i < len(r.exch)-1 && (len(r.exch)-i > MaxExchanges/2 || r.xbytes > maxExchangeBytes/2) {
		r.xbytes -= r.exch[i].size()
		i++
	}
	r.trimmed += i
	r.exch = slices.Delete(r.exch, 0, i) // clears the tail: the dropped ones can go
}

// size is about what x holds in memory.
func (x Exchange) size() int64 {
	n := 0
	for _, m := range []*httpview.Message{x.Request, x.Response} {
		if m != nil {
			n += len(m.RawHead) + len(m.RawBody) + len(m.Body)
		}
	}
	return int64(n)
}

// Conns are the connections met so far, in the order they appeared.
func (r *Reopened) Conns() []netassist.ConnInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return inOrder(r.order, r.conns)
}

// Peers are the addresses a UDP session exchanged datagrams with, in the
// order first met: ID numbers them from 1, Opened is the first datagram's
// time, and the counters' chunks count datagrams.
func (r *Reopened) Peers() []netassist.ConnInfo {
	r.mu.Lock()
	defer r.mu.Unlock()
	return inOrder(r.peerSeq, r.peers)
}

// inOrder copies m's infos in the order of keys.
func inOrder[K comparable](keys []K, m map[K]*netassist.ConnInfo) []netassist.ConnInfo {
	out := make([]netassist.ConnInfo, len(keys))
	for i, k := range keys {
		out[i] = *m[k]
	}
	return out
}

// Exchanges are the HTTP exchanges kept so far, oldest first, and how
// many older ones were dropped past MaxExchanges.
func (r *Reopened) Exchanges() ([]Exchange, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.exch...), r.trimmed
}

// ExchangeCount is len(Exchanges()) and its trimmed count, without the copy.
func (r *Reopened) ExchangeCount() (n, trimmed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exch), r.trimmed
}

// Warnings are the damage met so far, in order.
func (r *Reopened) Warnings() []Warning {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Warning(nil), r.warnings...)
}

// Loaded tells whether Load has finished, and its error.
func (r *Reopened) Loaded() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loaded, r.err
}

// recordVisitor hands the folder's events to a Recorder as the session
// recorded them, with their saved times.
type recordVisitor struct{ rec netassist.Recorder }

func (v recordVisitor) Visit(ev *Event, data []byte, last bool) error {
	if (ev.Kind == netassist.EvRx || ev.Kind == netassist.EvTx) && len(data) == 0 {
		return nil
	}
	v.rec.Record(netassist.Event{Time: ev.Time, Session: ev.Session, Kind: ev.Kind, Conn: ev.Conn,
		Peer: ev.Peer, Data: data, Detail: ev.Detail})
	return nil
}
