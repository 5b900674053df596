package codec

import "strings"

// Newline says what a typed line break becomes when text is sent. The string
// values are stable (saved in preferences); the zero value means as typed.
type Newline string

const (
	NewlineAsTyped Newline = "as-typed"
	NewlineCRLF    Newline = "crlf"
	NewlineLF      Newline = "lf"
)

// Newlines lists the choices, in the order a picker shows them.
var Newlines = []Newline{NewlineAsTyped, NewlineCRLF, NewlineLF}

// Valid reports whether n is one of Newlines (or the zero value).
func (n Newline) Valid() bool {
	switch n {
	case "", NewlineAsTyped, NewlineCRLF, NewlineLF:
		return true
	}
	return false
}

// lineBreakAt returns the length (1 or 2) of a line break — CR LF, LF or a
// lone CR — at s[i], or 0 if there is none.
func lineBreakAt(s string, i int) int {
	switch s[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(s) && s[i+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

// bytes returns what a line break becomes, or "" to keep it as typed.
func (n Newline) bytes() string {
	switch n {
	case NewlineCRLF:
		return "\r\n"
	case NewlineLF:
		return "\n"
	}
	return ""
}

// ConvertNewlines rewrites every line break in s (CR LF, LF or a lone CR)
// to the form n asks for, treating all three alike.
func ConvertNewlines(s string, n Newline) string {
	nl := n.bytes()
	if nl == "" || !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		if k := lineBreakAt(s, i); k > 0 {
			b.WriteString(nl)
			i += k
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
