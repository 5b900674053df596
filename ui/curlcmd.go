package ui

import (
	"net/textproto"
	"strings"
	"unicode/utf8"

	"netassist/httpview"
)

// curlSkip are the headers a curl command leaves to curl: hop-by-hop ones
// (RFC 9110 §7.6.1), the length and framing curl works out from the body,
// and Host, which is in the URL.
var curlSkip = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Content-Length": true, "Host": true,
}

// curlDefaults are headers curl adds on its own; a request without them
// gets "-H 'Name:'", which tells curl to leave them out, so the server sees
// the same request. Content-Type and Expect only matter with a body.
var curlDefaults = []struct {
	name     string
	withBody bool
}{{"User-Agent", false}, {"Accept", false}, {"Content-Type", true}, {"Expect", true}}

// curlCommand is a bash command line that makes curl send the request in
// raw again: its method, URL (scheme, the Host header or else host, and
// the target), headers and body. A body with a NUL byte, which no argument
// can hold, is piped in by printf.
func curlCommand(raw []byte, scheme, host string) string {
	m := httpview.ParseMessage(raw, true, "")
	if m == nil || m.Method == "" {
		return ""
	}
	args := []string{"curl", "--path-as-is", "--globoff"}
	if m.Proto == "HTTP/1.0" {
		args = append(args, "--http1.0")
	}
	body := m.Payload
	hasBody := len(body) > 0
	switch {
	case m.Method == "HEAD" && !hasBody:
		args = append(args, "--head")
	case hasBody && m.Method == "POST", !hasBody && m.Method == "GET":
	default:
		args = append(args, "--request", shellQuote([]byte(m.Method)))
	}
	present := map[string]bool{}
	for _, h := range m.Headers {
		name := textproto.CanonicalMIMEHeaderKey(h.Name)
		present[name] = true
		if name == "Host" && h.Value != "" {
			host = strings.TrimSpace(h.Value)
		}
		if curlSkip[name] {
			continue
		}
		if h.Value == "" {
			args = append(args, "--header", shellQuote([]byte(h.Name+";"))) // curl's way to send an empty value
		} else {
			args = append(args, "--header", shellQuote([]byte(h.Name+": "+h.Value)))
		}
	}
	for _, d := range curlDefaults {
		if !present[d.name] && (hasBody || !d.withBody) {
			args = append(args, "--header", shellQuote([]byte(d.name+":")))
		}
	}
	prefix := ""
	if hasBody {
		if strings.IndexByte(string(body), 0) >= 0 {
			prefix = printfArg(body) + " | "
			args = append(args, "--data-binary", "@-")
		} else {
			args = append(args, "--data-binary", shellQuote(body))
		}
	}
	url := m.Target
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		url = scheme + "://" + host + url
	}
	args = append(args, shellQuote([]byte(url)))
	return prefix + strings.Join(args, " ")
}

// shellQuote quotes b as one bash word: '…' when it is printable text,
// $'…' with \xHH escapes otherwise. It never sees a NUL byte, which no
// argument can hold.
func shellQuote(b []byte) string {
	if printable(b) {
		return "'" + strings.ReplaceAll(string(b), "'", `'\''`) + "'"
	}
	var s strings.Builder
	s.WriteString("$'")
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == '\\' || r == '\'':
			s.WriteByte('\\')
			s.WriteRune(r)
		case r == utf8.RuneError && n <= 1, r < 0x20, r >= 0x7f && r < 0xa0:
			for _, c := range b[:n] {
				s.WriteString(`\x` + hex2(c))
			}
		default:
			s.Write(b[:n])
		}
		b = b[n:]
	}
	s.WriteByte('\'')
	return s.String()
}

// printable: valid UTF-8 without control characters.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// printfArg is a printf command that writes b exactly: every byte that is
// not plain printable ASCII as a \ooo octal escape.
func printfArg(b []byte) string {
	var s strings.Builder
	s.WriteString("printf '")
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && c != '%' {
			s.WriteByte(c)
			continue
		}
		s.WriteByte('\\')
		s.WriteByte('0' + c>>6)
		s.WriteByte('0' + c>>3&7)
		s.WriteByte('0' + c&7)
	}
	s.WriteByte('\'')
	return s.String()
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}
