package ui

import (
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"netassist/netassist"
	"netassist/netassist/rules"
)

// ruleSet is what a rules area needs of a compiled set: *rules.Set (byte
// sessions) and *rules.HTTPSet (the HTTP server) both are one.
type ruleSet interface {
	comparable
	File() rules.File
	Len() int
	Stats(i int) rules.Stats
	Resume(i int)
}

// ruleDialog is the area's editor while it is shown.
type ruleDialog interface {
	comparable
	show()
	refreshStats()
}

// ruleKind is what differs between the byte and the HTTP rules areas.
type ruleKind[S ruleSet, D ruleDialog] struct {
	empty   func() S
	load    func([]byte) (S, error)
	inherit func(s, old S) // carries hits over to an edited set; nil: none
	none    func() string  // the summary when there are no rules
	dialog  func(*rulesAreaOf[S, D]) D
	what    string // for the log: which rules were remembered wrong
}

// rulesAreaOf is the Rules part of a session's settings: a line that says
// how many rules answer and how often, a button that opens the rules
// dialog, and a warning with Resume when a rule answers too fast. It owns
// the session's rule set: Open gives it to the engine, the dialog replaces
// it (live, when the session is open), the preferences keep it.
type rulesAreaOf[S ruleSet, D ruleDialog] struct {
	app     *App
	key     func(string) string
	kind    ruleKind[S, D]
	live    func(S) // hands a new set to the open session; main goroutine
	resumed func()  // after Resume; main goroutine

	set atomic.Value // S: the applied set (never nil), read by the pump

	summary *widget.Label
	paused  *widget.Label
	resume  *widget.Button
	open    *widget.Button
	dlg     D // while shown

	// title replaces "Automatic replies" (a relay's two areas say which
	// direction); also is a second area read with this one by the pump.
	title string
	also  *rulesAreaOf[S, D]

	// main goroutine: the counters as the pump last read them
	stats []rules.Stats

	// pump goroutine
	statsAt  time.Time
	statsSet S
	shown    []rules.Stats
}

// rulesArea is a byte session's (TCP, UDP, relay) rules area.
type rulesArea = rulesAreaOf[*rules.Set, *rulesDialog]

// rulesEvery is how often the hit counts are read: people read them, and
// the engine counts every hit anyway.
const rulesEvery = 500 * time.Millisecond

func newRulesArea(a *App, key func(string) string) *rulesArea {
	return newRulesAreaOf(a, key, ruleKind[*rules.Set, *rulesDialog]{
		empty: func() *rules.Set {
			s, _ := rules.Compile(rules.File{Version: rules.Version})
			return s
		},
		load:    rules.Load,
		inherit: func(s, old *rules.Set) { s.Inherit(old) },
		none:    func() string { return T("rules.none", "No rules: nothing is answered by itself.") },
		dialog:  newRulesDialog,
		what:    "rules",
	})
}

func newRulesAreaOf[S ruleSet, D ruleDialog](a *App, key func(string) string, k ruleKind[S, D]) *rulesAreaOf[S, D] {
	r := &rulesAreaOf[S, D]{app: a, key: key, kind: k}
	r.set.Store(k.empty())
	return r
}

func (r *rulesAreaOf[S, D]) build() fyne.CanvasObject {
	r.summary = widget.NewLabel("")
	r.summary.Wrapping = fyne.TextWrapWord
	r.open = widget.NewButton(T("rules.open", "Rules…"), r.onOpen)
	r.paused = newErrLine()
	r.resume = widget.NewButton(T("rules.resume", "Resume"), r.onResumeAll)
	r.resume.Hide()
	r.load()
	r.showSummary()
	return container.NewVBox(
		container.NewBorder(nil, nil, r.titleLabel(), r.open),
		r.summary, r.paused, r.resume)
}

func (r *rulesAreaOf[S, D]) titleLabel() *widget.Label {
	if r.title != "" {
		return widget.NewLabel(r.title)
	}
	return widget.NewLabel(T("rules.title", "Automatic replies"))
}

// current is the applied set, for Open.
func (r *rulesAreaOf[S, D]) current() S { return r.set.Load().(S) }

// use applies s: to the open session at once, and remembered.
func (r *rulesAreaOf[S, D]) use(s S) {
	if r.kind.inherit != nil {
		r.kind.inherit(s, r.current()) // unchanged rules keep their hits
	}
	r.set.Store(s)
	r.stats = nil
	if r.live != nil {
		r.live(s)
	}
	r.save()
	r.showSummary()
	if r.dlg != *new(D) {
		r.dlg.refreshStats()
	}
}

// load puts back the remembered rules; a file that no longer compiles
// (written by a newer version) is left out rather than half-applied.
func (r *rulesAreaOf[S, D]) load() {
	text := r.app.fa.Preferences().String(r.key("rules"))
	if text == "" {
		return
	}
	if s, err := r.kind.load([]byte(text)); err == nil {
		r.set.Store(s)
	} else {
		r.app.log.Warnf("remembered %s: %v", r.kind.what, err)
	}
}

func (r *rulesAreaOf[S, D]) save() {
	b, err := rules.Marshal(r.current().File())
	if err != nil {
		return
	}
	r.app.fa.Preferences().SetString(r.key("rules"), string(b))
}

// showSummary says how many rules there are and how often they answered.
func (r *rulesAreaOf[S, D]) showSummary() {
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
	switch {
	case len(f.Rules) == 0:
		setIfChanged(r.summary, r.kind.none())
	default:
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
func (r *rulesAreaOf[S, D]) onResumeAll() {
	s := r.current()
	for i := range s.Len() {
		s.Resume(i)
	}
	for i := range r.stats {
		r.stats[i].Paused = false
	}
	r.showSummary()
	if r.dlg != *new(D) {
		r.dlg.refreshStats()
	}
	if r.resumed != nil {
		r.resumed()
	}
}

func (r *rulesAreaOf[S, D]) onOpen() {
	r.dlg = r.kind.dialog(r)
	r.dlg.show()
}

// prepare reads the counters on the pump goroutine, twice a second, and
// returns what to show, or nil when nothing changed; the also area's too.
func (r *rulesAreaOf[S, D]) prepare(now time.Time) func() {
	show := r.prepareOne(now)
	if r.also == nil {
		return show
	}
	more := r.also.prepare(now)
	switch {
	case more == nil:
		return show
	case show == nil:
		return more
	}
	return func() { show(); more() }
}

func (r *rulesAreaOf[S, D]) prepareOne(now time.Time) func() {
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
		if r.dlg != *new(D) {
			r.dlg.refreshStats()
		}
	}
}

func equalStats(a, b []rules.Stats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// liveRules gives a trafficPanel's open session a new rule set.
func (p *trafficPanel) liveRules(s *rules.Set) {
	if b := p.sess.Load(); b != nil {
		if an, ok := b.s.(netassist.Answerer); ok {
			an.SetRules(s)
		}
	}
}

// rulesOf is the panel's rules area (rulesHaver).
func (p *trafficPanel) rulesOf() *rulesArea { return p.rules }
