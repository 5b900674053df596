package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// The relay's Rules tab: a rule made in the server→client area's dialog
// answers the upstream in place of the client at once (the relay is
// open), its hit is shown, and a new relay tab remembers both areas.
func TestRelayRulesAnswerUpstreamAndAreRemembered(t *testing.T) {
	a := newTestApp(t)
	up, ups := upstreamPeer(t)
	p, addr := openRelay(t, a, up)
	c := dialPeer(t, addr)
	s := <-ups

	d := openRulesDialog(t, relayBack{p})
	test.Tap(d.addB)
	d.name.SetText("ka")
	d.pattern.SetText("KA?")
	d.reply.SetText("KA!")
	test.Tap(d.okB)
	if d.errLine.Text != "" {
		t.Fatalf("dialog refused: %s", d.errLine.Text)
	}
	s.Write([]byte("KA?"))
	if got := readExactly(t, s, 3); got != "KA!" {
		t.Fatalf("upstream got %q", got)
	}
	s.Write([]byte("data"))
	if got := readExactly(t, c, 4); got != "data" {
		t.Fatalf("client got %q: the answered message must not pass", got)
	}
	tickUntil(t, a, "the hit shown", func() bool {
		return p.rulesBack.summary.Text == Tf("rules.summary", "%d rules, %d on · hits: %s", 1, 1, "1")
	})
	tickUntil(t, a, "the reply shown under its rule", func() bool {
		texts, _ := rowsOf(p.recv)
		return strings.Contains(strings.Join(texts, "\n"), Tf("rules.mark", "auto-reply: %s", "ka")+" "+T("relay.to.server", "→ server"))
	})
	if p.rules.current().Len() != 0 {
		t.Fatal("the rule went to the client → server area too")
	}
	q := a.NewPanel(netassist.KindTCPRelay).(*relayPanel)
	if f := q.rulesBack.current().File(); len(f.Rules) != 1 || f.Rules[0].Name != "ka" {
		t.Fatalf("a new relay tab has %+v; want the remembered rule", f.Rules)
	}
	// --rules gives both directions.
	c2s, s2c, err := rules.LoadRelay([]byte(`{"version":1,"rules":[{"name":"x","reply":{"template":"x"}},{"name":"y","direction":"server-to-client","reply":{"template":"y"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := netassist.ParseSpec("tcp-relay://127.0.0.1:0?to=" + up)
	cfg.Rules, cfg.RulesBack = c2s, s2c
	op, err := a.OpenSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rp := op.(*relayPanel)
	if rp.rules.current() != c2s || rp.rulesBack.current() != s2c {
		t.Fatal("--rules did not reach the relay's areas")
	}
	if r := rp.relay().(netassist.RelayRuler); r.DirRules(netassist.ClientToServer) != c2s || r.DirRules(netassist.ServerToClient) != s2c {
		t.Fatal("the open relay did not get the rules")
	}
}

// relayBack is the relay's server→client area as a rulesHaver.
type relayBack struct{ p *relayPanel }

func (b relayBack) rulesOf() *rulesArea { return b.p.rulesBack }

// At 1024×700, in English and in Chinese, the relay's Rules tab shows
// both directions' titles and Rules… buttons whole.
func TestRelayRulesTabAt1024x700(t *testing.T) {
	for _, lng := range []string{"en", "zh"} {
		t.Run(lng, func(t *testing.T) {
			if err := LoadTranslations(lng); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { LoadTranslations("en") })
			a := newTestApp(t)
			up, _ := upstreamPeer(t)
			p, _ := openRelay(t, a, up)
			p.held.tabs.SelectIndex(3)
			a.win.Resize(fyne.NewSize(1024, 700))
			a.pump.tick(time.Now())
			drawn := drawnText(a.win.Content())
			for _, s := range []string{T("relay.rules.c2s", "Client → server"), T("relay.rules.s2c", "Server → client"), T("rules.open", "Rules…")} {
				if !strings.Contains(drawn, noSpace(s)) {
					t.Errorf("%q not drawn whole at 1024×700", s)
				}
			}
			if !p.rules.open.Visible() || !p.rulesBack.open.Visible() {
				t.Error("a Rules… button is hidden")
			}
			if dir := os.Getenv("NETASSIST_SHOTS"); dir != "" { // for a person to look at
				f, _ := os.Create(filepath.Join(dir, "relay-rules-"+lng+".png"))
				png.Encode(f, a.win.Canvas().Capture())
				f.Close()
			}
		})
	}
}
