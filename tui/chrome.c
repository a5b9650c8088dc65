/* tui/chrome.c — see chrome.h. */
#include "tui/chrome.h"

#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/sanitize.h"
#include "tui/theme.h"
#include "tui/utf8.h"
#include "tui/width.h"

static const char *conn_name(enum pd_conn_state c)
{
  switch (c) {
  case PD_CONN_CONNECTING: return "connecting";
  case PD_CONN_ONLINE: return "online";
  case PD_CONN_OFFLINE: return "offline";
  default: return NULL;
  }
}

static enum pd_style conn_role(enum pd_conn_state c)
{
  switch (c) {
  case PD_CONN_ONLINE: return PD_STYLE_HEADER;
  case PD_CONN_CONNECTING: return PD_STYLE_HEADER;
  case PD_CONN_OFFLINE: return PD_STYLE_ERROR;
  default: return PD_STYLE_HEADER;
  }
}

struct seg {
  char text[256];
  enum pd_style role;
};

void pd_header_draw(WINDOW *win, int y, int width, const char *name, const struct pd_header *h)
{
  struct seg segs[8];
  const char *sep = pd_locale_is_utf8() ? " \xe2\x94\x82 " : " | ";
  attr_t base = pd_theme_attr(PD_STYLE_HEADER);
  int n = 0, col = 0, badgew = 0, i;
  struct {
    const char *text;
    attr_t attr;
  } badges[3];
  int nbadges = 0;

  pd_draw_fill(win, y, 0, width, base);
  snprintf(segs[n].text, sizeof segs[n].text, "%s", name && *name ? name : "privdesk");
  segs[n++].role = PD_STYLE_HEADER;
  if (h) {
    if (h->profile && *h->profile) {
      snprintf(segs[n].text, sizeof segs[n].text, "%s", h->profile);
      segs[n++].role = PD_STYLE_HEADER;
    }
    if (h->host && *h->host) {
      snprintf(segs[n].text, sizeof segs[n].text, "%s", h->host);
      segs[n++].role = PD_STYLE_HEADER;
    }
    if (h->user && *h->user) {
      if (h->role && *h->role)
        snprintf(segs[n].text, sizeof segs[n].text, "%s (%s)", h->user, h->role);
      else
        snprintf(segs[n].text, sizeof segs[n].text, "%s", h->user);
      segs[n++].role = PD_STYLE_HEADER;
    }
    if (conn_name(h->conn)) {
      if (h->conn_detail && *h->conn_detail)
        snprintf(segs[n].text, sizeof segs[n].text, "%s, %s", conn_name(h->conn), h->conn_detail);
      else
        snprintf(segs[n].text, sizeof segs[n].text, "%s", conn_name(h->conn));
      segs[n++].role = conn_role(h->conn);
    }
    if (h->last_refresh) {
      struct tm tm;
      char when[32];

      localtime_r(&h->last_refresh, &tm);
      strftime(when, sizeof when, "%H:%M:%S", &tm);
      snprintf(segs[n].text, sizeof segs[n].text, "refreshed %s", when);
      segs[n++].role = PD_STYLE_HEADER;
    }
    if (h->read_only) {
      badges[nbadges].text = " READ-ONLY ";
      badges[nbadges++].attr = pd_theme_attr(PD_STYLE_KEY) | A_REVERSE;
    }
    if (h->tls_unverified) {
      badges[nbadges].text = " TLS NOT VERIFIED ";
      badges[nbadges++].attr = pd_theme_attr(PD_STYLE_BADGE_PRODUCTION);
    }
    if (h->production) {
      badges[nbadges].text = " PRODUCTION ";
      badges[nbadges++].attr = pd_theme_attr(PD_STYLE_BADGE_PRODUCTION);
    }
  }
  for (i = 0; i < nbadges; i++)
    badgew += pd_width(badges[i].text);
  if (badgew > width)
    badgew = width;
  /* when the line is full, the refresh time loses its label first */
  if (h && h->last_refresh) {
    int total = 1;

    for (i = 0; i < n; i++)
      total += pd_width(segs[i].text) + (i ? pd_width(sep) : 0);
    if (total > width - badgew - 1 && strncmp(segs[n - 1].text, "refreshed ", 10) == 0)
      memmove(segs[n - 1].text, segs[n - 1].text + 10, strlen(segs[n - 1].text + 10) + 1);
  }
  for (i = 0; i < n; i++) {
    int room = width - badgew - col - 1;

    if (room <= 1)
      break;
    if (i > 0) {
      col += pd_draw_text(win, y, col, room, sep, base, 0);
      room = width - badgew - col - 1;
      if (room <= 1)
        break;
    } else {
      col += pd_draw_text(win, y, col, 1, " ", base, 0);
      room--;
    }
    col += pd_draw_text(win, y, col, room, segs[i].text,
                        pd_theme_attr(segs[i].role) | (i == 0 ? A_BOLD : 0), 0);
  }
  if (badgew > 0) {
    int x = width - badgew;

    for (i = 0; i < nbadges && x < width; i++)
      x += pd_draw_text(win, y, x, width - x, badges[i].text, badges[i].attr, 0);
  }
}

size_t pd_breadcrumb_format(char *buf, size_t size, const char *const *titles, int n, int width)
{
  const char *sep = pd_locale_is_utf8() ? " \xe2\x80\xba " : " > ";
  int first = 0;

  if (size == 0)
    return 0;
  for (;;) {
    size_t len = 0;
    int i;

    buf[0] = '\0';
    if (first > 0)
      len += (size_t)snprintf(buf + len, size - len, "%s%s", pd_ellipsis(), sep);
    for (i = first; i < n && len < size; i++) {
      char clean[128];

      pd_sanitize(clean, sizeof clean, titles[i], PD_SAN_CSTR, 0, NULL);
      len += (size_t)snprintf(buf + len, size - len, "%s%s", i > first ? sep : "", clean);
    }
    if (len >= size)
      len = size - 1;
    if (pd_width(buf) <= width || first >= n - 1)
      return len;
    first++;
  }
}

void pd_breadcrumb_draw(WINDOW *win, int y, int width, const char *const *titles, int n)
{
  char buf[1024];

  pd_breadcrumb_format(buf, sizeof buf, titles, n, width - 2);
  pd_draw_fill(win, y, 0, width, pd_theme_attr(PD_STYLE_CRUMB));
  pd_draw_text(win, y, 1, width - 1, buf, pd_theme_attr(PD_STYLE_CRUMB), 0);
}
