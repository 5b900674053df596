package netassist

import (
	"errors"
	"fmt"
	"net/url"
)

// proxyOptions reads an http-server's reverse proxy options: proxy=URL
// and hold=requests|responses|both.
func proxyOptions(cfg *Config, q url.Values) error {
	p, hasProxy := q["proxy"]
	if hasProxy {
		if len(p) != 1 {
			return errors.New("give one proxy=URL")
		}
		u, err := CheckUpstream(p[0])
		if err != nil {
			return err
		}
		if q.Get("root") != "" {
			return errors.New("root and proxy exclude each other: a server either serves a folder or forwards to an upstream")
		}
		if q.Get("mode") == "manual" {
			return errors.New("mode=manual does not apply to a reverse proxy: use hold=requests, hold=responses or hold=both")
		}
		cfg.Proxy = u.String()
	}
	h, hasHold := q["hold"]
	if !hasHold {
		return nil
	}
	if !hasProxy {
		return errors.New("hold applies to a reverse proxy (proxy=URL); without one use mode=manual")
	}
	switch h[len(h)-1] {
	case "requests":
		cfg.HoldRequests = true
	case "responses":
		cfg.HoldResponses = true
	case "both":
		cfg.HoldRequests, cfg.HoldResponses = true, true
	default:
		return fmt.Errorf("hold must be requests, responses or both, not %q", h[len(h)-1])
	}
	return nil
}

// addProxy writes proxyOptions' options back.
func addProxy(q url.Values, c Config) {
	if c.Proxy == "" {
		return
	}
	q.Set("proxy", c.Proxy)
	switch {
	case c.HoldRequests && c.HoldResponses:
		q.Set("hold", "both")
	case c.HoldRequests:
		q.Set("hold", "requests")
	case c.HoldResponses:
		q.Set("hold", "responses")
	}
	if c.InsecureTLS {
		q.Set("insecure", "1")
	}
}
