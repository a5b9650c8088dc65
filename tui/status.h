/* tui/status.h — the status line: key hints, an info or error message with
 * a timeout, and a spinner while requests are in flight.
 *
 * A passive widget: it keeps state and draws it; the app (tui/app.c) runs
 * the timers (message expiry, spinner ticks only while busy), so an idle
 * console never redraws. Messages are copied; they may be server text (drawn
 * sanitised). Layout: [spinner] message-or-hints ............ right text */
#ifndef PD_TUI_STATUS_H
#define PD_TUI_STATUS_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

enum pd_severity { PD_MSG_INFO, PD_MSG_ERROR };

struct pd_statusline {
  char msg[512];
  enum pd_severity sev;
  uint64_t expires;   /* monotonic ms; 0: until replaced or cleared */
  char hints[256];    /* shown when there is no message */
  char right[128];    /* right-aligned text (position "12/400", mode ...) */
  int busy;           /* requests in flight; > 0 shows the spinner */
  unsigned frame;     /* spinner frame */
};

void pd_status_init(struct pd_statusline *s);
/* timeout_ms 0: no timeout. now: pd_loop_now_ms(). */
void pd_status_set_message(struct pd_statusline *s, enum pd_severity sev, const char *text,
                           uint64_t now, long timeout_ms);
void pd_status_clear_message(struct pd_statusline *s);
/* Clears an expired message; true when it did (redraw). */
bool pd_status_expire(struct pd_statusline *s, uint64_t now);
void pd_status_set_hints(struct pd_statusline *s, const char *hints);
void pd_status_set_right(struct pd_statusline *s, const char *text);
/* Sets the in-flight count; returns true when the spinner appears or goes. */
bool pd_status_set_busy(struct pd_statusline *s, int busy);
void pd_status_tick(struct pd_statusline *s);

/* The spinner frame i ("⠋" ... in UTF-8, "|/-\" otherwise). */
const char *pd_spinner_frame(unsigned i);

void pd_status_draw(const struct pd_statusline *s, WINDOW *win, int y, int x, int width);

#endif
