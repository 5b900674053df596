package netassist

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseSpec reads an --open SPEC:
//
//	tcp-server://HOST:PORT[?closeonfin=0][&frame=…]   tcp-client://HOST:PORT[?closeonfin=0][&frame=…]
//	udp://HOST:PORT[?remote=HOST:PORT][&join=GROUP[&iface=NAME]]   (join repeats)
//	http-server://HOST:PORT?root=DIR[&mode=manual]        http-client://HOST:PORT[?tls=1]
//	http-server://HOST:PORT?proxy=http://HOST2:PORT2[/PREFIX][&hold=requests|responses|both][&insecure=1]
//	tcp-relay://HOST:PORT?to=HOST2:PORT2[&onfail=reset][&frame=…]   udp-relay://HOST:PORT?to=HOST2:PORT2
//
// The error says what is wrong in words a user can act on.
func ParseSpec(spec string) (Config, error) {
	scheme, rest, ok := strings.Cut(spec, "://")
	if !ok {
		return Config{}, fmt.Errorf("%q: expected KIND://HOST:PORT, e.g. tcp-server://127.0.0.1:7890", spec)
	}
	kind := Kind(strings.ToLower(scheme))
	known := false
	for _, k := range Kinds {
		known = known || k == kind
	}
	if !known {
		return Config{}, fmt.Errorf("%q: unknown kind %q (use tcp-server, tcp-client, udp, http-server, http-client, tcp-relay or udp-relay)", spec, scheme)
	}
	hostport, query, _ := strings.Cut(rest, "?")
	if _, _, err := net.SplitHostPort(hostport); err != nil {
		return Config{}, fmt.Errorf("%q: %q is not HOST:PORT (IPv6 goes in brackets: [::1]:7890)", spec, hostport)
	}
	if err := CheckHostPort(hostport, false); err != nil {
		return Config{}, fmt.Errorf("%q: the port must be a number from 0 to 65535", spec)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return Config{}, fmt.Errorf("%q: bad options after '?': %v", spec, err)
	}
	cfg := Config{Kind: kind, CloseOnFIN: true}
	allowed := map[Kind][]string{
		KindTCPServer:  append([]string{"closeonfin"}, framingKeys...),
		KindTCPClient:  append([]string{"closeonfin"}, framingKeys...),
		KindUDP:        {"remote", "join", "iface"},
		KindHTTPServer: {"root", "mode", "proxy", "hold", "insecure"},
		KindHTTPClient: {"tls", "insecure"},
		KindTCPRelay:   append([]string{"to", "onfail"}, framingKeys...),
		KindUDPRelay:   {"to", "onfail"},
	}
	for key := range q {
		ok := false
		for _, a := range allowed[kind] {
			ok = ok || a == key
		}
		if !ok {
			return Config{}, fmt.Errorf("%q: option %q does not apply to %s", spec, key, kind)
		}
	}
	switch kind {
	case KindTCPClient, KindHTTPClient:
		host, port, _ := net.SplitHostPort(hostport)
		if host == "" {
			return Config{}, fmt.Errorf("%q: a client needs a host to connect to", spec)
		}
		if port == "0" {
			return Config{}, fmt.Errorf("%q: a client cannot connect to port 0", spec)
		}
		cfg.Remote = hostport
	default:
		cfg.Local = hostport
	}
	if r := q.Get("remote"); r != "" {
		if err := CheckHostPort(r, true); err != nil {
			return Config{}, fmt.Errorf("%q: remote %q is not HOST:PORT", spec, r)
		}
		if _, port, _ := net.SplitHostPort(r); port == "0" {
			return Config{}, fmt.Errorf("%q: remote %q: nothing can be sent to port 0", spec, r)
		}
		cfg.Remote = r
	}
	if kind == KindTCPRelay || kind == KindUDPRelay {
		to := q.Get("to")
		if to == "" {
			return Config{}, fmt.Errorf("%q: a relay needs the upstream to pass to: ?to=HOST:PORT", spec)
		}
		if err := CheckHostPort(to, true); err != nil {
			return Config{}, fmt.Errorf("%q: to %q is not HOST:PORT (IPv6 goes in brackets: [::1]:7890)", spec, to)
		}
		if _, port, _ := net.SplitHostPort(to); port == "0" {
			return Config{}, fmt.Errorf("%q: to %q: nothing can be reached at port 0", spec, to)
		}
		cfg.Remote = to
		switch v := q.Get("onfail"); v {
		case "", "close":
		case "reset":
			cfg.ResetOnFail = true
		default:
			return Config{}, fmt.Errorf("%q: onfail must be close or reset, not %q", spec, v)
		}
	}
	for _, g := range q["join"] {
		if !IsMulticastGroup(g) {
			return Config{}, fmt.Errorf("%q: join %q is not a multicast group address (e.g. 239.1.2.3 or ff05::1:3)", spec, g)
		}
		cfg.Groups = append(cfg.Groups, net.ParseIP(strings.TrimSpace(g)).String())
	}
	cfg.Iface = q.Get("iface")
	if _, ok := q["iface"]; ok && cfg.Iface == "" {
		return Config{}, fmt.Errorf("%q: iface needs an interface name, e.g. iface=lo", spec)
	}
	cfg.Root = q.Get("root")
	switch m := q.Get("mode"); m {
	case "", "static":
	case "manual":
		cfg.Manual = true
	default:
		return Config{}, fmt.Errorf("%q: mode must be static or manual, not %q", spec, m)
	}
	if err := proxyOptions(&cfg, q); err != nil {
		return Config{}, fmt.Errorf("%q: %v", spec, err)
	}
	if v := q.Get("closeonfin"); v != "" {
		on, ok := flagValue(v)
		if !ok {
			return Config{}, fmt.Errorf("%q: closeonfin must be 1 or 0, not %q", spec, v)
		}
		cfg.CloseOnFIN = on
	}
	if kind == KindTCPServer || kind == KindTCPClient || kind == KindTCPRelay {
		fc, err := framingFor(q)
		if err != nil {
			return Config{}, fmt.Errorf("%q: %v", spec, err)
		}
		cfg.Framing = fc
	}
	for _, key := range []string{"tls", "insecure"} {
		on, ok := flagValue(q.Get(key))
		if !ok {
			return Config{}, fmt.Errorf("%q: %s must be 1 or 0 (true/false, yes/no, on/off), not %q", spec, key, q.Get(key))
		}
		if key == "tls" {
			cfg.TLS = on
		} else {
			cfg.InsecureTLS = on
		}
	}
	return cfg, nil
}

// flagValue reads an on/off option; ok is false for a word that is
// neither, so a typo is refused rather than taken as "off".
func flagValue(s string) (on, ok bool) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true, true
	case "", "0", "false", "no", "off":
		return false, true
	}
	return false, false
}

// Spec writes cfg back as an --open SPEC (used to remember sessions).
func (c Config) Spec() string {
	addr := c.Local
	if c.Kind == KindTCPClient || c.Kind == KindHTTPClient {
		addr = c.Remote
	}
	q := url.Values{}
	if (c.Kind == KindTCPServer || c.Kind == KindTCPClient) && !c.CloseOnFIN {
		q.Set("closeonfin", "0")
	}
	if c.Kind == KindTCPServer || c.Kind == KindTCPClient || c.Kind == KindTCPRelay {
		addFraming(q, c.Framing)
	}
	if c.Kind == KindTCPRelay || c.Kind == KindUDPRelay {
		q.Set("to", c.Remote)
		if c.ResetOnFail {
			q.Set("onfail", "reset")
		}
	}
	if c.Kind == KindUDP && c.Remote != "" {
		q.Set("remote", c.Remote)
	}
	if c.Kind == KindUDP {
		if len(c.Groups) > 0 {
			q["join"] = c.Groups
		}
		if c.Iface != "" {
			q.Set("iface", c.Iface)
		}
	}
	if c.Kind == KindHTTPServer {
		if c.Root != "" {
			q.Set("root", c.Root)
		}
		if c.Manual {
			q.Set("mode", "manual")
		}
	}
	if c.Kind == KindHTTPServer {
		addProxy(q, c)
	}
	if c.Kind == KindHTTPClient && c.TLS {
		q.Set("tls", "1")
		if c.InsecureTLS {
			q.Set("insecure", "1")
		}
	}
	s := string(c.Kind) + "://" + addr
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}
