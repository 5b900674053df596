package ui

import (
	"sort"
	"time"

	"netassist/netassist"
)

// prepare runs on the pump goroutine: drain, format, read counters.
func (p *trafficPanel) prepare(now time.Time) func() {
	var evs []netassist.Event
	var drops netassist.FeedDrops
	// Framed sessions then build message records only for what is shown.
	p.hub.Feed.SetSample(floodSampleAfter, floodSampleBytes)
	if !p.recv.paused.Load() && !p.recv.floodResting(now) {
		evs, drops = p.hub.Feed.Drain()
		if drops.Bytes >= floodSampleAfter {
			evs, drops = newestPayload(evs, drops, floodSampleBytes)
		}
		// A send is stamped before its write, and its answer can be
		// recorded first: show them in the order they happened.
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time.Before(evs[j].Time) })
	}
	upd, changed := p.recv.prepare(evs, drops, now)
	if changed && !upd.reset && upd.dropped >= floodSampleAfter {
		// The rows are a sample of a flood: show only its newest few.
		// Every row new on screen is rasterised on the UI thread; a
		// screenful of them held the window for ~100 ms at each repaint.
		upd.batch.KeepLast(floodSampleRows)
	}
	// In a flood every change costs a frame, and each frame redraws the
	// whole window on the UI thread: the status line and the connection
	// list wait for the rows' next repaint and go in the same frame.
	hold := !changed && p.recv.flooding(now)
	var msgs []trafficMsg
	var lost bool
	if p.http != nil {
		in, inDrops := framedAsReads(evs), drops
		if p.http.replay.Swap(false) {
			// Just ticked: the bytes that came before count too. The history
			// already holds this round's events.
			in = historyEvents(p.recv.history.Chunks())
			clear(p.http.conns)
			if _, b := p.recv.history.Dropped(); b > 0 {
				inDrops.Bytes += int(b) // it starts mid-stream: say so
			}
		}
		msgs, lost = p.http.feed(in, inDrops)
	}
	var errs []string
	for _, ev := range evs {
		if ev.Kind == netassist.EvError {
			errs = append(errs, eventErrText(ev))
		}
	}
	errs = p.takeErrs(errs)

	snap := p.hub.Counters.Snapshot()
	p.rate.Update(snap, now)
	var ended *sessionBox
	var showConns func()
	nconn := 0
	if b := p.sess.Load(); b != nil {
		if p.connRound != nil {
			showConns = p.connRound(now, hold)
		}
		nconn = b.s.ConnCount()
		select {
		case <-b.s.Done():
			// A client session ends with its connection.
			ended = b
		default:
		}
	}
	// The figures are rewritten a few times a second: each rewrite measures
	// the line again on the UI thread, and nobody reads faster.
	status := p.statusShown
	if (!hold && now.Sub(p.statusAt) >= statusEvery) || ended != nil || status == "" {
		status = p.statusText(snap, nconn, p.rate.Rx, p.rate.Tx)
		p.statusAt = now
	}
	_, saving := p.hub.Saving()
	connected := p.connectOutcome()
	var showRules func()
	if p.rules != nil {
		showRules = p.rules.prepare(now)
	}
	if !changed && showConns == nil && showRules == nil && len(errs) == 0 && len(msgs) == 0 && !lost && ended == nil &&
		status == p.statusShown && saving == p.savingShown && connected == nil {
		return nil // nothing to show: no work for the UI thread
	}
	p.statusShown, p.savingShown = status, saving
	return func() {
		if connected != nil {
			connected()
		}
		if changed {
			p.recv.apply(upd)
		}
		if p.http != nil {
			p.http.apply(msgs, lost)
		}
		if showConns != nil {
			showConns()
		}
		if showRules != nil {
			showRules()
		}
		if len(errs) > 0 {
			p.showSessErr(errs[len(errs)-1])
		}
		p.statusLatest = status
		if p.shown == nil || p.shown() {
			p.showStatus(status)
		}
		if ended != nil && p.sess.Load() == ended {
			p.closeSession()
		}
	}
}

// When the feed dropped floodSampleAfter bytes or more since the last
// repaint, the view shows at most floodSampleRows new rows per repaint (the
// others count as trimmed). Below it, a burst keeps all its rows.
const (
	floodSampleAfter = 1 << 20
	floodSampleRows  = 10
)

// setShown tells the panel how to know whether its tab is on screen.
func (p *trafficPanel) setShown(f func() bool) {
	p.shown = f
	p.recv.hidden = func() bool { return !f() }
}

// onShown brings a tab that was hidden up to date; main goroutine.
func (p *trafficPanel) onShown() {
	p.recv.onShown()
	if p.statusLatest != "" {
		p.showStatus(p.statusLatest)
	}
}

// chunkWord names n reads (datagrams for UDP), singular for one.
func (p *trafficPanel) chunkWord(n uint64) string {
	switch {
	case p.datagrams && n == 1:
		return T("status.datagram", "datagram")
	case p.datagrams:
		return T("status.datagrams", "datagrams")
	case n == 1:
		return T("status.chunk", "chunk")
	}
	return T("status.chunks", "chunks")
}

// statusText is the status line; any goroutine.
func (p *trafficPanel) statusText(s netassist.CounterSnapshot, nconn int, rxRate, txRate float64) string {
	txt := Tf("status.line", "RX %s B · %s %s · %s/s    TX %s B · %s %s · %s/s", groupDigits(s.RxBytes), groupDigits(s.RxChunks), p.chunkWord(s.RxChunks), humanBytes(rxRate),
		groupDigits(s.TxBytes), groupDigits(s.TxChunks), p.chunkWord(s.TxChunks), humanBytes(txRate))
	if p.framed.Load() {
		txt += "    " + msgStatus(s)
	}
	if !p.datagrams {
		txt += "    " + Tf("status.conns", "Connections: %d", nconn)
	}
	if dir, on := p.hub.Saving(); on {
		txt += "    " + Tf("status.saving", "Saving: %s", dir)
	}
	return txt
}
