package server

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"sort"
	"strconv"
)

// submitPath is where the sample site's form posts.
const submitPath = "/submit"

const maxFormBytes = 64 << 10

// serveSubmit answers the sample form with a page that echoes the fields
// it received, so the learner can match the request body to the result.
func (s *Server) serveSubmit(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		errorPage(w, http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxFormBytes)
		if r.MultipartForm != nil {
			defer r.MultipartForm.RemoveAll()
		}
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		code := http.StatusBadRequest
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			code = http.StatusRequestEntityTooLarge
		}
		errorPage(w, code)
		return
	}

	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>表单已收到 Form received</title>" +
		"<link rel=\"stylesheet\" href=\"style.css\"></head>\n<body>\n<h1>表单已收到 <small>Form received</small></h1>\n")
	fmt.Fprintf(&b, "<p>请求正文的类型 Content-Type: <code>%s</code></p>\n<table>\n<tr><th>字段 Field</th><th>值 Value</th></tr>\n",
		html.EscapeString(r.Header.Get("Content-Type")))
	names := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range r.PostForm[k] {
			fmt.Fprintf(&b, "<tr><td><code>%s</code></td><td><code>%s</code></td></tr>\n", html.EscapeString(k), html.EscapeString(v))
		}
	}
	b.WriteString("</table>\n<p>在 NetAssist 里对照这次 POST 请求的正文看看。Compare this with the body of the POST in NetAssist.</p>\n" +
		"<p><a href=\"./\">返回 Back</a></p>\n</body></html>\n")
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}
