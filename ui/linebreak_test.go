package ui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fyneLines are the lines a Fyne Label wrapping by words draws at width.
func fyneLines(text string, width float32) []string {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	w := test.NewWindow(l)
	defer w.Close()
	l.Resize(fyne.NewSize(width, 400))
	var lines []string
	for _, o := range test.LaidOutObjects(l) {
		if t, ok := o.(*canvas.Text); ok {
			lines = append(lines, t.Text)
		}
	}
	return lines
}

// closing is punctuation that must not start a line in Chinese.
const closing = "，。、：；！？」』）》〉】"

func startsWithClosing(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	return strings.ContainsRune(closing, r)
}

// Chinese wraps without putting closing punctuation at a line's start, at
// every width, and loses no character; Latin text still breaks at spaces.
func TestWrapLinesKeepsPunctuationOffLineStarts(t *testing.T) {
	runes := func(s string) float32 { return float32(utf8.RuneCountInString(s)) }
	zh := "状态行、头部、空行、消息体。Ctrl+Enter 发送。要手动应答的路径（例如 /api/），留空：全部！好吗？"
	for width := float32(3); width <= 40; width++ {
		lines := wrapLines(zh, width, runes)
		for i, l := range lines {
			if startsWithClosing(l) {
				t.Fatalf("width %v: line %d starts with punctuation: %q", width, i, lines)
			}
			if i < len(lines)-1 && strings.HasSuffix(l, "（") {
				t.Fatalf("width %v: line %d ends with an opening bracket: %q", width, i, lines)
			}
		}
		if got := strings.ReplaceAll(strings.Join(lines, ""), " ", ""); got != strings.ReplaceAll(zh, " ", "") {
			t.Fatalf("width %v: text changed: %q", width, lines)
		}
	}
	if got := wrapLines("Listening on 127.0.0.1:8080 reachable at", 14, runes); strings.Join(got, "|") != "Listening on|127.0.0.1:8080|reachable at" {
		t.Fatalf("Latin text wrapped as %q", got)
	}
}

// A wrapLabel in a narrow column wraps Chinese by those rules, and keeps
// the full text for when it is widened again.
func TestWrapLabelInChinese(t *testing.T) {
	test.NewTempApp(t)
	text := "关闭仍在工作的会话？TCP 服务器 127.0.0.1:8080 有 3 个活动连接；HTTP 服务器有 1 个未答复的请求。仍要关闭吗？"
	widths := []float32{120, 150, 180, 230, 300}
	// What a plain Label does, and why wrapLabel exists: if Fyne learns
	// the rules, this fails and wrapLabel can go.
	fyneBad := false
	for _, width := range widths {
		for _, line := range fyneLines(text, width) {
			fyneBad = fyneBad || startsWithClosing(line)
		}
	}
	if !fyneBad {
		t.Errorf("Fyne's own wrapping kept punctuation off line starts at widths %v", widths)
	}
	l := newWrapLabel(text)
	w := test.NewWindow(l)
	defer w.Close()
	for _, width := range widths {
		l.Resize(fyne.NewSize(width, 400))
		lines := strings.Split(l.Label.Text, "\n")
		if len(lines) < 2 {
			t.Fatalf("width %v: not wrapped: %q", width, l.Label.Text)
		}
		for i, line := range lines {
			if startsWithClosing(line) {
				t.Fatalf("width %v: line %d starts with punctuation: %q", width, i, lines)
			}
		}
	}
	l.Resize(fyne.NewSize(2000, 400))
	if l.Label.Text != text {
		t.Fatalf("wide: %q; want the whole text on one line", l.Label.Text)
	}
	if min := l.MinSize(); min.Width > 100 {
		t.Fatalf("MinSize width %v: a wrapping label must not widen its column", min.Width)
	}
}

// Text set before the label was ever laid out counts its lines in
// MinSize: it counted none, and a layout put what came next over it.
func TestWrapLabelTextBeforeLayout(t *testing.T) {
	test.NewTempApp(t)
	l := newWrapLabel("")
	l.SetText("one\ntwo\nthree")
	want := widget.NewLabel("one\ntwo\nthree").MinSize().Height
	if got := l.MinSize().Height; got != want {
		t.Errorf("MinSize height %v; want %v, three lines", got, want)
	}
}
