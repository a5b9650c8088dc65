/* Status line and spinner, tabs, bar chart, detail pane, header and
 * breadcrumb, each drawn headless at 80x24 and read back from the virtual
 * screen (tui/status.h, tabs.h, detail.h, chrome.h, draw.h). */
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

#include "tui/chrome.h"
#include "tui/detail.h"
#include "tui/draw.h"
#include "tui/status.h"
#include "tui/tabs.h"
#include "tui/term.h"
#include "tui/width.h"

static int setup(void **state)
{
  struct pd_term_opts o;
  char err[256];

  (void)state;
  if (!setlocale(LC_ALL, "C.UTF-8"))
    return -1;
  memset(&o, 0, sizeof o);
  o.headless = true;
  o.rows = 24;
  o.cols = 80;
  return pd_term_open(&o, err, sizeof err);
}

static int teardown(void **state)
{
  (void)state;
  pd_term_close();
  return 0;
}

static const char *row(int y)
{
  static char buf[1024];

  wnoutrefresh(stdscr);
  doupdate();
  pd_term_row_text(y, buf, sizeof buf);
  return buf;
}

static char *roles(void)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  wnoutrefresh(stdscr);
  doupdate();
  pd_term_dump_file(f, PD_DUMP_ROLES);
  fclose(f);
  return buf;
}

/* The role letter of cell x on row y of a PD_DUMP_ROLES dump ('.' past the
 * trimmed end of a line). */
static char role_at(const char *dump, int y, int x)
{
  size_t off = 0, len;

  while (y-- > 0)
    off += strcspn(dump + off, "\n") + 1;
  len = strcspn(dump + off, "\n");
  return (size_t)x < len ? dump[off + (size_t)x] : '.';
}

static void test_draw_text_sanitises_and_cuts(void **state)
{
  (void)state;
  werase(stdscr);
  assert_int_equal(pd_draw_text(stdscr, 0, 0, 80, "a\x1b]2;t\x07" "b", A_NORMAL, 0), 12);
  assert_string_equal(row(0), "a\\e]2;t\\x07b");
  assert_int_equal(pd_draw_text(stdscr, 1, 0, 5, "山田太郎", A_NORMAL, 0), 5);
  assert_string_equal(row(1), "山田…");
  pd_draw_text(stdscr, 2, 0, 6, "42", A_NORMAL, PD_DRAW_RIGHT);
  assert_string_equal(row(2), "    42");
  pd_draw_text(stdscr, 3, 0, 7, "ab", A_NORMAL, PD_DRAW_CENTER);
  assert_string_equal(row(3), "  ab");
  pd_draw_text(stdscr, 4, 10, 0, "nothing", A_NORMAL, 0);
  assert_string_equal(row(4), "");
}

static void test_status_line(void **state)
{
  struct pd_statusline st;
  char *r;

  (void)state;
  werase(stdscr);
  pd_status_init(&st);
  pd_status_set_hints(&st, "? help  : command");
  pd_status_set_right(&st, "12/400");
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_string_equal(row(23), "? help  : command                                                        12/400");
  /* a message replaces the hints until it expires */
  pd_status_set_message(&st, PD_MSG_ERROR, "Hold \x1b[5mactive", 1000, 500);
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_non_null(strstr(row(23), "Hold \\e[5mactive"));
  r = roles();
  assert_int_equal(role_at(r, 23, 0), 'e'); /* error role */
  free(r);
  assert_false(pd_status_expire(&st, 1499));
  assert_true(pd_status_expire(&st, 1500));
  assert_false(pd_status_expire(&st, 1600));
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_non_null(strstr(row(23), "? help"));
  /* the spinner only while busy */
  assert_true(pd_status_set_busy(&st, 2));
  assert_false(pd_status_set_busy(&st, 1));
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_true(strncmp(row(23), pd_spinner_frame(0), strlen(pd_spinner_frame(0))) == 0);
  pd_status_tick(&st);
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_true(strncmp(row(23), pd_spinner_frame(1), strlen(pd_spinner_frame(1))) == 0);
  assert_string_not_equal(pd_spinner_frame(0), pd_spinner_frame(1));
  assert_true(pd_status_set_busy(&st, 0));
  pd_status_draw(&st, stdscr, 23, 0, 80);
  assert_true(strncmp(row(23), "? help", 6) == 0);
}

static void test_tabs(void **state)
{
  static const char *const labels[] = {"Inventory", "Holds", "Requests"};

  (void)state;
  werase(stdscr);
  pd_tabs_draw(stdscr, 0, 0, 80, labels, 3, 1);
  assert_string_equal(row(0), " Inventory  [Holds]  Requests");
  assert_int_equal(pd_tabs_step(2, 3, 1), 0);
  assert_int_equal(pd_tabs_step(0, 3, -1), 2);
  /* narrow: cut, never past the width */
  werase(stdscr);
  pd_tabs_draw(stdscr, 0, 0, 15, labels, 3, 0);
  assert_true(pd_width(row(0)) <= 15);
}

static void test_bar_chart_at_80_columns(void **state)
{
  struct pd_bar bars[] = {
    {"overdue", 12, PD_STYLE_URGENT}, {"0-2 days", 3, PD_STYLE_DUE_SOON},
    {"7-13 days", 40, PD_STYLE_BAR}, {"30+ days", 0, PD_STYLE_OK},
  };
  int y;

  (void)state;
  werase(stdscr);
  pd_barchart_draw(stdscr, (struct pd_rect){2, 0, 10, 80}, bars, 4);
  for (y = 2; y < 6; y++) {
    const char *r = row(y);

    assert_true(pd_width(r) <= 80);
  }
  /* the largest count fills the bar area, counts right-aligned at the edge */
  {
    char want[512] = "7-13 days ";
    int i;

    /* 80 - label 9 - count 2 - 2 separators = 67 cells */
    for (i = 0; i < 67; i++)
      strcat(want, "█");
    strcat(want, " 40");
    assert_string_equal(row(4), want);
  }
  assert_true(strstr(row(5), "█") == NULL);         /* zero: no bar */
  assert_non_null(strstr(row(5), "0"));
  assert_int_equal(pd_bar_eighths(40, 40, 50), 400);
  assert_int_equal(pd_bar_eighths(1, 1000000, 50), 1); /* any count shows */
  assert_int_equal(pd_bar_eighths(0, 10, 50), 0);
  assert_int_equal(pd_bar_eighths(20, 40, 50), 200);
  assert_non_null(strstr(row(2), "overdue"));
}

static void test_detail_pane(void **state)
{
  struct pd_detail *d = pd_detail_new();
  int y;

  (void)state;
  pd_detail_add_heading(d, "Request");
  pd_detail_add_field(d, "Status", "in_progress", PD_STYLE_NORMAL);
  pd_detail_add_field(d, "Account", "Mal\x1b]0;x\x07lory\nsecond line", PD_STYLE_NORMAL);
  pd_detail_add_blank(d);
  pd_detail_add_text(d, "First paragraph of a note that is long enough to wrap at forty columns.\n"
                        "Second \x1b[31mline.",
                     PD_STYLE_NORMAL);
  werase(stdscr);
  pd_detail_draw(d, stdscr, (struct pd_rect){0, 0, 10, 40});
  assert_string_equal(row(0), "Request");
  assert_string_equal(row(1), "Status:  in_progress");
  assert_string_equal(row(2), "Account: Mal\\e]0;x\\x07lory\\nsecond line");
  assert_string_equal(row(3), "");
  assert_string_equal(row(4), "First paragraph of a note that is long");
  assert_string_equal(row(5), "enough to wrap at forty columns.");
  assert_string_equal(row(6), "Second \\e[31mline.");
  assert_int_equal(pd_detail_line_count(d), 7);
  /* scrolling: all 7 lines fit in 10 rows, nothing to scroll */
  assert_true(pd_detail_action(d, PD_ACT_MOVE_DOWN));
  assert_int_equal(pd_detail_top(d), 0);
  werase(stdscr);
  pd_detail_draw(d, stdscr, (struct pd_rect){0, 0, 4, 40});
  for (y = 0; y < 4; y++)
    assert_true(pd_detail_action(d, PD_ACT_MOVE_DOWN));
  werase(stdscr);
  pd_detail_draw(d, stdscr, (struct pd_rect){0, 0, 4, 40});
  assert_string_equal(row(0), "");
  assert_int_equal(pd_detail_top(d), 3);
  pd_detail_action(d, PD_ACT_MOVE_LAST);
  assert_int_equal(pd_detail_top(d), 3);
  pd_detail_action(d, PD_ACT_MOVE_FIRST);
  assert_int_equal(pd_detail_top(d), 0);
  assert_false(pd_detail_action(d, PD_ACT_OPEN));
  /* re-wrapped at another width; long values wrap under the value column */
  werase(stdscr);
  pd_detail_draw(d, stdscr, (struct pd_rect){0, 0, 10, 20});
  /* the key column takes at most a third of the width */
  assert_string_equal(row(2), "Accou… Mal\\e]0;x\\x07");
  assert_true(strncmp(row(3), "       lory", 11) == 0);
  pd_detail_free(d);
}

static void test_header_with_badge(void **state)
{
  struct pd_header h = {"prod-eu", "privacy.example.com", "alice", "agent", PD_CONN_ONLINE, NULL, 0, true, false};
  char *r;

  (void)state;
  werase(stdscr);
  pd_header_draw(stdscr, 0, 80, "privdesk", &h);
  assert_string_equal(row(0),
                      " privdesk │ prod-eu │ privacy.example.com │ alice (agent) │ online   PRODUCTION");
  r = roles();
  for (int x = 68; x < 80; x++)
    assert_int_equal(role_at(r, 0, x), 'P'); /* the badge in its own role */
  assert_int_equal(role_at(r, 0, 1), 'h');
  free(r);
  /* hostile fields stay on one line and the badge stays at the right */
  h.user = "\x1b[2J\x1b]0;pwned\x07" "eve with a very long name indeed";
  h.conn = PD_CONN_OFFLINE;
  h.conn_detail = "retry in 5s";
  werase(stdscr);
  pd_header_draw(stdscr, 0, 80, "privdesk", &h);
  assert_non_null(strstr(row(0), "\\e[2J\\e]0;pwned"));
  assert_non_null(strstr(row(0), " PRODUCTION"));
  assert_int_equal(pd_width(row(0)), 79);
}

static void test_breadcrumb(void **state)
{
  const char *t[] = {"Queue", "req_123", "Account \x1b[1m", "Inventory"};
  char buf[256];

  (void)state;
  pd_breadcrumb_format(buf, sizeof buf, t, 4, 100);
  assert_string_equal(buf, "Queue › req_123 › Account \\e[1m › Inventory");
  pd_breadcrumb_format(buf, sizeof buf, t, 4, 30);
  assert_string_equal(buf, "… › Account \\e[1m › Inventory");
  pd_breadcrumb_format(buf, sizeof buf, t, 4, 5);
  assert_string_equal(buf, "… › Inventory");
  werase(stdscr);
  pd_breadcrumb_draw(stdscr, 1, 80, t, 2);
  assert_string_equal(row(1), " Queue › req_123");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_draw_text_sanitises_and_cuts),
    cmocka_unit_test(test_status_line),
    cmocka_unit_test(test_tabs),
    cmocka_unit_test(test_bar_chart_at_80_columns),
    cmocka_unit_test(test_detail_pane),
    cmocka_unit_test(test_header_with_badge),
    cmocka_unit_test(test_breadcrumb),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
