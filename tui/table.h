/* tui/table.h — a virtual-scrolling table.
 *
 * The table never holds the data. The caller gives a row count and a format
 * callback; the table asks only for the rows it is about to draw, so drawing
 * costs the same for 20 rows or 1,000,000. Moving the selection by one row
 * without scrolling repaints exactly the two rows involved (the others are
 * neither formatted nor touched); everything else that changes what is
 * visible (scrolling, resize, new data, highlight) repaints the visible rows.
 *
 * Columns have a minimum and maximum width (display columns, 0 max = no
 * limit) and a weight for sharing the spare width; when the minimums do not
 * fit, columns are dropped from the right. Cells are cut with an ellipsis by
 * display width (CJK and emoji count 2) and may be right-aligned (numbers).
 * All cell text is sanitised when drawn.
 *
 * Marks (space) are kept by row index in the table and shown with a '*'
 * gutter, so they remain visible without colour; pd_table_set_count clears
 * them unless asked to keep them. */
#ifndef PD_TUI_TABLE_H
#define PD_TUI_TABLE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/theme.h"

#define PD_TABLE_MAX_COLS 16
#define PD_TABLE_CELL_MAX 512

enum pd_col_flags {
  PD_COL_RIGHT = 1u << 0,  /* right-align (numbers, counts, ages) */
  PD_COL_CENTER = 1u << 1,
};

struct pd_table_column {
  const char *title;   /* static */
  int min, max;        /* display columns; max 0 = unbounded */
  int weight;          /* share of the spare width; 0 = stays at min */
  unsigned flags;
};

/* Filled by the format callback for one row; owned by the table, valid only
 * during the callback. Unset cells are empty. */
struct pd_table_row {
  char cell[PD_TABLE_MAX_COLS][PD_TABLE_CELL_MAX];
  int role;                        /* -1: PD_STYLE_NORMAL */
  int cell_role[PD_TABLE_MAX_COLS]; /* -1: the row's role */
};

void pd_table_row_set(struct pd_table_row *r, int col, const char *text);
void pd_table_row_setf(struct pd_table_row *r, int col, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void pd_table_row_set_role(struct pd_table_row *r, enum pd_style role);
void pd_table_row_set_cell_role(struct pd_table_row *r, int col, enum pd_style role);

struct pd_table_ops {
  /* Fill out for row index (0 <= index < count). Required. */
  void (*format)(void *ctx, size_t index, struct pd_table_row *out);
  /* Does row index match needle (for n/N)? Optional: without it the table
   * formats the row and searches its cells (ASCII case-insensitive). */
  bool (*match)(void *ctx, size_t index, const char *needle);
};

enum pd_table_flags {
  PD_TABLE_HEADER = 1u << 0, /* a line of column titles */
  PD_TABLE_MARKS = 1u << 1,  /* a '*' gutter; space marks rows */
};

struct pd_table;

/* cols is copied (titles are not: keep them static). ops and ctx must
 * outlive the table. NULL when out of memory or ncols out of range. */
struct pd_table *pd_table_new(const struct pd_table_column *cols, int ncols, unsigned flags,
                              const struct pd_table_ops *ops, void *ctx);
void pd_table_free(struct pd_table *t);

/* New row count (data reloaded or filtered). The cursor stays where it was,
 * clamped. Marks are cleared unless keep_marks (and the count is unchanged
 * or smaller). The next draw repaints. */
void pd_table_set_count(struct pd_table *t, size_t count, bool keep_marks);
size_t pd_table_count(const struct pd_table *t);
/* More rows at the end (a page arrived, a lazy filter found more matches):
 * the cursor and the marks stay, and the next draw repaints only when rows
 * appear inside the visible window, so growing below it costs nothing.
 * A count not larger than the current one is ignored. */
void pd_table_grow(struct pd_table *t, size_t count);

size_t pd_table_cursor(const struct pd_table *t);
/* Moves the selection (clamped) and scrolls so it stays visible. */
void pd_table_set_cursor(struct pd_table *t, size_t row);
size_t pd_table_top(const struct pd_table *t);

/* Navigation and marking by action: move-up/down, page-up/down,
 * move-first/last, mark (toggles the mark and moves down). Returns true
 * when the action was one of these (the body should be redrawn; the table
 * itself knows how little to repaint). */
bool pd_table_action(struct pd_table *t, enum pd_action action);

/* Highlights occurrences of needle in the visible cells (NULL: none). */
void pd_table_set_highlight(struct pd_table *t, const char *needle);
const char *pd_table_highlight(const struct pd_table *t);

/* Moves the cursor to the next (dir > 0) or previous match of needle,
 * wrapping around; returns false when no row matches. Linear in the row
 * count (it is a user action, like less's n). */
bool pd_table_search(struct pd_table *t, const char *needle, int dir);

bool pd_table_is_marked(const struct pd_table *t, size_t row);
void pd_table_set_mark(struct pd_table *t, size_t row, bool on);
size_t pd_table_marked_count(const struct pd_table *t);
/* The first marked row >= from, or (size_t)-1. */
size_t pd_table_next_marked(const struct pd_table *t, size_t from);
void pd_table_clear_marks(struct pd_table *t);

/* Draws into r of win. full forces a repaint of every visible row (resize,
 * Ctrl-L, after an overlay); otherwise only what changed since the last
 * draw is repainted. */
void pd_table_draw(struct pd_table *t, WINDOW *win, struct pd_rect r, bool full);
/* The next draw repaints everything. */
void pd_table_invalidate(struct pd_table *t);

/* Rows of data visible at the last draw (r.h minus the header). */
int pd_table_page_rows(const struct pd_table *t);

/* Column widths for a total width (0 = hidden column); returns the number
 * of visible columns. Exposed for tests and for screens aligning a footer. */
int pd_table_layout(const struct pd_table *t, int width, int *widths);

/* How many times the format callback has run (tests, benchmarks). */
unsigned long pd_table_format_calls(const struct pd_table *t);

#endif
