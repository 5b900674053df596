package ui

import (
	"net/http"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"netassist/httpview/server"
)

// rowCells fills one cell per column of every row, as the table does for
// the cells on screen, and reports each cell's text and whether it shows
// its row as selected.
type rowCell struct {
	row   int
	text  string
	shown bool
}

func rowCells(t *testing.T, tbl *widget.Table) []rowCell {
	t.Helper()
	rows, cols := tbl.Length()
	var out []rowCell
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			o := tbl.CreateCell()
			tbl.UpdateCell(widget.TableCellID{Row: r, Col: c}, o)
			box, ok := o.(*fyne.Container)
			if !ok || len(box.Objects) != 2 {
				t.Fatalf("cell %T cannot show its row as selected", o)
			}
			bg, ok1 := box.Objects[0].(*canvas.Rectangle)
			l, ok2 := box.Objects[1].(*widget.Label)
			if !ok1 || !ok2 {
				t.Fatalf("cell %T cannot show its row as selected", o)
			}
			out = append(out, rowCell{r, l.Text, bg.Visible()})
		}
	}
	return out
}

// A click on one cell of the request list selects the exchange's whole
// row, and the highlight stays with that exchange as more come in.
func TestRequestListSelectsRow(t *testing.T) {
	a := newTestApp(t)
	a.win.Resize(fyne.NewSize(1280, 800))
	p, srv := openHTTPServer(t, a, false)
	c := &http.Client{}
	for _, path := range []string{"/a.html", "/b.html"} {
		get(t, c, "http://"+srv.Addr().String()+path)
	}
	tickUntil(t, a, "two requests listed", func() bool { return p.exch.Len() == 2 && p.exch.At(1).State != server.StateServing })

	check := func(target string) {
		t.Helper()
		row := -1
		cells := rowCells(t, p.list)
		for _, cell := range cells {
			if cell.text == target {
				row = cell.row
			}
		}
		if row < 0 {
			t.Fatalf("no row shows %s", target)
		}
		for _, cell := range cells {
			if cell.shown != (cell.row == row) {
				t.Fatalf("row %d cell %q highlighted %v; want the whole row of %s (row %d) and nothing else", cell.row, cell.text, cell.shown, target, row)
			}
		}
	}
	p.list.Select(widget.TableCellID{Row: 1, Col: 3}) // the Path cell of /b.html
	check("/b.html")
	if p.reqView.raw.rows == nil {
		t.Fatal("the selected request is not shown")
	}
	p.list.Select(widget.TableCellID{Row: 0, Col: 0}) // another column, another row
	check("/a.html")
	get(t, c, "http://"+srv.Addr().String()+"/c.html")
	tickUntil(t, a, "a third request", func() bool { return p.exch.Len() == 3 })
	check("/a.html")
}

// At 1024×700 the "Listening on" line is in sight without scrolling and
// the request and response views get at least half the window's height,
// with manual answers too.
func TestHTTPServerLayoutAt1024x700(t *testing.T) {
	for _, manual := range []bool{false, true} {
		a := newTestApp(t)
		a.win.Resize(fyne.NewSize(1024, 700))
		p, _ := openHTTPServer(t, a, manual)
		if !p.reach.Visible() || p.reach.full == "" {
			t.Fatal("no Listening on line")
		}
		if pos := p.reach.Position(); pos.Y+p.reach.Size().Height > 700/2 {
			t.Errorf("manual %v: Listening on ends at y %v of the settings column; want it near the top", manual, pos.Y+p.reach.Size().Height)
		}
		// The State column (held, its countdown, the rule that answered)
		// is on screen without scrolling the list sideways.
		right := float32(0)
		for _, c := range httpListColumns()[:colState+1] {
			right += c.width + theme.Padding()
		}
		if w := p.list.Size().Width; right > w {
			t.Errorf("manual %v: the State column ends at %v of a %v-wide request list", manual, right, w)
		}
		for name, o := range map[string]fyne.CanvasObject{"request": p.reqObj, "response": p.respObj} {
			h := o.Size().Height
			t.Logf("manual %v: the %s view is %v of 700 high", manual, name, h)
			if h < 350 {
				t.Errorf("manual %v: the %s view is %v high; want at least half of 700", manual, name, h)
			}
		}
	}
}

// Every option of the answer stays whole inside its pane at 1024×700, in
// English and Chinese: they wrap rather than run past the edge.
func TestAnswerOptionsWrapAt1024x700(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	for _, lang := range []string{"en", "zh"} {
		if err := LoadTranslations(lang); err != nil {
			t.Fatal(err)
		}
		a := newTestApp(t)
		a.win.Resize(fyne.NewSize(1024, 700))
		p, _ := openHTTPServer(t, a, true)
		p.respTabs.Select(p.answerTab)
		a.win.Resize(fyne.NewSize(1024, 701)) // lay out the selected tab
		pane := p.compose.Size().Width
		if pane < 100 {
			t.Fatalf("%s: the answer pane is %v wide", lang, pane)
		}
		for _, o := range p.composeOpts.Objects {
			right := o.Position().X + o.Size().Width
			if right > p.composeOpts.Size().Width || p.composeOpts.Size().Width > pane || o.Size().Width < o.MinSize().Width {
				t.Errorf("%s: %T ends at %v of a %v-wide pane (min width %v, given %v)", lang, o, right, pane, o.MinSize().Width, o.Size().Width)
			}
		}
		if h, need := p.composeOpts.Size().Height, (flowLayout{}).heightFor(p.composeOpts.Objects, p.composeOpts.Size().Width); h < need {
			t.Errorf("%s: the options get %v of the %v px their lines need", lang, h, need)
		}
	}
}
