/* tui/help.c — see help.h. */
#include "tui/help.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/detail.h"

struct help_screen {
  struct pd_screen base;
  struct pd_detail *detail;
};

static unsigned help_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct help_screen *h = (struct help_screen *)s;

  (void)app;
  (void)key;
  if (action == PD_ACT_HELP)
    return PD_POP;
  if (pd_detail_action(h->detail, action))
    return PD_REDRAW_BODY;
  return PD_UNHANDLED;
}

static void help_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  struct help_screen *h = (struct help_screen *)s;

  (void)app;
  (void)full;
  pd_detail_draw(h->detail, win, r);
}

static void help_destroy(struct pd_screen *s)
{
  struct help_screen *h = (struct help_screen *)s;

  pd_detail_free(h->detail);
  free(h);
}

static const struct pd_screen_ops help_ops = {
  .scope = "help",
  .key = help_key,
  .draw = help_draw,
  .destroy = help_destroy,
};

struct section_ctx {
  struct pd_detail *d;
  const char *section;
};

static void add_section_key(void *ctx, const char *section, const char *keys, const char *help)
{
  struct section_ctx *c = ctx;

  if (c->section == NULL || strcmp(c->section, section) != 0) {
    char heading[128];

    if (c->section)
      pd_detail_add_blank(c->d);
    if (strcmp(section, PD_SCOPE_GLOBAL) == 0)
      snprintf(heading, sizeof heading, "Global keys");
    else
      snprintf(heading, sizeof heading, "Keys of this screen (%s)", section);
    pd_detail_add_heading(c->d, heading);
    c->section = section;
  }
  pd_detail_add_row(c->d, keys, help, PD_STYLE_NORMAL);
}

struct pd_screen *pd_help_screen_new(const char *scope, const char *title, const char *extra)
{
  struct help_screen *h = calloc(1, sizeof *h);
  struct section_ctx c;

  if (h == NULL || (h->detail = pd_detail_new()) == NULL) {
    free(h);
    return NULL;
  }
  h->base.ops = &help_ops;
  snprintf(h->base.title, sizeof h->base.title, "Help%s%s", title && *title ? ": " : "",
           title ? title : "");
  h->base.hints = "j/k scroll   q/Esc/? close";
  if (extra && *extra) {
    pd_detail_add_text(h->detail, extra, PD_STYLE_NORMAL);
    pd_detail_add_blank(h->detail);
  }
  c.d = h->detail;
  c.section = NULL;
  pd_keymap_help(scope, add_section_key, &c);
  return &h->base;
}
