package ui

import (
	"net"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
)

// connectForm is the server to connect to, the optional local port and
// the connect timeout of a TCP or HTTP client: a component of their
// panels.
type connectForm struct {
	remoteHost *widget.Entry
	remotePort *widget.Entry
	localPort  *widget.Entry
	timeout    *widget.Entry
	fRemote    *field
	fRPort     *field
	fPort      *field
}

func (f *connectForm) buildConnect() {
	f.remoteHost = widget.NewEntry()
	f.remotePort = widget.NewEntry()
	f.localPort = widget.NewEntry()
	f.localPort.SetPlaceHolder(T("sess.auto", "automatic"))
	f.timeout = widget.NewEntry()
	f.timeout.SetText("10")
	f.fRemote = newField(T("sess.remotehost", "Server host"), f.remoteHost)
	f.fRPort = newField(T("sess.remoteport", "Server port"), f.remotePort)
	f.fPort = newField(T("sess.clientlocalport", "Local port (optional)"), f.localPort)
}

// timeoutObjects are the connect timeout's label and entry.
func (f *connectForm) timeoutObjects() []fyne.CanvasObject {
	return []fyne.CanvasObject{widget.NewLabel(T("sess.timeout", "Connect timeout (s)")), f.timeout}
}

func (f *connectForm) connectFields() []fyne.Disableable {
	return []fyne.Disableable{f.remoteHost, f.remotePort, f.localPort, f.timeout}
}

// readConnect checks the fields and puts them into cfg; field errors are
// shown beside their fields.
func (f *connectForm) readConnect(cfg *netassist.Config) bool {
	ok := true
	f.fRemote.setErr("")
	if strings.TrimSpace(f.remoteHost.Text) == "" {
		f.fRemote.setErr(T("field.needhost", "Type a host name or IP address."))
		ok = false
	}
	ok = checkPortField(f.fRPort, f.remotePort.Text, false) && ok
	ok = checkPortField(f.fPort, f.localPort.Text, true) && ok
	cfg.Remote = netassist.JoinHostPort(strings.Trim(strings.TrimSpace(f.remoteHost.Text), "[]"), f.remotePort.Text)
	if lp := strings.TrimSpace(f.localPort.Text); lp != "" {
		cfg.Local = net.JoinHostPort("", lp)
	}
	if s, err := strconv.ParseFloat(strings.TrimSpace(f.timeout.Text), 64); err == nil && s > 0 {
		cfg.ConnectTimeout = time.Duration(s * float64(time.Second))
	}
	return ok
}

func (f *connectForm) fillConnect(cfg netassist.Config) {
	if h, port, err := net.SplitHostPort(cfg.Remote); err == nil {
		f.remoteHost.SetText(h)
		f.remotePort.SetText(port)
	}
	if _, port, err := net.SplitHostPort(cfg.Local); err == nil {
		f.localPort.SetText(port)
	}
}

func (f *connectForm) loadConnect(a *App, key func(string) string, defPort string) {
	pr := a.fa.Preferences()
	f.remoteHost.SetText(pr.StringWithFallback(key("host"), "127.0.0.1"))
	f.remotePort.SetText(pr.StringWithFallback(key("port"), defPort))
	f.localPort.SetText(pr.String(key("localport")))
	f.timeout.SetText(pr.StringWithFallback(key("timeout"), "10"))
}

func (f *connectForm) saveConnect(a *App, key func(string) string, cfg netassist.Config) {
	pr := a.fa.Preferences()
	if h, port, err := net.SplitHostPort(cfg.Remote); err == nil {
		pr.SetString(key("host"), h)
		pr.SetString(key("port"), port)
	}
	pr.SetString(key("localport"), strings.TrimSpace(f.localPort.Text))
	pr.SetString(key("timeout"), strings.TrimSpace(f.timeout.Text))
}
