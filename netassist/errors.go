package netassist

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
)

// Error codes that the window translates into the user's language. They are
// stable keys: tests and translations depend on them.
const (
	CodeAddrInUse     = "addr_in_use"      // the port is taken by another program
	CodePermission    = "permission"       // e.g. a port below 1024 without rights
	CodeRefused       = "refused"          // nobody listens there (RST or ICMP)
	CodeTimeout       = "timeout"          // connect or write timed out
	CodeUnreachable   = "unreachable"      // no route to the host or network
	CodeNoSuchHost    = "no_such_host"     // the name does not resolve
	CodeAddrNotAvail  = "addr_not_avail"   // the local address is not this machine's
	CodeBadAddress    = "bad_address"      // host:port malformed
	CodeTooLarge      = "too_large"        // datagram over 65,507 bytes
	CodeQueueFull     = "queue_full"       // the peer is not reading fast enough
	CodeNotConnected  = "not_connected"    // nothing to send to
	CodeClosed        = "closed"           // the connection or session is closed
	CodeReset         = "reset"            // connection reset by peer
	CodeBroadcastDeny = "broadcast_denied" // the system refused a broadcast
	CodeTLS           = "tls"              // the TLS handshake failed (certificate…)
	CodeNetwork       = "network"          // any other network error
	CodeNotMulticast  = "not_multicast"    // a group to join is not a multicast address
	CodeGroupFamily   = "group_family"     // an IPv6 group on an IPv4 socket, or the reverse
	CodeNoInterface   = "no_interface"     // the interface to join on does not exist
	CodeJoinFailed    = "join_failed"      // the system refused to join the group
)

// OpError is an engine error a learner can understand: Code picks the
// sentence, Addr fills it in, Err keeps the system's own error for the log.
type OpError struct {
	Code string
	Op   string // "listen", "connect", "send", "bind", "join"
	Addr string
	Err  error
}

func (e *OpError) Error() string {
	var what string
	switch e.Code {
	case CodeAddrInUse:
		what = fmt.Sprintf("%s is already in use by another program", portOf(e.Addr))
	case CodePermission:
		what = fmt.Sprintf("permission denied for %s", e.Addr)
	case CodeRefused:
		what = fmt.Sprintf("connection refused by %s (nothing is listening there)", e.Addr)
	case CodeTimeout:
		what = fmt.Sprintf("%s did not answer in time", e.Addr)
	case CodeUnreachable:
		what = fmt.Sprintf("%s is unreachable from this machine", e.Addr)
	case CodeNoSuchHost:
		what = fmt.Sprintf("the host name in %s cannot be resolved", e.Addr)
	case CodeAddrNotAvail:
		what = fmt.Sprintf("%s is not an address of this machine", e.Addr)
	case CodeBadAddress:
		what = fmt.Sprintf("%q is not a valid host:port", e.Addr)
	case CodeTooLarge:
		what = "a UDP datagram can carry at most 65,507 bytes"
	case CodeQueueFull:
		what = fmt.Sprintf("%s is not reading; its send queue is full", e.Addr)
	case CodeNotConnected:
		what = "not connected"
	case CodeClosed:
		what = "the connection is closed"
	case CodeReset:
		what = fmt.Sprintf("connection reset by %s", e.Addr)
	case CodeBroadcastDeny:
		what = fmt.Sprintf("the system refused to broadcast to %s", e.Addr)
	case CodeTLS:
		what = fmt.Sprintf("TLS with %s failed", e.Addr)
	case CodeNotMulticast:
		what = fmt.Sprintf("%q is not a multicast group address", e.Addr)
	case CodeGroupFamily:
		what = fmt.Sprintf("group %s is of the other IP version than the socket", e.Addr)
	case CodeNoInterface:
		what = fmt.Sprintf("no interface %s to join on", e.Addr)
	case CodeJoinFailed:
		what = fmt.Sprintf("the system refused to join %s", e.Addr)
	default:
		what = fmt.Sprintf("%s %s failed", e.Op, e.Addr)
	}
	if e.Err != nil && (e.Code == CodeNetwork || e.Code == CodeTLS) {
		return what + ": " + e.Err.Error()
	}
	return what
}

func (e *OpError) Unwrap() error { return e.Err }

func portOf(addr string) string {
	if _, p, err := net.SplitHostPort(addr); err == nil {
		return "port " + p
	}
	return addr
}

// WrapError classifies a network error from op on addr into an *OpError,
// for engines outside this package.
func WrapError(op, addr string, err error) error { return wrapErr(op, addr, err) }

// wrapErr classifies a network error from op on addr.
func wrapErr(op, addr string, err error) error {
	if err == nil {
		return nil
	}
	var oe *OpError
	if errors.As(err, &oe) {
		return err
	}
	return &OpError{Code: classify(err), Op: op, Addr: addr, Err: err}
}

func classify(err error) string {
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return CodeAddrInUse
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, os.ErrPermission):
		return CodePermission
	case errors.Is(err, syscall.ECONNREFUSED):
		return CodeRefused
	case errors.Is(err, syscall.ECONNRESET):
		return CodeReset
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return CodeAddrNotAvail
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return CodeUnreachable
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return CodeTimeout
		}
		return CodeNoSuchHost
	case errors.As(err, &addrErr):
		return CodeBadAddress
	case errors.Is(err, net.ErrClosed):
		return CodeClosed
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return CodeTimeout
	}
	return CodeNetwork
}

// CodeOf returns the error's code, or "" when it is not an engine error.
func CodeOf(err error) string {
	var oe *OpError
	if errors.As(err, &oe) {
		return oe.Code
	}
	return ""
}
