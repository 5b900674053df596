//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// relayRules is the README's relay example.
const relayRules = `{"version": 1, "rules": [
  {"name": "price", "match": {"kind": "equals", "pattern": "GET price"},
   "reply": {"template": "price=1\n"}},
  {"name": "keepalive", "direction": "server-to-client", "match": {"kind": "equals", "pattern": "PING"},
   "reply": {"template": "PONG\n"}}
]}`

// TestRelayRulesAnswerBothSides: the binary opened with
// --open tcp-relay://…?to=…&frame=delim --rules FILE sits between nc and
// a server. The client's "GET price" is answered by the relay and never
// reaches the server; the server's "PING" is answered by the relay and
// never reaches nc; everything else passes. The replies are saved with
// their rule's name, and shown (screenshot).
func TestRelayRulesAnswerBothSides(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "nc")
	d := newDisplay(t)
	dir, saveDir := t.TempDir(), t.TempDir()
	rulesFile := filepath.Join(dir, "relay.json")
	os.WriteFile(rulesFile, []byte(relayRules), 0o644)
	port := freeTCPPort(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	serverGot := make(chan string, 1)
	// The client speaks only once the server's greeting was answered: a
	// client that had already sent its FIN (nc at the end of its input)
	// leaves the relay no way to send the upstream a reply, and which
	// came first was chance (the test failed 1 run in 4).
	greeted := make(chan struct{})
	go func() {
		c, err := ln.Accept()
		if err != nil {
			serverGot <- "accept: " + err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(30 * time.Second))
		io.WriteString(c, "PING\n")
		r := bufio.NewReader(c)
		var got []string
		for len(got) < 2 {
			line, err := r.ReadString('\n')
			if err != nil {
				got = append(got, "error: "+err.Error())
				break
			}
			got = append(got, line)
			if len(got) == 1 {
				close(greeted)
			}
		}
		io.WriteString(c, "bye\n")
		serverGot <- strings.Join(got, "")
	}()

	a := d.startApp(bin, "--save", saveDir,
		"--open", fmt.Sprintf(`tcp-relay://127.0.0.1:%d?to=%s&frame=delim&delim=\n`, port, ln.Addr()), "--rules", rulesFile)
	a.waitWindow()
	waitFor(t, 10*time.Second, "the relay listening", func() (bool, error) { return listeningTCP(port), nil })

	nc := exec.Command("nc", "-q", "5", "127.0.0.1", fmt.Sprint(port))
	in, feed := io.Pipe()
	nc.Stdin = in
	go func() {
		select {
		case <-greeted:
		case <-time.After(20 * time.Second):
		}
		io.WriteString(feed, "GET price\nhello\n")
		feed.Close()
	}()
	out, err := runTimeout(t, nc, 30*time.Second)
	if err != nil {
		t.Fatalf("nc: %v (%q)", err, out)
	}
	if want := "price=1\nbye\n"; out != want {
		t.Errorf("nc got %q; want %q (PING must not pass)", out, want)
	}
	select {
	case got := <-serverGot:
		if want := "PONG\nhello\n"; got != want {
			t.Errorf("the server got %q; want %q (GET price must not pass)", got, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server got nothing")
	}
	waitFor(t, 15*time.Second, "both replies saved with their rule", func() (bool, error) {
		files, _ := filepath.Glob(filepath.Join(saveDir, "*", "events.jsonl"))
		for _, f := range files {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), `"rule":"price"`) && strings.Contains(string(b), `"rule":"keepalive"`) {
				return true, nil
			}
		}
		return false, nil
	})
	time.Sleep(500 * time.Millisecond) // a repaint, for the screenshot only
	d.screenshot("relay-rules.png")
}
