package netassist

import (
	"net"
	"sync/atomic"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// Answerer is a session that answers messages by rules (TCP server and
// client, UDP). SetRules applies at once to every connection, open or
// to come; nil or an empty set answers nothing.
type Answerer interface {
	SetRules(*rules.Set)
	Rules() *rules.Set
}

// ruleHolder is a session's live rule set, shared with its connections;
// a read loop loads it once per read.
type ruleHolder struct{ p atomic.Pointer[rules.Set] }

func (h *ruleHolder) SetRules(s *rules.Set) { h.p.Store(s) }
func (h *ruleHolder) Rules() *rules.Set     { return h.p.Load() }

// active is the set to ask, nil when there is nothing to ask.
func (h *ruleHolder) active() *rules.Set {
	if h == nil {
		return nil
	}
	if s := h.p.Load(); s != nil && s.Len() > 0 {
		return s
	}
	return nil
}

// EvInfo details a rule leaves; the window words them.
const (
	InfoRulePaused = "rule_paused" // Event.Rule is the rule answering too fast
)

// answers asks the rules about what one read brought: each message the
// framer completed, or the read itself when reads are shown as they come.
// It runs before the read is handed off (the saver may take the buffer);
// the replies are copies. Bad frames are not answered. Consecutive plain
// replies of one rule (no wait, nothing after) are joined into one send,
// so a read of a thousand requests costs one write and one tx event, not a
// thousand.
func (c *Conn) answers(set *rules.Set, frames []framing.Frame, read []byte) []rules.Answer {
	var out []rules.Answer
	now := time.Now()
	plain := func(a *rules.Answer) bool {
		return !a.Paused && a.Wait == 0 && a.After == rules.AfterNone && len(a.Reply) > 0
	}
	ask := func(msg []byte) {
		var dst []byte
		last := len(out) - 1
		if last >= 0 && plain(&out[last]) {
			dst = out[last].Reply // append after it; its bytes stay as they are
		}
		a := set.Respond(msg, c.Peer, now, dst)
		if a.Rule < 0 {
			return
		}
		if dst != nil && len(a.Reply) >= len(dst) {
			if plain(&a) && a.Name == out[last].Name {
				out[last].Reply = a.Reply
				return
			}
			a.Reply = a.Reply[len(dst):]
		}
		out = append(out, a)
	}
	if c.framer == nil {
		ask(read)
		return out
	}
	for _, f := range frames {
		if f.Bad == framing.Good {
			ask(f.Shown())
		}
	}
	return out
}

// act sends the replies through the connection's queue (so they are
// counted and saved like any send, and a slow peer holds only its own
// queue) and does what each rule says next. It reports false once the
// connection is closed by a rule. Read loop only: a rule's wait holds this
// connection's later messages, never another's, and ends when the
// connection does.
func (c *Conn) act(as []rules.Answer) bool {
	for _, a := range as {
		if a.Paused {
			if a.JustPaused {
				c.hub.Record(Event{Time: time.Now(), Session: c.session, Kind: EvInfo, Conn: c.ID, Peer: c.Peer, Detail: InfoRulePaused, Rule: a.Name})
			}
			continue
		}
		if len(a.Reply) > 0 {
			// A closed or full queue drops the reply; the peer is gone or
			// not reading, and the read loop must go on either way.
			_ = c.sendNow(a.Reply, a.Name)
		}
		if a.Wait > 0 {
			t := time.NewTimer(a.Wait)
			select {
			case <-t.C:
			case <-c.gone:
				t.Stop()
				return false
			}
		}
		switch a.After {
		case rules.AfterHalfClose:
			_ = c.HalfClose() // an error means it is closed already
		case rules.AfterClose:
			c.Close(false)
			return false
		case rules.AfterReset:
			c.waitQueued(writeDeadline) // the reply first, then the RST
			c.Close(true)
			return false
		}
	}
	return true
}

// answerDatagram asks the rules about one datagram and answers its sender.
// Read loop only. Close actions do not apply to UDP.
func (u *UDP) answerDatagram(set *rules.Set, msg []byte, from string, to *net.UDPAddr) {
	a := set.Respond(msg, from, time.Now(), nil)
	if a.Rule < 0 {
		return
	}
	if a.Paused {
		if a.JustPaused {
			u.hub.Record(Event{Time: time.Now(), Kind: EvInfo, Peer: from, Detail: InfoRulePaused, Rule: a.Name})
		}
		return
	}
	if len(a.Reply) > 0 {
		if err := u.sendAs(to, a.Reply, a.Name); err != nil {
			u.hub.Record(Event{Time: time.Now(), Kind: EvError, Peer: from, Detail: err.Error()})
		}
	}
	if a.Wait > 0 {
		t := time.NewTimer(a.Wait)
		select {
		case <-t.C:
		case <-u.stop:
			t.Stop()
		}
	}
}

// sendNow is send for a rule's reply: when nothing is queued it writes
// what the socket takes at once from the read loop, without waiting, and
// queues only the rest. Handing every reply to a new writer goroutine cost
// a scheduler round trip per request, which is most of a reply's latency
// on a busy machine.
func (c *Conn) sendNow(data []byte, rule string) error {
	w := c.writeNow(data, rule)
	if !w.on {
		return c.send(data, rule)
	}
	c.endWrite(w)
	return nil
}

// nowWrite is a reply written from the read loop whose tx event is not
// recorded yet; while it is open the connection's writer is ours and
// finish waits for its record.
type nowWrite struct {
	on   bool
	data []byte
	rule string
	at   time.Time
	n    int
}

// writeNow writes what the socket takes of data at once, when nothing is
// queued; !on means it did not try and data must go through the queue.
// endWrite must follow.
func (c *Conn) writeNow(data []byte, rule string) nowWrite {
	c.mu.Lock()
	st := c.State()
	if c.writing || len(c.queue) > 0 || c.closing || st == StateClosed || st == StateHalfClosed {
		c.mu.Unlock()
		return nowWrite{}
	}
	c.writing = true // ours until we know whether a rest is queued
	c.mu.Unlock()
	// Held until the tx event is recorded, as the writer does: a close
	// meanwhile records its disconnect after this reply, not before.
	c.writeRec.Lock()
	w := nowWrite{on: true, data: data, rule: rule, at: time.Now()}
	w.n = c.tryWrite(data)
	return w
}

// endWrite records what writeNow wrote and queues the rest.
func (c *Conn) endWrite(w nowWrite) {
	if !w.on {
		return
	}
	if w.n > 0 {
		c.Counters.addTx(w.n)
		c.hub.Record(Event{Time: w.at, Session: c.session, Kind: EvTx, Conn: c.ID, Peer: c.Peer, Data: w.data[:w.n], Rule: w.rule})
	}
	c.writeRec.Unlock()
	c.mu.Lock()
	if w.n < len(w.data) {
		// The socket is full (or failing): the rest goes first, before
		// anything a user's Send queued meanwhile, and the queue's writer
		// meets any error.
		c.queue = append([]outgoing{{w.data[w.n:], w.rule}}, c.queue...)
		c.queued += len(w.data) - w.n
	}
	if len(c.queue) == 0 {
		c.writing = false
		c.mu.Unlock()
		select {
		case c.wrote <- struct{}{}:
		default:
		}
		return
	}
	c.wg.Add(1)
	go c.writeLoop()
	c.mu.Unlock()
}

// replyFirst writes the first answer's reply before the read that asked
// for it is recorded: recording (the display's feed, the saver) takes
// locks the window's pump also holds, and the peer should not wait for
// them. The reply is taken out of as so that act does not send it again;
// its wait and close still follow in act. endWrite records it.
func (c *Conn) replyFirst(as []rules.Answer) nowWrite {
	if len(as) == 0 || as[0].Paused || len(as[0].Reply) == 0 {
		return nowWrite{}
	}
	w := c.writeNow(as[0].Reply, as[0].Name)
	if w.on {
		as[0].Reply = nil
	}
	return w
}
