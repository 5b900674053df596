package ui

import (
	"slices"
	"sort"
	"time"

	"netassist/httpview/client"
	"netassist/netassist"
)

// prepare runs on the pump goroutine: drain, format, read counters.
func (p *netPanel) prepare(now time.Time) func() {
	var evs []netassist.Event
	var drops netassist.FeedDrops
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
		in, inDrops := evs, drops
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
			errs = append(errs, ev.Detail)
		}
	}
	p.errMu.Lock()
	errs = append(errs, p.pendingErrs...)
	p.pendingErrs = nil
	p.errMu.Unlock()

	snap := p.hub.Counters.Snapshot()
	p.rate.Update(snap, now)
	var conns []netassist.ConnInfo
	var ended *sessionBox
	connsChanged := false
	nconn := 0
	if b := p.sess.Load(); b != nil {
		switch s := b.s.(type) {
		case *netassist.TCPServer:
			// The list's figures move with traffic, so refresh it when
			// connections change and, for the counters, twice a second.
			if v := s.Version(); !hold && (v != p.connVersion || now.Sub(p.connAt) > 500*time.Millisecond) {
				p.connVersion, p.connAt = v, now
				conns = s.Conns()
				// Unchanged figures need no repaint.
				connsChanged = !slices.Equal(conns, p.connsShown)
				p.connsShown = conns
			}
			nconn = s.ConnCount()
		case *netassist.TCPClient:
			if c := s.Conn(); c != nil && c.State() != netassist.StateClosed {
				nconn = 1
			}
			select {
			case <-s.Done():
				// A client session ends with its connection.
				ended = b
			default:
			}
		case *client.Client:
			select {
			case <-s.Done():
				ended = b
			default:
				nconn = 1
			}
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
	if !changed && !connsChanged && len(errs) == 0 && len(msgs) == 0 && !lost && ended == nil &&
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
		if connsChanged {
			p.conns.set(conns)
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

// statusEvery is how often the status line's figures move at most.
const statusEvery = 250 * time.Millisecond

// setShown tells the panel how to know whether its tab is on screen.
func (p *netPanel) setShown(f func() bool) {
	p.shown = f
	p.recv.hidden = func() bool { return !f() }
}

// onShown brings a tab that was hidden up to date; main goroutine.
func (p *netPanel) onShown() {
	p.recv.onShown()
	if p.statusLatest != "" {
		p.showStatus(p.statusLatest)
	}
}

// chunkWord names n reads (datagrams for UDP), singular for one.
func (p *netPanel) chunkWord(n uint64) string {
	switch {
	case p.kind == netassist.KindUDP && n == 1:
		return T("status.datagram", "datagram")
	case p.kind == netassist.KindUDP:
		return T("status.datagrams", "datagrams")
	case n == 1:
		return T("status.chunk", "chunk")
	}
	return T("status.chunks", "chunks")
}

// statusText is the status line; any goroutine.
func (p *netPanel) statusText(s netassist.CounterSnapshot, nconn int, rxRate, txRate float64) string {
	txt := Tf("status.line", "RX %s B · %s %s · %s/s    TX %s B · %s %s · %s/s", groupDigits(s.RxBytes), groupDigits(s.RxChunks), p.chunkWord(s.RxChunks), humanBytes(rxRate),
		groupDigits(s.TxBytes), groupDigits(s.TxChunks), p.chunkWord(s.TxChunks), humanBytes(txRate))
	if p.kind != netassist.KindUDP {
		txt += "    " + Tf("status.conns", "Connections: %d", nconn)
	}
	if dir, on := p.hub.Saving(); on {
		txt += "    " + Tf("status.saving", "Saving: %s", dir)
	}
	return txt
}

// showStatus shows the status line and keeps "Save traffic" true to the
// saver (it stops itself after a write error); main goroutine.
func (p *netPanel) showStatus(txt string) {
	setIfChanged(p.status, txt)
	if p.saveChk != nil {
		if _, on := p.hub.Saving(); !on && p.saveChk.Checked {
			p.saveChk.SetChecked(false) // hides the save line too
		}
	}
}

// connections is how many connections are open now; any goroutine.
func (p *netPanel) connections() int {
	b := p.sess.Load()
	if b == nil {
		return 0
	}
	switch s := b.s.(type) {
	case *netassist.TCPServer:
		return s.ConnCount()
	case *netassist.TCPClient:
		if c := s.Conn(); c != nil && c.State() != netassist.StateClosed {
			return 1
		}
	case *client.Client:
		select {
		case <-s.Done():
		default:
			return 1
		}
	}
	return 0
}

// feed is what the pump listens to for new events.
func (p *netPanel) feed() *netassist.Feed { return p.hub.Feed }
