package export

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestRunWritesBothAndReportsProgress(t *testing.T) {
	dir := writeFolder(t, goodLines, goodFiles())
	out := t.TempDir()
	j := Job{Dir: dir, Pcapng: filepath.Join(out, "a.pcapng"), HAR: filepath.Join(out, "a.har")}
	var last, total int64
	res, err := Run(context.Background(), j, func(d, tot int64) { last, total = d, tot })
	if err != nil {
		t.Fatal(err)
	}
	if n := countPackets(t, j.Pcapng); n != goodPackets {
		t.Fatalf("got %d packets; want %d", n, goodPackets)
	}
	if _, err := os.Stat(j.HAR); err != nil {
		t.Fatal(err)
	}
	if total == 0 || last != total {
		t.Fatalf("progress ended at %d of %d; want all", last, total)
	}
	if res.HAREntries != 0 || len(res.Warnings) != 0 {
		t.Fatalf("got %+v; want no entries and no warnings", res)
	}
}

func TestRunCancelledLeavesNoFile(t *testing.T) {
	dir := writeFolder(t, goodLines, goodFiles())
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, Job{Dir: dir, Pcapng: filepath.Join(out, "a.pcapng")}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Fatalf("left %v behind", left)
	}
}

func TestRunErrorsSayTheStage(t *testing.T) {
	good := writeFolder(t, goodLines, goodFiles())
	notSaved := t.TempDir()
	cases := []struct {
		name  string
		job   Job
		stage Stage
	}{
		{"not a saved folder", Job{Dir: notSaved, Pcapng: filepath.Join(t.TempDir(), "a.pcapng")}, StageFolder},
		{"output folder missing", Job{Dir: good, HAR: filepath.Join(t.TempDir(), "no", "a.har")}, StageWrite},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(context.Background(), c.job, nil)
			var e *Error
			if !errors.As(err, &e) || e.Stage != c.stage {
				t.Fatalf("got %v; want an *Error at stage %d", err, c.stage)
			}
		})
	}
}
