package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netassist/netassist"
	"netassist/netassist/export"
)

// Everything `netassist export` says is in the language of --lang: its
// usage errors, why a folder or an output fails, the warning that a HAR
// has no entries, and -h. They were English whatever the language.
func TestExportCLISpeaksTheLanguage(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	const peer = "127.0.0.1:40000"
	dir := savedFolder(t, "tcp-server-1", []netassist.Event{
		{Kind: netassist.EvConnect, Conn: 1, Peer: peer},
		{Kind: netassist.EvRx, Conn: 1, Peer: peer, Data: []byte("hello")},
	})
	tmp := t.TempDir()
	file := filepath.Join(tmp, "plain.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	out := filepath.Join(tmp, "x.pcapng")
	har := filepath.Join(tmp, "x.har")
	nowhere := filepath.Join(tmp, "no", "x.pcapng")
	parent := filepath.Dir(dir)
	for _, c := range []struct {
		name string
		args []string
		code int
		zh   string // stderr under --lang zh
		en   string
	}{
		{"no folder", []string{"--pcapng", out}, 2,
			"netassist export: 请给出要导出的保存文件夹（含 events.jsonl 的那个）。\n用法：netassist export [--pcapng 文件] [--har 文件] [--mtu N] [--quiet] [--lang zh|en] 保存的文件夹\n",
			"netassist export: give the saved folder to export (the one holding events.jsonl).\nusage: netassist export [--pcapng FILE] [--har FILE] [--mtu N] [--quiet] [--lang zh|en] SAVED-DIR\n"},
		{"two folders", []string{"--pcapng", out, dir, dir}, 2,
			"netassist export: 只能给出一个保存的文件夹，而不是 2 个。\n",
			"netassist export: give one saved folder, not 2.\n"},
		{"no output", []string{dir}, 2,
			"netassist export: 请说明要写什么：--pcapng 文件、--har 文件，或两者都要。\n",
			"netassist export: say what to write: --pcapng FILE, --har FILE or both.\n"},
		{"unknown flag", []string{"--bogus", dir}, 2,
			"netassist export: --bogus 不是 netassist export 的选项。\n",
			"netassist export: --bogus is not an option of netassist export.\n"},
		{"flag without value", []string{dir, "-pcapng"}, 2,
			"netassist export: -pcapng 需要一个值。\n",
			"netassist export: -pcapng needs a value.\n"},
		{"bad bool", []string{"--quiet=sometimes", "--pcapng", out, dir}, 2,
			"netassist export: \"sometimes\" 不是 --quiet 的有效值。\n",
			"netassist export: \"sometimes\" is not a value for --quiet.\n"},
		{"bad mtu", []string{"--mtu", "20", "--pcapng", out, dir}, 2,
			"netassist export: --mtu 必须是 128 到 65535 之间的数字，而不是 \"20\"。\n",
			"netassist export: --mtu must be a number from 128 to 65535, not \"20\".\n"},
		{"missing folder", []string{"--pcapng", out, filepath.Join(tmp, "gone")}, 1,
			"netassist export: " + filepath.Join(tmp, "gone") + " 不存在。\n",
			"netassist export: " + filepath.Join(tmp, "gone") + " does not exist.\n"},
		{"a file", []string{"--pcapng", out, file}, 1,
			"netassist export: " + file + " 是一个文件，不是文件夹：请给出会话的文件夹（含 events.jsonl 的那个）。\n",
			"netassist export: " + file + " is a file, not a folder: give the session's folder (the one holding events.jsonl).\n"},
		{"the folder above", []string{"--pcapng", out, parent}, 1,
			"netassist export: " + parent + " 不是 NetAssist 保存的文件夹：其中没有 events.jsonl。请给出会话自己的文件夹（含 events.jsonl 的那个），而不是它的上一级。\n",
			"netassist export: " + parent + " is not a folder saved by NetAssist: it has no events.jsonl. Give the session's own folder (the one holding events.jsonl), not the one above it.\n"},
		{"output folder missing", []string{"--pcapng", nowhere, dir}, 1,
			"netassist export: 无法写入 " + nowhere + "：它所在的文件夹不存在。\n",
			"netassist export: Cannot write " + nowhere + ": the folder it goes in does not exist.\n"},
		{"output is a folder", []string{"--pcapng", tmp, dir}, 1,
			"netassist export: 无法写入 " + tmp + "：这是一个文件夹。请给出文件名。\n",
			"netassist export: Cannot write " + tmp + ": it is a folder. Give a file name.\n"},
		{"no HTTP", []string{"--quiet", "--har", har, dir}, 0,
			"netassist export: 警告：该文件夹中没有 HTTP 交互，HAR 文件中没有条目。\n",
			"netassist export: warning: no HTTP exchange in this folder; the HAR file has no entries.\n"},
	} {
		for _, lang := range []string{"zh", "en"} {
			want := map[string]string{"zh": c.zh, "en": c.en}[lang]
			var stderr bytes.Buffer
			code := export.MainWords(append([]string{"--lang", lang}, c.args...), &stderr, "test", CLIWords)
			if code != c.code {
				t.Errorf("%s, %s: exit status %d, want %d", c.name, lang, code, c.code)
			}
			got := stderr.String()
			if c.code == 2 && c.name != "no folder" {
				got, _, _ = strings.Cut(got, "\n") // the usage line is checked once
				got += "\n"
			}
			if got != want {
				t.Errorf("%s, --lang %s said\n%q\nwant\n%q", c.name, lang, got, want)
			}
		}
	}
}

// --lang itself wrong is said in the system's language (here English),
// and -h lists the flags in the language asked for.
func TestExportCLIHelpAndBadLang(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	var stderr bytes.Buffer
	if code := export.MainWords([]string{"--lang", "fr", "x"}, &stderr, "test", CLIWords); code != 2 {
		t.Errorf("--lang fr: exit status %d, want 2", code)
	}
	if got, _, _ := strings.Cut(stderr.String(), "\n"); got != `netassist export: --lang must be zh or en, not "fr".` {
		t.Errorf("--lang fr said %q", got)
	}
	stderr.Reset()
	if code := export.MainWords([]string{"-h", "--lang=zh"}, &stderr, "test", CLIWords); code != 0 {
		t.Errorf("-h: exit status %d", code)
	}
	if got := stderr.String(); !strings.HasPrefix(got, "用法：") || !strings.Contains(got, "  --mtu N        TCP 数据段按此 IP 包大小切分（默认 1500）\n") {
		t.Errorf("-h --lang=zh said\n%s", got)
	}
}

// The progress line is worded in the language, with the sizes as the
// window writes them.
func TestExportCLIProgressWords(t *testing.T) {
	t.Cleanup(func() { LoadTranslations("en") })
	for lang, want := range map[string]string{
		"zh": "已读取 295.5 MB / 1.1 GB（27%）",
		"en": "295.5 MB of 1.1 GB read (27%)",
	} {
		if got := CLIWords(lang).Progress(295_500_000, 1_100_000_000); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}
