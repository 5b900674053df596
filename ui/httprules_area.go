package ui

import "netassist/netassist/rules"

// httpRulesArea is the Rules part of the HTTP server's settings, the same
// area as a byte session's over the server's HTTP rule set: Open gives it
// to the server, the dialog replaces it (live when the server is open),
// the preferences keep it.
type httpRulesArea = rulesAreaOf[*rules.HTTPSet, *httpRulesDialog]

func newHTTPRulesArea(a *App, key func(string) string) *httpRulesArea {
	return newRulesAreaOf(a, key, ruleKind[*rules.HTTPSet, *httpRulesDialog]{
		empty: func() *rules.HTTPSet {
			s, _ := rules.CompileHTTP(rules.File{Version: rules.Version})
			return s
		},
		load:   rules.LoadHTTP,
		none:   func() string { return T("rules.http.none", "No rules: the mode answers every request.") },
		dialog: newHTTPRulesDialog,
		what:   "HTTP rules",
	})
}
