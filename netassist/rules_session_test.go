package netassist

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

func ruleSet(t *testing.T, max int, rs ...rules.Rule) *rules.Set {
	t.Helper()
	s, err := rules.Compile(rules.File{Version: rules.Version, MaxPerSecond: max, Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func aRule(name string, kind rules.Kind, pattern, template string) rules.Rule {
	r := rules.NewRule(name)
	r.Match = rules.Match{Kind: kind, On: rules.OnText, Pattern: pattern}
	r.Reply.Template = template
	return r
}

var crlf = framing.Config{Kind: framing.Delim, Delim: []byte("\r\n")}

func startRuleServer(t *testing.T, fc framing.Config, set *rules.Set) (*TCPServer, *watcher) {
	t.Helper()
	h, w := newHub("srv")
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0", CloseOnFIN: true, Framing: fc, Rules: set}, h)
	if err := s.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, w
}

func readLines(t *testing.T, r *bufio.Reader, n int) []string {
	t.Helper()
	var out []string
	for range n {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading reply %d: %v (got %q)", len(out)+1, err, out)
		}
		out = append(out, l)
	}
	return out
}

// Two framed requests in one write get two replies built from their
// groups, sent through the send path (tx events name the rule); a live
// SetRules changes the answer for the next message.
func TestRulesTCPServerFramed(t *testing.T) {
	set := ruleSet(t, 0, aRule("ping", rules.KindRegex, `^PING (\d+)$`, `PONG ${1} #${counter}\r\n`))
	s, w := startRuleServer(t, crlf, set)
	c := dial(t, s.LocalAddr())
	r := bufio.NewReader(c)
	io.WriteString(c, "PING 7\r\nPING 8\r\nnoise\r\n")
	got := readLines(t, r, 2)
	if want := []string{"PONG 7 #1\r\n", "PONG 8 #2\r\n"}; strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("got %q; want %q", got, want)
	}
	// Both replies of the read go out as one send, marked with the rule.
	w.waitFor(t, "the replies as one tx", func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == EvTx && e.Rule == "ping" && string(e.Data) == "PONG 7 #1\r\nPONG 8 #2\r\n" {
				return true
			}
		}
		return false
	})
	if st := set.Stats(0); st.Hits != 2 {
		t.Fatalf("hits %d; want 2", st.Hits)
	}
	s.SetRules(ruleSet(t, 0, aRule("other", rules.KindContains, "", `OTHER\r\n`)))
	io.WriteString(c, "PING 9\r\n")
	if got := readLines(t, r, 1)[0]; got != "OTHER\r\n" {
		t.Fatalf("after SetRules: %q", got)
	}
	if s.Hub().Counters.Snapshot().TxBytes == 0 {
		t.Fatal("replies not counted as sent")
	}
}

// Without framing each read is a message.
func TestRulesTCPServerReads(t *testing.T) {
	s, _ := startRuleServer(t, framing.Config{}, ruleSet(t, 0, aRule("hi", rules.KindEquals, `hello`, `world\n`)))
	c := dial(t, s.LocalAddr())
	io.WriteString(c, "hello")
	if got := readLines(t, bufio.NewReader(c), 1)[0]; got != "world\n" {
		t.Fatalf("got %q", got)
	}
}

// The actions after a reply, on real sockets: the peer always gets the
// reply first.
func TestRulesAfterActions(t *testing.T) {
	tests := []struct {
		after   rules.After
		wantErr func(error) bool
	}{
		{rules.AfterClose, func(err error) bool { return err == nil }}, // ReadAll: nil at EOF
		{rules.AfterHalfClose, func(err error) bool { return err == nil }},
		{rules.AfterReset, func(err error) bool { return errors.Is(err, syscall.ECONNRESET) }},
	}
	for _, tc := range tests {
		t.Run(string(tc.after), func(t *testing.T) {
			r := aRule("bye", rules.KindEquals, `QUIT`, `BYE\r\n`)
			r.Then = rules.Then{After: tc.after, WaitMS: 50}
			s, w := startRuleServer(t, crlf, ruleSet(t, 0, r))
			c := dial(t, s.LocalAddr())
			io.WriteString(c, "QUIT\r\n")
			got, err := io.ReadAll(c)
			if string(got) != "BYE\r\n" || !tc.wantErr(err) {
				t.Fatalf("got %q, %v", got, err)
			}
			// The message is recorded before the rule acts, the close
			// (FIN or RST) after its wait: the engine's own clock says
			// whether it waited.
			end := EvDisconnect
			if tc.after == rules.AfterHalfClose {
				end = EvInfo // local_fin
			}
			evs := w.waitFor(t, "the close", has(end, ""))
			var msgAt, endAt time.Time
			for _, e := range evs {
				if e.Kind == EvMsg && msgAt.IsZero() {
					msgAt = e.Time
				}
				if e.Kind == end {
					endAt = e.Time
				}
			}
			if d := endAt.Sub(msgAt); d < 50*time.Millisecond {
				t.Fatalf("closed %v after the message; the rule waits 50 ms first", d)
			}
			if tc.after == rules.AfterHalfClose {
				// Our side is closed; the peer's still works.
				io.WriteString(c, "more\r\n")
				w.waitFor(t, "the message after our FIN", nMsgs(2))
				if st := s.Conns()[0].State; st != StateHalfClosed {
					t.Fatalf("state %v; want half_closed", st)
				}
			}
		})
	}
}

// A rule answering faster than its limit is paused, says so once, and
// sends nothing more.
func TestRulesPausedOnFlood(t *testing.T) {
	set := ruleSet(t, 3, aRule("echo", rules.KindContains, "", `${msg}\n`))
	s, w := startRuleServer(t, crlf, set)
	c := dial(t, s.LocalAddr())
	io.WriteString(c, strings.Repeat("x\r\n", 10))
	w.waitFor(t, "the pause note", has(EvInfo, InfoRulePaused))
	c.CloseWrite()
	got, _ := io.ReadAll(c)
	if string(got) != "x\nx\nx\n" {
		t.Fatalf("got %q; want three replies", got)
	}
	n := 0
	for _, e := range w.evs {
		if e.Kind == EvInfo && e.Detail == InfoRulePaused {
			n++
			if e.Rule != "echo" {
				t.Fatalf("pause note names %q", e.Rule)
			}
		}
	}
	if n != 1 || !set.Stats(0).Paused {
		t.Fatalf("%d pause notes, paused %v; want one, true", n, set.Stats(0).Paused)
	}
}

// The TCP client answers its server.
func TestRulesTCPClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h, _ := newHub("cli")
	c := NewTCPClient(Config{Kind: KindTCPClient, Remote: ln.Addr().String(), Framing: crlf,
		Rules: ruleSet(t, 0, aRule("ack", rules.KindStarts, `CMD`, `ACK from ${peer}\r\n`))}, h)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	io.WriteString(peer, "CMD 1\r\n")
	want := "ACK from " + peer.LocalAddr().String() + "\r\n"
	if got := readLines(t, bufio.NewReader(peer), 1)[0]; got != want {
		t.Fatalf("got %q; want %q", got, want)
	}
}

// UDP answers each datagram's sender with one datagram.
func TestRulesUDP(t *testing.T) {
	h, w := newHub("udp")
	u := NewUDP(Config{Kind: KindUDP, Local: "127.0.0.1:0", Rules: ruleSet(t, 0, aRule("q", rules.KindRegex, `^Q(\d)$`, `A${1}`))}, h)
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
	pc.WriteTo([]byte("Q1"), to)
	pc.WriteTo([]byte("nothing"), to)
	pc.WriteTo([]byte("Q2"), to)
	pc.SetReadDeadline(time.Now().Add(10 * time.Second))
	var got []string
	buf := make([]byte, 100)
	for range 2 {
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(buf[:n]))
	}
	if strings.Join(got, ",") != "A1,A2" {
		t.Fatalf("got %q", got)
	}
	w.waitFor(t, "tx marked", func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == EvTx && e.Rule == "q" && string(e.Data) == "A2" {
				return true
			}
		}
		return false
	})
}

// A saved folder marks the automatic replies with the rule's name.
func TestRulesSavedWithName(t *testing.T) {
	s, _ := startRuleServer(t, crlf, ruleSet(t, 0, aRule("ping", rules.KindEquals, `PING`, `PONG\r\n`)))
	dir, err := s.Hub().StartSaving(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s.LocalAddr())
	io.WriteString(c, "PING\r\n")
	readLines(t, bufio.NewReader(c), 1)
	c.Close()
	s.Close()
	if err := s.Hub().StopSaving(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var ev jsonEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if ev.Event == "tx" {
			found = ev.Rule == "ping" && ev.Bytes == 6
		}
		if ev.Event == "rx" && ev.Rule != "" {
			t.Fatalf("rx line names a rule: %s", l)
		}
	}
	if !found {
		t.Fatalf("no tx line with rule ping:\n%s", b)
	}
}

// Replies of one read are joined only while they come from one rule, so
// every tx event names the rule that wrote it and the order is kept.
func TestRulesJoinedRepliesKeepRuleAndOrder(t *testing.T) {
	set := ruleSet(t, 0, aRule("a", rules.KindEquals, "A", "1"), aRule("b", rules.KindEquals, "B", "2"))
	s, w := startRuleServer(t, crlf, set)
	c := dial(t, s.LocalAddr())
	io.WriteString(c, "A\r\nA\r\nB\r\nA\r\n")
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "1121" {
		t.Fatalf("peer got %q, %v; want 1121", buf, err)
	}
	var got []string
	w.waitFor(t, "a:11 b:2 a:1", func(evs []Event) bool {
		// Consecutive sends of one rule are merged here, so a read split
		// differently by the kernel does not change the answer.
		got = got[:0]
		last := ""
		for _, e := range evs {
			if e.Kind != EvTx {
				continue
			}
			if e.Rule == last {
				got[len(got)-1] += string(e.Data)
				continue
			}
			got = append(got, e.Rule+":"+string(e.Data))
			last = e.Rule
		}
		return strings.Join(got, " ") == "a:11 b:2 a:1"
	})
}

// With rules every message of a read is answered, yet the display gets
// only the newest that fit its feed, the older ones counted: a flood of
// answered requests must not be built row by row for the window.
func TestRulesAnswerAllShowTail(t *testing.T) {
	h := NewHub("srv", nil)
	h.Feed = NewFeed(64, 1<<20) // room for a few 10-byte messages
	w := &watcher{h: h}
	// The rule answers nothing (an empty reply), so no tx event pushes the
	// messages out of the small feed; its hits show it took every one.
	set := ruleSet(t, -1, aRule("ok", rules.KindStarts, "REQ", ""))
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0", Framing: crlf, Rules: set}, h)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := dial(t, s.LocalAddr())
	const n = 200
	io.WriteString(c, strings.Repeat("REQ 0001\r\n", n))
	w.waitFor(t, "every message counted", func([]Event) bool { return s.Hub().Counters.Snapshot().RxMsgs == n })
	if hits := set.Stats(0).Hits; hits != n {
		t.Fatalf("the rule took %d messages; want %d", hits, n)
	}
	if got := s.Hub().Counters.Snapshot().RxMsgs; got != n {
		t.Fatalf("counted %d messages; want %d", got, n)
	}
	shown := 0
	for _, e := range w.waitFor(t, "messages", has(EvMsg, "")) {
		if e.Kind == EvMsg {
			shown += len(e.Msgs)
		}
	}
	if shown == 0 || shown >= n/2 {
		t.Fatalf("the display got %d of %d messages; want only the newest few", shown, n)
	}
}

// A peer that does not read: replies larger than the socket takes are
// written in part and queued for the rest, the read loop goes on taking
// messages, and the peer finally gets every reply whole and in order.
func TestRulesSlowPeerKeepsReadingAndOrder(t *testing.T) {
	pad := strings.Repeat("-", 4<<20) // more than loopback's socket buffers hold
	set := ruleSet(t, -1, aRule("big", rules.KindStarts, "REQ", "${msg}"+pad+"|"))
	s, _ := startRuleServer(t, crlf, set)
	c := dial(t, s.LocalAddr())
	const n = 4
	fmt.Fprintf(c, "REQ0\r\n")
	w := time.Now().Add(10 * time.Second)
	for s.Hub().Counters.Snapshot().TxBytes == 0 && time.Now().Before(w) {
		time.Sleep(5 * time.Millisecond) // the first reply is partly written
	}
	for i := 1; i < n; i++ {
		fmt.Fprintf(c, "REQ%d\r\n", i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.Hub().Counters.Snapshot().RxMsgs < n {
		if time.Now().After(deadline) {
			t.Fatalf("the server took %d of %d messages while the peer did not read: its read loop waits on the peer", s.Hub().Counters.Snapshot().RxMsgs, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var want strings.Builder
	for i := range n {
		fmt.Fprintf(&want, "REQ%d%s|", i, pad)
	}
	got := make([]byte, want.Len())
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Fatal("the replies arrived out of order or cut")
	}
}

// A rule's reply goes out before the read that asked for it is recorded:
// the peer never waits on the display's feed (whose lock the window's pump
// holds while it drains). Here recording blocks until the peer has the
// reply; the events still say read first, then reply.
func TestRulesReplyBeforeRecording(t *testing.T) {
	set := ruleSet(t, 0, aRule("ping", rules.KindRegex, `^PING (\d+)$`, `PONG ${1}\r\n`))
	h, w := newHub("srv")
	var block atomic.Bool
	release := make(chan struct{})
	h.Feed.SetNotify(func() {
		if block.CompareAndSwap(true, false) {
			<-release
		}
	})
	s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0", CloseOnFIN: true, Framing: crlf, Rules: set}, h)
	if err := s.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	c := dial(t, s.LocalAddr())
	w.waitFor(t, "the connection", has(EvConnect, ""))
	block.Store(true)
	io.WriteString(c, "PING 5\r\n")
	c.SetReadDeadline(time.Now().Add(10 * time.Second)) // fails rather than hangs
	got, err := bufio.NewReader(c).ReadString('\n')
	close(release)
	if err != nil || got != "PONG 5\r\n" {
		t.Fatalf("reply %q, %v; want it while the read is being recorded", got, err)
	}
	evs := w.waitFor(t, "the reply's tx", func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == EvTx {
				return true
			}
		}
		return false
	})
	// A framed read is shown as its messages (the raw read goes to the
	// saver only).
	var order []EventKind
	var msgAt, txAt time.Time
	for _, e := range evs {
		switch e.Kind {
		case EvMsg:
			msgAt = e.Time
		case EvTx:
			txAt = e.Time
		default:
			continue
		}
		order = append(order, e.Kind)
	}
	if len(order) != 2 || order[0] != EvMsg || order[1] != EvTx {
		t.Fatalf("shown %v; want the message, then the reply", order)
	}
	if txAt.Before(msgAt) {
		t.Fatalf("reply stamped %v, before its request %v", txAt, msgAt)
	}
}
