/* The audit log: one entry per write, the hash chain recomputed here from
 * the entries the API serves (docs/api.md "Audit entry"), and tampering with
 * the SQLite file detected by GET /v1/audit/verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "tests/api/fixture.h"

/* ---- canonical JSON, written here from the rule in docs/api.md (not by jansson's encoder) ---- */

struct buf {
  char *p;
  size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_string(struct buf *b, const char *s, size_t len) {
  puts_(b, "\"");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    switch (c) {
    case '"': puts_(b, "\\\""); break;
    case '\\': puts_(b, "\\\\"); break;
    case '\b': puts_(b, "\\b"); break;
    case '\f': puts_(b, "\\f"); break;
    case '\n': puts_(b, "\\n"); break;
    case '\r': puts_(b, "\\r"); break;
    case '\t': puts_(b, "\\t"); break;
    default:
      if (c < 0x20) {
        snprintf(esc, sizeof esc, "\\u%04X", c);
        puts_(b, esc);
      } else {
        put(b, (const char *)&c, 1);
      }
    }
  }
  puts_(b, "\"");
}

static int cmp_keys(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void put_value(struct buf *b, json_t *v) {
  char num[32];
  switch (json_typeof(v)) {
  case JSON_NULL: puts_(b, "null"); break;
  case JSON_TRUE: puts_(b, "true"); break;
  case JSON_FALSE: puts_(b, "false"); break;
  case JSON_INTEGER:
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    puts_(b, num);
    break;
  case JSON_STRING: put_string(b, json_string_value(v), json_string_length(v)); break;
  case JSON_ARRAY: {
    puts_(b, "[");
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i) puts_(b, ",");
      put_value(b, json_array_get(v, i));
    }
    puts_(b, "]");
    break;
  }
  case JSON_OBJECT: {
    size_t n = json_object_size(v), k = 0;
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    const char *key;
    json_t *val;
    json_object_foreach(v, key, val) keys[k++] = key;
    qsort(keys, n, sizeof *keys, cmp_keys);
    puts_(b, "{");
    for (size_t i = 0; i < n; i++) {
      if (i) puts_(b, ",");
      put_string(b, keys[i], strlen(keys[i]));
      puts_(b, ":");
      put_value(b, json_object_get(v, keys[i]));
    }
    puts_(b, "}");
    free(keys);
    break;
  }
  default: fail_msg("audit details hold a real number, which the canonical form does not define");
  }
}

/* RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" -> Unix seconds. */
static long long unix_time(const char *t) {
  int y, mo, d, h, mi, s;
  assert_int_equal(sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d, &h, &mi, &s), 6);
  return (long long)fx_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

/* hex(SHA-256(prev_hash + "\n" + canonical)) of an entry as served. */
static void entry_hash(json_t *e, char out[65]) {
  json_t *c = json_pack("{sO sI sO sO sO sO sO}", "seq", jget(e, "seq"), "at", (json_int_t)unix_time(jstr(e, "at")),
                        "actor", jget(e, "actor"), "action", jget(e, "action"), "target", jget(e, "target"),
                        "account_id", jget(e, "account_id"), "details", jget(e, "details"));
  assert_non_null(c);
  struct buf b = {0};
  puts_(&b, jstr(e, "prev_hash"));
  puts_(&b, "\n");
  put_value(&b, c);
  json_decref(c);
  unsigned char h[32];
  crypto_hash_sha256(h, (const unsigned char *)b.p, b.n);
  sodium_bin2hex(out, 65, h, sizeof h);
  free(b.p);
}

/* Every entry, oldest first. */
static json_t *whole_log(void) {
  json_t *all = json_array();
  char cursor[512] = "";
  for (;;) {
    struct hresp r;
    http_get(&r, TOK_VIEWER, "/v1/audit?limit=200%s%s", cursor[0] ? "&cursor=" : "", cursor);
    assert_status(&r, 200);
    size_t i;
    json_t *e;
    json_array_foreach(jget(r.json, "items"), i, e) json_array_insert(all, 0, e);
    const char *next = jstr(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    hresp_free(&r);
    if (!cursor[0]) return all;
  }
}

static void verify(bool *ok, long long *entries, char head[65], long long *first_bad) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/audit/verify");
  assert_status(&r, 200);
  *ok = jbool(r.json, "ok");
  *entries = jint(r.json, "entries");
  if (head) snprintf(head, 65, "%s", jstr(r.json, "head"));
  if (first_bad) *first_bad = jint(r.json, "first_bad_seq");
  hresp_free(&r);
}

static void newest(json_t **out) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/audit?limit=1");
  assert_status(&r, 200);
  *out = json_incref(json_array_get(jget(r.json, "items"), 0));
  hresp_free(&r);
}

/* ---- tests ---- */

static char acc[32], hold_id[32];

static void test_each_write_appends_one_entry(void **state) {
  (void)state;
  fx_fresh_account(NULL, acc);
  bool ok;
  long long entries;
  char head[65];
  verify(&ok, &entries, head, NULL);
  assert_true(ok);
  struct fx_req q;
  struct hresp r;
  /* each step: one write, then the expected newest entry */
  const struct {
    const char *action, *actor;
  } expect[] = {{"request.create", "alice"},     {"request.assign", "alice"}, {"request.transition", "alice"},
                {"request.verify", "alice"},     {"request.note", "bob"},     {"request.extend", "alice"},
                {"hold.place", "sam"},           {"account.update", "alice"}, {"request.reject", "sam"},
                {"hold.release", "sam"}};
  for (size_t step = 0; step < sizeof expect / sizeof expect[0]; step++) {
    switch (step) {
    case 0: fx_create(&q, acc, "access", NULL); break;
    case 1: fx_write(&r, &q, TOK_AGENT, "assign", json_pack("{ss}", "assignee", "alice"), 200); break;
    case 2: fx_write(&r, &q, TOK_AGENT, "transition", json_pack("{ss}", "to", "verifying"), 200); break;
    case 3: fx_write(&r, &q, TOK_AGENT, "verify", json_pack("{ss ss}", "method", "document", "note", ""), 200); break;
    case 4:
      http_send(&r, "POST", TOK_AGENT2, NULL, json_pack("{ss}", "text", "called back"), "/v1/requests/%s/notes", q.id);
      assert_status(&r, 201);
      snprintf(q.etag, sizeof q.etag, "%s", r.etag); /* a note is a change too */
      break;
    case 5: fx_write(&r, &q, TOK_AGENT, "extend", json_pack("{ss}", "reason", "backups"), 200); break;
    case 6:
      /* a reason with control characters, quotes, a slash and non-ASCII: the canonical form must cope */
      http_send(&r, "POST", TOK_SUPER, NULL,
                json_pack("{ss ss s[ss]}", "reason", "dispute \"A/B\"\x1b[31m\t\x7f caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x9a\x80",
                          "case_ref", "CASE\\9", "categories", "usage_logs", "transactions"),
                "/v1/accounts/%s/holds", acc);
      assert_status(&r, 201);
      snprintf(hold_id, sizeof hold_id, "%s", jstr(r.json, "id"));
      break;
    case 7: {
      struct hresp a;
      http_get(&a, TOK_VIEWER, "/v1/accounts/%s", acc);
      http_send(&r, "PATCH", TOK_AGENT, a.etag, json_pack("{sb ss}", "marketing_consent", true, "reason", "opt-in"),
                "/v1/accounts/%s", acc);
      hresp_free(&a);
      assert_status(&r, 200);
      break;
    }
    case 8: fx_write(&r, &q, TOK_SUPER, "reject", json_pack("{ss}", "reason", "withdrawn"), 200); break;
    case 9:
      http_send(&r, "POST", TOK_SUPER, NULL, json_pack("{ss}", "reason", "settled"), "/v1/holds/%s/release", hold_id);
      assert_status(&r, 200);
      break;
    }
    if (step) hresp_free(&r);
    long long now_entries;
    char now_head[65];
    verify(&ok, &now_entries, now_head, NULL);
    assert_true(ok);
    assert_int_equal(now_entries, entries + 1);
    json_t *e;
    newest(&e);
    assert_string_equal(jstr(e, "action"), expect[step].action);
    assert_string_equal(jstr(e, "actor"), expect[step].actor);
    assert_string_equal(jstr(e, "account_id"), acc);
    assert_int_equal(jint(e, "seq"), now_entries);
    assert_string_equal(jstr(e, "hash"), now_head);
    assert_string_equal(jstr(e, "prev_hash"), head);
    json_decref(e);
    entries = now_entries;
    snprintf(head, sizeof head, "%s", now_head);
  }
  /* reads and failed writes append nothing */
  http_get(&r, TOK_VIEWER, "/v1/requests/%s", q.id);
  hresp_free(&r);
  http_send(&r, "POST", TOK_AGENT, NULL, json_pack("{ss}", "to", "waiting"), "/v1/requests/%s/transition", q.id);
  assert_problem(&r, 428, "precondition_required");
  hresp_free(&r);
  long long after;
  verify(&ok, &after, NULL, NULL);
  assert_int_equal(after, entries);
}

static void test_every_hash_recomputes(void **state) {
  (void)state;
  json_t *log = whole_log();
  bool ok;
  long long entries;
  char head[65];
  verify(&ok, &entries, head, NULL);
  assert_true(ok);
  assert_int_equal((long long)json_array_size(log), entries);
  char prev[65];
  memset(prev, '0', 64);
  prev[64] = '\0';
  size_t i;
  json_t *e;
  json_array_foreach(log, i, e) {
    assert_int_equal(jint(e, "seq"), (long long)i + 1);
    assert_string_equal(jstr(e, "prev_hash"), prev);
    char h[65];
    entry_hash(e, h);
    if (strcmp(h, jstr(e, "hash")) != 0)
      fail_msg("entry %lld (%s): recomputed %s, served %s", jint(e, "seq"), jstr(e, "action"), h, jstr(e, "hash"));
    snprintf(prev, sizeof prev, "%s", h);
  }
  assert_string_equal(prev, head);
  json_decref(log);
}

static void test_filters_and_order(void **state) {
  (void)state;
  const struct {
    const char *param, *value, *field;
  } filters[] = {{"actor", "sam", "actor"}, {"action", "hold.place", "action"}, {"account_id", acc, "account_id"}};
  for (size_t f = 0; f < 3; f++) {
    struct hresp r;
    http_get(&r, TOK_VIEWER, "/v1/audit?%s=%s&limit=200", filters[f].param, filters[f].value);
    assert_status(&r, 200);
    assert_true(json_array_size(jget(r.json, "items")) > 0);
    long long prev_seq = -1;
    size_t i;
    json_t *e;
    json_array_foreach(jget(r.json, "items"), i, e) {
      assert_string_equal(jstr(e, filters[f].field), filters[f].value);
      if (prev_seq >= 0) assert_true(jint(e, "seq") < prev_seq); /* newest first */
      prev_seq = jint(e, "seq");
    }
    hresp_free(&r);
  }
  /* details hold ids and staff text, never the customer's personal data */
  char email[256];
  fx_account_email(acc, email, sizeof email);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/audit?account_id=%s&limit=200", acc);
  assert_null(strstr(r.body, email));
  hresp_free(&r);
}

/* Erasure does not rewrite history: every earlier entry is served unchanged. */
static void test_erasure_leaves_the_log_alone(void **state) {
  (void)state;
  json_t *before = whole_log();
  char victim[32], email[256];
  fx_fresh_account(NULL, victim);
  fx_account_email(victim, email, sizeof email);
  struct fx_req q;
  fx_create(&q, victim, "erasure", NULL);
  fx_to_in_progress(&q, true);
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "complete", json_pack("{ss}", "confirm", email), 200);
  hresp_free(&r);
  json_t *after = whole_log();
  assert_int_equal(json_array_size(after), json_array_size(before) + 5);
  for (size_t i = 0; i < json_array_size(before); i++)
    assert_true(json_equal(json_array_get(before, i), json_array_get(after, i)));
  json_decref(before);
  json_decref(after);
  bool ok;
  long long entries;
  verify(&ok, &entries, NULL, NULL);
  assert_true(ok);
}

/* Runs last: breaks the chain on disk. */
static void test_tampering_is_detected(void **state) {
  (void)state;
  json_t *log = whole_log();
  long long n = (long long)json_array_size(log);
  /* the hold.place entry with the odd reason */
  long long victim = 0;
  size_t i;
  json_t *e;
  json_array_foreach(log, i, e) if (strcmp(jstr(e, "action"), "hold.place") == 0 &&
                                    strcmp(jstr(e, "target"), hold_id) == 0) victim = jint(e, "seq");
  json_decref(log);
  assert_true(victim > 1 && victim < n);
  pd_test_server_kill(&fx_srv, false);
  if (fx_srv.pg) { /* the PostgreSQL store: the same edit through psql */
    char sql[300], out[64];
    snprintf(sql, sizeof sql,
             "WITH t AS (UPDATE audit SET details = jsonb_set(details::jsonb, '{reason}', '\"nothing to see\"')::text"
             " WHERE seq = %lld RETURNING 1) SELECT count(*) FROM t", victim);
    assert_int_equal(pd_test_server_sql(&fx_srv, sql, out, sizeof out), 0);
    assert_string_equal(out, "1");
  } else {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(fx_srv.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char sql[200];
    snprintf(sql, sizeof sql,
             "UPDATE audit SET details = json_set(details, '$.reason', 'nothing to see') WHERE seq = %lld", victim);
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK) fail_msg("tampering failed: %s", err ? err : "?");
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
  }
  assert_int_equal(pd_test_server_restart(&fx_srv), 0);
  http_set_base(fx_srv.url);
  bool ok;
  long long entries, first_bad;
  verify(&ok, &entries, NULL, &first_bad);
  assert_false(ok);
  assert_int_equal(entries, n);
  assert_int_equal(first_bad, victim);
  /* the test's own recomputation agrees on which entry broke */
  log = whole_log();
  char h[65];
  entry_hash(json_array_get(log, (size_t)victim - 1), h);
  assert_string_not_equal(h, jstr(json_array_get(log, (size_t)victim - 1), "hash"));
  entry_hash(json_array_get(log, (size_t)victim - 2), h);
  assert_string_equal(h, jstr(json_array_get(log, (size_t)victim - 2), "hash"));
  json_decref(log);
}

int main(void) {
  if (sodium_init() < 0) return 1;
  fx_seed_accounts = 120;
  fx_seed_requests = 40;
  fx_add("each write appends exactly one entry; verify stays ok", test_each_write_appends_one_entry, NULL);
  fx_add("every entry's hash recomputes from prev_hash and canonical JSON", test_every_hash_recomputes, NULL);
  fx_add("filters by actor, action and account; newest first; no e-mails", test_filters_and_order, NULL);
  fx_add("erasure leaves earlier entries unchanged", test_erasure_leaves_the_log_alone, NULL);
  fx_add("tampering with the database is detected (ok=false, first_bad_seq)", test_tampering_is_detected, NULL);
  return fx_run("api audit log");
}
