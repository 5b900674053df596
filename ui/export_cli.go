package ui

import (
	"errors"
	"io/fs"
	"syscall"

	"netassist/netassist/export"
)

// CLIWords words everything `netassist export` says in lang ("zh", "en",
// or "" for the system's), with the window's translations: the command
// runs without a window, but speaks as the window would.
func CLIWords(lang string) export.Texts {
	LoadTranslations(lang) // a failure leaves the English
	return export.Texts{
		Warning:   func(w export.Warning) string { return T("export.cli_warning", "warning: ") + warningText(w) },
		Failure:   exportErrText,
		Usage:     cliUsageText,
		UsageLine: T("export.cli_usage", "usage: netassist export [--pcapng FILE] [--har FILE] [--mtu N] [--quiet] [--lang zh|en] SAVED-DIR"),
		// One literal: the translation tools read only literal arguments.
		Flags: T("export.cli_flags", "  --pcapng FILE  write the traffic as a pcapng capture (Wireshark, tshark) to FILE\n  --har FILE     write the HTTP exchanges as HAR 1.2 (a browser's network panel) to FILE\n  --mtu N        IP packet size that TCP segments are split to fit (default 1500)\n  --quiet        no progress lines\n  --lang zh|en   language of the messages (default: the system's)"),
		Progress: func(done, total int64) string {
			return Tf("export.cli_progress", "%s of %s read (%d%%)", humanBytes(float64(done)), humanBytes(float64(total)), int(percentOf(done, total)+0.5))
		},
		NoHTTP: T("export.cli_no_http", "warning: no HTTP exchange in this folder; the HAR file has no entries."),
	}
}

func percentOf(done, total int64) float64 {
	if total <= 0 {
		return 100
	}
	return 100 * float64(done) / float64(total)
}

// cliUsageText says what is wrong with `netassist export`'s arguments.
func cliUsageText(e *export.UsageError) string {
	switch e.Problem {
	case export.UsageFolders:
		if e.N == 0 {
			return T("export.cli_no_folder", "give the saved folder to export (the one holding events.jsonl).")
		}
		return Tf("export.cli_folders", "give one saved folder, not %d.", e.N)
	case export.UsageNoOutput:
		return T("export.cli_no_output", "say what to write: --pcapng FILE, --har FILE or both.")
	case export.UsageUnknownFlag:
		return Tf("export.cli_unknown_flag", "%s is not an option of netassist export.", e.Flag)
	case export.UsageNoValue:
		return Tf("export.cli_no_value", "%s needs a value.", e.Flag)
	case export.UsageBadValue:
		return Tf("export.cli_bad_value", "%q is not a value for %s.", e.Value, e.Flag)
	case export.UsageBadMTU:
		return Tf("export.cli_bad_mtu", "--mtu must be a number from %d to %d, not %q.", export.MinMTU, export.MaxMTU, e.Value)
	}
	return Tf("export.cli_bad_lang", "--lang must be zh or en, not %q.", e.Value)
}

// exportErrText says why an export failed in the user's words.
func exportErrText(err error) string {
	var e *export.Error
	if !errors.As(err, &e) {
		return T("export.failed", "The export failed. See the log for details.")
	}
	switch e.Stage {
	case export.StageFolder:
		return savedFolderText(e.Path, e.Err)
	case export.StageWrite:
		return writeErrText(e.Path, e.Err)
	}
	return Tf("export.read_failed", "Reading %s stopped part way: a file in it cannot be read. No file was written.", e.Path)
}

// savedFolderText says why dir cannot be read as a saved folder.
func savedFolderText(dir string, err error) string {
	var fe *export.FolderError
	if !errors.As(err, &fe) {
		if export.IsFormat(err) {
			return Tf("export.not_saved", "%s is not a folder saved by NetAssist (it has no readable events.jsonl), or a newer version saved it.", dir)
		}
		return Tf("export.folder_unreadable", "%s cannot be read: it does not exist, or there is no permission.", dir)
	}
	switch fe.Problem {
	case export.FolderMissing:
		return Tf("export.folder_missing", "%s does not exist.", dir)
	case export.FolderUnreadable:
		if errors.Is(fe.Err, fs.ErrPermission) {
			return Tf("export.folder_denied", "%s cannot be read: there is no permission.", dir)
		}
		return Tf("export.folder_io", "%s cannot be read: the disk or its file system failed.", dir)
	case export.FolderNotDir:
		return Tf("export.folder_file", "%s is a file, not a folder: give the session's folder (the one holding events.jsonl).", dir)
	case export.FolderNoEvents:
		return Tf("export.folder_no_events", "%s is not a folder saved by NetAssist: it has no events.jsonl. Give the session's own folder (the one holding events.jsonl), not the one above it.", dir)
	case export.FolderEmpty:
		return Tf("export.folder_empty", "%s holds an empty events.jsonl: nothing was saved in it.", dir)
	case export.FolderNotJSON:
		return Tf("export.folder_not_json", "%s is not a folder saved by NetAssist: its events.jsonl does not begin with an event.", dir)
	}
	return Tf("export.folder_newer", "%s was saved by a newer NetAssist (format %d); this version reads formats up to %d. Open it with a newer NetAssist.", dir, fe.Format, export.ReadsFormat)
}

// writeErrText says why path cannot be written.
func writeErrText(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Tf("export.write_no_folder", "Cannot write %s: the folder it goes in does not exist.", path)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return Tf("export.write_denied", "Cannot write %s: there is no permission to write in its folder, or the disk is read-only. Choose another place.", path)
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return Tf("export.write_full", "Cannot write %s: the disk is full.", path)
	case errors.Is(err, syscall.EISDIR):
		return Tf("export.write_is_dir", "Cannot write %s: it is a folder. Give a file name.", path)
	}
	return Tf("export.write_failed", "Cannot write %s: the folder does not exist, cannot be written to, or the disk is full. Choose another place.", path)
}
