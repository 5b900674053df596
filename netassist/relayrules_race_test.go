package netassist

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"netassist/netassist/framing"
	"netassist/netassist/rules"
)

// The upstream greets at once ("PING") while the client sends: a
// server→client rule answers the greeting and the upstream gets the reply
// as well as the client's own message, every time (the e2e test lost the
// reply 1 run in 4).
func TestRelayRuleAnswersAnImmediateGreeting(t *testing.T) {
	nl := framing.Config{Kind: framing.Delim, Delim: []byte("\n")}
	for i := 0; i < 30; i++ {
		up, conns := upstream(t)
		c2s := ruleSet(t, 0, aRule("price", rules.KindEquals, "GET price", "price=1\n"))
		s2c := ruleSet(t, 0, aRule("keepalive", rules.KindEquals, "PING", "PONG\n"))
		r, _ := startRelay(t, Config{Remote: up, Framing: nl, Rules: c2s, RulesBack: s2c})
		if _, err := r.Hub().StartSaving(t.TempDir()); err != nil {
			t.Fatal(err)
		}
		cl, err := net.Dial("tcp", r.LocalAddr())
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(cl, "GET price\nhello\n")
		sv := <-conns
		io.WriteString(sv, "PING\n")
		sv.SetDeadline(time.Now().Add(5 * time.Second))
		br := bufio.NewReader(sv)
		a, _ := br.ReadString('\n')
		b, _ := br.ReadString('\n')
		if a+b != "PONG\nhello\n" && a+b != "hello\nPONG\n" {
			t.Fatalf("round %d: the upstream got %q", i, a+b)
		}
		cl.Close()
		sv.Close()
		r.Close()
	}
}

// A rule's reply to a sender we already passed the other side's FIN to
// cannot be written; the relay says so instead of dropping it silently.
func TestRelayRuleReplyAfterFINIsNoted(t *testing.T) {
	up, conns := upstream(t)
	s2c := ruleSet(t, 0, aRule("keepalive", rules.KindEquals, "PING", "PONG\n"))
	r, w := startRelay(t, Config{Remote: up, Framing: framing.Config{Kind: framing.Delim, Delim: []byte("\n")}, RulesBack: s2c})
	cl, err := net.Dial("tcp", r.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	sv := <-conns
	defer sv.Close()
	cl.(*net.TCPConn).CloseWrite() // the client's FIN, passed to the upstream
	sv.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := sv.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the upstream read %v; want the passed FIN", err)
	}
	io.WriteString(sv, "PING\n")
	w.waitFor(t, "the note", hasLeg(EvInfo, LegServer, InfoNotPassed))
}
