/* tui/app_input.c — key routing, reactions, dialogs, prompts, the command
 * line and status messages. See app.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app_impl.h"
#include "tui/help.h"
#include "tui/theme.h"

/* ---- reactions ---- */

void pd_app_redraw(struct pd_app *app, unsigned what)
{
  app->dirty |= what & (PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER | PD_REDRAW_ALL);
  if (what & PD_REDRAW_ALL)
    app->body_full = true;
  if (what & (PD_REDRAW_STATUS | PD_REDRAW_ALL))
    pd_app__update_hints(app); /* the top screen may have changed its hints */
}

void pd_app_quit(struct pd_app *app)
{
  app->quit = true;
  pd_loop_stop(app->loop);
}

const char *pd_app_script_error(const struct pd_app *app)
{
  return app->script_error[0] ? app->script_error : NULL;
}

struct pd_loop *pd_app_loop(struct pd_app *app)
{
  return app->loop;
}

void pd_app_show_help(struct pd_app *app)
{
  struct pd_screen *top = pd_app_top(app), *h;

  if (top && top->ops->scope && strcmp(top->ops->scope, "help") == 0)
    return;
  h = pd_help_screen_new(top ? top->ops->scope : NULL, top ? top->title : NULL,
                         top && top->ops->help ? top->ops->help(top) : NULL);
  if (h)
    pd_app_push(app, h);
}

static void default_action(struct pd_app *app, pd_key key, enum pd_action action)
{
  switch (action) {
  case PD_ACT_QUIT: pd_app_quit(app); break;
  case PD_ACT_BACK:
    if (app->depth > 1)
      pd_app_pop(app);
    else if (key != PD_KEY_ESC)
      pd_app_quit(app);
    break;
  case PD_ACT_HELP: pd_app_show_help(app); break;
  case PD_ACT_REDRAW:
    app->clear_screen = true;
    pd_app_redraw(app, PD_REDRAW_ALL);
    break;
  case PD_ACT_COMMAND: pd_app_open_command(app); break;
  default: break;
  }
}

void pd_app__apply(struct pd_app *app, struct pd_screen *s, unsigned r, pd_key key,
                  enum pd_action action)
{
  pd_app_redraw(app, r);
  if (r & PD_UNHANDLED)
    default_action(app, key, action);
  if ((r & PD_POP) && s)
    pd_app__remove_screen(app, s, true);
  if (r & PD_QUIT)
    pd_app_quit(app);
}

void pd_app_deliver(struct pd_app *app, uint64_t screen_id, int kind, void *payload,
                    void (*free_payload)(void *))
{
  struct pd_screen *s = pd_app_find(app, screen_id);

  if (s == NULL || s->ops->data_arrived == NULL) {
    if (free_payload)
      free_payload(payload);
    return;
  }
  pd_app__apply(app, s, s->ops->data_arrived(s, app, kind, payload) & ~(unsigned)PD_UNHANDLED, PD_KEY_NONE,
        PD_ACT_NONE);
}

/* ---- status line: messages and spinner ---- */

static void msg_expired(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  struct pd_app *app = ctx;

  (void)id;
  app->msg_timer = 0;
  if (pd_status_expire(&app->status, pd_loop_now_ms() + 1))
    app->dirty |= PD_REDRAW_STATUS;
  (void)loop;
}

void pd_app_message(struct pd_app *app, enum pd_severity sev, const char *fmt, ...)
{
  char buf[512];
  long timeout = sev == PD_MSG_ERROR ? 10000 : 4000;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  pd_status_set_message(&app->status, sev, buf, pd_loop_now_ms(), timeout);
  if (app->msg_timer)
    pd_loop_cancel_timer(app->loop, app->msg_timer);
  app->msg_timer = pd_loop_add_timer(app->loop, timeout, 0, msg_expired, app);
  app->dirty |= PD_REDRAW_STATUS;
}

static void spin(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  struct pd_app *app = ctx;

  (void)loop;
  (void)id;
  pd_status_tick(&app->status);
  app->dirty |= PD_REDRAW_STATUS;
}

void pd_app_set_busy(struct pd_app *app, int in_flight)
{
  if (pd_status_set_busy(&app->status, in_flight))
    app->dirty |= PD_REDRAW_STATUS;
  if (in_flight > 0 && app->spinner_timer == 0) {
    app->spinner_timer = pd_loop_add_timer(app->loop, 100, 100, spin, app);
  } else if (in_flight <= 0 && app->spinner_timer) {
    pd_loop_cancel_timer(app->loop, app->spinner_timer);
    app->spinner_timer = 0;
  }
}

int pd_app_busy(const struct pd_app *app)
{
  return app->status.busy;
}

void pd_app_set_status_right(struct pd_app *app, const char *text)
{
  if (strcmp(app->status.right, text ? text : "") != 0) {
    pd_status_set_right(&app->status, text);
    app->dirty |= PD_REDRAW_STATUS;
  }
}

void pd_app_set_header(struct pd_app *app, const struct pd_header *h)
{
  const char *src[5] = {h->profile, h->host, h->user, h->role, h->conn_detail};
  int i;

  for (i = 0; i < 5; i++) {
    free(app->hdr_strings[i]);
    app->hdr_strings[i] = src[i] ? strdup(src[i]) : NULL;
  }
  app->header = *h;
  app->header.profile = app->hdr_strings[0];
  app->header.host = app->hdr_strings[1];
  app->header.user = app->hdr_strings[2];
  app->header.role = app->hdr_strings[3];
  app->header.conn_detail = app->hdr_strings[4];
  app->dirty |= PD_REDRAW_HEADER;
}

/* ---- dialogs and input lines ---- */

static void close_confirm(struct pd_app *app, bool yes)
{
  pd_confirm_done_fn done = app->confirm_done;
  void *ctx = app->confirm_ctx;

  snprintf(app->confirm_typed, sizeof app->confirm_typed, "%s",
           app->confirm.kind == PD_CONFIRM_TYPED && yes ? pd_lineedit_text(&app->confirm.input) : "");
  pd_confirm_free(&app->confirm);
  app->confirm_open = false;
  app->confirm_done = NULL;
  app->dirty |= PD_REDRAW_BODY | PD_REDRAW_STATUS;
  app->body_full = true;
  if (done)
    done(app, yes, ctx);
}

const char *pd_app_confirm_typed(const struct pd_app *app)
{
  return app->confirm_typed;
}

void pd_app_confirm(struct pd_app *app, struct pd_confirm *c, pd_confirm_done_fn done, void *ctx)
{
  if (app->confirm_open)
    close_confirm(app, false);
  app->confirm = *c;
  memset(c, 0, sizeof *c); /* the app owns it now; freeing c is harmless */
  app->confirm_open = true;
  app->confirm_done = done;
  app->confirm_ctx = ctx;
  app->dirty |= PD_REDRAW_BODY | PD_REDRAW_STATUS;
}

void pd_app_open_command(struct pd_app *app)
{
  pd_cmdline_open(&app->cmd);
  app->input = IN_COMMAND;
  app->dirty |= PD_REDRAW_STATUS;
}

void pd_app_prompt(struct pd_app *app, const struct pd_prompt_opts *opts)
{
  if (app->input == IN_PROMPT && app->prompt.done)
    app->prompt.done(app, NULL, app->prompt.ctx);
  pd_lineedit_free(&app->prompt_le);
  pd_lineedit_init(&app->prompt_le, 4096);
  app->prompt = *opts;
  snprintf(app->prompt_label, sizeof app->prompt_label, "%s", opts->label ? opts->label : "");
  app->prompt.label = app->prompt_label;
  app->prompt.initial = NULL;
  app->prompt_le.mask = opts->mask;
  app->prompt_le.history = opts->history;
  if (opts->initial)
    pd_lineedit_set(&app->prompt_le, opts->initial);
  app->input = IN_PROMPT;
  app->dirty |= PD_REDRAW_STATUS;
}

static void command_key(struct pd_app *app, pd_key key)
{
  bool had_hint = pd_cmdline_hint(&app->cmd)[0] != '\0';
  enum pd_le_result r = pd_cmdline_key(&app->cmd, key);
  bool has_hint = pd_cmdline_hint(&app->cmd)[0] != '\0';

  app->dirty |= PD_REDRAW_STATUS;
  if (had_hint || has_hint) {
    app->dirty |= PD_REDRAW_BODY; /* the candidates row over the body */
    app->body_full |= had_hint && !has_hint;
  }
  if (r == PD_LE_SUBMIT || r == PD_LE_CANCEL) {
    char *line = strdup(pd_cmdline_text(&app->cmd));

    app->input = IN_NONE;
    app->dirty |= PD_REDRAW_BODY;
    app->body_full |= has_hint;
    if (r == PD_LE_SUBMIT && line && line[0]) {
      if (app->opts.command)
        pd_app__apply(app, pd_app_top(app), app->opts.command(app, line, app->opts.ctx), PD_KEY_NONE,
              PD_ACT_NONE);
      else
        pd_app_message(app, PD_MSG_ERROR, "no commands here");
    }
    free(line);
  }
}

static void prompt_key(struct pd_app *app, pd_key key)
{
  enum pd_le_result r = pd_lineedit_key(&app->prompt_le, key);
  struct pd_prompt_opts p = app->prompt;

  app->dirty |= PD_REDRAW_STATUS;
  if (r == PD_LE_CHANGED && p.changed)
    p.changed(app, pd_lineedit_text(&app->prompt_le), p.ctx);
  if (r == PD_LE_SUBMIT || r == PD_LE_CANCEL) {
    char *text = strdup(pd_lineedit_text(&app->prompt_le));

    app->input = IN_NONE;
    if (r == PD_LE_SUBMIT && p.history)
      pd_history_add(p.history, text);
    if (p.done)
      p.done(app, r == PD_LE_SUBMIT ? (text ? text : "") : NULL, p.ctx);
    free(text);
  }
}

void pd_app_key(struct pd_app *app, pd_key key)
{
  struct pd_screen *top;
  enum pd_action action;
  unsigned r;

  if (key == PD_KEY_NONE)
    return;
  if (key == PD_KEY_RESIZE) {
    pd_app_resize(app, 0, 0);
    return;
  }
  if (app->confirm_open) {
    enum pd_confirm_result cr = pd_confirm_key(&app->confirm, key);

    if (cr == PD_CONFIRM_PENDING)
      app->dirty |= PD_REDRAW_BODY;
    else
      close_confirm(app, cr == PD_CONFIRM_YES);
    return;
  }
  if (app->input == IN_COMMAND) {
    command_key(app, key);
    return;
  }
  if (app->input == IN_PROMPT) {
    prompt_key(app, key);
    return;
  }
  top = pd_app_top(app);
  action = pd_keymap_lookup(key, top ? top->ops->scope : NULL);
  r = top && top->ops->key ? top->ops->key(top, app, key, action) : PD_UNHANDLED;
  pd_app__apply(app, top, r, key, action);
}

