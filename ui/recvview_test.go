package ui

import (
	"bytes"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"netassist/netassist"
	"netassist/netassist/display"
)

// A flood is shown twice a second, ordinary traffic ten times.
func TestFloodRepaintsLessOften(t *testing.T) {
	v := newRecvView(nil, 0, 0)
	at := time.Unix(1_800_000_000, 0)
	feed := func(data []byte) bool {
		_, shown := v.prepare([]netassist.Event{{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: data}}, netassist.FeedDrops{}, at)
		return shown
	}
	count := func(data []byte, d time.Duration) int {
		n := 0
		for end := at.Add(d); at.Before(end); at = at.Add(10 * time.Millisecond) {
			if feed(data) {
				n++
			}
		}
		return n
	}
	if n := count([]byte("one line\n"), time.Second); n != 10 {
		t.Fatalf("a line per tick was shown %d times in a second; want 10", n)
	}
	flood := bytes.Repeat([]byte("row\n"), 100) // 100 rows a tick, 1,000 a repaint
	count(flood, 100*time.Millisecond)          // settle into the flood
	if n := count(flood, time.Second); n != 2 {
		t.Fatalf("a flood was shown %d times in a second; want 2", n)
	}
	count([]byte("quiet again\n"), 600*time.Millisecond) // the flood's last interval
	if n := count([]byte("quiet again\n"), time.Second); n != 10 {
		t.Fatalf("after the flood a line per tick was shown %d times in a second; want 10", n)
	}
}

// In a flood the status line waits for the rows' repaint, so the window
// draws twice a second rather than at every change of the figures.
func TestFloodUpdatesWindowTogether(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	at := time.Now()
	flood := bytes.Repeat([]byte("row\n"), 100)
	tick := func() bool {
		p.hub.Record(netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: flood})
		f := p.prepare(at)
		if f != nil {
			f()
		}
		at = at.Add(10 * time.Millisecond)
		return f != nil
	}
	for range 20 { // into the flood
		tick()
	}
	frames := 0
	for range 100 { // one second
		if tick() {
			frames++
		}
	}
	if frames != 2 {
		t.Fatalf("a second of flood changed the window %d times; want 2", frames)
	}
	if !strings.Contains(p.statusLatest, "RX") {
		t.Fatalf("status %q", p.statusLatest)
	}
	// Once the flood stops, the figures move on their own again.
	before := p.statusLatest
	for range 200 {
		at = at.Add(10 * time.Millisecond)
		if f := p.prepare(at); f != nil {
			f()
		}
	}
	if p.statusLatest == before {
		t.Fatalf("status stuck at %q after the flood", before)
	}
}

// A character no font has is shown as its bytes, and one a system font has
// is shown as itself once that font is found (on the pump's goroutine).
func TestRecvViewShowsUndrawableAsBytes(t *testing.T) {
	v := newRecvView(nil, 0, 0)
	at := time.Unix(1_800_000_000, 0)
	// U+11F04 (Kawi, Unicode 15) is a letter no installed font draws;
	// 'é' is in Fyne's own monospace font.
	u, _ := v.prepare([]netassist.Event{{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("a\U00011F04é\n")}}, netassist.FeedDrops{}, at)
	rows := strings.Join(u.batch.Rows, "\n")
	if !strings.Contains(rows, `a\xF0\x91\xBC\x84é\n`) {
		t.Fatalf("rows %q; want the Kawi letter as its bytes and é as itself", rows)
	}
}

// feedView formats events into a standalone receive view and shows them.
func feedView(t *testing.T, v *recvView, at time.Time, evs ...netassist.Event) {
	t.Helper()
	u, ok := v.prepare(evs, netassist.FeedDrops{}, at)
	if ok {
		v.apply(u)
	}
}

// rowsOf is what the view's list shows: each row's text and colour.
func rowsOf(v *recvView) (texts []string, colors []color.Color) {
	for i := range v.list.Length() {
		o := v.list.CreateItem()
		v.list.UpdateItem(i, o)
		row := o.(*rowText)
		texts, colors = append(texts, row.text), append(colors, row.color)
	}
	return texts, colors
}

// Sent rows are drawn in another colour than received ones, in both theme
// variants and in hex mode too.
func TestRecvViewColoursTXApart(t *testing.T) {
	fa := test.NewTempApp(t)
	at := time.Unix(1_800_000_000, 0)
	for _, variant := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		fa.Settings().SetTheme(&appTheme{fixed: true, variant: variant})
		for _, hex := range []bool{false, true} {
			v := newRecvView(nil, 0, 0)
			v.build()
			if hex {
				v.hexMode.SetSelected(T("recv.hex", "Hex"))
			}
			feedView(t, v, at,
				netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("in\n")},
				netassist.Event{Time: at, Kind: netassist.EvTx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("out\n")})
			texts, colors := rowsOf(v)
			var rx, tx []color.Color
			for i, s := range texts {
				switch {
				case strings.Contains(s, "RX") || strings.Contains(s, `in\n`) || strings.Contains(s, "69 6E 0A"):
					rx = append(rx, colors[i])
				case strings.Contains(s, "TX") || strings.Contains(s, `out\n`) || strings.Contains(s, "6F 75 74 0A"):
					tx = append(tx, colors[i])
				}
			}
			if len(rx) != 2 || len(tx) != 2 {
				t.Fatalf("variant %v hex %v: rows %q", variant, hex, texts)
			}
			if rx[0] != rx[1] || tx[0] != tx[1] {
				t.Errorf("variant %v hex %v: a chunk's header and data differ in colour: RX %v TX %v", variant, hex, rx, tx)
			}
			if colorsClose(rx[0], tx[0]) {
				t.Errorf("variant %v hex %v: RX %v and TX %v rows look the same", variant, hex, rx[0], tx[0])
			}
			bg := theme.Color(theme.ColorNameBackground)
			if colorsClose(rx[0], bg) || colorsClose(tx[0], bg) {
				t.Errorf("variant %v hex %v: a row's colour is the background's", variant, hex)
			}
		}
	}
}

// colorsClose tells colours a reader cannot tell apart (each channel
// within 40 of 255).
func colorsClose(a, b color.Color) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) bool { return max(x, y)-min(x, y) < 40*257 }
	return d(r1, r2) && d(g1, g2) && d(b1, b2)
}

// "Hide sent" leaves sent data out of the rows and brings it back, for
// what is already shown too, and the panel remembers it.
func TestRecvViewHidesTX(t *testing.T) {
	a := newTestApp(t)
	p := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	v := p.recv
	at := time.Unix(1_800_000_000, 0)
	feedView(t, v, at,
		netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("question\n")},
		netassist.Event{Time: at, Kind: netassist.EvTx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("answer\n")})
	has := func(s string) bool {
		texts, _ := rowsOf(v)
		return strings.Contains(strings.Join(texts, "\n"), s)
	}
	if !has("question") || !has("answer") {
		t.Fatal("rows before hiding lack a direction")
	}
	test.Tap(v.hideTX)
	at = at.Add(time.Second)
	feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvTx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte("later\n")})
	if !has("question") || has("answer") || has("later") || has("TX") {
		texts, _ := rowsOf(v)
		t.Fatalf("with sent data hidden the rows are %q", texts)
	}
	test.Tap(v.hideTX)
	feedView(t, v, at.Add(time.Second))
	if !has("answer") || !has("later") {
		texts, _ := rowsOf(v)
		t.Fatalf("after showing sent data again the rows are %q", texts)
	}
	test.Tap(v.hideTX)
	p.saveOptions()
	q := a.NewPanel(netassist.KindTCPServer).(*tcpServerPanel)
	if !q.recv.hideTX.Checked {
		t.Fatal("Hide sent was not remembered")
	}
}

// A 5,000-character line in a narrow pane is wrapped at the pane's width:
// every row fits on screen and together they hold every character, in
// log and stream mode; in hex mode every byte is on screen too.
func TestRecvViewLongLineFitsNarrowPane(t *testing.T) {
	test.NewTempApp(t)
	var line strings.Builder
	for i := range 5000 {
		line.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[i%36])
	}
	at := time.Unix(1_800_000_000, 0)
	for _, mode := range []string{"log", "stream", "hex"} {
		v := newRecvView(nil, 0, 0)
		w := test.NewWindow(v.build())
		w.Resize(fyne.NewSize(320, 400))
		switch mode {
		case "stream":
			v.logMode.SetChecked(false)
		case "hex":
			v.hexMode.SetSelected(T("recv.hex", "Hex"))
		}
		feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: []byte(line.String())})
		texts, _ := rowsOf(v)
		room := v.list.Size().Width - theme.ScrollBarSize()
		var got strings.Builder
		for _, row := range texts {
			if w := fyne.MeasureText(row, v.textSize(), fyne.TextStyle{Monospace: true}).Width; w > room {
				t.Fatalf("%s: row %q is %.0f pixels wide; the pane shows %.0f", mode, row, w, room)
			}
			switch {
			case mode == "hex":
				if l, r := strings.IndexByte(row, '|'), strings.LastIndexByte(row, '|'); l >= 0 && r > l {
					got.WriteString(row[l+1 : r])
				}
			case mode == "stream":
				got.WriteString(row[strings.IndexByte(row, ']')+2:])
			default: // the header's pieces, then the line's
				got.WriteString(row)
			}
		}
		if !strings.Contains(got.String(), line.String()) {
			t.Errorf("%s: the rows hold %d characters of the 5,000", mode, got.Len())
		}
		// A wider pane makes the rows again while the history holds all
		// they came from, and so does a narrower one.
		w.Resize(fyne.NewSize(640, 400))
		if !v.rerender.Load() {
			t.Errorf("%s: widening the pane leaves the rows as narrow as before", mode)
		}
		feedView(t, v, at.Add(time.Second))
		w.Resize(fyne.NewSize(300, 400))
		if !v.rerender.Load() {
			t.Errorf("%s: narrowing the pane leaves rows wider than it", mode)
		}
		w.Close()
	}
}

// Once the history has dropped data, a wider pane keeps the rows shown
// (they fit, and re-forming them would lose what the history no longer
// holds) and gives new rows the room.
func TestRecvViewWiderPaneKeepsRowsHistoryLost(t *testing.T) {
	test.NewTempApp(t)
	v := newRecvView(nil, 0, 0)
	v.history = display.NewHistory(1000)
	w := test.NewWindow(v.build())
	defer w.Close()
	w.Resize(fyne.NewSize(320, 400))
	at := time.Unix(1_800_000_000, 0)
	feedView(t, v, at, netassist.Event{Time: at, Kind: netassist.EvRx, Conn: 1, Peer: "127.0.0.1:1", Data: bytes.Repeat([]byte("x"), 5000)})
	rows := v.ring.Len()
	narrow := v.fmtr.Options().Wrap
	w.Resize(fyne.NewSize(640, 400))
	if v.rerender.Load() {
		t.Error("widening the pane re-forms the rows from a history that lost some")
	}
	if wide := v.fmtr.Options().Wrap; wide <= narrow {
		t.Errorf("after widening, new rows wrap at %d columns, as before (%d)", wide, narrow)
	}
	if v.ring.Len() != rows {
		t.Errorf("widening changed the rows shown: %d, were %d", v.ring.Len(), rows)
	}
}
