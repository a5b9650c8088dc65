/* tui/confirm.c — see confirm.h. */
#include "tui/confirm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/theme.h"
#include "tui/width.h"

static int init(struct pd_confirm *c, enum pd_confirm_kind kind, const char *title,
                const char *message, const char *expect)
{
  memset(c, 0, sizeof *c);
  c->kind = kind;
  c->title = strdup(title ? title : "Confirm");
  c->message = strdup(message ? message : "");
  c->expect = strdup(expect ? expect : "");
  pd_lineedit_init(&c->input, 512);
  if (!c->title || !c->message || !c->expect || !c->input.buf) {
    pd_confirm_free(c);
    return -1;
  }
  return 0;
}

int pd_confirm_init_yesno(struct pd_confirm *c, const char *title, const char *message,
                          bool default_yes)
{
  if (init(c, PD_CONFIRM_YESNO, title, message, NULL) != 0)
    return -1;
  c->default_yes = default_yes;
  return 0;
}

int pd_confirm_init_typed(struct pd_confirm *c, const char *title, const char *message,
                          const char *expect, bool nocase)
{
  if (init(c, PD_CONFIRM_TYPED, title, message, expect) != 0)
    return -1;
  c->nocase = nocase;
  return 0;
}

void pd_confirm_free(struct pd_confirm *c)
{
  free(c->title);
  free(c->message);
  free(c->expect);
  pd_lineedit_free(&c->input);
  memset(c, 0, sizeof *c);
}

bool pd_confirm_matches(const struct pd_confirm *c, const char *text)
{
  if (c->expect == NULL || text == NULL || c->expect[0] == '\0')
    return false;
  return c->nocase ? strcasecmp(c->expect, text) == 0 : strcmp(c->expect, text) == 0;
}

enum pd_confirm_result pd_confirm_key(struct pd_confirm *c, pd_key key)
{
  enum pd_le_result r;

  if (c->kind == PD_CONFIRM_YESNO) {
    switch (key) {
    case 'y':
    case 'Y': return PD_CONFIRM_YES;
    case 'n':
    case 'N':
    case 'q':
    case PD_KEY_ESC: return PD_CONFIRM_NO;
    case PD_KEY_ENTER: return c->default_yes ? PD_CONFIRM_YES : PD_CONFIRM_NO;
    default: return PD_CONFIRM_PENDING;
    }
  }
  r = pd_lineedit_key(&c->input, key);
  if (r == PD_LE_CANCEL)
    return PD_CONFIRM_NO;
  if (r == PD_LE_SUBMIT) {
    if (pd_confirm_matches(c, pd_lineedit_text(&c->input)))
      return PD_CONFIRM_YES;
    snprintf(c->error, sizeof c->error, "That does not match. Type it exactly, or Esc to cancel.");
    return PD_CONFIRM_PENDING;
  }
  if (r == PD_LE_CHANGED)
    c->error[0] = '\0';
  return PD_CONFIRM_PENDING;
}

struct count_ctx {
  int n;
};

static void count_line(void *ctx, const char *s, size_t len)
{
  (void)s;
  (void)len;
  ((struct count_ctx *)ctx)->n++;
}

static int dialog_width(int cols)
{
  int w = cols - 4;

  if (w > 72)
    w = 72;
  return w < 10 ? (cols < 10 ? cols : 10) : w;
}

struct pd_rect pd_confirm_rect(const struct pd_confirm *c, int lines, int cols)
{
  struct pd_rect r;
  struct count_ctx cc = {0};
  int inner;

  r.w = dialog_width(cols);
  inner = r.w - 4;
  pd_wrap(c->message, inner, count_line, &cc);
  /* border, blank, message, blank, [prompt, input, error,] keys, border */
  r.h = 2 + 1 + cc.n + 1 + (c->kind == PD_CONFIRM_TYPED ? 3 : 0) + 1;
  if (c->kind == PD_CONFIRM_TYPED) {
    struct count_ctx pc = {0};
    char prompt[600];

    snprintf(prompt, sizeof prompt, "Type %s to confirm:", c->expect);
    pd_wrap(prompt, inner, count_line, &pc);
    r.h += pc.n - 1;
  }
  if (r.h > lines)
    r.h = lines;
  r.y = (lines - r.h) / 2;
  r.x = (cols - r.w) / 2;
  return r;
}

struct draw_ctx {
  WINDOW *win;
  int y, x, w, maxy;
  attr_t attr;
};

static void draw_line(void *ctx, const char *s, size_t len)
{
  struct draw_ctx *d = ctx;

  if (d->y < d->maxy)
    pd_draw_textn(d->win, d->y, d->x, d->w, s, len, d->attr, 0);
  d->y++;
}

int pd_confirm_draw(struct pd_confirm *c, WINDOW *win, struct pd_rect r, int *cursor_y)
{
  attr_t body = pd_theme_attr(PD_STYLE_DIALOG);
  struct draw_ctx d = {win, r.y + 2, r.x + 2, r.w - 4, r.y + r.h - 2, body};
  int cx = -1;
  char title[256];

  if (r.w < 6 || r.h < 4)
    return -1;
  pd_draw_clear_rect(win, r, body);
  pd_draw_box(win, r, body);
  snprintf(title, sizeof title, " %s ", c->title);
  pd_draw_text(win, r.y, r.x + 2, r.w - 4, title, body | A_BOLD, 0);
  pd_wrap(c->message, d.w, draw_line, &d);
  d.y++;
  if (c->kind == PD_CONFIRM_TYPED) {
    char prompt[600];

    snprintf(prompt, sizeof prompt, "Type %s to confirm:", c->expect);
    pd_wrap(prompt, d.w, draw_line, &d);
    if (d.y < d.maxy) {
      cx = pd_lineedit_draw(&c->input, win, d.y, d.x, d.w, pd_theme_attr(PD_STYLE_INPUT));
      if (cursor_y)
        *cursor_y = d.y;
    }
    d.y++;
    if (d.y < d.maxy && c->error[0])
      pd_draw_text(win, d.y, d.x, d.w, c->error, pd_theme_attr(PD_STYLE_ERROR), 0);
    d.y++;
    if (d.y <= d.maxy)
      pd_draw_text(win, r.y + r.h - 2, d.x, d.w, "Enter: confirm   Esc: cancel", body, 0);
  } else {
    pd_draw_text(win, r.y + r.h - 2, d.x, d.w,
                 c->default_yes ? "[Y]es   [n]o   (Enter: yes, Esc: no)"
                                : "[y]es   [N]o   (Enter: no, Esc: no)",
                 body, 0);
  }
  return cx;
}
