//go:build !linux

package server

import "syscall"

// startLoop: elsewhere each fast-lane connection has its own goroutine.
func startLoop(*Server, *listener) connLoop { return nil }

// listenOptions: elsewhere Go's accept and tuned set each connection.
var listenOptions func(network, address string, c syscall.RawConn) error
