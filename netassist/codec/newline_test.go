package codec

import "testing"

func TestConvertNewlines(t *testing.T) {
	in := "a\r\nb\nc\rd\n\re\r\n\r\n"
	tests := []struct {
		nl   Newline
		want string
	}{
		{NewlineAsTyped, in},
		{"", in},
		{NewlineCRLF, "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n\r\n"},
		{NewlineLF, "a\nb\nc\nd\n\ne\n\n"},
	}
	for _, tt := range tests {
		if got := ConvertNewlines(in, tt.nl); got != tt.want {
			t.Errorf("ConvertNewlines(%q, %q) = %q; want %q", in, tt.nl, got, tt.want)
		}
	}
	if got := ConvertNewlines("no breaks", NewlineCRLF); got != "no breaks" {
		t.Errorf("got %q", got)
	}
}
