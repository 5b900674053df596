package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// copyExchange is what the copy buttons act on: the selected request and
// its response as raw bytes (either may be nil), and how to reach the
// server when the request has no Host header.
type copyExchange struct {
	req, resp    []byte // in a list of single messages, req is the message
	response     bool   // req is a response: it can be copied raw only
	scheme, host string
}

// copyBar is the copy buttons of HTTP message views: Copy as curl and
// Copy request (or Copy raw) on the request view's title row, Copy
// response on the response view's, and a short line that says what was
// copied. On the title rows they take no height from the views.
type copyBar struct {
	fa       fyne.App
	selected func() (copyExchange, bool)
	curlBtn  *widget.Button
	reqBtn   *widget.Button
	respBtn  *widget.Button
	said     *widget.Label
}

// newCopyBar puts the buttons on req's title row, and Copy response on
// resp's when resp is not nil (views where a selection is a whole
// exchange); call it before their object(). selected runs on the main
// goroutine.
func newCopyBar(fa fyne.App, req, resp *msgView, selected func() (copyExchange, bool)) *copyBar {
	b := &copyBar{fa: fa, selected: selected, said: widget.NewLabel("")}
	b.said.Truncation = fyne.TextTruncateEllipsis
	b.curlBtn = widget.NewButton(T("copy.curl", "Copy as curl"), b.onCurl)
	b.reqBtn = widget.NewButton(T("copy.raw", "Copy raw"), b.onRequest)
	req.extra = []fyne.CanvasObject{b.curlBtn, b.reqBtn}
	req.said = b.said
	if resp != nil {
		b.reqBtn.SetText(T("copy.request", "Copy request"))
		b.respBtn = widget.NewButton(T("copy.response", "Copy response"), b.onResponse)
		resp.extra = []fyne.CanvasObject{b.respBtn}
	}
	return b
}

func (b *copyBar) onCurl() {
	ex, ok := b.selected()
	if !ok || len(ex.req) == 0 || ex.response {
		b.say(T("copy.no_request", "Select a request first."))
		return
	}
	cmd := curlCommand(ex.req, ex.scheme, ex.host)
	if cmd == "" {
		b.say(T("copy.not_request", "This is not a request that curl can send."))
		return
	}
	b.fa.Clipboard().SetContent(cmd)
	b.say(T("copy.curl_done", "Copied (bash)."))
}

func (b *copyBar) onRequest() {
	ex, ok := b.selected()
	if !ok || len(ex.req) == 0 {
		b.say(T("copy.no_message", "Select a message first."))
		return
	}
	b.copyRaw(ex.req)
}

func (b *copyBar) onResponse() {
	ex, ok := b.selected()
	if !ok || len(ex.resp) == 0 {
		b.say(T("copy.no_response", "The selected request has no response yet."))
		return
	}
	b.copyRaw(ex.resp)
}

// copyRaw puts the bytes on the clipboard as they are; a clipboard holds
// text, so bytes that are not UTF-8 may not survive every paste target.
func (b *copyBar) copyRaw(raw []byte) {
	b.fa.Clipboard().SetContent(string(raw))
	b.say(Tf("copy.raw_done", "Copied %s B.", groupDigits(uint64(len(raw)))))
}

func (b *copyBar) say(s string) { setIfChanged(b.said, s) }
