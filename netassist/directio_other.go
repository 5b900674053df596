//go:build !linux

package netassist

import (
	"errors"
	"os"
)

// setDirectIO: saved files stay on ordinary buffered writes here.
func setDirectIO(*os.File, bool) error { return errors.ErrUnsupported }
