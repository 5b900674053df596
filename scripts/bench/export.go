package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// exportBench is `netassist export --pcapng` of a saved TCP flood against
// a plain copy of the same saved files on the same disk (issue 15).
type exportBench struct {
	Bytes      int64     // the flood
	FolderSize int64     // the saved folder's files
	Copies     []float64 // seconds per plain copy, synced to the disk as the export is
	Cached     []float64 // seconds per plain copy left in the page cache (not synced)
	Exports    []float64 // seconds per export
	OutSize    int64     // the pcapng written
	MaxRSS     int64     // the export process's peak, bytes
	Err        string
}

func (x *exportBench) best(secs []float64) float64 {
	if len(secs) == 0 {
		return 0
	}
	s := append([]float64(nil), secs...)
	sort.Float64s(s)
	return s[0]
}

// benchExport saves an n-byte flood with the app's --save, then copies the
// saved files and exports them as pcapng, twice each in turn (so the page
// cache favours neither), in the same work folder.
func benchExport(e *env, n int64, seed uint64) *exportBench {
	x := &exportBench{Bytes: n}
	saveDir := filepath.Join(e.work, "export-save")
	os.MkdirAll(saveDir, 0o755)
	defer os.RemoveAll(saveDir)
	port, err := freePort("tcp")
	if err != nil {
		x.Err = err.Error()
		return x
	}
	app, err := e.startListeningApp("export-save", port, "the app's TCP server",
		"--open", fmt.Sprintf("tcp-server://127.0.0.1:%d", port), "--save", saveDir)
	if err != nil {
		x.Err = err.Error()
		return x
	}
	if _, err := e.flood(port, n, seed); err != nil {
		app.stop()
		x.Err = err.Error()
		return x
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if f := rxFile(saveDir); f != "" {
			if st, err := os.Stat(f); err == nil && st.Size() >= n {
				break
			}
		}
		if time.Now().After(deadline) || !app.alive() {
			app.stop()
			x.Err = "the saved .rx file did not reach the flood's size within 2 min"
			return x
		}
		time.Sleep(10 * time.Millisecond)
	}
	app.stop()
	folder := filepath.Dir(rxFile(saveDir))
	x.FolderSize = folderSize(folder)
	exec.Command("sync").Run()

	out := filepath.Join(e.work, "export-out")
	os.MkdirAll(out, 0o755)
	defer os.RemoveAll(out)
	for i := 0; i < 2; i++ {
		for _, sync := range []bool{false, true} {
			secs, err := copyFolder(folder, filepath.Join(out, "copy"), sync)
			os.RemoveAll(filepath.Join(out, "copy"))
			exec.Command("sync").Run()
			if err != nil {
				x.Err = err.Error()
				return x
			}
			if sync {
				x.Copies = append(x.Copies, secs)
			} else {
				x.Cached = append(x.Cached, secs)
			}
			logf("export: plain copy (synced %v) of %d bytes in %.2f s, %.0f MB/s", sync, x.FolderSize, secs, float64(x.FolderSize)/secs/1e6)
		}

		pcap := filepath.Join(out, "flood.pcapng")
		cmd := exec.Command(e.bin, "export", "--quiet", "--pcapng", pcap, folder)
		e.note("%s export --quiet --pcapng $WORK/export-out/flood.pcapng $WORK/export-save/<session>", filepath.Base(e.bin))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		err = cmd.Run()
		secs := time.Since(start).Seconds()
		if err != nil {
			x.Err = fmt.Sprintf("netassist export: %v %s", err, strings.TrimSpace(stderr.String()))
			return x
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			x.MaxRSS = max(x.MaxRSS, ru.Maxrss*1024)
		}
		if st, err := os.Stat(pcap); err == nil {
			x.OutSize = st.Size()
		}
		os.Remove(pcap)
		exec.Command("sync").Run()
		x.Exports = append(x.Exports, secs)
		logf("export: pcapng of %d bytes in %.2f s, %.0f MB/s read, %d bytes written, peak RSS %d MB",
			x.FolderSize, secs, float64(x.FolderSize)/secs/1e6, x.OutSize, x.MaxRSS>>20)
	}
	return x
}

// copyFolder copies dir's files into to, as a user would copy the folder,
// and returns the seconds it took; with sync, until the copies are on the
// disk (the export syncs its file before naming it).
func copyFolder(dir, to string, sync bool) (float64, error) {
	if err := os.MkdirAll(to, 0o755); err != nil {
		return 0, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		if err := copyFile(filepath.Join(dir, e.Name()), filepath.Join(to, e.Name()), sync); err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds(), nil
}

func copyFile(from, to string, sync bool) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	if sync {
		if err := dst.Sync(); err != nil {
			dst.Close()
			return err
		}
	}
	return dst.Close()
}

func (x *exportBench) checks(r *report) {
	c, ex := x.best(x.Copies), x.best(x.Exports)
	known := x.Err == "" && c > 0 && ex > 0
	q := 0.0
	if known {
		q = c / ex
	}
	r.add("Export of the saved 1 GiB flood to pcapng: speed / a plain copy of the saved files",
		fmt.Sprintf("%.2f (%.1f s vs %.1f s)", q, ex, c), "≥ 0.50", q >= 0.5, known)
	if cc := x.best(x.Cached); known && cc > 0 {
		r.add("Export to pcapng: speed / a plain copy left in the page cache (not synced)", fmt.Sprintf("%.2f (%.1f s vs %.1f s)", cc/ex, ex, cc), "report", true, true)
	}
	r.add("Export to pcapng: peak RSS of `netassist export`", mb(uint64(x.MaxRSS)), "< 100 MB", x.MaxRSS < 100e6, x.MaxRSS > 0)
}

func (x *exportBench) markdown(w func(string, ...any)) {
	w("\n## Export: the saved flood as pcapng (issue 15)\n\n")
	w("The app's TCP server saves a %d-byte flood with `--save`; then, twice in turn, a plain Go copy of the saved folder's files into another folder on the same disk ", x.Bytes)
	w("(once left in the page cache, once synced to the disk), and `netassist export --pcapng` of the folder (Ethernet/IP/TCP frames of at most 1500 bytes, checksums computed), ")
	w("which syncs its file before giving it its name. `sync` runs between the steps. The target compares the two that end on the disk. Best of two each.\n\n")
	if x.Err != "" {
		w("**Error:** %s\n\n", x.Err)
	}
	w("| | Runs (s) | Best | Throughput (saved bytes read) |\n|---|---|---|---|\n")
	row := func(name string, secs []float64) {
		var s []string
		for _, v := range secs {
			s = append(s, fmt.Sprintf("%.2f", v))
		}
		b := x.best(secs)
		rate := 0.0
		if b > 0 {
			rate = float64(x.FolderSize) / b
		}
		w("| %s | %s | %.2f s | %s |\n", name, strings.Join(s, ", "), b, mbps(rate))
	}
	row("Plain copy of the saved files, synced", x.Copies)
	row("Plain copy of the saved files, page cache only", x.Cached)
	row("netassist export --pcapng", x.Exports)
	w("\nSaved folder: %s; pcapng written: %s; export peak RSS %s.\n", mb(uint64(x.FolderSize)), mb(uint64(x.OutSize)), mb(uint64(x.MaxRSS)))
}
