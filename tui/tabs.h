/* tui/tabs.h — a one-line tabs bar and a horizontal bar chart. Stateless:
 * the caller keeps the active tab / the data; both draw only inside the row
 * or rectangle they are given, and sanitise their labels. */
#ifndef PD_TUI_TABS_H
#define PD_TUI_TABS_H

#include <curses.h>

#include "tui/draw.h"
#include "tui/theme.h"

/* " Inventory | Holds | Requests " with the active label highlighted (and
 * bracketed, so it shows without colour). Labels that do not fit are cut.
 * Returns the columns used. */
int pd_tabs_draw(WINDOW *win, int y, int x, int width, const char *const *labels, int n, int active);

/* The tab after (dir +1) or before (dir -1) active, wrapping. */
int pd_tabs_step(int active, int n, int dir);

struct pd_bar {
  const char *label;  /* copied by nobody: must live during the draw */
  long count;         /* >= 0 */
  enum pd_style role;  /* colour of the bar (PD_STYLE_BAR, PD_STYLE_URGENT ...) */
};

/* One bar per row in r: label (left, up to a third of the width), the bar
 * scaled so the largest count fills the bar area (any count > 0 gets at
 * least a sliver), then the count right-aligned. UTF-8 locales draw block
 * characters with eighth-cell resolution, others '#'. Rows beyond r.h are
 * not drawn. Works from 20 columns up; at 80 columns bars get ~50. */
void pd_barchart_draw(WINDOW *win, struct pd_rect r, const struct pd_bar *bars, int n);

/* The bar length in eighths of a cell for count, with max_count filling
 * width cells (exposed for tests). */
long pd_bar_eighths(long count, long max_count, int width);

#endif
