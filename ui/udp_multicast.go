package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// multicaster is a session that can join and leave multicast groups.
type multicaster interface {
	JoinGroup(group, ifname string) error
	LeaveGroup(group string) error
	Groups() []netassist.Membership
}

// multicastBox is the UDP panel's multicast section: the group to join, the
// interface to join it on, and the groups joined, each with a Leave button.
type multicastBox struct {
	group  *widget.Entry
	fGroup *field
	iface  *widget.Select
	join   *widget.Button
	joined *fyne.Container // one row per membership

	session func() multicaster // the open session, or nil
	changed func()             // after a join or leave (to remember the groups)
}

func autoIfaceText() string {
	return T("udp.ifauto", "Automatic (the local address's)")
}

func newMulticastBox(session func() multicaster, changed func()) *multicastBox {
	m := &multicastBox{session: session, changed: changed}
	m.group = widget.NewEntry()
	m.group.SetPlaceHolder("239.1.2.3")
	m.group.OnSubmitted = func(string) { m.onJoin() }
	m.fGroup = newField(T("udp.group", "Multicast group"), m.group)
	m.iface = widget.NewSelect(append([]string{autoIfaceText()}, netassist.MulticastIfaces()...), nil)
	m.iface.SetSelectedIndex(0)
	m.join = widget.NewButton(T("udp.join", "Join group"), m.onJoin)
	m.joined = container.NewVBox()
	return m
}

func (m *multicastBox) object() fyne.CanvasObject {
	return container.NewVBox(widget.NewLabel(m.fGroup.label), container.NewBorder(nil, nil, nil, m.join, m.group), m.fGroup.err,
		widget.NewLabel(T("udp.iface", "Interface")), m.iface, m.joined)
}

// ifaceName is the interface chosen, "" for automatic.
func (m *multicastBox) ifaceName() string {
	if m.iface.SelectedIndex() <= 0 {
		return ""
	}
	return m.iface.Selected
}

// setIface selects name ("" for automatic), adding it if this machine did
// not list it (a remembered interface that is gone shows up by name and the
// join says it is missing).
func (m *multicastBox) setIface(name string) {
	if name == "" {
		m.iface.SetSelectedIndex(0)
		return
	}
	for _, o := range m.iface.Options {
		if o == name {
			m.iface.SetSelected(name)
			return
		}
	}
	m.iface.Options = append(m.iface.Options, name)
	m.iface.SetSelected(name)
}

// checkGroup says what is wrong with the typed group, or "".
func checkGroup(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return T("udp.needgroup", "Type a multicast group address, e.g. 239.1.2.3 or ff05::1:3.")
	}
	if !netassist.IsMulticastGroup(s) {
		return Tf("udp.badgroup", "%s is not a multicast group address (224.0.0.0 to 239.255.255.255, or ff00::/8).", s)
	}
	return ""
}

func (m *multicastBox) onJoin() {
	if msg := checkGroup(m.group.Text); msg != "" {
		m.fGroup.setErr(msg)
		return
	}
	s := m.session()
	if s == nil {
		m.fGroup.setErr(T("udp.opennfirst", "Open the UDP session first."))
		return
	}
	if err := s.JoinGroup(m.group.Text, m.ifaceName()); err != nil {
		m.fGroup.setErr(errText(err))
		return
	}
	m.fGroup.setErr("")
	m.refresh()
	m.changed()
}

func (m *multicastBox) onLeave(group string) {
	if s := m.session(); s != nil {
		if err := s.LeaveGroup(group); err != nil {
			m.fGroup.setErr(errText(err))
		}
	}
	m.refresh()
	m.changed()
}

// refresh shows the session's groups; the interface is fixed while any is
// joined, so that what is remembered for the next start is what was joined.
func (m *multicastBox) refresh() {
	var groups []netassist.Membership
	if s := m.session(); s != nil {
		groups = s.Groups()
	}
	m.joined.RemoveAll()
	for _, g := range groups {
		leave := widget.NewButton(T("udp.leave", "Leave"), func() { m.onLeave(g.Group) })
		label := widget.NewLabel(Tf("udp.joinedon", "%s on %s", g.Group, g.Iface))
		label.Wrapping = fyne.TextWrapBreak
		m.joined.Add(container.NewBorder(nil, nil, nil, leave, label))
	}
	if len(groups) > 0 {
		m.iface.Disable()
	} else {
		m.iface.Enable()
	}
	m.joined.Refresh()
}

// groups is what the open session has joined, for its --open SPEC.
func (m *multicastBox) groups() []string {
	s := m.session()
	if s == nil {
		return nil
	}
	var out []string
	for _, g := range s.Groups() {
		out = append(out, g.Group)
	}
	return out
}

// multicastNote is a join or leave note in the user's words, or "".
func multicastNote(ev netassist.Event) string {
	if ev.Detail == netassist.NoteUnicastBind {
		return Tf("note.unicast_bind", "note: this session is bound to %s and only receives datagrams sent to that address; open it on 0.0.0.0 (or ::) to receive the group's", ev.Peer)
	}
	n, ok := netassist.ParseMulticastNote(ev.Detail)
	if !ok {
		return ""
	}
	if n.Verb == "left" {
		return Tf("note.left", "left multicast group %s on %s", n.Group, n.Iface)
	}
	switch n.How {
	case netassist.IfaceDefault:
		return Tf("note.joined_default", "joined multicast group %s on %s (the system's default interface for it)", n.Group, n.Iface)
	case netassist.IfaceLocal:
		return Tf("note.joined_local", "joined multicast group %s on %s (the interface of the local address)", n.Group, n.Iface)
	}
	return Tf("note.joined", "joined multicast group %s on %s", n.Group, n.Iface)
}
