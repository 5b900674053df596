package launch

import (
	"bytes"
	"errors"
	"io"
	"log"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/sirupsen/logrus"
)

// Fyne's false alarm about a preferences reload that read the file while
// Fyne itself was saving it does not reach stderr; every other Fyne error,
// another preferences load error included, does, whole.
func TestFyneLogDropsOnlyTheReloadFalseAlarm(t *testing.T) {
	var out bytes.Buffer
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	defer log.SetOutput(log.Writer())
	RouteFyneLog(&out, quiet)
	log.SetFlags(0)
	defer log.SetFlags(log.LstdFlags)

	fyne.LogError("Preferences load error:", io.EOF)
	if out.Len() != 0 {
		t.Fatalf("the EOF false alarm reached stderr:\n%s", out.String())
	}
	fyne.LogError("Preferences load error:", errors.New("invalid character 'x'"))
	fyne.LogError("Failed to focus object", nil)
	got := out.String()
	for _, want := range []string{"Preferences load error:\n", "Cause: invalid character 'x'\n", "At: ", "Failed to focus object\n"} {
		if !bytes.Contains([]byte(got), []byte(want)) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	if n := bytes.Count(out.Bytes(), []byte("  At: ")); n != 2 {
		t.Errorf("%d \"At:\" lines; want 2 (one per error shown):\n%s", n, got)
	}
}
