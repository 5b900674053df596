package rules

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"netassist/netassist/codec"
)

var t0 = time.Date(2026, 12, 5, 1, 2, 3, 456e6, time.Local)

func rule(name string, kind Kind, on On, pattern, template string) Rule {
	r := NewRule(name)
	r.Match = Match{Kind: kind, On: on, Pattern: pattern}
	r.Reply.Template = template
	return r
}

func mustCompile(t *testing.T, rs ...Rule) *Set {
	t.Helper()
	s, err := Compile(File{Version: Version, Rules: rs})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return s
}

func TestMatchKinds(t *testing.T) {
	tests := []struct {
		name    string
		r       Rule
		msg     string
		want    bool
		wantOut string
	}{
		{"equals", rule("a", KindEquals, OnText, `PING\r\n`, "PONG"), "PING\r\n", true, "PONG"},
		{"equals not prefix", rule("a", KindEquals, OnText, `PING`, "PONG"), "PING\r\n", false, ""},
		{"starts", rule("a", KindStarts, OnText, `GET `, "ok"), "GET /x", true, "ok"},
		{"contains", rule("a", KindContains, OnText, `\x00\xFF`, "z"), "a\x00\xffb", true, "z"},
		{"contains misses", rule("a", KindContains, OnText, `zz`, "z"), "abc", false, ""},
		{"empty contains catches all", rule("a", KindContains, OnText, ``, "any"), "whatever", true, "any"},
		{"hex equals", rule("a", KindEquals, OnHex, `7e 01 02`, "ok"), "\x7e\x01\x02", true, "ok"},
		{"hex starts", rule("a", KindStarts, OnHex, `7E`, "ok"), "\x7e\x09", true, "ok"},
		{"regex numbered", rule("a", KindRegex, OnText, `^PING (\d+)$`, `PONG ${1}`), "PING 42", true, "PONG 42"},
		{"regex named", rule("a", KindRegex, OnText, `id=(?P<id>\w+)`, `got ${id}/${0}`), "x id=ab1 y", true, "got ab1/id=ab1"},
		{"regex no match", rule("a", KindRegex, OnText, `^\d+$`, `n`), "12a", false, ""},
		{"hex regex group is bytes", rule("a", KindRegex, OnHex, `^7E (.. ..) 0D$`, `${1}`), "\x7e\xab\xcd\x0d", true, "\xab\xcd"},
		{"hex regex lower case", rule("a", KindRegex, OnHex, `ab`, `y`), "\xab", true, "y"},
		{"hex regex ragged group keeps whole bytes", rule("a", KindRegex, OnHex, `^7E (.*)`, `${1}`), "\x7e\x01\x02", true, "\x01\x02"},
		{"unused optional group is empty", rule("a", KindRegex, OnText, `^a(b)?`, `[${1}]`), "ac", true, "[]"},
		{"regex ${0} alone is the match", rule("a", KindRegex, OnText, `b+`, `[${0}]`), "abbbc", true, "[bbb]"},
		{"hex regex ${0} alone is its bytes", rule("a", KindRegex, OnHex, `02 03`, `${0}`), "\x01\x02\x03\x04", true, "\x02\x03"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustCompile(t, tc.r)
			a := s.Respond([]byte(tc.msg), "127.0.0.1:9", t0, nil)
			if got := a.Rule == 0; got != tc.want {
				t.Fatalf("matched %v; want %v", got, tc.want)
			}
			if string(a.Reply) != tc.wantOut {
				t.Fatalf("reply %q; want %q", a.Reply, tc.wantOut)
			}
		})
	}
}

func TestTemplatePlaceholders(t *testing.T) {
	r := rule("p", KindContains, OnText, "", `${msg}|${hex}|${counter}|${time}|${peer}|$${x}|\r\n`)
	s := mustCompile(t, r)
	a := s.Respond([]byte("Hi"), "127.0.0.1:5000", t0, nil)
	want := "Hi|48 69|1|2026-12-05 01:02:03.456|127.0.0.1:5000|${x}|\r\n"
	if string(a.Reply) != want {
		t.Fatalf("got %q; want %q", a.Reply, want)
	}
	a = s.Respond([]byte("Hi"), "p", t0, nil)
	if !bytes.Contains(a.Reply, []byte("|2|")) {
		t.Fatalf("second hit's counter: %q", a.Reply)
	}
	r = rule("u", KindContains, OnText, "", `${time:unix} ${time:unixms}`)
	a = mustCompile(t, r).Respond(nil, "", t0, nil)
	if want := "1796432523 1796432523456"; string(a.Reply) != want && t0.Unix() == 1796432523 {
		t.Fatalf("got %q; want %q", a.Reply, want)
	}
}

func TestTemplateRandom(t *testing.T) {
	s := mustCompile(t, rule("r", KindContains, OnText, "", `${random:4}|${random}`))
	a := s.Respond(nil, "", t0, nil)
	if len(a.Reply) < 6 || a.Reply[4] != '|' {
		t.Fatalf("got %q; want 4 bytes, |, a number", a.Reply)
	}
	for _, c := range a.Reply[5:] {
		if c < '0' || c > '9' {
			t.Fatalf("${random} = %q; want digits", a.Reply[5:])
		}
	}
}

func TestReplyHexAndChecksum(t *testing.T) {
	r := rule("h", KindRegex, OnHex, `^01 03 (..)`, `01 83 ${1}`)
	r.Reply.Format = codec.ModeHex
	r.Reply.Checksum = codec.ChecksumCRC16Modbus
	s := mustCompile(t, r)
	a := s.Respond([]byte{0x01, 0x03, 0x02}, "", t0, nil)
	want := codec.AppendChecksum(codec.ChecksumCRC16Modbus, []byte{0x01, 0x83, 0x02})
	if !bytes.Equal(a.Reply, want) {
		t.Fatalf("got % X; want % X", a.Reply, want)
	}
	// The checksum covers this reply only, not what dst already held.
	a = s.Respond([]byte{0x01, 0x03, 0x02}, "", t0, []byte("old"))
	if !bytes.Equal(a.Reply, append([]byte("old"), want...)) {
		t.Fatalf("with a prefix: got % X", a.Reply)
	}
}

func TestCharsetGBK(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := codec.EncodeString(codec.GBK, s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	r := rule("g", KindRegex, OnText, `^你好(.+)$`, `收到${1}`)
	r.Reply.Charset = codec.GBK
	s := mustCompile(t, r)
	a := s.Respond(gbk("你好世界"), "", t0, nil)
	if !bytes.Equal(a.Reply, gbk("收到世界")) {
		t.Fatalf("got % X; want % X", a.Reply, gbk("收到世界"))
	}
	r = rule("e", KindEquals, OnText, `温度`, `ok`)
	r.Reply.Charset = codec.GBK
	if a := mustCompile(t, r).Respond(gbk("温度"), "", t0, nil); a.Rule != 0 {
		t.Fatal("GBK equals did not match")
	}
}

func TestFirstMatchWinsAndDisabled(t *testing.T) {
	off := rule("off", KindContains, OnText, "", "off")
	off.Enabled = false
	s := mustCompile(t, off, rule("first", KindStarts, OnText, "A", "1"), rule("second", KindContains, OnText, "", "2"))
	if a := s.Respond([]byte("AB"), "", t0, nil); a.Name != "first" || string(a.Reply) != "1" {
		t.Fatalf("got %q %q; want first", a.Name, a.Reply)
	}
	if a := s.Respond([]byte("B"), "", t0, nil); a.Name != "second" {
		t.Fatalf("got %q; want second", a.Name)
	}
	if st := s.Stats(0); st.Hits != 0 {
		t.Fatalf("disabled rule counted %d", st.Hits)
	}
}

func TestFireOnceAndTimes(t *testing.T) {
	once := rule("once", KindContains, OnText, "", "a")
	once.Fire.Mode = FireOnce
	twice := rule("twice", KindContains, OnText, "", "b")
	twice.Fire = Fire{Mode: FireTimes, Times: 2}
	s := mustCompile(t, once, twice)
	var got []string
	for range 5 {
		got = append(got, s.Respond(nil, "", t0, nil).Name)
	}
	if want := "once twice twice  "; strings.Join(got, " ") != want {
		t.Fatalf("got %q; want %q", strings.Join(got, " "), want)
	}
	if st := s.Stats(0); !st.Spent || st.Hits != 1 || st.Last.IsZero() {
		t.Fatalf("stats of once: %+v", st)
	}
}

func TestRateLimitPausesAndResumes(t *testing.T) {
	r := rule("loop", KindContains, OnText, "", "x")
	s, err := Compile(File{Version: Version, MaxPerSecond: 3, Rules: []Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if a := s.Respond(nil, "", t0, nil); a.Paused || string(a.Reply) != "x" {
			t.Fatalf("answer %d: %+v", i, a)
		}
	}
	a := s.Respond(nil, "", t0, nil)
	if !a.Paused || !a.JustPaused || a.Reply != nil || a.Rule != 0 {
		t.Fatalf("fourth answer in one second: %+v; want just paused, no reply", a)
	}
	// Paused stays paused in the next second, until the user resumes.
	if a := s.Respond(nil, "", t0.Add(2*time.Second), nil); !a.Paused || a.JustPaused {
		t.Fatalf("later: %+v; want still paused", a)
	}
	if st := s.Stats(0); !st.Paused || st.Hits != 3 {
		t.Fatalf("stats: %+v", st)
	}
	s.Resume(0)
	if a := s.Respond(nil, "", t0.Add(3*time.Second), nil); a.Paused || string(a.Reply) != "x" {
		t.Fatalf("after resume: %+v", a)
	}
	// A new second starts a new window.
	u, _ := Compile(File{Version: Version, MaxPerSecond: 1, Rules: []Rule{r}})
	for i := range 3 {
		if a := u.Respond(nil, "", t0.Add(time.Duration(i)*time.Second), nil); a.Paused {
			t.Fatalf("one a second was paused at %d", i)
		}
	}
	n, _ := Compile(File{Version: Version, MaxPerSecond: -1, Rules: []Rule{r}})
	for range 5000 {
		if a := n.Respond(nil, "", t0, nil); a.Paused {
			t.Fatal("no limit, yet paused")
		}
	}
}

func TestTestHasNoSideEffects(t *testing.T) {
	once := rule("once", KindContains, OnText, "", "n=${counter}")
	once.Fire.Mode = FireOnce
	s := mustCompile(t, once)
	for range 2 {
		if a := s.Test([]byte("m"), "", t0); a.Rule != 0 || string(a.Reply) != "n=1" {
			t.Fatalf("Test: %+v", a)
		}
	}
	if st := s.Stats(0); st.Hits != 0 || !st.Last.IsZero() {
		t.Fatalf("Test moved the counters: %+v", st)
	}
}

func TestCompileErrors(t *testing.T) {
	bad := func(mod func(*Rule)) Rule {
		r := rule("bad", KindRegex, OnText, `(a)`, `${1}`)
		mod(&r)
		return r
	}
	tests := []struct {
		name  string
		r     Rule
		field string
		pos   int
		code  string
		arg   string
	}{
		{"regex paren", bad(func(r *Rule) { r.Match.Pattern = `ab(c` }), "match.pattern", 3, CodeRegex, "missing closing )"},
		{"regex paren in class", bad(func(r *Rule) { r.Match.Pattern = `[(]x\((y` }), "match.pattern", 7, CodeRegex, "missing closing )"},
		{"regex bad escape", bad(func(r *Rule) { r.Match.Pattern = `x\q` }), "match.pattern", 2, CodeRegex, "invalid escape sequence"},
		{"bad hex pattern", bad(func(r *Rule) { r.Match = Match{Kind: KindEquals, On: OnHex, Pattern: "7E 0G"} }), "match.pattern", 5, codec.CodeHexBadChar, "G"},
		{"bad escape pattern", bad(func(r *Rule) { r.Match = Match{Kind: KindStarts, Pattern: `ab\q`} }), "match.pattern", 3, codec.CodeEscUnknown, `\q`},
		{"unknown placeholder", bad(func(r *Rule) { r.Reply.Template = `hi ${nope}` }), "reply.template", 4, CodeUnknownVar, "nope"},
		{"missing group", bad(func(r *Rule) { r.Reply.Template = `ab${2}` }), "reply.template", 3, CodeNoGroup, "2"},
		{"group without regex", bad(func(r *Rule) {
			r.Match = Match{Kind: KindEquals, Pattern: "x"}
			r.Reply.Template = `${1}`
		}), "reply.template", 1, CodeNoGroup, "1"},
		{"unclosed", bad(func(r *Rule) { r.Reply.Template = `a${msg` }), "reply.template", 2, CodeUnclosed, ""},
		{"bad escape after placeholder", bad(func(r *Rule) { r.Reply.Template = `${1}é\q` }), "reply.template", 6, codec.CodeEscUnknown, `\q`},
		{"bad hex template", bad(func(r *Rule) { r.Reply.Format = codec.ModeHex; r.Reply.Template = `01 ${1} 0` }), "reply.template", 9, codec.CodeHexOdd, "0"},
		{"random size", bad(func(r *Rule) { r.Reply.Template = `${random:65}` }), "reply.template", 1, CodeRandomSize, "65"},
		{"unencodable", bad(func(r *Rule) { r.Reply.Charset = codec.Latin1; r.Reply.Template = `a中` }), "reply.template", 2, codec.CodeCharsetUnencodable, "中"},
		{"kind", bad(func(r *Rule) { r.Match.Kind = "like" }), "match.kind", 0, CodeBadValue, "like"},
		{"after", bad(func(r *Rule) { r.Then.After = "explode" }), "then.after", 0, CodeBadValue, "explode"},
		{"wait", bad(func(r *Rule) { r.Then.WaitMS = -1 }), "then.wait_ms", 0, CodeBadWait, ""},
		{"times", bad(func(r *Rule) { r.Fire = Fire{Mode: FireTimes} }), "fire.times", 0, CodeBadTimes, ""},
		{"name", bad(func(r *Rule) { r.Name = "" }), "name", 0, CodeEmptyName, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			good := rule("good", KindEquals, OnText, "x", "y")
			s, err := Compile(File{Version: Version, Rules: []Rule{good, tc.r}})
			if s != nil {
				t.Fatal("a bad set compiled (half-applied)")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v; want *Error", err, err)
			}
			want := Error{Rule: 1, Name: tc.r.Name, Field: tc.field, Pos: tc.pos, Code: tc.code, Arg: tc.arg}
			if *e != want {
				t.Fatalf("got %+v; want %+v", *e, want)
			}
		})
	}
}

func TestFileRoundTripAndDefaults(t *testing.T) {
	f, err := Parse([]byte(`{"version":1,"rules":[{"name":"p","match":{"kind":"regex","pattern":"^PING"},"reply":{"template":"PONG\\r\\n"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := f.Rules[0]
	if !r.Enabled || r.Match.On != OnText || r.Reply.Format != codec.ModeText || r.Fire.Mode != FireAlways || r.Then.After != AfterNone {
		t.Fatalf("defaults not filled: %+v", r)
	}
	b, err := Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Parse(b)
	if err != nil {
		t.Fatalf("re-reading what Marshal wrote: %v\n%s", err, b)
	}
	if g.Rules[0] != r {
		t.Fatalf("round trip: %+v; want %+v", g.Rules[0], r)
	}
	s, err := Compile(g)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.Respond([]byte("PING"), "", t0, nil); string(a.Reply) != "PONG\r\n" {
		t.Fatalf("reply %q", a.Reply)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		code string
		pos  int
		arg  string
	}{
		{`{"version":1,"rules":[}`, CodeFileJSON, 23, ""},
		{`{"version":2,"rules":[]}`, CodeFileVersion, 0, "2"},
		{`{"version":1,"rulez":[]}`, CodeFileJSON, 0, "rulez"},
		{`{"version":1,"rules":[{"name":5}]}`, CodeFileJSON, 0, "rules.name"},
		{``, CodeFileJSON, 0, "empty"},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.in))
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code || e.Pos != tc.pos || e.Arg != tc.arg {
			t.Errorf("Parse(%q) = %+v; want code %s pos %d arg %q", tc.in, err, tc.code, tc.pos, tc.arg)
		}
	}
}

// A new set keeps the counters of the rules that did not change, in
// whatever place they moved to; changed and new rules start at zero.
func TestInheritCounters(t *testing.T) {
	a := rule("a", KindContains, OnText, "", "1")
	b := rule("b", KindContains, OnText, "", "2")
	b.Fire.Mode = FireOnce
	old := mustCompile(t, b, a)
	old.Respond(nil, "", t0, nil) // b, spent
	old.Respond(nil, "", t0, nil) // a
	old.Respond(nil, "", t0, nil) // a
	a2 := a
	a2.Reply.Template = "changed"
	s := mustCompile(t, a, rule("c", KindEquals, OnText, "x", ""), b, a2)
	s.Inherit(old)
	want := []uint64{2, 0, 1, 0}
	for i, w := range want {
		if st := s.Stats(i); st.Hits != w {
			t.Errorf("rule %d: %d hits; want %d", i, st.Hits, w)
		}
	}
	if !s.Stats(2).Spent {
		t.Error("the once-rule that answered must stay spent")
	}
	if a := s.Respond(nil, "", t0, nil); string(a.Reply) != "1" || s.Stats(0).Hits != 3 {
		t.Fatalf("after inheriting: %q, hits %d", a.Reply, s.Stats(0).Hits)
	}
}

// The rules tried before the one that answers share the message's scratch:
// a hex or GBK regex that fails must not leave its way of reading groups
// to a later rule's template.
func TestFailedRegexLeavesNothingForTheNext(t *testing.T) {
	hexMiss := rule("hex", KindRegex, OnHex, `^FF (..)`, `x`)
	gbkMiss := rule("gbk", KindRegex, OnText, `^没有(.)`, `x`)
	gbkMiss.Reply.Charset = codec.GBK
	s := mustCompile(t, hexMiss, gbkMiss,
		rule("lit", KindStarts, OnText, `AB`, `[${0}]`),
		rule("re", KindRegex, OnText, `^C(.)`, `[${1}]`))
	for msg, want := range map[string]string{"ABC": "[ABC]", "CDE": "[D]", "C中E": "[中]"} {
		a := s.Respond([]byte(msg), "", t0, nil)
		if string(a.Reply) != want {
			t.Errorf("%q: reply %q; want %q", msg, a.Reply, want)
		}
	}
}
