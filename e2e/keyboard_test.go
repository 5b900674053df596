//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

// readExactly reads until c has delivered len(want) bytes (or the deadline,
// there only to stop a broken test), then checks nothing more follows
// straight away.
func readExactly(t *testing.T, c net.Conn, want []byte) {
	t.Helper()
	got := make([]byte, len(want))
	c.SetReadDeadline(time.Now().Add(60 * time.Second))
	n, err := io.ReadFull(c, got)
	if err != nil {
		t.Fatalf("peer got %d of %d bytes (%q): %v (nothing typed arrived: did the send box have the keyboard focus? see the failure screenshot)", n, len(want), got[:n], err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("peer got %q, want %q", got, want)
	}
	// Anything appended (a newline, a checksum) would be in the same write.
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	extra := make([]byte, 256)
	if n, _ := c.Read(extra); n > 0 {
		t.Fatalf("peer got %q, then %q more", got, extra[:n])
	}
	t.Logf("peer received exactly %q", got)
}

// TestTypeAndSendWithKeyboard: a person types an HTTP response with escapes
// into the send box of a TCP server session and presses Ctrl+Enter; the
// connected peer receives it with real CR LF bytes.
func TestTypeAndSendWithKeyboard(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	addr := "127.0.0.1:" + strconv.Itoa(freeTCPPort(t))
	a := d.startApp(bin, "--open", "tcp-server://"+addr)
	a.waitWindow()

	c := dialRetry(t, addr)
	defer c.Close()
	// Type only once the app has the connection, or "send to all" has no one
	// to send to.
	a.waitMetrics(30*time.Second, "the app to count one connection", func(m metricsLine) bool { return *m.Connections == 1 })

	d.typeText(`HTTP/1.1 200 OK\r\n\r\n<h1>hi</h1>`)
	d.key("ctrl+Return")
	want := []byte("HTTP/1.1 200 OK\r\n\r\n<h1>hi</h1>")
	readExactly(t, c, want)
	a.waitMetrics(30*time.Second, fmt.Sprintf("tx_bytes = %d", len(want)), func(m metricsLine) bool {
		if *m.TxBytes > uint64(len(want)) {
			t.Fatalf("metrics tx_bytes %d: more than the %d bytes sent", *m.TxBytes, len(want))
		}
		return *m.TxBytes == uint64(len(want))
	})
	time.Sleep(500 * time.Millisecond) // let the pump draw the tx row
	d.screenshot("e2e-keyboard.png")
}

// TestUDPAndClient: a UDP session with a remote and a TCP client session are
// opened from the command line; what is typed into the focused session (the
// last one opened) reaches that session's peer, and only that one. Run once
// with each session last.
func TestUDPAndClient(t *testing.T) {
	bin := requireE2E(t)
	d := newDisplay(t)
	for _, last := range []string{"tcp-client", "udp"} {
		t.Run(last+"-last", func(t *testing.T) {
			d.t = t // the display is shared; its helpers report to the subtest
			udpPeer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				t.Fatal(err)
			}
			defer udpPeer.Close()
			tcpPeer, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer tcpPeer.Close()
			appUDP := freeUDPPort(t)
			udpSpec := fmt.Sprintf("udp://127.0.0.1:%d?remote=%s", appUDP, udpPeer.LocalAddr())
			tcpSpec := "tcp-client://" + tcpPeer.Addr().String()
			args := []string{"--open", udpSpec, "--open", tcpSpec}
			if last == "udp" {
				args = []string{"--open", tcpSpec, "--open", udpSpec}
			}
			a := d.startApp(bin, args...)

			// The client connects at launch.
			tcpPeer.(*net.TCPListener).SetDeadline(time.Now().Add(60 * time.Second))
			conn, err := tcpPeer.Accept()
			if err != nil {
				t.Fatalf("the tcp-client session did not connect: %v", err)
			}
			defer conn.Close()
			a.waitWindow()

			msg := "hello from the " + last + " session\\r\\n"
			want := []byte("hello from the " + last + " session\r\n")
			d.typeText(msg)
			d.key("ctrl+Return")
			if last == "tcp-client" {
				readExactly(t, conn, want)
			} else {
				buf := make([]byte, 64<<10)
				udpPeer.SetReadDeadline(time.Now().Add(60 * time.Second))
				n, from, err := udpPeer.ReadFromUDP(buf)
				if err != nil {
					t.Fatalf("the UDP peer got nothing: %v", err)
				}
				if !bytes.Equal(buf[:n], want) {
					t.Fatalf("UDP peer got %q, want %q", buf[:n], want)
				}
				if from.Port != appUDP {
					t.Errorf("datagram came from %v, want the session's own port %d", from, appUDP)
				}
				t.Logf("UDP peer received exactly %q from %v", buf[:n], from)
			}
			// Only the focused session sent: the app's total is this message.
			a.waitMetrics(30*time.Second, fmt.Sprintf("tx_bytes = %d", len(want)), func(m metricsLine) bool {
				if *m.TxBytes > uint64(len(want)) {
					t.Fatalf("metrics tx_bytes %d: more than the %d bytes typed into one session", *m.TxBytes, len(want))
				}
				return *m.TxBytes == uint64(len(want))
			})

			// Both sessions receive: the peers answer, the app counts it.
			if _, err := conn.Write([]byte("from tcp peer\n")); err != nil {
				t.Fatal(err)
			}
			if _, err := udpPeer.WriteToUDP([]byte("from udp peer\n"), &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: appUDP}); err != nil {
				t.Fatal(err)
			}
			a.waitMetrics(30*time.Second, "rx_bytes = 28", func(m metricsLine) bool { return *m.RxBytes == 28 })
			time.Sleep(500 * time.Millisecond) // let the pump draw the rows
			d.screenshot("e2e-udp-client-" + last + "-last.png")
			a.kill()
		})
	}
}
