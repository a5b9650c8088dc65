/* The line editor (every Emacs key, UTF-8 aware deletion, history,
 * horizontal scrolling, mask) and the `:` command line with Tab completion
 * (tui/lineedit.h, tui/cmdline.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "tui/cmdline.h"
#include "tui/lineedit.h"
#include "tui/term.h"
#include "tui/width.h"

static int setup_utf8(void **state)
{
  (void)state;
  return setlocale(LC_ALL, "C.UTF-8") ? 0 : -1;
}

static void type(struct pd_lineedit *le, const char *keys)
{
  while (*keys) {
    pd_key k;
    size_t n = pd_key_parse(keys, &k);

    assert_true(n > 0);
    pd_lineedit_key(le, k);
    keys += n;
  }
}

#define TEXT(le) pd_lineedit_text(le)

static void test_insert_and_motion(void **state)
{
  struct pd_lineedit le;

  (void)state;
  pd_lineedit_init(&le, 0);
  type(&le, "hello world");
  assert_string_equal(TEXT(&le), "hello world");
  assert_int_equal(le.cursor, 11);
  type(&le, "<C-a>");
  assert_int_equal(le.cursor, 0);
  type(&le, "<C-e>");
  assert_int_equal(le.cursor, 11);
  type(&le, "<C-b><C-b>X");
  assert_string_equal(TEXT(&le), "hello worXld");
  type(&le, "<C-f>Y");
  assert_string_equal(TEXT(&le), "hello worXlYd");
  type(&le, "<Home>[<End>]");
  assert_string_equal(TEXT(&le), "[hello worXlYd]");
  type(&le, "<Left><Left><Right>");
  assert_int_equal(le.cursor, strlen("[hello worXlYd"));
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_ENTER), PD_LE_SUBMIT);
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_ESC), PD_LE_CANCEL);
  assert_int_equal(pd_lineedit_key(&le, PD_CTRL('g')), PD_LE_CANCEL);
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_TAB), PD_LE_UNHANDLED);
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_F1), PD_LE_UNHANDLED);
  pd_lineedit_free(&le);
}

static void test_word_motion(void **state)
{
  struct pd_lineedit le;

  (void)state;
  pd_lineedit_init(&le, 0);
  type(&le, "alice@example.com is here");
  type(&le, "<M-b>");
  assert_int_equal(le.cursor, strlen("alice@example.com is "));
  type(&le, "<M-b><M-b>");
  assert_int_equal(le.cursor, strlen("alice@example."));
  type(&le, "<M-f>");
  assert_int_equal(le.cursor, strlen("alice@example.com"));
  type(&le, "<C-a><M-f>");
  assert_int_equal(le.cursor, strlen("alice"));
  type(&le, "<M-d>");
  assert_string_equal(TEXT(&le), "alice.com is here");
  type(&le, "<C-e><M-BS>");
  assert_string_equal(TEXT(&le), "alice.com is ");
  pd_lineedit_free(&le);
}

static void test_kill_and_yank(void **state)
{
  struct pd_lineedit le;

  (void)state;
  pd_lineedit_init(&le, 0);
  type(&le, "one two three");
  type(&le, "<C-w>");
  assert_string_equal(TEXT(&le), "one two ");
  type(&le, "<C-y>");
  assert_string_equal(TEXT(&le), "one two three");
  type(&le, "<C-a><M-f><C-k>");
  assert_string_equal(TEXT(&le), "one");
  type(&le, "<C-e><C-y>");
  assert_string_equal(TEXT(&le), "one two three");
  type(&le, "<C-a><C-f><C-f><C-u>");
  assert_string_equal(TEXT(&le), "e two three");
  assert_int_equal(le.cursor, 0);
  type(&le, "<C-d>");
  assert_string_equal(TEXT(&le), " two three");
  type(&le, "<Del>");
  assert_string_equal(TEXT(&le), "two three");
  type(&le, "<C-e><BS>");
  assert_string_equal(TEXT(&le), "two thre");
  /* nothing to delete: no change */
  pd_lineedit_set(&le, "");
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_BS), PD_LE_NONE);
  assert_int_equal(pd_lineedit_key(&le, PD_CTRL('d')), PD_LE_NONE);
  pd_lineedit_free(&le);
}

static void test_utf8_editing(void **state)
{
  struct pd_lineedit le;

  (void)state;
  pd_lineedit_init(&le, 0);
  type(&le, "山田太郎");
  assert_int_equal(le.len, 12);
  type(&le, "<BS>");
  assert_string_equal(TEXT(&le), "山田太");
  type(&le, "<Left>");
  assert_int_equal(le.cursor, 6);
  assert_int_equal(pd_lineedit_cursor_col(&le), 4);
  type(&le, "<C-d>");
  assert_string_equal(TEXT(&le), "山田");
  type(&le, "<C-b><BS>");
  assert_string_equal(TEXT(&le), "田");
  pd_lineedit_set(&le, "Zoë");
  type(&le, "<BS><BS>");
  assert_string_equal(TEXT(&le), "Z");
  /* controls and bidi overrides are not inserted */
  assert_int_equal(pd_lineedit_key(&le, 0x202e), PD_LE_UNHANDLED);
  assert_int_equal(pd_lineedit_key(&le, 0x9b), PD_LE_UNHANDLED);
  pd_lineedit_insert(&le, "a\x1b[31mb\xe2\x80\xae" "c");
  assert_string_equal(TEXT(&le), "Za[31mbc");
  pd_lineedit_free(&le);
}

static void test_max_bytes(void **state)
{
  struct pd_lineedit le;

  (void)state;
  pd_lineedit_init(&le, 5);
  type(&le, "abcd山");
  assert_string_equal(TEXT(&le), "abcd"); /* 山 needs 3 more bytes */
  pd_lineedit_set(&le, "ab山田");
  assert_string_equal(TEXT(&le), "ab山");
  pd_lineedit_free(&le);
}

static void test_history(void **state)
{
  struct pd_history h;
  struct pd_lineedit le;

  (void)state;
  pd_history_init(&h, 3);
  pd_lineedit_init(&le, 0);
  le.history = &h;
  pd_history_add(&h, "first");
  pd_history_add(&h, "second");
  pd_history_add(&h, "second"); /* no duplicate */
  pd_history_add(&h, "");
  assert_int_equal(h.n, 2);
  type(&le, "draft");
  type(&le, "<Up>");
  assert_string_equal(TEXT(&le), "second");
  type(&le, "<Up>");
  assert_string_equal(TEXT(&le), "first");
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_UP), PD_LE_NONE); /* oldest */
  type(&le, "<Down>");
  assert_string_equal(TEXT(&le), "second");
  type(&le, "<Down>");
  assert_string_equal(TEXT(&le), "draft"); /* the draft comes back */
  assert_int_equal(pd_lineedit_key(&le, PD_KEY_DOWN), PD_LE_NONE);
  type(&le, "<C-p>");
  assert_string_equal(TEXT(&le), "second");
  type(&le, "<C-n>");
  assert_string_equal(TEXT(&le), "draft");
  /* bounded */
  pd_history_add(&h, "third");
  pd_history_add(&h, "fourth");
  assert_int_equal(h.n, 3);
  assert_string_equal(pd_history_get(&h, 0), "second");
  assert_null(pd_history_get(&h, 3));
  pd_lineedit_free(&le);
  pd_history_free(&h);
}

static void open_headless(void)
{
  struct pd_term_opts o;
  char err[256];

  memset(&o, 0, sizeof o);
  o.headless = true;
  o.rows = 5;
  o.cols = 40;
  assert_int_equal(pd_term_open(&o, err, sizeof err), 0);
}

static void show(void)
{
  wnoutrefresh(stdscr);
  doupdate();
}

static void test_draw_scroll_and_mask(void **state)
{
  struct pd_lineedit le;
  char row[256];
  int cx;

  (void)state;
  open_headless();
  pd_lineedit_init(&le, 0);
  type(&le, "0123456789abcdefghij");
  cx = pd_lineedit_draw(&le, stdscr, 0, 2, 10, A_NORMAL);
  show();
  pd_term_row_text(0, row, sizeof row);
  /* the end is visible, the cursor sits in the last column of the field */
  assert_string_equal(row, "  bcdefghij");
  assert_int_equal(cx, 2 + 9);
  type(&le, "<Home>");
  cx = pd_lineedit_draw(&le, stdscr, 0, 2, 10, A_NORMAL);
  show();
  pd_term_row_text(0, row, sizeof row);
  assert_string_equal(row, "  0123456789");
  assert_int_equal(cx, 2);
  /* wide characters scroll whole */
  pd_lineedit_set(&le, "山田太郎山田太郎");
  cx = pd_lineedit_draw(&le, stdscr, 1, 0, 7, A_NORMAL);
  show();
  pd_term_row_text(1, row, sizeof row);
  assert_true(pd_width(row) <= 7);
  assert_int_equal(cx, 6);
  /* mask */
  pd_lineedit_set(&le, "sécret");
  le.mask = '*';
  cx = pd_lineedit_draw(&le, stdscr, 2, 0, 20, A_NORMAL);
  show();
  pd_term_row_text(2, row, sizeof row);
  assert_string_equal(row, "******");
  assert_int_equal(cx, 6);
  pd_lineedit_free(&le);
  pd_term_close();
}

/* ---- command line ---- */

static const char *const queue_args[] = {"mine", "mixed", "unassigned", "urgent", "all", NULL};
static const struct pd_cmd_spec specs[] = {
  {"queue", queue_args, "the queue", NULL},
  {"quit", NULL, "leave", NULL},
  {"holds", NULL, "holds", NULL},
  {"account", NULL, "an account", "<e-mail|id|name>"},
  {"audit", NULL, "the audit log", NULL},
};
#define NSPECS (sizeof specs / sizeof specs[0])

static void ctype(struct pd_cmdline *c, const char *keys)
{
  while (*keys) {
    pd_key k;
    size_t n = pd_key_parse(keys, &k);

    assert_true(n > 0);
    pd_cmdline_key(c, k);
    keys += n;
  }
}

static void dyn(void *ctx, const char *cmd, const char *prefix, void (*add)(void *, const char *), void *cb)
{
  (void)ctx;
  (void)prefix;
  if (strcmp(cmd, "account") == 0) {
    add(cb, "alice@example.com");
    add(cb, "alan@example.com");
    add(cb, "bob@example.com");
  }
}

static void test_complete_command_names(void **state)
{
  struct pd_cmdline c;

  (void)state;
  pd_cmdline_init(&c, specs, NSPECS);
  pd_cmdline_open(&c);
  ctype(&c, "h<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "holds"); /* unique, no arguments */
  pd_cmdline_open(&c);
  ctype(&c, "que<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "queue "); /* unique, takes arguments */
  pd_cmdline_open(&c);
  ctype(&c, "a<Tab>");
  /* account, audit: common prefix "a" cannot grow: cycle */
  assert_string_equal(pd_cmdline_text(&c), "account");
  assert_string_equal(pd_cmdline_hint(&c), "[account] audit");
  ctype(&c, "<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "audit");
  ctype(&c, "<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "account");
  ctype(&c, "<BTab>");
  assert_string_equal(pd_cmdline_text(&c), "audit");
  pd_cmdline_open(&c);
  ctype(&c, "QU<Tab>"); /* case-insensitive; queue and quit: cycles */
  assert_string_equal(pd_cmdline_text(&c), "queue");
  pd_cmdline_open(&c);
  ctype(&c, "zz<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "zz");
  assert_string_equal(pd_cmdline_hint(&c), "no completions");
  pd_cmdline_free(&c);
}

static void test_complete_arguments(void **state)
{
  struct pd_cmdline c;

  (void)state;
  pd_cmdline_init(&c, specs, NSPECS);
  pd_cmdline_open(&c);
  ctype(&c, "queue m<Tab>");
  /* mine, mixed: grows to the common prefix, lists both */
  assert_string_equal(pd_cmdline_text(&c), "queue mi");
  assert_string_equal(pd_cmdline_hint(&c), "mine mixed");
  ctype(&c, "<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "queue mine");
  ctype(&c, "<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "queue mixed");
  /* typing ends the cycle */
  ctype(&c, "<C-w>u<Tab>");
  /* unassigned, urgent: nothing in common beyond "u": the first, then cycle */
  assert_string_equal(pd_cmdline_text(&c), "queue unassigned");
  assert_string_equal(pd_cmdline_hint(&c), "[unassigned] urgent");
  ctype(&c, "<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "queue urgent");
  ctype(&c, "<C-w>un<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "queue unassigned");
  assert_string_equal(pd_cmdline_hint(&c), "");
  /* abbreviated command names complete their arguments too */
  pd_cmdline_open(&c);
  ctype(&c, "que a<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "que all");
  /* dynamic candidates */
  pd_cmdline_set_completer(&c, dyn, NULL);
  pd_cmdline_open(&c);
  ctype(&c, "account a<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "account al");
  ctype(&c, "i<Tab>");
  assert_string_equal(pd_cmdline_text(&c), "account alice@example.com");
  pd_cmdline_free(&c);
}

static void test_cmdline_history_and_split(void **state)
{
  struct pd_cmdline c;
  char cmd[32];
  const char *rest;

  (void)state;
  pd_cmdline_init(&c, specs, NSPECS);
  pd_cmdline_open(&c);
  ctype(&c, "queue mine");
  assert_int_equal(pd_cmdline_key(&c, PD_KEY_ENTER), PD_LE_SUBMIT);
  pd_cmdline_open(&c);
  ctype(&c, "holds");
  pd_cmdline_key(&c, PD_KEY_ENTER);
  pd_cmdline_open(&c);
  assert_string_equal(pd_cmdline_text(&c), "");
  ctype(&c, "<Up>");
  assert_string_equal(pd_cmdline_text(&c), "holds");
  ctype(&c, "<Up>");
  assert_string_equal(pd_cmdline_text(&c), "queue mine");
  assert_int_equal(pd_cmd_split("  queue   mine  ", cmd, sizeof cmd, &rest), 5);
  assert_string_equal(cmd, "queue");
  assert_string_equal(rest, "mine  ");
  assert_ptr_equal(pd_cmd_find(specs, NSPECS, "hol"), &specs[2]);
  assert_null(pd_cmd_find(specs, NSPECS, "qu"));  /* ambiguous */
  assert_ptr_equal(pd_cmd_find(specs, NSPECS, "quit"), &specs[1]);
  assert_null(pd_cmd_find(specs, NSPECS, ""));
  pd_cmdline_free(&c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_insert_and_motion),
    cmocka_unit_test(test_word_motion),
    cmocka_unit_test(test_kill_and_yank),
    cmocka_unit_test(test_utf8_editing),
    cmocka_unit_test(test_max_bytes),
    cmocka_unit_test(test_history),
    cmocka_unit_test(test_draw_scroll_and_mask),
    cmocka_unit_test(test_complete_command_names),
    cmocka_unit_test(test_complete_arguments),
    cmocka_unit_test(test_cmdline_history_and_split),
  };

  return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
