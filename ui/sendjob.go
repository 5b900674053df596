package ui

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"netassist/netassist"
	"netassist/netassist/codec"
)

// A sendJob is a send that runs off the UI goroutine: a large paste
// (encoded there too) or a file, handed to the session piece by piece. The
// window's pump shows how far it got; Cancel stops it between pieces.

// filePiece is how much of a file one send hands to the session: small
// enough for progress and Cancel to move, and a file of up to one UDP
// datagram still goes as one datagram.
const filePiece = 64 << 10

// Waits for a full send queue (a peer that does not read) back off up to
// queueWaitMax, and end when the user cancels or the session closes.
const (
	queueWaitMin = 5 * time.Millisecond
	queueWaitMax = 200 * time.Millisecond
)

// errSendCancelled ends a job the user cancelled.
var errSendCancelled = errors.New("send cancelled")

// pieceSource yields the next piece to send, or io.EOF after the last.
type pieceSource func() ([]byte, error)

type sendJob struct {
	box   *sendBox
	name  string // the file's name; "" for a paste
	total int64  // bytes to send; < 0 when unknown until the end
	next  pieceSource
	done  func() // releases the source (closes the file)

	sent    atomic.Int64
	waiting atomic.Bool  // the session's queue is full: the peer is not reading
	unsent  atomic.Int64 // after the last piece: bytes still in the session's queues
	stop    chan struct{}
	once    sync.Once

	mu       sync.Mutex
	finished bool
	err      error // why it ended early; nil when all went out

	shown     int64 // pump goroutine only: sent as last shown, -1 before
	shownWait bool
}

func newSendJob(b *sendBox, name string, total int64, next pieceSource, done func()) *sendJob {
	return &sendJob{box: b, name: name, total: total, next: next, done: done, stop: make(chan struct{}), shown: -1}
}

// cancel asks the job to stop before its next piece; any goroutine.
func (j *sendJob) cancel() { j.once.Do(func() { close(j.stop) }) }

func (j *sendJob) cancelled() bool {
	select {
	case <-j.stop:
		return true
	default:
		return false
	}
}

// run sends every piece, then records how it ended.
func (j *sendJob) run() {
	err := j.sendAll()
	if j.done != nil {
		j.done()
	}
	j.mu.Lock()
	j.finished, j.err = true, err
	j.mu.Unlock()
	if p := j.box.pump; p != nil {
		p.wake() // an idle pump would show the end only at its idle pace
	}
}

func (j *sendJob) sendAll() error {
	for {
		if j.cancelled() {
			return errSendCancelled
		}
		piece, err := j.next()
		if j.cancelled() {
			return errSendCancelled // a cancel while reading: the piece stays unsent
		}
		if len(piece) > 0 {
			if serr := j.sendPiece(piece); serr != nil {
				return serr
			}
			j.sent.Add(int64(len(piece)))
		}
		if errors.Is(err, io.EOF) {
			return j.drain()
		}
		if err != nil {
			return err
		}
	}
}

// errCancelledQueued ends a job cancelled after its last piece was handed
// over: what is queued still goes out (only closing the session drops it).
var errCancelledQueued = errors.New("send cancelled with bytes queued")

// drain waits until the session has written every byte the job handed it,
// so that "Sent" means sent, not queued (a peer that reads slowly can hold
// up to 64 MiB per connection in the queue).
func (j *sendJob) drain() error {
	if j.box.queued == nil {
		return nil
	}
	wait := queueWaitMin
	defer j.waiting.Store(false)
	for {
		n, open := j.box.queued()
		if !open {
			return &netassist.OpError{Code: netassist.CodeClosed, Op: "send"}
		}
		j.unsent.Store(int64(min(int64(n), j.sent.Load())))
		if n == 0 {
			return nil
		}
		if !j.backoff(&wait) {
			return errCancelledQueued
		}
	}
}

// sendPiece hands one piece to the session, waiting while its queue is
// full.
func (j *sendJob) sendPiece(piece []byte) error {
	wait := queueWaitMin
	defer j.waiting.Store(false)
	for {
		err := j.box.send(piece)
		var oe *netassist.OpError
		if !errors.As(err, &oe) || oe.Code != netassist.CodeQueueFull {
			return err
		}
		if !j.backoff(&wait) {
			return errSendCancelled
		}
	}
}

// backoff waits *wait while the session's queue is full (or draining),
// then doubles it up to queueWaitMax; false when the user cancelled.
func (j *sendJob) backoff(wait *time.Duration) bool {
	j.waiting.Store(true)
	t := time.NewTimer(*wait)
	defer t.Stop()
	select {
	case <-j.stop:
		return false
	case <-t.C:
	}
	*wait = min(2*(*wait), queueWaitMax)
	return true
}

// prepare runs on the pump goroutine: it returns the progress to show, or
// at the end the outcome, after which the job leaves the pump.
func (j *sendJob) prepare(time.Time) func() {
	j.mu.Lock()
	finished, err := j.finished, j.err
	j.mu.Unlock()
	// What the peer can have: handed over and written, not still queued.
	sent, waiting := j.sent.Load()-j.unsent.Load(), j.waiting.Load()
	if finished {
		j.box.pump.remove(j)
		return func() { j.box.jobEnded(j, sent, err) }
	}
	if sent == j.shown && waiting == j.shownWait {
		return nil
	}
	j.shown, j.shownWait = sent, waiting
	return func() { j.box.jobProgress(j, sent, waiting) }
}

// what names the job's data in its messages.
func (j *sendJob) what() string {
	if j.name != "" {
		return j.name
	}
	return T("send.job.pasted", "the pasted text")
}

// progressText is the progress line while the job runs.
func (j *sendJob) progressText(sent int64, waiting bool) string {
	var s string
	if j.total >= 0 {
		s = Tf("send.job.progress", "Sending %s: %s of %s bytes", j.what(), groupDigits(uint64(sent)), groupDigits(uint64(j.total)))
	} else {
		s = Tf("send.job.progressnototal", "Sending %s: %s bytes", j.what(), groupDigits(uint64(sent)))
	}
	if waiting {
		s += " — " + T("send.job.waiting", "waiting for the peer to read")
	}
	return s
}

// endText says how the job ended; "" when the error is said in the send
// box's error line instead.
func (j *sendJob) endText(sent int64, err error) string {
	total := j.total
	if total < 0 {
		total = sent
	}
	var ie *codec.InputError
	switch {
	case err == nil:
		return Tf("send.job.done", "Sent %s: %s bytes.", j.what(), groupDigits(uint64(sent)))
	case errors.Is(err, errCancelledQueued):
		return Tf("send.job.cancelledqueued", "Cancelled: %s of %s bytes of %s were sent; the %s bytes already queued still go out unless you close the session.",
			groupDigits(uint64(sent)), groupDigits(uint64(total)), j.what(), groupDigits(uint64(j.unsent.Load())))
	case errors.Is(err, errSendCancelled):
		return Tf("send.job.cancelled", "Cancelled: %s of %s bytes of %s were sent.", groupDigits(uint64(sent)), groupDigits(uint64(total)), j.what())
	case errors.As(err, &ie), errors.Is(err, errEmptySend), j.name == "":
		// A paste is one message: why it did not go is said where a
		// typed message's error is.
		return ""
	case errors.Is(err, errFileRead):
		return Tf("send.job.readerr", "Stopped after %s bytes of %s: the file could not be read to the end.", groupDigits(uint64(sent)), j.what())
	}
	return Tf("send.job.stopped", "Stopped after %s of %s bytes of %s: %s", groupDigits(uint64(sent)), groupDigits(uint64(total)), j.what(), errText(err))
}

// encodedPiece encodes text once, off the UI goroutine, and yields it as
// one piece (one datagram for UDP).
func encodedPiece(text string, o codec.SendOptions) pieceSource {
	used := false
	return func() ([]byte, error) {
		if used {
			return nil, io.EOF
		}
		used = true
		data, err := codec.Encode(text, o)
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return nil, errEmptySend
		}
		return data, io.EOF
	}
}

// errEmptySend is a box that encodes to nothing.
var errEmptySend = errors.New("nothing to send")
