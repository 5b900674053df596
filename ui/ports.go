package ui

import (
	"net"
	"strconv"

	"netassist/netassist"
)

// listener is a panel that may hold a local port while open.
type listener interface {
	// listening is the protocol ("tcp" or "udp") and the address the
	// panel's open session is bound to, or "" when it holds none.
	listening() (proto, addr string)
}

func (p *httpServerPanel) listening() (string, string) {
	if srv := p.srv.Load(); srv != nil && srv.Addr() != nil {
		return "tcp", srv.Addr().String()
	}
	return "", ""
}

// heldBy names the tab of this window whose open session holds port
// (proto "tcp" or "udp"), or "" when none does; main goroutine.
func (a *App) heldBy(proto, port string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for tab, p := range a.panels {
		l, ok := p.(listener)
		if !ok {
			continue
		}
		pr, addr := l.listening()
		if pr != proto {
			continue
		}
		if _, pt, err := net.SplitHostPort(addr); err == nil && pt == port {
			return tab.Text
		}
	}
	return ""
}

// freePort is port, or the next one above it that no session of this
// window holds, so a second server does not default to the first's port.
func (a *App) freePort(proto, port string) string {
	n, err := strconv.Atoi(port)
	if err != nil || n <= 0 {
		return port
	}
	for i := 0; i < 100 && n+i <= 65535; i++ {
		if p := strconv.Itoa(n + i); a.heldBy(proto, p) == "" {
			return p
		}
	}
	return port
}

// openErrText is errText, but a port held by another session of this
// window is said to be, rather than blamed on another program.
func (a *App) openErrText(err error, proto, local string) string {
	if netassist.CodeOf(err) == netassist.CodeAddrInUse {
		if _, port, e := net.SplitHostPort(local); e == nil {
			if tab := a.heldBy(proto, port); tab != "" {
				return Tf("err.port_ours", "Port %s is already used by the session \"%s\" in this window. Close that session or choose another port.", port, tab)
			}
		}
	}
	return errText(err)
}
