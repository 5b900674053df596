package ui

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

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
		netassist.KindTCPRelay:   "tcp-relay://127.0.0.1:0?to=" + peer,
		netassist.KindUDPRelay:   "udp-relay://127.0.0.1:0?to=" + peer,
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

// Each kind of the table builds its panel, opens from its form on
// loopback (an HTTP server on a folder of its own), says that it is open,
// and closes again.
func TestEveryKindOpensAndCloses(t *testing.T) {
	peer := acceptAll(t)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.html"), []byte("<p>kinds</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	forms := map[netassist.Kind]netassist.Config{
		netassist.KindTCPServer:  {Kind: netassist.KindTCPServer, Local: "127.0.0.1:0", CloseOnFIN: true},
		netassist.KindTCPClient:  {Kind: netassist.KindTCPClient, Remote: peer, CloseOnFIN: true},
		netassist.KindUDP:        {Kind: netassist.KindUDP, Local: "127.0.0.1:0"},
		netassist.KindHTTPServer: {Kind: netassist.KindHTTPServer, Local: "127.0.0.1:0", Root: root},
		netassist.KindHTTPClient: {Kind: netassist.KindHTTPClient, Remote: peer},
		netassist.KindTCPRelay:   {Kind: netassist.KindTCPRelay, Local: "127.0.0.1:0", Remote: peer},
		netassist.KindUDPRelay:   {Kind: netassist.KindUDPRelay, Local: "127.0.0.1:0", Remote: peer},
	}
	a := newTestApp(t)
	for _, e := range kinds {
		t.Run(string(e.kind), func(t *testing.T) {
			cfg, ok := forms[e.kind]
			if !ok {
				t.Fatalf("no form for kind %s: add one", e.kind)
			}
			p := a.NewPanel(e.kind)
			p.fill(cfg)
			s := p.shared()
			test.Tap(s.openBtn)
			tickUntil(t, a, "open", func() bool { return s.openBtn.Text == T("sess.close", "Close") && s.reach.full != "" })
			if s.sessErr.Visible() {
				t.Fatalf("error line: %q", s.sessErr.Text)
			}
			if _, open := p.spec(); !open {
				t.Fatal("the panel says it is not open")
			}
			if l, ok := p.(listener); ok {
				proto, addr := l.listening()
				if _, port, _ := net.SplitHostPort(addr); proto == "" || port == "0" || port == "" {
					t.Fatalf("listening on %s %q", proto, addr)
				}
				if !strings.Contains(s.reach.full, Tf("sess.reachable", "Listening on %s — reachable at:\n%s", addr, "")) {
					t.Fatalf("reach line %q does not say it listens on %s", s.reach.full, addr)
				}
			} else {
				if !strings.HasPrefix(s.reach.full, Tf("sess.connectedfrom", "Connected from %s", "127.0.0.1:")) {
					t.Fatalf("reach line %q", s.reach.full)
				}
				tickUntil(t, a, "the status line counting the connection", func() bool {
					return strings.Contains(s.status.Text, Tf("status.conns", "Connections: %d", 1))
				})
			}
			test.Tap(s.openBtn)
			tickUntil(t, a, "closed", func() bool {
				_, open := p.spec()
				return !open && s.openBtn.Text == T("sess.open", "Open") && s.reach.full == ""
			})
		})
	}
}

// acceptAll is a loopback listener that accepts and holds every
// connection for the rest of the test; it returns its address.
func acceptAll(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return ln.Addr().String()
}
