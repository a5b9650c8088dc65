/* The response cache of GET answers (server/respcache.h): a repeated GET is
 * served from it (the /metrics counters move, body and ETag identical), yet
 * no answer is ever stale: after a write through this server (on several
 * keep-alive connections, so several worker threads' caches), after a write
 * by another privdeskd on the same database, per user, and per second for
 * answers that read the clock. Cache-Control: no-cache bypasses it.
 * Keep-alive connections stick to one worker thread, so each `struct conn`
 * here (one libcurl handle) talks to one thread's cache.
 * On PostgreSQL nothing is cached (no data version): the counters must not
 * move there, and every freshness check holds all the same. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/api/fixture.h"

static bool caching(void) { return strcmp(pd_test_store_name(), "sqlite") == 0; }

/* ---- one keep-alive connection ---- */

struct conn {
  CURL *h;
};

struct answer {
  long status;
  char *body;
  size_t len;
  char etag[128];
  json_t *json;
};

static void answer_free(struct answer *a) {
  free(a->body);
  json_decref(a->json);
  memset(a, 0, sizeof *a);
}

static size_t on_body(char *p, size_t size, size_t n, void *userdata) {
  struct answer *a = userdata;
  size_t k = size * n;
  char *grown = realloc(a->body, a->len + k + 1);
  if (!grown) return 0;
  a->body = grown;
  memcpy(a->body + a->len, p, k);
  a->len += k;
  a->body[a->len] = '\0';
  return k;
}

static size_t on_header(char *p, size_t size, size_t n, void *userdata) {
  struct answer *a = userdata;
  size_t k = size * n;
  if (k > 6 && strncasecmp(p, "ETag:", 5) == 0) {
    size_t start = 5;
    while (start < k && p[start] == ' ') start++;
    size_t end = k;
    while (end > start && (p[end - 1] == '\r' || p[end - 1] == '\n')) end--;
    snprintf(a->etag, sizeof a->etag, "%.*s", (int)(end - start), p + start);
  }
  return k;
}

/* One request on c; extra: more header lines (NULL-terminated), may be NULL. */
static void conn_do(struct conn *c, struct answer *a, const char *method, const char *token, const char *body,
                    const char *const *extra, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void conn_do(struct conn *c, struct answer *a, const char *method, const char *token, const char *body,
                    const char *const *extra, const char *fmt, ...) {
  memset(a, 0, sizeof *a);
  if (!c->h) c->h = curl_easy_init();
  assert_non_null(c->h);
  char path[512], url[640], auth[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  snprintf(url, sizeof url, "%s%s", fx_srv.url, path);
  struct curl_slist *hdrs = NULL;
  if (token) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    hdrs = curl_slist_append(hdrs, auth);
  }
  if (body) hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
  for (const char *const *x = extra; x && *x; x++) hdrs = curl_slist_append(hdrs, *x);
  curl_easy_reset(c->h);
  curl_easy_setopt(c->h, CURLOPT_URL, url);
  curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, method);
  if (body) curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c->h, CURLOPT_WRITEDATA, a);
  curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c->h, CURLOPT_HEADERDATA, a);
  curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 30L);
  CURLcode rc = curl_easy_perform(c->h);
  curl_slist_free_all(hdrs);
  if (rc != CURLE_OK) fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
  curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &a->status);
  if (!a->body) a->body = calloc(1, 1);
  a->json = json_loadb(a->body, a->len, 0, NULL);
}

static void conn_close(struct conn *c) {
  if (c->h) curl_easy_cleanup(c->h);
  c->h = NULL;
}

/* ---- the counters ---- */

struct counts {
  unsigned long long hits, misses;
};

static unsigned long long metric(const char *text, const char *name) {
  size_t n = strlen(name);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, name, n) == 0 && p[n] == ' ') return strtoull(p + n + 1, NULL, 10);
  fail_msg("no %s in /metrics", name);
  return 0;
}

static struct counts counts(void) {
  struct conn c = {0};
  struct answer a;
  conn_do(&c, &a, "GET", NULL, NULL, NULL, "/metrics");
  assert_int_equal(a.status, 200);
  struct counts k = {metric(a.body, "privdesk_response_cache_hits_total"),
                     metric(a.body, "privdesk_response_cache_misses_total")};
  answer_free(&a);
  conn_close(&c);
  return k;
}

static const char *const QUEUE = "/v1/requests?status=open&limit=50";

/* A repeated GET of the queue is a hit: the hit counter moves by one, the
 * miss counter not at all, and body and ETag are those of the first answer.
 * If-None-Match on a hit is 304 with no body. */
static void test_repeated_get_is_a_hit(void **state) {
  (void)state;
  struct conn c = {0};
  struct answer first, second, third;
  conn_do(&c, &first, "GET", TOK_VIEWER, NULL, NULL, "%s", QUEUE);
  assert_int_equal(first.status, 200);
  struct counts before = counts();
  conn_do(&c, &second, "GET", TOK_VIEWER, NULL, NULL, "%s", QUEUE);
  struct counts after = counts();
  assert_int_equal(second.status, 200);
  assert_string_equal(second.body, first.body);
  assert_string_equal(second.etag, first.etag);
  assert_int_equal(after.hits, before.hits + (caching() ? 1 : 0));
  assert_int_equal(after.misses, before.misses);

  char inm[160];
  snprintf(inm, sizeof inm, "If-None-Match: %s", first.etag);
  const char *const hdr[] = {inm, NULL};
  conn_do(&c, &third, "GET", TOK_VIEWER, NULL, hdr, "%s", QUEUE);
  assert_int_equal(third.status, 304);
  assert_int_equal(third.len, 0);
  assert_int_equal(counts().hits, after.hits + (caching() ? 1 : 0));
  answer_free(&first);
  answer_free(&second);
  answer_free(&third);
  conn_close(&c);
}

/* Cache-Control: no-cache (and no-store) has the handler answer: neither
 * counter moves, the answer is the same. */
static void test_no_cache_bypasses(void **state) {
  (void)state;
  struct conn c = {0};
  struct answer warm, fresh;
  conn_do(&c, &warm, "GET", TOK_VIEWER, NULL, NULL, "%s", QUEUE);
  answer_free(&warm);
  conn_do(&c, &warm, "GET", TOK_VIEWER, NULL, NULL, "%s", QUEUE);
  const char *const variants[] = {"Cache-Control: no-cache", "Cache-Control: max-age=0, No-Store"};
  for (int i = 0; i < 2; i++) {
    struct counts before = counts();
    const char *const hdr[] = {variants[i], NULL};
    conn_do(&c, &fresh, "GET", TOK_VIEWER, NULL, hdr, "%s", QUEUE);
    struct counts after = counts();
    assert_int_equal(fresh.status, 200);
    assert_string_equal(fresh.body, warm.body);
    assert_string_equal(fresh.etag, warm.etag);
    assert_int_equal(after.hits, before.hits);
    assert_int_equal(after.misses, before.misses);
    answer_free(&fresh);
  }
  answer_free(&warm);
  conn_close(&c);
}

/* GETs n distinct answers on c (empty account searches), from number first. */
static void get_distinct(struct conn *c, int first, int n) {
  for (int i = first; i < first + n; i++) {
    struct answer a;
    conn_do(c, &a, "GET", TOK_VIEWER, NULL, NULL, "/v1/accounts?q=nobody-%06d&limit=1", i);
    assert_int_equal(a.status, 200);
    answer_free(&a);
  }
}

/* A thread's cache holds at most 1,024 answers and drops the least recently
 * used: an answer asked for again within the last 1,000 others is still a
 * hit, and being used keeps it (100 more others later, 1,100 after it was
 * made, it is still there); after 1,100 others since its last use it is
 * made afresh. */
static void test_bounded_least_recently_used(void **state) {
  (void)state;
  unsigned long long counted = caching() ? 1 : 0; /* PostgreSQL: nothing kept, nothing counted */
  struct conn c = {0};
  struct answer a;
  const char *kept = "/v1/audit?limit=3";
  conn_do(&c, &a, "GET", TOK_VIEWER, NULL, NULL, "%s", kept);
  answer_free(&a);
  get_distinct(&c, 0, 1000);
  struct counts before = counts();
  conn_do(&c, &a, "GET", TOK_VIEWER, NULL, NULL, "%s", kept);
  answer_free(&a);
  struct counts after = counts();
  assert_int_equal(after.hits, before.hits + counted);
  get_distinct(&c, 1000, 100);
  before = counts();
  conn_do(&c, &a, "GET", TOK_VIEWER, NULL, NULL, "%s", kept);
  answer_free(&a);
  assert_int_equal(counts().hits, before.hits + counted);
  get_distinct(&c, 1100, 1100);
  before = counts();
  conn_do(&c, &a, "GET", TOK_VIEWER, NULL, NULL, "%s", kept);
  answer_free(&a);
  after = counts();
  assert_int_equal(after.hits, before.hits);
  assert_int_equal(after.misses, before.misses + counted);
  conn_close(&c);
}

/* ---- writes are seen at once ---- */

enum { N_CONNS = 6 };

struct watched {
  char account[32], request[32];
  char path[6][160];
};

/* GETs each path twice on every connection, so that every thread's cache
 * holds the answers before the write. */
static void warm_all(struct conn *conns, const struct watched *w) {
  for (int i = 0; i < N_CONNS; i++)
    for (int p = 0; p < 6; p++)
      for (int k = 0; k < 2; k++) {
        struct answer a;
        conn_do(&conns[i], &a, "GET", TOK_AGENT, NULL, NULL, "%s", w->path[p]);
        assert_int_equal(a.status, 200);
        answer_free(&a);
      }
}

static const json_t *find_request(const json_t *page, const char *id) {
  const json_t *items = jget(page, "items");
  for (size_t i = 0; i < json_array_size(items); i++)
    if (strcmp(jstr(json_array_get(items, i), "id"), id) == 0) return json_array_get(items, i);
  return NULL;
}

static bool has_request(const json_t *page, const char *id) { return find_request(page, id) != NULL; }

static bool timeline_has_text(const json_t *req, const char *text) {
  const json_t *tl = jget(req, "timeline");
  for (size_t i = 0; i < json_array_size(tl); i++) {
    const char *t = jstr(json_array_get(tl, i), "text");
    if (t && strcmp(t, text) == 0) return true;
  }
  return false;
}

static void get_on(struct conn *c, struct answer *a, const char *path) {
  conn_do(c, a, "GET", TOK_AGENT, NULL, NULL, "%s", path);
  assert_int_equal(a->status, 200);
  assert_non_null(a->json);
}

/* A note, an assignment and a PATCH of the account, each through one
 * connection: every connection's next GET of the request, the account, the
 * queue with assignee=me and the audit log shows it. */
static void test_writes_are_seen_on_every_connection(void **state) {
  (void)state;
  struct watched w;
  fx_fresh_account("EU", w.account);
  struct fx_req q;
  fx_create(&q, w.account, "access", NULL);
  snprintf(w.request, sizeof w.request, "%s", q.id);
  snprintf(w.path[0], sizeof w.path[0], "/v1/requests/%s", q.id);
  snprintf(w.path[1], sizeof w.path[1], "/v1/accounts/%s", w.account);
  snprintf(w.path[2], sizeof w.path[2], "/v1/requests?assignee=me&limit=200");
  snprintf(w.path[3], sizeof w.path[3], "/v1/audit?limit=5");
  snprintf(w.path[4], sizeof w.path[4], "/v1/requests?account_id=%s", w.account);
  snprintf(w.path[5], sizeof w.path[5], "/v1/audit/verify");
  struct conn conns[N_CONNS] = {0};

  /* a note (no If-Match) through connection 1 */
  warm_all(conns, &w);
  struct answer a;
  conn_do(&conns[1], &a, "POST", TOK_AGENT, "{\"text\":\"cache note one\"}", NULL, "/v1/requests/%s/notes", q.id);
  assert_int_equal(a.status, 201);
  answer_free(&a);
  for (int i = 0; i < N_CONNS; i++) {
    get_on(&conns[i], &a, w.path[0]);
    assert_true(timeline_has_text(a.json, "cache note one"));
    answer_free(&a);
    get_on(&conns[i], &a, w.path[3]);
    assert_string_equal(jstr(json_array_get(jget(a.json, "items"), 0), "action"), "request.note");
    answer_free(&a);
  }

  /* alice takes the request through connection 2 */
  warm_all(conns, &w);
  char body[128], etag[160];
  get_on(&conns[2], &a, w.path[0]);
  snprintf(etag, sizeof etag, "If-Match: %s", a.etag);
  answer_free(&a);
  const char *const if_match[] = {etag, NULL};
  conn_do(&conns[2], &a, "POST", TOK_AGENT, "{\"assignee\":\"alice\"}", if_match, "/v1/requests/%s/assign", q.id);
  assert_int_equal(a.status, 200);
  answer_free(&a);
  for (int i = 0; i < N_CONNS; i++) {
    get_on(&conns[i], &a, w.path[0]);
    assert_string_equal(jstr(a.json, "assignee"), "alice");
    answer_free(&a);
    get_on(&conns[i], &a, w.path[2]);
    assert_true(has_request(a.json, q.id));
    answer_free(&a);
    get_on(&conns[i], &a, w.path[4]);
    assert_non_null(find_request(a.json, q.id));
    assert_string_equal(jstr(find_request(a.json, q.id), "assignee"), "alice");
    answer_free(&a);
  }

  /* the account's marketing consent flips through connection 3 */
  warm_all(conns, &w);
  get_on(&conns[3], &a, w.path[1]);
  bool marketing = jbool(a.json, "marketing_consent");
  snprintf(etag, sizeof etag, "If-Match: %s", a.etag);
  long long version = jint(a.json, "version");
  answer_free(&a);
  snprintf(body, sizeof body, "{\"marketing_consent\":%s,\"reason\":\"cache test\"}", marketing ? "false" : "true");
  conn_do(&conns[3], &a, "PATCH", TOK_AGENT, body, if_match, "/v1/accounts/%s", w.account);
  assert_int_equal(a.status, 200);
  answer_free(&a);
  for (int i = 0; i < N_CONNS; i++) {
    get_on(&conns[i], &a, w.path[1]);
    assert_int_equal(jbool(a.json, "marketing_consent"), !marketing);
    assert_int_equal(jint(a.json, "version"), version + 1);
    answer_free(&a);
    get_on(&conns[i], &a, w.path[5]);
    assert_int_equal(jint(a.json, "entries"), fx_audit_entries());
    answer_free(&a);
  }
  for (int i = 0; i < N_CONNS; i++) conn_close(&conns[i]);
}

static long long kept_entries(void) {
  struct conn c = {0};
  struct answer a;
  conn_do(&c, &a, "GET", NULL, NULL, NULL, "/metrics");
  assert_int_equal(a.status, 200);
  long long n = (long long)metric(a.body, "privdesk_response_cache_entries");
  answer_free(&a);
  conn_close(&c);
  return n;
}

/* A write empties every thread's cache at once: a thread that serves no
 * further request must not keep the account as it was (its old e-mail and
 * name, after an erasure or a rectification). A write that fails keeps the
 * answers. Counted on /metrics, which is never cached itself. */
static void test_a_write_empties_every_thread_at_once(void **state) {
  (void)state;
  struct watched w;
  fx_fresh_account("EU", w.account);
  struct fx_req q;
  fx_create(&q, w.account, "access", NULL);
  snprintf(w.path[0], sizeof w.path[0], "/v1/requests/%s", q.id);
  snprintf(w.path[1], sizeof w.path[1], "/v1/accounts/%s", w.account);
  snprintf(w.path[2], sizeof w.path[2], "/v1/accounts?q=%.20s", w.account);
  snprintf(w.path[3], sizeof w.path[3], "/v1/audit?limit=5");
  snprintf(w.path[4], sizeof w.path[4], "/v1/requests?account_id=%s", w.account);
  snprintf(w.path[5], sizeof w.path[5], "/v1/accounts/%s/inventory", w.account);
  struct conn conns[N_CONNS] = {0};
  warm_all(conns, &w);
  long long before = kept_entries();
  if (caching()) assert_true(before >= 6);
  else assert_int_equal(before, 0);

  struct answer a;
  get_on(&conns[0], &a, w.path[1]);
  char etag[160], body[128];
  snprintf(etag, sizeof etag, "If-Match: %s", a.etag);
  bool marketing = jbool(a.json, "marketing_consent");
  answer_free(&a);
  snprintf(body, sizeof body, "{\"marketing_consent\":%s,\"reason\":\"cache purge\"}", marketing ? "false" : "true");
  const char *const stale[] = {"If-Match: \"not-the-version\"", NULL};
  conn_do(&conns[0], &a, "PATCH", TOK_AGENT, body, stale, "/v1/accounts/%s", w.account);
  assert_int_equal(a.status, 412);
  answer_free(&a);
  assert_int_equal(kept_entries(), before);

  const char *const if_match[] = {etag, NULL};
  conn_do(&conns[0], &a, "PATCH", TOK_AGENT, body, if_match, "/v1/accounts/%s", w.account);
  assert_int_equal(a.status, 200);
  answer_free(&a);
  assert_int_equal(kept_entries(), 0);
  for (int i = 0; i < N_CONNS; i++) conn_close(&conns[i]);
}

/* A second privdeskd on the same database writes; the first server's next
 * GET (its cache warm with the old answer) shows the change. */
static void test_write_by_another_process_is_seen(void **state) {
  (void)state;
  char account[32];
  fx_fresh_account(NULL, account);
  struct conn here = {0}, there = {0};
  struct answer a;
  conn_do(&here, &a, "GET", TOK_AGENT, NULL, NULL, "/v1/accounts/%s", account);
  answer_free(&a);
  struct counts before = counts();
  conn_do(&here, &a, "GET", TOK_AGENT, NULL, NULL, "/v1/accounts/%s", account);
  assert_int_equal(a.status, 200);
  bool analytics = jbool(a.json, "analytics_enabled");
  long long version = jint(a.json, "version");
  char etag[160], body[128], url[128];
  snprintf(etag, sizeof etag, "If-Match: %s", a.etag);
  answer_free(&a);
  assert_int_equal(counts().hits, before.hits + (caching() ? 1 : 0)); /* the old answer is kept */

  /* The PATCH through the other instance (conn_do resolves against
   * fx_srv.url, pointed at it meanwhile), which stops before any assertion
   * so that a failure leaves no process behind. */
  struct pd_test_server other;
  assert_int_equal(pd_test_server_start_instance(&other, &fx_srv, NULL), 0);
  char saved[64];
  snprintf(saved, sizeof saved, "%s", fx_srv.url);
  snprintf(fx_srv.url, sizeof fx_srv.url, "%s", other.url);
  snprintf(body, sizeof body, "{\"analytics_enabled\":%s,\"reason\":\"another process\"}",
           analytics ? "false" : "true");
  const char *const if_match[] = {etag, NULL};
  conn_do(&there, &a, "PATCH", TOK_AGENT, body, if_match, "/v1/accounts/%s", account);
  snprintf(fx_srv.url, sizeof fx_srv.url, "%s", saved);
  long patched = a.status;
  answer_free(&a);
  conn_close(&there);
  pd_test_server_kill(&other, false);
  int reports = pd_test_server_sanitizer_reports(&other);
  pd_test_server_stop(&other);
  assert_int_equal(patched, 200);
  assert_int_equal(reports, 0);

  snprintf(url, sizeof url, "/v1/accounts/%s", account);
  get_on(&here, &a, url);
  assert_int_equal(jbool(a.json, "analytics_enabled"), !analytics);
  assert_int_equal(jint(a.json, "version"), version + 1);
  answer_free(&a);
  conn_close(&here);
}

/* assignee=me answers differ by user, even on one connection (one thread's
 * cache) and when each is asked twice. */
static void test_assignee_me_is_per_user(void **state) {
  (void)state;
  char account[32];
  fx_fresh_account(NULL, account);
  struct fx_req q;
  fx_create(&q, account, "access", NULL);
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT2, "assign", json_pack("{ss}", "assignee", "bob"), 200);
  hresp_free(&r);
  struct conn c = {0};
  for (int k = 0; k < 2; k++) {
    struct answer alice, bob;
    conn_do(&c, &alice, "GET", TOK_AGENT, NULL, NULL, "/v1/requests?assignee=me&limit=200");
    conn_do(&c, &bob, "GET", TOK_AGENT2, NULL, NULL, "/v1/requests?assignee=me&limit=200");
    assert_int_equal(alice.status, 200);
    assert_int_equal(bob.status, 200);
    assert_false(has_request(alice.json, q.id));
    assert_true(has_request(bob.json, q.id));
    assert_string_not_equal(alice.body, bob.body);
    answer_free(&alice);
    answer_free(&bob);
  }
  conn_close(&c);
}

/* Waits (polling the clock, a few ms at a time) until the current second
 * is past `after`. */
static void wait_past_second(time_t after) {
  while (time(NULL) <= after) {
    struct timespec ts = {0, 5000000L};
    nanosleep(&ts, NULL);
  }
}

/* An answer that reads the clock is not reused in a later second, even
 * with nothing written in between: /v1/me server_time and /v1/stats
 * generated_at move on. */
static void test_clock_answers_not_reused_across_seconds(void **state) {
  (void)state;
  const char *const paths[] = {"/v1/me", "/v1/stats"};
  const char *const fields[] = {"server_time", "generated_at"};
  struct conn c = {0};
  for (int i = 0; i < 2; i++) {
    struct answer first, later;
    wait_past_second(time(NULL)); /* at the start of a second: the next GET is almost surely in it too */
    conn_do(&c, &first, "GET", TOK_AGENT, NULL, NULL, "%s", paths[i]);
    conn_do(&c, &later, "GET", TOK_AGENT, NULL, NULL, "%s", paths[i]);
    assert_int_equal(first.status, 200);
    answer_free(&later);
    wait_past_second(time(NULL));
    conn_do(&c, &later, "GET", TOK_AGENT, NULL, NULL, "%s", paths[i]);
    assert_int_equal(later.status, 200);
    assert_string_not_equal(jstr(later.json, fields[i]), jstr(first.json, fields[i]));
    assert_true(strcmp(jstr(later.json, fields[i]), jstr(first.json, fields[i])) > 0);
    answer_free(&first);
    answer_free(&later);
  }
  conn_close(&c);
}

int main(void) {
  fx_seed_accounts = 200;
  fx_seed_requests = 80;
  fx_add("a repeated GET of the queue is a hit: same body and ETag; 304 on If-None-Match",
         test_repeated_get_is_a_hit, NULL);
  fx_add("Cache-Control: no-cache and no-store bypass the cache", test_no_cache_bypasses, NULL);
  fx_add("at most 1,024 answers per thread, least recently used dropped first", test_bounded_least_recently_used,
         NULL);
  fx_add("a note, an assignment and a PATCH are seen on every connection at once",
         test_writes_are_seen_on_every_connection, NULL);
  fx_add("a write empties every thread's cache at once; a failed write does not",
         test_a_write_empties_every_thread_at_once, NULL);
  fx_add("a write by another privdeskd on the same database is seen", test_write_by_another_process_is_seen, NULL);
  fx_add("assignee=me differs by user on one connection", test_assignee_me_is_per_user, NULL);
  fx_add("/v1/me and /v1/stats are not reused across seconds", test_clock_answers_not_reused_across_seconds, NULL);
  return fx_run("api response cache");
}
