package ui

import "netassist/netassist"

// floodSampleBytes is how much of a flood's newest payload the pump
// formats for a repaint: enough for floodSampleRows rows in any mode
// (hex rows hold 16 bytes, text rows at most the wrap width).
const floodSampleBytes = 8 << 10

// newestPayload keeps the newest budget bytes of rx and tx payload in evs
// and adds the rest to drops; other events stay. The feed already dropped
// most of a flood: formatting the 64 KiB it holds for ten rows on screen
// cost the pump a core share (and, for random bytes, a font search for
// each new character) that the read loop and the saver needed.
func newestPayload(evs []netassist.Event, drops netassist.FeedDrops, budget int) ([]netassist.Event, netassist.FeedDrops) {
	out := make([]netassist.Event, 0, len(evs))
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i]
		// A framed read's front may go too: its messages cut off there are
		// left out of the rows (see msgChunks).
		if (ev.Kind == netassist.EvRx || ev.Kind == netassist.EvTx || ev.Kind == netassist.EvMsg) && len(ev.Data) > 0 {
			keep := min(len(ev.Data), budget)
			budget -= keep
			if keep == 0 {
				drops.Events++
				drops.Bytes += len(ev.Data)
				continue
			}
			drops.Bytes += len(ev.Data) - keep
			ev.Data = ev.Data[len(ev.Data)-keep:]
		}
		out = append(out, ev)
	}
	for l, r := 0, len(out)-1; l < r; l, r = l+1, r-1 {
		out[l], out[r] = out[r], out[l]
	}
	return out, drops
}
