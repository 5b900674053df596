package netassist

import (
	"errors"
	"time"
)

// Kind is a session kind; the strings are the --open scheme names.
type Kind string

const (
	KindTCPServer  Kind = "tcp-server"
	KindTCPClient  Kind = "tcp-client"
	KindUDP        Kind = "udp"
	KindHTTPServer Kind = "http-server"
	KindHTTPClient Kind = "http-client"
)

// Kinds lists the session kinds in the order the window offers them.
var Kinds = []Kind{KindTCPServer, KindTCPClient, KindUDP, KindHTTPServer, KindHTTPClient}

// Config is everything needed to open a session, whether typed in the form
// or given as --open SPEC.
type Config struct {
	Kind   Kind
	Local  string // host:port to listen on or bind; for a client, optional ":port" or "host:port"
	Remote string // host:port to connect to (client) or to send to (UDP)

	ConnectTimeout time.Duration // TCP client; 0 means 10 s
	CloseOnFIN     bool          // TCP: close a connection when its peer sends FIN

	// UDP multicast: groups joined at Start, on Iface ("" picks the
	// interface the local address is on, or the system's default).
	Groups []string
	Iface  string

	// HTTP sessions.
	Root   string // http-server: folder to serve; "" serves the sample site
	Manual bool   // http-server: hold requests for a hand-written answer
	TLS    bool   // http-client
	// InsecureTLS skips certificate checks (http-client "do not verify").
	InsecureTLS bool
}

// Session is what every session kind offers the window.
type Session interface {
	Start() error // binds or connects synchronously; returns a friendly *OpError
	Close() error // stops everything; every goroutine has ended when it returns
	Hub() *Hub
	LocalAddr() string // where it is bound, once started
}

// ErrStarted is returned by a second Start.
var ErrStarted = errors.New("session already started")

// Name makes a session's display and file name from its config.
func (c Config) Name() string {
	switch c.Kind {
	case KindTCPClient, KindHTTPClient:
		return string(c.Kind) + " " + c.Remote
	}
	return string(c.Kind) + " " + c.Local
}

// New makes an unstarted session of a network kind. HTTP kinds are built
// by their own packages.
func New(cfg Config, totals *Counters) (Session, error) {
	switch cfg.Kind {
	case KindTCPServer:
		return NewTCPServer(cfg, NewHub(cfg.Name(), totals)), nil
	case KindTCPClient:
		return NewTCPClient(cfg, NewHub(cfg.Name(), totals)), nil
	case KindUDP:
		return NewUDP(cfg, NewHub(cfg.Name(), totals)), nil
	}
	return nil, errors.New("netassist: no engine for kind " + string(cfg.Kind))
}
