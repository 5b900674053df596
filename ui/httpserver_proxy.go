package ui

import (
	"crypto/tls"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
	"netassist/netassist"
	"netassist/netassist/codec"
)

// proxyPane is what the HTTP server panel adds for its reverse proxy mode
// (Forward to): the upstream and hold settings, the upstream leg's views
// beside the client leg's, and the buttons that pass on or drop a held
// request or response.
type proxyPane struct {
	upstream *widget.Entry
	fUp      *field
	holdReq  *widget.Check
	holdResp *widget.Check
	insecure *widget.Check
	box      *fyne.Container // the settings above, shown in Forward mode

	upReqView  *msgView
	upRespView *msgView
	reqTabs    *container.AppTabs // Request | To upstream
	upRespTab  *container.TabItem

	bar        *fyne.Container // the buttons for a held exchange
	fwdBtn     *widget.Button
	fwdEditBtn *widget.Button
	dropBtn    *widget.Button
	dropClose  *widget.Check

	prefilled [2]uint64 // the held exchange (id, Held) the editor was filled with
}

func modeForward() string { return T("http.forward", "Forward to") }

// buildProxy makes the proxy pane's widgets; its settings go under the
// mode chooser.
func (p *httpServerPanel) buildProxy() fyne.CanvasObject {
	x := &p.px
	pr := p.app.fa.Preferences()
	x.upstream = widget.NewEntry()
	x.upstream.SetPlaceHolder("http://127.0.0.1:8081")
	x.upstream.SetText(pr.String("http-server.upstream"))
	x.fUp = newField(T("http.upstream", "Upstream (http:// or https://)"), x.upstream)
	x.holdReq = widget.NewCheck(T("http.holdreq", "Hold requests"), nil)
	x.holdResp = widget.NewCheck(T("http.holdresp", "Hold responses"), nil)
	x.insecure = widget.NewCheck(T("http.upinsecure", "Do not verify its certificate"), nil)
	x.box = container.NewVBox(x.fUp.object(), x.holdReq, x.holdResp, x.insecure)
	x.box.Hide()

	x.upReqView = newMsgView(T("http.uprequest", "To upstream"))
	x.upRespView = newMsgView(T("http.upresponse", "From upstream"))
	x.reqTabs = container.NewAppTabs(container.NewTabItem(T("http.request", "Request"), widget.NewLabel("")),
		container.NewTabItem(T("http.uprequest", "To upstream"), x.upReqView.object()))
	x.upRespTab = container.NewTabItem(T("http.upresponse", "From upstream"), x.upRespView.object())

	x.fwdBtn = widget.NewButton(T("http.forward.asis", "Forward"), p.onForward)
	x.fwdBtn.Importance = widget.HighImportance
	x.fwdEditBtn = widget.NewButton(T("http.forward.edited", "Forward edited"), p.onForwardEdited)
	x.dropBtn = widget.NewButton(T("http.drop", "Drop"), p.onDrop)
	x.dropClose = widget.NewCheck(T("http.drop.close", "by closing"), nil)
	x.bar = container.NewHBox(x.fwdBtn, x.fwdEditBtn, x.dropBtn, x.dropClose)
	x.bar.Hide()
	return x.box
}

// onMode shows the settings of the chosen mode.
func (p *httpServerPanel) onMode(mode string) {
	if p.px.box == nil || p.rootObj == nil {
		return
	}
	if mode == modeForward() {
		p.rootObj.Hide()
		p.px.box.Show()
	} else {
		p.px.box.Hide()
		p.rootObj.Show()
	}
}

// configProxy reads the Forward to settings into cfg; false when the
// upstream is not a URL the proxy can use.
func (p *httpServerPanel) configProxy(cfg *netassist.Config) bool {
	x := &p.px
	x.fUp.setErr("")
	if p.mode.Selected != modeForward() {
		return true
	}
	u, err := netassist.CheckUpstream(x.upstream.Text)
	if err != nil {
		x.fUp.setErr(errText(err))
		return false
	}
	cfg.Root, cfg.Manual = "", false
	cfg.Proxy = u.String()
	cfg.HoldRequests, cfg.HoldResponses = x.holdReq.Checked, x.holdResp.Checked
	cfg.InsecureTLS = x.insecure.Checked && u.Scheme == "https"
	return true
}

// fillProxy puts a proxy spec's settings in the form.
func (p *httpServerPanel) fillProxy(cfg netassist.Config) {
	if cfg.Proxy == "" {
		return
	}
	x := &p.px
	p.mode.SetSelected(modeForward())
	x.upstream.SetText(cfg.Proxy)
	x.holdReq.SetChecked(cfg.HoldRequests)
	x.holdResp.SetChecked(cfg.HoldResponses)
	x.insecure.SetChecked(cfg.InsecureTLS)
}

// proxyDisableables are the settings that cannot change while open.
func (p *httpServerPanel) proxyDisableables() []fyne.Disableable {
	return []fyne.Disableable{p.px.upstream, p.px.holdReq, p.px.holdResp, p.px.insecure}
}

// showProxyTabs lays the detail out for a proxy (both legs, and the
// answer tab when it holds) or, before showCompose, for the other modes.
func (p *httpServerPanel) showProxyTabs(cfg netassist.Config) {
	x := &p.px
	if cfg.Proxy == "" {
		// Back to the other modes' layout; showCompose then places the
		// response view. A view is in one container at a time.
		x.reqTabs.Items[0].Content = widget.NewLabel("")
		p.reqSlot.Objects = []fyne.CanvasObject{p.reqObj}
		p.respTabs.SetItems([]*container.TabItem{container.NewTabItem(T("http.response", "Response"), widget.NewLabel("")), p.answerTab})
		x.bar.Hide()
		p.reqSlot.Refresh()
		return
	}
	x.reqTabs.Items[0].Content = p.reqObj
	x.reqTabs.SelectIndex(0)
	p.reqSlot.Objects = []fyne.CanvasObject{x.reqTabs}
	p.reqSlot.Refresh()
	items := []*container.TabItem{container.NewTabItem(T("http.response", "Response"), p.respObj), x.upRespTab}
	if cfg.HoldRequests || cfg.HoldResponses {
		items = append(items, p.answerTab)
		x.bar.Show()
	} else {
		x.bar.Hide()
	}
	p.respTabs.SetItems(items)
	p.respSlot.Objects = []fyne.CanvasObject{p.respTabs}
	p.respSlot.Refresh()
}

// showUpstream shows the selected exchange's upstream leg and, for a
// held one, fills the editor with what is held.
func (p *httpServerPanel) showUpstream(ex server.Exchange) {
	x := &p.px
	if x.upReqView == nil {
		return
	}
	if len(ex.UpRequest) > 0 {
		x.upReqView.show(ex.UpRequest, true, "")
	} else {
		x.upReqView.show(nil, true, "")
	}
	if len(ex.UpResponse) > 0 {
		x.upRespView.show(ex.UpResponse, false, ex.Method)
	} else {
		x.upRespView.show(nil, false, "")
	}
	x.upRespView.note(upErrText(ex.UpError))
	if ex.State != server.StatePending || ex.Held == server.HeldNone {
		return
	}
	switch ex.Held {
	case server.HeldRequest:
		p.answerFor.SetText(Tf("http.heldreq", "Held request #%d %s %s: forward, edit, answer or drop it.", ex.ID, ex.Method, ex.Target))
		x.fwdEditBtn.Enable()
	case server.HeldResponse:
		p.answerFor.SetText(Tf("http.heldresp", "Held response to #%d %s %s: forward, edit (Send answer) or drop it.", ex.ID, ex.Method, ex.Target))
		x.fwdEditBtn.Disable() // an edited response goes with Send answer
	}
	if k := [2]uint64{ex.ID, uint64(ex.Held)}; x.prefilled != k {
		x.prefilled = k
		held := ex.RawRequest
		if ex.Held == server.HeldResponse {
			held = ex.UpResponse
		}
		// Shown with plain line breaks; "Line ends CRLF" puts the CRs back.
		p.crlf.SetChecked(true)
		p.editor.SetText(strings.ReplaceAll(string(held), "\r\n", "\n"))
	}
}

// heldSelected is the selected exchange when the proxy holds it.
func (p *httpServerPanel) heldSelected() (*server.Server, server.Exchange, bool) {
	srv := p.srv.Load()
	if srv == nil {
		p.showAnswerErr(errors.New(T("http.notopen", "Open the server first.")))
		return nil, server.Exchange{}, false
	}
	ex, ok := srv.Exchange(p.selected)
	if !ok || ex.State != server.StatePending || ex.Held == server.HeldNone {
		p.showAnswerErr(errors.New(T("http.noheld", "Select a held request or response in the list above.")))
		return nil, server.Exchange{}, false
	}
	return srv, ex, true
}

func (p *httpServerPanel) onForward() {
	if srv, ex, ok := p.heldSelected(); ok {
		p.showAnswerErr(srv.Forward(ex.ID, nil))
	}
}

func (p *httpServerPanel) onForwardEdited() {
	srv, ex, ok := p.heldSelected()
	if !ok {
		return
	}
	nl := codec.NewlineAsTyped
	if p.crlf.Checked {
		nl = codec.NewlineCRLF
	}
	raw, err := codec.Encode(p.editor.Text, codec.SendOptions{Mode: codec.ModeText, Escapes: true, Newline: nl, Charset: codec.UTF8})
	if err != nil {
		p.showAnswerErr(err)
		return
	}
	p.showAnswerErr(srv.Forward(ex.ID, raw))
}

func (p *httpServerPanel) onDrop() {
	if srv, ex, ok := p.heldSelected(); ok {
		p.showAnswerErr(srv.Drop(ex.ID, p.px.dropClose.Checked))
	}
}

// upErrText is why the upstream gave no (whole) answer, in the user's
// words; "" when it did.
func upErrText(e server.UpError) string {
	switch e {
	case server.UpOK:
		return ""
	case server.UpRefused:
		return T("up.refused", "The upstream refused the connection: nothing listens there. 502 sent.")
	case server.UpReset:
		return T("up.reset", "The upstream reset the connection before answering. 502 sent.")
	case server.UpClosed:
		return T("up.closed", "The upstream closed the connection before answering. 502 sent.")
	case server.UpTimeout:
		return T("up.timeout", "The upstream did not answer in time. 504 sent.")
	case server.UpNoHost:
		return T("up.nohost", "The upstream's host name is not known. 502 sent.")
	case server.UpTLS:
		return T("up.tls", "The TLS handshake with the upstream failed (its certificate is not trusted, or it does not speak TLS). 502 sent.")
	case server.UpCutShort:
		return T("up.cut", "The upstream's response broke off; the client's connection was cut.")
	case server.UpBadAnswer:
		return T("up.badanswer", "The upstream did not answer with HTTP. 502 sent.")
	}
	return T("up.other", "The upstream could not be reached. 502 sent.")
}

// upstreamErrText words a refused upstream URL.
func upstreamErrText(e *netassist.UpstreamError) string {
	switch e.Code {
	case netassist.UpstreamBadScheme:
		return T("up.badscheme", "The upstream must start with http:// or https://, e.g. http://127.0.0.1:8081.")
	case netassist.UpstreamNoHost:
		return T("up.badhost", "The upstream needs a host and a port from 1 to 65535, e.g. http://127.0.0.1:8081.")
	}
	return T("up.extra", "The upstream may have a /path but no user name, query (?) or fragment (#).")
}

// upstreamTLS is the proxy's TLS configuration for an https upstream: the
// system's roots, or none checked when the user said so.
func upstreamTLS(cfg netassist.Config) *tls.Config {
	if cfg.Proxy != "" && cfg.InsecureTLS {
		return &tls.Config{InsecureSkipVerify: true} // the user's choice for a test upstream
	}
	return nil
}
