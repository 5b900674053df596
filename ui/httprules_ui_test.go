package ui

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// openHTTPRulesDialog taps the HTTP server's Rules… and returns the dialog.
func openHTTPRulesDialog(t *testing.T, p *httpServerPanel) *httpRulesDialog {
	t.Helper()
	test.Tap(p.rules.open)
	if p.rules.dlg == nil {
		t.Fatal("Rules… opened no dialog")
	}
	return p.rules.dlg
}

func httpGet(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A rule made in the dialog of an open server answers the next request at
// once; the list and the summary show its hits and last time through the
// pump; rules reordered, duplicated, switched off and deleted change what
// answers.
func TestHTTPRulesDialogMakesARuleThatAnswers(t *testing.T) {
	a := newTestApp(t)
	a.win.Resize(fyne.NewSize(1600, 900))
	p, srv := openHTTPServer(t, a, false)
	url := "http://" + srv.Addr().String()
	d := openHTTPRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("user")
	d.method.SetText("get")
	d.path.SetText(`^/users/(?P<id>\d+)$`)
	d.headers.SetText("Content-Type: application/json\nX-User: ${id}")
	d.reply.SetText(`{"id": ${id}}`)
	test.Tap(d.okB)
	if p.rules.dlg != nil {
		t.Fatalf("OK with a good rule must close the dialog; error: %q", d.errLine.Text)
	}
	resp, body := httpGet(t, url+"/users/42")
	if resp.StatusCode != 200 || body != `{"id": 42}` || resp.Header.Get("X-User") != "42" || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer %d %v %q", resp.StatusCode, resp.Header, body)
	}
	if resp, _ := httpGet(t, url+"/"); resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("no rule matches /: the sample site must answer; got %d %v", resp.StatusCode, resp.Header)
	}
	tickUntil(t, a, "the hit in the summary", func() bool { return strings.Contains(p.rules.summary.Text, "hits: 1") })

	d = openHTTPRulesDialog(t, p)
	if row := d.rowText(0); !strings.Contains(row, "hits: 1") || !strings.Contains(row, "GET ^/users/") {
		t.Fatalf("row %q; want its method, path and 1 hit", row)
	}
	// A copy above the first, answering 418: first match wins.
	test.Tap(d.dupB)
	d.name.SetText("teapot")
	d.status.SetText("418")
	test.Tap(d.upB)
	test.Tap(d.applyB)
	if resp, _ := httpGet(t, url+"/users/1"); resp.StatusCode != 418 {
		t.Fatalf("after moving the copy up: %d; want 418", resp.StatusCode)
	}
	test.Tap(d.togB) // the copy off: the first rule answers again
	test.Tap(d.applyB)
	if resp, _ := httpGet(t, url+"/users/1"); resp.StatusCode != 200 {
		t.Fatalf("with the copy off: %d; want 200", resp.StatusCode)
	}
	if !strings.HasPrefix(d.rowText(0), "☐ teapot") {
		t.Fatalf("row %q; want it off", d.rowText(0))
	}
	d.list.Select(1)
	test.Tap(d.delB)
	test.Tap(d.okB)
	if resp, _ := httpGet(t, url+"/users/1"); resp.StatusCode != 404 {
		t.Fatalf("with only the copy (off): %d; want the folder's 404", resp.StatusCode)
	}
	tickUntil(t, a, "the summary of one rule, none on", func() bool { return strings.Contains(p.rules.summary.Text, "1 rules, 0 on") })
}

// A bad rule is refused at its field with the position, in English and
// in Chinese, and nothing is applied.
func TestHTTPRulesDialogRefusesABadRule(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			if err := LoadTranslations(lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { LoadTranslations("en") })
			a := newTestApp(t)
			p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
			d := openHTTPRulesDialog(t, p)
			test.Tap(d.addB)
			d.name.SetText("good")
			test.Tap(d.addB)
			d.name.SetText("bad")
			d.path.SetText(`^/a**`)
			d.list.Select(0) // the problem is in rule 2; Apply must go back to it
			test.Tap(d.applyB)
			if p.rules.current().Len() != 0 {
				t.Fatal("a set with a bad rule was applied")
			}
			pos := map[string]string{"en": "Position 4", "zh": "第 4"}[lang]
			if d.sel != 1 || !d.fPath.err.Visible() || !strings.Contains(d.fPath.err.Text, pos) {
				t.Fatalf("selected %d, path error %q (visible %v); want rule 2's path at %q", d.sel, d.fPath.err.Text, d.fPath.err.Visible(), pos)
			}
			d.path.SetText(`^/x$`)
			d.status.SetText("99")
			test.Tap(d.applyB)
			if !d.fStatus.err.Visible() || !strings.Contains(d.fStatus.err.Text, "99") || d.fPath.err.Visible() {
				t.Fatalf("status error %q; path error still shown: %v", d.fStatus.err.Text, d.fPath.err.Visible())
			}
			d.status.SetText("200")
			d.headers.SetText("no colon here")
			test.Tap(d.applyB)
			if !d.fHeaders.err.Visible() || !strings.Contains(d.fHeaders.err.Text, "no colon here") {
				t.Fatalf("header lines error %q", d.fHeaders.err.Text)
			}
			d.headers.SetText("")
			d.reply.SetText("${nope}")
			test.Tap(d.applyB)
			if !d.fReply.err.Visible() || !strings.Contains(d.fReply.err.Text, "${nope}") {
				t.Fatalf("body error %q", d.fReply.err.Text)
			}
			if lang == "zh" && !strings.Contains(d.errLine.Text, "规则 2") {
				t.Fatalf("error line %q; want it in Chinese", d.errLine.Text)
			}
			if p.rules.current().Len() != 0 {
				t.Fatal("a set with a bad rule was applied")
			}
			d.d.Hide()
		})
	}
}

// The test box reads a pasted request (\n line ends, a body without its
// length), says which rule answers and the exact bytes, and counts no hit.
func TestHTTPRulesDialogTestBox(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	d := openHTTPRulesDialog(t, p)
	d.testTime = func() time.Time { return time.Date(2026, 12, 5, 1, 2, 3, 0, time.UTC) }
	test.Tap(d.addB)
	d.name.SetText("login")
	d.method.SetText("POST")
	d.header.SetText("content-type")
	d.hvalue.SetText("json")
	d.body.SetText(`"user"`)
	d.status.SetText("201")
	d.reply.SetText("ok ${counter}")
	d.fire.SetSelectedIndex(1) // once
	test.Tap(d.applyB)
	d.testIn.SetText("POST /login HTTP/1.1\nHost: x\nContent-Type: application/json\n\n{\"user\": 1}")
	test.Tap(d.testRun)
	want := "HTTP/1.1 201 Created\\r\\n\nContent-Length: 4\\r\\n\nDate: Sat, 05 Dec 2026 01:02:03 GMT\\r\\n\n\\r\\n\nok 1"
	if !strings.Contains(d.testOut.Text, `Rule 1 “login” answers with`) || !strings.Contains(d.testOut.Text, want) {
		t.Fatalf("test says %q; want %q", d.testOut.Text, want)
	}
	if p.rules.current().Stats(0).Hits != 0 {
		t.Fatal("the test counted a hit")
	}
	test.Tap(d.testRun) // once: still answers, nothing was spent
	if !strings.Contains(d.testOut.Text, "ok 1") {
		t.Fatalf("second test says %q", d.testOut.Text)
	}
	d.testIn.SetText("POST /login HTTP/1.1\r\nContent-Type: text/plain\r\n\r\n{\"user\": 1}")
	test.Tap(d.testRun)
	if !strings.Contains(d.testOut.Text, "No rule matches") {
		t.Fatalf("test says %q", d.testOut.Text)
	}
	d.testIn.SetText("hello")
	test.Tap(d.testRun)
	if !strings.Contains(d.testOut.Text, "not an HTTP request") {
		t.Fatalf("test says %q", d.testOut.Text)
	}
	d.d.Hide()
}

// HTTP rules are remembered with the session kind and come back in a new
// tab (and so after a restart); --rules replaces them, shows in the area
// and answers; export and import carry them.
func TestHTTPRulesRememberedAndGivenByOpen(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	d := openHTTPRulesDialog(t, p)
	test.Tap(d.addB)
	d.name.SetText("kept")
	d.path.SetText("^/kept$")
	test.Tap(d.okB)
	q := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	if f := q.rules.current().File(); len(f.Rules) != 1 || f.Rules[0].Name != "kept" || f.Rules[0].Match.Path != "^/kept$" {
		t.Fatalf("a new tab has %+v; want the remembered rule", f.Rules)
	}
	if !strings.Contains(q.rules.summary.Text, "1 rules, 1 on") {
		t.Fatalf("summary %q", q.rules.summary.Text)
	}
	d = openHTTPRulesDialog(t, q)
	data := d.exportData()
	d.importData("x.json", []byte(`{"version":1,"rules":[{"name":"x","match":{"path":"("}}]}`))
	if !strings.Contains(d.errLine.Text, "x.json") || len(d.draft) != 1 || d.draft[0].Name != "kept" {
		t.Fatalf("a bad file: %q, draft %+v", d.errLine.Text, d.draft)
	}
	d.importData("kept.json", data)
	if len(d.draft) != 1 || d.draft[0].Match.Path != "^/kept$" || d.errLine.Visible() {
		t.Fatalf("exported then imported: %+v %q", d.draft, d.errLine.Text)
	}
	d.d.Hide()

	set, err := rules.LoadHTTP([]byte(`{"version":1,"rules":[{"name":"cli","match":{"path":"^/cli$"},"reply":{"template":"from the file"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := netassist.ParseSpec("http-server://127.0.0.1:0")
	cfg.HTTPRules = set
	op, err := a.OpenSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sp := op.(*httpServerPanel)
	if sp.rules.current() != set || !strings.Contains(sp.rules.summary.Text, "1 rules") {
		t.Fatalf("--rules did not reach the area: %q", sp.rules.summary.Text)
	}
	if _, body := httpGet(t, "http://"+sp.srv.Load().Addr().String()+"/cli"); body != "from the file" {
		t.Fatalf("answer %q", body)
	}
	if f := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel).rules.current().File(); len(f.Rules) != 1 || f.Rules[0].Name != "cli" {
		t.Fatalf("--rules are the remembered ones now, as for byte sessions: %+v", f.Rules)
	}
}

// A rule answering too fast is shown paused with Resume (the mode answers
// meanwhile); Resume lets it answer again.
func TestHTTPRulesPausedShownAndResumed(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
	set, err := rules.LoadHTTP([]byte(`{"version":1,"max_per_second":2,"rules":[{"name":"fast","match":{"path":"^/f$"},"reply":{"status":202}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p.rules.use(set)
	p.host.SetText("127.0.0.1")
	p.port.SetText("0")
	test.Tap(p.openBtn)
	url := "http://" + p.srv.Load().Addr().String() + "/f"
	// Three answers in the same instant (the engine's clock, not the
	// test's speed) pause the rule; it stays paused until Resume.
	now := time.Now()
	for range 3 {
		set.Respond(rules.HTTPRequest{Method: "GET", Path: "/f"}, now)
	}
	if !set.Stats(0).Paused {
		t.Fatal("three answers at once with a limit of 2 a second did not pause the rule")
	}
	tickUntil(t, a, "the pause shown", func() bool { return p.rules.resume.Visible() && strings.Contains(p.rules.paused.Text, "fast") })
	if resp, _ := httpGet(t, url); resp.StatusCode != 404 {
		t.Fatalf("paused: %d; want the folder's 404", resp.StatusCode)
	}
	test.Tap(p.rules.resume)
	if set.Stats(0).Paused || p.rules.resume.Visible() {
		t.Fatal("Resume did not resume")
	}
	if resp, _ := httpGet(t, url); resp.StatusCode != 202 {
		t.Fatalf("resumed: %d; want the rule's 202", resp.StatusCode)
	}
}

// The server's word that a rule was paused reaches the session line in the
// user's language, and Resume takes it away.
func TestHTTPRulesPauseNoteTranslated(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		t.Run(lang, func(t *testing.T) {
			if err := LoadTranslations(lang); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { LoadTranslations("en") })
			a := newTestApp(t)
			p := a.NewPanel(netassist.KindHTTPServer).(*httpServerPanel)
			set, err := rules.LoadHTTP([]byte(`{"version":1,"max_per_second":2,"rules":[{"name":"fast","match":{"path":"^/f$"},"reply":{"status":202}}]}`))
			if err != nil {
				t.Fatal(err)
			}
			p.rules.use(set)
			p.host.SetText("127.0.0.1")
			p.port.SetText("0")
			test.Tap(p.openBtn)
			url := "http://" + p.srv.Load().Addr().String() + "/f"
			// Three answers within one second pause it; a few more cover
			// a second that turns between them.
			for i := 0; i < 20 && !set.Stats(0).Paused; i++ {
				httpGet(t, url)
			}
			if !set.Stats(0).Paused {
				t.Fatal("20 requests at once with a limit of 2 a second did not pause the rule")
			}
			want := map[string]string{"en": "rule “fast” answers too fast", "zh": "规则“fast”应答过快"}[lang]
			tickUntil(t, a, "the pause on the session line", func() bool { return p.sessErr.Visible() && strings.Contains(p.sessErr.Text, want) })
			test.Tap(p.rules.resume)
			if p.sessErr.Visible() {
				t.Fatalf("after Resume the session line still says %q", p.sessErr.Text)
			}
		})
	}
}
