package ui

import (
	"errors"
	"strings"

	"netassist/httpview/client"
	"netassist/netassist"
)

// sendData sends to the panel's target; it never blocks on the network.
func (p *netPanel) sendData(data []byte) error {
	b := p.sess.Load()
	if b == nil {
		return &netassist.OpError{Code: netassist.CodeNotConnected, Op: "send"}
	}
	switch s := b.s.(type) {
	case *netassist.TCPServer:
		var ids []uint64
		if p.sendToSelected() {
			ids = p.selectedIDs()
			if len(ids) == 0 {
				return errors.New(T("send.noselection", "No connection is selected: click one in the list (or tick it), or choose \"Send to all\"."))
			}
		}
		_, err := s.Send(ids, data)
		return err
	case *netassist.TCPClient:
		return s.Send(data)
	case *client.Client:
		return s.Send(data)
	case *netassist.UDP:
		if p.replyLastOn() {
			return s.ReplyLast(data)
		}
		dest := p.udpDestText()
		if err := netassist.CheckHostPort(dest, true); err != nil {
			return err
		}
		return s.SendTo(dest, data)
	}
	return nil
}

// The send path may run on a repeat or file goroutine, so it reads the
// target settings from copies the widgets' callbacks keep.
func (p *netPanel) sendToSelected() bool { return p.toSelected.Load() }

func (p *netPanel) selectedIDs() []uint64 { return p.conns.selection() }

func (p *netPanel) replyLastOn() bool { return p.replyOn.Load() }

func (p *netPanel) udpDestText() string {
	v, _ := p.destText.Load().(string)
	return strings.TrimSpace(v)
}

// reportAsync shows an error from a background send in the session.
func (p *netPanel) reportAsync(err error) {
	p.errMu.Lock()
	p.pendingErrs = append(p.pendingErrs, errText(err))
	p.errMu.Unlock()
}

func (p *netPanel) onConnAction(ids []uint64, a connAction) {
	b := p.sess.Load()
	if b == nil {
		return
	}
	if len(ids) == 0 {
		p.showSessErr(noSelectionText())
		return
	}
	p.showSessErr("")
	srv, ok := b.s.(*netassist.TCPServer)
	if !ok {
		return
	}
	go func() {
		for _, id := range ids {
			c := srv.Conn(id)
			if c == nil {
				continue
			}
			switch a {
			case actHalfClose:
				if err := c.HalfClose(); err != nil {
					p.reportAsync(err)
				}
			case actClose:
				c.Close(false)
			case actReset:
				c.Close(true)
			}
		}
	}()
}

// onConnSelected clears the "nothing selected" note once there is a
// selection; other errors stay.
func (p *netPanel) onConnSelected() {
	if p.sessErr.Text == noSelectionText() {
		p.showSessErr("")
	}
}

func noSelectionText() string {
	return T("conns.noselection", "No connection is selected: click a connection in the list (or tick it), then press the button again.")
}

// finSetter is a session whose "close when the peer closes" can change
// while it is open.
type finSetter interface{ SetCloseOnFIN(on bool) }

// onCloseOnFIN applies the box at once to an open session: its current
// connections and the next ones.
func (p *netPanel) onCloseOnFIN(on bool) {
	if b := p.sess.Load(); b != nil {
		if s, ok := b.s.(finSetter); ok {
			s.SetCloseOnFIN(on)
		}
	}
}

// multicaster is the open session as a multicaster, or nil.
func (p *netPanel) multicaster() multicaster {
	if b := p.sess.Load(); b != nil {
		if m, ok := b.s.(multicaster); ok {
			return m
		}
	}
	return nil
}

func (p *netPanel) onSaveToggled(on bool) {
	if !on {
		p.hub.StopSavingAsync() // the disk may be slow: never wait for it here
		p.saveLine.show("")
		return
	}
	dir, err := p.hub.StartSaving(p.app.saveDir())
	if err != nil {
		p.saveChk.SetChecked(false)
		p.showSessErr(Tf("save.failed", "Saving failed: %v", errText(err)))
		return
	}
	p.saveLine.show(dir)
}

func (p *netPanel) onResetCounters() {
	p.hub.Counters.Reset()
	if b := p.sess.Load(); b != nil {
		if srv, ok := b.s.(*netassist.TCPServer); ok {
			for _, ci := range srv.Conns() {
				if c := srv.Conn(ci.ID); c != nil {
					c.Counters.Reset()
				}
			}
		}
		if c, ok := b.s.(*netassist.TCPClient); ok && c.Conn() != nil {
			c.Conn().Counters.Reset()
		}
	}
}
