/* Sanitiser: a hostile corpus must come out as exact visible escapes, and
 * no output may ever carry a control byte, a C1 code point, or invalid
 * UTF-8 (tui/sanitize.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/sanitize.h"
#include "tui/utf8.h"

/* The safety property, checked on every output in this file. */
static void assert_safe(const char *out, size_t len, unsigned flags)
{
  size_t i = 0;

  while (i < len) {
    unsigned char b = (unsigned char)out[i];
    uint32_t cp;
    int n;

    if (b < 0x80) {
      if (b == '\n' && (flags & PD_SAN_NEWLINES)) {
        i++;
        continue;
      }
      assert_true(b >= 0x20);
      assert_true(b != 0x7f);
      i++;
      continue;
    }
    n = pd_utf8_decode(out + i, len - i, &cp);
    assert_true(n > 0);                           /* valid UTF-8 */
    assert_false(cp >= 0x80 && cp <= 0x9f);       /* no C1 */
    assert_false(cp >= 0x202a && cp <= 0x202e);   /* no bidi override */
    assert_false(cp >= 0x2066 && cp <= 0x2069);   /* no bidi isolate */
    assert_false(cp == 0x200e || cp == 0x200f || cp == 0x061c);
    i += (size_t)n;
  }
}

static void check(const char *in, size_t inlen, const char *want)
{
  char buf[8192];
  size_t n = pd_sanitize(buf, sizeof buf, in, inlen, 0, NULL);

  assert_string_equal(buf, want);
  assert_int_equal(n, strlen(want));
  assert_safe(buf, n, 0);
  /* idempotent: sanitised text is clean */
  assert_true(pd_sanitize_is_clean(buf, n, 0));
}

#define CHECK(lit, want) check(lit, sizeof(lit) - 1, want)

static int setup_utf8(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void test_plain_text_passes(void **state)
{
  (void)state;
  CHECK("Ada Lovelace <ada@example.com>", "Ada Lovelace <ada@example.com>");
  CHECK("Zoë Ölberg 山田太郎 😀", "Zoë Ölberg 山田太郎 😀");
  CHECK("", "");
  CHECK("back\\slash", "back\\slash");
}

static void test_every_c0_control(void **state)
{
  int c;

  (void)state;
  for (c = 0; c < 0x20; c++) {
    char in[1] = {(char)c}, want[8];

    switch (c) {
    case 0x1b: strcpy(want, "\\e"); break;
    case '\n': strcpy(want, "\\n"); break;
    case '\t': strcpy(want, "\\t"); break;
    case '\r': strcpy(want, "\\r"); break;
    default: snprintf(want, sizeof want, "\\x%02x", c);
    }
    check(in, 1, want);
  }
  CHECK("\x07", "\\x07");
  CHECK("a\0b", "a\\x00b");
}

static void test_del(void **state)
{
  (void)state;
  CHECK("\x7f", "\\x7f");
  CHECK("x\x7fy", "x\\x7fy");
}

static void test_every_c1_control(void **state)
{
  int c;

  (void)state;
  for (c = 0x80; c <= 0x9f; c++) {
    char in[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))}, want[16];

    snprintf(want, sizeof want, "\\u{%x}", c);
    check(in, 2, want);
  }
  /* raw 8-bit C1 bytes are invalid UTF-8: one escape per byte */
  CHECK("\x9b" "31m", "\\x9b31m");
  CHECK("\x9d" "0;title\x9c", "\\x9d0;title\\x9c");
}

static void test_escape_sequences_become_text(void **state)
{
  (void)state;
  /* SGR and CSI cursor movement / erase */
  CHECK("\x1b[31mred\x1b[0m", "\\e[31mred\\e[0m");
  CHECK("\x1b[2J\x1b[H\x1b[10;20H\x1b[K\x1b[1A\x1b[3C", "\\e[2J\\e[H\\e[10;20H\\e[K\\e[1A\\e[3C");
  CHECK("\x1b[?1049h\x1b[?25l", "\\e[?1049h\\e[?25l");
  /* OSC 52: write the clipboard, BEL- and ST-terminated */
  CHECK("\x1b]52;c;cm0gLXJmIH4=\x07", "\\e]52;c;cm0gLXJmIH4=\\x07");
  CHECK("\x1b]52;c;cm0gLXJmIH4=\x1b\\", "\\e]52;c;cm0gLXJmIH4=\\e\\");
  /* OSC 0 and 2: set the window title */
  CHECK("\x1b]0;pwned\x07Mallory", "\\e]0;pwned\\x07Mallory");
  CHECK("\x1b]2;owned\x1b\\", "\\e]2;owned\\e\\");
  /* OSC 8 hyperlink */
  CHECK("\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "\\e]8;;http://evil\\e\\click\\e]8;;\\e\\");
  /* DCS, APC, PM, SOS */
  CHECK("\x1bP1$r0m\x1b\\", "\\eP1$r0m\\e\\");
  CHECK("\x1b_Gf=100;AAAA\x1b\\", "\\e_Gf=100;AAAA\\e\\");
  CHECK("\x1b^privacy\x1b\\", "\\e^privacy\\e\\");
  CHECK("\x1bXstring\x1b\\", "\\eXstring\\e\\");
  /* two-character escapes: RIS (reset), save/restore cursor, charset */
  CHECK("\x1b" "c\x1b" "7\x1b" "8\x1b(0", "\\ec\\e7\\e8\\e(0");
  /* C1 forms of the same, encoded as code points */
  CHECK("\xc2\x9b" "2J", "\\u{9b}2J");
  CHECK("\xc2\x9d" "0;t\xc2\x9c", "\\u{9d}0;t\\u{9c}");
  CHECK("\xc2\x90" "q\xc2\x9c", "\\u{90}q\\u{9c}");
}

static void test_bidi_controls(void **state)
{
  static const unsigned cps[] = {0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066,
                                 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c};
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
    char in[8], want[16];
    int n = pd_utf8_encode(cps[i], in);

    snprintf(want, sizeof want, "\\u{%x}", cps[i]);
    check(in, (size_t)n, want);
  }
  CHECK("invoice\xe2\x80\xaegpj.exe", "invoice\\u{202e}gpj.exe");
  /* invisible format characters */
  CHECK("a\xe2\x80\x8b" "b", "a\\u{200b}b");
  CHECK("\xef\xbb\xbf" "bom", "\\u{feff}bom");
  CHECK("x\xf3\xa0\x80\x81y", "x\\u{e0001}y"); /* tag characters (ASCII smuggling) */
}

static void test_invalid_utf8(void **state)
{
  (void)state;
  CHECK("\xff", "\\xff");
  CHECK("a\xfe\xff" "b", "a\\xfe\\xffb");
  CHECK("\x80", "\\x80");                       /* stray continuation */
  CHECK("\xc0\x80", "\\xc0\\x80");              /* overlong NUL */
  CHECK("\xc1\xbf", "\\xc1\\xbf");              /* overlong */
  CHECK("\xe0\x80\xaf", "\\xe0\\x80\\xaf");     /* overlong '/' */
  CHECK("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
  CHECK("\xed\xa0\x80", "\\xed\\xa0\\x80");     /* surrogate U+D800 */
  CHECK("\xed\xbf\xbf", "\\xed\\xbf\\xbf");     /* surrogate U+DFFF */
  CHECK("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
  CHECK("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
  CHECK("end\xe5\xb1", "end\\xe5\\xb1");        /* truncated 3-byte char */
  CHECK("\xe5\xb1x", "\\xe5\\xb1x");            /* cut short by ASCII */
  CHECK("\xf0\x9f\x98", "\\xf0\\x9f\\x98");     /* truncated emoji */
}

static void test_unprintable_code_points(void **state)
{
  (void)state;
  CHECK("\xe2\x80\xa8", "\\u{2028}");           /* line separator */
  CHECK("\xcd\xb8", "\\u{378}");                /* unassigned */
  CHECK("\xf4\x8f\xbf\xbf", "\\u{10ffff}");     /* noncharacter */
}

static void test_joiners(void **state)
{
  (void)state;
  /* dropped inside emoji sequences: the parts show side by side, at the
   * width wcwidth() gives them, on every terminal */
  CHECK("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb", "\xf0\x9f\x91\xa9\xf0\x9f\x92\xbb");
  CHECK("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
        "\xf0\x9f\x91\xa8\xf0\x9f\x91\xa9\xf0\x9f\x91\xa7");
  /* escaped where they join nothing */
  CHECK("a\xe2\x80\x8d" "b", "a\\u{200d}b");
  CHECK("\xe2\x80\x8d\xf0\x9f\x92\xbb", "\\u{200d}\xf0\x9f\x92\xbb");
  CHECK("\xf0\x9f\x91\xa9\xe2\x80\x8d", "\xf0\x9f\x91\xa9\\u{200d}");
  CHECK("\xf0\x9f\x91\xa9\xe2\x80\x8d\xe2\x80\x8d\xf0\x9f\x92\xbb",
        "\xf0\x9f\x91\xa9\\u{200d}\\u{200d}\xf0\x9f\x92\xbb");
}

static void test_variation_selectors(void **state)
{
  (void)state;
  /* U+1F3F3 U+FE0F U+200D U+1F308: terminals disagree on the width of the
   * selector sequence, so the selector goes and the columns stay aligned */
  CHECK("\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88",
        "\xf0\x9f\x8f\xb3\xf0\x9f\x8c\x88");
  CHECK("\xe2\x9c\x8c\xef\xb8\x8e", "\xe2\x9c\x8c"); /* VS15 after a symbol */
  /* a selector with nothing to select is shown */
  CHECK("a\xef\xb8\x8f", "a\\u{fe0f}");
  CHECK("\xef\xb8\x8f", "\\u{fe0f}");
}

static void test_newlines_and_tabs(void **state)
{
  char buf[64];

  (void)state;
  CHECK("line1\nline2\tx\r\n", "line1\\nline2\\tx\\r\\n");
  pd_sanitize(buf, sizeof buf, "line1\nline2\r\nline3\r", PD_SAN_CSTR, PD_SAN_NEWLINES, NULL);
  assert_string_equal(buf, "line1\nline2\nline3\\r");
  assert_safe(buf, strlen(buf), PD_SAN_NEWLINES);
  pd_sanitize(buf, sizeof buf, "a\tb\x1b[2Jc", PD_SAN_CSTR, PD_SAN_NEWLINES, NULL);
  assert_string_equal(buf, "a\\tb\\e[2Jc");
}

static void test_c_locale_question_marks(void **state)
{
  char buf[128];

  (void)state;
  assert_non_null(setlocale(LC_ALL, "C"));
  pd_sanitize(buf, sizeof buf, "Zo\xc3\xab \xe5\xb1\xb1\xe7\x94\xb0 \xf0\x9f\x98\x80!", PD_SAN_CSTR, 0, NULL);
  assert_string_equal(buf, "Zo? ?? ?!");
  pd_sanitize(buf, sizeof buf, "\xe2\x80\xae" "x\xc2\x9b\xff\x1b[1m", PD_SAN_CSTR, 0, NULL);
  assert_string_equal(buf, "?x\\u{9b}\\xff\\e[1m");
  assert_safe(buf, strlen(buf), 0);
  assert_false(pd_char_prints_raw(0xe9));
  assert_true(pd_char_prints_raw('a'));
  assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
  assert_true(pd_char_prints_raw(0xe9));
  assert_false(pd_char_prints_raw(0x202e));
}

/* 100 kB of hostile input: bounded output, linear time, safe cut. */
static void test_100k_bounded(void **state)
{
  static const char *const pieces[] = {"\x1b]52;c;AAAA\x07", "\xff", "山", "\xe2\x80\xae", "\x9b",
                                       "ok ", "\xc2\x85", "\r\n", "\xf0\x9f\x98\x80"};
  size_t len = 100 * 1024, pos = 0, n, k = 0;
  char *in = malloc(len + 1), *big, small[4096];
  bool truncated = false;
  clock_t t0;
  double secs;

  (void)state;
  assert_non_null(in);
  while (pos < len) {
    const char *p = pieces[k++ % (sizeof pieces / sizeof pieces[0])];
    size_t pl = strlen(p);

    if (pos + pl > len)
      pl = len - pos;
    memcpy(in + pos, p, pl);
    pos += pl;
  }
  in[len] = '\0';

  t0 = clock();
  n = pd_sanitize(small, sizeof small, in, len, 0, &truncated);
  assert_true(truncated);
  assert_true(n < sizeof small);
  assert_int_equal(strlen(small), n);
  assert_safe(small, n, 0);

  big = pd_sanitize_dup(in, len, 0, 0);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  assert_non_null(big);
  assert_true(strlen(big) <= len * 4);
  assert_safe(big, strlen(big), 0);
  /* the capped output is a prefix of the full one: cut between escapes */
  assert_memory_equal(small, big, n);
  assert_true(secs < 2.0); /* linear: well under 10 ms in practice */
  free(big);

  big = pd_sanitize_dup(in, len, 1000, 0);
  assert_true(strlen(big) <= 1000);
  free(big);
  free(in);
}

/* Every cut of a hostile string is a safe prefix of the full output. */
static void test_truncation_never_splits(void **state)
{
  const char *in = "\x1b]0;t\x07山田\xe2\x80\xae\xff\xf0\x9f\x98\x80\xc2\x9bz";
  char full[256], cut[256];
  size_t fn, size;

  (void)state;
  fn = pd_sanitize(full, sizeof full, in, PD_SAN_CSTR, 0, NULL);
  for (size = 1; size <= fn + 1; size++) {
    bool tr;
    size_t n = pd_sanitize(cut, size, in, PD_SAN_CSTR, 0, &tr);

    assert_true(n < size);
    assert_memory_equal(cut, full, n);
    assert_safe(cut, n, 0);
    assert_true(tr == (n < fn));
    /* never ends inside an escape or a character: the cut output is the
     * whole output of some prefix of the input */
    {
      size_t k, inlen = strlen(in);
      bool found = false;

      for (k = 0; k <= inlen && !found; k++) {
        char pre[256];

        pd_sanitize(pre, sizeof pre, in, k, 0, NULL);
        found = strcmp(pre, cut) == 0;
      }
      assert_true(found);
    }
  }
  assert_int_equal(pd_sanitize(cut, 0, in, PD_SAN_CSTR, 0, NULL), 0);
}

/* Random bytes: the property holds for anything. */
static void test_random_fuzz(void **state)
{
  unsigned seed = 12345;
  int round;

  (void)state;
  for (round = 0; round < 2000; round++) {
    char in[64], out[512];
    size_t len = (size_t)(seed % 64), i, n;

    for (i = 0; i < len; i++) {
      seed = seed * 1103515245u + 12345u;
      in[i] = (char)(seed >> 16);
    }
    seed = seed * 1103515245u + 12345u;
    n = pd_sanitize(out, sizeof out, in, len, round % 2 ? PD_SAN_NEWLINES : 0, NULL);
    assert_safe(out, n, round % 2 ? PD_SAN_NEWLINES : 0);
    assert_true(pd_sanitize_is_clean(out, n, round % 2 ? PD_SAN_NEWLINES : 0));
  }
}

static void test_dup_and_null(void **state)
{
  char *s = pd_sanitize_dup(NULL, PD_SAN_CSTR, 0, 0);

  (void)state;
  assert_string_equal(s, "");
  free(s);
  s = pd_sanitize_dup("a\x1b" "b", PD_SAN_CSTR, 0, 0);
  assert_string_equal(s, "a\\eb");
  free(s);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_plain_text_passes),
    cmocka_unit_test(test_every_c0_control),
    cmocka_unit_test(test_del),
    cmocka_unit_test(test_every_c1_control),
    cmocka_unit_test(test_escape_sequences_become_text),
    cmocka_unit_test(test_bidi_controls),
    cmocka_unit_test(test_invalid_utf8),
    cmocka_unit_test(test_unprintable_code_points),
    cmocka_unit_test(test_joiners),
    cmocka_unit_test(test_variation_selectors),
    cmocka_unit_test(test_newlines_and_tabs),
    cmocka_unit_test(test_c_locale_question_marks),
    cmocka_unit_test(test_100k_bounded),
    cmocka_unit_test(test_truncation_never_splits),
    cmocka_unit_test(test_random_fuzz),
    cmocka_unit_test(test_dup_and_null),
  };

  return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
