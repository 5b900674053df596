package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netassist/netassist"
	"netassist/netassist/export"
)

// `netassist export --lang zh` words its warnings in Chinese; they were
// English sentences whatever the language.
func TestExportCLIWarningsInChinese(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "tcp-server-1", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("hello")},
	})
	os.Remove(filepath.Join(dir, netassist.RawFileName(1, peer, netassist.EvRx)))
	out := filepath.Join(t.TempDir(), "x.pcapng")
	for lang, want := range map[string]string{
		"zh": "netassist export: 警告：conn1_127.0.0.1_40000.rx 不存在，其中的流量已略去。",
		"en": "netassist export: warning: conn1_127.0.0.1_40000.rx is missing; its traffic was left out.",
	} {
		var stderr bytes.Buffer
		if code := export.MainWords([]string{"--quiet", "--lang", lang, "--pcapng", out, dir}, &stderr, "test", CLIWords); code != 0 {
			t.Fatalf("%s: exit %d: %s", lang, code, stderr.String())
		}
		if got := strings.TrimSpace(stderr.String()); got != want {
			t.Errorf("--lang %s said %q; want %q", lang, got, want)
		}
	}
}
