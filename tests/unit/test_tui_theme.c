/* Colour roles: 256, 8 and monochrome variants; NO_COLOR forces monochrome;
 * vt100 works (tui/theme.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tui/draw.h"
#include "tui/term.h"
#include "tui/theme.h"

static void open_headless(const char *term)
{
  struct pd_term_opts o;
  char err[256];

  memset(&o, 0, sizeof o);
  o.headless = true;
  o.rows = 24;
  o.cols = 80;
  o.termname = term;
  if (pd_term_open(&o, err, sizeof err) != 0)
    fail_msg("%s", err);
}

static int setup(void **state)
{
  (void)state;
  unsetenv("NO_COLOR");
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  pd_term_close();
  unsetenv("NO_COLOR");
  return 0;
}

static void test_no_color_is_monochrome(void **state)
{
  attr_t a;

  (void)state;
  setenv("NO_COLOR", "1", 1);
  open_headless("xterm-256color");
  assert_int_equal(pd_theme_mode(), PD_THEME_MONO);
  a = pd_theme_attr(PD_STYLE_SELECTED);
  assert_int_equal(a, A_REVERSE);
  assert_int_equal(PAIR_NUMBER(a), 0);
  assert_true(pd_theme_attr(PD_STYLE_BADGE_PRODUCTION) & A_REVERSE);
  assert_true(pd_theme_attr(PD_STYLE_BADGE_PRODUCTION) & A_BOLD);
  assert_true(pd_theme_attr(PD_STYLE_URGENT) & A_BOLD);
  assert_true(pd_theme_attr(PD_STYLE_DUE_SOON) & A_UNDERLINE);
  assert_int_equal(pd_theme_attr(PD_STYLE_NORMAL), A_NORMAL);
  for (int r = 0; r < PD_STYLE_COUNT; r++)
    assert_int_equal(PAIR_NUMBER(pd_theme_attr((enum pd_style)r)), 0);
  pd_term_close();
}

static void test_empty_no_color_is_ignored(void **state)
{
  (void)state;
  setenv("NO_COLOR", "", 1);
  open_headless("xterm-256color");
  assert_int_equal(pd_theme_mode(), PD_THEME_256);
  pd_term_close();
  unsetenv("NO_COLOR");
}

static void test_256_colours(void **state)
{
  attr_t a;

  (void)state;
  open_headless("xterm-256color");
  assert_int_equal(pd_theme_mode(), PD_THEME_256);
  a = pd_theme_attr(PD_STYLE_URGENT);
  assert_int_equal(PAIR_NUMBER(a), PD_STYLE_URGENT + 1);
  assert_int_equal(pd_theme_style_of_pair(PAIR_NUMBER(a)), PD_STYLE_URGENT);
  {
    short fg, bg;

    pair_content((short)(PD_STYLE_BADGE_PRODUCTION + 1), &fg, &bg);
    assert_int_equal(fg, 231); /* white on red */
    assert_int_equal(bg, 160);
  }
  pd_term_close();
}

static void test_8_colours(void **state)
{
  short fg, bg;

  (void)state;
  open_headless("xterm");
  assert_int_equal(pd_theme_mode(), PD_THEME_8);
  pair_content((short)(PD_STYLE_BADGE_PRODUCTION + 1), &fg, &bg);
  assert_int_equal(fg, COLOR_WHITE);
  assert_int_equal(bg, COLOR_RED);
  pair_content((short)(PD_STYLE_URGENT + 1), &fg, &bg);
  assert_int_equal(fg, COLOR_RED);
  pd_term_close();
}

static void test_vt100_draws_in_monochrome(void **state)
{
  char row[256];

  (void)state;
  open_headless("vt100");
  assert_int_equal(pd_theme_mode(), PD_THEME_MONO);
  pd_draw_text(stdscr, 0, 0, 20, "selected \x1b[31m", pd_theme_attr(PD_STYLE_SELECTED), PD_DRAW_PAD);
  wnoutrefresh(stdscr);
  doupdate();
  pd_term_row_text(0, row, sizeof row);
  assert_string_equal(row, "selected \\e[31m");
  pd_term_close();
}

static void test_forced_mode_and_letters(void **state)
{
  int i, j;

  (void)state;
  open_headless("xterm-256color");
  assert_int_equal(pd_theme_init(PD_THEME_MONO), PD_THEME_MONO);
  assert_int_equal(pd_theme_attr(PD_STYLE_SELECTED), A_REVERSE);
  assert_int_equal(pd_theme_init(PD_THEME_8), PD_THEME_8);
  /* dump letters are unique */
  for (i = 0; i < PD_STYLE_COUNT; i++)
    for (j = i + 1; j < PD_STYLE_COUNT; j++)
      assert_true(pd_theme_role_letter((enum pd_style)i) != pd_theme_role_letter((enum pd_style)j));
  assert_string_equal(pd_theme_role_name(PD_STYLE_URGENT), "URGENT");
  pd_term_close();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(test_no_color_is_monochrome, teardown),
    cmocka_unit_test_teardown(test_empty_no_color_is_ignored, teardown),
    cmocka_unit_test_teardown(test_256_colours, teardown),
    cmocka_unit_test_teardown(test_8_colours, teardown),
    cmocka_unit_test_teardown(test_vt100_draws_in_monochrome, teardown),
    cmocka_unit_test_teardown(test_forced_mode_and_letters, teardown),
  };

  return cmocka_run_group_tests(tests, setup, NULL);
}
