package httpview

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
)

// Param is one name=value pair of a query string or urlencoded form, percent-decoded.
type Param struct {
	Name, Value string
}

// Cookie is one row of the cookie table: a pair from a Cookie request header, or one Set-Cookie
// response header with its attributes (Path, Domain, …) as written.
type Cookie struct {
	Name, Value string
	Attrs       string // Set-Cookie only
}

// FormField is one field of a form body. For multipart parts that carry a file, FileName and
// Size describe it and Value is empty.
type FormField struct {
	Name        string
	Value       string
	FileName    string
	ContentType string
	Size        int
}

// Query returns the query parameters of the request target in the order they were sent (url.Values
// would lose the order, which a learner compares with the raw line).
func (m *Message) Query() []Param {
	_, q, ok := strings.Cut(m.Target, "?")
	if !ok {
		return nil
	}
	q, _, _ = strings.Cut(q, "#")
	return parsePairs(q)
}

// parsePairs splits an application/x-www-form-urlencoded string. A pair that does not
// percent-decode is shown as sent rather than dropped.
func parsePairs(s string) []Param {
	var ps []Param
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		ps = append(ps, Param{Name: unescape(name), Value: unescape(value)})
	}
	return ps
}

func unescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// Cookies returns the cookie table: for a request every pair of every Cookie header; for a
// response each Set-Cookie header as one row. It splits by hand rather than with http.ParseCookie
// because the table must show what was sent even when a name or value is invalid.
func (m *Message) Cookies() []Cookie {
	var cs []Cookie
	if m.IsRequest {
		for _, v := range m.Values("Cookie") {
			for _, pair := range strings.Split(v, ";") {
				if pair = strings.TrimSpace(pair); pair == "" {
					continue
				}
				name, value, _ := strings.Cut(pair, "=")
				cs = append(cs, Cookie{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
			}
		}
		return cs
	}
	for _, v := range m.Values("Set-Cookie") {
		pair, attrs, _ := strings.Cut(v, ";")
		name, value, _ := strings.Cut(pair, "=")
		cs = append(cs, Cookie{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value), Attrs: strings.TrimSpace(attrs)})
	}
	return cs
}

// Form returns the form fields of an application/x-www-form-urlencoded or multipart/form-data
// body, nil for other bodies. A malformed multipart body yields the parts read before the error.
func (m *Message) Form() []FormField {
	ct, _ := m.Header("Content-Type")
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil
	}
	switch mediaType {
	case "application/x-www-form-urlencoded":
		var fs []FormField
		for _, p := range parsePairs(string(m.Body)) {
			fs = append(fs, FormField{Name: p.Name, Value: p.Value})
		}
		return fs
	case "multipart/form-data":
		if params["boundary"] == "" {
			return nil
		}
		return multipartFields(m.Body, params["boundary"])
	}
	return nil
}

// maxFieldValue bounds a text part shown in the form table.
const maxFieldValue = 1024

func multipartFields(body []byte, boundary string) []FormField {
	var fs []FormField
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		// NextRawPart: the table shows the part as sent, without quoted-printable decoding.
		p, err := r.NextRawPart()
		if err != nil {
			return fs
		}
		data, err := io.ReadAll(p)
		f := FormField{
			Name:        p.FormName(),
			FileName:    p.FileName(),
			ContentType: p.Header.Get("Content-Type"),
			Size:        len(data),
		}
		if f.FileName == "" {
			if len(data) > maxFieldValue {
				data = data[:maxFieldValue]
			}
			f.Value = string(data)
		}
		fs = append(fs, f)
		if err != nil {
			return fs
		}
	}
}
