/* tui/app_render.c — windows, layout and rendering. See app.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app_impl.h"
#include "tui/help.h"
#include "tui/theme.h"

/* ---- windows and layout ---- */

void pd_app__drop_windows(struct pd_app *app)
{
  WINDOW **w[] = {&app->whdr, &app->wcrumb, &app->wbody, &app->wstatus};
  size_t i;

  for (i = 0; i < sizeof w / sizeof w[0]; i++) {
    if (*w[i])
      delwin(*w[i]);
    *w[i] = NULL;
  }
  app->have_windows = false;
}

void pd_app__layout(struct pd_app *app)
{
  int i;

  pd_app__drop_windows(app);
  app->rows = LINES;
  app->cols = COLS;
  app->too_small = app->rows < PD_APP_MIN_ROWS || app->cols < PD_APP_MIN_COLS;
  app->dirty |= PD_REDRAW_ALL;
  app->body_full = true;
  if (app->too_small)
    return;
  app->whdr = newwin(1, app->cols, 0, 0);
  app->wcrumb = newwin(1, app->cols, 1, 0);
  app->wbody = newwin(app->rows - 3, app->cols, 2, 0);
  app->wstatus = newwin(1, app->cols, app->rows - 1, 0);
  if (!app->whdr || !app->wcrumb || !app->wbody || !app->wstatus) {
    pd_app__drop_windows(app);
    app->too_small = true;
    return;
  }
  leaveok(app->whdr, TRUE);
  leaveok(app->wcrumb, TRUE);
  leaveok(app->wbody, TRUE);
  leaveok(app->wstatus, TRUE);
  app->have_windows = true;
  for (i = 0; i < app->depth; i++)
    if (app->stack[i]->ops->resize)
      app->stack[i]->ops->resize(app->stack[i], app, app->rows - 3, app->cols);
}

struct pd_rect pd_app_body_rect(const struct pd_app *app)
{
  struct pd_rect r = {0, 0, app->rows - 3, app->cols};

  if (app->too_small)
    r.h = r.w = 0;
  return r;
}

void pd_app_resize(struct pd_app *app, int rows, int cols)
{
  pd_term_resize(rows, cols);
  pd_app__layout(app);
  app->clear_screen = true;
}

/* ---- rendering ---- */

static void draw_status(struct pd_app *app, int *cx)
{
  attr_t a = pd_theme_attr(PD_STYLE_STATUS);
  int w = app->cols;

  *cx = -1;
  if (app->input == IN_COMMAND) {
    pd_draw_fill(app->wstatus, 0, 0, w, a);
    *cx = pd_cmdline_draw(&app->cmd, app->wstatus, 0, 0, w, a);
  } else if (app->input == IN_PROMPT) {
    /* the label may take all but 20 columns: a cut question is worse than a
     * narrow input field, which scrolls */
    int lw = pd_draw_text(app->wstatus, 0, 0, w > 40 ? w - 20 : w / 2, app->prompt_label, a | A_BOLD, 0);

    *cx = pd_lineedit_draw(&app->prompt_le, app->wstatus, 0, lw, w - lw, a);
  } else {
    pd_status_draw(&app->status, app->wstatus, 0, 0, w);
  }
}

static void draw_body(struct pd_app *app, int *cy, int *cx)
{
  struct pd_screen *top = pd_app_top(app);
  struct pd_rect r = pd_app_body_rect(app);

  *cx = -1;
  if (app->body_full)
    app->stats.body_full++;
  if (top)
    top->ops->draw(top, app, app->wbody, r, app->body_full);
  else
    pd_draw_clear_rect(app->wbody, r, pd_theme_attr(PD_STYLE_NORMAL));
  if (app->confirm_open) {
    struct pd_rect d = pd_confirm_rect(&app->confirm, r.h, r.w);

    *cx = pd_confirm_draw(&app->confirm, app->wbody, d, cy);
  }
  if (app->input == IN_COMMAND && pd_cmdline_hint(&app->cmd)[0] && r.h > 0)
    pd_draw_text(app->wbody, r.h - 1, 0, r.w, pd_cmdline_hint(&app->cmd),
                 pd_theme_attr(PD_STYLE_INFO), PD_DRAW_PAD);
}

void pd_app_render(struct pd_app *app)
{
  int status_cx = -1, body_cx = -1, body_cy = 0;
  bool any = false;

  pd_app__flush_grave(app);
  if (app->quit || !pd_term_is_open())
    return;
  if (LINES != app->rows || COLS != app->cols)
    pd_app__layout(app);
  if (app->dirty == 0)
    return;
  app->stats.frames++;
  if (app->clear_screen)
    clearok(curscr, TRUE);
  if (app->too_small) {
    werase(stdscr);
    mvwaddstr(stdscr, 0, 0, "Terminal too small");
    wnoutrefresh(stdscr);
    doupdate();
    app->stats.doupdates++;
    app->dirty = 0;
    app->clear_screen = false;
    return;
  }
  if (app->dirty & PD_REDRAW_ALL) {
    app->dirty |= PD_REDRAW_HEADER | PD_REDRAW_BODY | PD_REDRAW_STATUS;
    app->body_full = true;
  }
  if (app->dirty & PD_REDRAW_HEADER) {
    const char *t[64];
    int n = pd_app__titles(app, t, 64);

    pd_header_draw(app->whdr, 0, app->cols, app->name, &app->header);
    pd_breadcrumb_draw(app->wcrumb, 0, app->cols, t, n);
    wnoutrefresh(app->whdr);
    wnoutrefresh(app->wcrumb);
    app->stats.header++;
    app->stats.crumb++;
    any = true;
  }
  if (app->dirty & PD_REDRAW_BODY) {
    draw_body(app, &body_cy, &body_cx);
    wnoutrefresh(app->wbody);
    app->stats.body++;
    any = true;
  }
  if (app->dirty & PD_REDRAW_STATUS) {
    draw_status(app, &status_cx);
    wnoutrefresh(app->wstatus);
    app->stats.status++;
    any = true;
  }
  /* the hardware cursor: in the active input, hidden otherwise */
  if (app->input != IN_NONE && status_cx < 0 && !(app->dirty & PD_REDRAW_STATUS)) {
    draw_status(app, &status_cx);
  }
  if (app->input != IN_NONE && status_cx >= 0) {
    curs_set(1);
    leaveok(app->wstatus, FALSE);
    wmove(app->wstatus, 0, status_cx < app->cols ? status_cx : app->cols - 1);
    wnoutrefresh(app->wstatus);
  } else if (app->confirm_open && body_cx >= 0) {
    curs_set(1);
    leaveok(app->wbody, FALSE);
    wmove(app->wbody, body_cy, body_cx);
    wnoutrefresh(app->wbody);
  } else {
    leaveok(app->wstatus, TRUE);
    leaveok(app->wbody, TRUE);
    curs_set(0);
  }
  if (any) {
    doupdate();
    app->stats.doupdates++;
  }
  app->dirty = 0;
  app->body_full = false;
  app->clear_screen = false;
}

const struct pd_app_stats *pd_app_stats(const struct pd_app *app)
{
  return &app->stats;
}

