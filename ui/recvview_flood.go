package ui

import "time"

// floodResting tells the pump to leave the feed alone this tick: the view
// is showing a flood and its next repaint is not due yet. The feed keeps
// the newest bytes and counts what it drops, so draining it only for the
// repaint shows the same newest rows, while formatting a flood at every
// tick (thousands of rows that no repaint would show) took a core that the
// UI thread and the read loop needed. Pump goroutine.
func (v *recvView) floodResting(now time.Time) bool {
	return v.flooding(now) && now.Sub(v.lastView) < floodViewEvery
}
