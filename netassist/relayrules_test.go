package netassist

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"netassist/netassist/rules"
)

// txByRule is what the relay sent on leg as rule's replies.
func txByRule(evs []Event, leg, rule string) []byte {
	var b []byte
	for _, e := range evs {
		if e.Kind == EvTx && e.Leg == leg && e.Rule == rule {
			b = append(b, e.Data...)
		}
	}
	return b
}

// A client→server rule answers the client in place of the upstream: the
// answered message never reaches the upstream, the others pass in order,
// and the reply is counted and recorded as sent to the client by the rule.
func TestTCPRelayRuleAnswersClient(t *testing.T) {
	up, ups := upstream(t)
	set := ruleSet(t, 0, aRule("pong", rules.KindRegex, `^PING (\d+)$`, `PONG ${1}\r\n`))
	r, w := startRelay(t, Config{Remote: up, Framing: crlf, Rules: set})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("HELLO\r\nPING 7\r\nBYE\r\n"))
	if got := readN(t, c, 8); string(got) != "PONG 7\r\n" {
		t.Fatalf("client got %q", got)
	}
	if got := readN(t, s, 12); string(got) != "HELLO\r\nBYE\r\n" {
		t.Fatalf("upstream got %q: the answered message must not pass", got)
	}
	evs := w.waitFor(t, "the reply recorded", func(evs []Event) bool {
		return string(txByRule(evs, LegClient, "pong")) == "PONG 7\r\n"
	})
	var msgs []byte
	for _, e := range evs {
		if e.Kind == EvMsg && e.Leg == LegClient {
			msgs = append(msgs, e.Data...)
		}
	}
	if string(msgs) != "HELLO\r\nPING 7\r\nBYE\r\n" {
		t.Fatalf("messages shown from the client: %q", msgs)
	}
	if st := set.Stats(0); st.Hits != 1 {
		t.Fatalf("hits %d", st.Hits)
	}
	w.waitFor(t, "the counters", func([]Event) bool { // counted just after the write
		p := r.Pairs()[0]
		return p.Client2.TxBytes == 8 && p.Server.TxBytes == 12
	})
	// Taking the rules away passes everything again.
	r.SetDirRules(ClientToServer, nil)
	c.Write([]byte("PING 8\r\n"))
	if got := readN(t, s, 8); string(got) != "PING 8\r\n" {
		t.Fatalf("upstream got %q without rules", got)
	}
}

// A message split across reads is asked once whole, and its first part
// is not passed on early.
func TestTCPRelayRuleWaitsForWholeMessage(t *testing.T) {
	up, ups := upstream(t)
	set := ruleSet(t, 0, aRule("ok", rules.KindEquals, "GET", "OK\n"))
	r, _ := startRelay(t, Config{Remote: up, Framing: crlf, Rules: set})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("G"))
	time.Sleep(50 * time.Millisecond) // a separate read, most likely; the result is the same either way
	c.Write([]byte("ET\r\nX\r\n"))
	if got := readN(t, c, 3); string(got) != "OK\n" {
		t.Fatalf("client got %q", got)
	}
	if got := readN(t, s, 3); string(got) != "X\r\n" {
		t.Fatalf("upstream got %q", got)
	}
}

// A server→client rule answers the upstream in place of the client; the
// client sees nothing of the answered message.
func TestTCPRelayRuleAnswersUpstream(t *testing.T) {
	up, ups := upstream(t)
	set := ruleSet(t, 0, aRule("keepalive", rules.KindEquals, "KA?", "KA!"))
	r, w := startRelay(t, Config{Remote: up, RulesBack: set})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	s.Write([]byte("KA?"))
	if got := readN(t, s, 3); string(got) != "KA!" {
		t.Fatalf("upstream got %q", got)
	}
	s.Write([]byte("data"))
	if got := readN(t, c, 4); string(got) != "data" {
		t.Fatalf("client got %q: the answered message must not pass", got)
	}
	w.waitFor(t, "the reply recorded on the server leg", func(evs []Event) bool {
		return string(txByRule(evs, LegServer, "keepalive")) == "KA!"
	})
	if r.DirRules(ServerToClient) != set || r.DirRules(ClientToServer) != nil {
		t.Fatal("rules by direction")
	}
}

// A rule's reset acts on the side that sent the message: the client is
// reset after its reply, and the upstream is closed.
func TestTCPRelayRuleResetsSender(t *testing.T) {
	up, ups := upstream(t)
	ru := aRule("bye", rules.KindEquals, "QUIT", "BYE")
	ru.Then.After = rules.AfterReset
	r, _ := startRelay(t, Config{Remote: up, Rules: ruleSet(t, 0, ru)})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("QUIT"))
	got, err := readEnd(t, c)
	if string(got) != "BYE" || !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("client got %q, %v: want BYE then a reset", got, err)
	}
	if rest, err := readEnd(t, s); len(rest) != 0 || err == nil {
		t.Fatalf("upstream got %q, %v: want it closed, QUIT not passed", rest, err)
	}
}

// Holding applies after the rules: an unanswered message is held, an
// answered one is answered at once.
func TestTCPRelayRuleBeforeHold(t *testing.T) {
	up, ups := upstream(t)
	r, _ := startRelay(t, Config{Remote: up, Framing: crlf, Rules: ruleSet(t, 0, aRule("a", rules.KindEquals, "A", "a"))})
	r.SetHold(ClientToServer, true)
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("A\r\nB\r\n"))
	if got := readN(t, c, 1); string(got) != "a" {
		t.Fatalf("client got %q", got)
	}
	held := waitHeld(t, r, 1)
	if string(held[0].Data) != "B\r\n" {
		t.Fatalf("held %q", held[0].Data)
	}
	r.ForwardAll()
	if got := readN(t, s, 3); string(got) != "B\r\n" {
		t.Fatalf("upstream got %q", got)
	}
}

// A rule answering too fast is paused and says so once; the messages it
// no longer answers pass on.
func TestTCPRelayRulePaused(t *testing.T) {
	up, ups := upstream(t)
	r, w := startRelay(t, Config{Remote: up, Framing: crlf, Rules: ruleSet(t, 1, aRule("x", rules.KindEquals, "X", "y"))})
	c := dial(t, r.LocalAddr())
	s := accepted(t, ups)
	c.Write([]byte("X\r\nX\r\nX\r\n"))
	// The second and third come within the same second as the first, most
	// likely; whatever passed reaches the upstream whole.
	w.waitFor(t, "the pause said", func(evs []Event) bool {
		for _, e := range evs {
			if e.Kind == EvInfo && e.Detail == InfoRulePaused && e.Rule == "x" {
				return true
			}
		}
		return false
	})
	if got := readN(t, s, 3); string(got) != "X\r\n" {
		t.Fatalf("upstream got %q", got)
	}
}

// The UDP relay answers a datagram in place of the upstream, which never
// sees it; a server→client rule answers the upstream.
func TestUDPRelayRules(t *testing.T) {
	srv := udpPeer(t)
	r, w := startUDPRelay(t, Config{Remote: srv.LocalAddr().String(),
		Rules:     ruleSet(t, 0, aRule("who", rules.KindEquals, "WHO", "ME")),
		RulesBack: ruleSet(t, 0, aRule("ping", rules.KindEquals, "PING", "PONG"))})
	to, _ := net.ResolveUDPAddr("udp", r.LocalAddr())
	a := udpPeer(t)
	a.WriteToUDP([]byte("WHO"), to)
	if got, _ := readDgram(t, a); got != "ME" {
		t.Fatalf("client got %q", got)
	}
	a.WriteToUDP([]byte("data"), to)
	got, from := readDgram(t, srv)
	if got != "data" {
		t.Fatalf("upstream got %q: WHO must not pass", got)
	}
	srv.WriteToUDP([]byte("PING"), from)
	if got, _ := readDgram(t, srv); got != "PONG" {
		t.Fatalf("upstream got %q", got)
	}
	srv.WriteToUDP([]byte("hi"), from)
	if got, _ := readDgram(t, a); got != "hi" {
		t.Fatalf("client got %q: PING must not pass", got)
	}
	w.waitFor(t, "both replies recorded", func(evs []Event) bool {
		return string(txByRule(evs, LegClient, "who")) == "ME" && string(txByRule(evs, LegServer, "ping")) == "PONG"
	})
}

// Closing the relay ends a rule's wait: Close does not wait for it.
func TestTCPRelayCloseEndsRuleWait(t *testing.T) {
	up, ups := upstream(t)
	ru := aRule("slow", rules.KindEquals, "A", "a")
	ru.Then.WaitMS = rules.MaxWaitMS
	r, _ := startRelay(t, Config{Remote: up, Rules: ruleSet(t, 0, ru)})
	c := dial(t, r.LocalAddr())
	accepted(t, ups)
	c.Write([]byte("A"))
	if got := readN(t, c, 1); string(got) != "a" {
		t.Fatalf("client got %q", got)
	}
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(rules.MaxWaitMS * time.Millisecond / 2):
		t.Fatal("Close waited for the rule's wait")
	}
}
