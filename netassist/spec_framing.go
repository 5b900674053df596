package netassist

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"netassist/netassist/codec"
	"netassist/netassist/framing"
)

// framingKeys are the --open options of a TCP session's framing:
//
//	frame=reads (default) | delim | fixed | lenfield | idle
//	delim=\r\n (send-box escapes) or delimhex=0D0A, keep=1 to show it
//	len=16                                           (fixed)
//	off=0&size=2&endian=big&adj=0&whole=0            (lenfield)
//	gap=50                                           (idle, milliseconds)
//	max=65536                                        (delim, lenfield, idle)
var framingKeys = []string{"frame", "delim", "delimhex", "keep", "len", "off", "size", "endian", "adj", "whole", "max", "gap"}

// framingFor reads the framing options of q; the error is a sentence for
// the user without the spec, which the caller puts in front.
func framingFor(q url.Values) (framing.Config, error) {
	var c framing.Config
	kind := framing.Kind(strings.ToLower(q.Get("frame")))
	if kind == "" {
		kind = framing.Reads
	}
	known := false
	for _, k := range framing.Kinds {
		known = known || k == kind
	}
	if !known {
		return c, fmt.Errorf("frame must be reads, delim, fixed, lenfield or idle, not %q", q.Get("frame"))
	}
	c.Kind = kind
	// Options of another kind are refused, so a typo in frame= is not
	// silently a different framing.
	applies := map[framing.Kind][]string{
		framing.Reads:    {"frame"},
		framing.Delim:    {"frame", "delim", "delimhex", "keep", "max"},
		framing.Fixed:    {"frame", "len"},
		framing.LenField: {"frame", "off", "size", "endian", "adj", "whole", "max"},
		framing.Idle:     {"frame", "gap", "max"},
	}
	for _, key := range framingKeys {
		if _, ok := q[key]; ok && !contains(applies[kind], key) {
			return c, fmt.Errorf("option %q does not apply to frame=%s", key, kind)
		}
	}
	if kind == framing.Reads {
		return framing.Config{}, nil // the zero value: reads as they come
	}
	num := func(key string, def, lo, hi int) (int, error) {
		s := q.Get(key)
		if s == "" {
			return def, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("%s must be a whole number from %d to %d, not %q", key, lo, hi, s)
		}
		return n, nil
	}
	var err error
	if c.Max, err = num("max", 0, 1, framing.MaxMax); err != nil {
		return c, err
	}
	switch kind {
	case framing.Delim:
		_, hasText := q["delim"]
		_, hasHex := q["delimhex"]
		switch {
		case hasText && hasHex:
			return c, errors.New("give the delimiter once: delim (with escapes such as \\r\\n) or delimhex (such as 0D0A)")
		case hasHex:
			if c.Delim, err = codec.ParseHex(q.Get("delimhex")); err != nil {
				return c, fmt.Errorf("delimhex %q is not hex bytes (e.g. 0D0A or 7E)", q.Get("delimhex"))
			}
		case hasText:
			if c.Delim, err = codec.Unescape(q.Get("delim")); err != nil {
				return c, fmt.Errorf("delim %q: %v", q.Get("delim"), err)
			}
		}
		if len(c.Delim) == 0 {
			return c, errors.New("frame=delim needs a delimiter: delim=\\r\\n or delimhex=0D0A")
		}
		keep, ok := flagValue(q.Get("keep"))
		if !ok {
			return c, fmt.Errorf("keep must be 1 or 0, not %q", q.Get("keep"))
		}
		c.Keep = keep
	case framing.Fixed:
		if q.Get("len") == "" {
			return c, errors.New("frame=fixed needs len=N, the length of every message")
		}
		if c.Len, err = num("len", 0, 1, framing.MaxMax); err != nil {
			return c, err
		}
	case framing.LenField:
		if c.Off, err = num("off", 0, 0, framing.MaxMax); err != nil {
			return c, err
		}
		if c.Size, err = num("size", 2, 1, 4); err != nil || c.Size == 3 {
			return c, fmt.Errorf("size must be 1, 2 or 4, not %q", q.Get("size"))
		}
		switch strings.ToLower(q.Get("endian")) {
		case "", "big", "be":
			c.Big = true
		case "little", "le":
		default:
			return c, fmt.Errorf("endian must be big or little, not %q", q.Get("endian"))
		}
		if c.Adj, err = num("adj", 0, -framing.MaxMax, framing.MaxMax); err != nil {
			return c, err
		}
		whole, ok := flagValue(q.Get("whole"))
		if !ok {
			return c, fmt.Errorf("whole must be 1 or 0, not %q", q.Get("whole"))
		}
		c.Whole = whole
	case framing.Idle:
		if q.Get("gap") == "" {
			return c, errors.New("frame=idle needs gap=MS, the silence in milliseconds that ends a message")
		}
		ms, err := num("gap", 0, 1, int(framing.MaxGap/time.Millisecond))
		if err != nil {
			return c, err
		}
		c.Gap = time.Duration(ms) * time.Millisecond
	}
	if err := c.Check(); err != nil {
		switch {
		case errors.Is(err, framing.ErrOff):
			return c, fmt.Errorf("the length field (off=%d, size=%d) must end within max=%d", c.Off, c.Size, effectiveMax(c))
		case errors.Is(err, framing.ErrDelimMax):
			return c, fmt.Errorf("the delimiter is longer than max=%d", effectiveMax(c))
		}
		return c, err
	}
	return c, nil
}

func effectiveMax(c framing.Config) int {
	if c.Max == 0 {
		return framing.DefaultMax
	}
	return c.Max
}

// addFraming writes c's options into q (the inverse of framingFor).
func addFraming(q url.Values, c framing.Config) {
	if c.Kind == "" || c.Kind == framing.Reads {
		return
	}
	q.Set("frame", string(c.Kind))
	switch c.Kind {
	case framing.Delim:
		q.Set("delim", codec.Escape(c.Delim))
		if c.Keep {
			q.Set("keep", "1")
		}
	case framing.Fixed:
		q.Set("len", strconv.Itoa(c.Len))
	case framing.LenField:
		q.Set("off", strconv.Itoa(c.Off))
		q.Set("size", strconv.Itoa(c.Size))
		if c.Big {
			q.Set("endian", "big")
		} else {
			q.Set("endian", "little")
		}
		q.Set("adj", strconv.Itoa(c.Adj))
		if c.Whole {
			q.Set("whole", "1")
		}
	case framing.Idle:
		q.Set("gap", strconv.FormatInt(c.Gap.Milliseconds(), 10))
	}
	if c.Max != 0 && c.Kind != framing.Fixed {
		q.Set("max", strconv.Itoa(c.Max))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// FramingQuery writes c as the options of an --open SPEC, e.g.
// "delim=%5Cr%5Cn&frame=delim" ("" for reads); the window remembers a
// form's framing this way.
func FramingQuery(c framing.Config) string {
	q := url.Values{}
	addFraming(q, c)
	return q.Encode()
}

// ParseFraming reads what FramingQuery wrote.
func ParseFraming(s string) (framing.Config, error) {
	q, err := url.ParseQuery(s)
	if err != nil {
		return framing.Config{}, err
	}
	for key := range q {
		if !contains(framingKeys, key) {
			return framing.Config{}, fmt.Errorf("option %q is not a framing option", key)
		}
	}
	return framingFor(q)
}
