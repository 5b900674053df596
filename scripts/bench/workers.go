package main

// The load generators and the sink run as separate processes (this same
// binary with a sub-command), so that each side of a measurement is its own
// process, as the app is.

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/bits"
	"net"
	"os"
	"sync"
	"time"
	"unsafe"
)

// stream is the flood's data: a seeded wyrand generator, so the client
// produces it at several GB/s and anyone can recompute its SHA-256.
type stream struct{ s uint64 }

func newStream(seed uint64) *stream { return &stream{s: seed} }

// fill writes the next len(b) bytes; len(b) must be a multiple of 8.
// Unrolled by four (the same sequence as one step at a time) so that the
// client generates faster than loopback TCP carries.
func (g *stream) fill(b []byte) {
	const m = 0xe7037ed1a0b428db
	var c uint64 = 0xa0761d6478bd642f
	w := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/8)
	s := g.s
	i := 0
	for ; i+4 <= len(w); i += 4 {
		s0, s1, s2, s3 := s+c, s+2*c, s+3*c, s+4*c
		h0, l0 := bits.Mul64(s0, s0^m)
		h1, l1 := bits.Mul64(s1, s1^m)
		h2, l2 := bits.Mul64(s2, s2^m)
		h3, l3 := bits.Mul64(s3, s3^m)
		w[i], w[i+1], w[i+2], w[i+3] = h0^l0, h1^l1, h2^l2, h3^l3
		s = s3
	}
	for ; i < len(w); i++ {
		s += c
		hi, lo := bits.Mul64(s, s^m)
		w[i] = hi ^ lo
	}
	g.s = s
}

const chunk = 256 << 10 // client write size, sink read size

// streamHash returns the SHA-256 of the first n bytes of the stream and
// how fast the generator alone ran (bytes/s).
func streamHash(seed uint64, n int64) (string, float64) {
	g := newStream(seed)
	buf := make([]byte, chunk)
	h := sha256.New()
	for left := n; left > 0; left -= chunk {
		g.fill(buf)
		h.Write(buf[:min(left, chunk)])
	}
	sum := hex.EncodeToString(h.Sum(nil))
	g = newStream(seed)
	t1 := time.Now()
	for left := n; left > 0; left -= chunk {
		g.fill(buf)
	}
	return sum, float64(n) / time.Since(t1).Seconds()
}

func emit(v any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func fatal(err error) {
	emit(map[string]string{"error": err.Error()})
	os.Exit(1)
}

// runSink: listen, print the port, then for each connection (one at a
// time, at most -n) read and discard to EOF, answer the 8-byte total, close.
func runSink(args []string) {
	fs := flag.NewFlagSet("sink", flag.ExitOnError)
	n := fs.Int("n", 10, "connections to serve")
	fs.Parse(args)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	emit(map[string]int{"port": ln.Addr().(*net.TCPAddr).Port})
	buf := make([]byte, chunk)
	for i := 0; i < *n; i++ {
		c, err := ln.Accept()
		if err != nil {
			fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		var total uint64
		for {
			k, err := c.Read(buf)
			total += uint64(k)
			if err != nil {
				break
			}
		}
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], total)
		c.Write(b[:])
		c.Close()
	}
}

// floodJSON is what the flood client reports.
type floodJSON struct {
	Sent      int64  `json:"sent"`
	StartNs   int64  `json:"start_ns"`
	WrittenNs int64  `json:"written_ns"` // last write returned (data may still sit in buffers)
	EOFNs     int64  `json:"eof_ns"`     // the receiver closed after reading everything
	PeerTotal int64  `json:"peer_total"` // the sink's own count; -1 when the peer sent none
	Error     string `json:"error,omitempty"`
}

// runFlood sends -bytes of the stream, half-closes, and waits for the
// receiver to close (the sink after answering its total; the app's TCP
// server closes on FIN once it has read and recorded everything).
func runFlood(args []string) {
	fs := flag.NewFlagSet("flood", flag.ExitOnError)
	addr := fs.String("addr", "", "host:port")
	n := fs.Int64("bytes", 1<<30, "bytes to send")
	seed := fs.Uint64("seed", 1, "stream seed")
	limit := fs.Duration("timeout", 3*time.Minute, "give up after")
	write := fs.Int("write", chunk, "bytes per write")
	data := fs.String("data", "stream", "stream (the seeded stream), random (one seeded random buffer of -write bytes, sent again and again) or text (the same with lines of text)")
	fs.Parse(args)
	r := floodJSON{PeerTotal: -1}
	if *write <= 0 || *write%8 != 0 {
		fatal(fmt.Errorf("-write %d: want a positive multiple of 8", *write))
	}
	g := newStream(*seed)
	buf := make([]byte, *write)
	next := g.fill // stream: new bytes for every write
	switch *data {
	case "stream":
	case "random":
		g.fill(buf)
		next = func([]byte) {}
	case "text":
		textFill(buf, g)
		next = func([]byte) {}
	default:
		fatal(fmt.Errorf("-data %q: want stream, random or text", *data))
	}
	c, err := net.DialTimeout("tcp", *addr, 10*time.Second)
	if err != nil {
		fatal(err)
	}
	c.SetDeadline(time.Now().Add(*limit))
	r.StartNs = time.Now().UnixNano()
	for r.Sent < *n {
		next(buf)
		k, err := c.Write(buf[:min(*n-r.Sent, int64(len(buf)))])
		r.Sent += int64(k)
		if err != nil {
			r.Error = "write: " + err.Error()
			break
		}
	}
	r.WrittenNs = time.Now().UnixNano()
	c.(*net.TCPConn).CloseWrite()
	back, err := io.ReadAll(c)
	r.EOFNs = time.Now().UnixNano()
	if err != nil && r.Error == "" {
		r.Error = "waiting for the receiver to close: " + err.Error()
	}
	if len(back) == 8 {
		r.PeerTotal = int64(binary.BigEndian.Uint64(back))
	}
	c.Close()
	emit(r)
}

// textFill fills b with lines of printable ASCII words, 1 to 200
// characters long, each ending in a newline: what a log or a chat sends,
// and what makes the receive view's rows longest and most numerous.
func textFill(b []byte, g *stream) {
	var r [8]byte
	rnd := func(n int) int {
		g.fill(r[:])
		return int(binary.LittleEndian.Uint64(r[:]) % uint64(n))
	}
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for i := 0; i < len(b); {
		end := min(len(b), i+1+rnd(200))
		for w := 0; i < end-1; i++ {
			if w > 2 && rnd(7) == 0 {
				b[i], w = ' ', 0
			} else {
				b[i], w = letters[rnd(len(letters))], w+1
			}
		}
		b[i] = '\n'
		i++
	}
}

// clientsResult is what the many-clients process reports once connected.
type clientsResult struct {
	Connected  int     `json:"connected"`
	Failed     int     `json:"failed"`
	Bytes      int64   `json:"bytes"`
	ConnectSec float64 `json:"connect_s"`
	Throttled  float64 `json:"throttled_s"` // time spent waiting for the app to catch up
	FirstError string  `json:"first_error,omitempty"`
}

// line is what client i sends: one line, lengths vary with i.
func line(i int) []byte {
	return fmt.Appendf(nil, "client %d says hello from the NetAssist benchmark\n", i)
}

// runClients opens -n connections in batches, each sending one line, keeps
// them open until stdin closes (or -hold passes), then closes them all.
// Between batches it waits while more than -ahead connections are not yet
// shown in the app's metrics, so the accept backlog never overflows.
func runClients(args []string) {
	fs := flag.NewFlagSet("clients", flag.ExitOnError)
	addr := fs.String("addr", "", "host:port")
	n := fs.Int("n", 10000, "connections")
	batch := fs.Int("batch", 250, "connections dialled at once")
	ahead := fs.Int("ahead", 2500, "most connections not yet in the app's metrics")
	metricsPath := fs.String("metrics", "", "the app's metrics file (for pacing)")
	hold := fs.Duration("hold", 2*time.Minute, "longest time to keep the connections")
	fs.Parse(args)

	conns := make([]net.Conn, *n)
	var res clientsResult
	var mu sync.Mutex
	t0 := time.Now()
	for start := 0; start < *n; start += *batch {
		end := min(start+*batch, *n)
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				var c net.Conn
				var err error
				for try := 0; try < 3; try++ {
					if c, err = net.DialTimeout("tcp", *addr, 10*time.Second); err == nil {
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				if err == nil {
					_, err = c.Write(line(i))
				}
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					res.Failed++
					if res.FirstError == "" {
						res.FirstError = err.Error()
					}
					if c != nil {
						c.Close()
					}
					return
				}
				conns[i] = c
				res.Connected++
				res.Bytes += int64(len(line(i)))
			}(i)
		}
		wg.Wait()
		if *metricsPath != "" {
			tw := time.Now()
			for time.Since(tw) < 5*time.Second {
				ms := readMetrics(*metricsPath)
				if len(ms) == 0 || res.Connected-ms[len(ms)-1].Conns <= *ahead {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			res.Throttled += time.Since(tw).Seconds()
		}
	}
	res.ConnectSec = time.Since(t0).Seconds()
	emit(res)
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-time.After(*hold):
	}
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
	emit(map[string]int{"closed": res.Connected})
}

// udpResult is what the UDP sender reports.
type udpResult struct {
	Sent    int     `json:"sent"`
	Errors  int     `json:"errors"`
	Seconds float64 `json:"seconds"`
	Error   string  `json:"first_error,omitempty"`
}

// runUDP sends -rate datagrams of -size bytes per second for -secs,
// paced by the clock: at every instant t it has sent floor(t*rate).
func runUDP(args []string) {
	fs := flag.NewFlagSet("udp", flag.ExitOnError)
	addr := fs.String("addr", "", "host:port")
	rate := fs.Int("rate", 20000, "datagrams per second")
	secs := fs.Float64("secs", 10, "seconds")
	size := fs.Int("size", 64, "datagram size")
	fs.Parse(args)
	c, err := net.Dial("udp", *addr)
	if err != nil {
		fatal(err)
	}
	total := int(float64(*rate) * *secs)
	buf := make([]byte, *size)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	var r udpResult
	t0 := time.Now()
	deadline := t0.Add(time.Duration(*secs*float64(time.Second)) + 5*time.Second)
	for r.Sent < total && time.Now().Before(deadline) {
		due := min(total, int(time.Since(t0).Seconds()*float64(*rate)))
		for r.Sent < due {
			binary.BigEndian.PutUint64(buf, uint64(r.Sent))
			if _, err := c.Write(buf); err != nil {
				r.Errors++
				if r.Error == "" {
					r.Error = err.Error()
				}
			}
			r.Sent++
		}
		time.Sleep(200 * time.Microsecond)
	}
	r.Seconds = time.Since(t0).Seconds()
	emit(r)
}
