package server

import (
	"net/http"
	"sync/atomic"
	"time"
)

// A time in http.TimeFormat has whole seconds, so the last one formatted
// is kept and used again within its second: every answer carries Date,
// and a static file Last-Modified, and formatting them was a visible part
// of the fast lane's work under load.
type httpStamp struct {
	sec int64
	b   []byte
}

var lastDate, lastModified atomic.Pointer[httpStamp]

// appendHTTPTime appends t in http.TimeFormat, using slot's last one when
// it is for the same second.
func appendHTTPTime(b []byte, t time.Time, slot *atomic.Pointer[httpStamp]) []byte {
	sec := t.Unix()
	if st := slot.Load(); st != nil && st.sec == sec {
		return append(b, st.b...)
	}
	st := &httpStamp{sec: sec, b: t.UTC().AppendFormat(nil, http.TimeFormat)}
	slot.Store(st)
	return append(b, st.b...)
}
