package launch

import (
	"strings"

	"netassist/ui"
)

// langArg finds --lang's value in args without the flag package: a bad
// flag stops parsing before --lang may be reached, and the message about
// it should still be in the language asked for.
func langArg(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		if val == "zh" || val == "en" {
			return val
		}
	}
	return ""
}

// HelpHint is the line under a start-up error, in the language of
// --lang or else the system's.
func HelpHint(args []string) string {
	ui.LoadTranslations(langArg(args)) // a failure leaves the English
	return ui.HelpHint()
}
