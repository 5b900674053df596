package netassist

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// Dir is a direction through a relay pair.
type Dir int

const (
	ClientToServer Dir = iota // what the client sends, on its way to the upstream
	ServerToClient            // the upstream's answers, on their way back
)

func (d Dir) String() string {
	if d == ClientToServer {
		return "client→server"
	}
	return "server→client"
}

// srcLeg is the leg a direction's bytes arrive on; dstLeg the one they
// leave by.
func (d Dir) srcLeg() string {
	if d == ClientToServer {
		return LegClient
	}
	return LegServer
}

func (d Dir) dstLeg() string {
	if d == ClientToServer {
		return LegServer
	}
	return LegClient
}

// DirOfLeg is the direction whose bytes arrive on leg.
func DirOfLeg(leg string) Dir {
	if leg == LegServer {
		return ServerToClient
	}
	return ClientToServer
}

// Notes in the Detail of a relay's tx events that the user caused.
const (
	DetailForwarded = "forwarded" // a held message, passed on as it was
	DetailEdited    = "edited"    // a held message, changed by the user
	DetailInjected  = "injected"  // typed in the send box
)

// Notes of a relay's info events (Detail; never saved, the window words
// them). A held message the user dropped is InfoDropped + its length.
const (
	InfoNotPassed = "relay_not_passed" // its destination was half-closed
	InfoFaultDrop = "relay_fault_drop" // the drop-rate fault took a datagram
	InfoDropped   = "relay_dropped:"
)

// Relay is what the relay sessions (TCP and UDP) offer the window beyond
// Session: the pairs, holding, and faults on demand.
type Relay interface {
	Session
	Version() uint64 // changes when a pair comes, goes or changes state
	Pairs() []PairInfo
	SetHold(d Dir, on bool)
	Holding(d Dir) bool
	HeldVersion() uint64 // changes when the held list does
	Held() []HeldMsg
	// Forward passes a held message on: as it was when data is nil, else
	// data instead. Drop throws it away. Both say false for an id no
	// longer held.
	Forward(id uint64, data []byte) bool
	Drop(id uint64) bool
	ForwardAll()
	// Inject sends data to one side (the leg data leaves by is to's
	// destination: ClientToServer goes to the upstream) of the pairs ids,
	// or of every pair when ids is nil.
	Inject(ids []uint64, to Dir, data []byte) error
	SetDelay(d Dir, delay time.Duration)
	// HalfClose sends FIN to one side of a pair; Reset resets that side
	// (and closes the other).
	HalfClose(id uint64, leg string) error
	Reset(id uint64, leg string) error
}

// withErr makes ev the error event of err: Detail is its text (saved),
// Err the error itself (for the window's words).
func (ev Event) withErr(err error) Event {
	ev.Kind, ev.Detail, ev.Err = EvError, err.Error(), err
	return ev
}

// DropRater is a relay that can lose datagrams on purpose (UDP).
type DropRater interface {
	SetDropRate(d Dir, pct float64)
}

// PairInfo is a copy of a pair's figures for the connection list. Client
// counts what was received from the client (rx) and sent to it (tx);
// Server the same for the upstream leg.
type PairInfo struct {
	ID               uint64
	Client, Upstream string
	Opened           time.Time
	State            string // "connecting", "open", "half-closed", "closed"
	Client2, Server  CounterSnapshot
	Held             [2]int // messages waiting per direction
}

// HeldMsg is one held message, for the window.
type HeldMsg struct {
	ID   uint64
	Pair uint64
	Dir  Dir
	At   time.Time
	Data []byte // the window must not change it
}

// relayCore is what both relay kinds share: the hold switches, the delay,
// the held messages and their numbering.
type relayCore struct {
	hub     *Hub
	hold    [2]atomic.Bool
	delay   [2]atomic.Int64 // nanoseconds
	heldIDs atomic.Uint64
	heldVer atomic.Uint64
	version atomic.Uint64
	rules   [2]ruleHolder   // by direction; see relayrules.go
	quit    <-chan struct{} // closed when the relay closes: ends a rule's wait

	mu    sync.Mutex
	pairs map[uint64]relayPair
}

// relayPair is one pair of either kind, as the core sees it.
type relayPair interface {
	info() PairInfo
	dir(d Dir) *relayDir
	halfClose(leg string) error
	reset(leg string) error
}

func (r *relayCore) Hub() *Hub           { return r.hub }
func (r *relayCore) Version() uint64     { return r.version.Load() }
func (r *relayCore) HeldVersion() uint64 { return r.heldVer.Load() }
func (r *relayCore) Holding(d Dir) bool  { return r.hold[d].Load() }
func (r *relayCore) delayOf(d Dir) time.Duration {
	return time.Duration(r.delay[d].Load())
}

// SetDelay adds delay before each message of direction d is passed on.
func (r *relayCore) SetDelay(d Dir, delay time.Duration) { r.delay[d].Store(int64(delay)) }

func (r *relayCore) list() []relayPair {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]relayPair, 0, len(r.pairs))
	for _, p := range r.pairs {
		out = append(out, p)
	}
	return out
}

func (r *relayCore) pair(id uint64) relayPair {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pairs[id]
}

// ConnCount is how many pairs are open.
func (r *relayCore) ConnCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pairs)
}

// Pairs lists the open pairs by id.
func (r *relayCore) Pairs() []PairInfo {
	ps := r.list()
	out := make([]PairInfo, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.info())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// SetHold starts or stops holding direction d in every pair. Stopping
// passes on everything held, in order, as "forward all" would.
func (r *relayCore) SetHold(d Dir, on bool) {
	r.hold[d].Store(on)
	if !on {
		for _, p := range r.list() {
			p.dir(d).release()
		}
	}
}

// Held lists the held messages of every pair, oldest first.
func (r *relayCore) Held() []HeldMsg {
	var out []HeldMsg
	for _, p := range r.list() {
		for _, d := range []Dir{ClientToServer, ServerToClient} {
			out = append(out, p.dir(d).heldList()...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (r *relayCore) Forward(id uint64, data []byte) bool {
	for _, p := range r.list() {
		for _, d := range []Dir{ClientToServer, ServerToClient} {
			if p.dir(d).forward(id, data) {
				return true
			}
		}
	}
	return false
}

func (r *relayCore) Drop(id uint64) bool {
	for _, p := range r.list() {
		for _, d := range []Dir{ClientToServer, ServerToClient} {
			if p.dir(d).drop(id) {
				return true
			}
		}
	}
	return false
}

// ForwardAll passes on every held message, in order; holding goes on.
func (r *relayCore) ForwardAll() {
	for _, p := range r.list() {
		for _, d := range []Dir{ClientToServer, ServerToClient} {
			p.dir(d).forwardAll()
		}
	}
}

func (r *relayCore) Inject(ids []uint64, to Dir, data []byte) error {
	var targets []relayPair
	if ids == nil {
		targets = r.list()
	} else {
		for _, id := range ids {
			if p := r.pair(id); p != nil {
				targets = append(targets, p)
			}
		}
	}
	if len(targets) == 0 {
		return &OpError{Code: CodeNotConnected, Op: "send"}
	}
	var first error
	for _, p := range targets {
		if err := p.dir(to).send(data, DetailInjected); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// SendConns injects towards the upstream (Session): the plain send box.
func (r *relayCore) SendConns(ids []uint64, data []byte) error {
	return r.Inject(ids, ClientToServer, data)
}

func (r *relayCore) HalfClose(id uint64, leg string) error {
	p := r.pair(id)
	if p == nil {
		return &OpError{Code: CodeClosed, Op: "shutdown"}
	}
	return p.halfClose(leg)
}

func (r *relayCore) Reset(id uint64, leg string) error {
	p := r.pair(id)
	if p == nil {
		return &OpError{Code: CodeClosed, Op: "reset"}
	}
	return p.reset(leg)
}

// relayDir is one direction of one pair: what arrives on the source leg
// is shown, then passed on to the destination leg, or held.
type relayDir struct {
	core   *relayCore
	d      Dir
	pairID uint64

	srcPeer, dstPeer string
	srcCnt, dstCnt   *Counters
	framer           *framing.Framer // read loop only; nil shows reads as they come

	// write sends one message to the destination; TCP serialises it with
	// wmu, UDP sends a datagram. closeWrite sends FIN there (nil for UDP).
	write      func([]byte) (int, error)
	closeWrite func() error
	onWriteErr func(error)
	onFIN      func()            // after the FIN was passed on
	back       *relayDir         // the other direction of the pair: a rule's reply goes by it
	ruleAfter  func(rules.After) // a rule's close action on this direction's source
	wmu        sync.Mutex
	wg         *sync.WaitGroup // the session's: drainers end before Close returns

	mu       sync.Mutex
	space    sync.Cond // on mu: signalled when held bytes go down or the direction ends
	held     []HeldMsg
	heldN    int      // bytes in held and unfwd
	unfwd    []byte   // read while holding, neither passed on nor held yet (part of a message)
	queue    [][]byte // user-driven sends waiting for the drainer, in order
	notes    []string // queue's tx notes
	draining bool
	eof      bool // the source sent FIN: pass it on once nothing is left to send
	finSent  bool
	closed   bool
}

// relayMaxHeld bounds what one direction holds: past it the read loop
// stops reading (the sender then waits, as TCP makes it), so a peer that
// keeps sending while held cannot fill the memory. A variable for tests.
var relayMaxHeld = 64 << 20

// arrived takes what the source sent, already counted: records it as
// received and passes it on, or holds it while holding is on. Read loop
// only; p is not kept.
func (d *relayDir) arrived(p []byte, at time.Time) {
	var frames []framing.Frame
	if d.framer != nil {
		frames = d.framer.Push(p)
	}
	if set := d.core.rules[d.d].active(); set != nil {
		d.arrivedRules(set, p, frames, at)
		return
	}
	shown := func() {
		d.core.hub.Record(Event{Time: at, Kind: EvRx, Conn: d.pairID, Peer: d.srcPeer, Leg: d.d.srcLeg(), Data: p, Framed: d.framer != nil})
		d.recordFrames(frames)
	}
	d.mu.Lock()
	if !d.finSent && !d.closed && !d.core.hold[d.d].Load() && !d.draining && len(d.queue) == 0 && len(d.unfwd) == 0 {
		// The usual case: pass it on first and record it after, so the
		// round trip never waits for the display feed's lock.
		d.mu.Unlock()
		d.passNow(p, at, shown)
		return
	}
	d.mu.Unlock()
	shown() // before a drainer may record it as sent
	d.mu.Lock()
	if d.finSent || d.closed {
		// Its destination was half-closed (a fault the user chose): there
		// is nowhere to pass it; writing would only reset the pair.
		d.mu.Unlock()
		d.core.hub.Record(Event{Kind: EvInfo, Conn: d.pairID, Peer: d.dstPeer, Leg: d.d.dstLeg(), Detail: InfoNotPassed})
		return
	}
	if d.core.hold[d.d].Load() {
		d.holdLocked(p, frames, at)
		if d.space.L == nil {
			d.space.L = &d.mu
		}
		for d.heldN > relayMaxHeld && !d.closed && d.core.hold[d.d].Load() {
			d.space.Wait()
		}
		d.mu.Unlock()
		return
	}
	if d.draining || len(d.queue) > 0 || len(d.unfwd) > 0 {
		// Released messages are still on their way: keep the order.
		d.flushUnfwdLocked()
		d.queue = append(d.queue, append([]byte(nil), p...))
		d.notes = append(d.notes, "")
		d.startDrainLocked()
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	d.passNow(p, at, nil)
}

// passNow passes bytes just read on, after the delay fault if any; before,
// if set, records them as received once they are written.
func (d *relayDir) passNow(p []byte, at time.Time, before func()) {
	if delay := d.core.delayOf(d.d); delay > 0 {
		time.Sleep(time.Until(at.Add(delay)))
	}
	d.passThen(p, "", before)
}

// holdLocked queues what arrived as held messages: the framing's
// messages when it splits the stream (a message's part that passed before
// holding began is not sent twice), else each read.
func (d *relayDir) holdLocked(p []byte, frames []framing.Frame, at time.Time) {
	if d.framer == nil {
		d.addHeldLocked(append([]byte(nil), p...), at)
		return
	}
	d.unfwd = append(d.unfwd, p...)
	d.heldN += len(p)
	d.takeFramesLocked(frames, at)
}

// takeFramesLocked moves the unforwarded bytes of completed frames from
// unfwd into held messages. The frames and the framer's pending bytes are
// the newest part of the stream; unfwd is its unforwarded suffix.
func (d *relayDir) takeFramesLocked(frames []framing.Frame, at time.Time) {
	emitted := 0
	for _, f := range frames {
		emitted += len(f.Data)
	}
	pending := d.framer.Pending()
	inFrames := len(d.unfwd) - pending // unforwarded bytes in the frames
	if inFrames <= 0 {
		return
	}
	skip := emitted - inFrames // their bytes that passed before holding
	off := 0
	for _, f := range frames {
		s := min(skip, len(f.Data))
		skip -= s
		if n := len(f.Data) - s; n > 0 {
			d.heldN -= n // counted in unfwd; counted again as held
			d.addHeldLocked(append([]byte(nil), d.unfwd[off:off+n]...), at)
			off += n
		}
	}
	d.unfwd = append(d.unfwd[:0], d.unfwd[off:]...)
}

func (d *relayDir) addHeldLocked(data []byte, at time.Time) {
	d.held = append(d.held, HeldMsg{ID: d.core.heldIDs.Add(1), Pair: d.pairID, Dir: d.d, At: at, Data: data})
	d.heldN += len(data)
	d.core.heldVer.Add(1)
}

// freedLocked says that n held bytes left (forwarded, dropped or gone):
// a read loop waiting for room may go on.
func (d *relayDir) freedLocked(n int) {
	d.heldN -= n
	if d.space.L != nil {
		d.space.Broadcast()
	}
}

// recordFrames hands the framing's messages to the display.
func (d *relayDir) recordFrames(frames []framing.Frame) {
	if len(frames) == 0 {
		return
	}
	msgs := make([]MsgInfo, len(frames))
	n := 0
	for i, f := range frames {
		msgs[i] = MsgInfo{Len: len(f.Data), Strip: f.Strip, Bad: f.Bad, Reads: f.Reads, InRead: f.InRead, Index: f.Index}
		n += len(f.Data)
	}
	d.srcCnt.addRxMsgs(msgs, framing.Tally{})
	d.core.hub.Record(Event{Kind: EvMsg, Conn: d.pairID, Peer: d.srcPeer, Leg: d.d.srcLeg(), Data: frames[0].Data[:n], Msgs: msgs})
}

// sourceEnded is called by the read loop when the source sent FIN: what
// the framing still holds is a message now, and the FIN follows once
// everything before it has been passed on or dropped.
func (d *relayDir) sourceEnded() {
	var frames []framing.Frame
	if d.framer != nil {
		frames = d.framer.Flush()
		d.recordFrames(frames)
	}
	d.mu.Lock()
	if len(d.unfwd) > 0 {
		if d.core.hold[d.d].Load() {
			d.takeFramesLocked(frames, time.Now())
			if len(d.unfwd) > 0 { // not split by the framing: one message
				d.heldN -= len(d.unfwd)
				d.addHeldLocked(d.unfwd, time.Now())
				d.unfwd = nil
			}
		} else {
			d.flushUnfwdLocked()
		}
	}
	d.eof = true
	d.maybeFINLocked()
	d.mu.Unlock()
}

// idleFlush ends the message the idle-gap framing waits on.
func (d *relayDir) idleFlush() {
	if d.framer == nil {
		return
	}
	frames := d.framer.Flush()
	d.recordFrames(frames)
	d.mu.Lock()
	if d.core.hold[d.d].Load() && len(d.unfwd) > 0 {
		d.takeFramesLocked(frames, time.Now())
	}
	d.mu.Unlock()
}

func (d *relayDir) flushUnfwdLocked() {
	if len(d.unfwd) == 0 {
		return
	}
	d.freedLocked(len(d.unfwd))
	d.queue = append(d.queue, d.unfwd)
	d.notes = append(d.notes, "")
	d.unfwd = nil
	d.startDrainLocked()
}

// maybeFINLocked passes the source's FIN on once nothing waits before it.
func (d *relayDir) maybeFINLocked() {
	if !d.eof || d.finSent || d.closed || len(d.held) > 0 || len(d.unfwd) > 0 || len(d.queue) > 0 || d.draining {
		return
	}
	d.finSent = true
	if d.closeWrite != nil {
		go d.sendFIN()
	}
}

func (d *relayDir) sendFIN() {
	d.wmu.Lock()
	err := d.closeWrite()
	d.wmu.Unlock()
	if err == nil {
		d.core.hub.Record(Event{Kind: EvInfo, Conn: d.pairID, Peer: d.dstPeer, Leg: d.d.dstLeg(), Detail: "local_fin"})
	}
	if d.onFIN != nil {
		d.onFIN()
	}
}

// pass writes p to the destination and records it as sent. note is empty
// for bytes passed as they came (not shown again), else what the user did.
func (d *relayDir) pass(p []byte, note string) error { return d.passThen(p, note, nil) }

// passThen is pass that calls before (if set) between the write and the
// record of what was sent.
func (d *relayDir) passThen(p []byte, note string, before func()) error {
	d.wmu.Lock()
	at := time.Now()
	n, err := d.write(p)
	d.wmu.Unlock()
	if before != nil {
		before()
	}
	if n > 0 {
		d.dstCnt.addTx(n)
		ev := Event{Time: at, Kind: EvTx, Conn: d.pairID, Peer: d.dstPeer, Leg: d.d.dstLeg(), Data: p[:n], Detail: note, Quiet: note == ""}
		if rule, ok := strings.CutPrefix(note, ruleNote); ok {
			ev.Detail, ev.Rule = "", rule
		}
		d.core.hub.Record(ev)
	}
	if err != nil && d.onWriteErr != nil {
		d.onWriteErr(err)
	}
	return err
}

// send queues a user-driven message (forwarded, edited or injected) and
// returns at once; a drainer writes the queue in order.
func (d *relayDir) send(data []byte, note string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed || d.finSent {
		return &OpError{Code: CodeClosed, Op: "send", Addr: d.dstPeer}
	}
	if len(data) == 0 {
		return nil
	}
	d.queue = append(d.queue, data)
	d.notes = append(d.notes, note)
	d.startDrainLocked()
	return nil
}

func (d *relayDir) startDrainLocked() {
	if d.draining || len(d.queue) == 0 {
		return
	}
	d.draining = true
	d.wg.Add(1)
	go d.drain()
}

func (d *relayDir) drain() {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		if len(d.queue) == 0 || d.closed {
			d.queue, d.notes = nil, nil
			d.draining = false
			d.maybeFINLocked()
			d.mu.Unlock()
			return
		}
		p, note := d.queue[0], d.notes[0]
		d.queue, d.notes = d.queue[1:], d.notes[1:]
		d.mu.Unlock()
		if note == "" {
			if delay := d.core.delayOf(d.d); delay > 0 {
				time.Sleep(delay)
			}
		}
		if d.pass(p, note) != nil && d.closeWrite != nil { // a TCP leg that failed is gone
			d.mu.Lock()
			d.closed = true
			d.mu.Unlock()
		}
	}
}

func (d *relayDir) heldList() []HeldMsg {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]HeldMsg(nil), d.held...)
}

// take removes held message id; ok is false when this direction has none
// such.
func (d *relayDir) takeLocked(id uint64) (HeldMsg, bool) {
	for i, m := range d.held {
		if m.ID == id {
			d.held = append(d.held[:i], d.held[i+1:]...)
			d.core.heldVer.Add(1)
			d.freedLocked(len(m.Data))
			return m, true
		}
	}
	return HeldMsg{}, false
}

func (d *relayDir) forward(id uint64, data []byte) bool {
	d.mu.Lock()
	m, ok := d.takeLocked(id)
	if !ok {
		d.mu.Unlock()
		return false
	}
	note := DetailForwarded
	if data != nil {
		m.Data, note = data, DetailEdited
	}
	if !d.closed && !d.finSent && len(m.Data) > 0 {
		d.queue = append(d.queue, m.Data)
		d.notes = append(d.notes, note)
		d.startDrainLocked()
	}
	d.maybeFINLocked()
	d.mu.Unlock()
	return true
}

func (d *relayDir) drop(id uint64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	m, ok := d.takeLocked(id)
	if ok {
		d.core.hub.Record(Event{Kind: EvInfo, Conn: d.pairID, Peer: d.srcPeer, Leg: d.d.srcLeg(), Detail: InfoDropped + strconv.Itoa(len(m.Data))})
		d.maybeFINLocked()
	}
	return ok
}

func (d *relayDir) forwardAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.forwardAllLocked()
}

func (d *relayDir) forwardAllLocked() {
	if len(d.held) == 0 {
		return
	}
	for _, m := range d.held {
		if !d.closed && !d.finSent && len(m.Data) > 0 {
			d.queue = append(d.queue, m.Data)
			d.notes = append(d.notes, DetailForwarded)
		}
	}
	d.held = nil
	d.core.heldVer.Add(1)
	d.freedLocked(d.heldN - len(d.unfwd))
	d.startDrainLocked()
	d.maybeFINLocked()
}

// release passes on all that holding kept: held messages, then the part
// of a message not yet complete.
func (d *relayDir) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.forwardAllLocked()
	d.flushUnfwdLocked()
	d.maybeFINLocked()
}

// shut stops the direction for good (the pair ended): held messages are
// gone with it.
func (d *relayDir) shut() {
	d.mu.Lock()
	d.closed = true
	if len(d.held) > 0 {
		d.held = nil
		d.core.heldVer.Add(1)
	}
	d.unfwd = nil
	d.freedLocked(d.heldN)
	d.mu.Unlock()
}

func (d *relayDir) heldCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.held)
}
