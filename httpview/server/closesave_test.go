package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"netassist/netassist"
)

// TestSavedResponseBeforeClose: a client that reads its response and
// closes at once, then the session closes at once. Every byte the client
// read must be in the saved .tx file, events.jsonl must carry the tx event
// before the disconnect, and the request list must hold the answered
// exchange. The response was recorded only after the socket write
// returned, so a close in that gap recorded the disconnect first and the
// response landed after it, or nowhere.
func TestSavedResponseBeforeClose(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "a.txt"), []byte("hello\n"), 0o644))
	for _, tc := range []struct {
		name     string
		method   string
		fastLane bool
	}{{"HEAD fast lane", "HEAD", true}, {"GET fast lane", "GET", true}, {"HEAD net/http", "HEAD", false}} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range 150 {
				if !closeRoundSaved(t, root, tc.method, tc.fastLane) {
					t.Fatalf("round %d lost the response", i)
				}
			}
		})
	}
}

// closeRoundSaved runs one round and reports whether the save is whole.
func closeRoundSaved(t *testing.T, root, method string, fast bool) bool {
	t.Helper()
	hub := netassist.NewHub("http", nil)
	dir, err := hub.StartSaving(t.TempDir())
	must(t, err)
	s := startServer(t, Config{Root: root, Recorder: hub, Session: "http"}, func(s *Server) { s.noFastLane = !fast })

	nc, err := net.Dial("tcp", s.Addr().String())
	must(t, err)
	_, err = io.WriteString(nc, method+" /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	must(t, err)
	var got bytes.Buffer
	resp, err := http.ReadResponse(bufio.NewReader(io.TeeReader(nc, &got)), &http.Request{Method: method})
	must(t, err)
	_, err = io.Copy(io.Discard, resp.Body)
	must(t, err)
	nc.Close()
	s.Close() // at once, as the user closing the session does
	must(t, hub.StopSaving())

	tx, _ := os.ReadFile(filepath.Join(dir, netassist.RawFileName(1, nc.LocalAddr().String(), netassist.EvTx)))
	if !bytes.Equal(tx, got.Bytes()) {
		t.Errorf("saved .tx = %q; the client read %q", tx, got.Bytes())
		return false
	}
	events, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	must(t, err)
	var txAt, discAt = -1, -1
	for i, line := range bytes.Split(bytes.TrimSpace(events), []byte("\n")) {
		var ev struct{ Event string }
		must(t, json.Unmarshal(line, &ev))
		switch ev.Event {
		case string(netassist.EvTx):
			txAt = i
		case string(netassist.EvDisconnect):
			discAt = i
		}
	}
	if txAt < 0 || discAt < txAt {
		t.Errorf("events.jsonl: tx at line %d, disconnect at line %d; want tx first\n%s", txAt, discAt, events)
		return false
	}
	ex := s.Exchanges()
	if len(ex) != 1 || ex[0].State != StateAnswered || !bytes.Equal(ex[0].RawResponse, got.Bytes()) {
		t.Errorf("exchanges = %+v; want one answered with the response the client read", ex)
		return false
	}
	return true
}
