/* A read-only report screen: a title and lines of "left  right" text, e.g.
 * the per-row outcome of a bulk action. Esc or q closes it. */
#ifndef PD_SCREENS_REPORT_H
#define PD_SCREENS_REPORT_H

#include "tui/app.h"

struct report;

struct report *report_new(const char *title);
void report_heading(struct report *r, const char *text);
void report_row(struct report *r, const char *left, const char *right, enum pd_style style);
void report_text(struct report *r, const char *text, enum pd_style style);
/* The screen to push; it owns the report from now on. */
struct pd_screen *report_screen(struct report *r);

#endif
