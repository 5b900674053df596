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
func (p *udpPanel) sendFromBox(data []byte) error {
	u, dest, ok := p.namedUDPDest()
	if !ok {
		return p.sendData(data)
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

// namedUDPDest is the open UDP session and its valid destination when
// that is a host name to look up (not "reply to the last sender").
func (p *udpPanel) namedUDPDest() (*netassist.UDP, string, bool) {
	u := p.udp()
	if u == nil || p.replyLastOn() {
		return nil, "", false
	}
	dest := p.udpDestText()
	if netassist.CheckHostPort(dest, true) != nil || !netassist.NeedsLookup(dest) {
		return nil, "", false
	}
	return u, dest, true
}

// runLookups sends the queued datagrams in order, then ends.
func (p *udpPanel) runLookups() {
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
