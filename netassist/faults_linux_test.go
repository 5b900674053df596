package netassist

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// The disk fills up while a TCP session saves (a 1 MiB tmpfs): the user
// sees "saving stopped: … no space left on device", saving turns off, the
// display and the counters go on with every byte, and what was saved is
// readable and a prefix of what the peer sent.
func TestFaultDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a 1 MiB tmpfs to fill (needs root and mount rights): %v %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", mnt, err, out)
		}
	})
	loopbacks(t, func(t *testing.T, host string) {
		base := runtime.NumGoroutine()
		s, w := startServer(t, hostPort(host), false)
		folder, err := s.hub.StartSaving(mnt)
		if err != nil {
			t.Fatal(err)
		}
		c := dial(t, s.LocalAddr())
		sent := randomTraffic(uint64(len(host)), 3<<20) // 3 MiB: far over 1 MiB
		writeRandomly(t, c, sent, 1)
		evs := w.await(t, "saving stopped", func(evs []Event) bool {
			for _, e := range evs {
				if e.Kind == EvError && strings.HasPrefix(e.Detail, "saving stopped: ") {
					return true
				}
			}
			return false
		})
		var detail string
		for _, e := range evs {
			if e.Kind == EvError {
				detail = e.Detail
			}
		}
		if !strings.Contains(detail, "no space left on device") {
			t.Fatalf("error %q; want it to say the disk is full", detail)
		}
		if _, on := s.hub.Saving(); on {
			t.Fatal("saving still on after the disk filled")
		}
		after := []byte("\r\nafter the disk filled\r\n")
		c.Write(after)
		sent = append(sent, after...)
		w.await(t, "every byte displayed", func(evs []Event) bool { return bytes.Equal(rxBytes(evs, 0), sent) })
		if rx := s.hub.Counters.Snapshot().RxBytes; rx != uint64(len(sent)) {
			t.Fatalf("rx counter %d; sent %d", rx, len(sent))
		}
		s.Close()
		evs = w.await(t, "close", has(EvClose, ""))
		checkCounters(t, s.hub, evs)
		raw, err := os.ReadFile(filepath.Join(folder, RawFileName(1, c.LocalAddr().String(), EvRx)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(sent, raw) || len(raw) >= len(sent) {
			t.Fatalf("saved %d bytes: not a proper prefix of the %d sent", len(raw), len(sent))
		}
		checkJSONL(t, filepath.Join(folder, "events.jsonl"), sent)
		t.Logf("saved %d of %d bytes before the disk filled", len(raw), len(sent))
		waitGoroutines(t, base)
		os.RemoveAll(folder) // room for the next address family
	})
}

// A broadcast the system refuses (a socket without SO_BROADCAST gets
// EACCES from Linux) is reported as broadcast_denied, nothing is counted,
// and the socket goes on sending. Our own UDP sessions set SO_BROADCAST
// (and Go sets it on every UDP socket), so the refusal is provoked by
// clearing it on the socket of a UDP session.
func TestFaultBroadcastDenied(t *testing.T) {
	recv, rw := startUDP(t, "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(recv.LocalAddr())
	plain, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := plain.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	rc.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 0)
	})
	if serr != nil {
		t.Fatal(serr)
	}
	h, w := newHub("udp")
	u := &UDP{cfg: Config{Kind: KindUDP, Local: plain.LocalAddr().String()}, hub: h, pc: plain}
	u.started.Store(true)
	defer u.Close()

	to := "127.255.255.255:" + port
	err = u.SendTo(to, []byte("hello all"))
	if CodeOf(err) != CodeBroadcastDeny || !errors.Is(err, syscall.EACCES) {
		t.Fatalf("err = %v (%q); want broadcast_denied wrapping EACCES", err, CodeOf(err))
	}
	if want := "the system refused to broadcast to " + to; err.Error() != want {
		t.Fatalf("message %q; want %q", err, want)
	}
	if s := h.Counters.Snapshot(); s.TxBytes != 0 || s.TxChunks != 0 {
		t.Fatalf("a refused broadcast was counted: %+v", s)
	}
	if err := u.SendTo("127.0.0.1:"+port, []byte("unicast")); err != nil {
		t.Fatalf("unicast after the refusal: %v", err)
	}
	rw.await(t, "unicast", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "unicast" })
	// The session's own socket (SO_BROADCAST on) may broadcast.
	if err := recv.SendTo(to, []byte("allowed")); err != nil {
		t.Fatalf("broadcast from a UDP session: %v", err)
	}
	rw.await(t, "broadcast", func(evs []Event) bool { return strings.HasSuffix(string(rxBytes(evs, 0)), "allowed") })
	evs, _ := w.h.Feed.Drain()
	if count(evs, EvTx, "") != 1 || sumData(evs, EvTx, 0) != 7 {
		t.Fatalf("tx events %d (%d bytes); want only the unicast", count(evs, EvTx, ""), sumData(evs, EvTx, 0))
	}
}
