package ui

import (
	"errors"
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// onSendFile sends a file's bytes as they are, in pieces, off the UI
// goroutine, with progress and Cancel.
func (b *sendBox) onSendFile() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		b.sendFile(r.URI().Name(), fileSize(r.URI()), r)
	}, b.win)
}

// fileSize is the size of a local file, or -1.
func fileSize(u fyne.URI) int64 {
	if u.Scheme() != "file" {
		return -1
	}
	st, err := os.Stat(u.Path())
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	return st.Size()
}

// sendFile starts sending size bytes (-1: unknown) from r; main goroutine.
func (b *sendBox) sendFile(name string, size int64, r io.ReadCloser) {
	if b.job != nil {
		r.Close()
		b.showErr(errors.New(T("send.job.busy", "A send is still going: wait for it or cancel it first.")))
		return
	}
	b.startJob(newSendJob(b, name, size, readerPieces(r), func() { r.Close() }))
}

// readerPieces reads r in pieces of filePiece bytes.
func readerPieces(r io.Reader) pieceSource {
	buf := make([]byte, filePiece)
	return func() ([]byte, error) {
		n, err := io.ReadFull(r, buf)
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			err = io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			err = fmt.Errorf("%w: %w", errFileRead, err)
		}
		// A copy: the session keeps the piece in its queue.
		return append([]byte(nil), buf[:n]...), err
	}
}

// errFileRead wraps the file's own error, which the user does not see.
var errFileRead = errors.New("file cannot be read")
