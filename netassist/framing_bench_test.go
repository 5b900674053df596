package netassist

import (
	"bytes"
	"net"
	"testing"
	"time"

	"netassist/netassist/framing"
)

// BenchmarkTCPServerFraming floods a TCP server session with
// "\r\n"-ended messages of 40 bytes through loopback, with and without
// delimiter framing, while a goroutine drains the display feed as the
// window's pump would; the ratio of the two is framing's cost.
func BenchmarkTCPServerFraming(b *testing.B) {
	msg := append(bytes.Repeat([]byte("x"), 38), '\r', '\n')
	chunk := bytes.Repeat(msg, (256<<10)/len(msg))
	const total = 64 << 20
	for _, fc := range []framing.Config{{}, {Kind: framing.Delim, Delim: []byte("\r\n")}} {
		name := string(fc.Kind)
		if name == "" {
			name = "reads"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				h := NewHub("bench", nil)
				s := NewTCPServer(Config{Kind: KindTCPServer, Local: "127.0.0.1:0", CloseOnFIN: true, Framing: fc}, h)
				if err := s.Start(); err != nil {
					b.Fatal(err)
				}
				h.Feed.SetSample(1<<20, 8<<10) // as the window's pump does
				stop := make(chan struct{})
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(33 * time.Millisecond):
							h.Feed.Drain()
						}
					}
				}()
				c, err := net.Dial("tcp", s.LocalAddr())
				if err != nil {
					b.Fatal(err)
				}
				for sent := 0; sent < total; sent += len(chunk) {
					n := min(len(chunk), total-sent)
					if _, err := c.Write(chunk[:n]); err != nil {
						b.Fatal(err)
					}
				}
				for h.Counters.Snapshot().RxBytes < total {
					time.Sleep(time.Millisecond)
				}
				c.Close()
				close(stop)
				s.Close()
			}
		})
	}
}
