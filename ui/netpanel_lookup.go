package ui

import (
	"errors"

	"netassist/netassist"
)

// A UDP datagram to a host name waits for the name lookup, which can take
// seconds; from the send box it goes out from a goroutine instead of the UI
// thread. Such sends keep their order, and a failure is shown in the
// session as a repeat's is.

// maxLookupQueue bounds the sends waiting behind a slow lookup.
const maxLookupQueue = 64

type lookupSend struct {
	u    *netassist.UDP
	dest string
	data []byte
}

// sendFromBox is the send box's Send button: sendData, except for a UDP
// datagram to a name. Main goroutine.
func (p *netPanel) sendFromBox(data []byte) error {
	b := p.sess.Load()
	if b == nil {
		return p.sendData(data)
	}
	u, ok := b.s.(*netassist.UDP)
	if !ok || p.replyLastOn() {
		return p.sendData(data)
	}
	dest := p.udpDestText()
	if err := netassist.CheckHostPort(dest, true); err != nil {
		return err
	}
	if !netassist.NeedsLookup(dest) {
		return u.SendTo(dest, data)
	}
	p.lookupMu.Lock()
	defer p.lookupMu.Unlock()
	if len(p.lookups) >= maxLookupQueue {
		return errors.New(Tf("send.lookupbusy", "Still looking up %s for the previous sends; try again in a moment.", dest))
	}
	p.lookups = append(p.lookups, lookupSend{u: u, dest: dest, data: data})
	if len(p.lookups) == 1 {
		go p.runLookups()
	}
	return nil
}

// runLookups sends the queued datagrams in order, then ends.
func (p *netPanel) runLookups() {
	for {
		p.lookupMu.Lock()
		if len(p.lookups) == 0 {
			p.lookupMu.Unlock()
			return
		}
		s := p.lookups[0]
		p.lookupMu.Unlock()
		if err := s.u.SendTo(s.dest, s.data); err != nil {
			p.reportAsync(err)
		}
		p.lookupMu.Lock()
		p.lookups = p.lookups[1:]
		p.lookupMu.Unlock()
	}
}
