/* Accounts (search, detail, consent switches, inventory), queue statistics
 * and conditional GETs (If-None-Match -> 304). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tests/api/fixture.h"

/* ---- helpers ---- */

/* ASCII case-insensitive substring test. */
static bool ci_contains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return true;
  return n == 0;
}

/* Does the list page answer for q contain the account id? */
static bool search_finds(const char *q, const char *id, int *n_items) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts?limit=200&q=%s", urlenc(q));
  assert_status(&r, 200);
  bool found = false;
  size_t i;
  json_t *a;
  json_array_foreach(jget(r.json, "items"), i, a) found |= strcmp(jstr(a, "id"), id) == 0;
  if (n_items) *n_items = (int)json_array_size(jget(r.json, "items"));
  hresp_free(&r);
  return found;
}

/* Decodes one UTF-8 code point at *p (advances); 0 at the end. */
static unsigned next_cp(const unsigned char **p) {
  const unsigned char *s = *p;
  if (!*s) return 0;
  unsigned cp;
  int n;
  if (s[0] < 0x80) cp = s[0], n = 1;
  else if ((s[0] & 0xE0) == 0xC0) cp = s[0] & 0x1F, n = 2;
  else if ((s[0] & 0xF0) == 0xE0) cp = s[0] & 0x0F, n = 3;
  else cp = s[0] & 0x07, n = 4;
  for (int i = 1; i < n && s[i]; i++) cp = (cp << 6) | (s[i] & 0x3F);
  *p = s + n;
  return cp;
}

static bool is_cjk(unsigned cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF);
}

/* An account (from the first pages) whose name has 3 consecutive CJK code points; copies them into sub. */
static bool find_cjk_account(char id[32], char sub[32], char twochars[16]) {
  char cursor[512] = "";
  for (int page = 0; page < 10; page++) {
    struct hresp r;
    http_get(&r, TOK_VIEWER, "/v1/accounts?limit=200%s%s", cursor[0] ? "&cursor=" : "", cursor);
    assert_status(&r, 200);
    size_t i;
    json_t *a;
    json_array_foreach(jget(r.json, "items"), i, a) {
      const unsigned char *p = (const unsigned char *)jstr(a, "name");
      const unsigned char *start[4];
      int run = 0;
      for (;;) {
        const unsigned char *here = p;
        unsigned cp = next_cp(&p);
        if (!cp) break;
        if (!is_cjk(cp)) {
          run = 0;
          continue;
        }
        start[run < 3 ? run : 3] = here;
        if (++run == 3) {
          snprintf(id, 32, "%s", jstr(a, "id"));
          snprintf(sub, 32, "%.*s", (int)(p - start[0]), (const char *)start[0]);
          snprintf(twochars, 16, "%.*s", (int)(start[2] - start[0]), (const char *)start[0]);
          hresp_free(&r);
          return true;
        }
      }
    }
    const char *next = jstr(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    hresp_free(&r);
    if (!cursor[0]) break;
  }
  return false;
}

static void get_json(struct hresp *r, const char *token, const char *path) {
  http_get(r, token, "%s", path);
  assert_status(r, 200);
}

/* ---- accounts ---- */

static void test_accounts_list_sorted_by_email(void **state) {
  (void)state;
  struct hresp r;
  get_json(&r, TOK_VIEWER, "/v1/accounts?limit=200");
  json_t *items = jget(r.json, "items");
  assert_int_equal(json_array_size(items), 200);
  assert_true(json_is_string(jget(r.json, "next_cursor")));
  for (size_t i = 1; i < json_array_size(items); i++)
    assert_true(strcasecmp(jstr(json_array_get(items, i - 1), "email"), jstr(json_array_get(items, i), "email")) < 0);
  json_t *a = json_array_get(items, 0);
  static const char *const fields[] = {"id", "email", "name", "status", "jurisdiction", "created_at", "closed_at",
                                       "is_minor", "analytics_enabled", "marketing_consent", "marketing_consent_at",
                                       "active_holds", "open_requests", "version", "updated_at"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (!jget(a, fields[i])) fail_msg("account field %s missing", fields[i]);
  assert_int_equal(strncmp(jstr(a, "id"), "acc_", 4), 0);
  assert_int_equal(strlen(jstr(a, "id")), 20);
  hresp_free(&r);
  /* default limit 50 */
  get_json(&r, TOK_VIEWER, "/v1/accounts");
  assert_int_equal(json_array_size(jget(r.json, "items")), 50);
  hresp_free(&r);
}

static void test_accounts_search_by_exact_id(void **state) {
  (void)state;
  char id[32];
  fx_fresh_account(NULL, id);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts?q=%s", id);
  assert_status(&r, 200);
  json_t *items = jget(r.json, "items");
  assert_int_equal(json_array_size(items), 1);
  assert_string_equal(jstr(json_array_get(items, 0), "id"), id);
  assert_true(json_is_null(jget(r.json, "next_cursor")));
  hresp_free(&r);
  /* an id is matched exactly, not as a prefix */
  char prefix[32];
  snprintf(prefix, sizeof prefix, "%.10s", id);
  int n;
  assert_false(search_finds(prefix, id, &n));
  assert_int_equal(n, 0);
}

static void test_accounts_search_email_prefix_case_insensitive(void **state) {
  (void)state;
  char id[32], email[256];
  fx_fresh_account(NULL, id);
  fx_account_email(id, email, sizeof email);
  char upper[16];
  size_t k = 0;
  for (; k < 7 && email[k]; k++) upper[k] = (char)(email[k] >= 'a' && email[k] <= 'z' ? email[k] - 32 : email[k]);
  upper[k] = '\0';
  assert_true(search_finds(upper, id, NULL));
  assert_true(search_finds(email, id, NULL));
  /* every hit starts with the prefix (or, from 3 characters on, has it in its name) */
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts?limit=200&q=%s", urlenc(upper));
  size_t i;
  json_t *a;
  json_array_foreach(jget(r.json, "items"), i, a) {
    bool prefix = strncasecmp(jstr(a, "email"), upper, strlen(upper)) == 0;
    bool name = ci_contains(jstr(a, "name"), upper);
    if (!prefix && !name) fail_msg("%s (%s) does not match %s", jstr(a, "email"), jstr(a, "name"), upper);
  }
  hresp_free(&r);
  /* the seed writes some e-mails in mixed case (@Example.COM): a lower-case query finds them */
  get_json(&r, TOK_VIEWER, "/v1/accounts?limit=200");
  const char *mixed = NULL;
  json_array_foreach(jget(r.json, "items"), i, a) if (strstr(jstr(a, "email"), "@Example.COM")) mixed = jstr(a, "id");
  if (mixed) {
    char lower[256];
    const char *e = NULL;
    json_array_foreach(jget(r.json, "items"), i, a) if (strcmp(jstr(a, "id"), mixed) == 0) e = jstr(a, "email");
    for (k = 0; e[k] && k < sizeof lower - 1; k++) lower[k] = (char)(e[k] >= 'A' && e[k] <= 'Z' ? e[k] + 32 : e[k]);
    lower[k] = '\0';
    assert_true(search_finds(lower, mixed, NULL));
  }
  hresp_free(&r);
}

/* A search walked page by page gives the same rows in the same order as one big page. */
static void test_accounts_search_pages_like_one_page(void **state) {
  (void)state;
  static const char *const queries[] = {"ana", "a", "Müller", "ller", "SAM", "example"};
  for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
    struct hresp full;
    http_get(&full, TOK_VIEWER, "/v1/accounts?limit=200&q=%s", urlenc(queries[i]));
    assert_status(&full, 200);
    json_t *want = jget(full.json, "items");
    size_t at = 0;
    char cursor[512] = "";
    do {
      struct hresp r;
      http_get(&r, TOK_VIEWER, "/v1/accounts?limit=3&q=%s%s%s", urlenc(queries[i]), cursor[0] ? "&cursor=" : "",
               cursor);
      assert_status(&r, 200);
      size_t k;
      json_t *a;
      json_array_foreach(jget(r.json, "items"), k, a) {
        if (at >= json_array_size(want)) fail_msg("q=%s: the walk has more rows than one page", queries[i]);
        assert_string_equal(jstr(a, "id"), jstr(json_array_get(want, at), "id"));
        at++;
      }
      const char *next = jstr(r.json, "next_cursor");
      snprintf(cursor, sizeof cursor, "%s", next ? next : "");
      hresp_free(&r);
    } while (cursor[0]);
    assert_int_equal(at, json_array_size(want));
    hresp_free(&full);
  }
}

static void test_accounts_search_name_substring_cjk(void **state) {
  (void)state;
  char id[32], sub[32], two[16];
  if (!find_cjk_account(id, sub, two)) fail_msg("the seed has no name with three CJK characters in a row");
  int n;
  assert_true(search_finds(sub, id, &n));
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts?limit=200&q=%s", urlenc(sub));
  size_t i;
  json_t *a;
  json_array_foreach(jget(r.json, "items"), i, a) assert_non_null(strstr(jstr(a, "name"), sub));
  hresp_free(&r);
  /* fewer than 3 characters: names are not searched (docs/api.md decision) */
  assert_false(search_finds(two, id, NULL));
}

static void test_accounts_search_name_ascii_case_insensitive(void **state) {
  (void)state;
  /* "Müller" and "García" style names: a 3+ letter ASCII run, searched in another case */
  struct hresp r;
  get_json(&r, TOK_VIEWER, "/v1/accounts?limit=200");
  size_t i;
  json_t *a;
  const char *id = NULL;
  char word[8] = "";
  json_array_foreach(jget(r.json, "items"), i, a) {
    const char *name = jstr(a, "name");
    if (!id && strlen(name) >= 6 && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") >= 4) {
      id = jstr(a, "id");
      for (int k = 0; k < 4; k++) word[k] = (char)(name[k] ^ 0x20); /* swap the case */
      word[4] = '\0';
    }
  }
  assert_non_null(id);
  assert_true(search_finds(word, id, NULL));
  hresp_free(&r);
}

static void test_account_detail_and_404(void **state) {
  (void)state;
  char id[32];
  fx_fresh_account(NULL, id);
  struct fx_req q;
  fx_create(&q, id, "access", NULL);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", id);
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "id"), id);
  assert_true(json_is_array(jget(r.json, "holds")));
  /* the open requests are embedded, as list items */
  assert_int_equal(jint(r.json, "open_requests"), 1);
  assert_int_equal(json_array_size(jget(r.json, "requests")), 1);
  assert_string_equal(jstr(json_array_get(jget(r.json, "requests"), 0), "id"), q.id);
  char want[64];
  snprintf(want, sizeof want, "\"%lld\"", jint(r.json, "version"));
  assert_string_equal(r.etag, want);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/acc_aaaaaaaaaaaaaaaa");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

static void test_account_patch_switches_consents(void **state) {
  (void)state;
  char id[32];
  fx_fresh_account(NULL, id);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", id);
  char etag[128];
  snprintf(etag, sizeof etag, "%s", r.etag);
  bool analytics = jbool(r.json, "analytics_enabled"), marketing = jbool(r.json, "marketing_consent");
  long long version = jint(r.json, "version");
  hresp_free(&r);
  json_t *b = json_pack("{sb sb ss}", "analytics_enabled", !analytics, "marketing_consent", !marketing, "reason",
                        "asked by e-mail");
  http_send(&r, "PATCH", TOK_AGENT, NULL, json_incref(b), "/v1/accounts/%s", id);
  assert_problem(&r, 428, "precondition_required");
  hresp_free(&r);
  http_send(&r, "PATCH", TOK_AGENT, "\"999\"", json_incref(b), "/v1/accounts/%s", id);
  assert_problem(&r, 412, "precondition_failed");
  assert_string_equal(r.etag, etag); /* the current version */
  hresp_free(&r);
  http_send(&r, "PATCH", TOK_AGENT, etag, b, "/v1/accounts/%s", id);
  assert_status(&r, 200);
  assert_int_equal(jbool(r.json, "analytics_enabled"), !analytics);
  assert_int_equal(jbool(r.json, "marketing_consent"), !marketing);
  assert_int_equal(jint(r.json, "version"), version + 1);
  assert_true(json_is_string(jget(r.json, "marketing_consent_at")));
  assert_true(json_is_array(jget(r.json, "holds")));
  assert_string_not_equal(r.etag, etag);
  hresp_free(&r);
  /* a PATCH without a flag, or without a reason, is 400 */
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", id);
  snprintf(etag, sizeof etag, "%s", r.etag);
  hresp_free(&r);
  b = json_pack("{ss}", "reason", "nothing");
  http_send(&r, "PATCH", TOK_AGENT, etag, b, "/v1/accounts/%s", id);
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  b = json_pack("{sb}", "analytics_enabled", true);
  http_send(&r, "PATCH", TOK_AGENT, etag, b, "/v1/accounts/%s", id);
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
}

static void test_inventory_rows(void **state) {
  (void)state;
  static const char *const keys[] = {"email", "profile", "support_tickets", "api_keys", "usage_logs",
                                     "error_reports", "payment_methods", "transactions", "marketing", "analytics"};
  char id[32];
  fx_fresh_account(NULL, id);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s/inventory", id);
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "account_id"), id);
  json_t *items = jget(r.json, "items");
  assert_int_equal(json_array_size(items), 10);
  for (size_t i = 0; i < 10; i++) {
    json_t *row = json_array_get(items, i);
    assert_string_equal(jstr(row, "key"), keys[i]);
    assert_string_equal(jstr(row, "state"), "present");
    static const char *const fields[] = {"group", "label", "records", "bytes", "oldest", "newest", "systems",
                                         "recipients", "legal_basis", "retention", "retained_until",
                                         "retained_because"};
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
      if (!jget(row, fields[f])) fail_msg("inventory field %s missing", fields[f]);
    if (jint(row, "records") == 0) assert_true(json_is_null(jget(row, "oldest")));
  }
  json_t *tx = json_array_get(items, 7);
  assert_string_equal(jstr(tx, "legal_basis"), "legal_obligation");
  assert_true(jarray_has(jget(tx, "recipients"), "Stripe"));
  if (jint(tx, "records") > 0) {
    assert_true(json_is_string(jget(tx, "retained_until")));
    assert_true(jarray_has(jget(tx, "retained_because"), "legal:tax"));
  }
  assert_string_equal(jstr(json_array_get(items, 0), "legal_basis"), "contract");
  assert_string_equal(jstr(json_array_get(items, 8), "legal_basis"), "consent");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/acc_aaaaaaaaaaaaaaaa/inventory");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

/* ---- statistics ---- */

static long long count_list(const char *query) {
  long long n = 0;
  char cursor[512] = "";
  for (;;) {
    struct hresp r;
    http_get(&r, TOK_AGENT, "/v1/requests?limit=200&%s%s%s", query, cursor[0] ? "&cursor=" : "", cursor);
    assert_status(&r, 200);
    n += (long long)json_array_size(jget(r.json, "items"));
    const char *next = jstr(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    hresp_free(&r);
    if (!cursor[0]) return n;
  }
}

static void test_stats_match_the_queue(void **state) {
  (void)state;
  struct hresp r;
  get_json(&r, TOK_AGENT, "/v1/stats");
  json_t *open = jget(r.json, "open");
  assert_int_equal(jint(r.json, "open_total"),
                   jint(open, "new") + jint(open, "verifying") + jint(open, "in_progress") + jint(open, "waiting"));
  assert_int_equal(jint(r.json, "open_total"), count_list("status=open"));
  assert_int_equal(jint(r.json, "overdue"), count_list("status=open&overdue=true"));
  assert_int_equal(jint(r.json, "unassigned"), count_list("status=open&assignee=none"));
  assert_int_equal(jint(r.json, "mine"), count_list("status=open&assignee=me"));
  assert_int_equal(jint(r.json, "urgent"), count_list("status=open&priority=urgent"));
  assert_int_equal(jint(jget(r.json, "closed"), "completed"), count_list("status=completed"));
  long long buckets = 0;
  size_t i;
  json_t *b;
  json_array_foreach(jget(r.json, "by_days_left"), i, b) buckets += jint(b, "count");
  assert_int_equal(json_array_size(jget(r.json, "by_days_left")), 7);
  assert_int_equal(buckets, jint(r.json, "open_total"));
  hresp_free(&r);
}

static void test_stats_change_after_writes(void **state) {
  (void)state;
  struct hresp r;
  get_json(&r, TOK_AGENT, "/v1/stats");
  long long open_total = jint(r.json, "open_total"), unassigned = jint(r.json, "unassigned"),
            mine = jint(r.json, "mine"), urgent = jint(r.json, "urgent"), n_new = jint(jget(r.json, "open"), "new");
  hresp_free(&r);
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct fx_req q;
  fx_create(&q, acc, "access", json_pack("{ss}", "priority", "urgent"));
  get_json(&r, TOK_AGENT, "/v1/stats");
  assert_int_equal(jint(r.json, "open_total"), open_total + 1);
  assert_int_equal(jint(jget(r.json, "open"), "new"), n_new + 1);
  assert_int_equal(jint(r.json, "unassigned"), unassigned + 1);
  assert_int_equal(jint(r.json, "urgent"), urgent + 1);
  hresp_free(&r);
  /* alice takes it: unassigned goes down, her "mine" up */
  fx_write(&r, &q, TOK_AGENT, "assign", json_pack("{ss}", "assignee", "alice"), 200);
  hresp_free(&r);
  get_json(&r, TOK_AGENT, "/v1/stats");
  assert_int_equal(jint(r.json, "unassigned"), unassigned);
  assert_int_equal(jint(r.json, "mine"), mine + 1);
  hresp_free(&r);
  get_json(&r, TOK_AGENT2, "/v1/stats"); /* "mine" is the caller's */
  assert_int_equal(jint(r.json, "mine"), count_list("status=open&assignee=bob"));
  hresp_free(&r);
}

/* ---- conditional GETs ---- */

/* GET path, then again with If-None-Match: 304 without a body. */
static void expect_304(const char *path, char etag_out[128]) {
  struct hresp r;
  get_json(&r, TOK_VIEWER, path);
  assert_true(r.etag[0] == '"' || strncmp(r.etag, "W/\"", 3) == 0);
  snprintf(etag_out, 128, "%s", r.etag);
  hresp_free(&r);
  http_do(&(struct hreq){.method = "GET", .path = path, .token = TOK_VIEWER, .if_none_match = etag_out}, &r);
  assert_status(&r, 304);
  assert_int_equal(r.body_len, 0);
  assert_string_equal(r.etag, etag_out);
  hresp_free(&r);
  /* another tag, or a list naming it among others */
  http_do(&(struct hreq){.method = "GET", .path = path, .token = TOK_VIEWER, .if_none_match = "\"nope\""}, &r);
  assert_status(&r, 200);
  hresp_free(&r);
  char list[300];
  snprintf(list, sizeof list, "\"x\", %s", etag_out);
  http_do(&(struct hreq){.method = "GET", .path = path, .token = TOK_VIEWER, .if_none_match = list}, &r);
  assert_status(&r, 304);
  hresp_free(&r);
}

static void expect_200_after_change(const char *path, const char *old_etag) {
  struct hresp r;
  http_do(&(struct hreq){.method = "GET", .path = path, .token = TOK_VIEWER, .if_none_match = old_etag}, &r);
  assert_status(&r, 200);
  assert_true(r.body_len > 0);
  assert_string_not_equal(r.etag, old_etag);
  hresp_free(&r);
}

static void test_if_none_match_304_then_200_after_change(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct fx_req q;
  fx_create(&q, acc, "access", NULL);
  char req_path[96], acc_path[96], list_path[128];
  snprintf(req_path, sizeof req_path, "/v1/requests/%s", q.id);
  snprintf(acc_path, sizeof acc_path, "/v1/accounts/%s", acc);
  snprintf(list_path, sizeof list_path, "/v1/requests?account_id=%s", acc);
  char e_req[128], e_acc[128], e_list[128], e_stats[128], e_inv[128], e_accounts[128];
  expect_304(req_path, e_req);
  expect_304(acc_path, e_acc);
  expect_304(list_path, e_list);
  expect_304("/v1/stats", e_stats);
  expect_304("/v1/accounts?limit=5", e_accounts);
  char inv_path[128];
  snprintf(inv_path, sizeof inv_path, "/v1/accounts/%s/inventory", acc);
  expect_304(inv_path, e_inv);
  /* a change: the request moves on (its account and the stats change with it) */
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "transition", json_pack("{ss}", "to", "verifying"), 200);
  hresp_free(&r);
  expect_200_after_change(req_path, e_req);
  expect_200_after_change(acc_path, e_acc);
  expect_200_after_change(list_path, e_list);
  expect_200_after_change("/v1/stats", e_stats);
  /* "*" matches any current representation */
  http_do(&(struct hreq){.method = "GET", .path = req_path, .token = TOK_VIEWER, .if_none_match = "*"}, &r);
  assert_status(&r, 304);
  hresp_free(&r);
}

/* Nothing changed, a second later: still 304 (the ETag is over the counts, not the clock). */
static void test_stats_etag_is_stable_while_nothing_changes(void **state) {
  (void)state;
  struct hresp r;
  get_json(&r, TOK_VIEWER, "/v1/stats");
  char etag[128];
  snprintf(etag, sizeof etag, "%s", r.etag);
  hresp_free(&r);
  struct timespec ts = {1, 100000000L};
  nanosleep(&ts, NULL);
  http_do(&(struct hreq){.method = "GET", .path = "/v1/stats", .token = TOK_VIEWER, .if_none_match = etag}, &r);
  assert_status(&r, 304);
  hresp_free(&r);
}

int main(void) {
  fx_seed_accounts = 400;
  fx_seed_requests = 120;
  fx_add("accounts list is sorted by e-mail with all fields", test_accounts_list_sorted_by_email, NULL);
  fx_add("accounts search by exact id", test_accounts_search_by_exact_id, NULL);
  fx_add("accounts search by e-mail prefix, case-insensitive", test_accounts_search_email_prefix_case_insensitive,
         NULL);
  fx_add("accounts search walked page by page equals one page", test_accounts_search_pages_like_one_page, NULL);
  fx_add("accounts search by CJK name substring (3+ characters)", test_accounts_search_name_substring_cjk, NULL);
  fx_add("accounts search by ASCII name substring, any case", test_accounts_search_name_ascii_case_insensitive, NULL);
  fx_add("account detail with ETag; unknown id 404", test_account_detail_and_404, NULL);
  fx_add("PATCH account switches consents; If-Match 428/412", test_account_patch_switches_consents, NULL);
  fx_add("inventory has ten rows in category order", test_inventory_rows, NULL);
  fx_add("stats match the queue", test_stats_match_the_queue, NULL);
  fx_add("stats change after create and take", test_stats_change_after_writes, NULL);
  fx_add("If-None-Match: 304 without body; 200 after a change", test_if_none_match_304_then_200_after_change, NULL);
  fx_add("stats ETag is stable while nothing changes", test_stats_etag_is_stable_while_nothing_changes, NULL);
  return fx_run("api accounts and stats");
}
