package server

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// warmCache lets files be cached as soon as they are written; tests that
// need a file cached use it (the real settle time is seconds).
func warmCache(s *Server) { s.files.settle = 0 }

// startCached serves root with warmCache and returns a GET that gives
// status and body.
func startCached(t *testing.T, root string) (*Server, func(path string) (int, string)) {
	t.Helper()
	s := startServer(t, Config{Root: root}, warmCache)
	c := newTapClient()
	t.Cleanup(c.close)
	base := "http://" + s.Addr().String()
	return s, func(path string) (int, string) {
		t.Helper()
		resp, body := get(t, c.Client, base+path)
		return resp.StatusCode, string(body)
	}
}

func cached(s *Server, name string) bool {
	s.files.mu.RLock()
	defer s.files.mu.RUnlock()
	return s.files.entries[name] != nil
}

// rewrite writes b into name with modification time mod and, where the
// system keeps a change time, waits until the stat shows a new version:
// a file system with coarse timestamps could otherwise show the same one,
// which is what the settle time guards against outside tests.
func rewrite(t *testing.T, name string, b []byte, mod time.Time) {
	t.Helper()
	before, err := os.Stat(name)
	must(t, err)
	for i := 0; ; i++ {
		must(t, os.WriteFile(name, b, 0o644))
		must(t, os.Chtimes(name, mod, mod))
		after, err := os.Stat(name)
		must(t, err)
		if versionOf(after) != versionOf(before) || i == 1000 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestFileCacheEditedFileIsFresh(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "page.html")
	must(t, os.WriteFile(name, []byte("<p>one</p>"), 0o644))
	t0 := time.Now().Add(-time.Hour).Truncate(time.Second)
	must(t, os.Chtimes(name, t0, t0))
	s, get := startCached(t, root)

	for i := 0; i < 2; i++ {
		if st, body := get("/page.html"); st != 200 || body != "<p>one</p>" {
			t.Fatalf("GET %d: %d %q", i, st, body)
		}
	}
	if !cached(s, "page.html") {
		t.Fatal("page.html was not cached")
	}

	// Same size, new modification time.
	rewrite(t, name, []byte("<p>two</p>"), t0.Add(time.Minute))
	if st, body := get("/page.html"); st != 200 || body != "<p>two</p>" {
		t.Fatalf("after a same-size edit: %d %q", st, body)
	}

	// New size.
	rewrite(t, name, []byte("<p>three</p>"), t0.Add(time.Minute))
	if st, body := get("/page.html"); st != 200 || body != "<p>three</p>" {
		t.Fatalf("after an edit that changed the size: %d %q", st, body)
	}

	// Saved by rename, as many editors do: a new inode.
	tmp := filepath.Join(root, "page.html.tmp")
	must(t, os.WriteFile(tmp, []byte("<p>four!</p>"), 0o644))
	must(t, os.Chtimes(tmp, t0.Add(time.Minute), t0.Add(time.Minute)))
	must(t, os.Rename(tmp, name))
	if st, body := get("/page.html"); st != 200 || body != "<p>four!</p>" {
		t.Fatalf("after a save by rename: %d %q", st, body)
	}

	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" {
		// Same size and the old modification time put back (cp -p): only
		// the change time tells.
		get("/page.html")
		rewrite(t, name, []byte("<p>five!</p>"), t0.Add(time.Minute))
		if st, body := get("/page.html"); st != 200 || body != "<p>five!</p>" {
			t.Fatalf("after an edit that kept size and time: %d %q", st, body)
		}
	}
}

func TestFileCacheEmptyFile(t *testing.T) {
	root := t.TempDir()
	name := filepath.Join(root, "empty.txt")
	must(t, os.WriteFile(name, nil, 0o644))
	s, get := startCached(t, root)
	if st, body := get("/empty.txt"); st != 200 || body != "" || !cached(s, "empty.txt") {
		t.Fatalf("GET: %d %q, cached %v", st, body, cached(s, "empty.txt"))
	}
	rewrite(t, name, []byte("now with text"), time.Now().Add(time.Minute))
	if st, body := get("/empty.txt"); st != 200 || body != "now with text" {
		t.Fatalf("GET after it got text: %d %q", st, body)
	}
}

func TestFileCacheIndexIsFresh(t *testing.T) {
	root := t.TempDir()
	must(t, os.Mkdir(filepath.Join(root, "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "index.html"), []byte("root v1"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "sub", "index.html"), []byte("sub v1"), 0o644))
	s, get := startCached(t, root)
	for _, p := range []string{"/", "/", "/sub/", "/sub/"} {
		if st, body := get(p); st != 200 || !strings.HasSuffix(body, " v1") {
			t.Fatalf("GET %s: %d %q", p, st, body)
		}
	}
	if !cached(s, "index.html") || !cached(s, "sub/index.html") {
		t.Fatal("the index pages were not cached")
	}
	later := time.Now().Add(time.Minute)
	rewrite(t, filepath.Join(root, "index.html"), []byte("root v2"), later)
	rewrite(t, filepath.Join(root, "sub", "index.html"), []byte("sub v2"), later)
	if st, body := get("/"); st != 200 || body != "root v2" {
		t.Fatalf("GET / after the edit: %d %q", st, body)
	}
	if st, body := get("/sub/"); st != 200 || body != "sub v2" {
		t.Fatalf("GET /sub/ after the edit: %d %q", st, body)
	}
	// Without its index.html the folder is listed again.
	must(t, os.Remove(filepath.Join(root, "sub", "index.html")))
	if st, body := get("/sub/"); st != 200 || !strings.Contains(body, "Index of /sub/") {
		t.Fatalf("GET /sub/ without index: %d %q", st, body)
	}
	if cached(s, "sub/index.html") {
		t.Fatal("the removed index is still cached")
	}
}

func TestFileCacheSymlinkOutIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	root, secret := makeTree(t)
	s, get := startCached(t, root)
	if st, body := get("/page.html"); st != 200 || body != "<p>page</p>" {
		t.Fatalf("GET: %d %q", st, body)
	}
	if !cached(s, "page.html") {
		t.Fatal("page.html was not cached")
	}
	name := filepath.Join(root, "page.html")
	must(t, os.Remove(name))
	must(t, os.Symlink(filepath.Join(filepath.Dir(root), "secret.txt"), name))
	if st, body := get("/page.html"); st != 404 || strings.Contains(body, secret) {
		t.Fatalf("a cached file replaced by a symlink out of the root: %d %q", st, body)
	}
	if cached(s, "page.html") {
		t.Fatal("still cached after the stat refused it")
	}
	// A symlink inside the root is followed, and its target's edits seen.
	must(t, os.Remove(name))
	must(t, os.Symlink("hello.txt", name))
	if st, body := get("/page.html"); st != 200 || body != "hello, world\n" {
		t.Fatalf("symlink inside the root: %d %q", st, body)
	}
	rewrite(t, filepath.Join(root, "hello.txt"), []byte("HELLO, WORLD\n"), time.Now().Add(time.Minute))
	if st, body := get("/page.html"); st != 200 || body != "HELLO, WORLD\n" {
		t.Fatalf("symlink inside the root after its target changed: %d %q", st, body)
	}
}

func TestFileCacheRemovedFileIs404(t *testing.T) {
	root, _ := makeTree(t)
	s, get := startCached(t, root)
	if st, _ := get("/sub/a.txt"); st != 200 || !cached(s, "sub/a.txt") {
		t.Fatalf("GET: %d, cached %v", st, cached(s, "sub/a.txt"))
	}
	must(t, os.Remove(filepath.Join(root, "sub", "a.txt")))
	if st, body := get("/sub/a.txt"); st != 404 || strings.Contains(body, "a\n") {
		t.Fatalf("a removed file: %d %q", st, body)
	}
	if cached(s, "sub/a.txt") {
		t.Fatal("a removed file is still cached")
	}
	// A folder in its place is not a file either.
	must(t, os.Mkdir(filepath.Join(root, "sub", "a.txt"), 0o755))
	if st, _ := get("/sub/a.txt"); st != 301 {
		t.Fatalf("a folder where the file was: %d; want 301", st)
	}
}

func TestFileCacheUnreadableFileIs403(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs Unix permissions that bind the server")
	}
	root, _ := makeTree(t)
	s, get := startCached(t, root)
	if st, _ := get("/hello.txt"); st != 200 || !cached(s, "hello.txt") {
		t.Fatal("hello.txt was not served and cached")
	}
	must(t, os.Chmod(filepath.Join(root, "hello.txt"), 0))
	if st, body := get("/hello.txt"); st != 403 || strings.Contains(body, "hello") {
		t.Fatalf("an unreadable file: %d %q", st, body)
	}
}

func TestFileCacheLargeFileIsServedNotCached(t *testing.T) {
	root := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), (cacheMaxFile+1)/16+1)
	must(t, os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644))
	s, get := startCached(t, root)
	for i := 0; i < 2; i++ {
		if st, body := get("/big.bin"); st != 200 || body != string(big) {
			t.Fatalf("GET %d: %d, %d bytes; want 200, %d", i, st, len(body), len(big))
		}
	}
	if cached(s, "big.bin") || s.files.len() != 0 {
		t.Fatal("a file over the limit was cached")
	}
}

// A file changed within the settle time is read from disk, since a second
// change might not show in its timestamps; once settled it is cached.
func TestFileCacheWaitsForFileToSettle(t *testing.T) {
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "new.txt"), []byte("fresh"), 0o644))
	var ahead atomic.Int64 // how far the server's clock is ahead
	s := startServer(t, Config{Root: root}, func(s *Server) {
		s.files.now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	c := newTapClient()
	defer c.close()
	url := "http://" + s.Addr().String() + "/new.txt"
	if resp, body := get(t, c.Client, url); resp.StatusCode != 200 || string(body) != "fresh" {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}
	if cached(s, "new.txt") {
		t.Fatal("a file written just now was cached")
	}
	ahead.Store(int64(time.Minute))
	if resp, body := get(t, c.Client, url); resp.StatusCode != 200 || string(body) != "fresh" || !cached(s, "new.txt") {
		t.Fatalf("GET after it settled: %d %q, cached %v", resp.StatusCode, body, cached(s, "new.txt"))
	}
}

func TestFileCacheStaysWithinBudget(t *testing.T) {
	root := t.TempDir()
	const n, size = 20, 1000
	for i := 0; i < n; i++ {
		must(t, os.WriteFile(filepath.Join(root, string(rune('a'+i))+".txt"), bytes.Repeat([]byte{byte('a' + i)}, size), 0o644))
	}
	s := startServer(t, Config{Root: root}, warmCache, func(s *Server) {
		s.files.maxTotal = 5 * (size + entryOverhead + 5)
	})
	c := newTapClient()
	defer c.close()
	for round := 0; round < 2; round++ {
		for i := 0; i < n; i++ {
			name := string(rune('a'+i)) + ".txt"
			resp, body := get(t, c.Client, "http://"+s.Addr().String()+"/"+name)
			if resp.StatusCode != 200 || string(body) != strings.Repeat(string(rune('a'+i)), size) {
				t.Fatalf("GET %s: %d, %d bytes", name, resp.StatusCode, len(body))
			}
		}
	}
	s.files.mu.RLock()
	total, entries := s.files.total, len(s.files.entries)
	s.files.mu.RUnlock()
	if total > s.files.maxTotal || entries != 5 {
		t.Fatalf("cache holds %d bytes in %d entries; budget %d (5 entries)", total, entries, s.files.maxTotal)
	}
}

// The cached path answers HEAD, Range, conditional requests and hostile
// targets exactly as the disk path does.
func TestHeadRangeConditionalCached(t *testing.T) { testHeadRangeConditional(t, warmCache) }
func TestTraversalCached(t *testing.T)            { testTraversal(t, warmCache) }
func TestHostileRequestsCached(t *testing.T)      { testHostileRequests(t, warmCache) }

// The cache answers with the same bytes as the disk path.
func TestFileCacheSameAnswerAsDisk(t *testing.T) {
	root, _ := makeTree(t)
	disk := startServer(t, Config{Root: root})
	mem := startServer(t, Config{Root: root}, warmCache)
	for _, p := range []string{"/hello.txt", "/sub/a.txt", "/page.html", "/link-in.txt"} {
		if runtime.GOOS == "windows" && p == "/link-in.txt" {
			continue
		}
		for _, hdr := range []string{"", "Range: bytes=1-3\r\n", "Range: bytes=0-0,2-3\r\n"} {
			req := "GET " + p + " HTTP/1.1\r\nHost: x\r\n" + hdr + "Connection: close\r\n\r\n"
			for i := 0; i < 2; i++ { // the second answer comes from the cache
				a := dropDate(rawExchange(t, disk.Addr().String(), req))
				b := dropDate(rawExchange(t, mem.Addr().String(), req))
				if strings.Contains(hdr, ",") {
					a, b = dropBoundary(a), dropBoundary(b)
				}
				if a != b {
					t.Fatalf("%q:\ndisk:  %q\ncache: %q", req, a, b)
				}
			}
		}
		name := strings.TrimPrefix(p, "/")
		if !cached(mem, name) {
			t.Errorf("%s was not cached", name)
		}
	}
}

func dropDate(raw string) string {
	var out []string
	for _, l := range strings.Split(raw, "\r\n") {
		if !strings.HasPrefix(l, "Date: ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\r\n")
}

// dropBoundary blanks the random multipart boundary.
func dropBoundary(raw string) string {
	i := strings.Index(raw, "boundary=")
	if i < 0 {
		return raw
	}
	end := strings.Index(raw[i:], "\r\n")
	b := raw[i+len("boundary=") : i+end]
	return strings.ReplaceAll(raw, b, "BOUNDARY")
}
