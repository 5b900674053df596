package launch

import (
	"bytes"
	"io"
	"log"
	"sync"

	"github.com/sirupsen/logrus"
)

// fyneLog is where Fyne's own error lines (the standard logger) go:
// stderr as before, except one known false alarm, which goes to the
// application log at debug level.
//
// Fyne v2.7.1 reloads preferences.json whenever the file changes unless it
// wrote it in the last 100 ms, and at exit it saves the file once more
// from another goroutine. A reload can then read the file between the
// save's truncation and its write and log "Preferences load error: EOF"
// (seen at quit after sessions were restored). The failed reload changes
// nothing in memory and the save writes every value, so nothing is lost:
// only the message is wrong.
type fyneLog struct {
	mu   sync.Mutex
	out  io.Writer
	log  logrus.FieldLogger
	held []byte // a "Preferences load error" line waiting for its cause
	drop bool   // the held error was the false alarm: drop its "At:" line
}

// RouteFyneLog sends the standard logger's output through a fyneLog.
func RouteFyneLog(out io.Writer, l logrus.FieldLogger) {
	log.SetOutput(&fyneLog{out: out, log: l})
}

// Write gets one log line per call (the log package writes each entry
// whole).
func (f *fyneLog) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case bytes.Contains(p, []byte("Preferences load error")):
		f.flush()
		f.held = append(f.held[:0], p...)
		return len(p), nil
	case f.held != nil && bytes.Contains(p, []byte("Cause: EOF")):
		f.log.Debugf("ignored Fyne's preferences reload during its own save: %s", bytes.TrimSpace(p))
		f.held, f.drop = nil, true
		return len(p), nil
	case f.drop && bytes.Contains(p, []byte("  At: ")):
		f.drop = false
		return len(p), nil
	}
	f.drop = false
	f.flush()
	return f.out.Write(p)
}

func (f *fyneLog) flush() {
	if f.held != nil {
		f.out.Write(f.held)
		f.held = nil
	}
}
