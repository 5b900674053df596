package netassist

import (
	"errors"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// Kind is a session kind; the strings are the --open scheme names.
type Kind string

const (
	KindTCPServer  Kind = "tcp-server"
	KindTCPClient  Kind = "tcp-client"
	KindUDP        Kind = "udp"
	KindHTTPServer Kind = "http-server"
	KindHTTPClient Kind = "http-client"
	KindTCPRelay   Kind = "tcp-relay"
	KindUDPRelay   Kind = "udp-relay"
)

// Kinds lists the session kinds in the order the window offers them.
var Kinds = []Kind{KindTCPServer, KindTCPClient, KindUDP, KindHTTPServer, KindHTTPClient, KindTCPRelay, KindUDPRelay}

// Config is everything needed to open a session, whether typed in the form
// or given as --open SPEC.
type Config struct {
	Kind   Kind
	Local  string // host:port to listen on or bind; for a client, optional ":port" or "host:port"
	Remote string // host:port to connect to (client, relay upstream) or to send to (UDP)

	ConnectTimeout time.Duration // TCP client; 0 means 10 s
	CloseOnFIN     bool          // TCP: close a connection when its peer sends FIN
	// Framing splits each TCP connection's rx bytes into messages for the
	// display and the message counters; the zero value shows reads as
	// they come. Counters of bytes and saved files do not change.
	Framing framing.Config

	// Rules answer messages by themselves (TCP server and client, UDP): a
	// framed message, else each read, each datagram. nil: none. The
	// session's SetRules (Answerer) replaces them while it runs.
	Rules *rules.Set
	// RulesBack are a relay's server→client rules (answering the upstream
	// in place of the client); Rules are its client→server ones.
	RulesBack *rules.Set
	// HTTPRules answer an HTTP server's requests before its mode does.
	HTTPRules *rules.HTTPSet

	// UDP multicast: groups joined at Start, on Iface ("" picks the
	// interface the local address is on, or the system's default).
	Groups []string
	Iface  string

	// Relays: when the upstream refuses or cannot be reached, reset the
	// client's connection instead of closing it.
	ResetOnFail bool
	// UDPIdle is how long a UDP relay keeps a client's upstream socket
	// without traffic either way; 0 means DefaultUDPIdle.
	UDPIdle time.Duration

	// HTTP sessions.
	Root   string // http-server: folder to serve; "" serves the sample site
	Manual bool   // http-server: hold requests for a hand-written answer
	TLS    bool   // http-client
	// Proxy makes the http-server a reverse proxy to this upstream URL
	// (see CheckUpstream); Root is then not used. HoldRequests and
	// HoldResponses stop each request before it goes upstream, or each
	// response before it goes back, for the user to pass, edit or drop.
	Proxy                       string
	HoldRequests, HoldResponses bool
	// InsecureTLS skips certificate checks (http-client "do not verify").
	InsecureTLS bool
}

// Session is what every session kind offers the window, so that the
// window needs no knowledge of the concrete engine types. What only some
// kinds can do (UDP's send-to-address, a TCP connection's half-close) is
// on those types, which the kind's own panel holds.
type Session interface {
	Start() error // binds or connects synchronously; returns a friendly *OpError
	Close() error // stops everything; every goroutine has ended when it returns
	Hub() *Hub
	LocalAddr() string // where it is bound, once started

	// ConnCount is how many connections are open now (UDP has none).
	ConnCount() int
	// Done is closed once the session has ended: after Close, or when a
	// client's connection has ended on its own.
	Done() <-chan struct{}
	// ResetCounters zeroes the byte counters: the hub's and every open
	// connection's.
	ResetCounters()
	// SendConns queues data to the connections with the given ids, or to
	// every open connection when ids is nil. A client has one connection;
	// UDP has none and sends to Config.Remote.
	SendConns(ids []uint64, data []byte) error
}

// Queuer is a session whose sends wait in per-connection queues (TCP):
// Queued is how many bytes were handed over but are not yet written to the
// sockets, so "sent" can mean written. Sessions that write at once (UDP,
// the HTTP client) do not have it.
type Queuer interface{ Queued() int }

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
	case KindTCPRelay:
		return NewTCPRelay(cfg, NewHub(cfg.Name(), totals)), nil
	case KindUDPRelay:
		return NewUDPRelay(cfg, NewHub(cfg.Name(), totals)), nil
	}
	return nil, errors.New("netassist: no engine for kind " + string(cfg.Kind))
}
