package e2e

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRelayBetweenNcAndSocat: the real binary opened with
// --open tcp-relay://…?to=… and --save sits between an nc client and a
// socat server. The client sends binary bytes and half-closes; the FIN
// passes through, the server answers after it and closes. Each side gets
// exactly what the other sent, and the saved folder holds both legs, each
// direction in its own raw file, with the same bytes.
func TestRelayBetweenNcAndSocat(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "nc", "socat", "sh")
	d := newDisplay(t)
	port, upPort := freeTCPPort(t), freeTCPPort(t)
	work, saveDir := t.TempDir(), t.TempDir()

	rng := rand.New(rand.NewSource(seed(t)))
	request := make([]byte, 200_000)
	rng.Read(request)
	answer := append([]byte("answer\x00\xff\r\n"), bytes.Repeat([]byte("0123456789"), 3000)...)
	reqFile, ansFile := filepath.Join(work, "request.bin"), filepath.Join(work, "answer.bin")
	upGot, clientGot := filepath.Join(work, "upstream.got"), filepath.Join(work, "client.got")
	for f, b := range map[string][]byte{reqFile: request, ansFile: answer} {
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The server reads until the client's FIN, then answers and closes.
	server := exec.Command("socat", fmt.Sprintf("TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr", upPort),
		"SYSTEM:cat >"+upGot+"; cat "+ansFile)
	startProc(t, "socat", server)
	waitFor(t, 10*time.Second, "socat listening", func() (bool, error) { return listeningTCP(upPort), nil })

	a := d.startApp(bin, "--open", fmt.Sprintf("tcp-relay://127.0.0.1:%d?to=127.0.0.1:%d", port, upPort), "--save", saveDir)
	a.waitWindow()
	waitFor(t, 10*time.Second, "the relay listening", func() (bool, error) { return listeningTCP(port), nil })

	client := exec.Command("sh", "-c", fmt.Sprintf("nc -N 127.0.0.1 %d <%s >%s", port, reqFile, clientGot))
	out, err := runWithin(client, 60*time.Second)
	if err != nil {
		t.Fatalf("nc: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(upGot)
	if !bytes.Equal(got, request) {
		t.Errorf("the server got %d bytes: %s", len(got), firstDiff(got, request))
	}
	got, _ = os.ReadFile(clientGot)
	if !bytes.Equal(got, answer) {
		t.Errorf("the client got %d bytes: %s", len(got), firstDiff(got, answer))
	}
	a.waitMetrics(10*time.Second, "both directions counted", func(m metricsLine) bool {
		return m.RxBytes != nil && *m.RxBytes == uint64(len(request)+len(answer))
	})
	time.Sleep(500 * time.Millisecond) // a repaint after the last metrics line
	d.screenshot("relay-nc-socat.png")

	// The saved folder: four raw files of pair 1, complete once the pair
	// has ended (its disconnects are in events.jsonl).
	dir := sessionDir(t, saveDir)
	want := map[string][]byte{"_client_*.rx": request, "_server_*.tx": request, "_server_*.rx": answer, "_client_*.tx": answer}
	waitFor(t, 30*time.Second, "both legs saved", func() (bool, error) {
		for pat, b := range want {
			m, _ := filepath.Glob(filepath.Join(dir, "conn1"+pat))
			if len(m) != 1 {
				return false, nil
			}
			if st, err := os.Stat(m[0]); err != nil || st.Size() != int64(len(b)) {
				return false, nil
			}
		}
		return true, nil
	})
	for pat, b := range want {
		m, _ := filepath.Glob(filepath.Join(dir, "conn1"+pat))
		saved, _ := os.ReadFile(m[0])
		if !bytes.Equal(saved, b) {
			t.Errorf("%s: %s", m[0], firstDiff(saved, b))
		}
	}
	events, _ := os.ReadFile(filepath.Join(dir, "events.jsonl"))
	for _, s := range []string{`"event":"connect"`, `"leg":"client"`, `"leg":"server"`, `"detail":"fin"`} {
		if !strings.Contains(string(events), s) {
			t.Errorf("events.jsonl lacks %s", s)
		}
	}
}

// listeningTCP tells from /proc/net/tcp whether 127.0.0.1:port listens,
// without connecting (a probe would be a pair of the relay).
func listeningTCP(port int) bool {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 3 && (f[1] == fmt.Sprintf("0100007F:%04X", port) || f[1] == fmt.Sprintf("00000000:%04X", port)) && f[3] == "0A" {
			return true
		}
	}
	return false
}

func runWithin(cmd *exec.Cmd, limit time.Duration) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.Bytes(), err
	case <-time.After(limit):
		cmd.Process.Kill()
		return out.Bytes(), fmt.Errorf("did not end within %v", limit)
	}
}
