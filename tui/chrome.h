/* tui/chrome.h — the frame around the body: header line and breadcrumb.
 * Drawn by tui/app.c; exposed so they can be tested and reused. */
#ifndef PD_TUI_CHROME_H
#define PD_TUI_CHROME_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum pd_conn_state { PD_CONN_UNKNOWN, PD_CONN_CONNECTING, PD_CONN_ONLINE, PD_CONN_OFFLINE };

/* Header fields (all text is drawn sanitised). NULL or "" = not shown. */
struct pd_header {
  const char *profile, *host, *user, *role;
  enum pd_conn_state conn;
  const char *conn_detail;  /* e.g. "retry in 5s" */
  time_t last_refresh;      /* 0: never */
  bool production;          /* red PRODUCTION badge */
  bool read_only;           /* READ-ONLY badge */
  bool tls_unverified;      /* red TLS NOT VERIFIED badge (--insecure) */
};

/* " privdesk | profile | host | user (role) | online | 12:03:04   PRODUCTION "
 * Badges, left to right: READ-ONLY, TLS NOT VERIFIED (red), PRODUCTION (red).
 * The badges stay at the right edge; the fields are cut from the right when
 * the line is too narrow (the badges last of all). */
void pd_header_draw(WINDOW *win, int y, int width, const char *name, const struct pd_header *h);

/* Titles joined by " › " (" > " outside UTF-8); when too wide, the leading
 * titles are replaced by an ellipsis so the current screen stays visible. */
size_t pd_breadcrumb_format(char *buf, size_t size, const char *const *titles, int n, int width);
void pd_breadcrumb_draw(WINDOW *win, int y, int width, const char *const *titles, int n);

#endif
