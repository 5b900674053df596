package export

import (
	"fmt"

	"netassist/netassist"
)

// FolderProblem names why a folder cannot be opened, so that the window
// and the command line can say it in the user's language.
type FolderProblem int

const (
	FolderMissing    FolderProblem = iota // it does not exist
	FolderUnreadable                      // it or its events.jsonl cannot be read (Err says why)
	FolderNotDir                          // it is a file
	FolderNoEvents                        // it has no events.jsonl
	FolderEmpty                           // its events.jsonl is empty
	FolderNotJSON                         // the first line of events.jsonl is not JSON
	FolderNewer                           // saved in Format, newer than this version reads
)

// FolderError is a folder that cannot be opened. All problems but
// FolderMissing and FolderUnreadable wrap ErrFormat: the folder is there
// but is not one NetAssist saved (or can read).
type FolderError struct {
	Dir     string
	Problem FolderProblem
	Format  int   // FolderNewer
	Err     error // FolderUnreadable
}

// Error is the problem in English, for the log.
func (e *FolderError) Error() string {
	switch e.Problem {
	case FolderMissing:
		return e.Dir + " does not exist"
	case FolderUnreadable:
		return fmt.Sprintf("%s cannot be read: %v", e.Dir, e.Err)
	case FolderNotDir:
		return e.Dir + " is not a folder: " + ErrFormat.Error()
	case FolderNoEvents:
		return e.Dir + " has no events.jsonl: " + ErrFormat.Error()
	case FolderEmpty:
		return e.Dir + ": events.jsonl is empty: " + ErrFormat.Error()
	case FolderNotJSON:
		return e.Dir + ": the first line of events.jsonl is not JSON: " + ErrFormat.Error()
	}
	return fmt.Sprintf("%s was saved in format %d by a newer NetAssist; this one reads formats 1 to %d: %v",
		e.Dir, e.Format, netassist.SaveFormat, ErrFormat)
}

func (e *FolderError) Unwrap() error {
	switch e.Problem {
	case FolderMissing:
		return nil
	case FolderUnreadable:
		return e.Err
	}
	return ErrFormat
}

// ReadsFormat is the newest save format this version reads.
const ReadsFormat = netassist.SaveFormat
