package ui

import (
	"errors"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"netassist/assets"
	"netassist/httpview/server"
	"netassist/netassist"
	"netassist/netassist/codec"
	"netassist/netassist/rules"
)

// LoadTranslations registers our translation files with Fyne. With
// override "zh" or "en" the system language is ignored: Fyne picks a
// language from the system only, so the chosen file is registered for
// both languages we ship.
func LoadTranslations(override string) error {
	cache.Clear()
	file := map[string]string{"zh": "zh-Hans.json", "en": "en.json"}[override]
	if file == "" {
		return lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir)
	}
	// fyne.*.json words Fyne's own widgets (the file dialogs' Open, Cancel,
	// Name…): Fyne picks them by the system's language, so with an
	// override they are registered the same way as ours.
	for _, f := range []string{file, "fyne." + file} {
		data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + f)
		if err != nil {
			return err
		}
		for _, loc := range []fyne.Locale{"en", "zh-Hans", "zh"} {
			if err := lang.AddTranslationsForLocale(data, loc); err != nil {
				return err
			}
		}
	}
	return nil
}

// T translates key; every key used in ui/ must be in both translation
// files (a test checks), and fallback is the English text. Results are
// cached: the language is fixed for a run, and the pump translates event
// notes at traffic speed.
func T(key, fallback string) string {
	if v, ok := cache.Load(key); ok {
		return v.(string)
	}
	v := lang.X(key, fallback)
	cache.Store(key, v)
	return v
}

var cache sync.Map // key → translated string

// Tf translates key and formats it with args.
func Tf(key, fallback string, args ...any) string { return fmt.Sprintf(T(key, fallback), args...) }

// ErrorText is err in the user's language, for messages main shows
// before the window opens.
func ErrorText(err error) string { return errText(err) }

// NoDisplayText says that there is no screen to show the window on.
func NoDisplayText() string {
	return T("app.nodisplay", "no display: NetAssist needs a graphical desktop (on Linux, DISPLAY must name a running X server).")
}

// DisplayLostText says that the display went away and NetAssist quit.
func DisplayLostText() string {
	return T("app.displaylost", "the display went away: NetAssist closed its sessions and saved files and quit.")
}

// errText turns an engine or codec error into a sentence in the user's
// language.
func errText(err error) string {
	var ie *codec.InputError
	if errors.As(err, &ie) {
		return inputErrText(ie)
	}
	var rle *rules.Error
	if errors.As(err, &rle) {
		return ruleErrText(rle)
	}
	var re *server.ReplyError
	if errors.As(err, &re) {
		return replyErrText(re)
	}
	var se *netassist.SaveError
	if errors.As(err, &se) {
		if se.Code == netassist.CodeSaveNotFolder {
			return Tf("err.save_not_folder", "Cannot save into %s: it is a file, not a folder. Choose a folder.", se.Dir)
		}
		return Tf("err.save_denied", "Cannot save into %s: this place cannot be written to (no permission, read-only, or a system folder). Choose another folder.", se.Dir)
	}
	var ue *netassist.UpstreamError
	if errors.As(err, &ue) {
		return upstreamErrText(ue)
	}
	var fe *server.FolderError
	if errors.As(err, &fe) {
		return folderErrText(fe)
	}
	var oe *netassist.OpError
	if !errors.As(err, &oe) {
		return err.Error()
	}
	switch oe.Code {
	case netassist.CodeAddrInUse:
		return Tf("err.addr_in_use", "%s is already in use by another program. Close that program or choose another port.", oe.Addr)
	case netassist.CodePermission:
		return Tf("err.permission", "Permission denied for %s. Ports below 1024 need administrator rights; try a port above 1024.", oe.Addr)
	case netassist.CodeRefused:
		return Tf("err.refused", "Connection refused by %s: nothing is listening on that port.", oe.Addr)
	case netassist.CodeTimeout:
		return Tf("err.timeout", "%s did not answer in time.", oe.Addr)
	case netassist.CodeUnreachable:
		return Tf("err.unreachable", "%s cannot be reached from this machine (no route).", oe.Addr)
	case netassist.CodeNoSuchHost:
		return Tf("err.no_such_host", "The host name in %s cannot be resolved.", oe.Addr)
	case netassist.CodeAddrNotAvail:
		return Tf("err.addr_not_avail", "%s is not an address of this machine.", oe.Addr)
	case netassist.CodeBadAddress:
		return Tf("err.bad_address", "%q is not a valid address: use HOST:PORT, e.g. 127.0.0.1:7890 or [::1]:7890.", oe.Addr)
	case netassist.CodeTooLarge:
		return T("err.too_large", "A UDP datagram can carry at most 65,507 bytes. Nothing was sent.")
	case netassist.CodeQueueFull:
		return Tf("err.queue_full", "%s is not reading; its send queue is full. Nothing more was queued.", oe.Addr)
	case netassist.CodeNotConnected:
		return T("err.not_connected", "Not connected: there is nobody to send to.")
	case netassist.CodeClosed:
		return T("err.closed", "The connection is closed (or our sending side is shut down).")
	case netassist.CodeReset:
		return Tf("err.reset", "Connection reset by %s.", oe.Addr)
	case netassist.CodeBroadcastDeny:
		return Tf("err.broadcast_denied", "The system refused to broadcast to %s.", oe.Addr)
	case netassist.CodeNotMulticast:
		return Tf("udp.badgroup", "%s is not a multicast group address (224.0.0.0 to 239.255.255.255, or ff00::/8).", oe.Addr)
	case netassist.CodeGroupFamily:
		return Tf("err.group_family", "%s is of the other IP version than this session's address: open the session on :: to join IPv6 groups (and IPv4 ones too), or on 0.0.0.0 for IPv4 groups.", oe.Addr)
	case netassist.CodeNoInterface:
		return Tf("err.no_interface", "This machine has no interface %s to join the group on. Choose another interface.", oe.Addr)
	case netassist.CodeJoinFailed:
		return Tf("err.join_failed", "The system refused to join %s. Is the interface up and able to carry multicast?", oe.Addr)
	}
	return Tf("err.network", "Network error: %s", oe.Error())
}

func replyErrText(e *server.ReplyError) string {
	switch e.Code {
	case server.ReplyEmpty:
		return T("reply.empty", "Nothing to send: the answer is empty.")
	case server.ReplyNoStatus:
		return T("reply.no_status", "Line 1: the answer needs a status line first, e.g. HTTP/1.1 200 OK.")
	case server.ReplyBadProto:
		return Tf("reply.bad_proto", "Line 1: %q does not start with HTTP/. To send it anyway, tick \"Send exactly these bytes\".", e.Text)
	case server.ReplyBadStatus:
		return Tf("reply.bad_status", "Line 1: %q is not a final status code; use three digits from 200 to 999 (send 1xx with \"Send exactly these bytes\").", e.Text)
	case server.ReplyBadHeader:
		return Tf("reply.bad_header", "Line %d: %q has no colon; a header is written Name: value.", e.Line, e.Text)
	case server.ReplyBadHeaderName:
		return Tf("reply.bad_header_name", "Line %d: %q cannot be a header name (no spaces or special characters).", e.Line, e.Text)
	case server.ReplyBadTE:
		return Tf("reply.bad_te", "Line %d: Transfer-Encoding %q can only be sent with \"Send exactly these bytes\"; this way only chunked works.", e.Line, e.Text)
	case server.ReplyBadRequest:
		return Tf("reply.bad_request", "Line 1: %q is not a request line; write METHOD /path HTTP/1.1.", e.Text)
	case server.ReplyBadChunked:
		return Tf("reply.bad_chunked", "Line %d: the chunked body is not framed right (size in hex, CRLF, data, CRLF, …, 0 CRLF CRLF).", e.Line)
	}
	return Tf("reply.other", "Line %d: this answer cannot be sent as typed.", e.Line)
}

func folderErrText(e *server.FolderError) string {
	switch e.Reason() {
	case server.FolderMissing:
		return Tf("err.folder_missing", "The folder %s does not exist. Choose another folder to serve.", e.Path)
	case server.FolderNotDir:
		return Tf("err.folder_not_dir", "%s is a file, not a folder. Choose the folder that holds it.", e.Path)
	case server.FolderNoAccess:
		return Tf("err.folder_no_access", "NetAssist may not read the folder %s. Choose another folder or change its permissions.", e.Path)
	}
	return Tf("err.folder_other", "The folder %s cannot be served.", e.Path)
}

func inputErrText(e *codec.InputError) string {
	switch e.Code {
	case codec.CodeHexBadChar:
		return Tf("input.hex.badchar", "Position %d: %q is not a hex digit. Nothing was sent.", e.Pos, e.Char)
	case codec.CodeHexOdd:
		return Tf("input.hex.odd", "Position %d: %q has an odd number of hex digits; each byte needs two. Nothing was sent.", e.Pos, e.Char)
	case codec.CodeHexPrefix:
		return Tf("input.hex.prefix", "Position %d: \"0x\" must be followed by hex digits. Nothing was sent.", e.Pos)
	case codec.CodeEscUnknown:
		return Tf("input.esc.unknown", "Position %d: %q is not an escape we know (use \\r \\n \\t \\0 \\\\ \\xHH). Nothing was sent.", e.Pos, e.Char)
	case codec.CodeEscBadHex:
		return Tf("input.esc.badhex", "Position %d: %q needs two hex digits after \\x. Nothing was sent.", e.Pos, e.Char)
	case codec.CodeEscTrailing:
		return Tf("input.esc.trailing", "Position %d: a lone backslash at the end; write \\\\ for a backslash. Nothing was sent.", e.Pos)
	case codec.CodeCharsetUnencodable:
		return Tf("input.charset.unencodable", "Position %d: %q cannot be written in %s. Nothing was sent.", e.Pos, e.Char, string(e.Charset))
	}
	return e.Error()
}

// HelpHint points to --help, under a start-up error.
func HelpHint() string {
	return T("app.helphint", "Run 'netassist --help' for the options.")
}
