/* Concurrency: 32 client threads (one libcurl easy handle and one staff user
 * each) released together on the same resources. Each conflicting write
 * based on the same version has exactly one winner; the others get 412
 * precondition_failed (or 409 where the state machine refuses); no update is
 * lost; no answer is a 5xx or a transport error; the audit chain verifies and
 * grows by exactly the writes that succeeded; the server's stderr shows no
 * store error (SQLITE_BUSY would be one). The server runs with 16 worker
 * threads, so up to 16 store connections contend for the write lock.
 *
 * Built twice: tests/reliability/test_race (one privdeskd, the store of the
 * harness: SQLite) and, with PD_RACE_INSTANCES=3, test_multi_race: three
 * privdeskd instances on one PostgreSQL database, racer i talking to
 * instance i mod 3 (as behind a round-robin load balancer), so every race
 * is fought across processes (skipped when no PostgreSQL server can run). */
#include <inttypes.h>
#include <stdint.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/harness/pg.h"
#include "tests/harness/server.h"
#include "tests/reliability/rclient.h"

#ifndef PD_RACE_INSTANCES
#define PD_RACE_INSTANCES 1
#define ACROSS ""
#else
#define ACROSS " (across instances)"
#endif

enum { N = 32 };

static struct pd_test_server srv; /* instance 0: set-up, checks */
static struct pd_test_server others[PD_RACE_INSTANCES]; /* instances 1.. on the same database */
static const char *urls[PD_RACE_INSTANCES];
static char agents[N][PD_TEST_TOKEN_MAX], supervisors[N][PD_TEST_TOKEN_MAX];
static char agent_names[N][32];
static struct rc main_rc;
static int server_errors; /* 5xx or transport errors seen anywhere */

/* ---- small helpers on the main thread ---- */

static json_t *get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *get(const char *fmt, ...) {
  char path[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  struct rc_resp r;
  rc_get(&main_rc, srv.viewer, path, &r);
  if (r.status != 200) fail_msg("GET %s: HTTP %ld %s%.300s", path, r.status, r.error, r.body);
  json_t *j = json_incref(r.json);
  rc_resp_free(&r);
  return j;
}

/* A write as alice (or token) that must answer want; returns the body (caller frees). */
static json_t *write_ok(const char *token, const char *method, const char *path, const char *if_match,
                        const char *body, long want, char *etag_out) {
  struct rc_resp r;
  rc_send(&main_rc, method, token ? token : srv.agent, path, if_match, NULL, body, &r);
  if (r.status != want) fail_msg("%s %s: HTTP %ld, want %ld: %s%.300s", method, path, r.status, want, r.error, r.body);
  if (etag_out) snprintf(etag_out, 64, "%s", r.etag);
  json_t *j = json_incref(r.json);
  rc_resp_free(&r);
  return j;
}

static long long audit_entries(void) {
  json_t *v = get("/v1/audit/verify");
  assert_true(json_is_true(json_object_get(v, "ok")));
  long long n = rj_int(v, "entries");
  json_decref(v);
  return n;
}

static char fresh_cursor[512];
static json_t *fresh_page;
static size_t fresh_next;

/* An active account without holds or open requests, not handed out before. */
static void fresh_account(char id[32], char email[256]) {
  for (;;) {
    if (!fresh_page || fresh_next >= json_array_size(json_object_get(fresh_page, "items"))) {
      if (fresh_page && !fresh_cursor[0]) fail_msg("no fresh account left");
      json_decref(fresh_page);
      fresh_page = fresh_cursor[0] ? get("/v1/accounts?limit=200&cursor=%s", fresh_cursor) : get("/v1/accounts?limit=200");
      const char *next = rj_str(fresh_page, "next_cursor");
      snprintf(fresh_cursor, sizeof fresh_cursor, "%s", next ? next : "");
      fresh_next = 0;
    }
    json_t *a = json_array_get(json_object_get(fresh_page, "items"), fresh_next++);
    if (strcmp(rj_str(a, "status"), "active") != 0 || rj_int(a, "active_holds") || rj_int(a, "open_requests")) continue;
    snprintf(id, 32, "%s", rj_str(a, "id"));
    if (email) snprintf(email, 256, "%s", rj_str(a, "email"));
    return;
  }
}

/* Creates an erasure request on a fresh account; fills id and ETag. */
static void new_request(char id[32], char etag[64], char account[32], char email[256]) {
  char acc[32], mail[256];
  fresh_account(acc, mail);
  char body[128];
  snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"erasure\"}", acc);
  json_t *q = write_ok(NULL, "POST", "/v1/requests", NULL, body, 201, etag);
  snprintf(id, 32, "%s", rj_str(q, "id"));
  json_decref(q);
  if (account) snprintf(account, 32, "%s", acc);
  if (email) snprintf(email, 256, "%s", mail);
}

static void step(const char *id, char etag[64], const char *action, const char *body) {
  char path[128];
  snprintf(path, sizeof path, "/v1/requests/%s/%s", id, action);
  json_decref(write_ok(NULL, "POST", path, etag, body, 200, etag));
}

/* ---- racing ---- */

struct racer;
typedef void (*race_fn)(struct racer *me);

struct racer {
  int i; /* 0..N-1 */
  char etag[64]; /* what this racer read before the start (race_read) */
  struct rc rc;
  pthread_t thread;
  race_fn fn;
  void *ctx;
  /* outcome of a single write; or counters for loops */
  long status;
  char code[48];
  bool replayed;
  char id[32];
  int successes, conflicts;
};

static struct racer racers[N];
static pthread_barrier_t start_line;
static const char *race_read; /* a path each racer GETs before the start: its ETag is the racer's If-Match */

static void *racer_main(void *arg) {
  struct racer *me = arg;
  if (race_read) {
    struct rc_resp r;
    rc_get(&me->rc, agents[me->i], race_read, &r);
    if (r.status != 200) __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
    snprintf(me->etag, sizeof me->etag, "%s", r.etag);
    rc_resp_free(&r);
  }
  pthread_barrier_wait(&start_line);
  me->fn(me);
  return NULL;
}

/* Every racer read the same version. */
static void assert_same_read(const char *etag) {
  for (int i = 0; i < N; i++) assert_string_equal(racers[i].etag, etag);
}

/* Runs fn in N threads released together (after each read race_read, if set). */
static void race(race_fn fn, void *ctx) {
  pthread_barrier_init(&start_line, NULL, N);
  for (int i = 0; i < N; i++) {
    struct racer *r = &racers[i];
    struct rc keep = r->rc;
    memset(r, 0, sizeof *r);
    r->rc = keep;
    r->i = i;
    r->fn = fn;
    r->ctx = ctx;
    assert_int_equal(pthread_create(&r->thread, NULL, racer_main, r), 0);
  }
  for (int i = 0; i < N; i++) pthread_join(racers[i].thread, NULL);
  pthread_barrier_destroy(&start_line);
}

/* One write by a racer: records status, problem code, replay flag and the id in the answer. */
static void racer_send(struct racer *me, const char *token, const char *method, const char *path,
                       const char *if_match, const char *key, const char *body) {
  struct rc_resp r;
  rc_send(&me->rc, method, token, path, if_match, key, body, &r);
  me->status = r.status;
  snprintf(me->code, sizeof me->code, "%s", rj_str(r.json, "code") ? rj_str(r.json, "code") : "");
  me->replayed = strcmp(r.replayed, "true") == 0;
  snprintf(me->id, sizeof me->id, "%s", rj_str(r.json, "id") ? rj_str(r.json, "id") : "");
  if (r.status == 0 || r.status >= 500) {
    __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "test_race: %s %s: HTTP %ld %s%.300s\n", method, path, r.status, r.error, r.body);
  }
  rc_resp_free(&r);
}

/* Counts the racers' outcomes: how many answered `ok_status`, how many the
 * conflict status with `conflict_code`; every racer must be one of the two. */
static void tally(long ok_status, long conflict_status, const char *conflict_code, int want_ok) {
  int ok = 0, conflict = 0;
  for (int i = 0; i < N; i++) {
    if (racers[i].status == ok_status)
      ok++;
    else if (racers[i].status == conflict_status && strcmp(racers[i].code, conflict_code) == 0)
      conflict++;
    else
      print_error("racer %d: HTTP %ld %s\n", i, racers[i].status, racers[i].code);
  }
  assert_int_equal(ok, want_ok);
  assert_int_equal(conflict, N - want_ok);
}

/* ---- scenarios ---- */

struct target {
  char path[160], etag[64], body[300];
};

static void race_patch(struct racer *me) {
  struct target *t = me->ctx;
  racer_send(me, agents[me->i], "PATCH", t->path, me->etag, NULL, t->body);
}

static void test_32_patches_same_version_one_wins(void **state) {
  (void)state;
  char acc[32];
  fresh_account(acc, NULL);
  json_t *a = get("/v1/accounts/%s", acc);
  long long v0 = rj_int(a, "version");
  bool marketing = json_is_true(json_object_get(a, "marketing_consent"));
  json_decref(a);
  struct target t;
  snprintf(t.path, sizeof t.path, "/v1/accounts/%s", acc);
  snprintf(t.etag, sizeof t.etag, "\"%lld\"", v0);
  snprintf(t.body, sizeof t.body, "{\"marketing_consent\": %s, \"reason\": \"race\"}", marketing ? "false" : "true");
  long long before = audit_entries();
  race_read = t.path; /* each racer reads the account, then all write */
  race(race_patch, &t);
  race_read = NULL;
  assert_same_read(t.etag);
  tally(200, 412, "precondition_failed", 1);
  a = get("/v1/accounts/%s", acc);
  assert_int_equal(rj_int(a, "version"), v0 + 1);
  assert_int_equal(json_is_true(json_object_get(a, "marketing_consent")), !marketing);
  json_decref(a);
  assert_int_equal(audit_entries(), before + 1);
}

/* t->path is /v1/requests/{id}/<action>: each racer has read /v1/requests/{id} */
static void race_request_write(struct racer *me) {
  struct target *t = me->ctx;
  racer_send(me, agents[me->i], "POST", t->path, me->etag, NULL, t->body);
}

/* Races fn with every racer reading the resource `path` names first (its
 * first three segments after /v1: /v1/requests/{id}, /v1/holds/{id}). */
static void race_after_reading(race_fn fn, struct target *t) {
  char read[160];
  snprintf(read, sizeof read, "%s", t->path);
  char *p = read;
  for (int slashes = 0; *p; p++)
    if (*p == '/' && ++slashes == 4) break;
  *p = '\0';
  race_read = read;
  race(fn, t);
  race_read = NULL;
  assert_same_read(t->etag);
}

static void test_32_transitions_one_wins(void **state) {
  (void)state;
  struct target t;
  char id[32];
  new_request(id, t.etag, NULL, NULL);
  snprintf(t.path, sizeof t.path, "/v1/requests/%s/transition", id);
  snprintf(t.body, sizeof t.body, "{\"to\": \"verifying\"}");
  long long before = audit_entries();
  race_after_reading(race_request_write, &t);
  tally(200, 412, "precondition_failed", 1);
  json_t *q = get("/v1/requests/%s", id);
  assert_string_equal(rj_str(q, "status"), "verifying");
  assert_int_equal(rj_int(q, "version"), 2);
  json_decref(q);
  assert_int_equal(audit_entries(), before + 1);
}

static void race_take(struct racer *me) {
  struct target *t = me->ctx;
  char body[64];
  snprintf(body, sizeof body, "{\"assignee\": \"%s\"}", agent_names[me->i]);
  racer_send(me, agents[me->i], "POST", t->path, me->etag, NULL, body);
}

static void test_32_agents_take_one_request(void **state) {
  (void)state;
  struct target t;
  char id[32];
  new_request(id, t.etag, NULL, NULL);
  snprintf(t.path, sizeof t.path, "/v1/requests/%s/assign", id);
  long long before = audit_entries();
  race_after_reading(race_take, &t);
  tally(200, 412, "precondition_failed", 1);
  int winner = -1;
  for (int i = 0; i < N; i++)
    if (racers[i].status == 200) winner = i;
  json_t *q = get("/v1/requests/%s", id);
  assert_string_equal(rj_str(q, "assignee"), agent_names[winner]);
  json_decref(q);
  assert_int_equal(audit_entries(), before + 1);
}

static void test_32_erasure_completions_one_wins(void **state) {
  (void)state;
  struct target t;
  char id[32], acc[32], email[256];
  new_request(id, t.etag, acc, email);
  step(id, t.etag, "transition", "{\"to\": \"verifying\"}");
  step(id, t.etag, "verify", "{\"method\": \"document\", \"note\": \"\"}");
  step(id, t.etag, "transition", "{\"to\": \"in_progress\"}");
  snprintf(t.path, sizeof t.path, "/v1/requests/%s/complete", id);
  snprintf(t.body, sizeof t.body, "{\"confirm\": \"%s\"}", email);
  long long before = audit_entries();
  race_after_reading(race_request_write, &t);
  tally(200, 412, "precondition_failed", 1);
  json_t *q = get("/v1/requests/%s", id);
  assert_string_equal(rj_str(q, "status"), "completed");
  json_decref(q);
  json_t *c = get("/v1/audit?action=request.complete&account_id=%s", acc);
  assert_int_equal(json_array_size(json_object_get(c, "items")), 1);
  json_decref(c);
  assert_int_equal(audit_entries(), before + 1);
}

static void race_release(struct racer *me) {
  struct target *t = me->ctx;
  racer_send(me, supervisors[me->i], "POST", t->path, t->etag[0] ? me->etag : NULL, NULL, t->body);
}

static void place_hold(struct target *t) {
  char acc[32];
  fresh_account(acc, NULL);
  char path[96];
  snprintf(path, sizeof path, "/v1/accounts/%s/holds", acc);
  json_t *h = write_ok(srv.supervisor, "POST", path, NULL,
                       "{\"reason\": \"race\", \"case_ref\": \"R-1\", \"categories\": [\"*\"]}", 201, t->etag);
  snprintf(t->path, sizeof t->path, "/v1/holds/%s/release", rj_str(h, "id"));
  snprintf(t->body, sizeof t->body, "{\"reason\": \"settled\"}");
  json_decref(h);
}

static void test_32_hold_releases_one_wins(void **state) {
  (void)state;
  struct target t;
  place_hold(&t);
  long long before = audit_entries();
  race_after_reading(race_release, &t); /* with If-Match: the losers' version is stale */
  tally(200, 412, "precondition_failed", 1);
  assert_int_equal(audit_entries(), before + 1);
  place_hold(&t);
  t.etag[0] = '\0';
  before = audit_entries();
  race(race_release, &t); /* without: the state machine refuses a second release */
  tally(200, 409, "invalid_transition", 1);
  assert_int_equal(audit_entries(), before + 1);
}

static void race_note(struct racer *me) {
  struct target *t = me->ctx;
  char body[96];
  snprintf(body, sizeof body, "{\"text\": \"race note %d\"}", me->i);
  racer_send(me, agents[me->i], "POST", t->path, NULL, NULL, body);
}

static void test_32_notes_none_lost(void **state) {
  (void)state;
  struct target t;
  char id[32];
  new_request(id, t.etag, NULL, NULL);
  snprintf(t.path, sizeof t.path, "/v1/requests/%s/notes", id);
  long long before = audit_entries();
  race(race_note, &t);
  for (int i = 0; i < N; i++) assert_int_equal(racers[i].status, 201);
  json_t *q = get("/v1/requests/%s", id);
  int notes = 0;
  bool seen[N] = {false};
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(q, "timeline"), i, e) {
    int k;
    if (strcmp(rj_str(e, "kind"), "note") == 0 && sscanf(rj_str(e, "text"), "race note %d", &k) == 1 && k >= 0 &&
        k < N && !seen[k]) {
      seen[k] = true;
      notes++;
    }
  }
  assert_int_equal(notes, N);
  assert_int_equal(rj_int(q, "version"), 1 + N);
  json_decref(q);
  assert_int_equal(audit_entries(), before + N);
}

enum { ROUNDS = 4 };

/* Read, then write with If-Match; on 412 read again: ROUNDS successes each. */
static void race_rmw_patch(struct racer *me) {
  struct target *t = me->ctx;
  while (me->successes < ROUNDS) {
    struct rc_resp r;
    rc_get(&me->rc, agents[me->i], t->path, &r);
    if (r.status != 200) {
      __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
      fprintf(stderr, "test_race: GET %s: HTTP %ld %s\n", t->path, r.status, r.error);
      rc_resp_free(&r);
      return;
    }
    char etag[64], body[96];
    snprintf(etag, sizeof etag, "%s", r.etag);
    snprintf(body, sizeof body, "{\"marketing_consent\": %s, \"reason\": \"toggle\"}",
             json_is_true(json_object_get(r.json, "marketing_consent")) ? "false" : "true");
    rc_resp_free(&r);
    racer_send(me, agents[me->i], "PATCH", t->path, etag, NULL, body);
    if (me->status == 200)
      me->successes++;
    else if (me->status == 412)
      me->conflicts++;
    else
      return;
  }
}

static void race_rmw_transition(struct racer *me) {
  struct target *t = me->ctx;
  char path[200];
  snprintf(path, sizeof path, "%s/transition", t->path);
  while (me->successes < ROUNDS) {
    struct rc_resp r;
    rc_get(&me->rc, agents[me->i], t->path, &r);
    if (r.status != 200) {
      __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
      rc_resp_free(&r);
      return;
    }
    char etag[64], body[64];
    snprintf(etag, sizeof etag, "%s", r.etag);
    snprintf(body, sizeof body, "{\"to\": \"%s\"}",
             strcmp(rj_str(r.json, "status"), "waiting") == 0 ? "in_progress" : "waiting");
    rc_resp_free(&r);
    racer_send(me, agents[me->i], "POST", path, etag, NULL, body);
    if (me->status == 200)
      me->successes++;
    else if (me->status == 412)
      me->conflicts++;
    else
      return;
  }
}

static void test_read_modify_write_loops_lose_nothing(void **state) {
  (void)state;
  /* the account's consent, toggled N x ROUNDS times */
  char acc[32];
  fresh_account(acc, NULL);
  json_t *a = get("/v1/accounts/%s", acc);
  long long v0 = rj_int(a, "version");
  bool m0 = json_is_true(json_object_get(a, "marketing_consent"));
  json_decref(a);
  struct target t;
  snprintf(t.path, sizeof t.path, "/v1/accounts/%s", acc);
  long long before = audit_entries();
  race(race_rmw_patch, &t);
  int total = 0, conflicts = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(racers[i].successes, ROUNDS);
    total += racers[i].successes;
    conflicts += racers[i].conflicts;
  }
  a = get("/v1/accounts/%s", acc);
  assert_int_equal(rj_int(a, "version"), v0 + total);
  assert_int_equal(json_is_true(json_object_get(a, "marketing_consent")), total % 2 ? !m0 : m0);
  json_decref(a);
  assert_int_equal(audit_entries(), before + total);
  print_message("# %d PATCHes applied, %d answered 412 and were retried\n", total, conflicts);
  /* a request between in_progress and waiting */
  char id[32], etag[64];
  new_request(id, etag, NULL, NULL);
  step(id, etag, "transition", "{\"to\": \"verifying\"}");
  step(id, etag, "transition", "{\"to\": \"in_progress\"}");
  snprintf(t.path, sizeof t.path, "/v1/requests/%s", id);
  before = audit_entries();
  race(race_rmw_transition, &t);
  total = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(racers[i].successes, ROUNDS);
    total += racers[i].successes;
  }
  json_t *q = get("/v1/requests/%s", id);
  assert_int_equal(rj_int(q, "version"), 3 + total); /* created 1, verifying 2, in_progress 3 */
  assert_string_equal(rj_str(q, "status"), total % 2 ? "waiting" : "in_progress");
  json_decref(q);
  assert_int_equal(audit_entries(), before + total);
}

static void race_same_key(struct racer *me) {
  struct target *t = me->ctx;
  racer_send(me, srv.agent, "POST", "/v1/requests", NULL, "race-same-key-1", t->body);
}

static void test_32_creates_with_one_key_make_one_request(void **state) {
  (void)state;
  char acc[32];
  fresh_account(acc, NULL);
  struct target t;
  snprintf(t.body, sizeof t.body, "{\"account_id\": \"%s\", \"type\": \"access\"}", acc);
  long long before = audit_entries();
  race(race_same_key, &t);
  int fresh = 0, replayed = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(racers[i].status, 201);
    assert_string_equal(racers[i].id, racers[0].id);
    if (racers[i].replayed)
      replayed++;
    else
      fresh++;
  }
  assert_int_equal(fresh, 1);
  assert_int_equal(replayed, N - 1);
  json_t *l = get("/v1/requests?account_id=%s", acc);
  assert_int_equal(json_array_size(json_object_get(l, "items")), 1);
  json_decref(l);
  assert_int_equal(audit_entries(), before + 1);
}

/* Independent writes at once: 32 full erasure workflows on 32 accounts. */
struct own {
  char account[32], email[256];
};
static struct own owns[N];

static void race_workflow(struct racer *me) {
  struct own *o = &owns[me->i];
  char body[300], path[160], etag[64];
  snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"erasure\"}", o->account);
  struct rc_resp r;
  rc_send(&me->rc, "POST", agents[me->i], "/v1/requests", NULL, NULL, body, &r);
  if (r.status != 201) {
    __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
    fprintf(stderr, "test_race: create: HTTP %ld %s%.200s\n", r.status, r.error, r.body);
    rc_resp_free(&r);
    return;
  }
  char id[32];
  snprintf(id, sizeof id, "%s", rj_str(r.json, "id"));
  snprintf(etag, sizeof etag, "%s", r.etag);
  rc_resp_free(&r);
  static const char *const steps[][2] = {{"transition", "{\"to\": \"verifying\"}"},
                                         {"verify", "{\"method\": \"document\", \"note\": \"\"}"},
                                         {"transition", "{\"to\": \"in_progress\"}"},
                                         {"notes", "{\"text\": \"done\"}"},
                                         {"complete", NULL}};
  for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
    snprintf(path, sizeof path, "/v1/requests/%s/%s", id, steps[s][0]);
    if (steps[s][1])
      snprintf(body, sizeof body, "%s", steps[s][1]);
    else
      snprintf(body, sizeof body, "{\"confirm\": \"%s\"}", o->email);
    rc_send(&me->rc, "POST", agents[me->i], path, etag, NULL, body, &r);
    bool ok = r.status == 200 || r.status == 201;
    if (!ok) {
      __atomic_add_fetch(&server_errors, 1, __ATOMIC_RELAXED);
      fprintf(stderr, "test_race: %s: HTTP %ld %s%.200s\n", path, r.status, r.error, r.body);
    }
    snprintf(etag, sizeof etag, "%s", r.etag);
    rc_resp_free(&r);
    if (!ok) return;
    me->successes++;
  }
  me->successes++; /* the create */
}

static void test_32_independent_erasures_all_succeed(void **state) {
  (void)state;
  for (int i = 0; i < N; i++) fresh_account(owns[i].account, owns[i].email);
  long long before = audit_entries();
  race(race_workflow, NULL);
  int total = 0;
  for (int i = 0; i < N; i++) {
    assert_int_equal(racers[i].successes, 6);
    total += racers[i].successes;
  }
  assert_int_equal(audit_entries(), before + total);
  for (int i = 0; i < N; i++) {
    json_t *a = get("/v1/accounts/%s", owns[i].account);
    assert_string_not_equal(rj_str(a, "status"), "active");
    json_decref(a);
  }
}

/* Counts the store errors in one instance's stderr. */
static int store_errors_in(const struct pd_test_server *s) {
  char path[PATH_MAX + 32], line[2048];
  snprintf(path, sizeof path, "%s/stderr.log", s->dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int store_errors = 0;
  while (fgets(line, sizeof line, f))
    if (strstr(line, "privdeskd: store:") || strstr(line, "database is locked")) {
      print_error("%s", line);
      store_errors++;
    }
  fclose(f);
  return store_errors;
}

/* No 5xx and no transport error in any race; no store error on stderr. */
static void test_no_server_errors(void **state) {
  (void)state;
  assert_int_equal(server_errors, 0);
  int store_errors = store_errors_in(&srv);
  for (int k = 1; k < PD_RACE_INSTANCES; k++) store_errors += store_errors_in(&others[k]);
  assert_int_equal(store_errors, 0);
  for (int k = 0; k < PD_RACE_INSTANCES; k++) { /* every instance sees the same intact chain */
    struct rc c;
    rc_init(&c, urls[k]);
    struct rc_resp r;
    rc_get(&c, srv.viewer, "/v1/audit/verify", &r);
    assert_int_equal(r.status, 200);
    assert_true(json_is_true(json_object_get(r.json, "ok")));
    rc_resp_free(&r);
    rc_cleanup(&c);
  }
}

/* Adds staff users with `privdeskd user add`, four processes at a time. */
enum { N_SUPERVISORS = 8, N_ADDERS = 4 };
static int add_failures;

static void *add_users(void *arg) {
  int k = (int)(intptr_t)arg;
  for (int i = k; i < N + N_SUPERVISORS; i += N_ADDERS) {
    char name[32];
    bool agent = i < N;
    if (agent)
      snprintf(agent_names[i], sizeof agent_names[i], "agent%02d", i);
    else
      snprintf(name, sizeof name, "super%02d", i - N);
    const char *add[] = {"user", "add", agent ? agent_names[i] : name, "--role", agent ? "agent" : "supervisor",
                         "--quiet", NULL};
    char *token = agent ? agents[i] : supervisors[i - N];
    if (pd_test_privdeskd_run(&srv, token, PD_TEST_TOKEN_MAX, add) != 0) __atomic_add_fetch(&add_failures, 1, __ATOMIC_RELAXED);
  }
  return NULL;
}

static int setup(void **state) {
  (void)state;
  rc_global_init();
  struct pd_test_server_opts o = {.seed_accounts = 400, .seed_requests = 20, .seed = 13, .threads = 16};
  if (pd_test_server_start(&srv, &o) != 0) return -1;
  urls[0] = srv.url;
  for (int k = 1; k < PD_RACE_INSTANCES; k++) {
    if (pd_test_server_start_instance(&others[k], &srv, NULL) != 0) return -1;
    urls[k] = others[k].url;
  }
  pthread_t adders[N_ADDERS];
  for (int k = 0; k < N_ADDERS; k++) pthread_create(&adders[k], NULL, add_users, (void *)(intptr_t)k);
  for (int k = 0; k < N_ADDERS; k++) pthread_join(adders[k], NULL);
  if (add_failures) return -1;
  for (int i = N_SUPERVISORS; i < N; i++) snprintf(supervisors[i], sizeof supervisors[i], "%s", supervisors[i % N_SUPERVISORS]);
  rc_init(&main_rc, srv.url);
  for (int i = 0; i < N; i++) rc_init(&racers[i].rc, urls[i % PD_RACE_INSTANCES]);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  for (int i = 0; i < N; i++) rc_cleanup(&racers[i].rc);
  rc_cleanup(&main_rc);
  json_decref(fresh_page);
  int reports = 0;
  for (int k = 1; k < PD_RACE_INSTANCES; k++) {
    pd_test_server_kill(&others[k], false);
    reports += pd_test_server_sanitizer_reports(&others[k]);
    pd_test_server_stop(&others[k]);
  }
  pd_test_server_kill(&srv, false);
  reports += pd_test_server_sanitizer_reports(&srv);
  if (reports) srv.keep_dir = true;
  pd_test_server_stop(&srv);
  return reports ? -1 : 0;
}

int main(void) {
  if (PD_RACE_INSTANCES > 1) { /* several instances share a database only on PostgreSQL */
    const char *why = pd_test_pg_unavailable();
    if (why) {
      printf("1..0 # SKIP %s\n", why);
      return 0;
    }
    setenv("PRIVDESK_TEST_STORE", "postgresql", 1);
  }
  const struct CMUnitTest tests[] = {
      {"32 PATCHes with If-Match of the same version: one 200, 31 x 412" ACROSS, test_32_patches_same_version_one_wins,
       NULL, NULL, NULL},
      {"32 transitions of one request from the same version: one 200, 31 x 412" ACROSS, test_32_transitions_one_wins, NULL,
       NULL, NULL},
      {"32 agents take the same request: one 200 (the assignee), 31 x 412" ACROSS, test_32_agents_take_one_request, NULL,
       NULL, NULL},
      {"32 completions of one erasure: one 200, 31 x 412, one request.complete" ACROSS, test_32_erasure_completions_one_wins,
       NULL, NULL, NULL},
      {"32 releases of one hold: one 200, 31 x 412 with If-Match, 31 x 409 without" ACROSS, test_32_hold_releases_one_wins,
       NULL, NULL, NULL},
      {"32 notes on one request at once: all 32 kept, version +32, audit +32" ACROSS, test_32_notes_none_lost, NULL, NULL,
       NULL},
      {"read-modify-write loops with If-Match (PATCH, transitions): no lost update" ACROSS, test_read_modify_write_loops_lose_nothing,
       NULL, NULL, NULL},
      {"32 creates with one Idempotency-Key: one request, 31 replays of it" ACROSS, test_32_creates_with_one_key_make_one_request,
       NULL, NULL, NULL},
      {"32 erasure workflows on 32 accounts at once: all succeed" ACROSS, test_32_independent_erasures_all_succeed, NULL, NULL,
       NULL},
      {"no 5xx, no transport error, no store error (SQLITE_BUSY) on stderr; audit chain verifies" ACROSS, test_no_server_errors,
       NULL, NULL, NULL},
  };
  return cmocka_run_group_tests_name(PD_RACE_INSTANCES > 1 ? "32 clients racing across 3 privdeskd on PostgreSQL"
                                                            : "32 clients racing", tests, setup, teardown);
}
