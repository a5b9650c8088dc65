/* tui/table.c — see table.h. */
#include "tui/table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/sanitize.h"
#include "tui/width.h"

#define MAX_DIRTY 8

struct pd_table {
  struct pd_table_column cols[PD_TABLE_MAX_COLS];
  int ncols;
  unsigned flags;
  const struct pd_table_ops *ops;
  void *ctx;
  size_t count, cursor, top;
  int vis;                     /* data rows visible at the last draw */
  unsigned char *marks;        /* bitset, (count + 7) / 8 bytes */
  size_t nmarked;
  char *hl;
  bool full;                   /* the next draw repaints everything */
  size_t dirty[MAX_DIRTY];
  int ndirty;
  struct pd_rect last;         /* rect of the last draw */
  WINDOW *last_win;
  int widths[PD_TABLE_MAX_COLS];
  unsigned long calls;
  struct pd_table_row row;     /* scratch for the format callback */
};

/* ---- rows ---- */

void pd_table_row_set(struct pd_table_row *r, int col, const char *text)
{
  if (col < 0 || col >= PD_TABLE_MAX_COLS)
    return;
  snprintf(r->cell[col], sizeof r->cell[col], "%s", text ? text : "");
}

void pd_table_row_setf(struct pd_table_row *r, int col, const char *fmt, ...)
{
  va_list ap;

  if (col < 0 || col >= PD_TABLE_MAX_COLS)
    return;
  va_start(ap, fmt);
  vsnprintf(r->cell[col], sizeof r->cell[col], fmt, ap);
  va_end(ap);
}

void pd_table_row_set_role(struct pd_table_row *r, enum pd_style role)
{
  r->role = (int)role;
}

void pd_table_row_set_cell_role(struct pd_table_row *r, int col, enum pd_style role)
{
  if (col >= 0 && col < PD_TABLE_MAX_COLS)
    r->cell_role[col] = (int)role;
}

/* ---- lifetime ---- */

struct pd_table *pd_table_new(const struct pd_table_column *cols, int ncols, unsigned flags,
                              const struct pd_table_ops *ops, void *ctx)
{
  struct pd_table *t;

  if (ncols < 1 || ncols > PD_TABLE_MAX_COLS || ops == NULL || ops->format == NULL)
    return NULL;
  t = calloc(1, sizeof *t);
  if (t == NULL)
    return NULL;
  memcpy(t->cols, cols, (size_t)ncols * sizeof *cols);
  t->ncols = ncols;
  t->flags = flags;
  t->ops = ops;
  t->ctx = ctx;
  t->vis = 20;
  t->full = true;
  return t;
}

void pd_table_free(struct pd_table *t)
{
  if (t == NULL)
    return;
  free(t->marks);
  free(t->hl);
  free(t);
}

/* ---- state ---- */

static void add_dirty(struct pd_table *t, size_t row)
{
  int i;

  for (i = 0; i < t->ndirty; i++)
    if (t->dirty[i] == row)
      return;
  if (t->ndirty == MAX_DIRTY)
    t->full = true;
  else
    t->dirty[t->ndirty++] = row;
}

static void scroll_to_cursor(struct pd_table *t)
{
  size_t vis = t->vis > 0 ? (size_t)t->vis : 1, old = t->top;

  if (t->cursor < t->top)
    t->top = t->cursor;
  if (t->cursor >= t->top + vis)
    t->top = t->cursor - vis + 1;
  /* no blank rows at the bottom while there is data above */
  if (t->count > vis && t->top > t->count - vis)
    t->top = t->count - vis;
  if (t->count <= vis)
    t->top = 0;
  if (t->top != old)
    t->full = true;
}

static void move_to(struct pd_table *t, size_t row)
{
  size_t old = t->cursor;

  if (t->count == 0)
    row = 0;
  else if (row >= t->count)
    row = t->count - 1;
  t->cursor = row;
  scroll_to_cursor(t);
  if (!t->full && row != old) {
    add_dirty(t, old);
    add_dirty(t, row);
  }
}

void pd_table_set_count(struct pd_table *t, size_t count, bool keep_marks)
{
  size_t bytes = (count + 7) / 8;

  if (!keep_marks || count > t->count) {
    free(t->marks);
    t->marks = NULL;
    t->nmarked = 0;
  } else if (count < t->count && t->marks) {
    size_t i;

    for (i = count; i < t->count; i++)
      if (t->marks[i / 8] & (1u << (i % 8)))
        t->nmarked--;
  }
  if (t->marks == NULL && bytes > 0)
    t->marks = calloc(bytes, 1);
  t->count = count;
  if (t->cursor >= count)
    t->cursor = count ? count - 1 : 0;
  t->full = true;
  scroll_to_cursor(t);
}

void pd_table_grow(struct pd_table *t, size_t count)
{
  size_t vis = t->vis > 0 ? (size_t)t->vis : 1, old = t->count;

  if (count <= old)
    return;
  if (t->marks) {
    unsigned char *m = realloc(t->marks, (count + 7) / 8);

    if (m == NULL) { /* keep the rows, lose the marks rather than the data */
      free(t->marks);
      t->nmarked = 0;
      m = calloc((count + 7) / 8, 1);
    } else {
      size_t i;

      memset(m + (old + 7) / 8, 0, (count + 7) / 8 - (old + 7) / 8);
      for (i = old; i % 8 != 0; i++) /* bits a shrink left behind */
        m[i / 8] &= (unsigned char)~(1u << (i % 8));
    }
    t->marks = m;
  } else {
    t->marks = calloc((count + 7) / 8, 1);
  }
  t->count = count;
  if (old < t->top + vis) /* new rows show (or the blank rows below the data change) */
    t->full = true;
}

size_t pd_table_count(const struct pd_table *t)
{
  return t->count;
}

size_t pd_table_cursor(const struct pd_table *t)
{
  return t->cursor;
}

size_t pd_table_top(const struct pd_table *t)
{
  return t->top;
}

void pd_table_set_cursor(struct pd_table *t, size_t row)
{
  move_to(t, row);
}

int pd_table_page_rows(const struct pd_table *t)
{
  return t->vis;
}

bool pd_table_is_marked(const struct pd_table *t, size_t row)
{
  return t->marks && row < t->count && (t->marks[row / 8] & (1u << (row % 8)));
}

void pd_table_set_mark(struct pd_table *t, size_t row, bool on)
{
  if (t->marks == NULL || row >= t->count || pd_table_is_marked(t, row) == on)
    return;
  if (on) {
    t->marks[row / 8] |= (unsigned char)(1u << (row % 8));
    t->nmarked++;
  } else {
    t->marks[row / 8] &= (unsigned char)~(1u << (row % 8));
    t->nmarked--;
  }
  add_dirty(t, row);
}

size_t pd_table_marked_count(const struct pd_table *t)
{
  return t->nmarked;
}

size_t pd_table_next_marked(const struct pd_table *t, size_t from)
{
  size_t i;

  if (t->nmarked == 0)
    return (size_t)-1;
  for (i = from; i < t->count; i++) {
    if (t->marks[i / 8] == 0) {
      i |= 7; /* skip a whole empty byte */
      continue;
    }
    if (t->marks[i / 8] & (1u << (i % 8)))
      return i;
  }
  return (size_t)-1;
}

void pd_table_clear_marks(struct pd_table *t)
{
  if (t->marks)
    memset(t->marks, 0, (t->count + 7) / 8);
  t->nmarked = 0;
  t->full = true;
}

bool pd_table_action(struct pd_table *t, enum pd_action action)
{
  size_t page = t->vis > 1 ? (size_t)t->vis - 1 : 1;

  switch (action) {
  case PD_ACT_MOVE_DOWN: move_to(t, t->cursor + 1); return true;
  case PD_ACT_MOVE_UP: move_to(t, t->cursor ? t->cursor - 1 : 0); return true;
  case PD_ACT_MOVE_FIRST: move_to(t, 0); return true;
  case PD_ACT_MOVE_LAST: move_to(t, t->count ? t->count - 1 : 0); return true;
  case PD_ACT_PAGE_DOWN:
    /* less-style: the page scrolls, the cursor keeps its screen row */
    if (t->count > (size_t)t->vis) {
      size_t maxtop = t->count - (size_t)t->vis, off = t->cursor - t->top;
      size_t top = t->top + page > maxtop ? maxtop : t->top + page;

      if (top == t->top) {
        move_to(t, t->count - 1);
      } else {
        t->top = top;
        t->cursor = top + off;
        t->full = true;
      }
    } else {
      move_to(t, t->count ? t->count - 1 : 0);
    }
    return true;
  case PD_ACT_PAGE_UP:
    if (t->top > 0) {
      size_t off = t->cursor - t->top;

      t->top = t->top > page ? t->top - page : 0;
      t->cursor = t->top + off;
      t->full = true;
    } else {
      move_to(t, 0);
    }
    return true;
  case PD_ACT_MARK:
    if (!(t->flags & PD_TABLE_MARKS) || t->count == 0)
      return false;
    pd_table_set_mark(t, t->cursor, !pd_table_is_marked(t, t->cursor));
    move_to(t, t->cursor + 1);
    return true;
  default: return false;
  }
}

void pd_table_set_highlight(struct pd_table *t, const char *needle)
{
  free(t->hl);
  t->hl = needle && *needle ? strdup(needle) : NULL;
  t->full = true;
}

const char *pd_table_highlight(const struct pd_table *t)
{
  return t->hl;
}

static void format_row(struct pd_table *t, size_t index)
{
  int i;

  t->row.role = -1;
  for (i = 0; i < PD_TABLE_MAX_COLS; i++) {
    t->row.cell[i][0] = '\0';
    t->row.cell_role[i] = -1;
  }
  t->ops->format(t->ctx, index, &t->row);
  t->calls++;
}

static bool contains_nocase(const char *hay, const char *needle)
{
  size_t n = strlen(needle);

  for (; *hay; hay++) {
    size_t k = 0;

    while (k < n && hay[k]) {
      char a = hay[k], b = needle[k];

      if (a >= 'A' && a <= 'Z')
        a = (char)(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z')
        b = (char)(b - 'A' + 'a');
      if (a != b)
        break;
      k++;
    }
    if (k == n)
      return true;
  }
  return n == 0;
}

static bool row_matches(struct pd_table *t, size_t index, const char *needle)
{
  int i;

  if (t->ops->match)
    return t->ops->match(t->ctx, index, needle);
  format_row(t, index);
  for (i = 0; i < t->ncols; i++)
    if (contains_nocase(t->row.cell[i], needle))
      return true;
  return false;
}

bool pd_table_search(struct pd_table *t, const char *needle, int dir)
{
  size_t i;

  if (needle == NULL || *needle == '\0' || t->count == 0)
    return false;
  for (i = 1; i <= t->count; i++) {
    size_t idx = dir >= 0 ? (t->cursor + i) % t->count : (t->cursor + t->count - i % t->count) % t->count;

    if (row_matches(t, idx, needle)) {
      move_to(t, idx);
      return true;
    }
  }
  return false;
}

/* ---- layout and drawing ---- */

int pd_table_layout(const struct pd_table *t, int width, int *widths)
{
  int n = t->ncols, used, i, extra;

  if (t->flags & PD_TABLE_MARKS)
    width -= 1;
  for (i = 0; i < t->ncols; i++)
    widths[i] = 0;
  /* drop columns from the right until the minimums fit */
  for (;;) {
    used = n > 0 ? n - 1 : 0;
    for (i = 0; i < n; i++)
      used += t->cols[i].min;
    if (used <= width || n <= 1)
      break;
    n--;
  }
  for (i = 0; i < n; i++)
    widths[i] = t->cols[i].min;
  if (used > width) { /* one column, narrower than its minimum */
    widths[0] = width > 0 ? width : 0;
    return n;
  }
  extra = width - used;
  /* hand out the spare columns one at a time to the growable column that is
   * furthest below its weighted share */
  while (extra > 0) {
    int best = -1;
    double best_ratio = 0;

    for (i = 0; i < n; i++) {
      const struct pd_table_column *c = &t->cols[i];
      double ratio;

      if (c->weight <= 0 || (c->max > 0 && widths[i] >= c->max))
        continue;
      ratio = (double)(widths[i] - c->min) / c->weight;
      if (best < 0 || ratio < best_ratio) {
        best = i;
        best_ratio = ratio;
      }
    }
    if (best < 0)
      break;
    widths[best]++;
    extra--;
  }
  return n;
}

static unsigned align_flags(unsigned colflags)
{
  if (colflags & PD_COL_RIGHT)
    return PD_DRAW_RIGHT;
  if (colflags & PD_COL_CENTER)
    return PD_DRAW_CENTER;
  return PD_DRAW_PAD;
}

static void draw_header(struct pd_table *t, WINDOW *win, struct pd_rect r)
{
  attr_t a = pd_theme_attr(PD_STYLE_TITLE);
  int x = r.x, i;

  pd_draw_fill(win, r.y, r.x, r.w, a);
  if (t->flags & PD_TABLE_MARKS)
    x++;
  for (i = 0; i < t->ncols; i++) {
    if (t->widths[i] <= 0)
      continue;
    pd_draw_text(win, r.y, x, t->widths[i], t->cols[i].title, a, align_flags(t->cols[i].flags));
    x += t->widths[i] + 1;
  }
}

static void draw_row(struct pd_table *t, WINDOW *win, struct pd_rect r, int y, size_t index)
{
  attr_t sel = pd_theme_attr(PD_STYLE_SELECTED), match = pd_theme_attr(PD_STYLE_MATCH), rowattr;
  bool selected, marked;
  int x = r.x, i, role;

  if (index >= t->count) {
    pd_draw_fill(win, y, r.x, r.w, pd_theme_attr(PD_STYLE_NORMAL));
    return;
  }
  format_row(t, index);
  selected = index == t->cursor;
  marked = pd_table_is_marked(t, index);
  role = t->row.role >= 0 ? t->row.role : (marked ? PD_STYLE_MARK : PD_STYLE_NORMAL);
  rowattr = selected ? sel : pd_theme_attr((enum pd_style)role);
  if (t->flags & PD_TABLE_MARKS) {
    pd_draw_text(win, y, x, 1, marked ? "*" : " ",
                 selected ? sel : marked ? pd_theme_attr(PD_STYLE_MARK) : rowattr, PD_DRAW_PAD);
    x++;
  }
  for (i = 0; i < t->ncols; i++) {
    attr_t a = rowattr;

    if (t->widths[i] <= 0)
      continue;
    if (!selected && t->row.cell_role[i] >= 0)
      a = pd_theme_attr((enum pd_style)t->row.cell_role[i]);
    pd_draw_text_hl(win, y, x, t->widths[i], t->row.cell[i], a, t->hl, match,
                    align_flags(t->cols[i].flags));
    x += t->widths[i];
    if (x < r.x + r.w)
      pd_draw_fill(win, y, x, 1, rowattr);
    x++;
  }
  if (x < r.x + r.w)
    pd_draw_fill(win, y, x, r.x + r.w - x, rowattr);
}

void pd_table_invalidate(struct pd_table *t)
{
  t->full = true;
}

void pd_table_draw(struct pd_table *t, WINDOW *win, struct pd_rect r, bool full)
{
  int hdr = (t->flags & PD_TABLE_HEADER) ? 1 : 0, vis, k;
  struct pd_rect body;

  if (r.w <= 0 || r.h <= 0)
    return;
  if (full || win != t->last_win || memcmp(&r, &t->last, sizeof r) != 0)
    t->full = true;
  vis = r.h - hdr > 0 ? r.h - hdr : 0;
  if (vis != t->vis) {
    t->vis = vis > 0 ? vis : 1;
    t->full = true;
    scroll_to_cursor(t);
  }
  body = (struct pd_rect){r.y + hdr, r.x, vis, r.w};
  if (t->full) {
    pd_table_layout(t, r.w, t->widths);
    if (hdr)
      draw_header(t, win, r);
    for (k = 0; k < vis; k++)
      draw_row(t, win, body, body.y + k, t->top + (size_t)k);
  } else {
    for (k = 0; k < t->ndirty; k++) {
      size_t row = t->dirty[k];

      if (row >= t->top && row < t->top + (size_t)vis)
        draw_row(t, win, body, body.y + (int)(row - t->top), row);
    }
  }
  t->full = false;
  t->ndirty = 0;
  t->last = r;
  t->last_win = win;
}

unsigned long pd_table_format_calls(const struct pd_table *t)
{
  return t->calls;
}
