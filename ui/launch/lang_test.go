package launch

import (
	"strings"
	"testing"
)

func TestLangArg(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "zh", "--bogus"}, "zh"},
		{[]string{"--bogus", "-lang=en"}, "en"},
		{[]string{"--lang"}, ""},
		{[]string{"--lang", "fr"}, ""},
		{[]string{"--", "--lang", "zh"}, ""},
		{[]string{"--language", "zh"}, ""},
	} {
		if got := langArg(c.args); got != c.want {
			t.Errorf("langArg(%q) = %q, want %q", c.args, got, c.want)
		}
	}
}

// A bad flag's hint was English under --lang zh.
func TestHelpHintInChinese(t *testing.T) {
	t.Cleanup(func() { HelpHint([]string{"--lang", "en"}) })
	got := HelpHint([]string{"--bogus", "--lang", "zh"})
	if !strings.Contains(got, "netassist --help") || !strings.Contains(got, "选项") {
		t.Errorf("hint under --lang zh = %q, want Chinese naming netassist --help", got)
	}
	if got := HelpHint([]string{"--lang", "en"}); got != "Run 'netassist --help' for the options." {
		t.Errorf("hint under --lang en = %q", got)
	}
}
