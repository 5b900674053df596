package ui

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/codec"
)

// maxHistory is how many sends the history keeps.
const maxHistory = 50

// sendFunc sends bytes to the panel's current target; it must not block.
type sendFunc func(data []byte) error

// sendBox is the send area: the text, its options, repeat, file, history
// and an inline error that names the position of bad input.
type sendBox struct {
	win  fyne.Window
	send sendFunc
	// sendNow, when set, is what the Send button uses instead of send: it
	// may hand a send that would wait (a name lookup) to a goroutine.
	sendNow sendFunc

	// beside, when set before build, sits at the end of the second options
	// row (the TCP server's Send to all / Send to selected).
	beside fyne.CanvasObject
	report func(err error) // errors from background sends (repeat, file)
	// queued, when set, is how many bytes the session was handed and has
	// not written yet, and whether it is still open to write them: a long
	// send says "Sent" only once its bytes left (any goroutine).
	queued func() (n int, open bool)

	entry    *sendEntry
	mode     *widget.RadioGroup
	escapes  *widget.Check
	newline  *widget.Select
	charset  *widget.Select
	checksum *widget.Select
	repeat   *widget.Check
	interval *widget.Entry
	sendBtn  *widget.Button
	fileBtn  *widget.Button
	history  *widget.Select
	errLabel *widget.Label

	historyItems []string

	// A large paste is held here instead of in the Entry (sendpaste.go).
	held      string
	heldBlock *heldPaste

	// A send running off the UI goroutine (sendjob.go): at most one, shown
	// by the window's pump; main goroutine.
	pump     *pump
	job      *sendJob
	jobLabel *widget.Label // the progress, then the outcome
	jobBar   *widget.ProgressBar
	jobBtn   *widget.Button // Cancel, then OK
	jobRow   *fyne.Container

	mu         sync.Mutex
	stopRepeat chan struct{}
}

var newlineChoices = []codec.Newline{codec.NewlineAsTyped, codec.NewlineCRLF, codec.NewlineLF}

func newSendBox(win fyne.Window, send sendFunc, report func(error)) *sendBox {
	return &sendBox{win: win, send: send, report: report}
}

func (b *sendBox) build() fyne.CanvasObject {
	b.entry = newSendEntry(b.onSend)
	b.entry.SetPlaceHolder(T("send.placeholder", "Type what to send. Ctrl+Enter sends. Escapes: \\r \\n \\t \\0 \\\\ \\xHH"))
	b.entry.SetMinRowsVisible(3)
	b.entry.onLargePaste = b.hold
	b.entry.onReplaced = b.dropHeld
	b.entry.OnChanged = b.onEntryChanged
	b.heldBlock = newHeldPaste(b.onEditHeld, b.onClearHeld, b.onSend, b.onPasteMore)
	b.heldBlock.Hide()
	b.mode = widget.NewRadioGroup([]string{T("send.text", "Text"), T("send.hex", "Hex")}, b.onModeChanged)
	b.mode.Horizontal = true
	b.mode.Required = true
	b.mode.SetSelected(T("send.text", "Text"))
	b.escapes = widget.NewCheck(T("send.escapes", "Escapes"), nil)
	b.escapes.SetChecked(true)
	b.newline = widget.NewSelect([]string{T("send.nl.typed", "Newline as typed"), T("send.nl.crlf", "Newline CRLF"), T("send.nl.lf", "Newline LF")}, nil)
	b.newline.SetSelectedIndex(0)
	b.charset = widget.NewSelect(charsetNames(), nil)
	b.charset.SetSelected(string(codec.UTF8))
	b.checksum = widget.NewSelect(checksumNames(), nil)
	b.checksum.SetSelectedIndex(0)
	b.repeat = widget.NewCheck(T("send.repeat", "Repeat every"), b.onRepeat)
	b.interval = widget.NewEntry()
	b.interval.SetText("1000")
	b.sendBtn = widget.NewButton(T("send.send", "Send"), b.onSend)
	b.sendBtn.Importance = widget.HighImportance
	b.fileBtn = widget.NewButton(T("send.file", "Send file…"), b.onSendFile)
	b.history = widget.NewSelect(nil, b.onHistory)
	b.history.PlaceHolder = T("send.history", "History")
	b.errLabel = newErrLine()
	b.jobLabel = widget.NewLabel("")
	b.jobLabel.Wrapping = fyne.TextWrapWord
	b.jobBar = widget.NewProgressBar()
	b.jobBar.TextFormatter = func() string { return "" } // the label says it, and may wrap
	b.jobBtn = widget.NewButton(T("send.job.cancel", "Cancel"), b.onJobButton)
	b.jobRow = container.NewBorder(nil, nil, nil, b.jobBtn, container.NewStack(b.jobBar, b.jobLabel))
	b.jobRow.Hide()
	// Two rows: in one, "ms" fell off the end at 1024 px (and in Chinese).
	// History sits in the second, so that the buttons beside the box need
	// no more height than the box: the window must fit 700 px.
	format := container.NewHBox(b.mode, b.escapes, b.newline, b.charset, b.checksum)
	repeat := container.NewHBox(b.repeat, container.NewGridWrap(fyne.NewSize(70, b.interval.MinSize().Height), b.interval),
		widget.NewLabel(T("send.ms", "ms")), b.history)
	if b.beside != nil {
		repeat.Add(b.beside) // a row of its own would push the window past 700 px
	}
	opts := container.NewVBox(container.NewHScroll(format), repeat)
	buttons := container.NewVBox(b.sendBtn, b.fileBtn)
	return container.NewBorder(opts, container.NewVBox(b.errLabel, b.jobRow), nil, buttons,
		container.NewStack(b.entry, b.heldBlock))
}

func checksumNames() []string {
	names := map[codec.ChecksumKind]string{
		codec.ChecksumNone: T("send.ck.none", "No checksum"), codec.ChecksumSum8: "+ Sum8", codec.ChecksumXOR8: "+ XOR8",
		codec.ChecksumCRC16Modbus: "+ CRC-16/MODBUS", codec.ChecksumCRC16CCITT: "+ CRC-16/CCITT-FALSE", codec.ChecksumCRC32: "+ CRC-32",
	}
	var out []string
	for _, k := range codec.Checksums {
		out = append(out, names[k])
	}
	return out
}

// options reads the send settings from the widgets.
func (b *sendBox) options() codec.SendOptions {
	o := codec.SendOptions{Mode: codec.ModeText, Escapes: b.escapes.Checked, Charset: codec.Charset(b.charset.Selected)}
	if b.mode.Selected == T("send.hex", "Hex") {
		o.Mode = codec.ModeHex
	}
	if i := b.newline.SelectedIndex(); i >= 0 {
		o.Newline = newlineChoices[i]
	}
	if i := b.checksum.SelectedIndex(); i >= 0 {
		o.Checksum = codec.Checksums[i]
	}
	return o
}

// encode turns the box into bytes or shows why not; nothing half-made is
// ever returned.
func (b *sendBox) encode() ([]byte, bool) {
	data, err := codec.Encode(b.text(), b.options())
	if err != nil {
		b.showErr(err)
		return nil, false
	}
	return data, true
}

func (b *sendBox) showErr(err error) { showErrLine(b.errLabel, errMsg(err)) }

func (b *sendBox) onSend() {
	if b.held != "" {
		b.sendHeld()
		return
	}
	data, ok := b.encode()
	if !ok {
		return
	}
	if len(data) == 0 {
		b.showErr(errors.New(T("send.empty", "Nothing to send: the box is empty.")))
		return
	}
	send := b.send
	if b.sendNow != nil {
		send = b.sendNow
	}
	if err := send(data); err != nil {
		b.showErr(err)
		return
	}
	b.showErr(nil)
	b.remember(b.entry.Text)
}

// onModeChanged converts what is typed, so switching Text→Hex shows the
// bytes the text stands for and Hex→Text shows them as escaped text.
func (b *sendBox) onModeChanged(sel string) {
	if b.entry == nil || b.text() == "" {
		return
	}
	o := b.options()
	o.Checksum = codec.ChecksumNone
	if sel == T("send.hex", "Hex") {
		o.Mode = codec.ModeText
		if data, err := codec.Encode(b.text(), o); err == nil {
			b.setText(codec.FormatHex(data))
		}
		return
	}
	if data, err := codec.ParseHex(b.text()); err == nil {
		b.escapes.SetChecked(true)
		b.setText(codec.Escape(data))
	}
}

// setText replaces what the box holds, keeping a held paste held.
func (b *sendBox) setText(s string) {
	if b.held != "" {
		b.hold(s)
		return
	}
	b.entry.SetText(s)
}

func (b *sendBox) remember(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	items := []string{text}
	for _, h := range b.historyItems {
		if h != text && len(items) < maxHistory {
			items = append(items, h)
		}
	}
	b.historyItems = items
	labels := make([]string, len(items))
	for i, h := range items {
		labels[i] = historyLabel(i, h)
	}
	b.history.Options = labels
	b.history.ClearSelected()
	b.history.Refresh()
}

// historyLabel keeps Select options unique and one line long.
func historyLabel(i int, s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r", "\\r"), "\n", "\\n")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Itoa(i+1) + ". " + s
}

func (b *sendBox) onHistory(sel string) {
	for i, l := range b.history.Options {
		if l == sel && i < len(b.historyItems) {
			b.entry.SetText(b.historyItems[i])
			return
		}
	}
}

// onRepeat starts or stops sending the box every N ms (1 ms at least).
func (b *sendBox) onRepeat(on bool) {
	b.stopRepeating()
	if !on {
		return
	}
	ms, err := strconv.Atoi(strings.TrimSpace(b.interval.Text))
	if err != nil || ms < 1 {
		b.showErr(errors.New(T("send.badinterval", "The repeat interval must be a whole number of milliseconds, 1 or more.")))
		b.repeat.SetChecked(false)
		return
	}
	data, ok := b.encode()
	if !ok {
		b.repeat.SetChecked(false)
		return
	}
	b.showErr(nil)
	stop := make(chan struct{})
	b.mu.Lock()
	b.stopRepeat = stop
	b.mu.Unlock()
	go b.repeatLoop(data, time.Duration(ms)*time.Millisecond, stop)
}

func (b *sendBox) repeatLoop(data []byte, every time.Duration, stop chan struct{}) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := b.send(data); err != nil {
			var oe *netassist.OpError
			if errors.As(err, &oe) && oe.Code == netassist.CodeQueueFull {
				// The peer is slower than the repeat: skip this beat.
			} else {
				b.report(err)
				fyne.Do(func() { b.repeat.SetChecked(false) })
				return
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

func (b *sendBox) stopRepeating() {
	b.mu.Lock()
	if b.stopRepeat != nil {
		close(b.stopRepeat)
		b.stopRepeat = nil
	}
	b.mu.Unlock()
}

// sendHeld sends the held paste, encoded off the UI goroutine.
func (b *sendBox) sendHeld() {
	if b.job != nil {
		b.showErr(errors.New(T("send.job.busy", "A send is still going: wait for it or cancel it first.")))
		return
	}
	b.startJob(newSendJob(b, "", -1, encodedPiece(b.held, b.options()), nil))
}

func (b *sendBox) startJob(j *sendJob) {
	b.showErr(nil)
	b.job = j
	b.fileBtn.Disable()
	b.jobProgress(j, 0, false)
	if b.pump != nil {
		b.pump.add(j)
	}
	go j.run()
}

// onJobButton cancels the running send, or puts its outcome away.
func (b *sendBox) onJobButton() {
	if b.job == nil {
		b.jobRow.Hide()
		return
	}
	b.job.cancel()
	b.jobBtn.Disable()
}

// jobProgress shows a running job; main goroutine.
func (b *sendBox) jobProgress(j *sendJob, sent int64, waiting bool) {
	if j != b.job {
		return
	}
	setIfChanged(b.jobLabel, j.progressText(sent, waiting))
	if j.total > 0 {
		b.jobBar.SetValue(float64(sent) / float64(j.total))
		b.jobBar.Show()
	} else {
		b.jobBar.Hide()
	}
	if b.jobBtn.Text != T("send.job.cancel", "Cancel") {
		b.jobBtn.SetText(T("send.job.cancel", "Cancel"))
		b.jobBtn.Enable()
	}
	b.jobRow.Show()
}

// jobEnded shows how a job ended, until the user puts it away (OK) or
// sends again; main goroutine.
func (b *sendBox) jobEnded(j *sendJob, sent int64, err error) {
	if j != b.job {
		return
	}
	b.job = nil
	b.fileBtn.Enable()
	b.jobBar.Hide()
	b.jobBtn.SetText(T("send.job.ok", "OK"))
	b.jobBtn.Enable()
	switch msg := j.endText(sent, err); {
	case errors.Is(err, errEmptySend):
		b.jobRow.Hide()
		b.showErr(errors.New(T("send.empty", "Nothing to send: the box is empty.")))
	case msg == "":
		b.jobRow.Hide()
		b.showErr(err)
	default:
		b.jobLabel.SetText(msg)
		b.jobRow.Show()
	}
}
