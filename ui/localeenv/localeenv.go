// Package localeenv keeps Fyne from complaining about the C locale.
//
// Fyne's lang package reads the user's locale in its init, before main
// runs, and logs "Error parsing user locale C" for LANG=C.UTF-8 (or
// LC_ALL, LC_MESSAGES, POSIX.UTF-8): that is the plain C locale with a
// codeset, which has no language, so English is meant. Imported for its
// side effect by main, this package's init runs first (it imports only os,
// and Go initialises a ready package before packages later in import-path
// order, such as the text/template that Fyne's lang needs) and then tells
// the locale lookup that the language is English through LANGUAGE, which
// gettext programs ignore under the C locale anyway.
package localeenv

import (
	"os"
	"strings"
)

func init() { Fix() }

// Fix sets LANGUAGE=en when the locale variables name the C locale with
// a codeset and LANGUAGE is empty; it reports whether it did.
func Fix() bool {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(k); loc != "" {
			break
		}
	}
	base, _, _ := strings.Cut(loc, ".")
	base, _, _ = strings.Cut(base, "@")
	if (base != "C" && base != "POSIX") || loc == base || os.Getenv("LANGUAGE") != "" {
		return false
	}
	os.Setenv("LANGUAGE", "en")
	return true
}
