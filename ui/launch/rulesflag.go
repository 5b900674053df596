package launch

import (
	"errors"
	"os"

	"netassist/netassist"
	"netassist/netassist/rules"
	"netassist/ui"
)

// Rules collects --rules FILE. Each applies to the --open sessions
// given since the previous --rules, so that
//
//	--open A --open B --rules r1 --open C --rules r2
//
// gives A and B the rules of r1 and C those of r2. The files are read
// once translations are loaded, so their errors are in the user's language.
type Rules struct {
	opens *Specs
	args  []rulesArg
	next  int // the first --open not yet given rules
	Err   error
}

type rulesArg struct {
	path     string
	from, to int // indexes into opens.Configs
}

var errRulesFirst = errors.New("--rules must follow the --open sessions it applies to")

func (r *Rules) String() string { return "" }

func (r *Rules) Set(v string) error {
	n := len(r.opens.Configs)
	if n == r.next {
		r.Err = errRulesFirst
		return r.Err
	}
	r.args = append(r.args, rulesArg{path: v, from: r.next, to: n})
	r.next = n
	return nil
}

// Apply reads each file and gives every session it applies to its own
// compiled set (so each session counts its own hits). The error is a
// sentence in the user's language naming the file, the rule and where.
func (r *Rules) Apply() (string, bool) {
	for _, a := range r.args {
		data, err := os.ReadFile(a.path)
		if err != nil {
			return ui.RulesFileUnreadable(a.path), false
		}
		for i := a.from; i < a.to; i++ {
			cfg := &r.opens.Configs[i]
			if cfg.Kind == netassist.KindHTTPServer {
				set, err := rules.LoadHTTP(data)
				if err != nil {
					return "--rules " + a.path + ": " + ui.ErrorText(err), false
				}
				cfg.HTTPRules = set
				continue
			}
			if cfg.Kind == netassist.KindTCPRelay || cfg.Kind == netassist.KindUDPRelay {
				// Each rule's "direction" says which side it answers.
				c2s, s2c, err := rules.LoadRelay(data)
				if err != nil {
					return "--rules " + a.path + ": " + ui.ErrorText(err), false
				}
				cfg.Rules, cfg.RulesBack = c2s, s2c
				continue
			}
			if !ui.KindAnswers(cfg.Kind) {
				return ui.RulesKindText(a.path, string(cfg.Kind)), false
			}
			set, err := rules.Load(data)
			if err != nil {
				return "--rules " + a.path + ": " + ui.ErrorText(err), false
			}
			cfg.Rules = set
		}
	}
	return "", true
}

// NewRules collects --rules files for the sessions opens collects.
func NewRules(opens *Specs) *Rules { return &Rules{opens: opens} }
