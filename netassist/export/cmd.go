package export

import (
	"context"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Usage is the export subcommand's synopsis.
const Usage = "netassist export [--pcapng FILE] [--har FILE] [--mtu N] [--quiet] [--lang zh|en] SAVED-DIR"

// Texts words everything `netassist export` says, in one language. The
// window's translations live outside this package: the caller supplies
// them, and a nil field is said in English.
type Texts struct {
	Warning   func(Warning) string     // a piece of damage skipped, with its "warning: "
	Failure   func(error) string       // what stopped the export (an *Error)
	Usage     func(*UsageError) string // what is wrong with the arguments
	UsageLine string                   // "usage: netassist export …", after a usage error and for -h
	Flags     string                   // what each flag does, for -h
	Progress  func(done, total int64) string
	NoHTTP    string // a HAR was asked for and the folder holds no exchange
}

// Words gives the texts for a language ("zh", "en", or "" for the
// system's).
type Words func(lang string) Texts

// English is what `netassist export` says without translations.
func English() Texts {
	return Texts{
		Warning:   func(w Warning) string { return "warning: " + w.String() },
		Failure:   func(err error) string { return err.Error() },
		Usage:     func(e *UsageError) string { return e.Error() },
		UsageLine: "usage: " + Usage,
		Flags: "  --pcapng FILE  write the traffic as a pcapng capture to FILE\n" +
			"  --har FILE     write the HTTP exchanges as HAR 1.2 to FILE\n" +
			"  --mtu N        IP packet size that TCP segments are split to fit (default 1500)\n" +
			"  --quiet        no progress lines\n" +
			"  --lang zh|en   language of the messages (default: the system's)",
		Progress: func(done, total int64) string {
			return fmt.Sprintf("%.1f MiB of %.1f MiB read (%.0f%%)", float64(done)/(1<<20), float64(total)/(1<<20), percent(done, total))
		},
		NoHTTP: "warning: no HTTP exchange in this folder; the HAR file has no entries",
	}
}

// orEnglish fills t's missing fields with the English ones.
func (t Texts) orEnglish() Texts {
	en := English()
	if t.Warning == nil {
		t.Warning = en.Warning
	}
	if t.Failure == nil {
		t.Failure = en.Failure
	}
	if t.Usage == nil {
		t.Usage = en.Usage
	}
	if t.UsageLine == "" {
		t.UsageLine = en.UsageLine
	}
	if t.Flags == "" {
		t.Flags = en.Flags
	}
	if t.Progress == nil {
		t.Progress = en.Progress
	}
	if t.NoHTTP == "" {
		t.NoHTTP = en.NoHTTP
	}
	return t
}

// percent is done of total in per cent; an empty folder is all read.
func percent(done, total int64) float64 {
	if total <= 0 {
		return 100
	}
	return 100 * float64(done) / float64(total)
}

// UsageProblem names what is wrong with the arguments.
type UsageProblem int

const (
	UsageFolders     UsageProblem = iota // N folders were given, not one
	UsageNoOutput                        // neither --pcapng nor --har
	UsageUnknownFlag                     // Flag is no option
	UsageNoValue                         // Flag wants a value
	UsageBadValue                        // Value is not one for Flag
	UsageBadMTU                          // Value is out of MinMTU to MaxMTU
	UsageBadLang                         // Value is not zh or en
)

// UsageError is arguments `netassist export` cannot work with (exit status 2).
type UsageError struct {
	Problem UsageProblem
	Flag    string // with its dashes as given, e.g. "--bogus"
	Value   string
	N       int
}

// Error is the problem in English.
func (e *UsageError) Error() string {
	switch e.Problem {
	case UsageFolders:
		if e.N == 0 {
			return "give the saved folder to export"
		}
		return fmt.Sprintf("give one saved folder, not %d", e.N)
	case UsageNoOutput:
		return "say what to write: --pcapng FILE, --har FILE or both"
	case UsageUnknownFlag:
		return e.Flag + " is not an option of netassist export"
	case UsageNoValue:
		return e.Flag + " needs a value"
	case UsageBadValue:
		return fmt.Sprintf("%q is not a value for %s", e.Value, e.Flag)
	case UsageBadMTU:
		return fmt.Sprintf("--mtu must be %d to %d, not %s", MinMTU, MaxMTU, e.Value)
	}
	return fmt.Sprintf("--lang must be zh or en, not %q", e.Value)
}

// Main runs `netassist export ARGS…` in English; see MainWords.
func Main(args []string, stderr io.Writer, version string) int {
	return MainWords(args, stderr, version, nil)
}

// MainWords runs `netassist export ARGS…` and returns the exit status: 0
// done (perhaps with warnings about damage), 1 the folder cannot be
// exported or an output cannot be written, 2 the arguments are wrong.
// Everything it says goes to stderr, worded by words in the language of
// --lang (or the system's); progress once a second.
func MainWords(args []string, stderr io.Writer, version string, words Words) int {
	t := English()
	if words != nil {
		t = words(langArg(args)).orEnglish()
	}
	out := &lineWriter{w: stderr}
	say := func(s string) { out.line("netassist export: " + s) }
	usage := func(e *UsageError) int {
		say(t.Usage(e))
		out.line(t.UsageLine)
		return 2
	}

	fs := flag.NewFlagSet("netassist export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pcapOut := fs.String("pcapng", "", "")
	harOut := fs.String("har", "", "")
	mtu := fs.String("mtu", strconv.Itoa(DefaultMTU), "")
	quiet := fs.Bool("quiet", false, "")
	lang := fs.String("lang", "", "")
	// Flags may follow the folder too: parse what is left after it.
	var dirs []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				out.line(t.UsageLine)
				out.line(t.Flags)
				return 0
			}
			return usage(flagUsage(err, rest))
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if *lang != "" && *lang != "zh" && *lang != "en" {
		return usage(&UsageError{Problem: UsageBadLang, Value: *lang})
	}
	n, err := strconv.Atoi(*mtu)
	if err != nil || n < MinMTU || n > MaxMTU {
		return usage(&UsageError{Problem: UsageBadMTU, Value: *mtu})
	}
	switch {
	case len(dirs) != 1:
		return usage(&UsageError{Problem: UsageFolders, N: len(dirs)})
	case *pcapOut == "" && *harOut == "":
		return usage(&UsageError{Problem: UsageNoOutput})
	}

	j := Job{Dir: dirs[0], Pcapng: *pcapOut, HAR: *harOut, Version: version, MTU: n,
		Warn: func(w Warning) { say(t.Warning(w)) }}
	var progress func(done, total int64)
	if !*quiet {
		last := time.Now()
		progress = func(done, total int64) {
			if time.Since(last) < progressLineEvery {
				return
			}
			last = time.Now()
			say(t.Progress(done, total))
		}
	}
	res, err := Run(context.Background(), j, progress)
	if err != nil {
		say(t.Failure(err))
		return 1
	}
	if j.HAR != "" && res.HAREntries == 0 {
		say(t.NoHTTP)
	}
	return 0
}

// progressLineEvery is how often a progress line is printed.
var progressLineEvery = time.Second

// langArg is the value of --lang in args, looked for before they are
// parsed so that even a usage error is said in that language.
func langArg(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if hasValue {
			return value
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// flagErr matches the errors of the flag package, which are English
// sentences: what they hold is kept, the words are not.
var flagErr = regexp.MustCompile(`^(?:flag provided but not defined: (-\S+)|flag needs an argument: (-\S+)|invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?(-\S+):.*|bad flag syntax: (.*))$`)

// flagUsage turns a flag parse error into a UsageError; args are what
// was parsed, to give a flag back as the user wrote it (-x or --x).
func flagUsage(err error, args []string) *UsageError {
	m := flagErr.FindStringSubmatch(err.Error())
	asGiven := func(f string) string {
		name := strings.TrimLeft(f, "-")
		for _, a := range args {
			if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); n == name && strings.HasPrefix(a, "-") {
				a, _, _ = strings.Cut(a, "=")
				return a
			}
		}
		return "--" + name
	}
	switch {
	case m == nil:
		return &UsageError{Problem: UsageUnknownFlag, Flag: err.Error()}
	case m[1] != "":
		return &UsageError{Problem: UsageUnknownFlag, Flag: asGiven(m[1])}
	case m[2] != "":
		return &UsageError{Problem: UsageNoValue, Flag: asGiven(m[2])}
	case m[3] != "":
		v, _ := strconv.Unquote(m[3])
		return &UsageError{Problem: UsageBadValue, Flag: asGiven(m[4]), Value: v}
	}
	return &UsageError{Problem: UsageUnknownFlag, Flag: m[5]}
}

// lineWriter writes whole lines, one at a time: warnings come from the
// walk and progress from its own goroutine.
type lineWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineWriter) line(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s+"\n")
}
