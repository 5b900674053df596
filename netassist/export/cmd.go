package export

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Usage is the export subcommand's synopsis.
const Usage = "netassist export [--pcapng FILE] [--har FILE] [--mtu N] [--quiet] [--lang zh|en] SAVED-DIR"

// Words words the warnings about damage for a language ("zh", "en", or ""
// for the system's); the window's translations live outside this package.
type Words func(lang string) func(Warning) string

// Main runs `netassist export ARGS…` and returns the exit status: 0 done
// (perhaps with warnings about damage, on stderr), 1 the folder cannot be
// exported or an output cannot be written, 2 the arguments are wrong.
// Progress goes to stderr once a second.
func Main(args []string, stderr io.Writer, version string) int {
	return MainWords(args, stderr, version, nil)
}

// MainWords is Main with the warnings worded by words (nil: English).
func MainWords(args []string, stderr io.Writer, version string, words Words) int {
	fs := flag.NewFlagSet("netassist export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pcapOut := fs.String("pcapng", "", "write the traffic as a pcapng capture to `FILE`")
	harOut := fs.String("har", "", "write the HTTP exchanges as HAR 1.2 to `FILE`")
	mtu := fs.Int("mtu", DefaultMTU, "IP packet size that TCP segments are split to fit")
	quiet := fs.Bool("quiet", false, "no progress lines")
	lang := fs.String("lang", "", "language of the warnings: zh or en (default: the system's)")
	// Flags may follow the folder too: parse what is left after it.
	var dirs []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				fs.SetOutput(stderr)
				fmt.Fprintln(stderr, "usage:", Usage)
				fs.PrintDefaults()
				return 0
			}
			return usageError(stderr, err.Error())
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	switch {
	case len(dirs) != 1:
		return usageError(stderr, "give exactly one saved folder")
	case *pcapOut == "" && *harOut == "":
		return usageError(stderr, "say what to write: --pcapng FILE, --har FILE or both")
	}
	fo, err := Open(dirs[0])
	if err != nil {
		fmt.Fprintln(stderr, "netassist export:", err)
		return 1
	}
	warnText := func(w Warning) string { return "warning: " + w.String() }
	if words != nil {
		warnText = words(*lang)
	}
	fo.Warn = func(w Warning) { fmt.Fprintln(stderr, "netassist export:", warnText(w)) }

	var visitors []Visitor
	var outs []*output
	defer func() {
		for _, o := range outs {
			o.abandon()
		}
	}()
	if *pcapOut != "" {
		o, err := create(*pcapOut)
		if err != nil {
			fmt.Fprintln(stderr, "netassist export:", err)
			return 1
		}
		outs = append(outs, o)
		p, err := NewPcapng(o.writer(), fo, PcapngOptions{MTU: *mtu, Version: version})
		if err != nil {
			fmt.Fprintln(stderr, "netassist export:", err)
			return 2
		}
		o.finish = p.Close
		visitors = append(visitors, p)
	}
	var har *HAR
	if *harOut != "" {
		o, err := create(*harOut)
		if err != nil {
			fmt.Fprintln(stderr, "netassist export:", err)
			return 1
		}
		outs = append(outs, o)
		if har, err = NewHAR(o.writer(), fo, version); err != nil {
			fmt.Fprintln(stderr, "netassist export:", err)
			return 1
		}
		o.finish = har.Close
		visitors = append(visitors, har)
	}

	stop := make(chan struct{})
	progressDone := make(chan struct{})
	go reportProgress(fo, stderr, *quiet, stop, progressDone)
	err = fo.Walk(visitors...)
	close(stop)
	<-progressDone
	if err != nil {
		fmt.Fprintln(stderr, "netassist export:", err)
		return 1
	}
	for _, o := range outs {
		if err := o.commit(); err != nil {
			fmt.Fprintln(stderr, "netassist export:", err)
			return 1
		}
	}
	if har != nil && har.Entries() == 0 {
		fmt.Fprintln(stderr, "netassist export: warning: no HTTP exchange in this folder; the HAR file has no entries")
	}
	return 0
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "netassist export: %s\nusage: %s\n", msg, Usage)
	return 2
}

// reportProgress prints how much of the folder was read, once a second,
// until stop is closed.
func reportProgress(fo *Folder, w io.Writer, quiet bool, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if quiet {
				continue
			}
			d, total := fo.Progress()
			pct := 100.0
			if total > 0 {
				pct = 100 * float64(d) / float64(total)
			}
			fmt.Fprintf(w, "netassist export: %s of %s read (%.0f%%)\n", mib(d), mib(total), pct)
		}
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// output is a file written under a temporary name and renamed into place
// only when complete, so a failed export leaves no half file behind.
type output struct {
	path   string
	f      *os.File
	pipe   *pipeWriter
	finish func() error
}

func create(path string) (*output, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s cannot be written: %s", path, strings.TrimSpace(err.Error()))
	}
	return &output{path: path, f: f}, nil
}

// writebackEvery is how much is written before the kernel is asked to
// start putting it on the disk.
const writebackEvery = 16 << 20

// writer is o's file, written on its own goroutine and back to the disk
// as it goes.
func (o *output) writer() io.Writer {
	o.pipe = newPipeWriter(&writeback{f: o.f})
	return o.pipe
}

type writeback struct {
	f            *os.File
	off, started int64
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.started >= writebackEvery {
		startWriteback(w.f, w.started, w.off-w.started)
		w.started = w.off
	}
	return n, err
}

func (o *output) commit() error {
	err := o.finish()
	if perr := o.pipe.Close(); err == nil {
		err = perr
	}
	if err == nil {
		// On the disk before it takes its name: a crash never leaves a
		// cut file under the name asked for.
		err = o.f.Sync()
	}
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(o.f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(o.f.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.f.Name())
		return fmt.Errorf("%s cannot be written: %w", o.path, err)
	}
	o.f = nil
	return nil
}

func (o *output) abandon() {
	if o.pipe != nil {
		o.pipe.Close()
	}
	if o.f != nil {
		o.f.Close()
		os.Remove(o.f.Name())
	}
}
