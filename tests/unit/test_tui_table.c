/* The virtual-scrolling table in headless mode: aligned columns with CJK and
 * hostile text at 80x24, formatting only visible rows of 100,000, and a
 * one-row move repainting exactly two rows (tui/table.h). */
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

#include "tui/table.h"
#include "tui/term.h"
#include "tui/width.h"

static const char *const names[] = {"山田太郎", "\x1b]0;pwned\x07Mal", "Bob", "Zoë 😀 x"};
static const char *const cities[] = {"東京", "Osaka", "Berlin\x1b[2J", "Zürich"};

static size_t formatted[64];
static int nformatted;

static void format(void *ctx, size_t i, struct pd_table_row *r)
{
  (void)ctx;
  if (nformatted < 64)
    formatted[nformatted] = i;
  nformatted++;
  pd_table_row_set(r, 0, names[i % 4]);
  pd_table_row_set(r, 1, cities[i % 4]);
  pd_table_row_setf(r, 2, "%zu", (i * 7) % 1000);
  if (i % 4 == 2)
    pd_table_row_set_role(r, PD_STYLE_URGENT);
}

static const struct pd_table_ops ops = {format, NULL};
static const struct pd_table_column cols[] = {
  {"Name", 10, 20, 1, 0},
  {"City", 6, 12, 1, 0},
  {"Count", 5, 7, 0, PD_COL_RIGHT},
};

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

static void show(void)
{
  wnoutrefresh(stdscr);
  doupdate();
}

static struct pd_rect full_rect(void)
{
  return (struct pd_rect){0, 0, 22, 80};
}

static void test_columns_aligned_with_cjk_and_hostile_text(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER | PD_TABLE_MARKS, &ops, NULL);
  char row[512];
  int y;
  static const char *const want[] = {
    " Name                 City         Count",
    " 山田太郎             東京             0",
    " \\e]0;pwned\\x07Mal    Osaka            7",
    " Bob                  Berlin\\e[2J     14",
    " Zoë 😀 x             Zürich          21",
    " 山田太郎             東京            28",
  };

  (void)state;
  assert_non_null(t);
  pd_table_set_count(t, 6, false);
  werase(stdscr);
  pd_table_draw(t, stdscr, full_rect(), true);
  show();
  for (y = 0; y < 6; y++) {
    pd_term_row_text(y, row, sizeof row);
    assert_string_equal(row, want[y]);
    /* every line is exactly as wide on screen as the header */
    if (y > 0)
      assert_int_equal(pd_width(row), pd_width(want[0]));
  }
  pd_term_row_text(7, row, sizeof row);
  assert_string_equal(row, "");
  pd_table_free(t);
}

static void test_roles_and_selection(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER, &ops, NULL);
  char line[128];
  FILE *f;
  char *buf = NULL;
  size_t len = 0;

  (void)state;
  pd_table_set_count(t, 6, false);
  werase(stdscr);
  pd_table_draw(t, stdscr, full_rect(), true);
  show();
  f = open_memstream(&buf, &len);
  pd_term_dump_file(f, PD_DUMP_ROLES);
  fclose(f);
  /* header 't', selected first row 'S' across the whole width, urgent row 'u' */
  memset(line, 't', 80);
  line[80] = '\0';
  assert_memory_equal(buf, line, 80);
  memset(line, 'S', 80);
  assert_memory_equal(buf + 81, line, 80);
  assert_int_equal(buf[81 * 3 + 2], 'u');
  free(buf);
  pd_table_free(t);
}

static void test_virtual_scrolling_100k(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER, &ops, NULL);
  unsigned long before;
  char row[512];

  (void)state;
  pd_table_set_count(t, 100000, false);
  werase(stdscr);
  nformatted = 0;
  pd_table_draw(t, stdscr, full_rect(), true);
  assert_int_equal(nformatted, 21); /* 22 rows minus the header */
  assert_int_equal(pd_table_format_calls(t), 21);
  assert_int_equal(pd_table_page_rows(t), 21);
  show();

  /* one step down: two rows */
  nformatted = 0;
  assert_true(pd_table_action(t, PD_ACT_MOVE_DOWN));
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 2);
  assert_true((formatted[0] == 0 && formatted[1] == 1) || (formatted[0] == 1 && formatted[1] == 0));

  /* a page: one screenful */
  nformatted = 0;
  pd_table_action(t, PD_ACT_PAGE_DOWN);
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 21);
  assert_int_equal(pd_table_top(t), 20);
  assert_int_equal(pd_table_cursor(t), 21);

  /* the end of 100,000 rows costs the same */
  nformatted = 0;
  pd_table_action(t, PD_ACT_MOVE_LAST);
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 21);
  assert_int_equal(pd_table_cursor(t), 99999);
  assert_int_equal(pd_table_top(t), 100000 - 21);
  show();
  pd_term_row_text(21, row, sizeof row);
  assert_non_null(strstr(row, "Zoë"));

  /* nothing changed: nothing formatted */
  before = pd_table_format_calls(t);
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(pd_table_format_calls(t), before);

  pd_table_action(t, PD_ACT_MOVE_FIRST);
  assert_int_equal(pd_table_cursor(t), 0);
  assert_int_equal(pd_table_top(t), 0);
  pd_table_free(t);
}

static void test_one_row_move_touches_two_lines(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER, &ops, NULL);
  int y, touched = 0;

  (void)state;
  pd_table_set_count(t, 100000, false);
  pd_table_set_cursor(t, 5);
  werase(stdscr);
  pd_table_draw(t, stdscr, full_rect(), true);
  show(); /* wnoutrefresh resets the touched flags */
  for (y = 0; y < 22; y++)
    assert_false(is_linetouched(stdscr, y));
  pd_table_action(t, PD_ACT_MOVE_DOWN);
  pd_table_draw(t, stdscr, full_rect(), false);
  for (y = 0; y < 22; y++) {
    if (is_linetouched(stdscr, y)) {
      touched++;
      assert_true(y == 1 + 5 || y == 1 + 6); /* the old and the new row */
    }
  }
  assert_int_equal(touched, 2);
  show();
  pd_table_action(t, PD_ACT_MOVE_UP);
  pd_table_draw(t, stdscr, full_rect(), false);
  touched = 0;
  for (y = 0; y < 22; y++)
    touched += is_linetouched(stdscr, y) ? 1 : 0;
  assert_int_equal(touched, 2);
  show();
  pd_table_free(t);
}

/* Rows arriving below the visible window (a page loaded, a lazy filter
 * finding more matches) keep the cursor and the marks and repaint nothing;
 * rows arriving inside it repaint. */
static void test_grow(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER | PD_TABLE_MARKS, &ops, NULL);

  (void)state;
  pd_table_set_count(t, 100, false);
  pd_table_set_cursor(t, 7);
  pd_table_set_mark(t, 3, true);
  pd_table_set_mark(t, 99, true);
  pd_table_draw(t, stdscr, full_rect(), true);
  nformatted = 0;
  pd_table_grow(t, 100000);
  assert_int_equal(pd_table_count(t), 100000);
  assert_int_equal(pd_table_cursor(t), 7);
  assert_true(pd_table_is_marked(t, 3));
  assert_true(pd_table_is_marked(t, 99));
  assert_false(pd_table_is_marked(t, 100));
  assert_int_equal(pd_table_marked_count(t), 2);
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 0); /* nothing on screen changed */
  pd_table_grow(t, 50); /* never shrinks */
  assert_int_equal(pd_table_count(t), 100000);
  pd_table_set_mark(t, 99999, true);
  assert_int_equal(pd_table_marked_count(t), 3);
  pd_table_free(t);

  /* a short table: the new rows show */
  t = pd_table_new(cols, 3, PD_TABLE_HEADER | PD_TABLE_MARKS, &ops, NULL);
  pd_table_set_count(t, 5, false);
  pd_table_draw(t, stdscr, full_rect(), true);
  nformatted = 0;
  pd_table_grow(t, 8);
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 8);
  pd_table_free(t);
}

static void test_scroll_keeps_cursor_visible(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER, &ops, NULL);
  int i;

  (void)state;
  pd_table_set_count(t, 1000, false);
  pd_table_draw(t, stdscr, full_rect(), true);
  for (i = 0; i < 21; i++)
    pd_table_action(t, PD_ACT_MOVE_DOWN);
  assert_int_equal(pd_table_cursor(t), 21);
  assert_int_equal(pd_table_top(t), 1);
  nformatted = 0;
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_int_equal(nformatted, 21);
  pd_table_action(t, PD_ACT_PAGE_UP);
  assert_int_equal(pd_table_top(t), 0);
  assert_true(pd_table_cursor(t) < 21);
  /* fewer rows than lines */
  pd_table_set_count(t, 3, false);
  assert_int_equal(pd_table_cursor(t), 2);
  assert_int_equal(pd_table_top(t), 0);
  pd_table_action(t, PD_ACT_PAGE_DOWN);
  assert_int_equal(pd_table_cursor(t), 2);
  pd_table_set_count(t, 0, false);
  assert_int_equal(pd_table_cursor(t), 0);
  assert_true(pd_table_action(t, PD_ACT_MOVE_DOWN));
  pd_table_draw(t, stdscr, full_rect(), true);
  pd_table_free(t);
}

static void test_marks(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER | PD_TABLE_MARKS, &ops, NULL);
  char row[512];

  (void)state;
  pd_table_set_count(t, 10, false);
  werase(stdscr);
  pd_table_draw(t, stdscr, full_rect(), true);
  assert_true(pd_table_action(t, PD_ACT_MARK));
  assert_true(pd_table_is_marked(t, 0));
  assert_int_equal(pd_table_cursor(t), 1); /* space marks and moves on */
  pd_table_action(t, PD_ACT_MOVE_DOWN);
  pd_table_action(t, PD_ACT_MARK);
  assert_int_equal(pd_table_marked_count(t), 2);
  assert_int_equal(pd_table_next_marked(t, 0), 0);
  assert_int_equal(pd_table_next_marked(t, 1), 2);
  assert_int_equal(pd_table_next_marked(t, 3), (size_t)-1);
  nformatted = 0;
  pd_table_draw(t, stdscr, full_rect(), false);
  assert_true(nformatted <= 4);
  show();
  pd_term_row_text(1, row, sizeof row);
  assert_int_equal(row[0], '*');
  pd_term_row_text(3, row, sizeof row);
  assert_int_equal(row[0], '*');
  pd_term_row_text(2, row, sizeof row);
  assert_int_equal(row[0], ' ');
  /* kept on reload of the same data, cleared otherwise */
  pd_table_set_count(t, 10, true);
  assert_int_equal(pd_table_marked_count(t), 2);
  pd_table_set_count(t, 2, true);
  assert_int_equal(pd_table_marked_count(t), 1);
  pd_table_set_count(t, 10, false);
  assert_int_equal(pd_table_marked_count(t), 0);
  pd_table_free(t);
}

static void test_search_and_highlight(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, PD_TABLE_HEADER, &ops, NULL);
  FILE *f;
  char *buf = NULL;
  size_t len = 0;

  (void)state;
  pd_table_set_count(t, 100, false);
  assert_true(pd_table_search(t, "osaka", +1));
  assert_int_equal(pd_table_cursor(t), 1);
  assert_true(pd_table_search(t, "OSAKA", +1));
  assert_int_equal(pd_table_cursor(t), 5);
  assert_true(pd_table_search(t, "osaka", -1));
  assert_int_equal(pd_table_cursor(t), 1);
  assert_true(pd_table_search(t, "osaka", -1)); /* wraps */
  assert_int_equal(pd_table_cursor(t), 97);
  assert_false(pd_table_search(t, "nowhere", +1));
  assert_int_equal(pd_table_cursor(t), 97);

  pd_table_set_cursor(t, 0);
  pd_table_set_highlight(t, "bob");
  assert_string_equal(pd_table_highlight(t), "bob");
  werase(stdscr);
  pd_table_draw(t, stdscr, full_rect(), false);
  show();
  f = open_memstream(&buf, &len);
  pd_term_dump_file(f, PD_DUMP_ROLES);
  fclose(f);
  /* row 3 (index 2) "Bob": its three cells in the match role */
  {
    const char *line = buf;
    int y;

    for (y = 0; y < 3; y++)
      line = strchr(line, '\n') + 1;
    assert_memory_equal(line, "MMM", 3);
    assert_int_equal(line[3], 'u');
  }
  free(buf);
  pd_table_free(t);
}

static void test_layout(void **state)
{
  struct pd_table *t = pd_table_new(cols, 3, 0, &ops, NULL);
  int w[3];

  (void)state;
  assert_int_equal(pd_table_layout(t, 80, w), 3);
  assert_int_equal(w[0], 20);
  assert_int_equal(w[1], 12);
  assert_int_equal(w[2], 5);
  assert_int_equal(pd_table_layout(t, 30, w), 3);
  assert_int_equal(w[0] + w[1] + w[2] + 2, 30);
  assert_true(w[0] >= 10 && w[1] >= 6 && w[2] == 5);
  /* too narrow for all minimums: the rightmost columns go */
  assert_int_equal(pd_table_layout(t, 20, w), 2);
  assert_int_equal(w[2], 0);
  assert_int_equal(pd_table_layout(t, 8, w), 1);
  assert_int_equal(w[0], 8);
  pd_table_free(t);
  assert_null(pd_table_new(cols, 0, 0, &ops, NULL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_columns_aligned_with_cjk_and_hostile_text),
    cmocka_unit_test(test_roles_and_selection),
    cmocka_unit_test(test_virtual_scrolling_100k),
    cmocka_unit_test(test_one_row_move_touches_two_lines),
    cmocka_unit_test(test_scroll_keeps_cursor_visible),
    cmocka_unit_test(test_grow),
    cmocka_unit_test(test_marks),
    cmocka_unit_test(test_search_and_highlight),
    cmocka_unit_test(test_layout),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
