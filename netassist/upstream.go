package netassist

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// Why an upstream URL is refused; UpstreamError.Code.
const (
	UpstreamBadScheme = "scheme" // not http:// or https://
	UpstreamNoHost    = "host"   // no host, or a port that is not 1–65535
	UpstreamExtra     = "extra"  // user info, a query or a fragment
)

// UpstreamError says what is wrong with a reverse proxy's upstream URL.
type UpstreamError struct {
	URL  string
	Code string
}

func (e *UpstreamError) Error() string {
	switch e.Code {
	case UpstreamBadScheme:
		return "upstream " + quote(e.URL) + " must start with http:// or https://"
	case UpstreamNoHost:
		return "upstream " + quote(e.URL) + " needs a host and a port from 1 to 65535, e.g. http://127.0.0.1:8081"
	}
	return "upstream " + quote(e.URL) + " may have a path but no user, query (?) or fragment (#)"
}

func quote(s string) string { return "\"" + s + "\"" }

// CheckUpstream reads the upstream of an HTTP server in reverse proxy
// mode: http:// or https://, HOST[:PORT] (the scheme's port when left
// out), and an optional path prefix that every forwarded path is put
// under. The URL it returns has an explicit port and no trailing slash.
func CheckUpstream(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return nil, &UpstreamError{URL: s, Code: UpstreamBadScheme}
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, &UpstreamError{URL: s, Code: UpstreamNoHost}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &UpstreamError{URL: s, Code: UpstreamBadScheme}
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return nil, &UpstreamError{URL: s, Code: UpstreamExtra}
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	if host == "" || CheckPort(port) != nil || port == "0" {
		return nil, &UpstreamError{URL: s, Code: UpstreamNoHost}
	}
	u.Host = net.JoinHostPort(host, port)
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsUpstreamError reports whether err is a refused upstream URL.
func IsUpstreamError(err error) bool {
	var ue *UpstreamError
	return errors.As(err, &ue)
}
