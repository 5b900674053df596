package netassist

import (
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// A relay's rules answer in place of the other side, one set per
// direction: client→server rules answer the client instead of the
// upstream, server→client rules answer the upstream instead of the
// client. A message a rule answered is not passed on (it was answered in
// place of its destination); every other message passes, or is held, as
// without rules. A rule's wait holds that direction's later messages; its
// half-close, close and reset act on the side that sent the message.

// RelayRuler is a relay whose directions answer by rules.
type RelayRuler interface {
	SetDirRules(d Dir, s *rules.Set)
	DirRules(d Dir) *rules.Set
}

// SetDirRules replaces direction d's rules at once, for every pair.
func (r *relayCore) SetDirRules(d Dir, s *rules.Set) { r.rules[d].SetRules(s) }
func (r *relayCore) DirRules(d Dir) *rules.Set       { return r.rules[d].Rules() }

// initRules takes the Config's sets: Rules for client→server, RulesBack
// for server→client. quit closes when the relay does.
func (r *relayCore) initRules(cfg Config, quit <-chan struct{}) {
	r.quit = quit
	r.rules[ClientToServer].SetRules(cfg.Rules)
	r.rules[ServerToClient].SetRules(cfg.RulesBack)
}

// ruleNote marks a queued send as a rule's reply: the rest is its name.
const ruleNote = "\x00rule:"

// arrivedRules is arrived while d has rules. Each message (a read when
// reads are shown as they come, else each complete frame) is asked; what
// no rule answered goes on as usual. Read loop only.
func (d *relayDir) arrivedRules(set *rules.Set, p []byte, frames []framing.Frame, at time.Time) {
	d.core.hub.Record(Event{Time: at, Kind: EvRx, Conn: d.pairID, Peer: d.srcPeer, Leg: d.d.srcLeg(), Data: p, Framed: d.framer != nil})
	d.recordFrames(frames)
	if d.framer == nil {
		if a, ok := d.ask(set, p, at); ok {
			d.answer(a)
			return
		}
		d.passMsgs([][]byte{append([]byte(nil), p...)}, at)
		return
	}
	// The stream's unsent part: bytes at the front of the framer's pending
	// part that were already passed on as they came (before the rules were
	// set), then unfwd (read, not yet passed on), then p.
	emitted := 0
	for _, f := range frames {
		emitted += len(f.Data)
	}
	d.mu.Lock()
	pendBefore := d.framer.Pending() + emitted - len(p)
	ahead := max(pendBefore-len(d.unfwd), 0)
	buf := append(d.unfwd, p...)
	d.heldN -= len(d.unfwd)
	d.mu.Unlock()
	// Messages and answers keep their order: what passes before an
	// answered message is passed before its reply is sent.
	type step struct {
		pass [][]byte
		a    rules.Answer
	}
	var steps []step
	var pass [][]byte
	off := 0
	for _, f := range frames {
		s := min(ahead, len(f.Data))
		ahead -= s
		part := buf[off : off+len(f.Data)-s]
		off += len(part)
		if s == 0 && f.Bad == framing.Good {
			if a, ok := d.ask(set, f.Shown(), at); ok {
				steps = append(steps, step{pass, a})
				pass = nil
				continue
			}
		}
		if len(part) > 0 {
			pass = append(pass, append([]byte(nil), part...))
		}
	}
	d.mu.Lock()
	d.unfwd = append([]byte(nil), buf[off:]...)
	d.heldN += len(d.unfwd)
	d.mu.Unlock()
	for _, st := range steps {
		d.passMsgs(st.pass, at)
		if !d.answer(st.a) {
			return
		}
	}
	d.passMsgs(pass, at)
}

// passMsgs passes whole messages on, or holds them, in order.
func (d *relayDir) passMsgs(msgs [][]byte, at time.Time) {
	if len(msgs) == 0 {
		return
	}
	d.mu.Lock()
	if d.finSent || d.closed {
		d.mu.Unlock()
		d.core.hub.Record(Event{Kind: EvInfo, Conn: d.pairID, Peer: d.dstPeer, Leg: d.d.dstLeg(), Detail: InfoNotPassed})
		return
	}
	if d.core.hold[d.d].Load() {
		for _, m := range msgs {
			d.addHeldLocked(m, at)
		}
		if d.space.L == nil {
			d.space.L = &d.mu
		}
		for d.heldN > relayMaxHeld && !d.closed && d.core.hold[d.d].Load() {
			d.space.Wait()
		}
		d.mu.Unlock()
		return
	}
	if d.draining || len(d.queue) > 0 {
		for _, m := range msgs {
			d.queue = append(d.queue, m)
			d.notes = append(d.notes, "")
		}
		d.startDrainLocked()
		d.mu.Unlock()
		return
	}
	d.mu.Unlock()
	for _, m := range msgs {
		if delay := d.core.delayOf(d.d); delay > 0 {
			time.Sleep(time.Until(at.Add(delay)))
		}
		if d.pass(m, "") != nil {
			return
		}
	}
}

// ask finds the rule that answers msg; ok is false when none does (a
// paused rule does not answer: the message passes, and the pause is said
// once).
func (d *relayDir) ask(set *rules.Set, msg []byte, at time.Time) (rules.Answer, bool) {
	a := set.Respond(msg, d.srcPeer, at, nil)
	if a.Paused && a.JustPaused {
		d.core.hub.Record(Event{Time: time.Now(), Kind: EvInfo, Conn: d.pairID, Peer: d.srcPeer, Leg: d.d.srcLeg(), Detail: InfoRulePaused, Rule: a.Name})
	}
	return a, a.Rule >= 0 && !a.Paused
}

// answer sends a rule's reply back to the message's sender, through the
// other direction (so it is counted, shown and saved as sent on that leg),
// then waits and acts on the sender as the rule says. It reports false
// once the rule ended the pair. Read loop only.
func (d *relayDir) answer(a rules.Answer) bool {
	if len(a.Reply) > 0 && d.back != nil {
		if d.back.sendRule(a.Reply, a.Name) != nil {
			// We passed the other side's FIN to the sender (or it is
			// gone): the reply cannot be written. Said, not dropped
			// silently.
			b := d.back
			d.core.hub.Record(Event{Kind: EvInfo, Conn: b.pairID, Peer: b.dstPeer, Leg: b.d.dstLeg(), Detail: InfoNotPassed})
		}
	}
	if a.Wait > 0 {
		t := time.NewTimer(a.Wait)
		select {
		case <-t.C:
		case <-d.core.quit: // the relay is closing: Close must not wait a minute
			t.Stop()
			return false
		}
	}
	if a.After != rules.AfterNone && a.After != "" && d.ruleAfter != nil {
		d.ruleAfter(a.After)
		return a.After == rules.AfterHalfClose
	}
	return true
}

// sendRule writes a rule's reply at once when nothing waits before it
// (the round trip of an answer should not wait for a goroutine), else
// queues it behind what does.
func (d *relayDir) sendRule(data []byte, name string) error {
	d.mu.Lock()
	if d.closed || d.finSent {
		d.mu.Unlock()
		return &OpError{Code: CodeClosed, Op: "send", Addr: d.dstPeer}
	}
	if d.draining || len(d.queue) > 0 {
		d.queue = append(d.queue, data)
		d.notes = append(d.notes, ruleNote+name)
		d.startDrainLocked()
		d.mu.Unlock()
		return nil
	}
	d.mu.Unlock()
	return d.pass(data, ruleNote+name)
}
