//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const pingRules = `{"version": 1, "rules": [
  {"name": "ping", "match": {"kind": "regex", "pattern": "^PING(?: (?P<id>\\w+))?$"},
   "reply": {"template": "PONG ${id} #${counter}\\r\\n"}},
  {"name": "quit", "match": {"kind": "equals", "pattern": "QUIT"},
   "reply": {"template": "BYE\\r\\n"}, "then": {"after": "close"}}
]}`

const udpRules = `{"version": 1, "rules": [
  {"name": "status", "match": {"kind": "starts", "on": "hex", "pattern": "01 03"},
   "reply": {"template": "01 83 ${random:0}", "format": "hex"}},
  {"name": "hello", "match": {"kind": "contains", "pattern": "hello"},
   "reply": {"template": "hi ${msg}"}}
]}`

// TestRulesAnswerRealPeers: the binary opened with --open … --rules FILE
// answers nc on a framed TCP server and socat on UDP with exactly the
// bytes its rules say, closes when a rule says so, and shows the replies
// marked with the rule's name (screenshot).
func TestRulesAnswerRealPeers(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "nc", "socat")
	dir := t.TempDir()
	tcpRules := filepath.Join(dir, "tcp.json")
	os.WriteFile(tcpRules, []byte(pingRules), 0o644)
	uRules := filepath.Join(dir, "udp.json")
	// ${random:0} is refused below; this file is the good one.
	os.WriteFile(uRules, []byte(strings.Replace(udpRules, " ${random:0}", "", 1)), 0o644)
	d := newDisplay(t)
	tport, uport := freeTCPPort(t), freeUDPPort(t)
	taddr := fmt.Sprintf("127.0.0.1:%d", tport)
	uaddr := fmt.Sprintf("127.0.0.1:%d", uport)
	a := d.startApp(bin,
		"--open", `tcp-server://`+taddr+`?frame=delim&delim=\r\n`, "--rules", tcpRules,
		"--open", "udp://"+uaddr, "--rules", uRules)
	a.waitWindow()
	dialRetry(t, taddr).Close() // listening

	// nc sends three requests in one go and prints what comes back until
	// the server closes (the QUIT rule).
	nc := exec.Command("nc", "-q", "5", "127.0.0.1", fmt.Sprint(tport))
	nc.Stdin = strings.NewReader("PING\r\nPING abc\r\nnoise\r\nQUIT\r\n")
	out, err := runTimeout(t, nc, 20*time.Second)
	if err != nil {
		t.Fatalf("nc: %v (%q)", err, out)
	}
	if want := "PONG  #1\r\nPONG abc #2\r\nBYE\r\n"; out != want {
		t.Fatalf("nc got %q; want %q", out, want)
	}

	sc := exec.Command("socat", "-t", "2", "-", "UDP:"+uaddr)
	sc.Stdin = strings.NewReader("hello there")
	out, err = runTimeout(t, sc, 20*time.Second)
	if err != nil || out != "hi hello there" {
		t.Fatalf("socat got %q, %v; want %q", out, err, "hi hello there")
	}
	time.Sleep(500 * time.Millisecond) // a repaint, for the screenshot only
	d.screenshot("rules-answer.png")
}

func runTimeout(t *testing.T, cmd *exec.Cmd, d time.Duration) (string, error) {
	t.Helper()
	var o strings.Builder
	cmd.Stdout = &o
	if err := cmd.Start(); err != nil {
		return "", err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return o.String(), err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return o.String(), errors.New("timed out")
	}
}

// TestRulesBadFileExits: a rules file with a bad rule stops the launch
// with status 2 and one line naming the rule, the field and the position,
// in English or Chinese (--lang zh); no window is needed to say so.
func TestRulesBadFileExits(t *testing.T) {
	bin := requireE2E(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(udpRules), 0o644) // ${random:0}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "en", "--open", "udp://127.0.0.1:0", "--rules", bad},
			`--rules ` + bad + `: Rule 1 “status”, reply, position 7: ${random:0}: the number of bytes must be 1 to 64.`},
		{[]string{"--lang", "zh", "--open", "udp://127.0.0.1:0", "--rules", bad},
			`--rules ` + bad + `: 规则 1“status”，应答，第 7 个字符：${random:0}：字节数必须是 1 到 64。`},
		{[]string{"--lang", "en", "--rules", bad}, "--rules must follow the --open sessions it applies to"},
	}
	for _, tc := range cases {
		_, msg, err := runNoDisplay(t, bin, tc.args...)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("%v: want exit 2, got %v\n%s", tc.args, err, msg)
		}
		if !strings.Contains(firstLine(msg), tc.want) {
			t.Errorf("%v: first line %q; want it to say %q", tc.args, firstLine(msg), tc.want)
		}
	}
}
