package ui

import (
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist/rules"
)

// httpRulesArea is the Rules part of the HTTP server's settings, as
// rulesArea is a byte session's: a summary, Rules… for the dialog, and a
// warning with Resume when a rule answers too fast. It owns the server's
// HTTP rule set: Open gives it to the server, the dialog replaces it (live
// when the server is open), the preferences keep it.
type httpRulesArea struct {
	app     *App
	key     func(string) string
	live    func(*rules.HTTPSet) // hands a new set to the open server; main goroutine
	resumed func()               // after Resume; main goroutine

	set atomic.Pointer[rules.HTTPSet] // the applied set (never nil), read by the pump

	summary *widget.Label
	paused  *widget.Label
	resume  *widget.Button
	open    *widget.Button
	dlg     *httpRulesDialog // while shown

	stats []rules.Stats // main goroutine: the counters as the pump last read them

	// pump goroutine
	statsAt  time.Time
	statsSet *rules.HTTPSet
	shown    []rules.Stats
}

func newHTTPRulesArea(a *App, key func(string) string) *httpRulesArea {
	r := &httpRulesArea{app: a, key: key}
	empty, _ := rules.CompileHTTP(rules.File{Version: rules.Version})
	r.set.Store(empty)
	return r
}

func (r *httpRulesArea) build() fyne.CanvasObject {
	r.summary = widget.NewLabel("")
	r.summary.Wrapping = fyne.TextWrapWord
	r.open = widget.NewButton(T("rules.open", "Rules…"), r.onOpen)
	r.paused = newErrLine()
	r.resume = widget.NewButton(T("rules.resume", "Resume"), r.onResumeAll)
	r.resume.Hide()
	r.load()
	r.showSummary()
	return container.NewVBox(
		container.NewBorder(nil, nil, widget.NewLabel(T("rules.title", "Automatic replies")), r.open),
		r.summary, r.paused, r.resume)
}

// current is the applied set, for Open.
func (r *httpRulesArea) current() *rules.HTTPSet { return r.set.Load() }

// use applies s: to the open server at once, and remembered.
func (r *httpRulesArea) use(s *rules.HTTPSet) {
	r.set.Store(s)
	r.stats = nil
	if r.live != nil {
		r.live(s)
	}
	r.save()
	r.showSummary()
	if r.dlg != nil {
		r.dlg.refreshStats()
	}
}

// load puts back the remembered rules; rules that no longer compile
// (written by a newer version) are left out rather than half-applied.
func (r *httpRulesArea) load() {
	text := r.app.fa.Preferences().String(r.key("rules"))
	if text == "" {
		return
	}
	if s, err := rules.LoadHTTP([]byte(text)); err == nil {
		r.set.Store(s)
	} else {
		r.app.log.Warnf("remembered HTTP rules: %v", err)
	}
}

func (r *httpRulesArea) save() {
	b, err := rules.Marshal(r.current().File())
	if err != nil {
		return
	}
	r.app.fa.Preferences().SetString(r.key("rules"), string(b))
}

// showSummary says how many rules there are and how often they answered.
func (r *httpRulesArea) showSummary() {
	if r.summary == nil {
		return
	}
	f := r.current().File()
	on := 0
	for _, x := range f.Rules {
		if x.Enabled {
			on++
		}
	}
	var hits uint64
	var paused []string
	for i, st := range r.stats {
		hits += st.Hits
		if st.Paused && i < len(f.Rules) {
			paused = append(paused, f.Rules[i].Name)
		}
	}
	if len(f.Rules) == 0 {
		setIfChanged(r.summary, T("rules.http.none", "No rules: the mode answers every request."))
	} else {
		setIfChanged(r.summary, Tf("rules.summary", "%d rules, %d on · hits: %s", len(f.Rules), on, groupDigits(hits)))
	}
	if len(paused) > 0 {
		showErrLine(r.paused, Tf("rules.paused", "Paused, answering too fast: %s", strings.Join(paused, ", ")))
		r.resume.Show()
	} else {
		showErrLine(r.paused, "")
		r.resume.Hide()
	}
}

// onResumeAll lets every paused rule answer again.
func (r *httpRulesArea) onResumeAll() {
	s := r.current()
	for i := range s.Len() {
		s.Resume(i)
	}
	for i := range r.stats {
		r.stats[i].Paused = false
	}
	r.showSummary()
	if r.dlg != nil {
		r.dlg.refreshStats()
	}
	if r.resumed != nil {
		r.resumed()
	}
}

func (r *httpRulesArea) onOpen() {
	r.dlg = newHTTPRulesDialog(r)
	r.dlg.show()
}

// prepare reads the counters on the pump goroutine, twice a second, and
// returns what to show, or nil when nothing changed.
func (r *httpRulesArea) prepare(now time.Time) func() {
	s := r.current()
	if s == r.statsSet && now.Sub(r.statsAt) < rulesEvery {
		return nil
	}
	r.statsAt = now
	stats := make([]rules.Stats, s.Len())
	for i := range stats {
		stats[i] = s.Stats(i)
	}
	if s == r.statsSet && equalStats(stats, r.shown) {
		return nil
	}
	r.statsSet, r.shown = s, stats
	return func() {
		if r.current() != s {
			return // replaced meanwhile; the next round reads the new one
		}
		r.stats = stats
		r.showSummary()
		if r.dlg != nil {
			r.dlg.refreshStats()
		}
	}
}
