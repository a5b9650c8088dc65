/* tui/draw.c — see draw.h. */
#include "tui/draw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "tui/sanitize.h"
#include "tui/utf8.h"
#include "tui/width.h"

/* Enough for a full 512-column line of 4-byte characters. */
#define DRAW_BUF 2048

static void put_utf8(WINDOW *win, int y, int x, const char *s, size_t len, attr_t attr)
{
  wchar_t wbuf[DRAW_BUF];
  size_t pos = 0, n = 0;

  while (pos < len && n < DRAW_BUF - 1) {
    uint32_t cp;
    int k = pd_utf8_decode(s + pos, len - pos, &cp);

    if (k == 0) { /* cannot happen after sanitising; stay safe */
      cp = '?';
      k = 1;
    }
    wbuf[n++] = (wchar_t)cp;
    pos += (size_t)k;
  }
  wbuf[n] = L'\0';
  wattrset(win, (int)attr);
  mvwaddnwstr(win, y, x, wbuf, (int)n);
  wattrset(win, A_NORMAL);
}

static int fit(char *out, size_t outsize, int cols, const char *text, size_t len, unsigned flags)
{
  char clean[DRAW_BUF];
  enum pd_align align = PD_ALIGN_LEFT;
  int w;

  pd_sanitize(clean, sizeof clean, text ? text : "", text ? len : 0, 0, NULL);
  if (flags & PD_DRAW_RIGHT)
    align = PD_ALIGN_RIGHT;
  else if (flags & PD_DRAW_CENTER)
    align = PD_ALIGN_CENTER;
  if (flags & (PD_DRAW_PAD | PD_DRAW_RIGHT | PD_DRAW_CENTER)) {
    pd_fit(out, outsize, clean, cols, align);
    return cols;
  }
  pd_truncate(out, outsize, clean, cols, &w);
  return w;
}

int pd_draw_textn(WINDOW *win, int y, int x, int cols, const char *text, size_t len, attr_t attr,
                  unsigned flags)
{
  char out[DRAW_BUF];
  int w;

  if (win == NULL || cols <= 0)
    return 0;
  w = fit(out, sizeof out, cols, text, len, flags);
  put_utf8(win, y, x, out, strlen(out), attr);
  return w;
}

int pd_draw_text(WINDOW *win, int y, int x, int cols, const char *text, attr_t attr,
                 unsigned flags)
{
  return pd_draw_textn(win, y, x, cols, text, text ? strlen(text) : 0, attr, flags);
}

int pd_draw_text_hl(WINDOW *win, int y, int x, int cols, const char *text, attr_t attr,
                    const char *needle, attr_t match_attr, unsigned flags)
{
  char out[DRAW_BUF], pat[256];
  size_t len, plen, pos = 0, seg = 0;
  int w, col = x;

  if (win == NULL || cols <= 0)
    return 0;
  if (needle == NULL || needle[0] == '\0')
    return pd_draw_text(win, y, x, cols, text, attr, flags);
  w = fit(out, sizeof out, cols, text, text ? strlen(text) : 0, flags);
  pd_sanitize(pat, sizeof pat, needle, PD_SAN_CSTR, 0, NULL);
  len = strlen(out);
  plen = strlen(pat);
  while (plen > 0 && pos + plen <= len) {
    if (strncasecmp(out + pos, pat, plen) == 0) {
      put_utf8(win, y, col, out + seg, pos - seg, attr);
      col += pd_width_n(out + seg, pos - seg);
      put_utf8(win, y, col, out + pos, plen, match_attr);
      col += pd_width_n(out + pos, plen);
      pos += plen;
      seg = pos;
    } else {
      pos = pd_utf8_next(out, len, pos);
    }
  }
  put_utf8(win, y, col, out + seg, len - seg, attr);
  return w;
}

void pd_draw_fill(WINDOW *win, int y, int x, int cols, attr_t attr)
{
  if (win == NULL || cols <= 0)
    return;
  wattrset(win, (int)attr);
  mvwhline(win, y, x, ' ', cols);
  wattrset(win, A_NORMAL);
}

void pd_draw_clear_rect(WINDOW *win, struct pd_rect r, attr_t attr)
{
  int i;

  for (i = 0; i < r.h; i++)
    pd_draw_fill(win, r.y + i, r.x, r.w, attr);
}

void pd_draw_box(WINDOW *win, struct pd_rect r, attr_t attr)
{
  if (win == NULL || r.h < 2 || r.w < 2)
    return;
  wattrset(win, (int)attr);
  mvwhline(win, r.y, r.x + 1, ACS_HLINE, r.w - 2);
  mvwhline(win, r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
  mvwvline(win, r.y + 1, r.x, ACS_VLINE, r.h - 2);
  mvwvline(win, r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
  mvwaddch(win, r.y, r.x, ACS_ULCORNER);
  mvwaddch(win, r.y, r.x + r.w - 1, ACS_URCORNER);
  mvwaddch(win, r.y + r.h - 1, r.x, ACS_LLCORNER);
  mvwaddch(win, r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
  wattrset(win, A_NORMAL);
}

int pd_wrap(const char *text, int cols, void (*line)(void *ctx, const char *s, size_t len),
            void *ctx)
{
  char *clean;
  size_t len, start = 0;
  int lines = 0;

  if (cols < 1)
    cols = 1;
  clean = pd_sanitize_dup(text ? text : "", PD_SAN_CSTR, 64 * 1024, PD_SAN_NEWLINES);
  if (clean == NULL)
    return 0;
  len = strlen(clean);
  while (start <= len) {
    size_t end = start, brk = 0, eol;
    int used;

    eol = start;
    while (eol < len && clean[eol] != '\n')
      eol++;
    end = start + pd_width_prefix(clean + start, eol - start, cols, &used);
    if (end < eol) {
      /* break at the last space that fits, if any */
      size_t i;

      for (i = end; i > start; i--) {
        if (clean[i] == ' ') {
          brk = i;
          break;
        }
      }
      if (brk > start)
        end = brk;
      if (end == start) /* a character wider than cols: take it anyway */
        end = pd_utf8_next(clean, len, start);
      line(ctx, clean + start, end - start);
      lines++;
      start = end;
      while (start < eol && clean[start] == ' ')
        start++;
      if (start == eol && eol < len)
        start = eol + 1;
      else if (start == eol && eol == len)
        break;
      continue;
    }
    line(ctx, clean + start, eol - start);
    lines++;
    if (eol >= len)
      break;
    start = eol + 1;
  }
  free(clean);
  return lines;
}
