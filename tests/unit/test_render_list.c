/* The accounts and queue pages written directly (server/render_list.c) are
 * byte for byte what the handlers sent before: a jansson tree of
 * render_account / render_request rows dumped with JSON_COMPACT. Every field
 * of every row is compared, so a field added to one side only fails here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/render.h"
#include "server/render_list.h"

/* What the handlers built before: the page as a tree, dumped. NULL where
 * json_pack of the page failed (reply_json answered 500 then). */
static char *tree_page(json_t *items, const char *next) {
  json_t *page = json_pack("{so so}", "items", items, "next_cursor", json_text(next));
  if (!page) return NULL;
  char *text = json_dumps(page, JSON_COMPACT);
  json_decref(page);
  return text;
}

static char *tree_accounts(const struct st_account *a, int n, const char *next) {
  json_t *items = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(items, render_account(&a[i]));
  return tree_page(items, next);
}

static char *tree_requests(const struct st_request *q, int n, const char *next) {
  json_t *items = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(items, render_request(&q[i]));
  return tree_page(items, next);
}

static void assert_same_accounts(const struct st_account *a, int n, const char *next) {
  char *want = tree_accounts(a, n, next);
  size_t len = 0;
  char *got = render_accounts_page(a, n, next, &len);
  if (!want) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
  assert_int_equal(len, strlen(want));
  free(want);
  free(got);
}

static void assert_same_requests(const struct st_request *q, int n, const char *next) {
  char *want = tree_requests(q, n, next);
  size_t len = 0;
  char *got = render_requests_page(q, n, next, &len);
  if (!want) {
    assert_null(got);
    return;
  }
  assert_non_null(got);
  assert_string_equal(got, want);
  assert_int_equal(len, strlen(want));
  free(want);
  free(got);
}

/* Strings that test every escaping rule and UTF-8 form; the last ones are
 * not valid UTF-8 (json_string refuses them, so the row is left out). */
static const char *const hostile[] = {
  "plain",
  "",
  "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
  "\x1c\x1d\x1e\x1f\x20\x7f",
  "quote \" backslash \\ slash / both \\\" end\\",
  "Zoë Ångström – naïve café",
  "日本語の名前",
  "emoji 😀👩‍💻 and U+FFFF \xef\xbf\xbf and U+10FFFF \xf4\x8f\xbf\xbf",
  "\xc2\x80 \xdf\xbf \xe0\xa0\x80 \xed\x9f\xbf \xee\x80\x80 \xf0\x90\x80\x80",
  "<script>alert('x')</script>&amp;",
  "\\u0041 is not an escape here",
  /* invalid from here on */
  "stray continuation \x80",
  "overlong \xc0\x80",
  "overlong \xc1\xbf",
  "overlong \xe0\x80\x80",
  "overlong \xf0\x80\x80\x80",
  "overlong U+FFFF \xf0\x8f\xbf\xbf",
  "overlong U+07FF \xe0\x9f\xbf",
  "surrogate \xed\xa0\x80",
  "too big \xf4\x90\x80\x80",
  "bad lead \xf5\x80\x80\x80",
  "bad lead \xff",
  "truncated \xe6\x97",
  "truncated at end \xf0\x9f\x98",
  "bad continuation \xe6\x41\x41",
};
enum { N_HOSTILE = sizeof hostile / sizeof hostile[0] };

/* Stored JSON texts: compact dumps (what this server writes), and texts
 * whose re-dump differs from the text (spaces, reals, escapes, broken). */
static const char *const stored[] = {
  NULL,
  "{\"field\":\"name\",\"value\":\"Zoë \\\"Q\\\" \\\\ \\n\"}",
  "{\"processing\":\"analytics\"}",
  "{\"count\":3,\"export\":\"/v1/requests/req_1/export\",\"bytes\":9223372036854775807}",
  "{ \"spaced\" : [ 1 , 2 ] }",
  "{\"real\":1.5,\"exp\":1e3,\"neg\":-0,\"small\":-9223372036854775808}",
  "{\"escaped\":\"\\u00e9\\u001f\\/\\u2028\"}",
  "{\"dup\":1,\"dup\":2}",
  "{\"nested\":{\"a\":[true,false,null,{\"b\":\"\\t\"}]}}",
  "[]",
  "3",
  "\"a string\"",
  "null",
  "{broken",
  "",
  "{\"bad utf8\":\"\xc0\x80\"}",
  "{\"raw control\":\"\x01\"}",
  "{\"a\":1} trailing",
  "{\"huge\":99999999999999999999}",
};
enum { N_STORED = sizeof stored / sizeof stored[0] };

static const int64_t times[] = {0, 1, 946684800, 1767225599, 4102444799, -1, 253402300799};
enum { N_TIMES = sizeof times / sizeof times[0] };

static struct st_account account(int i) {
  struct st_account a = {0};
  snprintf(a.id, sizeof a.id, "acc_%08d", i);
  a.email = hostile[(size_t)i % N_HOSTILE];
  a.name = hostile[(size_t)(i * 7 + 3) % N_HOSTILE];
  a.status = (enum pd_account_status)(i % PD_ACCOUNT_STATUS_COUNT);
  a.jurisdiction = (enum pd_jurisdiction)(i % PD_JURISDICTION_COUNT);
  a.created_at = times[i % N_TIMES];
  a.closed_at = times[(i + 1) % N_TIMES];
  a.is_minor = i & 1;
  a.analytics_enabled = i & 2;
  a.marketing_consent = i & 4;
  a.marketing_consent_at = times[(i + 2) % N_TIMES];
  static const int ints[] = {0, 1, -1, INT32_MAX, INT32_MIN, 42};
  a.active_holds = ints[i % 6];
  a.open_requests = ints[(i + 3) % 6];
  static const int64_t longs[] = {0, 1, -1, INT64_MAX, INT64_MIN, 1234567890123};
  a.version = longs[i % 6];
  a.updated_at = times[(i + 3) % N_TIMES];
  return a;
}

static const char *maybe(int i, int k) { return (i + k) % 4 == 0 ? NULL : hostile[(size_t)(i * k) % N_HOSTILE]; }

static struct st_request request(int i) {
  struct st_request q = {0};
  snprintf(q.id, sizeof q.id, "req_%08d", i);
  snprintf(q.account_id, sizeof q.account_id, "acc_%08d", i / 3);
  q.account_email = maybe(i, 1);
  q.account_name = maybe(i, 2);
  q.type = (enum pd_request_type)(i % PD_TYPE_COUNT);
  q.regime = (enum pd_regime)(i % PD_REGIME_COUNT);
  q.status = (enum pd_status)(i % PD_STATUS_COUNT);
  q.priority = (enum pd_priority)(i % PD_PRIORITY_COUNT);
  q.received_at = times[i % N_TIMES];
  q.due_at = times[(i + 1) % N_TIMES];
  q.extended = i & 1;
  q.extension_reason = maybe(i, 3);
  q.assignee = maybe(i, 5);
  q.identity_verified = i & 2;
  q.identity_method = maybe(i, 6);
  q.acknowledged_at = times[(i + 2) % N_TIMES];
  q.ack_due_at = times[(i + 3) % N_TIMES];
  q.status_since = times[(i + 4) % N_TIMES];
  q.details = stored[(size_t)i % N_STORED];
  q.result = stored[(size_t)(i * 5 + 1) % N_STORED];
  static const int64_t longs[] = {0, 1, -1, INT64_MAX, INT64_MIN, 1234567890123};
  q.version = longs[i % 6];
  q.updated_at = times[(i + 5) % N_TIMES];
  return q;
}

enum { N_ROWS = 600 };

static void hostile_account_pages_match(void **state) {
  (void)state;
  static struct st_account rows[N_ROWS];
  for (int i = 0; i < N_ROWS; i++) rows[i] = account(i);
  /* pages of 50 at every offset, so each row is first, middle and last */
  for (int start = 0; start + 50 <= N_ROWS; start += 7) assert_same_accounts(rows + start, 50, "Y3Vyc29y");
  assert_same_accounts(rows, N_ROWS, NULL);
}

static void hostile_request_pages_match(void **state) {
  (void)state;
  static struct st_request rows[N_ROWS];
  for (int i = 0; i < N_ROWS; i++) rows[i] = request(i);
  for (int start = 0; start + 50 <= N_ROWS; start += 7) assert_same_requests(rows + start, 50, NULL);
  assert_same_requests(rows, N_ROWS, "Y3Vyc29y");
}

/* Each hostile string alone in each string field: a single row page, so a
 * difference points at one field and one string. */
static void every_string_in_every_field(void **state) {
  (void)state;
  for (size_t s = 0; s < N_HOSTILE; s++) {
    for (int f = 0; f < 2; f++) {
      struct st_account a = account(0);
      if (f == 0) a.email = hostile[s];
      else a.name = hostile[s];
      assert_same_accounts(&a, 1, NULL);
    }
    for (int f = 0; f < 5; f++) {
      struct st_request q = request(1);
      const char **field[] = {&q.account_email, &q.account_name, &q.extension_reason, &q.assignee,
                              &q.identity_method};
      *field[f] = hostile[s];
      assert_same_requests(&q, 1, NULL);
    }
  }
  for (size_t s = 0; s < N_STORED; s++) {
    struct st_request q = request(2);
    q.details = stored[s];
    q.result = stored[N_STORED - 1 - s];
    assert_same_requests(&q, 1, NULL);
  }
}

/* Random bytes (valid and invalid UTF-8, every control character). */
static void random_strings_match(void **state) {
  (void)state;
  srand(6);
  static char buf[200][40];
  static struct st_account rows[200];
  for (int i = 0; i < 200; i++) {
    int n = rand() % 39;
    for (int k = 0; k < n; k++) {
      int pick = rand() % 4;
      buf[i][k] = (char)(pick == 0 ? rand() % 0x20 + 1 : pick == 1 ? rand() % 0x80 + 0x80 : rand() % 0x5f + 0x20);
    }
    buf[i][n] = '\0';
    rows[i] = account(i);
    rows[i].name = buf[i];
  }
  for (int i = 0; i < 200; i += 10) assert_same_accounts(rows + i, 10, NULL);
}

static void empty_pages_and_cursors(void **state) {
  (void)state;
  assert_same_accounts(NULL, 0, NULL);
  assert_same_requests(NULL, 0, "Y3Vyc29y");
  struct st_account a = account(3);
  assert_same_accounts(&a, 1, "with \"quote\" and é");
  /* a cursor json_string refuses: the whole page failed before, and does now */
  assert_null(tree_accounts(&a, 1, "\xc0\x80"));
  size_t len;
  assert_null(render_accounts_page(&a, 1, "\xc0\x80", &len));
  /* a page whose every row is refused is an empty list, as before */
  a.name = "\xff";
  assert_same_accounts(&a, 1, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(hostile_account_pages_match),
    cmocka_unit_test(hostile_request_pages_match),
    cmocka_unit_test(every_string_in_every_field),
    cmocka_unit_test(random_strings_match),
    cmocka_unit_test(empty_pages_and_cursors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
