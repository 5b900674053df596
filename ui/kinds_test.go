package ui

import (
	"net"
	"strings"
	"testing"

	"fyne.io/fyne/v2/driver/desktop"

	"netassist/netassist"
)

// Every kind the engine knows is a row of the table, and each row gives a
// toolbar button, a menu item with its shortcut, a tab title, and a
// session that opens from its --open spec.
func TestEveryKindOpens(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	peer := ln.Addr().String()
	specs := map[netassist.Kind]string{
		netassist.KindTCPServer:  "tcp-server://127.0.0.1:0",
		netassist.KindTCPClient:  "tcp-client://" + peer,
		netassist.KindUDP:        "udp://127.0.0.1:0",
		netassist.KindHTTPServer: "http-server://127.0.0.1:0",
		netassist.KindHTTPClient: "http-client://" + peer,
	}
	for _, k := range netassist.Kinds {
		if kindOf(k) == nil {
			t.Errorf("engine kind %s is not in the window's table", k)
		}
	}
	a := newTestApp(t)
	menu := a.win.MainMenu().Items[0]
	shortcuts := map[string]bool{}
	for i, e := range kinds {
		spec, ok := specs[e.kind]
		if !ok {
			t.Fatalf("no test spec for kind %s: add one", e.kind)
		}
		it := menu.Items[i]
		if want := Tf("menu.new_kind", "New %s", kindTitle(e.kind)); it.Label != want {
			t.Errorf("menu item %d is %q; want %q", i, it.Label, want)
		}
		sc, ok := it.Shortcut.(*desktop.CustomShortcut)
		if !ok {
			t.Errorf("%s: menu item without a shortcut", e.kind)
		} else if name := sc.ShortcutName(); shortcuts[name] {
			t.Errorf("%s: shortcut %s used twice", e.kind, name)
		} else {
			shortcuts[name] = true
		}
		cfg, err := netassist.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.OpenSession(cfg)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if p.title() != kindTitle(e.kind) {
			t.Errorf("%s: panel title %q", e.kind, p.title())
		}
		if tab := a.tabs.Selected(); tab == nil || !strings.HasPrefix(tab.Text, kindTitle(e.kind)+" ") {
			t.Errorf("%s: tab title %v", e.kind, tab)
		}
	}
	tickUntil(t, a, "every session open", func() bool {
		for _, p := range a.panels {
			if _, open := p.spec(); !open {
				return false
			}
		}
		return len(a.panels) == len(kinds)
	})
}
