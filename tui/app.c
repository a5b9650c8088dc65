/* tui/app.c — the screen stack, the loop glue and the app's lifetime. See
 * app.h. Input handling is in app_input.c, drawing in app_render.c. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app_impl.h"
#include "tui/help.h"
#include "tui/theme.h"

/* ---- stack ---- */

void pd_app__update_hints(struct pd_app *app)
{
  struct pd_screen *top = pd_app_top(app);

  pd_status_set_hints(&app->status, top && top->hints ? top->hints : app->default_hints);
}

static void stack_changed(struct pd_app *app)
{
  app->dirty |= PD_REDRAW_HEADER | PD_REDRAW_BODY | PD_REDRAW_STATUS;
  app->body_full = true;
  pd_status_set_right(&app->status, ""); /* the new top sets its own in enter() */
  pd_app__update_hints(app);
}

void pd_app__bury(struct pd_app *app, struct pd_screen *s)
{
  if (app->ngrave == app->capgrave) {
    int ncap = app->capgrave ? app->capgrave * 2 : 8;
    struct pd_screen **p = realloc(app->grave, (size_t)ncap * sizeof *p);

    if (p == NULL) {
      s->ops->destroy(s); /* last resort: cannot defer */
      return;
    }
    app->grave = p;
    app->capgrave = ncap;
  }
  app->grave[app->ngrave++] = s;
}

void pd_app__flush_grave(struct pd_app *app)
{
  int i;

  for (i = 0; i < app->ngrave; i++)
    app->grave[i]->ops->destroy(app->grave[i]);
  app->ngrave = 0;
}

static void push(struct pd_app *app, struct pd_screen *s, bool leave_top)
{
  struct pd_screen *top = pd_app_top(app);

  if (s == NULL)
    return;
  if (app->depth == app->cap) {
    int ncap = app->cap ? app->cap * 2 : 8;
    struct pd_screen **p = realloc(app->stack, (size_t)ncap * sizeof *p);

    if (p == NULL) {
      s->ops->destroy(s);
      pd_app_message(app, PD_MSG_ERROR, "out of memory");
      return;
    }
    app->stack = p;
    app->cap = ncap;
  }
  if (top && leave_top && top->ops->leave)
    top->ops->leave(top, app);
  s->id = ++app->next_id;
  app->stack[app->depth++] = s;
  stack_changed(app);
  if (s->ops->resize && app->have_windows)
    s->ops->resize(s, app, app->rows - 3, app->cols);
  if (s->ops->enter)
    s->ops->enter(s, app);
  pd_app__update_hints(app); /* enter() may choose the hints (e.g. by role) */
}

void pd_app_push(struct pd_app *app, struct pd_screen *s)
{
  push(app, s, true);
}

void pd_app__remove_screen(struct pd_app *app, struct pd_screen *s, bool enter_next)
{
  int i, idx = -1;

  for (i = 0; i < app->depth; i++)
    if (app->stack[i] == s)
      idx = i;
  if (idx < 0)
    return;
  if (idx == app->depth - 1 && s->ops->leave)
    s->ops->leave(s, app);
  memmove(app->stack + idx, app->stack + idx + 1, (size_t)(app->depth - idx - 1) * sizeof *app->stack);
  app->depth--;
  pd_app__bury(app, s);
  stack_changed(app);
  if (idx == app->depth && app->depth > 0 && enter_next) {
    struct pd_screen *top = app->stack[app->depth - 1];

    if (top->ops->enter)
      top->ops->enter(top, app);
    pd_app__update_hints(app);
  }
  if (app->depth == 0 && enter_next)
    pd_app_quit(app);
}

void pd_app_pop(struct pd_app *app)
{
  if (app->depth > 0)
    pd_app__remove_screen(app, app->stack[app->depth - 1], true);
}

void pd_app_replace(struct pd_app *app, struct pd_screen *s)
{
  if (app->depth > 0)
    pd_app__remove_screen(app, app->stack[app->depth - 1], false);
  push(app, s, false); /* the screen below was never entered again */
}

struct pd_screen *pd_app_top(const struct pd_app *app)
{
  return app->depth > 0 ? app->stack[app->depth - 1] : NULL;
}

int pd_app_depth(const struct pd_app *app)
{
  return app->depth;
}

struct pd_screen *pd_app_find(const struct pd_app *app, uint64_t id)
{
  int i;

  for (i = 0; i < app->depth; i++)
    if (app->stack[i]->id == id)
      return app->stack[i];
  return NULL;
}

int pd_app__titles(const struct pd_app *app, const char **out, int max)
{
  int i, n = 0;

  for (i = 0; i < app->depth && n < max; i++)
    out[n++] = app->stack[i]->title;
  return n;
}

size_t pd_app_breadcrumb(const struct pd_app *app, char *buf, size_t size)
{
  const char *t[64];
  int n = pd_app__titles(app, t, 64);

  return pd_breadcrumb_format(buf, size, t, n, 100000);
}

/* ---- loop glue ---- */

static void before_sleep(struct pd_loop *loop, void *ctx)
{
  (void)loop;
  pd_app_render(ctx);
}

static void on_keyboard(struct pd_loop *loop, int fd, short revents, void *ctx)
{
  struct pd_app *app = ctx;
  pd_key k;

  (void)loop;
  (void)fd;
  if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
    pd_app_quit(app); /* the terminal went away */
    return;
  }
  while (!app->quit && (k = pd_term_read_key()) != PD_KEY_NONE)
    pd_app_key(app, k);
}

static void on_signal(struct pd_loop *loop, int signo, void *ctx)
{
  struct pd_app *app = ctx;

  (void)loop;
  if (signo == SIGWINCH) {
    if (!pd_term_is_headless())
      pd_app_resize(app, 0, 0);
  } else {
    pd_app_quit(app);
  }
}

static void script_key(void *ctx, pd_key key)
{
  pd_app_key(ctx, key);
}

static void script_resize(void *ctx, int rows, int cols)
{
  pd_app_resize(ctx, rows, cols);
}

static int script_dump(void *ctx, const char *path, unsigned flags)
{
  pd_app_render(ctx);
  return pd_term_dump(path, flags);
}

static bool script_idle(void *ctx)
{
  struct pd_app *app = ctx;

  if (app->opts.is_idle)
    return app->opts.is_idle(app->opts.ctx);
  return app->status.busy == 0;
}

static void script_finished(void *ctx, int status, const char *msg)
{
  struct pd_app *app = ctx;

  if (status != 0) {
    snprintf(app->script_error, sizeof app->script_error, "%s", msg ? msg : "script failed");
    app->exit_status = 1;
  }
  pd_app_quit(app);
}

static const struct pd_script_hooks script_hooks = {script_key, script_resize, script_dump,
                                                    script_idle, script_finished};

struct pd_app *pd_app_new(const struct pd_app_opts *opts, char *err, size_t errsize)
{
  struct pd_app *app = calloc(1, sizeof *app);
  char k_help[32], k_cmd[32], k_back[32], k_quit[32];

  if (app == NULL) {
    snprintf(err, errsize, "out of memory");
    return NULL;
  }
  app->opts = *opts;
  app->name = strdup(opts->name ? opts->name : "privdesk");
  app->key_handle = -1;
  pd_status_init(&app->status);
  pd_cmdline_init(&app->cmd, opts->commands, opts->ncommands);
  if (opts->complete)
    pd_cmdline_set_completer(&app->cmd, opts->complete, opts->ctx);
  pd_lineedit_init(&app->prompt_le, 4096);
  app->loop = pd_loop_new();
  if (app->name == NULL || app->loop == NULL) {
    snprintf(err, errsize, "out of memory");
    pd_app_free(app);
    return NULL;
  }
  if (opts->term.headless && opts->term.script) {
    app->script = pd_script_load(opts->term.script, err, errsize);
    if (app->script == NULL) {
      pd_app_free(app);
      return NULL;
    }
  }
  if (pd_term_open(&opts->term, err, errsize) != 0) {
    pd_app_free(app);
    return NULL;
  }
  wnoutrefresh(stdscr); /* stdscr stays untouched: reading keys never repaints it */
  pd_loop_set_before_sleep(app->loop, before_sleep, app);
  pd_loop_watch_signals(app->loop, on_signal, app); /* fails only if another loop owns them */
  if (pd_term_input_fd() >= 0)
    app->key_handle = pd_loop_add_fd(app->loop, pd_term_input_fd(), POLLIN, on_keyboard, app);
  if (app->script) {
    app->player = pd_script_player_new(app->loop, app->script, &script_hooks, app);
    if (app->player == NULL) {
      snprintf(err, errsize, "out of memory");
      pd_app_free(app);
      return NULL;
    }
  }
  pd_keymap_keys_display(PD_ACT_HELP, k_help, sizeof k_help);
  pd_keymap_keys_display(PD_ACT_COMMAND, k_cmd, sizeof k_cmd);
  pd_keymap_keys_display(PD_ACT_BACK, k_back, sizeof k_back);
  pd_keymap_keys_display(PD_ACT_QUIT, k_quit, sizeof k_quit);
  snprintf(app->default_hints, sizeof app->default_hints, "%s help   %s command   %s back   %s quit",
           k_help, k_cmd, k_back, k_quit);
  pd_app__update_hints(app);
  pd_app__layout(app);
  return app;
}

int pd_app_run(struct pd_app *app)
{
  while (!app->quit)
    if (pd_loop_run_once(app->loop, 0) < 0)
      break;
  pd_app__flush_grave(app);
  return app->exit_status;
}

void pd_app_free(struct pd_app *app)
{
  int i;

  if (app == NULL)
    return;
  for (i = app->depth - 1; i >= 0; i--) {
    if (i == app->depth - 1 && app->stack[i]->ops->leave)
      app->stack[i]->ops->leave(app->stack[i], app);
    pd_app__bury(app, app->stack[i]);
  }
  app->depth = 0;
  pd_app__flush_grave(app);
  if (app->confirm_open)
    pd_confirm_free(&app->confirm);
  pd_script_player_free(app->player);
  pd_script_free(app->script);
  pd_app__drop_windows(app);
  if (app->loop)
    pd_loop_free(app->loop);
  pd_term_close();
  pd_cmdline_free(&app->cmd);
  pd_lineedit_free(&app->prompt_le);
  for (i = 0; i < 5; i++)
    free(app->hdr_strings[i]);
  free(app->stack);
  free(app->grave);
  free(app->name);
  free(app);
}
