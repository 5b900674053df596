//go:build !linux

package netassist

import (
	"errors"
	"os"
)

// setDirectIO: saved files stay on ordinary buffered writes here.
func setDirectIO(*os.File, bool) error { return errors.ErrUnsupported }

// cacheFull: the page cache's limits are not read here.
func cacheFull() bool { return false }
