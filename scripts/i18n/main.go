// Command i18n rewrites assets/translations/en.json from the English
// fallbacks in ui/ (T/Tf calls) and httpview's finding templates, and lists
// the keys zh-Hans.json lacks. Run from the repository root:
//
//	go run ./scripts/i18n
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"netassist/httpview"
	"netassist/ui/i18nscan"
)

func main() {
	keys, err := i18nscan.Extract("ui")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for code, text := range httpview.FindingTemplates() {
		keys[code] = text
	}
	writeJSON(filepath.Join("assets", "translations", "en.json"), keys)
	zh := map[string]string{}
	if b, err := os.ReadFile(filepath.Join("assets", "translations", "zh-Hans.json")); err == nil {
		json.Unmarshal(b, &zh)
	}
	var missing []string
	for k := range keys {
		if _, ok := zh[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		fmt.Printf("zh-Hans.json lacks %s: %q\n", k, keys[k])
	}
}

func writeJSON(path string, m map[string]string) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
