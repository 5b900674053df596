// Package launch holds what the command line needs around the window:
// the --open, --view and --rules flags, the language of start-up
// messages, where Fyne's log lines go, a quit on signals that always ends,
// and the profiling server for benchmark runs. main.go wires them.
package launch

import (
	"fmt"
	"strings"

	"netassist/netassist"
)

// Specs collects --open SPECs. It keeps ParseSpec's own sentence, which
// the flag package would bury in "invalid value … for flag -open: …".
type Specs struct {
	Configs []netassist.Config
	Err     error
}

func (s *Specs) String() string { return fmt.Sprint(len(s.Configs)) }
func (s *Specs) Set(v string) error {
	cfg, err := netassist.ParseSpec(v)
	if err != nil {
		s.Err = err
		return err
	}
	s.Configs = append(s.Configs, cfg)
	return nil
}

// Views collects --view folders.
type Views []string

func (v *Views) String() string     { return strings.Join(*v, ",") }
func (v *Views) Set(s string) error { *v = append(*v, s); return nil }
