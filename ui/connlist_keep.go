package ui

import "netassist/netassist"

// keptSelection is the part of selected whose connections are still in
// infos. It runs on the UI thread at every refresh of the list, which with
// 10,000 clients holds 10,000 rows: with nothing selected (the usual case)
// it costs nothing, and otherwise it makes nothing the size of the list.
func keptSelection(selected map[uint64]bool, infos []netassist.ConnInfo) map[uint64]bool {
	if len(selected) == 0 {
		return selected
	}
	kept := make(map[uint64]bool, len(selected))
	for _, ci := range infos {
		if selected[ci.ID] {
			kept[ci.ID] = true
		}
	}
	return kept
}
