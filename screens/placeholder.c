#include "screens/placeholder.h"

#include <stdio.h>
#include <stdlib.h>

static void ph_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  (void)full;
  wmove(win, r.y, r.x);
  wclrtobot(win);
  pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, s->title, pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
}

static unsigned ph_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)s;
  (void)app;
  (void)key;
  (void)action;
  return PD_UNHANDLED;
}

static void ph_destroy(struct pd_screen *s) { free(s); }

static const struct pd_screen_ops ph_ops = {.key = ph_key, .draw = ph_draw, .destroy = ph_destroy};

struct pd_screen *placeholder_screen_new(const char *title) {
  struct pd_screen *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->ops = &ph_ops;
  snprintf(s->title, sizeof s->title, "%s", title);
  return s;
}
