//go:build linux

package e2e

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHTTPRuleMadeInTheWindow: a person opens the HTTP server's Rules…,
// adds a rule with a path and a status and presses OK; curl gets the
// rule's answer from the open server at once, and again after the app is
// started anew (the rule was remembered). The clicks are at the places
// of the window at 1024×680, as seen on the screenshots.
func TestHTTPRuleMadeInTheWindow(t *testing.T) {
	bin := requireE2E(t)
	requireTools(t, "curl")
	d := newDisplay(t)
	port := freeTCPPort(t)
	spec := fmt.Sprintf("http-server://127.0.0.1:%d", port)
	home := t.TempDir()
	a := d.startAppIn(home, bin, "--open", spec)
	w := a.waitWindow()
	d.xdotool("windowsize", "--sync", w, "1024", "680")
	time.Sleep(time.Second)
	at := func(x, y int) []string { return []string{"mousemove", "--window", w, strconv.Itoa(x), strconv.Itoa(y)} }
	click := func(x, y int) {
		d.xdotool(at(x, y)...)
		d.xdotool("click", "1")
		time.Sleep(400 * time.Millisecond)
	}
	// The settings column scrolls at this size: its bar to the bottom,
	// where the Rules area is.
	d.xdotool(at(205, 379)...)
	d.xdotool("mousedown", "1")
	for _, y := range []int{450, 550, 669} {
		d.xdotool(at(205, y)...)
		time.Sleep(100 * time.Millisecond)
	}
	d.xdotool("mouseup", "1")
	time.Sleep(500 * time.Millisecond)
	d.screenshot("e2e-httprules-area.png")
	click(174, 552) // Rules…
	click(78, 506)  // Add
	click(630, 165) // Name
	d.key("ctrl+a")
	d.typeText("e2e")
	click(658, 366) // Path
	d.typeText(`^/e2e/(\d+)$`)
	d.key("Tab") // header name
	d.key("Tab") // header value
	d.key("Tab") // status
	d.key("ctrl+a")
	d.typeText("201")
	time.Sleep(time.Second)
	d.screenshot("e2e-httprules-dialog.png")
	click(575, 627) // OK

	curl := func(what string) {
		t.Helper()
		var out []byte
		var err error
		for range 20 {
			out, err = exec.Command("curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
				fmt.Sprintf("http://127.0.0.1:%d/e2e/5", port)).CombinedOutput()
			if err == nil && string(out) == "201" {
				return
			}
			time.Sleep(500 * time.Millisecond)
		}
		d.screenshot("e2e-httprules-fail.png")
		t.Fatalf("%s: curl got %q, %v; want the rule's 201", what, strings.TrimSpace(string(out)), err)
	}
	curl("the rule made in the window")
	d.screenshot("e2e-httprules-answered.png")
	a.kill()

	b := d.startAppIn(home, bin, "--open", spec)
	b.waitWindow()
	curl("after a restart")
	b.kill()
}
