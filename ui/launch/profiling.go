package launch

import (
	"net"
	"net/http"
	"net/http/pprof"
	"os"

	"github.com/sirupsen/logrus"
)

// ServeProfiles serves the Go runtime's profiles on the loopback address
// in NETASSIST_PPROF (such as 127.0.0.1:6060) for the benchmark's
// profiling runs. Unset, as it is for users, nothing listens.
func ServeProfiles(log logrus.FieldLogger) {
	addr := os.Getenv("NETASSIST_PPROF")
	if addr == "" {
		return
	}
	if !loopbackAddr(addr) {
		log.Warnf("NETASSIST_PPROF: want a loopback HOST:PORT, not %q", addr)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	go func() {
		if err := http.ListenAndServe(addr, mux); err != nil {
			log.Warnf("NETASSIST_PPROF: %v", err)
		}
	}()
}

// loopbackAddr tells whether addr is HOST:PORT with HOST a loopback IP:
// the profiles are never served to other machines.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}
