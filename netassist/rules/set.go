package rules

import (
	"bytes"
	"regexp"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"netassist/netassist/codec"
)

// Set is a compiled, immutable list of rules with live counters. It is
// safe for concurrent use: every connection of a session asks the same Set.
// A session swaps in a new Set to change its rules; the old one's counters
// stay with it.
type Set struct {
	file  File
	rules []compiled
	limit int64 // answers per rule per second before it is paused; 0: none
}

type compiled struct {
	name    string
	enabled bool
	kind    Kind
	lit     []byte         // equals, starts, contains
	re      *regexp.Regexp // regex
	groups  bool           // the template uses a group: find submatches
	hexOn   bool
	charset codec.Charset
	tmpl    *template
	wait    time.Duration
	after   After
	times   uint64 // 0: always
	st      *stats
}

// stats are a rule's counters, written on the hot path with atomics and
// read by the window without locks.
type stats struct {
	hits   atomic.Uint64
	last   atomic.Int64 // UnixNano of the last answer, 0: never
	paused atomic.Bool
	winSec atomic.Int64 // the second the rate window counts
	winN   atomic.Int64
}

// Stats is a snapshot of one rule's counters.
type Stats struct {
	Hits   uint64    // answers given (a paused rule's matches are not counted)
	Last   time.Time // zero: never
	Paused bool      // answering too fast: stopped until Resume
	Spent  bool      // once / N times: all its answers are given
}

// Compile checks every rule and builds the Set. The first problem is
// returned as an *Error and nothing of f is applied.
func Compile(f File) (*Set, error) {
	s := &Set{file: f, rules: make([]compiled, 0, len(f.Rules)), limit: rateLimit(f.MaxPerSecond)}
	for i, r := range f.Rules {
		c, err := compileRule(r)
		if err != nil {
			err.Rule, err.Name = i, r.Name
			return nil, err
		}
		s.rules = append(s.rules, c)
	}
	return s, nil
}

// rateLimit is a file's max_per_second as a set's limit: 0 takes the
// default, a negative number means no limit (0).
func rateLimit(maxPerSecond int) int64 {
	switch {
	case maxPerSecond == 0:
		return DefaultMaxPerSecond
	case maxPerSecond > 0:
		return int64(maxPerSecond)
	}
	return 0
}

// Load parses and compiles a rules file.
func Load(data []byte) (*Set, error) {
	f, err := Parse(data)
	if err != nil {
		return nil, err
	}
	return Compile(f)
}

func orDefault[T ~string](v, def T) T {
	if v == "" {
		return def
	}
	return v
}

func compileRule(r Rule) (compiled, *Error) {
	c := compiled{name: r.Name, enabled: r.Enabled, st: &stats{}}
	if r.Name == "" {
		return c, &Error{Field: "name", Code: CodeEmptyName}
	}
	c.kind = orDefault(r.Match.Kind, KindEquals)
	on := orDefault(r.Match.On, OnText)
	r.Reply.Format = orDefault(r.Reply.Format, codec.ModeText)
	r.Reply.Charset = orDefault(r.Reply.Charset, codec.UTF8)
	r.Reply.Checksum = orDefault(r.Reply.Checksum, codec.ChecksumNone)
	c.after = orDefault(r.Then.After, AfterNone)
	fire := orDefault(r.Fire.Mode, FireAlways)
	switch {
	case !oneOf(c.kind, Kinds):
		return c, &Error{Field: "match.kind", Code: CodeBadValue, Arg: string(c.kind)}
	case on != OnText && on != OnHex:
		return c, &Error{Field: "match.on", Code: CodeBadValue, Arg: string(on)}
	case !oneOf(r.Reply.Format, codec.Modes):
		return c, &Error{Field: "reply.format", Code: CodeBadValue, Arg: string(r.Reply.Format)}
	case !r.Reply.Charset.Valid():
		return c, &Error{Field: "reply.charset", Code: CodeBadValue, Arg: string(r.Reply.Charset)}
	case !r.Reply.Checksum.Valid():
		return c, &Error{Field: "reply.checksum", Code: CodeBadValue, Arg: string(r.Reply.Checksum)}
	case !oneOf(c.after, Afters):
		return c, &Error{Field: "then.after", Code: CodeBadValue, Arg: string(c.after)}
	case r.Then.WaitMS < 0 || r.Then.WaitMS > MaxWaitMS:
		return c, &Error{Field: "then.wait_ms", Code: CodeBadWait}
	case !oneOf(fire, FireModes):
		return c, &Error{Field: "fire.mode", Code: CodeBadValue, Arg: string(fire)}
	case !oneOf(orDefault(r.Direction, DirClientToServer), Directions):
		return c, &Error{Field: "direction", Code: CodeBadValue, Arg: string(r.Direction)}
	case fire == FireTimes && r.Fire.Times < 1:
		return c, &Error{Field: "fire.times", Code: CodeBadTimes}
	}
	c.hexOn = on == OnHex
	c.charset = r.Reply.Charset
	c.wait = time.Duration(r.Then.WaitMS) * time.Millisecond
	switch fire {
	case FireOnce:
		c.times = 1
	case FireTimes:
		c.times = uint64(r.Fire.Times)
	}
	g := groupNames{}
	if c.kind == KindRegex {
		expr := r.Match.Pattern
		if c.hexOn {
			expr = "(?i)" + expr // hex text is upper-case; let users type either
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return c, regexError(err, r.Match.Pattern)
		}
		c.re = re
		g = groupNames{n: re.NumSubexp(), regex: true, names: map[string]int{}}
		for k, n := range re.SubexpNames() {
			if n != "" {
				g.names[n] = k
			}
		}
	} else {
		var err error
		if c.hexOn {
			c.lit, err = codec.ParseHex(r.Match.Pattern)
		} else {
			c.lit, err = codec.Encode(r.Match.Pattern, codec.SendOptions{Escapes: true, Charset: c.charset})
		}
		if err != nil {
			return c, inputErr(err, "match.pattern")
		}
	}
	t, err := compileTemplate(r.Reply, g)
	if err != nil {
		return c, err
	}
	c.tmpl = t
	for _, p := range t.parts {
		// A regex's ${0} is what it matched, so it needs the indexes too;
		// for the other kinds ${0} is the whole message.
		if p.kind == partGroup && c.re != nil {
			c.groups = true
		}
	}
	return c, nil
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// File returns the rules as written (for saving and exporting).
func (s *Set) File() File { return s.file }

// Len is the number of rules, enabled or not.
func (s *Set) Len() int { return len(s.rules) }

// Stats returns rule i's counters.
func (s *Set) Stats(i int) Stats {
	c := &s.rules[i]
	st := Stats{Hits: c.st.hits.Load(), Paused: c.st.paused.Load()}
	if ns := c.st.last.Load(); ns != 0 {
		st.Last = time.Unix(0, ns)
	}
	st.Spent = c.times > 0 && st.Hits >= c.times
	return st
}

// Resume lets a paused rule answer again, with a fresh rate window.
func (s *Set) Resume(i int) {
	c := &s.rules[i]
	c.st.winN.Store(0)
	c.st.paused.Store(false)
}

// Answer is what the rules say about one message.
type Answer struct {
	Rule   int    // index of the rule that matched, -1: none
	Name   string // its name
	Reply  []byte // the bytes to send (may be empty: a rule that only closes)
	Wait   time.Duration
	After  After
	Paused bool // the rule matched but is paused: send nothing, do nothing
	// JustPaused marks the one answer that paused the rule, so a session
	// says so once rather than for every message it then ignores.
	JustPaused bool
}

// Respond finds the first enabled rule that matches msg and returns its
// answer, counting the hit. The reply is appended to dst (which may be
// nil), so a caller can reuse one buffer. Safe for concurrent use.
func (s *Set) Respond(msg []byte, peer string, now time.Time, dst []byte) Answer {
	return s.respond(msg, peer, now, dst, true)
}

// Test is Respond without side effects: no counter moves, nothing is
// paused; ${counter} shows the number the next answer would carry.
func (s *Set) Test(msg []byte, peer string, now time.Time) Answer {
	return s.respond(msg, peer, now, nil, false)
}

var hexBufs = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

func (s *Set) respond(msg []byte, peer string, now time.Time, dst []byte, live bool) Answer {
	if s == nil {
		return Answer{Rule: -1}
	}
	var hexBuf *[]byte
	defer func() {
		if hexBuf != nil {
			hexBufs.Put(hexBuf)
		}
	}()
	var decoded map[codec.Charset][]byte
	// One env for all the rules: match fills it only for the rule that
	// matches. Building it afresh for each rule tried was half the cost
	// of a message among a hundred rules.
	e := env{msg: msg, peer: peer, now: now}
	for i := range s.rules {
		c := &s.rules[i]
		if !c.enabled || (c.times > 0 && c.st.hits.Load() >= c.times) {
			continue
		}
		if !c.match(msg, &e, &hexBuf, &decoded) {
			continue
		}
		a := Answer{Rule: i, Name: c.name, Wait: c.wait, After: c.after}
		if !live {
			e.counter = c.st.hits.Load() + 1
			a.Reply = c.tmpl.expand(nil, &e)
			return a
		}
		if c.st.paused.Load() {
			a.Paused, a.Wait, a.After = true, 0, AfterNone
			return a
		}
		if ok, just := c.allow(s.limit, now); !ok {
			a.Paused, a.JustPaused, a.Wait, a.After = true, just, 0, AfterNone
			return a
		}
		n, ok := c.hit()
		if !ok {
			continue // spent by another connection meanwhile
		}
		c.st.last.Store(now.UnixNano())
		e.counter = n
		a.Reply = c.tmpl.expand(dst, &e)
		return a
	}
	return Answer{Rule: -1}
}

// hit counts one answer; for once/N rules it fails when they are spent.
func (c *compiled) hit() (uint64, bool) {
	if c.times == 0 {
		return c.st.hits.Add(1), true
	}
	for {
		n := c.st.hits.Load()
		if n >= c.times {
			return 0, false
		}
		if c.st.hits.CompareAndSwap(n, n+1) {
			return n + 1, true
		}
	}
}

// allow counts an answer in the current one-second window and pauses the
// rule when the window holds more than limit; just is true for the call
// that paused it.
func (c *compiled) allow(limit int64, now time.Time) (ok, just bool) {
	if limit <= 0 {
		return true, false
	}
	sec := now.Unix()
	if w := c.st.winSec.Load(); w != sec && c.st.winSec.CompareAndSwap(w, sec) {
		c.st.winN.Store(0)
	}
	if c.st.winN.Add(1) > limit {
		return false, c.st.paused.CompareAndSwap(false, true)
	}
	return true, false
}

// match tells whether c matches msg and, only then, fills e's groups for
// the template (a rule that fails leaves e as it was for the next one).
// hexBuf and decoded are per-message scratch shared by the rules.
func (c *compiled) match(msg []byte, e *env, hexBuf **[]byte, decoded *map[codec.Charset][]byte) bool {
	if c.re == nil {
		switch c.kind {
		case KindEquals:
			return bytes.Equal(msg, c.lit)
		case KindStarts:
			return bytes.HasPrefix(msg, c.lit)
		default:
			return bytes.Contains(msg, c.lit)
		}
	}
	subject, hexOn, dec := msg, false, codec.Charset("")
	switch {
	case c.hexOn:
		if *hexBuf == nil {
			*hexBuf = hexBufs.Get().(*[]byte)
			**hexBuf = appendHex((**hexBuf)[:0], msg)
		}
		subject, hexOn = **hexBuf, true
	case c.charset != codec.UTF8:
		if *decoded == nil {
			*decoded = map[codec.Charset][]byte{}
		}
		d, ok := (*decoded)[c.charset]
		if !ok {
			d = decodeUTF8(c.charset, msg)
			(*decoded)[c.charset] = d
		}
		subject, dec = d, c.charset
	}
	var g []int
	if !c.groups {
		if !c.re.Match(subject) {
			return false
		}
	} else if g = c.re.FindSubmatchIndex(subject); g == nil {
		return false
	}
	e.groups, e.subject, e.hexOn, e.decoded = g, subject, hexOn, dec
	return true
}

// decodeUTF8 decodes msg from cs to UTF-8 for a regex; bytes that do not
// decode become U+FFFD, as the receive view shows them as escapes.
func decodeUTF8(cs codec.Charset, msg []byte) []byte {
	d := codec.NewDecoder(cs)
	out := make([]byte, 0, len(msg)*3/2)
	for p := msg; len(p) > 0; {
		r, n, ok := d.Next(p)
		if n == 0 {
			n, ok = 1, false
		}
		if !ok {
			r = utf8.RuneError
		}
		out = utf8.AppendRune(out, r)
		p = p[n:]
	}
	return out
}

// Inherit carries the counters of old's rules over to the same rules in s
// (same definition, matched in order), so that editing one rule does not
// zero the hits of the others, and a once-rule that has answered stays
// spent. Call it before s is in use.
func (s *Set) Inherit(old *Set) {
	if s == nil || old == nil {
		return
	}
	taken := make([]bool, len(old.rules))
	for i := range s.rules {
		for j := range old.rules {
			if taken[j] || old.file.Rules[j] != s.file.Rules[i] {
				continue
			}
			taken[j] = true
			from, to := old.rules[j].st, s.rules[i].st
			to.hits.Store(from.hits.Load())
			to.last.Store(from.last.Load())
			to.paused.Store(from.paused.Load())
			break
		}
	}
}
