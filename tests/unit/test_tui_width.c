/* Display width, truncation with ellipsis and padding (tui/width.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "tui/width.h"

static int setup_utf8(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void test_width(void **state)
{
  (void)state;
  assert_int_equal(pd_width(""), 0);
  assert_int_equal(pd_width("abc"), 3);
  assert_int_equal(pd_width("山田太郎"), 8);             /* CJK: 2 each */
  assert_int_equal(pd_width("😀"), 2);                   /* emoji: 2 */
  assert_int_equal(pd_width("e\xcc\x81"), 1);            /* e + combining acute: 1 */
  assert_int_equal(pd_width("Zoë"), 3);
  assert_int_equal(pd_width("a\xe2\x80\x8d" "b"), 2);   /* joiner: 0 */
  assert_int_equal(pd_width("한국어"), 6);
  assert_int_equal(pd_width_n("山田", 3), 2);
  assert_int_equal(pd_char_width(0x4e2d), 2);
  assert_int_equal(pd_char_width(0x301), 0);
  assert_int_equal(pd_char_width('x'), 1);
}

static void test_prefix(void **state)
{
  int used;

  (void)state;
  assert_int_equal(pd_width_prefix("山田太郎", 12, 5, &used), 6); /* two characters */
  assert_int_equal(used, 4);
  assert_int_equal(pd_width_prefix("abc", 3, 10, &used), 3);
  assert_int_equal(used, 3);
  /* combining marks stay with their base */
  assert_int_equal(pd_width_prefix("e\xcc\x81" "f", 4, 1, &used), 3);
  assert_int_equal(used, 1);
}

static void test_truncate(void **state)
{
  char buf[64];
  int w;

  (void)state;
  pd_truncate(buf, sizeof buf, "hello world", 20, &w);
  assert_string_equal(buf, "hello world");
  assert_int_equal(w, 11);
  pd_truncate(buf, sizeof buf, "hello world", 8, &w);
  assert_string_equal(buf, "hello w…");
  assert_int_equal(w, 8);
  pd_truncate(buf, sizeof buf, "hello", 5, &w);
  assert_string_equal(buf, "hello");
  /* odd width: a 2-column character that does not fit is left out whole */
  pd_truncate(buf, sizeof buf, "山田太郎", 5, &w);
  assert_string_equal(buf, "山田…");
  assert_int_equal(w, 5);
  pd_truncate(buf, sizeof buf, "山田太郎", 4, &w);
  assert_string_equal(buf, "山…");
  assert_int_equal(w, 3);
  pd_truncate(buf, sizeof buf, "山田太郎", 2, &w);
  assert_string_equal(buf, "…");
  assert_int_equal(w, 1);
  pd_truncate(buf, sizeof buf, "山田太郎", 1, &w);
  assert_string_equal(buf, "…");
  pd_truncate(buf, sizeof buf, "山田太郎", 0, &w);
  assert_string_equal(buf, "");
  assert_int_equal(w, 0);
  pd_truncate(buf, sizeof buf, "😀😀😀", 5, &w);
  assert_string_equal(buf, "😀😀…");
  /* combining marks are never split from their base */
  pd_truncate(buf, sizeof buf, "e\xcc\x81" "e\xcc\x81" "e\xcc\x81", 2, &w);
  assert_string_equal(buf, "e\xcc\x81…");
  assert_int_equal(w, 2);
  /* a small buffer never cuts a character */
  pd_truncate(buf, 5, "山田太郎", 8, &w);
  assert_string_equal(buf, "山");
}

static void test_fit(void **state)
{
  char buf[64];

  (void)state;
  pd_fit(buf, sizeof buf, "山田", 6, PD_ALIGN_LEFT);
  assert_string_equal(buf, "山田  ");
  pd_fit(buf, sizeof buf, "山田", 6, PD_ALIGN_RIGHT);
  assert_string_equal(buf, "  山田");
  pd_fit(buf, sizeof buf, "ab", 6, PD_ALIGN_CENTER);
  assert_string_equal(buf, "  ab  ");
  pd_fit(buf, sizeof buf, "山田太郎", 4, PD_ALIGN_LEFT);
  assert_string_equal(buf, "山… ");
  assert_int_equal(pd_width(buf), 4);
  pd_fit(buf, sizeof buf, "山田太郎", 4, PD_ALIGN_RIGHT);
  assert_string_equal(buf, " 山…");
  pd_fit(buf, sizeof buf, "12345", 3, PD_ALIGN_RIGHT);
  assert_string_equal(buf, "12…");
  pd_fit(buf, sizeof buf, "", 3, PD_ALIGN_LEFT);
  assert_string_equal(buf, "   ");
}

static void test_every_fit_is_exact(void **state)
{
  static const char *const samples[] = {"abc", "山田太郎", "😀x😀", "e\xcc\x81tude", "Zoë Ölberg", ""};
  size_t i;
  int cols;

  (void)state;
  for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    for (cols = 0; cols < 14; cols++) {
      char buf[128];

      pd_fit(buf, sizeof buf, samples[i], cols, PD_ALIGN_LEFT);
      assert_int_equal(pd_width(buf), cols);
      pd_fit(buf, sizeof buf, samples[i], cols, PD_ALIGN_RIGHT);
      assert_int_equal(pd_width(buf), cols);
    }
  }
}

static void test_c_locale_ellipsis(void **state)
{
  char buf[32];

  (void)state;
  assert_non_null(setlocale(LC_ALL, "C"));
  assert_string_equal(pd_ellipsis(), "~");
  pd_truncate(buf, sizeof buf, "hello world", 6, NULL);
  assert_string_equal(buf, "hello~");
  assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
  assert_string_equal(pd_ellipsis(), "…");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_width),
    cmocka_unit_test(test_prefix),
    cmocka_unit_test(test_truncate),
    cmocka_unit_test(test_fit),
    cmocka_unit_test(test_every_fit_is_exact),
    cmocka_unit_test(test_c_locale_ellipsis),
  };

  return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
