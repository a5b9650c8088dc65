/* Key scripts: the parser (every notation and directive) and the headless
 * app running a script that types into a line editor and dumps the screen
 * (tui/script.h, tui/app.h). */
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
#include <unistd.h>

#include "tui/app.h"
#include "tui/script.h"

static char dir[64];

static int setup(void **state)
{
  (void)state;
  if (!setlocale(LC_ALL, "C.UTF-8"))
    return -1;
  snprintf(dir, sizeof dir, "/tmp/pdtui-script-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
  char cmd[128];

  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static const char *path(const char *name)
{
  static char buf[4][128];
  static int i;

  i = (i + 1) % 4;
  snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
  return buf[i];
}

static void write_file(const char *p, const char *text)
{
  FILE *f = fopen(p, "w");

  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static char *read_file(const char *p)
{
  FILE *f = fopen(p, "r");
  char *buf;
  long n;

  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = calloc(1, (size_t)n + 1);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  return buf;
}

/* ---- parser ---- */

static void test_parse_keys(void **state)
{
  static const pd_key want[] = {
    'a', PD_KEY_ENTER, PD_KEY_ESC, PD_KEY_TAB, PD_KEY_UP, PD_KEY_DOWN, PD_KEY_LEFT, PD_KEY_RIGHT,
    PD_KEY_PGUP, PD_KEY_PGDN, PD_KEY_HOME, PD_KEY_END, ' ', PD_KEY_BS, PD_CTRL('x'), PD_META('x'),
    '<', 'b', 0x5c71, ' ', '!', PD_KEY_DEL, PD_KEY_BTAB, PD_KEY_F1 + 4, PD_META(PD_KEY_BS)};
  const char *text = "# every notation\n"
                     "\n"
                     "a<Enter><Esc><Tab><Up><Down><Left><Right><PgUp><PgDn><Home><End><Space><BS><C-x><M-x><lt>b\r\n"
                     "山 \n"
                     "<U+21><Del><BTab><F5><M-BS>\n";
  char err[128] = "";
  struct pd_script *s = pd_script_parse(text, err, sizeof err);
  size_t i;

  (void)state;
  assert_non_null(s);
  assert_int_equal(pd_script_count(s), sizeof want / sizeof want[0]);
  for (i = 0; i < sizeof want / sizeof want[0]; i++) {
    const struct pd_script_item *it = pd_script_item(s, i);

    assert_int_equal(it->op, PD_SCRIPT_KEY);
    assert_int_equal(it->key, want[i]);
  }
  assert_int_equal(pd_script_item(s, 0)->line, 3);
  assert_int_equal(pd_script_item(s, 18)->line, 4);
  assert_null(pd_script_item(s, 99));
  pd_script_free(s);
}

static void test_parse_directives(void **state)
{
  const char *text = "!dump out.txt\n"
                     "!dump-roles  roles.txt  \n"
                     "!resize 30 100\n"
                     "!wait\n"
                     "!wait 250\n"
                     "!sleep 20\n"
                     "# !dump ignored\n";
  char err[128] = "";
  struct pd_script *s = pd_script_parse(text, err, sizeof err);
  const struct pd_script_item *it;

  (void)state;
  assert_non_null(s);
  assert_int_equal(pd_script_count(s), 6);
  it = pd_script_item(s, 0);
  assert_int_equal(it->op, PD_SCRIPT_DUMP);
  assert_string_equal(it->path, "out.txt");
  it = pd_script_item(s, 1);
  assert_int_equal(it->op, PD_SCRIPT_DUMP_ROLES);
  assert_string_equal(it->path, "roles.txt");
  it = pd_script_item(s, 2);
  assert_int_equal(it->op, PD_SCRIPT_RESIZE);
  assert_int_equal(it->rows, 30);
  assert_int_equal(it->cols, 100);
  it = pd_script_item(s, 3);
  assert_int_equal(it->op, PD_SCRIPT_WAIT);
  assert_int_equal(it->ms, PD_SCRIPT_WAIT_DEFAULT_MS);
  assert_int_equal(pd_script_item(s, 4)->ms, 250);
  it = pd_script_item(s, 5);
  assert_int_equal(it->op, PD_SCRIPT_SLEEP);
  assert_int_equal(it->ms, 20);
  pd_script_free(s);
}

static void test_parse_errors(void **state)
{
  static const struct {
    const char *text, *msg;
  } bad[] = {
    {"ok\n!bogus\n", "line 2: unknown directive !bogus"},
    {"!dump\n", "line 1: !dump needs a file name"},
    {"!resize 30\n", "line 1: usage: !resize ROWS COLS"},
    {"!resize 0 80\n", "line 1: usage: !resize ROWS COLS"},
    {"!sleep\n", "line 1: usage: !sleep MS"},
    {"!wait soon\n", "line 1: usage: !wait [MS]"},
    {"\n\nabc<Nope>\n", "line 3: bad key at \"<Nope>\" (write <lt> for '<')"},
    {"a < b\n", "line 1: bad key at \"< b\" (write <lt> for '<')"},
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char err[128] = "";

    assert_null(pd_script_parse(bad[i].text, err, sizeof err));
    assert_string_equal(err, bad[i].msg);
  }
}

/* ---- the headless app: a screen with a line editor ---- */

struct edit_screen {
  struct pd_screen base;
  struct pd_lineedit le;
  int keys;
};

static void done_loading(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  struct pd_app *app = ctx;
  struct edit_screen *e = (struct edit_screen *)pd_app_top(app);

  (void)loop;
  (void)id;
  pd_lineedit_set(&e->le, "loaded");
  pd_app_set_busy(app, 0);
  pd_app_redraw(app, PD_REDRAW_BODY);
}

static unsigned edit_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action)
{
  struct edit_screen *e = (struct edit_screen *)s;
  enum pd_le_result r;

  (void)action;
  e->keys++;
  if (key == PD_CTRL('r')) { /* pretend a request: the reply comes 50 ms later */
    pd_app_set_busy(app, 1);
    pd_loop_add_timer(pd_app_loop(app), 50, 0, done_loading, app);
    return PD_OK;
  }
  r = pd_lineedit_key(&e->le, key);
  if (r == PD_LE_UNHANDLED || r == PD_LE_CANCEL || r == PD_LE_SUBMIT)
    return PD_UNHANDLED;
  return PD_REDRAW_BODY;
}

static void edit_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full)
{
  struct edit_screen *e = (struct edit_screen *)s;

  (void)app;
  (void)full;
  pd_draw_clear_rect(win, r, A_NORMAL);
  pd_draw_text(win, 1, 2, 6, "Note:", A_NORMAL, 0);
  pd_lineedit_draw(&e->le, win, 1, 8, 20, A_NORMAL);
}

static void edit_destroy(struct pd_screen *s)
{
  struct edit_screen *e = (struct edit_screen *)s;

  pd_lineedit_free(&e->le);
  free(e);
}

static const struct pd_screen_ops edit_ops = {
  .scope = "test-edit",
  .key = edit_key,
  .draw = edit_draw,
  .destroy = edit_destroy,
};

static int run_script(const char *script, char *err, size_t errsize)
{
  struct pd_app_opts o;
  struct pd_app *app;
  struct edit_screen *e = calloc(1, sizeof *e);
  int rc;

  write_file(path("script.txt"), script);
  memset(&o, 0, sizeof o);
  o.term.headless = true;
  o.term.rows = 24;
  o.term.cols = 80;
  o.term.script = path("script.txt");
  app = pd_app_new(&o, err, errsize);
  if (app == NULL) {
    free(e);
    return -2;
  }
  e->base.ops = &edit_ops;
  snprintf(e->base.title, sizeof e->base.title, "Edit");
  e->base.hints = "type text";
  pd_lineedit_init(&e->le, 0);
  pd_app_push(app, &e->base);
  rc = pd_app_run(app);
  if (pd_app_script_error(app))
    snprintf(err, errsize, "%s", pd_app_script_error(app));
  pd_app_free(app);
  return rc;
}

static void test_app_runs_script_and_dumps(void **state)
{
  char script[1024], err[256] = "", *dump;
  static const char *const want =
    " privdesk\n"
    " Edit\n"
    "\n"
    "  Note: héllo 山X田 <wörld>\n";

  (void)state;
  snprintf(script, sizeof script,
           "# type into the line editor\n"
           "héllo 山田太<BS><Left>X<End> <lt>wörld>\n"
           "!dump %s\n"
           "!dump-roles %s\n"
           "<C-a><C-k>abc<M-b><C-d>\n"
           "!dump %s\n",
           path("d1.txt"), path("r1.txt"), path("d2.txt"));
  assert_int_equal(run_script(script, err, sizeof err), 0);
  assert_string_equal(err, "");
  dump = read_file(path("d1.txt"));
  assert_memory_equal(dump, want, strlen(want));
  /* 24 lines, the last one the status line with the screen's hints */
  {
    int lines = 0;
    const char *p;

    for (p = dump; *p; p++)
      lines += *p == '\n';
    assert_int_equal(lines, 24);
    assert_non_null(strstr(dump, "\ntype text\n"));
  }
  free(dump);
  dump = read_file(path("r1.txt"));
  assert_true(dump[0] == 'h'); /* header role */
  free(dump);
  dump = read_file(path("d2.txt"));
  assert_non_null(strstr(dump, "  Note: bc\n"));
  free(dump);
}

static void test_resize_sleep_and_wait(void **state)
{
  char script[1024], err[256] = "", *dump;
  const char *p;
  int lines = 0;

  (void)state;
  snprintf(script, sizeof script,
           "!resize 30 100\n"
           "!sleep 20\n"
           "<C-r>\n"
           "!wait 5000\n"
           "!dump %s\n",
           path("d3.txt"));
  assert_int_equal(run_script(script, err, sizeof err), 0);
  dump = read_file(path("d3.txt"));
  for (p = dump; *p; p++)
    lines += *p == '\n';
  assert_int_equal(lines, 30);
  /* !wait returned only once the reply was in */
  assert_non_null(strstr(dump, "  Note: loaded\n"));
  free(dump);
}

static void test_script_failures(void **state)
{
  char err[256] = "";

  (void)state;
  assert_int_equal(run_script("a\n!dump /nonexistent/dir/x.txt\n", err, sizeof err), 1);
  assert_string_equal(err, "line 2: cannot write /nonexistent/dir/x.txt");
  /* the application never becomes idle */
  assert_int_equal(run_script("<C-r>\n!wait 10\n", err, sizeof err), 1);
  assert_non_null(strstr(err, "line 2: !wait timed out"));
  /* a syntax error stops before the terminal is touched */
  assert_int_equal(run_script("!dance\n", err, sizeof err), -2);
  assert_string_equal(err, "line 1: unknown directive !dance");
}

static void test_env_options(void **state)
{
  struct pd_term_opts o;
  char err[128];

  (void)state;
  setenv("PRIVDESK_TEST_SCRIPT", "keys.txt", 1);
  setenv("PRIVDESK_TEST_SIZE", "30x100", 1);
  assert_int_equal(pd_term_opts_from_env(&o, err, sizeof err), 0);
  assert_true(o.headless);
  assert_string_equal(o.script, "keys.txt");
  assert_int_equal(o.rows, 30);
  assert_int_equal(o.cols, 100);
  setenv("PRIVDESK_TEST_SIZE", "big", 1);
  assert_int_equal(pd_term_opts_from_env(&o, err, sizeof err), -1);
  unsetenv("PRIVDESK_TEST_SCRIPT");
  unsetenv("PRIVDESK_TEST_SIZE");
  assert_int_equal(pd_term_opts_from_env(&o, err, sizeof err), 0);
  assert_false(o.headless);
  assert_int_equal(o.rows, 24);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_keys),
    cmocka_unit_test(test_parse_directives),
    cmocka_unit_test(test_parse_errors),
    cmocka_unit_test(test_app_runs_script_and_dumps),
    cmocka_unit_test(test_resize_sleep_and_wait),
    cmocka_unit_test(test_script_failures),
    cmocka_unit_test(test_env_options),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
