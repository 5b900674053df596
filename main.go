// Command netassist is NetAssist, a network debugging assistant (网络调试助手):
// TCP server, TCP client, UDP and HTTP sessions in one window.
package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/debug"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/sirupsen/logrus"

	"netassist/assets"
	"netassist/netassist"
	"netassist/netassist/export"
	"netassist/ui"
	"netassist/ui/fatal"
	"netassist/ui/launch"
	_ "netassist/ui/localeenv" // before Fyne's lang reads the locale
	"netassist/ui/xdisplay"
)

const appID = "io.github.netassist"

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0"

func main() {
	defer fatal.Recover("NetAssist") // no console on Windows: show it
	if len(os.Args) > 1 && os.Args[1] == "export" {
		// Converts a saved folder; no window, no display needed.
		os.Exit(export.MainWords(os.Args[2:], os.Stderr, version, ui.CLIWords))
	}
	if os.Getenv("GOGC") == "" {
		// Most of the heap is long-lived (display rows, fonts, the HTTP
		// capture), so the default of growing it to twice that before
		// collecting mostly costs memory: measured 25 MB less peak RSS in the
		// flood benchmark at the same throughput.
		debug.SetGCPercent(50)
	}
	var opens launch.Specs
	ruleFiles := launch.NewRules(&opens)
	flag.Var(&opens, "open", "open and start a session at launch: tcp-server://HOST:PORT[?closeonfin=0], tcp-client://HOST:PORT[?closeonfin=0], udp://HOST:PORT[?remote=HOST:PORT][&join=GROUP[&iface=NAME]], http-server://HOST:PORT?root=DIR[&mode=manual], http-server://HOST:PORT?proxy=URL[&hold=requests|responses|both], http-client://HOST:PORT[?tls=1[&insecure=1]], tcp-relay://HOST:PORT?to=HOST2:PORT2[&onfail=reset], udp-relay://HOST:PORT?to=HOST2:PORT2 (repeatable)")
	flag.Var(ruleFiles, "rules", "answer messages by the rules in `FILE` (JSON, see README) in the --open sessions before it (repeatable)")
	saveDir := flag.String("save", "", "save every session's traffic into `DIR` from the start")
	var views launch.Views
	flag.Var(&views, "view", "show a saved session `DIR` (a folder --save or \"Save traffic\" wrote) read-only (repeatable)")
	metricsFile := flag.String("metrics", "", "append one JSON line of figures per second to `FILE`")
	langFlag := flag.String("lang", "", "user interface language: zh or en (default: the system's)")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn, error")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.CommandLine.Init("netassist", flag.ContinueOnError)
	flag.CommandLine.SetOutput(io.Discard) // errors go through fail, once
	if err := flag.CommandLine.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			flag.CommandLine.SetOutput(os.Stdout)
			flag.CommandLine.PrintDefaults()
			fmt.Println("\nA saved folder is converted without a window by\n  " + export.Usage)
			return
		}
		if opens.Err != nil {
			fail("--open %v", opens.Err)
		}
		if ruleFiles.Err != nil {
			fail("%v", ruleFiles.Err)
		}
		fail("%v", err)
	}
	if *showVersion {
		fmt.Println("netassist", version)
		return
	}
	if flag.NArg() > 0 {
		fail("unexpected argument %q (sessions are given with --open SPEC)", flag.Arg(0))
	}
	if *langFlag != "" && *langFlag != "zh" && *langFlag != "en" {
		fail("--lang must be zh or en, not %q", *langFlag)
	}
	level, err := logrus.ParseLevel(*logLevel)
	if err != nil {
		fail("--log-level: %v", err)
	}
	log := setupLog(level)
	launch.RouteFyneLog(os.Stderr, log)
	quit := launch.NewQuitter(log)
	launch.ServeProfiles(log)

	a := newApp(appID)
	a.SetIcon(assets.IconResource())
	lang := *langFlag
	if lang == "" {
		lang = a.Preferences().String("lang")
	}
	if err := ui.LoadTranslations(lang); err != nil {
		log.Warnf("translations: %v", err)
	}
	// Everything that can be checked before the window is, so that a
	// launch that cannot work stops here with the reason.
	if msg, ok := ruleFiles.Apply(); !ok {
		log.Errorf("%s", msg)
		fatal.Show("NetAssist", msg)
		os.Exit(2)
	}
	if *saveDir != "" {
		if err := netassist.CheckSaveDir(*saveDir); err != nil {
			log.Errorf("--save: %v", err)
			fail("--save: %s", ui.ErrorText(err))
		}
	}
	for _, dir := range views {
		if err := ui.CheckSaved(dir); err != nil {
			fail("--view: %s", ui.SavedErrorText(err))
		}
	}
	if err := xdisplay.Check(); err != nil {
		fatal.Show("NetAssist", ui.NoDisplayText())
		os.Exit(1)
	}
	totals := &netassist.Counters{}
	lag := &netassist.MaxTracker{}
	w, err := ui.New(a, ui.Options{Open: opens.Configs, View: views, SaveDir: *saveDir, Totals: totals, Lag: lag, Log: log, Version: version, Exit: os.Exit})
	if err != nil {
		log.Errorf("open session: %v", err)
		w.CloseSessions()
		if ui.IsSavedError(err) {
			fail("--view: %s", ui.SavedErrorText(err))
		}
		fail("--open: %s", ui.ErrorText(err))
	}
	if quit.Running(w) {
		w.CloseSessions()
		return
	}
	xdisplay.OnLost(func() {
		fatal.Show("NetAssist", ui.DisplayLostText())
		w.DisplayLost(1)
	})
	if *metricsFile != "" {
		f, err := os.OpenFile(*metricsFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fail("--metrics: %v", err)
		}
		stop := make(chan struct{})
		defer close(stop)
		go netassist.RunMetrics(f, netassist.MetricsSource{Totals: totals, Connections: w.Connections, UILag: lag.Take}, stop)
	}
	log.Infof("netassist %s starting", version)
	w.Window().ShowAndRun()
	// Fyne's SIGTERM handler ends the loop without closing the window.
	w.CloseSessions()
}

// setupLog writes the application log to a file in the user's config
// folder, and to stderr when there is a terminal.
func setupLog(level logrus.Level) *logrus.Logger {
	log := logrus.New()
	log.SetLevel(level)
	var outs []io.Writer
	if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		outs = append(outs, os.Stderr)
	}
	if dir, err := os.UserConfigDir(); err == nil {
		dir = filepath.Join(dir, "NetAssist")
		if os.MkdirAll(dir, 0o755) == nil {
			if f, err := os.OpenFile(filepath.Join(dir, "netassist.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
				outs = append(outs, f)
			}
		}
	}
	log.SetOutput(io.MultiWriter(outs...))
	return log
}

// fail reports a start-up error (a dialog on Windows, stderr elsewhere)
// and exits before any window opens.
func fail(format string, args ...any) {
	fatal.Show("NetAssist", fmt.Sprintf(format, args...)+"\n"+launch.HelpHint(os.Args[1:]))
	os.Exit(2)
}

// newApp makes the Fyne app with FyneApp.toml's fyneDo migration on.
//
// The metadata in FyneApp.toml reaches a binary only through `fyne
// package`; one from a plain `go build` (make build, the tests, the bench)
// runs without it, and then Fyne checks the goroutine of every widget
// refresh by formatting a stack trace: a tenth of the app's CPU while the
// HTTP request list follows wrk. NetAssist calls Fyne only on the main
// goroutine (through fyne.Do), which is what the migration declares.
func newApp(id string) fyne.App {
	a := app.NewWithID(id)
	m := a.Metadata()
	if !m.Migrations["fyneDo"] {
		m.Migrations = maps.Clone(m.Migrations)
		if m.Migrations == nil {
			m.Migrations = map[string]bool{}
		}
		m.Migrations["fyneDo"] = true
		app.SetMetadata(m)
	}
	return a
}
