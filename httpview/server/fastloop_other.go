//go:build !linux

package server

// startLoop: elsewhere each fast-lane connection has its own goroutine.
func startLoop(*Server, *listener) connLoop { return nil }
