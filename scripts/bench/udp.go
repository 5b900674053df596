package main

import (
	"fmt"
	"time"
)

const (
	udpRate = 20000
	udpSecs = 10
	udpSize = 64
)

type udpBench struct {
	Sender   udpResult
	Received uint64 // metrics rx_bytes / 64
	RxBytes  uint64
	Win      window
	HWM      uint64
	Err      string
}

func benchUDP(e *env) *udpBench {
	res := &udpBench{}
	port, err := freePort("udp")
	if err != nil {
		res.Err = err.Error()
		return res
	}
	app, err := e.startApp("udp", "--open", fmt.Sprintf("udp://127.0.0.1:%d", port))
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer app.stop()
	time.Sleep(time.Second)
	start := time.Now()
	w, err := e.startWorker("udp", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-rate", fmt.Sprint(udpRate),
		"-secs", fmt.Sprint(udpSecs), "-size", fmt.Sprint(udpSize))
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer w.stop()
	if err := w.next(&res.Sender, 30*time.Second); err != nil {
		res.Err = err.Error()
		return res
	}
	want := uint64(res.Sender.Sent) * udpSize
	m, err := waitMetric(app.metrics, time.Now(), 5*time.Second, func(m metric) bool { return m.Rx >= want })
	if err != nil {
		// Not all counted: take the final figure once it stopped moving.
		time.Sleep(1100 * time.Millisecond)
		if ms := readMetrics(app.metrics); len(ms) > 0 {
			m = ms[len(ms)-1]
		}
	}
	res.RxBytes = m.Rx
	res.Received = m.Rx / udpSize
	res.Win = summarise(readMetrics(app.metrics), start, time.Now())
	res.HWM = app.peakRSS()
	logf("udp: sent %d in %.2f s (%d send errors), app counted %d datagrams (rx %d bytes); max ui_lag %.1f ms",
		res.Sender.Sent, res.Sender.Seconds, res.Sender.Errors, res.Received, res.RxBytes, res.Win.MaxLag)
	return res
}
