package httpview

import (
	"slices"
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		isRequest bool
		method    string
		want      []string
	}{
		{"clean request", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", true, "", nil},
		{"clean response", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", false, "GET", nil},
		{"no blank line", "GET / HTTP/1.1\r\nHost: a\r\n", true, "", []string{"lint.no_blank_line"}},
		{"no host", "GET / HTTP/1.1\r\n\r\n", true, "", []string{"lint.no_host"}},
		{"no host on 1.0 is fine", "GET / HTTP/1.0\r\n\r\n", true, "", nil},
		{"two hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", true, "", []string{"lint.multiple_host"}},
		{"bad request line", "GET /  HTTP/1.1\r\nHost: a\r\n\r\n", true, "", []string{"lint.bad_start_line"}},
		{"lowercase proto", "GET / http/1.1\r\nHost: a\r\n\r\n", true, "", []string{"lint.bad_start_line"}},
		{"bad status line", "HTTP/1.1 OK\r\n\r\n", false, "GET", []string{"lint.bad_start_line"}},
		{"status without reason", "HTTP/1.1 204\r\n\r\n", false, "GET", nil},
		{"cl too long", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", false, "GET", []string{"lint.cl_mismatch"}},
		{"cl too short", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello", false, "GET", []string{"lint.cl_mismatch"}},
		{"cl not a number", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: five\r\n\r\n", true, "", []string{"lint.bad_content_length"}},
		{"cl and te", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, "GET", []string{"lint.cl_te_conflict"}},
		{"bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhello\r\n0\r\n\r\n", false, "GET", []string{"lint.bad_chunk_size"}},
		{"chunk miscounted", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello world\r\n0\r\n\r\n", false, "GET", []string{"lint.chunk_size_mismatch"}},
		{"no last chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false, "GET", []string{"lint.no_last_chunk"}},
		{"te not chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", false, "GET", []string{"lint.te_not_chunked"}},
		{"te on 1.0", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false, "GET", []string{"lint.te_http10"}},
		{"space before colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", true, "", []string{"lint.bad_header_line", "lint.no_host"}},
		{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", true, "", []string{"lint.obs_fold"}},
		{"204 with body", "HTTP/1.1 204 No Content\r\n\r\nhi", false, "GET", []string{"lint.body_not_allowed"}},
		{"head response keeps its length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", false, "HEAD", nil},
		{"bare lf", "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", false, "GET", []string{"lint.bare_lf"}},
		{"garbage", "\x00\x01\x02", true, "", []string{"lint.bad_start_line", "lint.no_blank_line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Lint([]byte(tt.raw), tt.isRequest, tt.method)
			if !slices.Equal(codes(got), tt.want) {
				t.Fatalf("Lint(%q) = %v; want %v", tt.raw, codes(got), tt.want)
			}
			for _, f := range got {
				if neutral := newFinding(f.Code, make([]string, len(f.Args))...); f.Text == "" || strings.Contains(neutral.Text, "%!") {
					t.Fatalf("finding %+v", f)
				}
			}
		})
	}
}

func TestLintTexts(t *testing.T) {
	got := Lint([]byte("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhello"), false, "GET")
	if len(got) != 1 || !slices.Equal(got[0].Args, []string{"9", "5"}) || !strings.HasPrefix(got[0].Text, "Content-Length says 9 bytes but the body has 5 bytes.") {
		t.Fatalf("finding %+v", got)
	}
	got = Lint([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), false, "GET")
	if len(got) != 1 || got[0].Args[0] != `"zz"` || !strings.Contains(got[0].Text, `The chunk size line "zz" is not a hexadecimal number`) {
		t.Fatalf("finding %+v", got)
	}
}
