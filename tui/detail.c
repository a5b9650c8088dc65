/* tui/detail.c — see detail.h. */
#include "tui/detail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/sanitize.h"
#include "tui/width.h"

enum item_kind { IT_HEADING, IT_FIELD, IT_ROW, IT_TEXT, IT_BLANK };

struct item {
  enum item_kind kind;
  char *key, *value;
  enum pd_style role;
};

struct line {
  char *text;      /* sanitised */
  char *key;       /* for the first line of a field, else NULL */
  bool row;        /* IT_ROW: no colon, key role */
  enum pd_style role;
  bool heading;
  int indent;      /* columns before the text (field values) */
};

struct pd_detail {
  struct item *items;
  int nitems, capitems;
  struct line *lines;
  int nlines, caplines;
  int layout_width; /* -1: stale */
  int keyw;
  int top, height;
};

struct pd_detail *pd_detail_new(void)
{
  struct pd_detail *d = calloc(1, sizeof *d);

  if (d)
    d->layout_width = -1;
  return d;
}

static void free_lines(struct pd_detail *d)
{
  int i;

  for (i = 0; i < d->nlines; i++) {
    free(d->lines[i].text);
    free(d->lines[i].key);
  }
  d->nlines = 0;
  d->layout_width = -1;
}

void pd_detail_clear(struct pd_detail *d)
{
  int i;

  for (i = 0; i < d->nitems; i++) {
    free(d->items[i].key);
    free(d->items[i].value);
  }
  d->nitems = 0;
  d->top = 0;
  free_lines(d);
}

void pd_detail_free(struct pd_detail *d)
{
  if (d == NULL)
    return;
  pd_detail_clear(d);
  free(d->items);
  free(d->lines);
  free(d);
}

static void add(struct pd_detail *d, enum item_kind kind, const char *key, const char *value,
                enum pd_style role)
{
  if (d->nitems == d->capitems) {
    int ncap = d->capitems ? d->capitems * 2 : 16;
    struct item *p = realloc(d->items, (size_t)ncap * sizeof *p);

    if (p == NULL)
      return;
    d->items = p;
    d->capitems = ncap;
  }
  d->items[d->nitems].kind = kind;
  d->items[d->nitems].key = key ? strdup(key) : NULL;
  d->items[d->nitems].value = value ? strdup(value) : NULL;
  d->items[d->nitems].role = role;
  d->nitems++;
  d->layout_width = -1;
}

void pd_detail_add_heading(struct pd_detail *d, const char *text)
{
  add(d, IT_HEADING, NULL, text ? text : "", PD_STYLE_TITLE);
}

void pd_detail_add_field(struct pd_detail *d, const char *key, const char *value, enum pd_style role)
{
  add(d, IT_FIELD, key ? key : "", value ? value : "", role);
}

void pd_detail_add_row(struct pd_detail *d, const char *left, const char *right, enum pd_style role)
{
  add(d, IT_ROW, left ? left : "", right ? right : "", role);
}

void pd_detail_add_fieldf(struct pd_detail *d, const char *key, enum pd_style role, const char *fmt, ...)
{
  char buf[4096];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  pd_detail_add_field(d, key, buf, role);
}

void pd_detail_add_text(struct pd_detail *d, const char *text, enum pd_style role)
{
  add(d, IT_TEXT, NULL, text ? text : "", role);
}

void pd_detail_add_blank(struct pd_detail *d)
{
  add(d, IT_BLANK, NULL, NULL, PD_STYLE_NORMAL);
}

struct wrap_ctx {
  struct pd_detail *d;
  const char *key; /* consumed by the first line */
  enum pd_style role;
  bool heading, row;
  int indent;
};

static void push_line(void *ctx, const char *s, size_t len)
{
  struct wrap_ctx *w = ctx;
  struct pd_detail *d = w->d;
  struct line *l;

  if (d->nlines == d->caplines) {
    int ncap = d->caplines ? d->caplines * 2 : 64;
    struct line *p = realloc(d->lines, (size_t)ncap * sizeof *p);

    if (p == NULL)
      return;
    d->lines = p;
    d->caplines = ncap;
  }
  l = &d->lines[d->nlines];
  l->text = malloc(len + 1);
  if (l->text == NULL)
    return;
  memcpy(l->text, s, len);
  l->text[len] = '\0';
  l->key = w->key ? strdup(w->key) : NULL;
  l->role = w->role;
  l->heading = w->heading;
  l->indent = w->indent;
  l->row = w->row;
  w->key = NULL;
  d->nlines++;
}

static void layout(struct pd_detail *d, int width)
{
  int i;

  if (d->layout_width == width)
    return;
  free_lines(d);
  d->keyw = 0;
  for (i = 0; i < d->nitems; i++) {
    if (d->items[i].kind == IT_FIELD || d->items[i].kind == IT_ROW) {
      char clean[256];
      int w;

      pd_sanitize(clean, sizeof clean, d->items[i].key, PD_SAN_CSTR, 0, NULL);
      w = pd_width(clean) + 1; /* "key:" */
      if (w > d->keyw)
        d->keyw = w;
    }
  }
  if (d->keyw > width / 3)
    d->keyw = width / 3;
  for (i = 0; i < d->nitems; i++) {
    const struct item *it = &d->items[i];
    struct wrap_ctx w = {d, NULL, it->role, it->kind == IT_HEADING, it->kind == IT_ROW, 0};
    int cols = width;

    switch (it->kind) {
    case IT_BLANK: push_line(&w, "", 0); break;
    case IT_HEADING:
    case IT_TEXT: pd_wrap(it->value, cols, push_line, &w); break;
    case IT_ROW:
    case IT_FIELD: {
      /* a field's value is one line of text: newlines show as \n */
      char *flat = pd_sanitize_dup(it->value, PD_SAN_CSTR, 16 * 1024, 0);

      w.key = it->key;
      w.indent = d->keyw + 1;
      cols = width - d->keyw - 1;
      pd_wrap(flat ? flat : "", cols > 0 ? cols : 1, push_line, &w);
      free(flat);
      break;
    }
    }
  }
  d->layout_width = width;
}

void pd_detail_draw(struct pd_detail *d, WINDOW *win, struct pd_rect r)
{
  int i;

  if (r.w <= 0 || r.h <= 0)
    return;
  layout(d, r.w);
  d->height = r.h;
  pd_detail_set_top(d, d->top);
  for (i = 0; i < r.h; i++) {
    int n = d->top + i, y = r.y + i;
    const struct line *l;

    pd_draw_fill(win, y, r.x, r.w, pd_theme_attr(PD_STYLE_NORMAL));
    if (n >= d->nlines)
      continue;
    l = &d->lines[n];
    if (l->heading) {
      pd_draw_text(win, y, r.x, r.w, l->text, pd_theme_attr(PD_STYLE_TITLE), 0);
      continue;
    }
    if (l->key) {
      char key[300];

      snprintf(key, sizeof key, "%s%s", l->key, l->row ? "" : ":");
      pd_draw_text(win, y, r.x, d->keyw, key, pd_theme_attr(l->row ? PD_STYLE_KEY : PD_STYLE_DIM),
                   PD_DRAW_PAD);
    }
    if (l->indent < r.w)
      pd_draw_text(win, y, r.x + l->indent, r.w - l->indent, l->text, pd_theme_attr(l->role), 0);
  }
}

int pd_detail_line_count(const struct pd_detail *d)
{
  return d->nlines;
}

int pd_detail_top(const struct pd_detail *d)
{
  return d->top;
}

void pd_detail_set_top(struct pd_detail *d, int top)
{
  int max = d->nlines - (d->height > 0 ? d->height : 1);

  if (top > max)
    top = max;
  if (top < 0)
    top = 0;
  d->top = top;
}

bool pd_detail_action(struct pd_detail *d, enum pd_action action)
{
  int page = d->height > 1 ? d->height - 1 : 1;

  switch (action) {
  case PD_ACT_MOVE_DOWN: pd_detail_set_top(d, d->top + 1); break;
  case PD_ACT_MOVE_UP: pd_detail_set_top(d, d->top - 1); break;
  case PD_ACT_PAGE_DOWN: pd_detail_set_top(d, d->top + page); break;
  case PD_ACT_PAGE_UP: pd_detail_set_top(d, d->top - page); break;
  case PD_ACT_MOVE_FIRST: pd_detail_set_top(d, 0); break;
  case PD_ACT_MOVE_LAST: pd_detail_set_top(d, d->nlines); break;
  default: return false;
  }
  return true;
}
