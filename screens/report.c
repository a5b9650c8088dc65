#include "screens/report.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui/detail.h"

struct report {
  struct pd_screen base;
  struct pd_detail *detail;
};

static unsigned report_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)app;
  (void)key;
  struct report *r = (struct report *)s;
  return pd_detail_action(r->detail, action) ? PD_REDRAW_BODY : PD_UNHANDLED;
}

static void report_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect rect, bool full) {
  (void)app;
  (void)full;
  pd_detail_draw(((struct report *)s)->detail, win, rect);
}

static void report_destroy(struct pd_screen *s) {
  struct report *r = (struct report *)s;
  pd_detail_free(r->detail);
  free(r);
}

static const struct pd_screen_ops report_ops = {
  .scope = NULL, .key = report_key, .draw = report_draw, .destroy = report_destroy,
};

struct report *report_new(const char *title) {
  struct report *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  r->detail = pd_detail_new();
  if (!r->detail) {
    free(r);
    return NULL;
  }
  r->base.ops = &report_ops;
  r->base.hints = "j/k scroll  q back";
  snprintf(r->base.title, sizeof r->base.title, "%s", title);
  return r;
}

void report_heading(struct report *r, const char *text) {
  if (r) pd_detail_add_heading(r->detail, text);
}

void report_row(struct report *r, const char *left, const char *right, enum pd_style style) {
  if (r) pd_detail_add_row(r->detail, left, right, style);
}

void report_text(struct report *r, const char *text, enum pd_style style) {
  if (r) pd_detail_add_text(r->detail, text, style);
}

struct pd_screen *report_screen(struct report *r) { return r ? &r->base : NULL; }
