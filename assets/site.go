package assets

import "embed"

// Site is the sample web site served by an HTTP server session that has no
// folder chosen (under "site/"): a bilingual index.html that pulls in a
// stylesheet, a script, an image and a favicon and has a form that POSTs to
// /submit, so a first-time user sees several requests arrive at once.
// favicon.ico is drawn by scripts/make-favicon.sh.
//
//go:embed site
var Site embed.FS
