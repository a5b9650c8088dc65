/* tui/lineedit.c — see lineedit.h. */
#include "tui/lineedit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "tui/draw.h"
#include "tui/sanitize.h"
#include "tui/utf8.h"
#include "tui/width.h"

/* ---- history ---- */

void pd_history_init(struct pd_history *h, int max)
{
  memset(h, 0, sizeof *h);
  h->max = max > 0 ? max : 100;
}

void pd_history_free(struct pd_history *h)
{
  int i;

  for (i = 0; i < h->n; i++)
    free(h->items[i]);
  free(h->items);
  memset(h, 0, sizeof *h);
}

void pd_history_add(struct pd_history *h, const char *line)
{
  char *copy;

  if (line == NULL || line[0] == '\0')
    return;
  if (h->n > 0 && strcmp(h->items[h->n - 1], line) == 0)
    return;
  if ((copy = strdup(line)) == NULL)
    return;
  if (h->n == h->max) {
    free(h->items[0]);
    memmove(h->items, h->items + 1, (size_t)(h->n - 1) * sizeof *h->items);
    h->n--;
  }
  if (h->n == h->cap) {
    int ncap = h->cap ? h->cap * 2 : 16;
    char **p = realloc(h->items, (size_t)ncap * sizeof *p);

    if (p == NULL) {
      free(copy);
      return;
    }
    h->items = p;
    h->cap = ncap;
  }
  h->items[h->n++] = copy;
}

const char *pd_history_get(const struct pd_history *h, int i)
{
  return h && i >= 0 && i < h->n ? h->items[i] : NULL;
}

/* ---- editor ---- */

static bool reserve(struct pd_lineedit *le, size_t need)
{
  size_t ncap;
  char *p;

  if (need + 1 <= le->cap)
    return true;
  ncap = le->cap ? le->cap : 64;
  while (ncap < need + 1)
    ncap *= 2;
  p = realloc(le->buf, ncap);
  if (p == NULL)
    return false;
  le->buf = p;
  le->cap = ncap;
  return true;
}

void pd_lineedit_init(struct pd_lineedit *le, size_t max_bytes)
{
  memset(le, 0, sizeof *le);
  le->max = max_bytes ? max_bytes : 1024;
  le->hist_pos = -1;
  reserve(le, 0);
  if (le->buf)
    le->buf[0] = '\0';
}

void pd_lineedit_free(struct pd_lineedit *le)
{
  free(le->buf);
  free(le->draft);
  free(le->kill);
  memset(le, 0, sizeof *le);
  le->hist_pos = -1;
}

const char *pd_lineedit_text(const struct pd_lineedit *le)
{
  return le->buf ? le->buf : "";
}

static void set_text(struct pd_lineedit *le, const char *text)
{
  size_t n = text ? strlen(text) : 0;

  if (n > le->max) {
    n = le->max;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
      n--;
  }
  if (!reserve(le, n))
    return;
  if (n)
    memcpy(le->buf, text, n);
  le->buf[n] = '\0';
  le->len = le->cursor = n;
}

void pd_lineedit_set(struct pd_lineedit *le, const char *text)
{
  set_text(le, text);
  le->hist_pos = -1;
  free(le->draft);
  le->draft = NULL;
  le->scroll = 0;
}

void pd_lineedit_clear(struct pd_lineedit *le)
{
  pd_lineedit_set(le, "");
}

static void insert_bytes(struct pd_lineedit *le, const char *s, size_t n)
{
  if (n == 0 || le->len + n > le->max || !reserve(le, le->len + n))
    return;
  memmove(le->buf + le->cursor + n, le->buf + le->cursor, le->len - le->cursor + 1);
  memcpy(le->buf + le->cursor, s, n);
  le->len += n;
  le->cursor += n;
}

void pd_lineedit_insert(struct pd_lineedit *le, const char *text)
{
  size_t pos = 0, len = text ? strlen(text) : 0;

  while (pos < len) {
    uint32_t cp;
    int n = pd_utf8_decode(text + pos, len - pos, &cp);

    if (n == 0) {
      pos++;
      continue;
    }
    if (pd_key_is_text((pd_key)cp))
      insert_bytes(le, text + pos, (size_t)n);
    pos += (size_t)n;
  }
}

static void set_kill(struct pd_lineedit *le, size_t from, size_t to)
{
  char *k;

  if (to <= from)
    return;
  k = malloc(to - from + 1);
  if (k == NULL)
    return;
  memcpy(k, le->buf + from, to - from);
  k[to - from] = '\0';
  free(le->kill);
  le->kill = k;
}

static void delete_range(struct pd_lineedit *le, size_t from, size_t to, bool kill)
{
  if (to <= from)
    return;
  if (kill)
    set_kill(le, from, to);
  memmove(le->buf + from, le->buf + to, le->len - to + 1);
  le->len -= to - from;
  le->cursor = from;
}

static bool is_word_char(const struct pd_lineedit *le, size_t pos)
{
  unsigned char c = (unsigned char)le->buf[pos];

  if (c >= 0x80)
    return true; /* letters of any script */
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static size_t word_left(const struct pd_lineedit *le, size_t pos)
{
  while (pos > 0 && !is_word_char(le, pd_utf8_prev(le->buf, pos)))
    pos = pd_utf8_prev(le->buf, pos);
  while (pos > 0 && is_word_char(le, pd_utf8_prev(le->buf, pos)))
    pos = pd_utf8_prev(le->buf, pos);
  return pos;
}

static size_t word_right(const struct pd_lineedit *le, size_t pos)
{
  while (pos < le->len && !is_word_char(le, pos))
    pos = pd_utf8_next(le->buf, le->len, pos);
  while (pos < le->len && is_word_char(le, pos))
    pos = pd_utf8_next(le->buf, le->len, pos);
  return pos;
}

static size_t blank_word_left(const struct pd_lineedit *le, size_t pos)
{
  while (pos > 0 && le->buf[pos - 1] == ' ')
    pos--;
  while (pos > 0 && le->buf[pos - 1] != ' ')
    pos = pd_utf8_prev(le->buf, pos);
  return pos;
}

static enum pd_le_result history_move(struct pd_lineedit *le, int dir)
{
  struct pd_history *h = le->history;

  if (h == NULL || h->n == 0)
    return PD_LE_NONE;
  if (dir < 0) {
    if (le->hist_pos == 0)
      return PD_LE_NONE;
    if (le->hist_pos < 0) {
      free(le->draft);
      le->draft = strdup(pd_lineedit_text(le));
      le->hist_pos = h->n - 1;
    } else {
      le->hist_pos--;
    }
    set_text(le, h->items[le->hist_pos]);
    return PD_LE_CHANGED;
  }
  if (le->hist_pos < 0)
    return PD_LE_NONE;
  if (le->hist_pos < h->n - 1) {
    le->hist_pos++;
    set_text(le, h->items[le->hist_pos]);
  } else {
    le->hist_pos = -1;
    set_text(le, le->draft ? le->draft : "");
    free(le->draft);
    le->draft = NULL;
  }
  return PD_LE_CHANGED;
}

static enum pd_le_result moved(struct pd_lineedit *le, size_t to)
{
  if (to == le->cursor)
    return PD_LE_NONE;
  le->cursor = to;
  return PD_LE_MOVED;
}

enum pd_le_result pd_lineedit_key(struct pd_lineedit *le, pd_key key)
{
  size_t before = le->len;

  if (le->buf == NULL)
    return PD_LE_UNHANDLED;
  switch (key) {
  case PD_KEY_ENTER: return PD_LE_SUBMIT;
  case PD_KEY_ESC:
  case PD_CTRL('g'): return PD_LE_CANCEL;
  case PD_CTRL('a'):
  case PD_KEY_HOME: return moved(le, 0);
  case PD_CTRL('e'):
  case PD_KEY_END: return moved(le, le->len);
  case PD_CTRL('b'):
  case PD_KEY_LEFT: return moved(le, pd_utf8_prev(le->buf, le->cursor));
  case PD_CTRL('f'):
  case PD_KEY_RIGHT: return moved(le, pd_utf8_next(le->buf, le->len, le->cursor));
  case PD_META('b'):
  case PD_META(PD_KEY_LEFT): return moved(le, word_left(le, le->cursor));
  case PD_META('f'):
  case PD_META(PD_KEY_RIGHT): return moved(le, word_right(le, le->cursor));
  case PD_KEY_BS:
    delete_range(le, pd_utf8_prev(le->buf, le->cursor), le->cursor, false);
    break;
  case PD_CTRL('d'):
  case PD_KEY_DEL:
    delete_range(le, le->cursor, pd_utf8_next(le->buf, le->len, le->cursor), false);
    break;
  case PD_CTRL('k'): delete_range(le, le->cursor, le->len, true); break;
  case PD_CTRL('u'): delete_range(le, 0, le->cursor, true); break;
  case PD_CTRL('w'): delete_range(le, blank_word_left(le, le->cursor), le->cursor, true); break;
  case PD_META('d'): delete_range(le, le->cursor, word_right(le, le->cursor), true); break;
  case PD_META(PD_KEY_BS): delete_range(le, word_left(le, le->cursor), le->cursor, true); break;
  case PD_CTRL('y'):
    if (le->kill)
      insert_bytes(le, le->kill, strlen(le->kill));
    break;
  case PD_KEY_UP:
  case PD_CTRL('p'): return history_move(le, -1);
  case PD_KEY_DOWN:
  case PD_CTRL('n'): return history_move(le, +1);
  default:
    if (pd_key_is_text(key)) {
      char u[4];
      int n = pd_utf8_encode((uint32_t)key, u);

      insert_bytes(le, u, (size_t)n);
      return le->len != before ? PD_LE_CHANGED : PD_LE_NONE;
    }
    return PD_LE_UNHANDLED;
  }
  return le->len != before ? PD_LE_CHANGED : PD_LE_NONE;
}

static int col_of(const struct pd_lineedit *le, size_t pos)
{
  size_t p = 0;
  int col = 0;

  if (!le->mask)
    return pd_width_n(le->buf, pos);
  while (p < pos) {
    p = pd_utf8_next(le->buf, le->len, p);
    col++;
  }
  return col;
}

int pd_lineedit_cursor_col(const struct pd_lineedit *le)
{
  return le->buf ? col_of(le, le->cursor) : 0;
}

int pd_lineedit_draw(struct pd_lineedit *le, WINDOW *win, int y, int x, int width, attr_t attr)
{
  char vis[2048];
  size_t pos = 0, out = 0;
  int ccol, col = 0;

  if (width <= 0 || le->buf == NULL)
    return x;
  ccol = pd_lineedit_cursor_col(le);
  if (ccol < le->scroll)
    le->scroll = ccol;
  if (ccol >= le->scroll + width)
    le->scroll = ccol - width + 1;
  if (le->scroll < 0)
    le->scroll = 0;
  /* collect the characters that lie fully inside [scroll, scroll + width) */
  while (pos < le->len && out + 8 < sizeof vis) {
    size_t next = pd_utf8_next(le->buf, le->len, pos);
    uint32_t cp = '?';
    int w;

    pd_utf8_decode(le->buf + pos, le->len - pos, &cp);
    w = le->mask ? 1 : pd_char_width(cp);
    if (col >= le->scroll + width)
      break;
    if (col >= le->scroll && col + w <= le->scroll + width) {
      if (le->mask) {
        vis[out++] = le->mask;
      } else {
        memcpy(vis + out, le->buf + pos, next - pos);
        out += next - pos;
      }
    } else if (col < le->scroll && col + w > le->scroll) {
      vis[out++] = ' '; /* half of a wide character scrolled off */
    }
    col += w;
    pos = next;
  }
  vis[out] = '\0';
  pd_draw_text(win, y, x, width, vis, attr, PD_DRAW_PAD);
  return x + ccol - le->scroll;
}
