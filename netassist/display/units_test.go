package display

import (
	"strings"
	"testing"
)

// Log headers say the length in the user's words: "12 字节" in Chinese,
// "1 byte" and "12 bytes" in English (the default).
func TestHeaderUnits(t *testing.T) {
	en := view(t, Options{LogMode: true}, each(rx("x"), rx("hello world!"))...)
	if !strings.HasSuffix(en[0], " · 1 byte") || !strings.HasSuffix(en[2], " · 12 bytes") {
		t.Fatalf("English headers %q, %q", en[0], en[2])
	}
	zh := view(t, Options{LogMode: true, ByteUnit: "字节", BytesUnit: "字节"}, each(rx("hello world!"))...)
	if !strings.HasSuffix(zh[0], " · 12 字节") {
		t.Fatalf("Chinese header %q", zh[0])
	}
}
