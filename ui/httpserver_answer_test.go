package ui

import (
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
)

// A hand-written answer that cannot be sent is refused in the user's words
// with the line it is on; the error does not move the layout, and it goes
// when another waiting request is selected.
func TestManualAnswerErrorInWords(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, true)
	for _, path := range []string{"/one", "/two"} {
		go func() {
			if resp, err := http.Get("http://" + srv.Addr().String() + path); err == nil {
				resp.Body.Close()
			}
		}()
	}
	tickUntil(t, a, "two held requests", func() bool {
		return p.exch.Len() == 2 && p.exch.At(0).State == server.StatePending && p.exch.At(1).State == server.StatePending
	})
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	before := p.compose.MinSize()
	p.editor.SetText("HTTP/1.1 200 OK\nContent-Type: text/plain\nNoColonHeader\n\nhi")
	test.Tap(p.answerBtn)
	got := p.answerErr.Text
	if !strings.HasPrefix(got, "Line 3: ") || !strings.Contains(got, "NoColonHeader") || strings.Contains(got, "MIME") {
		t.Fatalf("answer error %q; want it to point at line 3 in plain words", got)
	}
	if after := p.compose.MinSize(); after != before {
		t.Fatalf("the answer box changed size from %v to %v when the error appeared", before, after)
	}
	p.list.Select(widget.TableCellID{Row: 1, Col: 0})
	if p.answerErr.Text != "" {
		t.Fatalf("stale error %q after selecting another waiting request", p.answerErr.Text)
	}
	p.editor.SetText("HTTP/1.1 204 No Content\n\n")
	test.Tap(p.answerBtn)
	if p.answerErr.Text != "" {
		t.Fatalf("good answer refused: %s", p.answerErr.Text)
	}
}
