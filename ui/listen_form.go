package ui

import (
	"net"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// listenForm is the local address and port a TCP server or UDP session
// binds: a component of their panels.
type listenForm struct {
	localHost *widget.SelectEntry
	localPort *widget.Entry
	fLocal    *field
	fPort     *field
}

func (f *listenForm) buildListen() []fyne.CanvasObject {
	f.localHost = widget.NewSelectEntry(netassist.ListenAddrs())
	f.localPort = widget.NewEntry()
	f.fLocal = newField(T("sess.localaddr", "Local address"), f.localHost)
	f.fPort = newField(T("sess.localport", "Local port"), f.localPort)
	return []fyne.CanvasObject{f.fLocal.object(), f.fPort.object()}
}

func (f *listenForm) listenFields() []fyne.Disableable {
	return []fyne.Disableable{f.localHost, f.localPort}
}

// readListen checks the fields and puts the address into cfg.Local; field
// errors are shown beside their fields.
func (f *listenForm) readListen(cfg *netassist.Config) bool {
	ok := true
	f.fLocal.setErr("")
	if strings.TrimSpace(f.localHost.Text) == "" {
		f.fLocal.setErr(T("field.needhost", "Type a host name or IP address."))
		ok = false
	}
	if ip := strings.Trim(strings.TrimSpace(f.localHost.Text), "[]"); ok && net.ParseIP(ip) == nil && ip != "localhost" {
		f.fLocal.setErr(T("field.badip", "Choose one of this machine's addresses, 0.0.0.0 or ::."))
		ok = false
	}
	if !checkPortField(f.fPort, f.localPort.Text, false) {
		ok = false
	}
	cfg.Local = netassist.JoinHostPort(strings.Trim(strings.TrimSpace(f.localHost.Text), "[]"), f.localPort.Text)
	return ok
}

func (f *listenForm) fillListen(cfg netassist.Config) {
	if h, port, err := net.SplitHostPort(cfg.Local); err == nil {
		f.localHost.SetText(h)
		f.localPort.SetText(port)
	}
}

// localPortOr is the typed local port, or def when there is none.
func (f *listenForm) localPortOr(def string) string {
	if strings.TrimSpace(f.localPort.Text) != "" {
		return strings.TrimSpace(f.localPort.Text)
	}
	return def
}

// loadListen puts the remembered address back; a port another session of
// this window holds is moved past.
func (f *listenForm) loadListen(a *App, key func(string) string, proto, defPort string) {
	pr := a.fa.Preferences()
	f.localHost.SetText(pr.StringWithFallback(key("host"), "0.0.0.0"))
	f.localPort.SetText(a.freePort(proto, pr.StringWithFallback(key("port"), defPort)))
}

func (f *listenForm) saveListen(a *App, key func(string) string, cfg netassist.Config) {
	pr := a.fa.Preferences()
	if h, port, err := net.SplitHostPort(cfg.Local); err == nil {
		pr.SetString(key("host"), h)
		pr.SetString(key("port"), port)
	}
}

// checkPortField shows a port error beside f; an empty optional port is
// fine.
func checkPortField(f *field, val string, optional bool) bool {
	f.setErr("")
	if optional && strings.TrimSpace(val) == "" {
		return true
	}
	if netassist.CheckPort(val) != nil {
		f.setErr(T("field.badport", "The port must be a number from 0 to 65535."))
		return false
	}
	return true
}
