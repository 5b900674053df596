package rules

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"netassist/netassist/codec"
)

// FuzzTemplate: any template either compiles or is refused with an *Error
// whose position lies inside it; a compiled one expands without panicking,
// and one without placeholders expands to exactly what the send box sends.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"PONG ${1}\\r\\n", "${id}${msg}${hex}", "$${x}", "${", "7E ${1} 0D", "${random:4}${time}", `\x`, "${counter}中", "${0}${peer}${time:unixms}"} {
		f.Add(s, false, uint8(0))
		f.Add(s, true, uint8(3))
	}
	f.Fuzz(func(t *testing.T, tmpl string, hex bool, ck uint8) {
		r := rule("f", KindRegex, OnText, `^(?P<id>\w*)(x)?`, tmpl)
		if hex {
			r.Reply.Format = codec.ModeHex
		}
		r.Reply.Checksum = codec.Checksums[int(ck)%len(codec.Checksums)]
		s, err := Compile(File{Version: Version, Rules: []Rule{r}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field != "reply.template" {
				t.Fatalf("error %T %v; want a template *Error", err, err)
			}
			if e.Pos < 1 || e.Pos > utf8.RuneCountInString(tmpl)+1 {
				t.Fatalf("position %d outside %q", e.Pos, tmpl)
			}
			return
		}
		a := s.Respond([]byte("abc x\xff"), "127.0.0.1:1", t0, nil)
		if a.Rule != 0 {
			t.Fatalf("catch-all regex did not match: %+v", a)
		}
		if !strings.Contains(tmpl, "$") {
			want, err := codec.Encode(tmpl, codec.SendOptions{Mode: r.Reply.Format, Escapes: true, Checksum: r.Reply.Checksum})
			if err != nil {
				t.Fatalf("rules compiled %q but the send box refuses it: %v", tmpl, err)
			}
			if !bytes.Equal(a.Reply, want) {
				t.Fatalf("reply % X; send box % X", a.Reply, want)
			}
		}
	})
}

// FuzzMatch: any pattern compiles or is refused with an *Error; matching
// never panics, Test agrees with Respond, and the plain kinds agree with
// the bytes package, also when written as a regex over hex.
func FuzzMatch(f *testing.F) {
	f.Add("PING", []byte("PING\r\n"), uint8(1), false)
	f.Add(`^(\d+)`, []byte("12ab"), uint8(3), false)
	f.Add("7E 01", []byte{0x7e, 0x01, 0x02}, uint8(0), true)
	f.Add("(..) 0D$", []byte{1, 0x0d}, uint8(3), true)
	f.Add(`\x00`, []byte{0}, uint8(2), false)
	f.Fuzz(func(t *testing.T, pattern string, msg []byte, kind uint8, hex bool) {
		on := OnText
		if hex {
			on = OnHex
		}
		k := Kinds[int(kind)%len(Kinds)]
		r := rule("m", k, on, pattern, "${msg}")
		s, err := Compile(File{Version: Version, MaxPerSecond: -1, Rules: []Rule{r}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Field != "match.pattern" {
				t.Fatalf("error %T %v; want a pattern *Error", err, err)
			}
			return
		}
		tested := s.Test(msg, "", t0)
		a := s.Respond(msg, "", t0, nil)
		if a.Rule != tested.Rule {
			t.Fatalf("Test says rule %d, Respond %d", tested.Rule, a.Rule)
		}
		if a.Rule == 0 && !bytes.Equal(a.Reply, msg) {
			t.Fatalf("${msg} = % X; want % X", a.Reply, msg)
		}
		if k == KindRegex {
			return
		}
		lit := s.rules[0].lit
		var want bool
		switch k {
		case KindEquals:
			want = bytes.Equal(msg, lit)
		case KindStarts:
			want = bytes.HasPrefix(msg, lit)
		default:
			want = bytes.Contains(msg, lit)
		}
		if (a.Rule == 0) != want {
			t.Fatalf("%s %q on % X: matched %v; want %v", k, pattern, msg, a.Rule == 0, want)
		}
		if len(lit) == 0 {
			return
		}
		// The same question as a regex over the hex text.
		rx := rule("x", KindRegex, OnHex, regexp.QuoteMeta(codec.FormatHex(lit)), "")
		if k == KindStarts {
			rx.Match.Pattern = "^" + rx.Match.Pattern
		}
		if k == KindEquals {
			rx.Match.Pattern = "^" + rx.Match.Pattern + "$"
		}
		hs, err := Compile(File{Version: Version, MaxPerSecond: -1, Rules: []Rule{rx}})
		if err != nil {
			t.Fatal(err)
		}
		if got := hs.Test(msg, "", t0).Rule == 0; got != want {
			t.Fatalf("hex regex %q on % X: %v; want %v", rx.Match.Pattern, msg, got, want)
		}
	})
}
