package export

import (
	"context"
	"errors"
	"time"
)

// Job is one export asked for by the window: a saved folder and where to
// write each format ("" leaves a format out).
type Job struct {
	Dir     string
	Pcapng  string
	HAR     string
	Version string
	MTU     int           // of the pcapng's TCP segments; 0: DefaultMTU
	Warn    func(Warning) // if set, told each warning as met instead of Result.Warnings
}

// Result is what a finished export has to say besides its files.
type Result struct {
	Warnings   []Warning // damage that was skipped, in the order met
	HAREntries int       // HTTP exchanges written, when HAR was asked for
}

// Stage tells which step of an export failed, so the window can say it in
// the user's words; Err keeps the detail for the log.
type Stage int

const (
	StageFolder Stage = iota // the folder cannot be opened or is not a saved folder
	StageWrite               // an output cannot be created or written
	StageRead                // the folder could not be read to the end
)

// Error is an export that failed at Stage; Path is the folder or output.
type Error struct {
	Stage Stage
	Path  string
	Err   error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// progressEvery is how often Run reports progress.
const progressEvery = 200 * time.Millisecond

// Run exports j.Dir as Main does, for the window: progress(done, total
// bytes read) is called from Run's own goroutine a few times a second, and
// a cancelled ctx stops the export and leaves no output file behind
// (Run returns ctx.Err()).
func Run(ctx context.Context, j Job, progress func(done, total int64)) (Result, error) {
	var res Result
	fo, err := Open(j.Dir)
	if err != nil {
		return res, &Error{Stage: StageFolder, Path: j.Dir, Err: err}
	}
	fo.Warn = func(w Warning) { res.Warnings = append(res.Warnings, w) }
	if j.Warn != nil {
		fo.Warn = j.Warn
	}
	visitors := []Visitor{cancelled{ctx}}
	var outs []*output
	defer func() {
		for _, o := range outs {
			o.abandon()
		}
	}()
	if j.Pcapng != "" {
		o, err := create(j.Pcapng)
		if err != nil {
			return res, &Error{Stage: StageWrite, Path: j.Pcapng, Err: err}
		}
		outs = append(outs, o)
		p, err := NewPcapng(o.writer(), fo, PcapngOptions{MTU: j.MTU, Version: j.Version})
		if err != nil {
			return res, &Error{Stage: StageWrite, Path: j.Pcapng, Err: err}
		}
		o.finish = p.Close
		visitors = append(visitors, p)
	}
	var har *HAR
	if j.HAR != "" {
		o, err := create(j.HAR)
		if err != nil {
			return res, &Error{Stage: StageWrite, Path: j.HAR, Err: err}
		}
		outs = append(outs, o)
		if har, err = NewHAR(o.writer(), fo, j.Version); err != nil {
			return res, &Error{Stage: StageWrite, Path: j.HAR, Err: err}
		}
		o.finish = har.Close
		visitors = append(visitors, har)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go tellProgress(fo, progress, stop, done)
	err = fo.Walk(visitors...)
	close(stop)
	<-done
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		return res, &Error{Stage: StageRead, Path: j.Dir, Err: err}
	}
	for _, o := range outs {
		if err := o.commit(); err != nil {
			return res, &Error{Stage: StageWrite, Path: o.path, Err: err}
		}
	}
	outs = nil
	if har != nil {
		res.HAREntries = har.Entries()
	}
	return res, nil
}

// cancelled is the first visitor of a walk: it stops the walk once ctx is
// done.
type cancelled struct{ ctx context.Context }

func (c cancelled) Visit(*Event, []byte, bool) error { return c.ctx.Err() }

// tellProgress calls progress until stop is closed, and once more at the end.
func tellProgress(fo *Folder, progress func(done, total int64), stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	if progress == nil {
		return
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			progress(fo.Progress())
			return
		case <-tick.C:
			progress(fo.Progress())
		}
	}
}

// IsFormat tells whether err says the folder is not one NetAssist saved.
func IsFormat(err error) bool { return errors.Is(err, ErrFormat) }
