package netassist

import (
	"bytes"
	"net"
	"runtime"
	"testing"
	"time"
)

func startUDP(t *testing.T, addr string) (*UDP, *watcher) {
	t.Helper()
	h, w := newHub("udp")
	u := NewUDP(Config{Kind: KindUDP, Local: addr}, h)
	if err := u.Start(); err != nil {
		t.Fatalf("bind: %v", err)
	}
	t.Cleanup(func() { u.Close() })
	return u, w
}

func TestUDPEachDatagramIsOneEvent(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(addr, func(t *testing.T) {
			base := runtime.NumGoroutine()
			u, w := startUDP(t, addr)
			peer, err := net.ListenPacket("udp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			to, _ := net.ResolveUDPAddr("udp", u.LocalAddr())
			big := bytes.Repeat([]byte{0xA7}, MaxDatagram)
			for _, d := range [][]byte{[]byte("one"), []byte("two\x00"), big} {
				if _, err := peer.WriteTo(d, to); err != nil {
					t.Fatal(err)
				}
			}
			// The counters move before the event is recorded: wait for both.
			evs := w.waitFor(t, "3 datagrams", func(evs []Event) bool {
				n := 0
				for _, e := range evs {
					if e.Kind == EvRx {
						n++
					}
				}
				return n == 3 && u.hub.Counters.Snapshot().RxChunks == 3
			})
			var sizes []int
			for _, e := range evs {
				if e.Kind == EvRx {
					sizes = append(sizes, len(e.Data))
				}
			}
			if len(sizes) != 3 || sizes[2] != MaxDatagram {
				t.Fatalf("sizes %v", sizes)
			}
			if u.LastSender() != peer.LocalAddr().String() {
				t.Fatalf("last sender %q; want %q", u.LastSender(), peer.LocalAddr())
			}
			if err := u.ReplyLast([]byte("reply")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 100)
			peer.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _, err := peer.ReadFrom(buf)
			if err != nil || string(buf[:n]) != "reply" {
				t.Fatalf("reply %q %v", buf[:n], err)
			}
			if err := u.SendTo(peer.LocalAddr().String(), []byte("to")); err != nil {
				t.Fatal(err)
			}
			if s := u.hub.Counters.Snapshot(); s.TxChunks != 2 || s.TxBytes != 7 {
				t.Fatalf("tx counters %+v", s)
			}
			u.Close()
			peer.Close()
			waitGoroutines(t, base)
		})
	}
}

func TestUDPTooLarge(t *testing.T) {
	u, _ := startUDP(t, "127.0.0.1:0")
	err := u.SendTo(u.LocalAddr(), make([]byte, MaxDatagram+1))
	if CodeOf(err) != CodeTooLarge {
		t.Fatalf("err = %v; want too_large", err)
	}
	if u.hub.Counters.Snapshot().TxChunks != 0 {
		t.Fatal("nothing may be counted for a refused datagram")
	}
}

func TestUDPPortInUse(t *testing.T) {
	u, _ := startUDP(t, "127.0.0.1:0")
	u2 := NewUDP(Config{Local: u.LocalAddr()}, NewHub("b", nil))
	if err := u2.Start(); CodeOf(err) != CodeAddrInUse {
		t.Fatalf("err = %v; want addr_in_use", err)
	}
}

func TestUDPBroadcastOnLoopback(t *testing.T) {
	// 127.255.255.255 stays on this machine; nothing leaves it.
	recv, w := startUDP(t, "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(recv.LocalAddr())
	send, _ := startUDP(t, "127.0.0.1:0")
	if err := send.SendTo("127.255.255.255:"+port, []byte("hello all")); err != nil {
		if CodeOf(err) == CodeBroadcastDeny {
			t.Skipf("this system refuses loopback broadcast: %v", err)
		}
		t.Fatal(err)
	}
	w.waitFor(t, "broadcast", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "hello all" })
}

func TestUDPMulticastOnLoopback(t *testing.T) {
	lo := loopbackInterface(t)
	recv, w := startUDP(t, "0.0.0.0:0")
	_, port, _ := net.SplitHostPort(recv.LocalAddr())
	if err := recv.JoinGroup("239.1.2.3", lo); err != nil {
		t.Skipf("cannot join a group on %s: %v", lo, err)
	}
	send, _ := startUDP(t, "127.0.0.1:0")
	if err := send.SetMulticastInterface(lo); err != nil {
		t.Fatal(err)
	}
	if err := send.SendTo("239.1.2.3:"+port, []byte("group")); err != nil {
		t.Fatal(err)
	}
	w.waitFor(t, "multicast", func(evs []Event) bool { return string(rxBytes(evs, 0)) == "group" })
	if g := recv.Groups(); len(g) != 1 {
		t.Fatalf("groups %v", g)
	}
}

func loopbackInterface(t *testing.T) string {
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback != 0 && i.Flags&net.FlagUp != 0 {
			return i.Name
		}
	}
	t.Skip("no loopback interface")
	return ""
}
