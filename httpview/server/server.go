// Package server is the HTTP server session of NetAssist: a static file
// server (a chosen folder or the embedded sample site) or a manual one whose
// requests wait for a hand-written answer, capturing every exchange as the
// exact bytes that crossed the socket. It never imports a GUI toolkit; the
// UI polls Version and Exchanges.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// Config says what an HTTP server session serves and how.
type Config struct {
	Addr string // "host:port"; port 0 picks a free one
	Root string // folder to serve; "" serves Site

	// Site is the embedded sample site, served when Root is "": pass
	// assets.Site (its files are under "site/"). It is a field rather than
	// an import because package assets imports fyne and this package must
	// not, even indirectly.
	Site fs.FS

	// Manual holds requests for Respond. With ManualPaths empty every path
	// is manual; otherwise only paths matching one of its patterns are,
	// and the rest is served statically. A pattern ending in "/" or "*"
	// matches every path that starts with it (without the "*"), any other
	// pattern matches that exact path: "/api/", "/login", "/img*".
	Manual      bool
	ManualPaths []string
	Timeout     time.Duration // how long a manual request waits before it gets 504; 0 means 60 s

	ShowDotfiles bool // serve names starting with "." (hidden, 404, by default)

	// Upstream, when set, makes the server a reverse proxy to it: an
	// http:// or https:// URL as netassist.CheckUpstream takes it. Root,
	// Site and Manual are then not used; HoldRequests and HoldResponses
	// hold (the ManualPaths of) requests before they go upstream and
	// responses before they go back, for Forward, Respond or Drop.
	Upstream                    string
	UpstreamTLS                 *tls.Config // an https upstream's; nil verifies with the system's roots
	HoldRequests, HoldResponses bool

	// Rules answer matching requests before the mode does; nil: none.
	Rules *rules.HTTPSet

	Recorder netassist.Recorder // every byte, connect and disconnect; nil records nothing
	Session  string             // Event.Session
	Log      logrus.FieldLogger // nil means the logrus standard logger
}

// DefaultTimeout is the manual answer timeout when Config.Timeout is 0.
const DefaultTimeout = 60 * time.Second

// Limits of the hardened net/http.Server. A learner's browser sends a few
// KiB of headers and keeps connections for a minute or so; a slow-loris or
// slow-body client is cut off by the timeouts.
const (
	maxHeaderBytes    = 32 << 10 // net/http allows 4 KiB more, then answers 431
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second // whole request, body included
	writeIdle         = 30 * time.Second // each write must progress within this
	idleTimeout       = 60 * time.Second
)

var (
	// ErrStarted is returned by a second Start.
	ErrStarted = errors.New("http server: already started")
	// ErrNotPending is returned by Respond for an exchange that is not (or
	// no longer) waiting for an answer.
	ErrNotPending = errors.New("http server: the request is not waiting for an answer")
)

// Server is one HTTP server session. New, then Start; Close ends it.
type Server struct {
	cfg      Config
	log      logrus.FieldLogger
	rec      netassist.Recorder
	store    *store
	nextConn atomic.Uint64

	// Timeouts copied from the constants so that tests can shorten them
	// before Start.
	readHeaderTimeout, readTimeout, writeIdle, idleTimeout time.Duration
	maxBody                                                int64 // MaxBody
	upstreamHeaders                                        time.Duration

	fsys     fs.FS      // what static mode serves
	root     *os.Root   // when serving a folder
	embedded bool       // serving the sample site: /submit answers its form
	etags    sync.Map   // embedded file name → ETag (its files have no modification time)
	files    *fileCache // small files of the folder; nil for the sample site

	noFastLane bool          // tests: every request through net/http
	noLoop     bool          // tests: the fast lane on a goroutine per connection, as without epoll
	loopFail   chan struct{} // tests: closed, the event loop's next epoll_wait fails
	fastServed atomic.Uint64 // requests the fast lane answered

	hs  *http.Server
	ln  net.Listener
	lis *listener // ln as Serve accepts from it

	proxy *proxy // reverse proxy mode; nil otherwise

	rules atomic.Pointer[rules.HTTPSet] // SetRules replaces it while serving; nil: none

	mu       sync.Mutex
	started  bool
	closed   bool
	conns    map[*conn]struct{}
	pending  map[uint64]*parked
	handlers sync.WaitGroup // handlers and the Serve loop
	done     chan struct{}  // closed by Close: parked handlers give up
}

type nopRecorder struct{}

func (nopRecorder) Record(netassist.Event) {}

// New prepares a server; nothing is bound until Start.
func New(cfg Config) *Server {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Server{
		cfg: cfg, log: cfg.Log, rec: cfg.Recorder, store: newStore(),
		readHeaderTimeout: readHeaderTimeout, readTimeout: readTimeout,
		writeIdle: writeIdle, idleTimeout: idleTimeout, maxBody: MaxBody, upstreamHeaders: upstreamHeaders,
		conns: make(map[*conn]struct{}), pending: make(map[uint64]*parked),
		done: make(chan struct{}),
	}
	if cfg.Root != "" {
		s.files = newFileCache()
	}
	s.rules.Store(cfg.Rules)
	if s.log == nil {
		s.log = logrus.StandardLogger()
	}
	s.log = s.log.WithField("session", cfg.Session)
	if s.rec == nil {
		s.rec = nopRecorder{}
	}
	return s
}

// Start opens the folder and binds the address, returning either error at
// once (a bind error wraps the system's, so errors.Is(err,
// syscall.EADDRINUSE) tells "address in use"), then serves in the
// background. A second Start fails with ErrStarted; after a failed one the
// server can be started again.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return ErrStarted
	}
	if s.closed {
		return http.ErrServerClosed
	}

	where := "serving the sample site"
	switch {
	case s.cfg.Upstream != "":
		px, err := s.newProxy()
		if err != nil {
			return err
		}
		s.proxy, where = px, "forwarding to "+px.target.String()
	case s.cfg.Root == "":
		if s.cfg.Site == nil {
			return errors.New("http server: no folder chosen and no sample site given")
		}
		sub, err := fs.Sub(s.cfg.Site, "site")
		if err != nil {
			return fmt.Errorf("sample site: %w", err)
		}
		s.fsys, s.embedded = sub, true
	default:
		root, err := os.OpenRoot(s.cfg.Root)
		if err != nil {
			return &FolderError{Path: s.cfg.Root, Err: err}
		}
		s.root, s.fsys = root, folderFS(root)
		where = "serving " + s.cfg.Root
	}

	// No TCP keep-alive on accepted connections, as nginx: Go's default
	// costs four socket options per connection, and idle ones are closed
	// after idleTimeout anyway. The other options are the listening
	// socket's, for the event loop to accept with (listenOptions).
	lc := net.ListenConfig{KeepAlive: -1, Control: listenOptions}
	ln, err := lc.Listen(context.Background(), netassist.ListenNetwork("tcp", s.cfg.Addr), s.cfg.Addr)
	if err != nil {
		if s.root != nil {
			s.root.Close()
		}
		return netassist.WrapError("listen", s.cfg.Addr, err)
	}
	s.started, s.ln = true, ln
	l := newListener(ln, s, !s.noFastLane && (s.proxy == nil || s.proxy.fastOK()))
	s.lis = l
	s.hs = &http.Server{
		Handler: http.HandlerFunc(s.serve),
		// "OPTIONS *" reaches serve, which answers it with Allow.
		DisableGeneralOptionsHandler: true,
		MaxHeaderBytes:               maxHeaderBytes,
		ReadHeaderTimeout:            s.readHeaderTimeout,
		ReadTimeout:                  s.readTimeout,
		IdleTimeout:                  s.idleTimeout,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			if rc, ok := c.(*replayConn); ok {
				c = rc.conn
			}
			return context.WithValue(ctx, connKey{}, c)
		},
		ErrorLog: log.New(logWriter{s.log}, "", 0),
	}
	s.rec.Record(netassist.Event{Time: time.Now(), Session: s.cfg.Session, Kind: netassist.EvOpen,
		Detail: "listening on " + ln.Addr().String() + ", " + where})
	s.log.WithField("addr", ln.Addr().String()).Info("http server: " + where)

	s.handlers.Add(1)
	go func() {
		defer s.handlers.Done()
		// The fast lane answers from the folder's files, or forwards to a
		// plain http upstream that nothing holds (proxy_fast.go); rules
		// come first (fastServe hands a request to net/http while there
		// are rules).
		err := s.hs.Serve(l)
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.WithError(err).Error("http server: serve ended")
		}
	}()
	return nil
}

// Addr is the bound address (nil before Start).
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Close stops listening, closes every connection (hijacked ones too),
// gives up on held requests and returns when every goroutine of the server
// has ended. Closing twice is harmless.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.started || s.closed {
		s.closed = true
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()

	err := s.hs.Close()
	s.mu.Lock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	s.handlers.Wait()
	if s.proxy != nil {
		s.proxy.close()
	}
	if s.root != nil {
		s.root.Close()
	}
	s.rec.Record(netassist.Event{Time: time.Now(), Session: s.cfg.Session, Kind: netassist.EvClose})
	return err
}

type connKey struct{}

// serve is the root handler: every request becomes an exchange, then goes
// to manual, the sample form or static.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c, _ := r.Context().Value(connKey{}).(*conn)
	s.mu.Lock()
	if s.closed || c == nil {
		s.mu.Unlock()
		panic(http.ErrAbortHandler) // no answer rather than net/http's empty 200
	}
	s.handlers.Add(1)
	s.mu.Unlock()
	defer s.handlers.Done()

	id := c.cap.begin(r, time.Now())
	c.rule.Store(nil) // a rule's name marks only its own answer's bytes
	if set := s.activeRules(); set != nil && s.serveRule(w, r, c, id, set) {
		return
	}
	switch {
	case s.proxy != nil:
		s.serveProxy(w, r, c, id)
	case s.isManual(r.URL.Path):
		s.serveManual(w, r, c, id)
	case r.Method == http.MethodOptions && r.RequestURI == "*":
		s.serveOptions(w, r, c, id)
	case s.embedded && r.URL.Path == submitPath:
		s.serveSubmit(w, r)
	default:
		s.serveStatic(w, r, c, id)
	}
}

// isManual reports whether path waits for a hand-written answer.
func (s *Server) isManual(path string) bool {
	if !s.cfg.Manual {
		return false
	}
	return s.pathHeld(path)
}

// pathHeld reports whether path matches ManualPaths (all do when empty).
func (s *Server) pathHeld(path string) bool {
	if len(s.cfg.ManualPaths) == 0 {
		return true
	}
	for _, p := range s.cfg.ManualPaths {
		switch {
		case strings.HasSuffix(p, "*"):
			if strings.HasPrefix(path, strings.TrimSuffix(p, "*")) {
				return true
			}
		case strings.HasSuffix(p, "/"):
			if strings.HasPrefix(path, p) {
				return true
			}
		case path == p:
			return true
		}
	}
	return false
}

func (s *Server) record(kind netassist.EventKind, c *conn, data []byte, detail string, now time.Time) {
	s.rec.Record(netassist.Event{Time: now, Session: s.cfg.Session, Kind: kind,
		Conn: c.id, Peer: c.peer, Data: data, Detail: detail})
}

// SetRules replaces the rules at once, for the requests that come after;
// nil or an empty set: none.
func (s *Server) SetRules(set *rules.HTTPSet) { s.rules.Store(set) }

// Rules is the set in use (nil: none).
func (s *Server) Rules() *rules.HTTPSet { return s.rules.Load() }

// activeRules is the set when it has a rule to look at, else nil.
func (s *Server) activeRules() *rules.HTTPSet {
	if set := s.rules.Load(); set != nil && set.Len() > 0 {
		return set
	}
	return nil
}

// logWriter carries net/http's own complaints (handler panics, bad
// WriteHeader calls) to the application log.
type logWriter struct{ log logrus.FieldLogger }

func (w logWriter) Write(p []byte) (int, error) {
	w.log.Warn(strings.TrimSpace(string(p)))
	return len(p), nil
}
