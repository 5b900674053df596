package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
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

// copyBar is the row of copy buttons over an HTTP message view: Copy as
// curl, Copy request, Copy response (the raw bytes exactly), with a line
// that says what was copied.
type copyBar struct {
	fa       fyne.App
	selected func() (copyExchange, bool)
	curlBtn  *widget.Button
	reqBtn   *widget.Button
	respBtn  *widget.Button
	said     *widget.Label
	box      *fyne.Container
}

// newCopyBar makes the bar; withResp adds Copy response, for views where a
// selection is a whole exchange. selected runs on the main goroutine.
func newCopyBar(fa fyne.App, withResp bool, selected func() (copyExchange, bool)) *copyBar {
	b := &copyBar{fa: fa, selected: selected, said: widget.NewLabel("")}
	b.curlBtn = widget.NewButton(T("copy.curl", "Copy as curl"), b.onCurl)
	b.reqBtn = widget.NewButton(T("copy.raw", "Copy raw"), b.onRequest)
	row := container.NewHBox(b.curlBtn, b.reqBtn)
	if withResp {
		b.reqBtn.SetText(T("copy.request", "Copy request"))
		b.respBtn = widget.NewButton(T("copy.response", "Copy response"), b.onResponse)
		row.Add(b.respBtn)
	}
	b.said.Truncation = fyne.TextTruncateEllipsis
	b.box = container.NewBorder(nil, nil, row, nil, b.said)
	return b
}

func (b *copyBar) object() fyne.CanvasObject { return b.box }

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
	b.say(T("copy.curl_done", "Copied a curl command (for bash) to the clipboard."))
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
	b.say(Tf("copy.raw_done", "Copied %s bytes to the clipboard.", groupDigits(uint64(len(raw)))))
}

func (b *copyBar) say(s string) { setIfChanged(b.said, s) }
