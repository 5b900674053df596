package ui

import (
	"regexp/syntax"

	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// ruleErrText says a rules error in the user's words: which rule, which
// field, where in it, and what is wrong.
func ruleErrText(e *rules.Error) string {
	what := ruleProblem(e)
	where := ruleFieldName(e.Field)
	switch {
	case e.Rule < 0 && e.Pos > 0 && e.Code == rules.CodeFileJSON:
		return Tf("rules.err.fileat", "The file is not a rules file (JSON error near byte %d).", e.Pos)
	case e.Rule < 0:
		return what
	case e.Pos > 0:
		return Tf("rules.err.at", "Rule %d “%s”, %s, position %d: %s", e.Rule+1, e.Name, where, e.Pos, what)
	}
	return Tf("rules.err.in", "Rule %d “%s”, %s: %s", e.Rule+1, e.Name, where, what)
}

// ruleFieldText is the problem alone, for the error line under a field.
func ruleFieldText(e *rules.Error) string {
	if e.Pos > 0 {
		return Tf("rules.err.pos", "Position %d: %s", e.Pos, ruleProblem(e))
	}
	return ruleProblem(e)
}

func ruleFieldName(f string) string {
	switch f {
	case "name":
		return T("rules.f.name", "name")
	case "match.kind":
		return T("rules.f.kind", "match")
	case "match.on":
		return T("rules.f.on", "match on")
	case "match.pattern":
		return T("rules.f.pattern", "pattern")
	case "reply.template":
		return T("rules.f.reply", "reply")
	case "reply.format", "reply.charset", "reply.checksum":
		return T("rules.f.format", "reply format")
	case "then.wait_ms", "then.after":
		return T("rules.f.then", "then")
	case "fire.mode", "fire.times":
		return T("rules.f.fire", "fire")
	case "match.path":
		return T("rules.f.path", "path")
	case "match.header", "match.header_value":
		return T("rules.f.header", "header")
	case "match.body_contains":
		return T("rules.f.body", "body contains")
	case "reply.status":
		return T("rules.f.status", "status")
	case "reply.headers":
		return T("rules.f.headers", "reply headers")
	}
	return f
}

func ruleProblem(e *rules.Error) string {
	switch e.Code {
	case rules.CodeFileJSON:
		if e.Arg != "" && e.Arg != "empty" {
			return Tf("rules.err.field", "The file is not a rules file: %q is not a field it may have.", e.Arg)
		}
		return T("rules.err.json", "The file is not a rules file (JSON).")
	case rules.CodeFileVersion:
		return Tf("rules.err.version", "The file is rules format version %s; this NetAssist reads version 1.", e.Arg)
	case rules.CodeEmptyName:
		return T("rules.err.name", "The rule needs a name.")
	case rules.CodeBadValue:
		return Tf("rules.err.value", "%q is not one of the choices.", e.Arg)
	case rules.CodeBadTimes:
		return T("rules.err.times", "The number of times must be 1 or more.")
	case rules.CodeBadWait:
		return Tf("rules.err.wait", "The wait must be 0 to %d ms.", rules.MaxWaitMS)
	case rules.CodeRegex:
		return regexProblem(e.Arg)
	case rules.CodeNoGroup:
		return Tf("rules.err.group", "${%s}: the pattern has no such group (groups come from ( ) in a regular expression).", e.Arg)
	case rules.CodeUnknownVar:
		return Tf("rules.err.unknown", "${%s} is not a placeholder we know (use ${1}, ${name}, ${msg}, ${hex}, ${counter}, ${time}, ${peer}, ${random}).", e.Arg)
	case rules.CodeUnclosed:
		return T("rules.err.unclosed", "${ is not closed with }.")
	case rules.CodeRandomSize:
		return Tf("rules.err.random", "${random:%s}: the number of bytes must be 1 to 64.", e.Arg)
	case rules.CodeHTTPStatus:
		return Tf("rules.err.status", "%s is not a status an answer can have (200 to 599).", e.Arg)
	case rules.CodeHTTPHeader:
		return Tf("rules.err.header", "%q is not a header line (Name: value, the name without spaces).", e.Arg)
	case rules.CodeHTTPPattern:
		return T("rules.err.httppattern", "An HTTP server's rule matches method, path, header and body_contains, not pattern.")
	case codec.CodeHexBadChar:
		return Tf("rules.err.hexchar", "%q is not a hex digit.", e.Arg)
	case codec.CodeHexOdd:
		return Tf("rules.err.hexodd", "%q has an odd number of hex digits; each byte needs two.", e.Arg)
	case codec.CodeHexPrefix:
		return T("rules.err.hexprefix", "\"0x\" must be followed by hex digits.")
	case codec.CodeEscUnknown:
		return Tf("rules.err.esc", "%q is not an escape we know (use \\r \\n \\t \\0 \\\\ \\xHH).", e.Arg)
	case codec.CodeEscBadHex:
		return Tf("rules.err.eschex", "%q needs two hex digits after \\x.", e.Arg)
	case codec.CodeEscTrailing:
		return T("rules.err.esctrail", "A lone backslash at the end; write \\\\ for a backslash.")
	case codec.CodeCharsetUnencodable:
		return Tf("rules.err.charset", "%q cannot be written in this charset.", e.Arg)
	}
	return e.Code
}

// regexProblem words the RE2 error codes a person is likely to meet.
func regexProblem(code string) string {
	switch syntax.ErrorCode(code) {
	case syntax.ErrMissingParen:
		return T("rules.re.paren", "Invalid regular expression: a ( is not closed.")
	case syntax.ErrUnexpectedParen:
		return T("rules.re.unparen", "Invalid regular expression: a ) has no (.")
	case syntax.ErrMissingBracket:
		return T("rules.re.bracket", "Invalid regular expression: a [ is not closed.")
	case syntax.ErrInvalidEscape:
		return T("rules.re.escape", "Invalid regular expression: an escape it does not know.")
	case syntax.ErrMissingRepeatArgument:
		return T("rules.re.repeat", "Invalid regular expression: * + ? or {n} with nothing before it.")
	case syntax.ErrInvalidRepeatOp:
		return T("rules.re.repeatop", "Invalid regular expression: two repeats in a row (such as **).")
	case syntax.ErrInvalidCharRange:
		return T("rules.re.range", "Invalid regular expression: a character range out of order (such as z-a).")
	case syntax.ErrInvalidNamedCapture:
		return T("rules.re.named", "Invalid regular expression: a group name must be (?P<name>…) with letters, digits and _.")
	case syntax.ErrInvalidRepeatSize:
		return T("rules.re.size", "Invalid regular expression: a repeat count is too large (at most 1000).")
	}
	return Tf("rules.re.other", "Invalid regular expression (%s).", code)
}

// KindAnswers tells whether sessions of kind answer by rules.
func KindAnswers(k netassist.Kind) bool {
	return k == netassist.KindTCPServer || k == netassist.KindTCPClient || k == netassist.KindUDP
}

// RulesFileUnreadable is --rules' sentence for a file it cannot read.
func RulesFileUnreadable(path string) string {
	return Tf("rules.err.read", "--rules %s: the file cannot be read (missing, or no permission).", path)
}

// RulesKindText is --rules' sentence for a session kind without rules.
func RulesKindText(path, kind string) string {
	return Tf("rules.err.kind", "--rules %s: %s sessions do not answer by rules (tcp-server, tcp-client, udp, tcp-relay, udp-relay and http-server do).", path, kind)
}
