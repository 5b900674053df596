//go:build !windows

package fatal

func show(title, msg string) { writeStderr(title, msg) }
