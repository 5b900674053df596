package ui

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
)

func get(t *testing.T, c *http.Client, url string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

// Close, switch to manual answers, open again: the panel starts as new —
// no list, no exchange in the panes, counters at zero.
func TestHTTPServerReopenStartsClean(t *testing.T) {
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, false)
	get(t, http.DefaultClient, "http://"+srv.Addr().String()+"/")
	tickUntil(t, a, "request listed", func() bool { return p.exch.Len() == 1 && p.exch.At(0).State != server.StatePending })
	p.list.Select(widget.TableCellID{Row: 0, Col: 0})
	if p.reqView.msg == nil {
		t.Fatal("the selected request is not shown")
	}
	tickUntil(t, a, "status counts it", func() bool { return strings.HasPrefix(p.status.Text, "Requests: 1 ") })

	test.Tap(p.openBtn) // Close
	p.mode.SetSelected(T("http.manual", "Manual answers"))
	test.Tap(p.openBtn) // Open again
	if p.srv.Load() == nil {
		t.Fatalf("not reopened: %s", p.sessErr.Text)
	}
	if p.exch.Len() != 0 || p.selected != 0 {
		t.Fatalf("after reopen: %d exchanges listed, #%d selected", p.exch.Len(), p.selected)
	}
	if p.reqView.msg != nil || p.respView.msg != nil {
		t.Fatal("the panes still show the last session's exchange")
	}
	if got := p.hub.Counters.Snapshot(); got.RxBytes != 0 || got.TxBytes != 0 {
		t.Fatalf("counters %+v after reopen", got)
	}
	tickUntil(t, a, "status of the new session", func() bool {
		return strings.HasPrefix(p.status.Text, "Requests: 0 ") && strings.Contains(p.status.Text, "RX 0 B")
	})
}

// Past the list's capacity, the status line says how many requests were
// served as well as how many the list keeps.
func TestHTTPServerStatusCountsServed(t *testing.T) {
	if testing.Short() {
		t.Skip("sends more requests than the list keeps")
	}
	a := newTestApp(t)
	p, srv := openHTTPServer(t, a, false)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	total := server.MaxExchanges + 7
	for i := 0; i < total; i++ {
		get(t, c, "http://"+srv.Addr().String()+"/")
	}
	want := fmt.Sprintf("Requests: %s (the list keeps the last %s)", groupDigits(uint64(total)), groupDigits(uint64(server.MaxExchanges)))
	tickUntil(t, a, "status with both counts", func() bool { return strings.HasPrefix(p.status.Text, want) })
}
