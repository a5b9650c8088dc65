/* Confirmation dialogs: yes/no, and typed confirmation that accepts only
 * the exact string (tui/confirm.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "tui/confirm.h"
#include "tui/term.h"

static int setup_utf8(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static enum pd_confirm_result type(struct pd_confirm *c, const char *keys)
{
  enum pd_confirm_result r = PD_CONFIRM_PENDING;

  while (*keys) {
    pd_key k;
    size_t n = pd_key_parse(keys, &k);

    assert_true(n > 0);
    r = pd_confirm_key(c, k);
    if (r != PD_CONFIRM_PENDING)
      return r;
    keys += n;
  }
  return r;
}

static void test_typed_exact_only(void **state)
{
  struct pd_confirm c;

  (void)state;
  assert_int_equal(pd_confirm_init_typed(&c, "Erase", "Erase it?", "alice@example.com", false), 0);
  /* y, n, Enter mean nothing here */
  assert_int_equal(type(&c, "y"), PD_CONFIRM_PENDING);
  assert_int_equal(type(&c, "<BS><Enter>"), PD_CONFIRM_PENDING);
  assert_int_equal(type(&c, "alice@example.co<Enter>"), PD_CONFIRM_PENDING);
  assert_non_null(strstr(c.error, "does not match"));
  assert_int_equal(type(&c, "m "), PD_CONFIRM_PENDING); /* trailing space */
  assert_string_equal(c.error, "");
  assert_int_equal(type(&c, "<Enter>"), PD_CONFIRM_PENDING);
  assert_int_equal(type(&c, "<BS><C-a>A<Del><Enter>"), PD_CONFIRM_PENDING); /* wrong case */
  assert_int_equal(type(&c, "<C-a><Del>a<Enter>"), PD_CONFIRM_YES);
  pd_confirm_free(&c);

  assert_int_equal(pd_confirm_init_typed(&c, "Erase", "Erase it?", "alice@example.com", false), 0);
  assert_int_equal(type(&c, "alice@example.com<Esc>"), PD_CONFIRM_NO);
  pd_confirm_free(&c);
}

static void test_typed_case_insensitive(void **state)
{
  struct pd_confirm c;

  (void)state;
  assert_int_equal(pd_confirm_init_typed(&c, "Erase", "msg", "Alice@Example.COM", true), 0);
  assert_true(pd_confirm_matches(&c, "alice@example.com"));
  assert_false(pd_confirm_matches(&c, "alice@example.co"));
  assert_false(pd_confirm_matches(&c, " alice@example.com"));
  assert_int_equal(type(&c, "ALICE@example.com<Enter>"), PD_CONFIRM_YES);
  pd_confirm_free(&c);
  /* an empty expected string never matches */
  assert_int_equal(pd_confirm_init_typed(&c, "x", "y", "", true), 0);
  assert_int_equal(type(&c, "<Enter>"), PD_CONFIRM_PENDING);
  pd_confirm_free(&c);
}

static void test_yes_no(void **state)
{
  struct pd_confirm c;

  (void)state;
  pd_confirm_init_yesno(&c, "Release hold", "Release?", false);
  assert_int_equal(type(&c, "x"), PD_CONFIRM_PENDING);
  assert_int_equal(type(&c, "y"), PD_CONFIRM_YES);
  assert_int_equal(type(&c, "n"), PD_CONFIRM_NO);
  assert_int_equal(type(&c, "<Esc>"), PD_CONFIRM_NO);
  assert_int_equal(type(&c, "<Enter>"), PD_CONFIRM_NO);
  pd_confirm_free(&c);
  pd_confirm_init_yesno(&c, "Go", "Go?", true);
  assert_int_equal(type(&c, "<Enter>"), PD_CONFIRM_YES);
  pd_confirm_free(&c);
}

static void test_draw_centred_at_80x24(void **state)
{
  struct pd_term_opts o;
  struct pd_confirm c;
  struct pd_rect r;
  char err[256], row[512];
  int cy = -1, cx, y;
  bool seen_prompt = false, seen_escape = false;

  (void)state;
  memset(&o, 0, sizeof o);
  o.headless = true;
  o.rows = 24;
  o.cols = 80;
  assert_int_equal(pd_term_open(&o, err, sizeof err), 0);
  pd_confirm_init_typed(&c, "Erase account data",
                        "Erase the personal data of this account? Transactions are kept for ten "
                        "years (tax law) and nothing under a dispute hold is erased.",
                        "mal\x1b]0;x\x07lory@example.com", true);
  r = pd_confirm_rect(&c, 24, 80);
  assert_true(r.w <= 76 && r.w >= 40);
  assert_true(r.h <= 24 && r.h >= 8);
  assert_int_equal(r.x, (80 - r.w) / 2);
  assert_int_equal(r.y, (24 - r.h) / 2);
  type(&c, "mal");
  cx = pd_confirm_draw(&c, stdscr, r, &cy);
  wnoutrefresh(stdscr);
  doupdate();
  assert_true(cy > r.y && cy < r.y + r.h - 1);
  assert_int_equal(cx, r.x + 2 + 3);
  for (y = 0; y < 24; y++) {
    pd_term_row_text(y, row, sizeof row);
    if (strstr(row, "Type mal\\e]0;x\\x07lory@example.com to confirm"))
      seen_prompt = true;
    if (strstr(row, "\\e]0;x"))
      seen_escape = true;
  }
  assert_true(seen_prompt);
  assert_true(seen_escape);
  pd_term_row_text(r.y, row, sizeof row);
  assert_non_null(strstr(row, "Erase account data"));
  pd_confirm_free(&c);
  pd_term_close();
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_typed_exact_only),
    cmocka_unit_test(test_typed_case_insensitive),
    cmocka_unit_test(test_yes_no),
    cmocka_unit_test(test_draw_centred_at_80x24),
  };

  return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
