package ui

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"netassist/assets"
	"netassist/httpview"
	"netassist/ui/i18nscan"
)

// TestTranslationsComplete fails when a string the UI shows is missing
// from a translation file, or the two files disagree on their keys.
func TestTranslationsComplete(t *testing.T) {
	used, err := i18nscan.Extract(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in ui/: the scanner is broken", len(used))
	}
	for code := range httpview.FindingTemplates() {
		used[code] = ""
	}
	files := map[string]map[string]string{}
	for _, name := range []string{"en.json", "zh-Hans.json"} {
		b, err := fs.ReadFile(assets.TranslationsFS, name)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = m
		for k := range used {
			if strings.TrimSpace(m[k]) == "" {
				t.Errorf("%s lacks %q (run: go run ./scripts/i18n)", name, k)
			}
		}
	}
	for k := range files["en.json"] {
		if _, ok := files["zh-Hans.json"][k]; !ok {
			t.Errorf("zh-Hans.json lacks %q, which en.json has", k)
		}
	}
	for k := range files["zh-Hans.json"] {
		if _, ok := files["en.json"][k]; !ok {
			t.Errorf("en.json lacks %q, which zh-Hans.json has", k)
		}
	}
	// The same printf verbs in both languages, or Sprintf garbles the text.
	for k, en := range files["en.json"] {
		if zh := files["zh-Hans.json"][k]; verbs(en) != verbs(zh) {
			t.Errorf("%q: verbs differ: en %q, zh %q", k, verbs(en), verbs(zh))
		}
	}
}

// verbs lists the printf verbs of s in order, e.g. "%d%s".
func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		for j < len(s) && strings.IndexByte("[]0123456789.+-# ", s[j]) >= 0 {
			j++
		}
		if j < len(s) {
			b.WriteString(s[i : j+1])
		}
		i = j
	}
	return b.String()
}
