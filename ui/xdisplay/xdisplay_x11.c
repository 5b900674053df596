//go:build linux && !wayland

#include <X11/Xlib.h>

extern void netassistDisplayLost(void);

int netassistCanOpenDisplay(void) {
	Display *d = XOpenDisplay(NULL);
	if (d == NULL) {
		return 0;
	}
	XCloseDisplay(d);
	return 1;
}

// Xlib calls this when the server connection breaks, then exit(1) if it
// returns; the Go side closes the sessions and exits itself first.
static int onIOError(Display *d) {
	(void)d;
	netassistDisplayLost();
	return 0;
}

void netassistWatchIOErrors(void) {
	XSetIOErrorHandler(onIOError);
}
