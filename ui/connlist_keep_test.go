package ui

import (
	"runtime"
	"testing"

	"netassist/netassist"
)

// Refreshing a list of 10,000 connections with nothing selected makes no
// garbage the size of the list on the UI thread; a selection keeps only
// the connections still there.
func TestConnListRefreshDoesNotScaleWithCount(t *testing.T) {
	newTestApp(t)
	l := newConnList(nil)
	l.build()
	infos := make([]netassist.ConnInfo, 10000)
	for i := range infos {
		infos[i] = netassist.ConnInfo{ID: uint64(i + 1), Peer: "127.0.0.1:1"}
	}
	l.set(infos) // the renderer and rows exist from here on
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 10 {
		l.set(infos)
	}
	runtime.ReadMemStats(&after)
	if perSet := (after.TotalAlloc - before.TotalAlloc) / 10; perSet > 64<<10 {
		t.Fatalf("a refresh of 10,000 rows allocated %d bytes; want no map of them all", perSet)
	}
	l.setSelected(5, true)
	l.setSelected(20000, true)
	l.set(infos)
	if ids := l.selection(); len(ids) != 1 || ids[0] != 5 {
		t.Fatalf("selection %v; want [5], the one still connected", ids)
	}
}
