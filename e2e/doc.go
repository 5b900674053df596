// Package e2e holds the end-to-end tests of the real netassist binary: it
// runs under its own Xvfb display with openbox, is driven with xdotool as a
// person would drive it, talks to real peers on 127.0.0.1 only, and leaves
// screenshots for a person to look at.
//
// Run them with `make e2e`, which is
//
//	NETASSIST_E2E=1 NETASSIST_BIN=/abs/path/build/netassist go test -count=1 -v -timeout 20m ./e2e/
//
// Without NETASSIST_E2E=1 every test skips. With it, a missing tool (Xvfb,
// openbox, xdotool, xdpyinfo, xprop, ImageMagick's import, Chromium) is a
// failure: scripts/deps.sh test installs them. Screenshots go to
// $NETASSIST_ARTIFACTS, or e2e/out/ when it is unset. NETASSIST_E2E_SEED
// replays the random data of a failed run (the seed is logged).
package e2e
