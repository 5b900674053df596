package server

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Files of the folder carry nginx's ETag, from the fast lane and from
// net/http alike, and a request that names it gets 304.
func TestFolderETag(t *testing.T) {
	root := t.TempDir()
	must(t, osWriteFile(filepath.Join(root, "a.txt"), []byte("hello\n")))
	fi, err := os.Stat(filepath.Join(root, "a.txt"))
	must(t, err)
	want := fmt.Sprintf(`"%x-%x"`, fi.ModTime().Unix(), fi.Size())
	for _, lane := range []bool{true, false} {
		t.Run(fmt.Sprintf("fastlane=%v", lane), func(t *testing.T) {
			s := startServer(t, Config{Root: root}, warmCache, func(s *Server) { s.noFastLane = !lane })
			addr := s.Addr().String()
			resp, _ := rawRoundTrip(t, addr, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")
			if got := resp.Header.Get("ETag"); resp.StatusCode != 200 || got != want {
				t.Fatalf("status %d, ETag %q; want 200 and %q", resp.StatusCode, got, want)
			}
			resp, body := rawRoundTrip(t, addr, "GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: "+want+"\r\n\r\n")
			if resp.StatusCode != 304 || len(body) != 0 || resp.Header.Get("ETag") != want {
				t.Fatalf("If-None-Match: status %d, ETag %q, %d body bytes; want 304 with the tag", resp.StatusCode, resp.Header.Get("ETag"), len(body))
			}
			resp, _ = rawRoundTrip(t, addr, "GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"other\"\r\n\r\n")
			if resp.StatusCode != 200 {
				t.Fatalf("other tag: status %d; want 200", resp.StatusCode)
			}
		})
	}
}
