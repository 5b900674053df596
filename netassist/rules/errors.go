package rules

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"
)

// Error codes carried in Error.Code. They are stable keys: the window and
// the command line translate by them, so never rename one. The codec's
// codes (hex.*, esc.*, charset.unencodable) appear as they are.
const (
	CodeFileJSON    = "file.json"    // not a rules file; Pos: byte offset, Arg: a field name if known
	CodeFileVersion = "file.version" // Arg: the version found
	CodeEmptyName   = "name.empty"
	CodeBadValue    = "value.unknown" // Arg: the value that is not one of the choices
	CodeBadTimes    = "fire.times"    // times < 1 with mode "times"
	CodeBadWait     = "then.wait"     // wait_ms < 0 or above MaxWaitMS
	CodeRegex       = "regex.syntax"  // Arg: the regexp/syntax code, e.g. "missing closing )"; Pos: where
	CodeNoGroup     = "template.group"
	CodeUnknownVar  = "template.unknown" // Arg: the placeholder's name
	CodeUnclosed    = "template.unclosed"
	CodeRandomSize  = "template.random" // ${random:N} with N outside 1..64
)

// MaxWaitMS caps Then.WaitMS (one minute): a longer wait is a mistake.
const MaxWaitMS = 60000

// Error is one thing wrong with a rule set: which rule (0-based, -1 for the
// file itself), which field (JSON path such as "match.pattern"), the
// 1-based character position in that field (0 when it is not about a
// place), a stable Code and its argument. Words belong to the caller.
type Error struct {
	Rule  int
	Name  string // the rule's name, for messages
	Field string
	Pos   int
	Code  string
	Arg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Rule >= 0 {
		fmt.Fprintf(&b, "rule %d", e.Rule+1)
		if e.Name != "" {
			fmt.Fprintf(&b, " %q", e.Name)
		}
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		if e.Pos > 0 {
			fmt.Fprintf(&b, " position %d", e.Pos)
		}
		b.WriteString(": ")
	} else if e.Pos > 0 {
		fmt.Fprintf(&b, "position %d: ", e.Pos)
	}
	b.WriteString(e.Code)
	if e.Arg != "" {
		fmt.Fprintf(&b, " %q", e.Arg)
	}
	return b.String()
}

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// unknownField pulls the name out of encoding/json's "unknown field" error,
// the one error it returns without a type to ask.
func unknownField(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "unknown field "); i >= 0 {
		return strings.Trim(msg[i+len("unknown field "):], `"`)
	}
	return ""
}

// regexError turns a regexp/syntax error into an *Error with the position
// of the offending expression in the pattern.
func regexError(err error, pattern string) *Error {
	e := &Error{Field: "match.pattern", Code: CodeRegex}
	var se *syntax.Error
	if errors.As(err, &se) {
		e.Arg = string(se.Code)
		if i := strings.Index(pattern, se.Expr); i >= 0 && se.Expr != "" {
			e.Pos = runePos(pattern, i)
		}
		if se.Code == syntax.ErrMissingParen {
			// RE2 names the whole pattern; point at the ( left open.
			if i := unclosedParen(pattern); i >= 0 {
				e.Pos = runePos(pattern, i)
			}
		}
	}
	return e
}

// unclosedParen is the byte offset of the last ( that no ) closes, not
// counting escaped ones or those inside [...]; -1 if there is none.
func unclosedParen(p string) int {
	var open []int
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			if strings.HasPrefix(p[i+1:], "]") || strings.HasPrefix(p[i+1:], "^]") {
				i += strings.Index(p[i:], "]") // a leading ] is a member
			}
		case c == '(':
			open = append(open, i)
		case c == ')' && len(open) > 0:
			open = open[:len(open)-1]
		}
	}
	if len(open) == 0 {
		return -1
	}
	return open[len(open)-1]
}

// runePos is the 1-based character position of byte offset i in s.
func runePos(s string, i int) int {
	return len([]rune(s[:i])) + 1
}
