// The HTTP client session is a netPanel of kind http-client (a TCP or TLS
// connection with Parse as HTTP always on); this file holds what only it has.

package ui

import (
	"strconv"
	"strings"
)

// onRequestTemplate fills the send box with a request whose Host is the
// server typed in the form.
func (p *netPanel) onRequestTemplate(name string) {
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
