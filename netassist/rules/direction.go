package rules

// Direction says which way through a relay session a rule answers:
// client-to-server rules see what the client sends and answer the client
// in place of the upstream; server-to-client rules see what the upstream
// sends and answer it in place of the client. A file's rules may mix both;
// a rule without "direction" is client-to-server, so files written before
// the field existed (version 1, like now) keep their meaning.
type Direction string

const (
	DirClientToServer Direction = "client-to-server"
	DirServerToClient Direction = "server-to-client"
)

// Directions lists the choices, in the order a picker shows them.
var Directions = []Direction{DirClientToServer, DirServerToClient}

// SplitDirections divides f into its client-to-server and
// server-to-client rules, each keeping its order and f's rate limit.
func SplitDirections(f File) (c2s, s2c File) {
	c2s = File{Version: f.Version, MaxPerSecond: f.MaxPerSecond, Rules: []Rule{}}
	s2c = c2s
	s2c.Rules = []Rule{}
	for _, r := range f.Rules {
		if r.Direction == DirServerToClient {
			s2c.Rules = append(s2c.Rules, r)
		} else {
			c2s.Rules = append(c2s.Rules, r)
		}
	}
	return c2s, s2c
}

// LoadRelay parses a rules file for a relay: the whole file is checked
// first (so an error names the rule as the file numbers it), then split
// by direction.
func LoadRelay(data []byte) (c2s, s2c *Set, err error) {
	f, err := Parse(data)
	if err != nil {
		return nil, nil, err
	}
	if _, err := Compile(f); err != nil {
		return nil, nil, err
	}
	a, b := SplitDirections(f)
	if c2s, err = Compile(a); err != nil {
		return nil, nil, err
	}
	if s2c, err = Compile(b); err != nil {
		return nil, nil, err
	}
	return c2s, s2c, nil
}
