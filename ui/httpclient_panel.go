package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/client"
	"netassist/netassist"
)

// httpClientPanel is an HTTP client session: a TCP or TLS connection whose
// traffic is always read as HTTP, with request templates for the send box.
type httpClientPanel struct {
	trafficPanel
	connectForm
	tlsChk   *widget.Check
	insecure *widget.Check
	tmpl     *widget.Select
}

func newHTTPClientPanel(a *App, n int) *httpClientPanel {
	p := &httpClientPanel{}
	p.initTraffic(a, netassist.KindHTTPClient, n, "tcp", p, p.sendAll)
	p.reachText = connectedText
	return p
}

func (p *httpClientPanel) build() fyne.CanvasObject {
	p.buildSession()
	p.buildConnect()
	p.tlsChk = widget.NewCheck(T("http.tls", "TLS (https)"), nil)
	p.insecure = widget.NewCheck(T("http.insecure", "Do not verify the certificate"), nil)
	settings := []fyne.CanvasObject{p.fRemote.object(), p.fRPort.object(), p.tlsChk, p.insecure}
	settings = append(settings, p.timeoutObjects()...)
	p.http = newHTTPTraffic(false)
	p.http.scheme = p.scheme
	p.fields = p.connectFields()
	p.loadConnect(p.app, p.prefKey, "8080")

	p.tmpl = widget.NewSelect([]string{"GET", "POST (form)", "POST (JSON)"}, p.onRequestTemplate)
	p.tmpl.PlaceHolder = T("http.template", "Template…")
	obj := p.layout(settings, nil, p.tmpl, nil)
	p.send.newline.SetSelectedIndex(1) // CRLF: what HTTP needs
	p.http.on.Store(true)
	p.recvTabs.SelectIndex(1)
	p.loadOptions()
	return obj
}

func (p *httpClientPanel) config() (netassist.Config, bool) {
	cfg := netassist.Config{Kind: netassist.KindHTTPClient, TLS: p.tlsChk.Checked, InsecureTLS: p.insecure.Checked}
	ok := p.readConnect(&cfg)
	return cfg, ok
}

// fill puts a config into the form (for --open and remembered sessions).
func (p *httpClientPanel) fill(cfg netassist.Config) {
	p.fillConnect(cfg)
	p.tlsChk.SetChecked(cfg.TLS)
	p.insecure.SetChecked(cfg.InsecureTLS)
}

// open starts connecting as pressing Open does; the outcome arrives
// through the pump.
func (p *httpClientPanel) open(cfg netassist.Config) error {
	s := client.New(client.Config{Addr: cfg.Remote, TLS: cfg.TLS, Insecure: cfg.InsecureTLS, Timeout: cfg.ConnectTimeout}, p.hub)
	p.startConnect(s, s.StartContext, cfg)
	return nil
}

func (p *httpClientPanel) saveSettings(cfg netassist.Config) { p.saveConnect(p.app, p.prefKey, cfg) }

// onRequestTemplate fills the send box with a request whose Host is the
// server typed in the form.
func (p *httpClientPanel) onRequestTemplate(name string) {
	host := strings.TrimSpace(p.remoteHost.Text)
	port := strings.TrimSpace(p.remotePort.Text)
	hostHdr := host
	if strings.Contains(host, ":") {
		hostHdr = "[" + host + "]"
	}
	if !(port == "80" && !p.tlsChk.Checked) && !(port == "443" && p.tlsChk.Checked) {
		hostHdr += ":" + port
	}
	var req string
	switch name {
	case "GET":
		req = "GET / HTTP/1.1\nHost: " + hostHdr + "\nUser-Agent: NetAssist\nAccept: */*\n\n"
	case "POST (form)":
		body := "name=test1&city=%E5%8C%97%E4%BA%AC"
		req = "POST /submit HTTP/1.1\nHost: " + hostHdr + "\nContent-Type: application/x-www-form-urlencoded\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body
	case "POST (JSON)":
		body := `{"message": "hello"}`
		req = "POST /api HTTP/1.1\nHost: " + hostHdr + "\nContent-Type: application/json\nContent-Length: " + strconv.Itoa(len(body)) + "\n\n" + body
	}
	// Real line breaks in the box; "Newline CRLF" turns them into CRLF.
	p.send.mode.SetSelected(T("send.text", "Text"))
	p.send.newline.SetSelectedIndex(1)
	p.send.entry.SetText(req)
}

// scheme is the URL scheme of the requests sent (for Copy as curl).
func (p *httpClientPanel) scheme() string {
	if p.tlsChk.Checked {
		return "https"
	}
	return "http"
}
