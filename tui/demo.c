/* tui/demo.c — pdtui-demo: the terminal core on its own, without a server.
 *
 *   ./pdtui-demo                                 on the terminal
 *   PRIVDESK_TEST_SCRIPT=keys.txt ./pdtui-demo   headless (tui/script.h)
 *
 * A 100,000-row table with hostile and wide names, a detail screen (Enter),
 * a bar chart with tabs (c or :chart), a typed confirmation (x), a filter
 * (/ then n/N), the `:` command line with completion, a spinner (b). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <locale.h>

#include "tui/app.h"
#include "tui/detail.h"
#include "tui/table.h"
#include "tui/tabs.h"

#define DEMO_ROWS 100000

static const char *const names[] = {
  "Ada Lovelace",
  "山田太郎",
  "\x1b]0;pwned\x07Mallory \x1b[2J\x1b[31mred",
  "Zoë Ölberg",
  "\xe2\x80\xae" "evil.exe",
  "👩‍💻 Dev Team",
  "Bad \xff\xfe bytes",
  "Nguyễn Văn An",
  "李小龍 (Bruce)",
  "José O'Brien",
};
#define NNAMES (sizeof names / sizeof names[0])

static const char *const statuses[] = {"new", "verifying", "in_progress", "waiting", "completed", "rejected"};
static const char *const types[] = {"access", "rectification", "erasure", "objection"};

static long due_days(size_t i)
{
  return (long)((i * 7919u) % 61u) - 15;
}

static void demo_email(size_t i, char *buf, size_t size)
{
  snprintf(buf, size, "user%zu@example.com", i);
}

/* ---- the table screen ---- */

struct table_screen {
  struct pd_screen base;
  struct pd_table *table;
  char *filter;
};

static void format_row(void *ctx, size_t i, struct pd_table_row *r)
{
  long d = due_days(i);
  char email[64];

  (void)ctx;
  demo_email(i, email, sizeof email);
  pd_table_row_setf(r, 0, "req_%06zu", i + 1);
  if (d < 0)
    pd_table_row_setf(r, 1, "overdue %ldd", -d);
  else
    pd_table_row_setf(r, 1, "%ldd left", d);
  pd_table_row_set(r, 2, i % 11 == 0 ? "urgent" : "normal");
  pd_table_row_set(r, 3, types[i % 4]);
  pd_table_row_set(r, 4, statuses[i % 6]);
  pd_table_row_set(r, 5, names[i % NNAMES]);
  pd_table_row_set(r, 6, i % 3 == 0 ? "-" : email);
  pd_table_row_setf(r, 7, "%zu", (i * 37u) % 1000u);
  if (d < 0)
    pd_table_row_set_role(r, PD_STYLE_URGENT);
  else if (d < 7)
    pd_table_row_set_role(r, PD_STYLE_DUE_SOON);
}

static const struct pd_table_ops table_ops = {format_row, NULL};

static const struct pd_table_column columns[] = {
  {"ID", 10, 10, 0, 0},
  {"Due", 11, 11, 0, PD_COL_RIGHT},
  {"Prio", 6, 6, 0, 0},
  {"Type", 6, 13, 1, 0},
  {"Status", 6, 11, 1, 0},
  {"Account", 10, 48, 4, 0},
  {"Assignee", 8, 24, 2, 0},
  {"Age", 4, 5, 0, PD_COL_RIGHT},
};

static void update_position(struct table_screen *t, struct pd_app *app)
{
  char pos[64];

  snprintf(pos, sizeof pos, "%zu/%zu%s", pd_table_cursor(t->table) + 1, pd_table_count(t->table),
           pd_table_marked_count(t->table) ? " *" : "");
  pd_app_set_status_right(app, pos);
}

static struct pd_screen *detail_screen_new(size_t row);
static struct pd_screen *chart_screen_new(void);

static void erase_done(struct pd_app *app, bool yes, void *ctx)
{
  (void)ctx;
  if (yes)
    pd_app_message(app, PD_MSG_INFO, "Erased (not really: this is the demo)");
  else
    pd_app_message(app, PD_MSG_INFO, "Erasure cancelled");
}

static void ask_erase(struct pd_app *app, size_t row)
{
  struct pd_confirm c;
  char email[64], msg[256];

  demo_email(row, email, sizeof email);
  snprintf(msg, sizeof msg,
           "Erase the personal data of account %s (%s)? Transactions stay (tax law); "
           "nothing under a hold is erased. This cannot be undone.",
           email, names[row % NNAMES]);
  if (pd_confirm_init_typed(&c, "Erase account data", msg, email, true) == 0)
    pd_app_confirm(app, &c, erase_done, NULL);
}

static void busy_over(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  struct pd_app *app = ctx;

  (void)loop;
  (void)id;
  pd_app_set_busy(app, 0);
  pd_app_message(app, PD_MSG_INFO, "Request finished");
}

static void filter_changed(struct pd_app *app, const char *text, void *ctx)
{
  struct table_screen *t = ctx;

  pd_table_set_highlight(t->table, text);
  pd_app_redraw(app, PD_REDRAW_BODY);
}

static void filter_done(struct pd_app *app, const char *text, void *ctx)
{
  struct table_screen *t = ctx;

  free(t->filter);
  t->filter = text && *text ? strdup(text) : NULL;
  pd_table_set_highlight(t->table, t->filter);
  if (t->filter && !pd_table_search(t->table, t->filter, +1))
    pd_app_message(app, PD_MSG_ERROR, "No match for %s", t->filter);
  update_position(t, app);
  pd_app_redraw(app, PD_REDRAW_BODY);
}

static unsigned table_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct table_screen *t = (struct table_screen *)s;
  struct pd_prompt_opts p;

  (void)key;
  if (pd_table_action(t->table, action)) {
    update_position(t, app);
    return PD_REDRAW_BODY;
  }
  switch (action) {
  case PD_ACT_OPEN:
    pd_app_push(app, detail_screen_new(pd_table_cursor(t->table)));
    return PD_OK;
  case PD_ACT_DEMO_ERASE: ask_erase(app, pd_table_cursor(t->table)); return PD_OK;
  case PD_ACT_DEMO_CHART: pd_app_push(app, chart_screen_new()); return PD_OK;
  case PD_ACT_DEMO_BUSY:
    pd_app_set_busy(app, 1);
    pd_loop_add_timer(pd_app_loop(app), 2000, 0, busy_over, app);
    return PD_OK;
  case PD_ACT_FILTER:
    memset(&p, 0, sizeof p);
    p.label = "/";
    p.initial = t->filter;
    p.changed = filter_changed;
    p.done = filter_done;
    p.ctx = t;
    pd_app_prompt(app, &p);
    return PD_OK;
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    if (t->filter == NULL)
      return PD_OK;
    if (!pd_table_search(t->table, t->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_ERROR, "No match for %s", t->filter);
    update_position(t, app);
    return PD_REDRAW_BODY;
  case PD_ACT_REFRESH:
    pd_app_message(app, PD_MSG_INFO, "Refreshed");
    return PD_REDRAW_BODY;
  default: return PD_UNHANDLED;
  }
}

static void table_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  struct table_screen *t = (struct table_screen *)s;

  (void)app;
  pd_table_draw(t->table, win, r, full);
}

static void table_enter(struct pd_screen *s, struct pd_app *app)
{
  update_position((struct table_screen *)s, app);
}

static void table_destroy(struct pd_screen *s)
{
  struct table_screen *t = (struct table_screen *)s;

  pd_table_free(t->table);
  free(t->filter);
  free(t);
}

static const char *table_help(struct pd_screen *s)
{
  (void)s;
  return "100,000 synthetic requests. Names include CJK, emoji, bidi overrides, "
         "invalid UTF-8 and escape sequences: they must show as text.";
}

static const struct pd_screen_ops table_screen_ops = {
  .scope = "demo-table",
  .enter = table_enter,
  .key = table_key,
  .draw = table_draw,
  .help = table_help,
  .destroy = table_destroy,
};

static struct pd_screen *table_screen_new(void)
{
  struct table_screen *t = calloc(1, sizeof *t);

  if (t == NULL)
    return NULL;
  t->table = pd_table_new(columns, (int)(sizeof columns / sizeof columns[0]),
                          PD_TABLE_HEADER | PD_TABLE_MARKS, &table_ops, t);
  if (t->table == NULL) {
    free(t);
    return NULL;
  }
  pd_table_set_count(t->table, DEMO_ROWS, false);
  t->base.ops = &table_screen_ops;
  snprintf(t->base.title, sizeof t->base.title, "Requests");
  t->base.hints = "Enter open  x erase  c chart  / filter  : command  ? help  Q quit";
  return &t->base;
}

/* ---- the detail screen ---- */

struct detail_screen {
  struct pd_screen base;
  struct pd_detail *detail;
};

static unsigned detail_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct detail_screen *d = (struct detail_screen *)s;

  (void)app;
  (void)key;
  return pd_detail_action(d->detail, action) ? PD_REDRAW_BODY : PD_UNHANDLED;
}

static void detail_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  (void)app;
  (void)full;
  pd_detail_draw(((struct detail_screen *)s)->detail, win, r);
}

static void detail_destroy(struct pd_screen *s)
{
  pd_detail_free(((struct detail_screen *)s)->detail);
  free(s);
}

static const struct pd_screen_ops detail_screen_ops = {
  .scope = "demo-detail",
  .key = detail_key,
  .draw = detail_draw,
  .destroy = detail_destroy,
};

static struct pd_screen *detail_screen_new(size_t row)
{
  struct detail_screen *d = calloc(1, sizeof *d);
  char email[64];
  long due = due_days(row);

  if (d == NULL || (d->detail = pd_detail_new()) == NULL) {
    free(d);
    return NULL;
  }
  demo_email(row, email, sizeof email);
  d->base.ops = &detail_screen_ops;
  snprintf(d->base.title, sizeof d->base.title, "req_%06zu", row + 1);
  pd_detail_add_heading(d->detail, "Request");
  pd_detail_add_fieldf(d->detail, "ID", PD_STYLE_NORMAL, "req_%06zu", row + 1);
  pd_detail_add_field(d->detail, "Type", types[row % 4], PD_STYLE_NORMAL);
  pd_detail_add_field(d->detail, "Status", statuses[row % 6], PD_STYLE_NORMAL);
  pd_detail_add_fieldf(d->detail, "Deadline", due < 0 ? PD_STYLE_URGENT : due < 7 ? PD_STYLE_DUE_SOON : PD_STYLE_OK,
                       due < 0 ? "overdue %ldd" : "%ldd left", due < 0 ? -due : due);
  pd_detail_add_field(d->detail, "Account", names[row % NNAMES], PD_STYLE_NORMAL);
  pd_detail_add_field(d->detail, "E-mail", email, PD_STYLE_NORMAL);
  pd_detail_add_blank(d->detail);
  pd_detail_add_heading(d->detail, "Notes");
  pd_detail_add_text(d->detail,
                     "Customer wrote in twice.\nSecond mail contained a terminal escape: "
                     "\x1b]52;c;ZWNobyBwd25lZA==\x07 (an OSC 52 clipboard write) which must show "
                     "as text, and a title change \x1b]2;owned\x07 too. Long lines wrap at the "
                     "width of the pane without splitting 山田太郎 or other wide characters.",
                     PD_STYLE_NORMAL);
  return &d->base;
}

/* ---- the chart screen ---- */

struct chart_screen {
  struct pd_screen base;
  int tab;
};

static unsigned chart_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct chart_screen *c = (struct chart_screen *)s;

  (void)app;
  (void)key;
  if (action == PD_ACT_NEXT_TAB || action == PD_ACT_PREV_TAB) {
    c->tab = pd_tabs_step(c->tab, 2, action == PD_ACT_NEXT_TAB ? 1 : -1);
    return PD_REDRAW_BODY;
  }
  return PD_UNHANDLED;
}

static void chart_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  struct chart_screen *c = (struct chart_screen *)s;
  static const char *const tabs[] = {"By deadline", "By status"};
  struct pd_bar by_deadline[] = {
    {"overdue", 0, PD_STYLE_URGENT}, {"0-2 days", 0, PD_STYLE_DUE_SOON}, {"3-6 days", 0, PD_STYLE_DUE_SOON},
    {"7-13 days", 0, PD_STYLE_BAR},  {"14-29 days", 0, PD_STYLE_BAR},    {"30+ days", 0, PD_STYLE_OK},
  };
  struct pd_bar by_status[6];
  size_t i;

  (void)app;
  (void)full;
  for (i = 0; i < DEMO_ROWS; i++) {
    long d = due_days(i);
    int b = d < 0 ? 0 : d < 3 ? 1 : d < 7 ? 2 : d < 14 ? 3 : d < 30 ? 4 : 5;

    by_deadline[b].count++;
  }
  for (i = 0; i < 6; i++)
    by_status[i] = (struct pd_bar){statuses[i], (long)(DEMO_ROWS / 6 + (i < DEMO_ROWS % 6)), PD_STYLE_BAR};
  pd_draw_clear_rect(win, r, pd_theme_attr(PD_STYLE_NORMAL));
  pd_tabs_draw(win, r.y, r.x, r.w, tabs, 2, c->tab);
  r.y += 2;
  r.h -= 2;
  pd_draw_text(win, r.y, r.x + 1, r.w - 2,
               c->tab == 0 ? "Open requests by days to deadline" : "Requests by status",
               pd_theme_attr(PD_STYLE_TITLE), 0);
  r.y += 2;
  r.h -= 2;
  r.x += 1;
  r.w -= 2;
  if (c->tab == 0)
    pd_barchart_draw(win, r, by_deadline, 6);
  else
    pd_barchart_draw(win, r, by_status, 6);
}

static void chart_destroy(struct pd_screen *s)
{
  free(s);
}

static const struct pd_screen_ops chart_screen_ops = {
  .scope = "demo-chart",
  .key = chart_key,
  .draw = chart_draw,
  .destroy = chart_destroy,
};

static struct pd_screen *chart_screen_new(void)
{
  struct chart_screen *c = calloc(1, sizeof *c);

  if (c == NULL)
    return NULL;
  c->base.ops = &chart_screen_ops;
  snprintf(c->base.title, sizeof c->base.title, "Dashboard");
  c->base.hints = "Tab next tab  q back  ? help";
  return &c->base;
}

/* ---- commands ---- */

static const char *const queue_args[] = {"mine", "unassigned", "urgent", "overdue", "open", "closed", "all", NULL};

static const struct pd_cmd_spec commands[] = {
  {"queue", queue_args, "show the queue", "[mine|unassigned|urgent|overdue|open|closed|all]"},
  {"chart", NULL, "show the bar chart", NULL},
  {"confirm", NULL, "ask a typed confirmation for the selected row", NULL},
  {"goto", NULL, "go to row N", "N"},
  {"help", NULL, "show the keys", NULL},
  {"quit", NULL, "leave", NULL},
};

static unsigned run_command(struct pd_app *app, const char *line, void *ctx)
{
  const struct pd_cmd_spec *spec;
  struct pd_screen *top = pd_app_top(app);
  char cmd[64];
  const char *rest;

  (void)ctx;
  pd_cmd_split(line, cmd, sizeof cmd, &rest);
  spec = pd_cmd_find(commands, sizeof commands / sizeof commands[0], cmd);
  if (spec == NULL) {
    pd_app_message(app, PD_MSG_ERROR, "Unknown command: %s", cmd);
    return PD_OK;
  }
  if (strcmp(spec->name, "quit") == 0)
    return PD_QUIT;
  if (strcmp(spec->name, "help") == 0) {
    pd_app_show_help(app);
    return PD_OK;
  }
  if (strcmp(spec->name, "chart") == 0) {
    pd_app_push(app, chart_screen_new());
    return PD_OK;
  }
  while (top && top->ops != &table_screen_ops && pd_app_depth(app) > 1) {
    pd_app_pop(app);
    top = pd_app_top(app);
  }
  if (top == NULL || top->ops != &table_screen_ops)
    return PD_OK;
  if (strcmp(spec->name, "confirm") == 0) {
    ask_erase(app, pd_table_cursor(((struct table_screen *)top)->table));
  } else if (strcmp(spec->name, "goto") == 0) {
    struct table_screen *t = (struct table_screen *)top;

    pd_table_set_cursor(t->table, (size_t)strtoul(rest, NULL, 10) - 1);
    update_position(t, app);
  } else {
    pd_app_message(app, PD_MSG_INFO, "queue %s (the demo has one queue)", *rest ? rest : "open");
  }
  return PD_REDRAW_BODY;
}

int main(void)
{
  struct pd_app_opts opts;
  struct pd_header h;
  struct pd_app *app;
  char err[256], script_err[256] = "";
  int rc;

  setlocale(LC_ALL, "");
  memset(&opts, 0, sizeof opts);
  if (pd_term_opts_from_env(&opts.term, err, sizeof err) != 0) {
    fprintf(stderr, "pdtui-demo: %s\n", err);
    return 2;
  }
  opts.name = "privdesk demo";
  opts.commands = commands;
  opts.ncommands = sizeof commands / sizeof commands[0];
  opts.command = run_command;
  app = pd_app_new(&opts, err, sizeof err);
  if (app == NULL) {
    fprintf(stderr, "pdtui-demo: %s\n", err);
    return 1;
  }
  memset(&h, 0, sizeof h);
  h.profile = "demo";
  h.host = "127.0.0.1:8080";
  h.user = "alice";
  h.role = "agent";
  h.conn = PD_CONN_ONLINE;
  h.last_refresh = getenv("PRIVDESK_TEST_SCRIPT") ? 0 : time(NULL);
  h.production = getenv("PDTUI_DEMO_PRODUCTION") != NULL;
  pd_app_set_header(app, &h);
  pd_app_push(app, table_screen_new());
  rc = pd_app_run(app);
  if (pd_app_script_error(app))
    snprintf(script_err, sizeof script_err, "%s", pd_app_script_error(app));
  pd_app_free(app);
  if (script_err[0])
    fprintf(stderr, "pdtui-demo: script: %s\n", script_err);
  return rc;
}
