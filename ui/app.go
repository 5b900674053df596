package ui

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"netassist/netassist"
)

// Options configure the window; main fills them from the command line.
type Options struct {
	Open    []netassist.Config // sessions opened and started at launch
	SaveDir string             // --save: save every session from the start
	View    []string           // --view: saved folders shown read-only at launch
	// Schedule runs a function on the main goroutine; nil means fyne.Do.
	// Tests pass one that runs it inline.
	Schedule func(func())
	Totals   *netassist.Counters   // app-wide byte totals (--metrics); nil makes one
	Lag      *netassist.MaxTracker // UI heartbeat delay (--metrics); nil makes one
	Log      logrus.FieldLogger    // nil means the standard logger
	Version  string
	// Exit ends the process (main passes os.Exit) when quitting through
	// Fyne does not finish in time; nil (tests) never exits.
	Exit func(code int)

	manualPump bool // tests drive the pump's ticks themselves
}

// panel is a session tab as the window sees it: what every kind can do.
// Abilities only some kinds have are the named interfaces in abilities.go.
type panel interface {
	feeder
	build() fyne.CanvasObject
	title() string
	open(cfg netassist.Config) error
	fill(cfg netassist.Config)
	shutdown()
	connections() int

	// setShown tells the panel how to know whether its tab is on screen;
	// onShown repaints what changed while it was hidden.
	setShown(isShown func() bool)
	onShown()
	showSessErr(msg string) // the session's error line; "" hides it
	startSaving()           // tick "Save traffic" (--save DIR)
	toggleSave()            // Ctrl+S
	clearView()             // Ctrl+L
	// spec is the --open SPEC that reopens the session, and whether it is
	// open (only open sessions are remembered).
	spec() (string, bool)
	shared() *sessionPanel // the piece every kind embeds
}

// App is the main window and its sessions.
type App struct {
	fa      fyne.App
	win     fyne.Window
	opts    Options
	log     logrus.FieldLogger
	totals  *netassist.Counters
	pump    *pump
	tabs    *container.DocTabs
	theme   *appTheme
	counter map[netassist.Kind]int
	empty   *widget.Label
	keptAt  time.Time // hidden tabs last marked in use; main goroutine

	mu     sync.Mutex // panels is read by --metrics on its goroutine
	panels map[*container.TabItem]panel

	closeAsk dialog.Dialog // the open "Close anyway?" question, or nil

	lastExport *exportForm // the last Export dialog; main goroutine

	closing  closer    // CloseSessions, once
	watchdog sync.Once // ExitWithin, once
}

// New builds the window; call Window().ShowAndRun() to run it. Sessions in
// opts.Open are opened at once; the first one that fails is returned as
// the error (shown in its tab too; main stops before showing the window).
func New(fa fyne.App, opts Options) (*App, error) {
	a := &App{fa: fa, opts: opts, log: opts.Log, totals: opts.Totals, counter: map[netassist.Kind]int{},
		panels: map[*container.TabItem]panel{}, closing: closer{done: make(chan struct{})}}
	if a.log == nil {
		a.log = logrus.StandardLogger()
	}
	if a.totals == nil {
		a.totals = &netassist.Counters{}
	}
	lag := opts.Lag
	if lag == nil {
		lag = &netassist.MaxTracker{}
	}
	sched := opts.Schedule
	if sched == nil {
		sched = fyne.Do
	}
	a.theme = &appTheme{}
	fa.Settings().SetTheme(a.theme)
	a.applyThemePref()
	a.win = fa.NewWindow(T("app.name", "NetAssist") + " — " + T("app.subtitle", "Network debugging assistant"))
	a.pump = newPump(sched, lag)
	a.pump.onMain = a.keepHiddenTabs
	a.build()
	var firstErr error
	for _, cfg := range opts.Open {
		if _, err := a.OpenSession(cfg); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	for _, dir := range opts.View {
		if err := a.OpenSaved(dir); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if len(opts.Open) == 0 && len(opts.View) == 0 {
		a.restoreSessions()
	}
	if f, ok := a.currentPanel().(sendFocuser); ok {
		f.focusSend() // the window is not shown yet when sessions open
	}
	a.win.SetOnClosed(a.shutdown)
	a.win.SetCloseIntercept(a.requestQuit)
	if !opts.manualPump {
		a.pump.start()
	}
	return a, firstErr
}

// Window is the main window.
func (a *App) Window() fyne.Window { return a.win }

// Totals are the app-wide byte counts since launch.
func (a *App) Totals() *netassist.Counters { return a.totals }

func (a *App) build() {
	a.tabs = container.NewDocTabs()
	a.tabs.CloseIntercept = a.requestCloseTab
	a.tabs.OnSelected = func(t *container.TabItem) {
		a.mu.Lock()
		p := a.panels[t]
		a.mu.Unlock()
		if p != nil {
			p.onShown() // it skipped repaints while hidden
		}
	}
	newBtn := func(kind netassist.Kind, label string) *widget.Button {
		return widget.NewButtonWithIcon(label, theme.ContentAddIcon(), func() { a.NewPanel(kind) })
	}
	bar := container.NewHBox()
	for _, e := range kinds {
		bar.Add(newBtn(e.kind, kindTitle(e.kind)))
	}
	a.empty = widget.NewLabel(T("app.empty", "Open a session with the buttons above: a TCP server, a TCP client, UDP or HTTP."))
	a.empty.Alignment = fyne.TextAlignCenter
	a.win.SetContent(container.NewBorder(bar, nil, nil, nil, container.NewStack(a.empty, a.tabs)))
	a.win.SetMainMenu(a.mainMenu())
	w, h := a.fa.Preferences().FloatWithFallback("window.width", 1280), a.fa.Preferences().FloatWithFallback("window.height", 800)
	a.win.Resize(fyne.NewSize(float32(w), float32(h)))
	a.updateEmpty()
}

// NewPanel adds an unopened session tab of kind and selects it.
func (a *App) NewPanel(kind netassist.Kind) panel {
	a.counter[kind]++
	n := a.counter[kind]
	e := kindOf(kind)
	if e == nil {
		e = &kinds[0] // ParseSpec only gives kinds of the table
	}
	p := e.newPanel(a, n)
	tab := container.NewTabItem(p.title()+" "+itoa(n), newMinCache(p.build()))
	p.setShown(func() bool { return a.tabs.Selected() == tab })
	a.mu.Lock()
	a.panels[tab] = p
	a.mu.Unlock()
	if a.opts.SaveDir != "" {
		p.startSaving()
	}
	a.pump.add(p)
	a.tabs.Append(tab)
	a.tabs.Select(tab)
	a.updateEmpty()
	return p
}

// OpenSession adds a tab for cfg and opens it, as the form's Open does.
func (a *App) OpenSession(cfg netassist.Config) (panel, error) {
	p := a.NewPanel(cfg.Kind)
	p.fill(cfg)
	err := p.open(cfg)
	if err != nil {
		p.showSessErr(errText(err))
	}
	return p, err
}

// closeTab closes tab and ends its session without asking.
func (a *App) closeTab(tab *container.TabItem) {
	a.mu.Lock()
	p := a.panels[tab]
	delete(a.panels, tab)
	a.mu.Unlock()
	a.tabs.Remove(tab)
	a.updateEmpty()
	if p != nil {
		a.pump.remove(p)
		go p.shutdown()
	}
}

// CloseCurrent closes the selected session tab (Ctrl+W), asking first
// when that would cut live connections or held requests.
func (a *App) CloseCurrent() {
	if t := a.tabs.Selected(); t != nil {
		a.requestCloseTab(t)
	}
}

func (a *App) updateEmpty() {
	if len(a.tabs.Items) == 0 {
		a.empty.Show()
		a.tabs.Hide()
	} else {
		a.empty.Hide()
		a.tabs.Show()
	}
}

// Connections counts open connections over all sessions; any goroutine.
func (a *App) Connections() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, p := range a.panels {
		n += p.connections()
	}
	return n
}

// Panels lists the session panels in tab order (tests use it).
func (a *App) Panels() []panel {
	var out []panel
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.tabs.Items {
		if p := a.panels[t]; p != nil { // none once the sessions are closed
			out = append(out, p)
		}
	}
	return out
}

// shutdown runs when the window closes (its ×, Ctrl+Q): it remembers the
// sessions and the window size, closes the sessions, and makes sure the
// process ends even if Fyne's loop does not.
func (a *App) shutdown() {
	select {
	case <-a.closing.done:
		return // closed before: remembering now would forget every session
	default:
	}
	a.ExitWithin(quitGrace, 0)
	a.rememberSessions()
	size := a.win.Canvas().Size()
	a.fa.Preferences().SetFloat("window.width", float64(size.Width))
	a.fa.Preferences().SetFloat("window.height", float64(size.Height))
	a.CloseSessions()
}

// Close ends every session and the pump (tests call it).
func (a *App) Close() { a.shutdown() }

// saveDir is where "Save traffic" writes: --save, the Settings choice, or
// a NetAssist folder in the user's documents.
func (a *App) saveDir() string {
	if a.opts.SaveDir != "" {
		return a.opts.SaveDir
	}
	if d := a.fa.Preferences().String("save.dir"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return os.TempDir()
	}
	return filepath.Join(home, "NetAssist")
}

// ringCap is the display buffer size in rows (Settings).
func (a *App) ringCap() int {
	return a.fa.Preferences().IntWithFallback("display.rows", 200000)
}

// showError tells the user msg in a dialog; unlike dialog.ShowError it
// wraps Chinese without starting a line with punctuation.
func (a *App) showError(msg string) {
	d := dialog.NewCustom(T("dlg.error", "Error"), T("dlg.close", "Close"), newWrapLabel(msg), a.win)
	d.Resize(fyne.NewSize(440, 180))
	a.escapeHides(d)
	d.Show()
}

func itoa(n int) string { return fmtUint(uint64(n)) }
