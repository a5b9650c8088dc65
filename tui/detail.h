/* tui/detail.h — a scrollable detail pane: "key: value" fields, headings,
 * and word-wrapped text blocks (notes, reasons, timeline entries).
 *
 * Content is copied in; wrapping happens at draw time for the pane's width
 * (and again after a resize). Values and text are untrusted and drawn
 * sanitised; text blocks keep their newlines (PD_SAN_NEWLINES), fields do
 * not. Long field values wrap under the value column. */
#ifndef PD_TUI_DETAIL_H
#define PD_TUI_DETAIL_H

#include <curses.h>
#include <stdbool.h>

#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/theme.h"

struct pd_detail;

struct pd_detail *pd_detail_new(void);
void pd_detail_free(struct pd_detail *d);
/* Removes all content and scrolls to the top. */
void pd_detail_clear(struct pd_detail *d);

void pd_detail_add_heading(struct pd_detail *d, const char *text);
/* "key: value"; role colours the value (PD_STYLE_NORMAL, PD_STYLE_URGENT ...) */
void pd_detail_add_field(struct pd_detail *d, const char *key, const char *value, enum pd_style role);
void pd_detail_add_fieldf(struct pd_detail *d, const char *key, enum pd_style role, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/* A two-column row without the colon, the left part in the key role (key
 * tables, legends). */
void pd_detail_add_row(struct pd_detail *d, const char *left, const char *right, enum pd_style role);
void pd_detail_add_text(struct pd_detail *d, const char *text, enum pd_style role);
void pd_detail_add_blank(struct pd_detail *d);

/* Draws the visible lines into r (clearing the rest). */
void pd_detail_draw(struct pd_detail *d, WINDOW *win, struct pd_rect r);

/* Scrolling by action (move-down/up scroll a line, page-down/up, first,
 * last). Returns true when handled (a redraw is due). */
bool pd_detail_action(struct pd_detail *d, enum pd_action action);

/* Lines after wrapping at the last drawn width; first visible line. */
int pd_detail_line_count(const struct pd_detail *d);
int pd_detail_top(const struct pd_detail *d);
void pd_detail_set_top(struct pd_detail *d, int top);

#endif
