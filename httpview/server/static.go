package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"runtime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sirupsen/logrus"
)

// serveStatic answers GET and HEAD from s.fsys, which is an os.Root (no
// symlink or ".." can leave the folder) or the embedded sample site.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request, c *conn, id uint64) {
	refused := 0
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		refused = http.StatusMethodNotAllowed
		w.Header().Set("Allow", "GET, HEAD")
	}
	// The body first, refused or not, so that the capture holds it.
	if !s.readBody(w, r, c, id, refused) {
		return
	}
	if refused != 0 {
		errorPage(w, refused)
		return
	}
	name, code := cleanPath(r.URL.Path, s.cfg.ShowDotfiles)
	if code != 0 {
		errorPage(w, code)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/") {
		// Most folder requests are for its index.html: one stat finds it,
		// where stating the folder first takes two. Anything else (no
		// index, a file named with a slash) goes the long way below.
		index := indexOf(name)
		if fi, err := fs.Stat(s.fsys, index); err == nil && fi.Mode().IsRegular() {
			s.serveFile(w, r, index, fi)
			return
		}
		s.forgetFile(index)
	}
	fi, err := fs.Stat(s.fsys, name)
	if err != nil {
		s.forgetFile(name)
		s.fsError(w, r, name, err)
		return
	}
	if fi.IsDir() {
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Relative links in the folder's page need the slash. The target
			// is built from the cleaned name, so it can never be "//host".
			u := url.URL{Path: "/" + name + "/", RawQuery: r.URL.RawQuery}
			http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
			return
		}
		index := indexOf(name)
		if ifi, err := fs.Stat(s.fsys, index); err == nil && ifi.Mode().IsRegular() {
			s.serveFile(w, r, index, ifi)
			return
		}
		s.serveListing(w, r, name)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/") {
		// A file is not a folder: "/page.html/" is 404, as nginx answers,
		// rather than the page with its relative links broken.
		errorPage(w, http.StatusNotFound)
		return
	}
	if !fi.Mode().IsRegular() {
		// A FIFO or device would block or never end: not something to serve.
		s.forgetFile(name)
		errorPage(w, http.StatusForbidden)
		return
	}
	s.serveFile(w, r, name, fi)
}

// serveOptions answers "OPTIONS *", a question about the server as a
// whole (RFC 9110 9.3.7), with the methods it answers. nginx says 400.
func (s *Server) serveOptions(w http.ResponseWriter, r *http.Request, c *conn, id uint64) {
	if !s.readBody(w, r, c, id, 0) {
		return
	}
	allow := "GET, HEAD"
	if s.embedded {
		allow += ", POST" // the sample form
	}
	h := w.Header()
	h.Set("Allow", allow)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}

// cleanPath turns the decoded URL path into an fs.FS name, or a status to
// answer. Like nginx it resolves "." and ".." segments and refuses (400) a
// ".." that would climb above the folder, and NUL. Any other byte may be in
// a name on Linux (a backslash, a tab, invalid UTF-8), and our listing
// links to such files, so they are served; the os.Root keeps every name
// inside the folder. Windows names are UTF-16 with "\" and ":" special,
// so there those bytes stay refused.
func cleanPath(p string, showDotfiles bool) (name string, status int) {
	if p == "" || p[0] != '/' || strings.IndexByte(p, 0) >= 0 {
		return "", http.StatusBadRequest
	}
	if runtime.GOOS == "windows" {
		if !utf8.ValidString(p) {
			return "", http.StatusBadRequest
		}
		for i := 0; i < len(p); i++ {
			if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' || c == ':' {
				return "", http.StatusBadRequest
			}
		}
	}
	depth := 0
	for rest, more := p[1:], true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, "/")
		switch seg {
		case "", ".":
		case "..":
			if depth--; depth < 0 {
				return "", http.StatusBadRequest
			}
		default:
			depth++
		}
	}
	name = strings.TrimPrefix(path.Clean(p), "/")
	if name == "" {
		name = "."
	}
	if !validName(name) {
		return "", http.StatusBadRequest
	}
	if !showDotfiles && name != "." {
		for rest, more := name, true; more; {
			var seg string
			seg, rest, more = strings.Cut(rest, "/")
			if strings.HasPrefix(seg, ".") {
				return "", http.StatusNotFound
			}
		}
	}
	return name, 0
}

// indexOf is path.Join(name, "index.html") for a name from cleanPath,
// without the work of cleaning what is already clean.
func indexOf(name string) string {
	if name == "." {
		return "index.html"
	}
	return name + "/index.html"
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, name string, fi fs.FileInfo) {
	if !s.embedded {
		// As nginx makes it: modification time and size, so a reload
		// shows If-None-Match and 304.
		w.Header()["Etag"] = []string{string(appendETag(nil, fi))}
	}
	if s.files != nil {
		if data, ok := s.files.content(s.root, name, fi); ok {
			http.ServeContent(w, r, fi.Name(), fi.ModTime(), bytes.NewReader(data))
			return
		}
	}
	f, err := s.fsys.Open(name)
	if err != nil {
		s.fsError(w, r, name, err)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		s.fsError(w, r, name, errors.New("file cannot seek"))
		return
	}
	if s.embedded {
		// Embedded files have no modification time; an ETag still lets the
		// learner see If-None-Match and 304 on reload.
		if tag := s.etag(name); tag != "" {
			w.Header().Set("ETag", tag)
		}
	}
	http.ServeContent(w, r, fi.Name(), fi.ModTime(), content)
}

// appendETag appends the ETag of a file of the folder: nginx's form,
// "<mtime seconds>-<size>" in hex.
func appendETag(b []byte, fi fs.FileInfo) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, fi.ModTime().Unix(), 16)
	b = append(b, '-')
	b = strconv.AppendInt(b, fi.Size(), 16)
	return append(b, '"')
}

// forgetFile drops a cached file that a stat no longer finds servable.
func (s *Server) forgetFile(name string) {
	if s.files != nil {
		s.files.forget(name)
	}
}

func (s *Server) etag(name string) string {
	if v, ok := s.etags.Load(name); ok {
		return v.(string)
	}
	b, err := fs.ReadFile(s.fsys, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:8]) + `"`
	s.etags.Store(name, tag)
	return tag
}

// serveListing shows a folder without index.html. Every name is escaped
// for HTML, and links start with "./" so a name like "javascript:x" stays
// a relative path.
func (s *Server) serveListing(w http.ResponseWriter, r *http.Request, name string) {
	entries, err := fs.ReadDir(s.fsys, name)
	if err != nil {
		s.fsError(w, r, name, err)
		return
	}
	title := html.EscapeString("/" + strings.TrimPrefix(name+"/", "./"))
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of %s</title></head>\n<body>\n<h1>Index of %s</h1>\n<ul>\n", title, title)
	if name != "." {
		b.WriteString("<li><a href=\"../\">../</a></li>\n")
	}
	for _, e := range entries {
		n := e.Name()
		if !s.cfg.ShowDotfiles && strings.HasPrefix(n, ".") {
			continue
		}
		href, shown := "./"+url.PathEscape(n), strings.ToValidUTF8(n, "\uFFFD")
		if e.IsDir() {
			href, shown = href+"/", shown+"/"
		}
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(href), html.EscapeString(shown))
	}
	b.WriteString("</ul>\n</body></html>\n")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

// fsError answers a file-system error with a generic 403 or 404 and keeps
// the operating system's text for the log (it names paths on this machine).
func (s *Server) fsError(w http.ResponseWriter, r *http.Request, name string, err error) {
	code := http.StatusNotFound
	if errors.Is(err, fs.ErrPermission) {
		code = http.StatusForbidden
	}
	if !errors.Is(err, fs.ErrNotExist) {
		s.log.WithFields(logrus.Fields{"peer": r.RemoteAddr, "name": name}).WithError(err).
			Debugf("http server: answered %d", code)
	}
	errorPage(w, code)
}

// errorText is the learner-facing line of each error page.
var errorText = map[int]string{
	http.StatusBadRequest:            "请求的路径无效。The request path is not valid.",
	http.StatusForbidden:             "不允许访问。Access is not allowed.",
	http.StatusNotFound:              "服务的文件夹里这个路径下什么也没有。There is nothing at this path in the served folder.",
	http.StatusMethodNotAllowed:      "这里只接受 GET 和 HEAD。Only GET and HEAD are answered here.",
	http.StatusRequestTimeout:        "请求没有及时到达。The request did not arrive in time.",
	http.StatusRequestEntityTooLarge: "请求正文太大。The request body is too large.",
	http.StatusGatewayTimeout:        "没有人在规定时间内手动应答。Nobody answered by hand in time.",
}

// errorPage writes a small fixed page; nothing from the request or the
// system goes into it.
func errorPage(w http.ResponseWriter, code int) { errorPageText(w, code, errorText[code]) }

// errorPageText is errorPage with its own line.
func errorPageText(w http.ResponseWriter, code int, text string) {
	body := fmt.Sprintf("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%d %s</title></head>\n"+
		"<body>\n<h1>%d %s</h1>\n<p>%s</p>\n<hr>\n<p>NetAssist</p>\n</body></html>\n",
		code, http.StatusText(code), code, http.StatusText(code), text)
	h := w.Header()
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	io.WriteString(w, body)
}
