/* tui/status.c — see status.h. */
#include "tui/status.h"

#include <stdio.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/theme.h"
#include "tui/utf8.h"
#include "tui/width.h"

void pd_status_init(struct pd_statusline *s)
{
  memset(s, 0, sizeof *s);
}

void pd_status_set_message(struct pd_statusline *s, enum pd_severity sev, const char *text,
                           uint64_t now, long timeout_ms)
{
  snprintf(s->msg, sizeof s->msg, "%s", text ? text : "");
  s->sev = sev;
  s->expires = timeout_ms > 0 ? now + (uint64_t)timeout_ms : 0;
}

void pd_status_clear_message(struct pd_statusline *s)
{
  s->msg[0] = '\0';
  s->expires = 0;
}

bool pd_status_expire(struct pd_statusline *s, uint64_t now)
{
  if (s->msg[0] == '\0' || s->expires == 0 || now < s->expires)
    return false;
  pd_status_clear_message(s);
  return true;
}

void pd_status_set_hints(struct pd_statusline *s, const char *hints)
{
  snprintf(s->hints, sizeof s->hints, "%s", hints ? hints : "");
}

void pd_status_set_right(struct pd_statusline *s, const char *text)
{
  snprintf(s->right, sizeof s->right, "%s", text ? text : "");
}

bool pd_status_set_busy(struct pd_statusline *s, int busy)
{
  bool was = s->busy > 0;

  s->busy = busy > 0 ? busy : 0;
  return was != (s->busy > 0);
}

void pd_status_tick(struct pd_statusline *s)
{
  s->frame++;
}

const char *pd_spinner_frame(unsigned i)
{
  static const char *const braille[] = {"\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9",
                                        "\xe2\xa0\xb8", "\xe2\xa0\xbc", "\xe2\xa0\xb4",
                                        "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87",
                                        "\xe2\xa0\x8f"};
  static const char *const ascii[] = {"|", "/", "-", "\\"};

  if (pd_locale_is_utf8())
    return braille[i % 10];
  return ascii[i % 4];
}

void pd_status_draw(const struct pd_statusline *s, WINDOW *win, int y, int x, int width)
{
  attr_t base = pd_theme_attr(PD_STYLE_STATUS);
  int col = x, end = x + width, rw = 0;

  if (width <= 0)
    return;
  pd_draw_fill(win, y, x, width, base);
  if (s->busy > 0 && width > 4) {
    char sp[32];

    snprintf(sp, sizeof sp, "%s", pd_spinner_frame(s->frame));
    pd_draw_text(win, y, col, 1, sp, pd_theme_attr(PD_STYLE_SPINNER), 0);
    col += 2;
  }
  if (s->right[0] && width > 20) {
    rw = pd_width(s->right);
    if (rw > width / 3)
      rw = width / 3;
    pd_draw_text(win, y, end - rw - 1, rw, s->right, base, PD_DRAW_RIGHT);
    end -= rw + 2;
  }
  if (end <= col)
    return;
  if (s->msg[0]) {
    enum pd_style role = s->sev == PD_MSG_ERROR ? PD_STYLE_ERROR : PD_STYLE_INFO;

    pd_draw_text(win, y, col, end - col, s->msg, pd_theme_attr(role), 0);
  } else {
    pd_draw_text(win, y, col, end - col, s->hints, base, 0);
  }
}
