// Package rules answers messages by themselves: a rule matches a message
// (equals, starts with, contains, or an RE2 regular expression, on text or on
// hex) and replies with a template written like the send box, then may wait,
// half-close, close or reset. It has no GUI import: the byte sessions and the
// HTTP server use it, the window and the command line edit and load it.
//
// The file format is JSON, versioned:
//
//	{"version": 1, "max_per_second": 1000, "rules": [
//	  {"name": "ping", "enabled": true,
//	   "match": {"kind": "regex", "on": "text", "pattern": "^PING (?P<id>\\d+)$"},
//	   "reply": {"template": "PONG ${id} #${counter}\\r\\n", "format": "text",
//	             "charset": "UTF-8", "checksum": "none"},
//	   "then":  {"wait_ms": 0, "after": "none"},
//	   "fire":  {"mode": "always", "times": 0}}]}
//
// Omitted fields take their defaults (enabled, text, UTF-8, no checksum,
// always); see Rule for what each one means.
package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"netassist/netassist/codec"
)

// Version is the file format version this package writes and reads.
const Version = 1

// DefaultMaxPerSecond is the rate above which a rule is paused when the
// file does not say: far above what a person or a polling device needs,
// far below what two sessions answering each other reach on loopback.
const DefaultMaxPerSecond = 1000

// Kind says how a rule's pattern is compared with a message.
type Kind string

const (
	KindEquals   Kind = "equals"
	KindStarts   Kind = "starts"
	KindContains Kind = "contains"
	KindRegex    Kind = "regex"
)

// Kinds lists the choices, in the order a picker shows them.
var Kinds = []Kind{KindEquals, KindStarts, KindContains, KindRegex}

// On says what the pattern is written against.
//
//   - OnText: the message decoded in the rule's charset. equals/starts/
//     contains patterns are typed with the send box's escapes (\r \n \t \0
//     \\ \xHH) and compared as bytes; a regex is RE2 over the decoded text.
//   - OnHex: equals/starts/contains patterns are hex bytes ("7E 01", the
//     send box's hex); a regex runs over the message written as upper-case
//     hex pairs separated by single spaces ("7E 01 A0"), case-insensitively,
//     and a group stands for the whole bytes it covers.
type On string

const (
	OnText On = "text"
	OnHex  On = "hex"
)

// After is what a rule does to the connection once it has replied (and
// waited). UDP has no connection: only AfterNone applies there.
type After string

const (
	AfterNone      After = "none"
	AfterHalfClose After = "half-close" // close our sending side (FIN), keep reading
	AfterClose     After = "close"
	AfterReset     After = "reset" // close with RST (SO_LINGER 0)
)

// Afters lists the choices, in the order a picker shows them.
var Afters = []After{AfterNone, AfterHalfClose, AfterClose, AfterReset}

// FireMode says how many times a rule answers before it stops matching.
type FireMode string

const (
	FireAlways FireMode = "always"
	FireOnce   FireMode = "once"
	FireTimes  FireMode = "times" // Fire.Times hits
)

// FireModes lists the choices, in the order a picker shows them.
var FireModes = []FireMode{FireAlways, FireOnce, FireTimes}

// Match is the "when" of a rule.
type Match struct {
	Kind    Kind   `json:"kind"`
	On      On     `json:"on"`
	Pattern string `json:"pattern"`

	// An HTTP server's rule matches these instead (http.go).
	HTTPMatch
}

// Reply is the bytes a rule sends, written as in the send box: Format text
// (always with escapes) or hex; placeholders ${...} are filled in per
// message (see the template rules in template.go). Charset also decodes
// the message for a text match. The checksum is appended to the expanded
// reply. An empty template sends nothing (a rule may only close).
type Reply struct {
	Template string             `json:"template"`
	Format   codec.Mode         `json:"format"`
	Charset  codec.Charset      `json:"charset"`
	Checksum codec.ChecksumKind `json:"checksum"`

	// An HTTP server's rule answers with these and Template as the body
	// (http.go).
	HTTPReply
}

// Then is what happens after the reply: wait WaitMS milliseconds (later
// messages of the connection wait too, so order is kept), then After.
type Then struct {
	WaitMS int   `json:"wait_ms"`
	After  After `json:"after"`
}

// Fire limits how often a rule answers.
type Fire struct {
	Mode  FireMode `json:"mode"`
	Times int      `json:"times,omitempty"` // FireTimes only, ≥ 1
}

// Rule is one rule as the user wrote it.
type Rule struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
	Match   Match  `json:"match"`
	Reply   Reply  `json:"reply"`
	Then    Then   `json:"then"`
	Fire    Fire   `json:"fire"`
	// Direction is the way through a relay the rule answers (direction.go);
	// other sessions ignore it. Omitted: client-to-server.
	Direction Direction `json:"direction,omitempty"`
}

// NewRule returns a rule with every field at its default, enabled.
func NewRule(name string) Rule {
	return Rule{
		Name: name, Enabled: true,
		Match: Match{Kind: KindEquals, On: OnText},
		Reply: Reply{Format: codec.ModeText, Charset: codec.UTF8, Checksum: codec.ChecksumNone},
		Then:  Then{After: AfterNone},
		Fire:  Fire{Mode: FireAlways},
	}
}

// UnmarshalJSON fills omitted fields with NewRule's defaults, so that a
// hand-written file may leave out "enabled": true and the like.
func (r *Rule) UnmarshalJSON(b []byte) error {
	type plain Rule
	p := plain(NewRule(""))
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = Rule(p)
	return nil
}

// File is the JSON document: a version, the rate limit and the rules.
type File struct {
	Version int `json:"version"`
	// MaxPerSecond pauses a rule that answers more often than this within
	// one second. 0 means DefaultMaxPerSecond; a negative value, no limit.
	MaxPerSecond int    `json:"max_per_second,omitempty"`
	Rules        []Rule `json:"rules"`
}

// Parse reads a rules file. It checks the JSON and the version only;
// Compile checks the rules. A JSON error is an *Error with Code
// CodeFileJSON (or CodeFileVersion), Pos the byte offset where known.
func Parse(data []byte) (File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		e := &Error{Rule: -1, Code: CodeFileJSON}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case asErr(err, &se):
			e.Pos = int(se.Offset)
		case asErr(err, &te):
			// The offset is relative to a rule when Rule's own
			// UnmarshalJSON decodes it, so only the field path is kept.
			e.Arg = te.Field
		case err == io.EOF:
			e.Arg = "empty"
		default:
			e.Arg = unknownField(err)
		}
		return File{}, e
	}
	if f.Version != Version {
		return File{}, &Error{Rule: -1, Field: "version", Code: CodeFileVersion, Arg: fmt.Sprint(f.Version)}
	}
	return f, nil
}

// Marshal writes f as indented JSON with the current version.
func Marshal(f File) ([]byte, error) {
	f.Version = Version
	if f.Rules == nil {
		f.Rules = []Rule{}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
