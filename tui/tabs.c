/* tui/tabs.c — see tabs.h. */
#include "tui/tabs.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tui/utf8.h"
#include "tui/width.h"

int pd_tabs_step(int active, int n, int dir)
{
  if (n <= 0)
    return 0;
  return ((active + (dir < 0 ? -1 : 1)) % n + n) % n;
}

int pd_tabs_draw(WINDOW *win, int y, int x, int width, const char *const *labels, int n, int active)
{
  int col = x, i;

  pd_draw_fill(win, y, x, width, pd_theme_attr(PD_STYLE_TAB));
  for (i = 0; i < n && col < x + width; i++) {
    char text[256];
    int left = x + width - col;

    snprintf(text, sizeof text, i == active ? "[%s]" : " %s ", labels[i] ? labels[i] : "");
    col += pd_draw_text(win, y, col, left, text,
                        pd_theme_attr(i == active ? PD_STYLE_TAB_ACTIVE : PD_STYLE_TAB), 0);
    if (i + 1 < n && col < x + width)
      col += pd_draw_text(win, y, col, 1, " ", pd_theme_attr(PD_STYLE_TAB), 0);
  }
  return col - x;
}

long pd_bar_eighths(long count, long max_count, int width)
{
  long e;

  if (count <= 0 || max_count <= 0 || width <= 0)
    return 0;
  if (count > max_count)
    count = max_count;
  e = (long)((double)count * width * 8 / (double)max_count + 0.5);
  return e < 1 ? 1 : e;
}

void pd_barchart_draw(WINDOW *win, struct pd_rect r, const struct pd_bar *bars, int n)
{
  static const char *const eighths[] = {"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
                                        "\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a",
                                        "\xe2\x96\x89"};
  bool utf8 = pd_locale_is_utf8();
  long maxc = 0;
  int labelw = 0, countw = 1, barw, i;

  pd_draw_clear_rect(win, r, pd_theme_attr(PD_STYLE_NORMAL));
  for (i = 0; i < n; i++) {
    char num[32];
    int w = pd_width(bars[i].label ? bars[i].label : "");

    if (bars[i].count > maxc)
      maxc = bars[i].count;
    if (w > labelw)
      labelw = w;
    snprintf(num, sizeof num, "%ld", bars[i].count);
    if ((int)strlen(num) > countw)
      countw = (int)strlen(num);
  }
  if (labelw > r.w / 3)
    labelw = r.w / 3;
  barw = r.w - labelw - countw - 2;
  if (barw < 1)
    barw = 1;
  for (i = 0; i < n && i < r.h; i++) {
    char num[32], bar[1024];
    long e = pd_bar_eighths(bars[i].count, maxc, barw);
    size_t len = 0;
    long k;

    pd_draw_text(win, r.y + i, r.x, labelw, bars[i].label, pd_theme_attr(PD_STYLE_NORMAL), PD_DRAW_PAD);
    if (!utf8)
      e = (e + 7) / 8 * 8; /* whole cells only */
    for (k = 0; k < e / 8 && len + 4 < sizeof bar; k++) {
      const char *full = utf8 ? "\xe2\x96\x88" : "#";

      memcpy(bar + len, full, strlen(full));
      len += strlen(full);
    }
    if (utf8 && e % 8 && len + 4 < sizeof bar) {
      memcpy(bar + len, eighths[e % 8], 3);
      len += 3;
    }
    bar[len] = '\0';
    pd_draw_text(win, r.y + i, r.x + labelw + 1, barw, bar, pd_theme_attr(bars[i].role), 0);
    snprintf(num, sizeof num, "%ld", bars[i].count);
    pd_draw_text(win, r.y + i, r.x + r.w - countw, countw, num, pd_theme_attr(PD_STYLE_NORMAL),
                 PD_DRAW_RIGHT);
  }
}
