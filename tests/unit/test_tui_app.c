/* The app frame, headless: screen stack and breadcrumb, key routing and
 * global defaults, deferred destruction, data delivery, redrawing only what
 * changed, nothing drawn while idle, spinner and message timers, command
 * line, prompt and confirmation dialog (tui/app.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/table.h"

static char events[512];

static void ev(const char *fmt, ...)
{
  size_t len = strlen(events);
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(events + len, sizeof events - len, fmt, ap);
  va_end(ap);
}

struct test_screen {
  struct pd_screen base;
  struct pd_table *table;
  int draws, full_draws, resized_rows;
  void *payload;
};

static void fmt_row(void *ctx, size_t i, struct pd_table_row *r)
{
  (void)ctx;
  pd_table_row_setf(r, 0, "row %zu", i);
}

static const struct pd_table_ops row_ops = {fmt_row, NULL};
static const struct pd_table_column one_col[] = {{"Row", 10, 0, 1, 0}};

static void s_enter(struct pd_screen *s, struct pd_app *app)
{
  (void)app;
  ev("enter:%s ", s->title);
}

static void s_leave(struct pd_screen *s, struct pd_app *app)
{
  (void)app;
  ev("leave:%s ", s->title);
}

static unsigned s_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct test_screen *t = (struct test_screen *)s;

  (void)app;
  if (key == 'p')
    return PD_POP;
  if (key == 'z')
    return PD_QUIT;
  if (pd_table_action(t->table, action))
    return PD_REDRAW_BODY;
  return PD_UNHANDLED;
}

static unsigned s_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload)
{
  struct test_screen *t = (struct test_screen *)s;

  (void)app;
  ev("data:%s:%d ", s->title, kind);
  free(t->payload);
  t->payload = payload; /* ours now */
  return PD_REDRAW_BODY;
}

static void s_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  struct test_screen *t = (struct test_screen *)s;

  (void)app;
  t->draws++;
  t->full_draws += full;
  pd_table_draw(t->table, win, r, full);
}

static void s_resize(struct pd_screen *s, struct pd_app *app, int rows, int cols)
{
  (void)app;
  (void)cols;
  ((struct test_screen *)s)->resized_rows = rows;
}

static void s_destroy(struct pd_screen *s)
{
  struct test_screen *t = (struct test_screen *)s;

  ev("destroy:%s ", s->title);
  pd_table_free(t->table);
  free(t->payload);
  free(t);
}

static const struct pd_screen_ops ops = {
  .scope = "test",
  .enter = s_enter,
  .leave = s_leave,
  .key = s_key,
  .data_arrived = s_data,
  .draw = s_draw,
  .resize = s_resize,
  .destroy = s_destroy,
};

static struct test_screen *screen(const char *title)
{
  struct test_screen *t = calloc(1, sizeof *t);

  t->base.ops = &ops;
  snprintf(t->base.title, sizeof t->base.title, "%s", title);
  t->table = pd_table_new(one_col, 1, 0, &row_ops, NULL);
  pd_table_set_count(t->table, 1000, false);
  return t;
}

static const char *const queue_args[] = {"mine", "urgent", NULL};
static const struct pd_cmd_spec cmds[] = {
  {"queue", queue_args, "queue", NULL},
  {"holds", NULL, "holds", NULL},
};
static char last_command[128];

static unsigned run_command(struct pd_app *app, const char *line, void *ctx)
{
  (void)app;
  (void)ctx;
  snprintf(last_command, sizeof last_command, "%s", line);
  return strcmp(line, "holds") == 0 ? PD_REDRAW_ALL : PD_OK;
}

static struct pd_app *new_app(int rows, int cols)
{
  struct pd_app_opts o;
  struct pd_app *app;
  char err[256];

  memset(&o, 0, sizeof o);
  o.term.headless = true;
  o.term.rows = rows;
  o.term.cols = cols;
  o.commands = cmds;
  o.ncommands = 2;
  o.command = run_command;
  app = pd_app_new(&o, err, sizeof err);
  if (app == NULL)
    fail_msg("%s", err);
  events[0] = '\0';
  return app;
}

static const char *row(int y)
{
  static char buf[1024];

  pd_term_row_text(y, buf, sizeof buf);
  return buf;
}

static void keys(struct pd_app *app, const char *notation)
{
  while (*notation) {
    pd_key k;
    size_t n = pd_key_parse(notation, &k);

    assert_true(n > 0);
    pd_app_key(app, k);
    notation += n;
  }
  pd_app_render(app);
}

static int setup(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void test_stack_and_breadcrumb(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct test_screen *a = screen("Queue"), *b = screen("req_1"), *c = screen("Account");
  char crumb[256];
  uint64_t bid;

  (void)state;
  pd_app_push(app, &a->base);
  pd_app_push(app, &b->base);
  bid = b->base.id;
  pd_app_push(app, &c->base);
  assert_int_equal(pd_app_depth(app), 3);
  assert_ptr_equal(pd_app_top(app), &c->base);
  assert_ptr_equal(pd_app_find(app, bid), &b->base);
  pd_app_breadcrumb(app, crumb, sizeof crumb);
  assert_string_equal(crumb, "Queue › req_1 › Account");
  pd_app_render(app);
  assert_string_equal(row(1), " Queue › req_1 › Account");
  assert_string_equal(events, "enter:Queue leave:Queue enter:req_1 leave:req_1 enter:Account ");

  events[0] = '\0';
  keys(app, "q"); /* back */
  assert_int_equal(pd_app_depth(app), 2);
  /* destroyed after the key was handled, before the next frame */
  assert_string_equal(events, "leave:Account enter:req_1 destroy:Account ");
  assert_string_equal(row(1), " Queue › req_1");

  events[0] = '\0';
  pd_app_replace(app, &screen("Holds")->base);
  pd_app_render(app);
  assert_string_equal(row(1), " Queue › Holds");
  assert_string_equal(events, "leave:req_1 enter:Holds destroy:req_1 ");
  assert_null(pd_app_find(app, bid));

  events[0] = '\0';
  keys(app, "p"); /* PD_POP from the screen */
  assert_int_equal(pd_app_depth(app), 1);
  keys(app, "<Esc>"); /* Esc on the root does nothing */
  assert_int_equal(pd_app_depth(app), 1);
  assert_false(pd_loop_stopped(pd_app_loop(app)));
  keys(app, "q"); /* q on the root quits */
  assert_true(pd_loop_stopped(pd_app_loop(app)));
  assert_int_equal(pd_app_run(app), 0);
  pd_app_free(app);
}

static void test_deliver(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct test_screen *a = screen("A"), *b = screen("B");
  uint64_t bid;

  (void)state;
  pd_app_push(app, &a->base);
  pd_app_push(app, &b->base);
  bid = b->base.id;
  events[0] = '\0';
  pd_app_deliver(app, bid, 7, strdup("reply"), free);
  assert_string_equal(events, "data:B:7 ");
  assert_string_equal(b->payload, "reply");
  /* the screen is gone: the payload is freed for it (ASan checks) */
  pd_app_pop(app);
  pd_app_render(app);
  events[0] = '\0';
  pd_app_deliver(app, bid, 8, strdup("late reply"), free);
  assert_string_equal(events, "");
  /* a covered screen still gets its data */
  pd_app_push(app, &screen("C")->base);
  pd_app_deliver(app, a->base.id, 9, NULL, NULL);
  assert_non_null(strstr(events, "data:A:9"));
  pd_app_free(app);
}

static void test_redraw_only_what_changed(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct test_screen *a = screen("List");
  const struct pd_app_stats *st = pd_app_stats(app);
  struct pd_app_stats before;
  int i;

  (void)state;
  pd_app_push(app, &a->base);
  pd_app_render(app);
  assert_int_equal(a->full_draws, 1);
  assert_string_equal(row(2), "row 0");

  /* idle: rendering again draws nothing and writes nothing */
  before = *st;
  for (i = 0; i < 5; i++) {
    pd_loop_run_once(pd_app_loop(app), PD_LOOP_NOWAIT);
    pd_app_render(app);
  }
  assert_int_equal(st->frames, before.frames);
  assert_int_equal(st->doupdates, before.doupdates);
  /* and the loop would sleep without a timeout */
  assert_int_equal(pd_loop_next_timeout(pd_app_loop(app)), -1);

  /* moving the selection redraws the body only, partially */
  before = *st;
  keys(app, "j");
  assert_int_equal(st->body, before.body + 1);
  assert_int_equal(st->body_full, before.body_full);
  assert_int_equal(st->header, before.header);
  assert_int_equal(st->status, before.status);
  assert_int_equal(st->doupdates, before.doupdates + 1);
  assert_int_equal(pd_table_format_calls(a->table), 21 + 2);

  /* Ctrl-L: everything, in full */
  before = *st;
  keys(app, "<C-l>");
  assert_int_equal(st->body_full, before.body_full + 1);
  assert_int_equal(st->header, before.header + 1);
  assert_int_equal(st->status, before.status + 1);
  assert_int_equal(a->full_draws, 2);

  /* resize: new layout, the screen hears of it, full redraw */
  pd_app_resize(app, 30, 100);
  pd_app_render(app);
  assert_int_equal(a->resized_rows, 27);
  assert_int_equal(a->full_draws, 3);
  assert_int_equal(LINES, 30);
  assert_string_equal(row(29), "? help   : command   Esc, q back   Q quit");
  /* too small: a notice, no crash */
  pd_app_resize(app, 4, 20);
  pd_app_render(app);
  assert_string_equal(row(0), "Terminal too small");
  pd_app_resize(app, 24, 80);
  pd_app_render(app);
  assert_string_equal(row(2), "row 0");
  pd_app_free(app);
}

static void test_spinner_and_messages(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct pd_loop *loop = pd_app_loop(app);
  uint64_t t0;

  (void)state;
  pd_app_push(app, &screen("S")->base);
  pd_app_render(app);
  pd_app_set_busy(app, 2);
  assert_int_equal(pd_app_busy(app), 2);
  assert_true(pd_loop_next_timeout(loop) >= 0); /* the spinner ticks */
  pd_app_render(app);
  {
    char first[1024];

    snprintf(first, sizeof first, "%s", row(23));
    t0 = pd_loop_now_ms();
    while (pd_loop_now_ms() - t0 < 150)
      pd_loop_run_once(loop, 0);
    assert_string_not_equal(row(23), first); /* it moved */
  }
  pd_app_set_busy(app, 0);
  assert_int_equal(pd_loop_next_timeout(loop), -1); /* and stops */
  pd_app_render(app);
  assert_true(strncmp(row(23), "? help", 6) == 0);

  pd_app_message(app, PD_MSG_ERROR, "Stale version (%d)", 412);
  pd_app_render(app);
  assert_true(strncmp(row(23), "Stale version (412)", 19) == 0);
  assert_true(pd_loop_next_timeout(loop) > 9000); /* errors stay 10 s */
  pd_app_message(app, PD_MSG_INFO, "Saved");
  assert_true(pd_loop_next_timeout(loop) <= 4000);
  pd_app_free(app);
}

static void test_help_screen(void **state)
{
  struct pd_app *app = new_app(24, 80);
  int y;
  bool down = false, quit = false;

  (void)state;
  pd_app_push(app, &screen("Queue")->base);
  keys(app, "?");
  assert_int_equal(pd_app_depth(app), 2);
  assert_string_equal(row(1), " Queue › Help: Queue");
  for (y = 2; y < 23; y++) {
    down |= strstr(row(y), "j, Down, C-n") != NULL;
    quit |= strstr(row(y), "Quit privdesk") != NULL;
  }
  assert_true(down);
  assert_true(quit);
  keys(app, "?"); /* ? again closes it */
  assert_int_equal(pd_app_depth(app), 1);
  keys(app, "?<Esc>");
  assert_int_equal(pd_app_depth(app), 1);
  keys(app, "Q");
  assert_true(pd_loop_stopped(pd_app_loop(app)));
  pd_app_free(app);
}

static void test_command_line(void **state)
{
  struct pd_app *app = new_app(24, 80);

  (void)state;
  pd_app_push(app, &screen("Queue")->base);
  pd_app_render(app);
  keys(app, ":que");
  assert_string_equal(row(23), ":que");
  keys(app, "<Tab>m<Tab>");
  assert_string_equal(row(23), ":queue mine");
  keys(app, "<Enter>");
  assert_string_equal(last_command, "queue mine");
  assert_true(strncmp(row(23), "? help", 6) == 0);
  /* candidates show above the status line while completing */
  keys(app, ":queue <Tab>");
  assert_string_equal(row(22), "[mine] urgent");
  keys(app, "<Esc>");
  assert_string_equal(row(22), "row 20");
  /* history */
  keys(app, ":<Up><Enter>");
  assert_string_equal(last_command, "queue mine");
  keys(app, ":holds<Enter>");
  assert_string_equal(last_command, "holds");
  pd_app_free(app);
}

static char prompt_result[64];
static int prompt_changes;

static void prompt_done(struct pd_app *app, const char *text, void *ctx)
{
  (void)app;
  (void)ctx;
  snprintf(prompt_result, sizeof prompt_result, "%s", text ? text : "(cancelled)");
}

static void prompt_changed(struct pd_app *app, const char *text, void *ctx)
{
  (void)app;
  (void)text;
  (void)ctx;
  prompt_changes++;
}

static int confirmed = -1;

static void confirm_done(struct pd_app *app, bool yes, void *ctx)
{
  (void)app;
  (void)ctx;
  confirmed = yes;
}

static void test_prompt_and_confirm(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct pd_prompt_opts p;
  struct pd_confirm c;
  int y;
  bool seen = false;

  (void)state;
  pd_app_push(app, &screen("Queue")->base);
  memset(&p, 0, sizeof p);
  p.label = "/";
  p.done = prompt_done;
  p.changed = prompt_changed;
  pd_app_prompt(app, &p);
  keys(app, "urg");
  assert_string_equal(row(23), "/urg");
  assert_int_equal(prompt_changes, 3);
  keys(app, "<Enter>");
  assert_string_equal(prompt_result, "urg");
  pd_app_prompt(app, &p);
  keys(app, "x<Esc>");
  assert_string_equal(prompt_result, "(cancelled)");

  /* a typed confirmation takes every key until it is answered */
  assert_int_equal(pd_confirm_init_typed(&c, "Erase", "Erase the account?", "bob@example.com", true), 0);
  pd_app_confirm(app, &c, confirm_done, NULL);
  keys(app, "qQ<Esc>");
  assert_int_equal(confirmed, 0); /* Esc cancelled it; q and Q were typed */
  assert_int_equal(pd_app_depth(app), 1);
  assert_false(pd_loop_stopped(pd_app_loop(app)));
  pd_confirm_init_typed(&c, "Erase", "Erase the account?", "bob@example.com", true);
  pd_app_confirm(app, &c, confirm_done, NULL);
  keys(app, "bob@example");
  for (y = 2; y < 23; y++)
    seen |= strstr(row(y), "Type bob@example.com to confirm:") != NULL;
  assert_true(seen);
  keys(app, "<Enter>");
  assert_int_equal(confirmed, 0);
  keys(app, ".COM<Enter>");
  assert_int_equal(confirmed, 1);
  /* the body is whole again */
  assert_string_equal(row(12), "row 10");
  pd_app_free(app);
}

static void test_header(void **state)
{
  struct pd_app *app = new_app(24, 80);
  struct pd_header h = {"prod", "api.example.com", "alice", "agent", PD_CONN_ONLINE, NULL, 0, true, false};

  (void)state;
  pd_app_push(app, &screen("Queue")->base);
  pd_app_set_header(app, &h);
  pd_app_render(app);
  assert_string_equal(row(0), " privdesk │ prod │ api.example.com │ alice (agent) │ online          PRODUCTION");
  keys(app, "z"); /* PD_QUIT from a screen */
  assert_true(pd_loop_stopped(pd_app_loop(app)));
  pd_app_free(app);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_stack_and_breadcrumb),
    cmocka_unit_test(test_deliver),
    cmocka_unit_test(test_redraw_only_what_changed),
    cmocka_unit_test(test_spinner_and_messages),
    cmocka_unit_test(test_help_screen),
    cmocka_unit_test(test_command_line),
    cmocka_unit_test(test_prompt_and_confirm),
    cmocka_unit_test(test_header),
  };

  return cmocka_run_group_tests(tests, setup, NULL);
}
