/* Concurrency and repetition: If-Match (412 with the current ETag, 428
 * without it), Idempotency-Key replay, and keyset pagination that stays
 * stable while rows are inserted between pages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/api/fixture.h"

/* ---- If-Match ---- */

static void test_two_writers_second_gets_412_with_current_etag(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct fx_req alice, bob;
  fx_create(&alice, acc, "access", NULL);
  bob = alice; /* both read version 1 */
  struct hresp r;
  fx_write(&r, &alice, TOK_AGENT, "transition", json_pack("{ss}", "to", "verifying"), 200);
  hresp_free(&r);
  http_send(&r, "POST", TOK_AGENT2, bob.etag, json_pack("{ss}", "assignee", "bob"), "/v1/requests/%s/assign", bob.id);
  assert_problem(&r, 412, "precondition_failed");
  assert_string_equal(r.etag, alice.etag); /* the current version, to reload */
  assert_string_equal(r.etag, "\"2\"");
  hresp_free(&r);
  /* nothing changed: the request is still unassigned at version 2 */
  http_get(&r, TOK_VIEWER, "/v1/requests/%s", bob.id);
  assert_true(json_is_null(jget(r.json, "assignee")));
  assert_string_equal(r.etag, "\"2\"");
  hresp_free(&r);
  /* bob retries with the current version */
  snprintf(bob.etag, sizeof bob.etag, "%s", alice.etag);
  fx_write(&r, &bob, TOK_AGENT2, "assign", json_pack("{ss}", "assignee", "bob"), 200);
  assert_string_equal(jstr(r.json, "assignee"), "bob");
  hresp_free(&r);
  /* "*" does not stand in for a version, nor does a list of other versions */
  const char *wrong[] = {"*", "\"1\", \"2\"", "3", "W/\"99\""};
  for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
    char path[96];
    snprintf(path, sizeof path, "/v1/requests/%s/transition", bob.id);
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT2, .if_match = wrong[i],
                           .body = "{\"to\": \"in_progress\"}"},
            &r);
    assert_problem(&r, 412, "precondition_failed");
    hresp_free(&r);
  }
}

/* Every If-Match write without it: 428; in the documented order after syntax and existence. */
static void test_missing_if_match_is_428(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct fx_req q;
  fx_create(&q, acc, "access", NULL);
  const struct {
    const char *action, *body;
  } writes[] = {{"assign", "{\"assignee\": \"alice\"}"},
                {"transition", "{\"to\": \"verifying\"}"},
                {"verify", "{\"method\": \"document\", \"note\": \"\"}"},
                {"extend", "{\"reason\": \"complex\"}"},
                {"complete", "{}"},
                {"reject", "{\"reason\": \"unfounded\"}"}};
  for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
    char path[96];
    snprintf(path, sizeof path, "/v1/requests/%s/%s", q.id, writes[i].action);
    struct hresp r;
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .body = writes[i].body}, &r);
    assert_problem(&r, 428, "precondition_required");
    hresp_free(&r);
    /* a broken body is reported first (400), an unknown request before the precondition (404) */
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .body = "{\"nope\": 1}"}, &r);
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
    snprintf(path, sizeof path, "/v1/requests/req_aaaaaaaaaaaaaaaa/%s", writes[i].action);
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .body = writes[i].body}, &r);
    assert_problem(&r, 404, "not_found");
    hresp_free(&r);
  }
  struct hresp r;
  http_send(&r, "PATCH", TOK_AGENT, NULL, json_pack("{sb ss}", "analytics_enabled", false, "reason", "r"),
            "/v1/accounts/%s", acc);
  assert_problem(&r, 428, "precondition_required");
  hresp_free(&r);
  /* nothing moved */
  http_get(&r, TOK_VIEWER, "/v1/requests/%s", q.id);
  assert_string_equal(r.etag, "\"1\"");
  hresp_free(&r);
}

/* ---- idempotency ---- */

static int count_completions(const char *request_id) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/audit?action=request.complete&limit=200");
  assert_status(&r, 200);
  int n = 0;
  size_t i;
  json_t *e;
  json_array_foreach(jget(r.json, "items"), i, e) n += strcmp(jstr(e, "target"), request_id) == 0;
  hresp_free(&r);
  return n;
}

static void test_erasure_completion_replays_once(void **state) {
  (void)state;
  char acc[32], email[256];
  fx_fresh_account(NULL, acc);
  fx_account_email(acc, email, sizeof email);
  struct fx_req q;
  fx_create(&q, acc, "erasure", NULL);
  fx_to_in_progress(&q, true);
  char path[96], body[400];
  snprintf(path, sizeof path, "/v1/requests/%s/complete", q.id);
  snprintf(body, sizeof body, "{\"confirm\": \"%s\"}", email);
  const char *key = "erase-7f3a9c2e-0001";
  struct hresp first, again;
  http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .if_match = q.etag, .body = body,
                         .idem_key = key},
          &first);
  assert_status(&first, 200);
  assert_string_equal(first.replayed, "");
  long long entries = fx_audit_entries();
  /* the same key and body: the first response again, nothing done twice */
  http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .if_match = q.etag, .body = body,
                         .idem_key = key},
          &again);
  assert_status(&again, 200);
  assert_string_equal(again.replayed, "true");
  assert_int_equal(again.body_len, first.body_len);
  assert_memory_equal(again.body, first.body, first.body_len);
  assert_string_equal(again.etag, first.etag);
  assert_int_equal(strncmp(again.content_type, "application/json", 16), 0);
  assert_int_equal(fx_audit_entries(), entries);
  assert_int_equal(count_completions(q.id), 1);
  hresp_free(&again);
  hresp_free(&first);
  /* the same key with another body */
  char other[400];
  snprintf(other, sizeof other, "{\"confirm\": \"%s \"}", email);
  http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .if_match = q.etag, .body = other,
                         .idem_key = key},
          &again);
  assert_problem(&again, 422, "idempotency_key_reused");
  hresp_free(&again);
  /* ... or on another path */
  char reject[96];
  snprintf(reject, sizeof reject, "/v1/requests/%s/reject", q.id);
  http_do(&(struct hreq){.method = "POST", .path = reject, .token = TOK_AGENT, .if_match = q.etag, .body = body,
                         .idem_key = key},
          &again);
  assert_problem(&again, 422, "idempotency_key_reused");
  hresp_free(&again);
  /* keys belong to their user: bob's identical call is a new attempt (the request is closed now) */
  http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT2, .if_match = q.etag, .body = body,
                         .idem_key = key},
          &again);
  assert_true(again.status == 409 || again.status == 412);
  assert_string_equal(again.replayed, "");
  hresp_free(&again);
  assert_int_equal(count_completions(q.id), 1);
}

static void test_create_replays_with_location(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  char body[128];
  snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"objection\", \"details\": "
                              "{\"processing\": \"marketing\"}}", acc);
  struct hresp a, b;
  http_do(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = TOK_AGENT, .body = body,
                         .idem_key = "create-1"},
          &a);
  assert_status(&a, 201);
  http_do(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = TOK_AGENT, .body = body,
                         .idem_key = "create-1"},
          &b);
  assert_status(&b, 201);
  assert_string_equal(b.replayed, "true");
  assert_string_equal(b.location, a.location);
  assert_string_equal(b.etag, a.etag);
  assert_string_equal(jstr(b.json, "id"), jstr(a.json, "id"));
  hresp_free(&a);
  hresp_free(&b);
  http_get(&a, TOK_VIEWER, "/v1/requests?account_id=%s", acc);
  assert_int_equal(json_array_size(jget(a.json, "items")), 1);
  hresp_free(&a);
}

static void test_failed_attempt_is_not_stored(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  char bad[160], good[160];
  snprintf(bad, sizeof bad, "{\"account_id\": \"%s\", \"type\": \"access\", \"received_at\": \"2099-01-01T00:00:00Z\"}",
           acc);
  snprintf(good, sizeof good, "{\"account_id\": \"%s\", \"type\": \"access\"}", acc);
  struct hresp r;
  http_do(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = TOK_AGENT, .body = bad,
                         .idem_key = "retry-me"},
          &r);
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  http_do(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = TOK_AGENT, .body = good,
                         .idem_key = "retry-me"},
          &r);
  assert_status(&r, 201);
  assert_string_equal(r.replayed, "");
  hresp_free(&r);
  /* malformed keys */
  char long_key[140];
  memset(long_key, 'k', 129);
  long_key[129] = '\0';
  const char *keys[] = {long_key, "has space", "tab\there", "caf\xc3\xa9"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    http_do(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = TOK_AGENT, .body = good,
                           .idem_key = keys[i]},
            &r);
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
  }
}

/* ---- pagination ---- */

struct walk {
  char (*ids)[32];
  size_t n, cap;
};

static void walk_add(struct walk *w, const char *id) {
  if (w->n == w->cap) {
    w->cap = w->cap ? w->cap * 2 : 256;
    w->ids = realloc(w->ids, w->cap * sizeof *w->ids);
    assert_non_null(w->ids);
  }
  snprintf(w->ids[w->n++], 32, "%s", id);
}

static bool walk_has(const struct walk *w, const char *id) {
  for (size_t i = 0; i < w->n; i++)
    if (strcmp(w->ids[i], id) == 0) return true;
  return false;
}

static void assert_no_duplicates(const struct walk *w) {
  for (size_t i = 0; i < w->n; i++)
    for (size_t j = i + 1; j < w->n; j++)
      if (strcmp(w->ids[i], w->ids[j]) == 0) fail_msg("%s appears twice", w->ids[i]);
}

/* Fetches one page of base (which has a '?') after cursor; appends ids; returns false at the end. */
static bool page(const char *base, const char *key, char cursor[512], struct walk *w, json_t **items_out) {
  struct hresp r;
  http_get(&r, TOK_AGENT, "%s%s%s", base, cursor[0] ? "&cursor=" : "", cursor);
  assert_status(&r, 200);
  size_t i;
  json_t *it;
  json_array_foreach(jget(r.json, "items"), i, it) {
    json_t *k = jget(it, key);
    char buf[32];
    if (json_is_integer(k))
      snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(k));
    else
      snprintf(buf, sizeof buf, "%s", json_string_value(k));
    walk_add(w, buf);
  }
  if (items_out) *items_out = json_incref(jget(r.json, "items"));
  const char *next = jstr(r.json, "next_cursor");
  snprintf(cursor, 512, "%s", next ? next : "");
  hresp_free(&r);
  return cursor[0] != '\0';
}

static void walk_all(const char *base, const char *key, struct walk *w) {
  char cursor[512] = "";
  while (page(base, key, cursor, w, NULL)) {}
}

static void test_walk_every_sort_without_gaps(void **state) {
  (void)state;
  struct walk all = {0};
  walk_all("/v1/requests?limit=200", "id", &all);
  assert_true(all.n > 100 && all.n <= 200);
  static const char *const sorts[] = {"due_at", "-due_at", "received_at", "-received_at"};
  for (size_t s = 0; s < 4; s++) {
    char base[96];
    snprintf(base, sizeof base, "/v1/requests?limit=7&sort=%s", sorts[s]);
    struct walk w = {0};
    char cursor[512] = "";
    const char *field = sorts[s][0] == '-' ? sorts[s] + 1 : sorts[s];
    char prev_key[32] = "", prev_id[32] = "";
    for (bool more = true; more;) {
      json_t *items;
      more = page(base, "id", cursor, &w, &items);
      size_t i;
      json_t *it;
      json_array_foreach(items, i, it) { /* ordered by the key, ties by id */
        const char *k = jstr(it, field), *id = jstr(it, "id");
        if (prev_key[0]) {
          int c = strcmp(prev_key, k);
          if (c == 0) c = strcmp(prev_id, id);
          if (sorts[s][0] == '-' ? c <= 0 : c >= 0) fail_msg("%s out of order at %s", sorts[s], id);
        }
        snprintf(prev_key, sizeof prev_key, "%s", k);
        snprintf(prev_id, sizeof prev_id, "%s", id);
      }
      json_decref(items);
    }
    assert_no_duplicates(&w);
    assert_int_equal(w.n, all.n);
    for (size_t i = 0; i < all.n; i++)
      if (!walk_has(&w, all.ids[i])) fail_msg("%s missing from the walk by %s", all.ids[i], sorts[s]);
    free(w.ids);
  }
  free(all.ids);
  /* accounts, by e-mail */
  struct walk accounts = {0};
  walk_all("/v1/accounts?limit=37", "id", &accounts);
  assert_no_duplicates(&accounts);
  assert_int_equal(accounts.n, fx_seed_accounts);
  free(accounts.ids);
}

static void test_walk_stays_stable_under_inserts(void **state) {
  (void)state;
  struct walk before = {0};
  walk_all("/v1/requests?limit=200&sort=received_at", "id", &before);
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct walk w = {0};
  char cursor[512] = "";
  assert_true(page("/v1/requests?limit=10&sort=received_at", "id", cursor, &w, NULL));
  /* one row lands before the cursor, one after it */
  struct fx_req early, late;
  fx_create(&early, acc, "access", json_pack("{ss}", "received_at", "2001-01-01T00:00:00Z"));
  fx_create(&late, acc, "access", NULL);
  while (page("/v1/requests?limit=10&sort=received_at", "id", cursor, &w, NULL)) {
    struct fx_req extra; /* and more arrive while we walk */
    fx_create(&extra, acc, "erasure", NULL);
  }
  assert_no_duplicates(&w);
  for (size_t i = 0; i < before.n; i++)
    if (!walk_has(&w, before.ids[i])) fail_msg("%s was skipped", before.ids[i]);
  assert_false(walk_has(&w, early.id)); /* behind the cursor */
  assert_true(walk_has(&w, late.id));   /* ahead of it */
  free(w.ids);
  free(before.ids);

  /* holds, newest first: a new hold goes to the top, behind the cursor */
  struct walk holds_before = {0}, holds = {0};
  walk_all("/v1/holds?limit=200", "id", &holds_before);
  cursor[0] = '\0';
  assert_true(page("/v1/holds?limit=2", "id", cursor, &holds, NULL));
  char other[32];
  fx_fresh_account(NULL, other);
  struct hresp r;
  http_send(&r, "POST", TOK_SUPER, NULL, json_pack("{ss ss s[s]}", "reason", "r", "case_ref", "C", "categories", "*"),
            "/v1/accounts/%s/holds", other);
  assert_status(&r, 201);
  hresp_free(&r);
  while (page("/v1/holds?limit=2", "id", cursor, &holds, NULL)) {}
  assert_no_duplicates(&holds);
  assert_int_equal(holds.n, holds_before.n);
  for (size_t i = 0; i < holds_before.n; i++) assert_true(walk_has(&holds, holds_before.ids[i]));
  free(holds.ids);
  free(holds_before.ids);

  /* the audit log, newest first, while writes append to it: consecutive seqs, no repeats */
  struct walk seqs = {0};
  cursor[0] = '\0';
  for (int p = 0; p < 4 && page("/v1/audit?limit=25", "seq", cursor, &seqs, NULL); p++) {
    struct fx_req note_on = early;
    http_send(&r, "POST", TOK_AGENT, NULL, json_pack("{ss}", "text", "between pages"), "/v1/requests/%s/notes",
              note_on.id);
    assert_status(&r, 201);
    hresp_free(&r);
  }
  for (size_t i = 1; i < seqs.n; i++) assert_int_equal(atoll(seqs.ids[i]), atoll(seqs.ids[i - 1]) - 1);
  free(seqs.ids);
}

static void test_foreign_or_garbage_cursor_is_400(void **state) {
  (void)state;
  char by_due[512] = "", by_received[512] = "", accounts[512] = "", holds[512] = "", audit[512] = "";
  struct walk sink = {0};
  page("/v1/requests?limit=3&sort=due_at", "id", by_due, &sink, NULL);
  page("/v1/requests?limit=3&sort=-received_at", "id", by_received, &sink, NULL);
  page("/v1/accounts?limit=3", "id", accounts, &sink, NULL);
  page("/v1/holds?limit=1", "id", holds, &sink, NULL);
  page("/v1/audit?limit=3", "seq", audit, &sink, NULL);
  free(sink.ids);
  assert_true(by_due[0] && by_received[0] && accounts[0] && holds[0] && audit[0]);
  char tampered[512];
  snprintf(tampered, sizeof tampered, "%s", by_due);
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  const struct {
    const char *base, *cursor;
  } bad[] = {
      {"/v1/requests?sort=received_at", by_due},   {"/v1/requests?sort=-due_at", by_due},
      {"/v1/requests", by_received},               {"/v1/requests", accounts},
      {"/v1/accounts?limit=3", by_due},            {"/v1/holds?limit=3", audit},
      {"/v1/audit?limit=3", holds},                {"/v1/requests", "garbage"},
      {"/v1/requests", tampered},                  {"/v1/accounts?limit=3", "%25%27%22"},
      {"/v1/audit?limit=3", "W10"},                {"/v1/holds?limit=3", ""},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct hresp r;
    http_get(&r, TOK_VIEWER, "%s%scursor=%s", bad[i].base, strchr(bad[i].base, '?') ? "&" : "?", bad[i].cursor);
    if (r.status != 400) fail_msg("cursor case %zu on %s: HTTP %ld %s", i, bad[i].base, r.status, r.body);
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
  }
}

int main(void) {
  fx_seed_accounts = 200;
  fx_seed_requests = 150;
  fx_add("two writers: the second gets 412 with the current ETag", test_two_writers_second_gets_412_with_current_etag,
         NULL);
  fx_add("every If-Match write without it is 428 (after syntax and existence)", test_missing_if_match_is_428, NULL);
  fx_add("erasure completion replays with Idempotent-Replayed, one audit entry",
         test_erasure_completion_replays_once, NULL);
  fx_add("create replays with the same Location and ETag", test_create_replays_with_location, NULL);
  fx_add("a failed attempt is not stored; malformed keys are 400", test_failed_attempt_is_not_stored, NULL);
  fx_add("pagination: every sort walks without gaps or repeats", test_walk_every_sort_without_gaps, NULL);
  fx_add("pagination: stable while rows are inserted between pages", test_walk_stays_stable_under_inserts, NULL);
  fx_add("pagination: a cursor from another list or sort, or garbage, is 400", test_foreign_or_garbage_cursor_is_400,
         NULL);
  return fx_run("api concurrency, idempotency, pagination");
}
