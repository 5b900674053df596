package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"time"
)

// floodRun is one receiver absorbing the flood.
type floodRun struct {
	Name       string
	Secs       float64 // client start → receiver closed after reading all (sink: after counting)
	MetricSecs float64 // client start → first metrics line showing every byte (1 s granularity)
	SavedSecs  float64 // client start → the saved .rx file holds every byte
	Counted    uint64  // the receiver's own count (sink answer / metrics rx_bytes)
	Win        window
	HWM        uint64 // VmHWM at the end
	SavedSHA   string
	SavedSize  int64
	EventsSize int64  // events.jsonl size
	FolderSize int64  // every file in the session folder: what saving put on the disk
	Msgs, Bad  uint64 // metrics rx_msgs and rx_bad, with framing
	Err        string
}

// clock is the measured time: until the receiver closed, or with --save
// until the saved .rx file was complete.
func (r floodRun) clock() float64 {
	if r.SavedSecs > 0 {
		return r.SavedSecs
	}
	return r.Secs
}

func (r floodRun) rate(n int64) float64 {
	if r.clock() <= 0 {
		return 0
	}
	return float64(n) / r.clock()
}

type floodResult struct {
	Bytes      int64
	SHA        string
	GenRate    float64
	Sink       []floodRun
	App        floodRun
	AppSave    floodRun
	Disk       diskPeer // a plain Go writer on the disk the --save run wrote to
	SinkMedian float64  // bytes/s
	Err        string
}

// diskPeer is a plain program writing what the --save run wrote (the .rx
// file and events.jsonl together) to the same disk: how fast the disk
// takes that much.
type diskPeer struct {
	Bytes int64
	Secs  float64
	Err   string
}

func (d diskPeer) rate() float64 {
	if d.Secs <= 0 {
		return 0
	}
	return float64(d.Bytes) / d.Secs
}

// writePeer writes n bytes in 256 KiB writes through the page cache to a
// new file in dir (no fsync), and removes it.
func writePeer(dir string, n int64) diskPeer {
	d := diskPeer{Bytes: n}
	f, err := os.CreateTemp(dir, "disk-peer-*.bin")
	if err != nil {
		d.Err = err.Error()
		return d
	}
	defer os.Remove(f.Name())
	buf := make([]byte, chunk)
	newStream(7).fill(buf)
	start := time.Now()
	for left := n; left > 0 && d.Err == ""; left -= chunk {
		if _, err := f.Write(buf[:min(left, chunk)]); err != nil {
			d.Err = err.Error()
		}
	}
	if err := f.Close(); err != nil && d.Err == "" {
		d.Err = err.Error()
	}
	d.Secs = time.Since(start).Seconds()
	return d
}

func benchFlood(e *env, n int64, seed uint64) *floodResult {
	res := &floodResult{Bytes: n}
	logf("hashing the %d-byte stream (seed %d)", n, seed)
	res.SHA, res.GenRate = streamHash(seed, n)
	logf("stream sha256 %s; generator alone %.2f GB/s", res.SHA, res.GenRate/1e9)

	var err error
	if res.Sink, res.SinkMedian, err = e.sinkRuns(n, seed); err != nil {
		res.Err = err.Error()
		return res
	}

	res.App = e.floodApp("flood-nosave", "NetAssist TCP server, saving off", n, seed, "", res.SHA)
	diskDir := filepath.Join(e.work, "flood-save")
	res.AppSave = e.floodApp("flood-save", "NetAssist TCP server, --save to disk", n, seed, diskDir, res.SHA)
	if res.AppSave.EventsSize > 0 {
		os.MkdirAll(diskDir, 0o755)
		exec.Command("sync").Run() // start from a clean page cache, as the app did
		res.Disk = writePeer(diskDir, res.AppSave.SavedSize+res.AppSave.EventsSize)
		os.RemoveAll(diskDir)
		logf("disk peer: %d bytes in %.2f s, %.0f MB/s %s", res.Disk.Bytes, res.Disk.Secs, res.Disk.rate()/1e6, res.Disk.Err)
	}
	return res
}

// sinkRuns floods the baseline, a plain Go sink in its own process, three
// times; the median rate is of the runs that counted every byte.
func (e *env) sinkRuns(n int64, seed uint64) ([]floodRun, float64, error) {
	var runs []floodRun
	sink, err := e.startWorker("sink", "-n", "3")
	if err != nil {
		return nil, 0, err
	}
	var sp struct{ Port int }
	if err := sink.next(&sp, 10*time.Second); err != nil {
		sink.stop()
		return nil, 0, err
	}
	for i := 0; i < 3; i++ {
		r := floodRun{Name: fmt.Sprintf("Go loopback sink, run %d", i+1)}
		fr, err := e.flood(sp.Port, n, seed)
		if err != nil {
			r.Err = err.Error()
		} else {
			r.Secs = float64(fr.EOFNs-fr.StartNs) / 1e9
			r.Counted = uint64(max(fr.PeerTotal, 0))
		}
		logf("%s: %.2f s, %.0f MB/s, counted %d", r.Name, r.Secs, r.rate(n)/1e6, r.Counted)
		runs = append(runs, r)
	}
	sink.stop()
	var rates []float64
	for _, r := range runs {
		if r.Err == "" && r.Counted == uint64(n) {
			rates = append(rates, r.rate(n))
		}
	}
	median := 0.0
	if len(rates) > 0 {
		sort.Float64s(rates)
		median = rates[len(rates)/2]
	}
	return runs, median, nil
}

func (e *env) flood(port int, n int64, seed uint64) (floodJSON, error) {
	w, err := e.startWorker("flood", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-bytes", strconv.FormatInt(n, 10),
		"-seed", strconv.FormatUint(seed, 10))
	if err != nil {
		return floodJSON{}, err
	}
	defer w.stop()
	var fr floodJSON
	if err := w.next(&fr, 4*time.Minute); err != nil {
		return fr, err
	}
	if fr.Error != "" {
		return fr, fmt.Errorf("flood client: %s", fr.Error)
	}
	return fr, nil
}

// floodApp floods the app's TCP server; with saveDir set it runs with
// --save saveDir.
func (e *env) floodApp(name, title string, n int64, seed uint64, saveDir string, wantSHA string) floodRun {
	return e.floodAppQuery(name, title, n, seed, saveDir, wantSHA, "")
}

// floodAppQuery is floodApp with query (such as "frame=delim&delim=%5Cn")
// added to the server's --open spec.
func (e *env) floodAppQuery(name, title string, n int64, seed uint64, saveDir string, wantSHA, query string) floodRun {
	save := saveDir != ""
	r := floodRun{Name: title}
	port, err := freePort("tcp")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	spec := fmt.Sprintf("tcp-server://127.0.0.1:%d", port)
	if query != "" {
		spec += "?" + query
	}
	args := []string{"--open", spec}
	if save {
		os.MkdirAll(saveDir, 0o755)
		args = append(args, "--save", saveDir)
		defer os.RemoveAll(saveDir)
	}
	app, err := e.startListeningApp(name, port, "the app's TCP server", args...)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	defer app.stop()
	fr, err := e.flood(port, n, seed)
	start := time.Unix(0, fr.StartNs)
	if err != nil {
		r.Err = err.Error()
		logf("%s: %v", title, err)
		return r
	}
	r.Secs = float64(fr.EOFNs-fr.StartNs) / 1e9
	end := time.Unix(0, fr.EOFNs)
	if save {
		// The clock stops when the raw file holds every byte.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			if f := rxFile(saveDir); f != "" {
				if st, err := os.Stat(f); err == nil && st.Size() >= n {
					r.SavedSecs = time.Since(start).Seconds()
					end = time.Now()
					break
				}
			}
			if time.Now().After(deadline) || !app.alive() {
				r.Err = "the saved .rx file did not reach the flood's size within 2 min"
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	m, err := waitMetric(app.metrics, start, 30*time.Second, func(m metric) bool { return m.Rx >= uint64(n) })
	if err != nil && r.Err == "" {
		r.Err = err.Error()
	}
	if err == nil {
		r.MetricSecs = m.Time.Sub(start).Seconds()
		if m.Time.After(end) {
			end = m.Time
		}
	}
	time.Sleep(1200 * time.Millisecond) // one more metrics line after the end
	ms := readMetrics(app.metrics)
	if len(ms) > 0 {
		r.Counted = ms[len(ms)-1].Rx
		r.Msgs, r.Bad = ms[len(ms)-1].Msgs, ms[len(ms)-1].Bad
	}
	r.Win = summarise(ms, start, end)
	r.HWM = app.peakRSS()
	if save {
		app.stop() // the saver has flushed (file size checked); close files before hashing
		if f := rxFile(saveDir); f != "" {
			st, _ := os.Stat(f)
			r.SavedSize = st.Size()
			r.SavedSHA, _ = fileSHA(f)
			if r.SavedSHA != wantSHA && r.Err == "" {
				r.Err = "the saved .rx file differs from the data sent"
			}
			if st, err := os.Stat(filepath.Join(filepath.Dir(f), "events.jsonl")); err == nil {
				r.EventsSize = st.Size()
			}
			r.FolderSize = folderSize(filepath.Dir(f))
		}
	}
	logf("%s: closed after %.2f s (metrics %.1f s, saved %.2f s), %.0f MB/s, counted %d, peak RSS %d MB (HWM %d MB), max ui_lag %.1f ms %s",
		title, r.Secs, r.MetricSecs, r.SavedSecs, r.rate(n)/1e6, r.Counted, r.Win.MaxRSS>>20, r.HWM>>20, r.Win.MaxLag, r.Err)
	return r
}

// folderSize adds up the sizes of the files in dir.
func folderSize(dir string) int64 {
	ents, _ := os.ReadDir(dir)
	var n int64
	for _, e := range ents {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
	}
	return n
}

// rxFile finds the one .rx file of a TCP server session saved under dir.
func rxFile(dir string) string {
	m, _ := filepath.Glob(filepath.Join(dir, "*", "conn*.rx"))
	if len(m) == 0 {
		return ""
	}
	sort.Strings(m)
	return m[len(m)-1]
}

func fileSHA(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// manyResult is the 10,000-clients test.
type manyResult struct {
	N          int
	Client     clientsResult
	AllSecs    float64 // first dial → metrics show every connection and byte
	Conns      int     // most connections in the metrics
	Rx         uint64  // metrics rx_bytes once all were counted
	Win        window
	HWM        uint64
	DrainSecs  float64 // clients closed → metrics connections back to 0
	DrainConns int     // connections still listed at the end of the wait
	Err        string
}

func benchClients(e *env, n int) *manyResult {
	res := &manyResult{N: n}
	port, err := freePort("tcp")
	if err != nil {
		res.Err = err.Error()
		return res
	}
	app, err := e.startListeningApp("clients", port, "the app's TCP server", "--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", port))
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer app.stop()
	start := time.Now()
	w, err := e.startWorker("clients", "-addr", fmt.Sprintf("127.0.0.1:%d", port), "-n", strconv.Itoa(n),
		"-batch", "250", "-ahead", "2500", "-metrics", app.metrics, "-hold", "3m")
	if err != nil {
		res.Err = err.Error()
		return res
	}
	defer w.stop()
	if err := w.next(&res.Client, 3*time.Minute); err != nil {
		res.Err = err.Error()
		return res
	}
	logf("clients: %d connected, %d failed, %d bytes sent, %.1f s (%.1f s waiting for the app)",
		res.Client.Connected, res.Client.Failed, res.Client.Bytes, res.Client.ConnectSec, res.Client.Throttled)
	m, err := waitMetric(app.metrics, start, time.Minute, func(m metric) bool {
		return m.Conns >= res.Client.Connected && m.Rx >= uint64(res.Client.Bytes)
	})
	end := time.Now()
	if err != nil {
		res.Err = err.Error()
	} else {
		res.AllSecs = m.Time.Sub(start).Seconds()
		end = m.Time
	}
	time.Sleep(2200 * time.Millisecond) // two more lines while all are connected
	ms := readMetrics(app.metrics)
	res.Win = summarise(ms, start, end.Add(2*time.Second))
	res.Conns = res.Win.MaxCon
	if len(ms) > 0 {
		res.Rx = ms[len(ms)-1].Rx
	}
	// Close every client and see the list empty.
	tClose := time.Now()
	w.stop()
	if m, err := waitMetric(app.metrics, tClose, 45*time.Second, func(m metric) bool { return m.Conns == 0 }); err == nil {
		res.DrainSecs = m.Time.Sub(tClose).Seconds()
	} else {
		res.DrainConns = m.Conns
		res.DrainSecs = -1
	}
	res.HWM = app.peakRSS()
	logf("clients: metrics show %d connections, rx %d (sent %d) after %.1f s; peak RSS %d MB (HWM %d MB); max ui_lag %.1f ms; drained in %.1f s %s",
		res.Conns, res.Rx, res.Client.Bytes, res.AllSecs, res.Win.MaxRSS>>20, res.HWM>>20, res.Win.MaxLag, res.DrainSecs, res.Err)
	return res
}
