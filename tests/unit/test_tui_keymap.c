/* Key notation, the action table and the help generated from it
 * (tui/keys.h, tui/keymap.h, tui/actions.def). */
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

#include "tui/keymap.h"
#include "tui/keys.h"

static int setup_utf8(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static pd_key parse1(const char *s)
{
  pd_key k = PD_KEY_NONE;
  size_t n = pd_key_parse(s, &k);

  assert_int_equal(n, strlen(s));
  return k;
}

static void test_parse_notation(void **state)
{
  (void)state;
  assert_int_equal(parse1("j"), 'j');
  assert_int_equal(parse1("é"), 0xe9);
  assert_int_equal(parse1("<Enter>"), PD_KEY_ENTER);
  assert_int_equal(parse1("<Esc>"), PD_KEY_ESC);
  assert_int_equal(parse1("<Tab>"), PD_KEY_TAB);
  assert_int_equal(parse1("<BTab>"), PD_KEY_BTAB);
  assert_int_equal(parse1("<Up>"), PD_KEY_UP);
  assert_int_equal(parse1("<Down>"), PD_KEY_DOWN);
  assert_int_equal(parse1("<Left>"), PD_KEY_LEFT);
  assert_int_equal(parse1("<Right>"), PD_KEY_RIGHT);
  assert_int_equal(parse1("<PgUp>"), PD_KEY_PGUP);
  assert_int_equal(parse1("<PgDn>"), PD_KEY_PGDN);
  assert_int_equal(parse1("<Home>"), PD_KEY_HOME);
  assert_int_equal(parse1("<End>"), PD_KEY_END);
  assert_int_equal(parse1("<Space>"), ' ');
  assert_int_equal(parse1("<BS>"), PD_KEY_BS);
  assert_int_equal(parse1("<Del>"), PD_KEY_DEL);
  assert_int_equal(parse1("<lt>"), '<');
  assert_int_equal(parse1("<C-a>"), 1);
  assert_int_equal(parse1("<C-L>"), 12);
  assert_int_equal(parse1("<C-[>"), 27);
  assert_int_equal(parse1("<M-b>"), PD_META('b'));
  assert_int_equal(parse1("<M-BS>"), PD_META(PD_KEY_BS));
  assert_int_equal(parse1("<M-Left>"), PD_META(PD_KEY_LEFT));
  assert_int_equal(parse1("<F1>"), PD_KEY_F1);
  assert_int_equal(parse1("<F12>"), PD_KEY_F12);
  assert_int_equal(parse1("<U+21>"), '!');
  assert_int_equal(parse1("<u+5c71>"), 0x5c71);
}

static void test_parse_errors(void **state)
{
  pd_key k;

  (void)state;
  assert_int_equal(pd_key_parse("<", &k), 0);
  assert_int_equal(pd_key_parse("<Nope>", &k), 0);
  assert_int_equal(pd_key_parse("<C-1>", &k), 0);
  assert_int_equal(pd_key_parse("<F13>", &k), 0);
  assert_int_equal(pd_key_parse("<U+D800>", &k), 0);
  assert_int_equal(pd_key_parse("\xff", &k), 0);
  assert_int_equal(pd_key_parse("", &k), 0);
  /* one key at a time */
  assert_int_equal(pd_key_parse("ab", &k), 1);
  assert_int_equal(pd_key_parse("<Enter>x", &k), 7);
}

static void test_notation_round_trip(void **state)
{
  static const pd_key keys[] = {'j', 'G', '/', '<', ' ', 0xe9, PD_KEY_ENTER, PD_KEY_ESC, PD_KEY_TAB,
                                PD_KEY_BTAB, PD_KEY_UP, PD_KEY_PGDN, PD_KEY_BS, PD_CTRL('l'),
                                PD_META('f'), PD_META(PD_KEY_BS), PD_KEY_F1 + 4, 0x7f};
  size_t i;

  (void)state;
  for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    char buf[32];

    pd_key_notation(keys[i], buf, sizeof buf);
    assert_int_equal(parse1(buf), keys[i]);
  }
}

static void test_display(void **state)
{
  char buf[32];

  (void)state;
  pd_key_display(' ', buf, sizeof buf);
  assert_string_equal(buf, "Space");
  pd_key_display(PD_CTRL('l'), buf, sizeof buf);
  assert_string_equal(buf, "C-l");
  pd_key_display(PD_META('b'), buf, sizeof buf);
  assert_string_equal(buf, "M-b");
  pd_key_display('<', buf, sizeof buf);
  assert_string_equal(buf, "<");
  pd_key_display(PD_KEY_PGDN, buf, sizeof buf);
  assert_string_equal(buf, "PgDn");
  pd_key_notation('<', buf, sizeof buf);
  assert_string_equal(buf, "<lt>");
}

static void test_builtin_table_is_valid(void **state)
{
  size_t n;
  const struct pd_keymap_entry *t = pd_keymap_table(&n);
  char err[256];

  (void)state;
  assert_true(n > 20);
  assert_int_equal(pd_keymap_validate(t, n, err, sizeof err), 0);
  assert_string_equal(err, "");
}

static void test_duplicate_key_detected(void **state)
{
  const struct pd_keymap_entry dup[] = {
    {PD_ACT_MOVE_DOWN, "move-down", "global", "j <Down>", "down"},
    {PD_ACT_MOVE_UP, "move-up", "global", "k <Up>", "up"},
    {PD_ACT_DEMO_ERASE, "erase", "queue", "x", "erase"},
    {PD_ACT_DEMO_CHART, "chart", "queue", "c <Down>", "chart"}, /* rebinding a global key: fine */
    {PD_ACT_DEMO_BUSY, "busy", "queue", "b x", "busy"},         /* x twice in "queue" */
  };
  const struct pd_keymap_entry bad[] = {
    {PD_ACT_MOVE_DOWN, "move-down", "global", "j <Dwn>", "down"},
  };
  char err[256];

  (void)state;
  assert_int_equal(pd_keymap_validate(dup, 4, err, sizeof err), 0);
  assert_int_equal(pd_keymap_validate(dup, 5, err, sizeof err), -1);
  assert_non_null(strstr(err, "bound twice"));
  assert_non_null(strstr(err, "queue"));
  assert_non_null(strstr(err, "erase"));
  assert_non_null(strstr(err, "busy"));
  assert_int_equal(pd_keymap_validate(bad, 1, err, sizeof err), -1);
  assert_non_null(strstr(err, "<Dwn>"));
}

static void test_lookup(void **state)
{
  (void)state;
  assert_int_equal(pd_keymap_lookup('j', NULL), PD_ACT_MOVE_DOWN);
  assert_int_equal(pd_keymap_lookup(PD_KEY_DOWN, "global"), PD_ACT_MOVE_DOWN);
  assert_int_equal(pd_keymap_lookup('k', "demo-table"), PD_ACT_MOVE_UP);
  assert_int_equal(pd_keymap_lookup(PD_KEY_PGDN, NULL), PD_ACT_PAGE_DOWN);
  assert_int_equal(pd_keymap_lookup(PD_CTRL('f'), NULL), PD_ACT_PAGE_DOWN);
  assert_int_equal(pd_keymap_lookup(PD_CTRL('b'), NULL), PD_ACT_PAGE_UP);
  assert_int_equal(pd_keymap_lookup(' ', NULL), PD_ACT_MARK);
  assert_int_equal(pd_keymap_lookup(PD_KEY_ESC, NULL), PD_ACT_BACK);
  assert_int_equal(pd_keymap_lookup('q', NULL), PD_ACT_BACK);
  assert_int_equal(pd_keymap_lookup('Q', NULL), PD_ACT_QUIT);
  assert_int_equal(pd_keymap_lookup(PD_CTRL('l'), NULL), PD_ACT_REDRAW);
  /* screen keys only in their scope */
  assert_int_equal(pd_keymap_lookup('x', "demo-table"), PD_ACT_DEMO_ERASE);
  assert_int_equal(pd_keymap_lookup('x', NULL), PD_ACT_NONE);
  assert_int_equal(pd_keymap_lookup('x', "queue"), PD_ACT_NONE);
  assert_int_equal(pd_action_from_name("move-down"), PD_ACT_MOVE_DOWN);
  assert_string_equal(pd_action_name(PD_ACT_HELP), "help");
  assert_int_equal(pd_action_from_name("nope"), PD_ACT_NONE);
}

static char *capture(int roff, const char *scope)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);

  assert_non_null(f);
  assert_int_equal(roff ? pd_keymap_write_roff(f, scope) : pd_keymap_write_text(f, scope), 0);
  fclose(f);
  return buf;
}

/* The help must list every global key of DESIGN.md section 4. */
static void test_help_has_every_global_key(void **state)
{
  static const char *const design_keys[] = {"j", "k", "Up", "Down", "g", "G", "Home", "End", "PgUp",
                                            "PgDn", "C-f", "C-b", "Enter", "Esc", "q", "Q", "/",
                                            "n", "N", "?", "r", "Tab", "Space", ":", "C-l"};
  char *text = capture(0, "global");
  size_t i, n;
  const struct pd_keymap_entry *t = pd_keymap_table(&n);

  (void)state;
  for (i = 0; i < sizeof design_keys / sizeof design_keys[0]; i++) {
    char needle[16];
    bool found = false;
    const char *p = text;

    /* as a whole key name: preceded by a blank or ", ", followed by "," or blank */
    snprintf(needle, sizeof needle, "%s", design_keys[i]);
    while ((p = strstr(p, needle)) != NULL && !found) {
      char before = p == text ? ' ' : p[-1], after = p[strlen(needle)];

      found = (before == ' ') && (after == ',' || after == ' ');
      p++;
    }
    if (!found)
      fail_msg("global key %s missing from the help:\n%s", design_keys[i], text);
  }
  /* and every global action's help line */
  for (i = 0; i < n; i++)
    if (strcmp(t[i].scope, "global") == 0)
      assert_non_null(strstr(text, t[i].help));
  /* no screen action in the global help */
  assert_null(strstr(text, "typed confirmation"));
  free(text);

  /* a screen's help has its own keys first, then the global ones */
  text = capture(0, "demo-table");
  assert_non_null(strstr(text, "demo-table screen"));
  assert_true(strstr(text, "Erase the selected row") < strstr(text, "Global keys"));
  free(text);
}

static void test_roff(void **state)
{
  char *roff = capture(1, NULL);

  (void)state;
  assert_non_null(strstr(roff, ".SS Global keys\n"));
  assert_non_null(strstr(roff, ".TP\n.B j, Down, C\\-n\nMove the selection down one row\n"));
  assert_non_null(strstr(roff, ".SS demo\\-table screen\n"));
  free(roff);
}

static void test_override(void **state)
{
  char err[160];
  char shown[64];

  (void)state;
  /* take in the queue only: T instead of t */
  assert_int_equal(pd_keymap_override("take", "queue", "T <C-t>", err, sizeof err), 0);
  assert_int_equal(pd_keymap_lookup('T', "queue"), PD_ACT_QUEUE_TAKE);
  assert_int_equal(pd_keymap_lookup(PD_CTRL('t'), "queue"), PD_ACT_QUEUE_TAKE);
  assert_int_not_equal(pd_keymap_lookup('t', "queue"), PD_ACT_QUEUE_TAKE);
  assert_int_equal(pd_keymap_lookup('t', "request"), PD_ACT_REQ_TAKE); /* other scopes keep theirs */
  pd_keymap_keys_display(PD_ACT_QUEUE_TAKE, shown, sizeof shown);
  assert_string_equal(shown, "T, C-t");
  /* a key already bound in the scope: refused, nothing changed */
  assert_int_equal(pd_keymap_override("move-down", NULL, "k", err, sizeof err), -1);
  assert_non_null(strstr(err, "bound twice"));
  assert_int_equal(pd_keymap_lookup('j', NULL), PD_ACT_MOVE_DOWN);
  /* unknown action and bad notation */
  assert_int_equal(pd_keymap_override("no-such-action", NULL, "z", err, sizeof err), -1);
  assert_non_null(strstr(err, "no action"));
  assert_int_equal(pd_keymap_override("refresh", NULL, "<Nope>", err, sizeof err), -1);
  pd_keymap_reset();
  assert_int_equal(pd_keymap_lookup('t', "queue"), PD_ACT_QUEUE_TAKE);
  assert_int_equal(pd_keymap_lookup('T', "queue"), PD_ACT_NONE);
}

static void test_action_keys(void **state)
{
  pd_key keys[8];
  char buf[64];

  (void)state;
  assert_int_equal(pd_keymap_keys(PD_ACT_BACK, keys, 8), 2);
  assert_int_equal(keys[0], PD_KEY_ESC);
  assert_int_equal(keys[1], 'q');
  pd_keymap_keys_display(PD_ACT_PAGE_DOWN, buf, sizeof buf);
  assert_string_equal(buf, "PgDn, C-f");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parse_notation),
    cmocka_unit_test(test_parse_errors),
    cmocka_unit_test(test_notation_round_trip),
    cmocka_unit_test(test_display),
    cmocka_unit_test(test_builtin_table_is_valid),
    cmocka_unit_test(test_duplicate_key_detected),
    cmocka_unit_test(test_lookup),
    cmocka_unit_test(test_override),
    cmocka_unit_test(test_help_has_every_global_key),
    cmocka_unit_test(test_roff),
    cmocka_unit_test(test_action_keys),
  };

  return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
