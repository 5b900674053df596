package display

// KeepLast leaves only the newest n rows of b and counts the others in
// Skipped. A row the view already shows (ReplaceLast) is then no longer
// replaced: the view keeps the part of it that it had.
func (b *Batch) KeepLast(n int) {
	cut := len(b.Rows) - max(n, 0)
	if cut <= 0 {
		return
	}
	if b.ReplaceLast {
		// The first row was not new: it is not counted as left out.
		b.ReplaceLast = false
		b.Skipped--
	}
	b.Skipped += cut
	b.Rows = b.Rows[cut:]
	if len(b.Dirs) > cut { // Dirs[i] stays the direction of Rows[i]
		b.Dirs = b.Dirs[cut:]
	} else {
		b.Dirs = nil
	}
}
