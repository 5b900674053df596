package ui

import (
	"strings"
	"syscall"
	"testing"
	"unicode"

	"netassist/httpview/server"
)

// Why an exchange failed is said in the user's language: the list showed
// the server's English sentence ("失败 no response: …") before.
func TestFailedExchangeSaysWhyInChinese(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	if err := LoadTranslations("zh"); err != nil {
		t.Fatal(err)
	}
	for why := server.FailNoResponse; why < server.FailUpstream; why++ {
		e := &server.Exchange{State: server.StateFailed, FailWhy: why, Note: "English note"}
		got := exchangeStateOnly(e, e.Start)
		if strings.Contains(got, "English") || !strings.ContainsFunc(got, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("FailWhy %d reads %q", why, got)
		}
		for _, r := range got {
			if r < unicode.MaxASCII && unicode.IsLetter(r) {
				t.Errorf("FailWhy %d reads %q: English words in the Chinese list", why, got)
				break
			}
		}
	}
	// What the system said: a known cause is worded, never Go's text.
	e := &server.Exchange{State: server.StateFailed, FailWhy: server.FailBodyLost, Client: "127.0.0.1:5000",
		FailErr: &syscallErr{syscall.ECONNRESET}}
	got := exchangeStateOnly(e, e.Start)
	if !strings.Contains(got, "127.0.0.1:5000") || strings.Contains(got, "reset by peer") {
		t.Errorf("body lost on a reset reads %q", got)
	}
}

// syscallErr wraps an errno as the net package's errors do.
type syscallErr struct{ errno syscall.Errno }

func (e *syscallErr) Error() string { return "read: " + e.errno.Error() }
func (e *syscallErr) Unwrap() error { return e.errno }
