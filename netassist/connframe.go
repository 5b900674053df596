package netassist

import (
	"errors"
	"os"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// setFraming gives the connection its own framer (state is per
// connection); before start only.
func (c *Conn) setFraming(cfg framing.Config) { c.framer = framing.New(cfg) }

// frame cuts a read into the messages it completes; read loop only. Only
// the newest ones the display can show are built (the feed keeps no more
// than its limit of any one event, and in a flood the window formats less):
// the older ones of a large read are counted and never looked at. In a flood of short messages
// building them all cost four times what the unframed session did.
// With rules (all) every message is built, since each may be answered.
func (c *Conn) frame(p []byte, all bool) ([]framing.Frame, framing.Tally) {
	if c.framer == nil {
		return nil, framing.Tally{}
	}
	tail := c.hub.Feed.Tail()
	if all {
		tail = -1
	}
	return c.framer.PushTail(p, tail)
}

// recordFrames counts the messages and hands them to the display as one
// event: their bytes are contiguous (framing emits one copy per call).
// skipped are the read's older messages, counted but not built.
func (c *Conn) recordFrames(frames []framing.Frame, skipped framing.Tally) {
	c.recordFramesAt(frames, skipped, time.Now())
}

// recordFramesAt is recordFrames of a read made at at.
func (c *Conn) recordFramesAt(frames []framing.Frame, skipped framing.Tally, at time.Time) {
	if len(frames) == 0 && skipped == (framing.Tally{}) {
		return
	}
	msgs, data := msgsOf(frames)
	c.Counters.addRxMsgs(msgs, skipped)
	c.hub.Record(Event{Time: at, Session: c.session, Kind: EvMsg, Conn: c.ID, Peer: c.Peer, Data: data, Msgs: msgs, Skipped: skipped})
}

// displayTail keeps for the display only the newest frames whose bytes
// fit in the feed's tail (and the newest one always), as PushTail does,
// counting the older ones: with rules every frame is built to be answered,
// but a flood of them shown one by one would stall the window.
func (c *Conn) displayTail(frames []framing.Frame, skipped framing.Tally) ([]framing.Frame, framing.Tally) {
	tail := c.hub.Feed.Tail()
	if tail < 0 || len(frames) == 0 {
		return frames, skipped
	}
	first, n := len(frames)-1, len(frames[len(frames)-1].Data)
	for first > 0 && n+len(frames[first-1].Data) <= tail {
		first--
		n += len(frames[first].Data)
	}
	for _, f := range frames[:first] {
		if f.Bad == framing.Good {
			skipped.Good++
		} else {
			skipped.Bad++
		}
		skipped.Bytes += len(f.Data)
	}
	return frames[first:], skipped
}

// flushFrames shows what the framer still holds when the stream ends, and
// answers it (after a FIN the peer may still read).
func (c *Conn) flushFrames() {
	if c.framer != nil {
		c.recordAndAnswer(c.framer.Flush())
	}
}

// recordAndAnswer records frames that a flush ended and answers them.
func (c *Conn) recordAndAnswer(frames []framing.Frame) {
	set := c.rules.active()
	var answers []rules.Answer
	if set != nil && !c.isClosing() {
		answers = c.answers(set, frames, nil)
	}
	c.recordFrames(frames, framing.Tally{})
	c.act(answers)
}

// armIdleGap makes the next read time out after the idle gap while part
// of a message waits, so that a silence ends it. The deadline is cleared
// once nothing waits, so an idle connection is never timed out.
func (c *Conn) armIdleGap() {
	if c.framer == nil || c.framer.Gap() == 0 {
		return
	}
	if c.framer.Pending() > 0 {
		c.c.SetReadDeadline(time.Now().Add(c.framer.Gap()))
	} else {
		c.c.SetReadDeadline(time.Time{})
	}
}

// idleGapPassed tells whether err is the idle gap's deadline, and then
// ends the waiting message.
func (c *Conn) idleGapPassed(err error) bool {
	if c.framer == nil || c.framer.Gap() == 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	c.recordAndAnswer(c.framer.Flush())
	return true
}
