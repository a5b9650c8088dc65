/* Crash safety: privdeskd is killed with SIGKILL at random moments while
 * client threads drive erasure workflows through the API, every write with an
 * Idempotency-Key. Each workflow owns one fresh account and walks it through
 * eleven writes:
 *
 *   create an erasure request, note, assign (take), PATCH the account's
 *   marketing consent, place a hold (supervisor), transition to verifying,
 *   verify identity, transition to in_progress, note, release the hold
 *   (supervisor), complete the erasure (typed confirmation)
 *
 * A write is acknowledged when its 2xx answer arrived; one cut by the kill is
 * "in doubt". After each kill, with the server down, the database passes
 * PRAGMA integrity_check; the server is started again on it and, before any
 * client retries, every workflow touched since the last check is read back
 * through the API (the request, its timeline, the account, its holds, its
 * inventory and its audit entries):
 *   - every acknowledged write is applied, with exactly one audit entry;
 *   - an in-doubt write is applied entirely or not at all: its audit entry,
 *     its effect (the request's status, assignee, notes, the account's
 *     consent, the hold, the whole erasure of the inventory) and its
 *     idempotency record agree;
 *   - the audit chain verifies and holds exactly the set-up entries plus one
 *     per applied write.
 * Then the client retries its in-doubt write with the same key and body: it
 * must answer 2xx, replayed (Idempotent-Replayed: true) exactly when the
 * write had been applied, and the next check must count it once.
 *
 * Time is bounded: kills go on for PD_CRASH_SECONDS (default 20; 15 when
 * PRIVDESK_SANITIZED is set), then the clients finish the workflows they
 * started without kills, the server stops normally and everything is checked
 * once more. The kill schedule and the clients' choices come from a seed,
 * printed in the TAP output; PD_CRASH_SEED=<n> replays it (timing still
 * varies). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "server/store.h"
#include "server/store_sqlite_int.h"
#include "tests/harness/server.h"
#include "tests/reliability/crash.h"
#include "tests/reliability/rclient.h"

/* ---- steps of a workflow ---- */

const char *const step_names[N_STEPS] = {"create",       "note",         "assign", "patch",
                                         "hold.place",   "to verifying", "verify", "to in_progress",
                                         "note",         "hold.release", "complete"};
/* the audit action each step appends */
const char *const step_action[N_STEPS] = {
    "request.create",     "request.note",   "request.assign",     "account.update",
    "hold.place",         "request.transition", "request.verify", "request.transition",
    "request.note",       "hold.release",   "request.complete"};
const long step_status[N_STEPS] = {201, 201, 200, 200, 201, 200, 200, 200, 201, 200, 200};

const char *const actions[N_ACTIONS] = {"request.create", "request.note",       "request.assign",
                                        "account.update", "hold.place",         "request.transition",
                                        "request.verify", "hold.release",       "request.complete"};
int action_index(const char *a) {
  for (int i = 0; i < N_ACTIONS; i++)
    if (a && strcmp(a, actions[i]) == 0) return i;
  return -1;
}


/* ---- shared state ---- */

enum phase { RUN, HOLD, STOP };
pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static enum phase phase = RUN;
static int busy, epoch;
static bool no_new_workflows;

struct pd_test_server srv;
struct wf *wfs;
int n_wfs;
static int n_clients;
static uint64_t seed;
char run_tag[16];
long long audit_entries0;

/* ---- violations, by the guarantee they break ---- */

static int violations[N_VKINDS];
static char first_msgs[N_VKINDS][4][400];

void violation(enum vkind k, const char *fmt, ...) {
  char msg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&mu);
  if (violations[k] < 4) snprintf(first_msgs[k][violations[k]], sizeof first_msgs[k][0], "%s", msg);
  violations[k]++;
  pthread_mutex_unlock(&mu);
  fprintf(stderr, "test_crash: %s\n", msg);
}

static void assert_no_violations(enum vkind k) {
  for (int i = 0; i < violations[k] && i < 4; i++) print_error("%s\n", first_msgs[k][i]);
  assert_int_equal(violations[k], 0);
}

/* ---- statistics for the TAP output ---- */
int checks, integrity_checks, doubt_applied, doubt_not_applied;
static int kills, acked_writes, replays_checked;
static double run_seconds;

/* xorshift64* */
static uint64_t rnd(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* ---- client side ---- */

/* Waits while the server is down; false when the run stops. */
static bool begin_busy(int *seen_epoch) {
  pthread_mutex_lock(&mu);
  while (phase == HOLD) pthread_cond_wait(&cv, &mu);
  bool go = phase == RUN;
  if (go) {
    busy++;
    *seen_epoch = epoch;
  }
  pthread_mutex_unlock(&mu);
  return go;
}

/* Ends a request; true when a kill is under way or happened since it began. */
static bool end_busy(int seen_epoch) {
  pthread_mutex_lock(&mu);
  bool killed = phase == HOLD || epoch != seen_epoch;
  busy--;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  return killed;
}

static void etag_copy(char *dst, const struct rc_resp *r) { snprintf(dst, 64, "%s", r->etag); }

/* A read for the workflow's own use (not a tracked write): retried across kills. */
static bool wf_get(struct rc *c, int *my_epoch, const char *path, struct rc_resp *out) {
  for (;;) {
    int e;
    if (!begin_busy(&e)) return false;
    if (e != *my_epoch) { /* the server was restarted, on a new port */
      rc_cleanup(c);
      rc_init(c, srv.url);
      *my_epoch = e;
    }
    rc_get(c, srv.viewer, path, out);
    bool killed = end_busy(e);
    if (out->status == 200) return true;
    if (out->status == 0 && killed) {
      rc_resp_free(out);
      continue;
    }
    violation(V_INFRA, "GET %s: HTTP %ld %s%.200s", path, out->status, out->error, out->body);
    rc_resp_free(out);
    return false;
  }
}

/* Builds step s of w: method, path, token, If-Match, body. */
struct call {
  const char *method, *token;
  char path[160], if_match[64], key[80], body[700];
};

static void build(const struct wf *w, enum step s, struct call *c) {
  memset(c, 0, sizeof *c);
  c->method = "POST";
  c->token = srv.agent;
  snprintf(c->key, sizeof c->key, "crash-%s-w%d-s%d", run_tag, w->idx, (int)s);
  switch (s) {
  case S_CREATE:
    snprintf(c->path, sizeof c->path, "/v1/requests");
    snprintf(c->body, sizeof c->body, "{\"account_id\": \"%s\", \"type\": \"erasure\", \"priority\": \"urgent\"}",
             w->account);
    break;
  case S_NOTE1:
  case S_NOTE2:
    snprintf(c->path, sizeof c->path, "/v1/requests/%s/notes", w->request);
    snprintf(c->body, sizeof c->body, "{\"text\": \"crash test %s workflow %d note %d\"}", run_tag, w->idx,
             s == S_NOTE1 ? 1 : 2);
    break;
  case S_ASSIGN:
    snprintf(c->path, sizeof c->path, "/v1/requests/%s/assign", w->request);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->req_etag);
    snprintf(c->body, sizeof c->body, "{\"assignee\": \"alice\"}");
    break;
  case S_PATCH:
    c->method = "PATCH";
    snprintf(c->path, sizeof c->path, "/v1/accounts/%s", w->account);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->acct_etag);
    snprintf(c->body, sizeof c->body, "{\"marketing_consent\": %s, \"reason\": \"customer called\"}",
             w->marketing_before ? "false" : "true");
    break;
  case S_HOLD:
    c->token = srv.supervisor;
    snprintf(c->path, sizeof c->path, "/v1/accounts/%s/holds", w->account);
    snprintf(c->body, sizeof c->body,
             "{\"reason\": \"chargeback\", \"case_ref\": \"CR-%s-%d\", \"categories\": [\"usage_logs\"]}", run_tag,
             w->idx);
    break;
  case S_TO_VERIFYING:
  case S_TO_IN_PROGRESS:
    snprintf(c->path, sizeof c->path, "/v1/requests/%s/transition", w->request);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->req_etag);
    snprintf(c->body, sizeof c->body, "{\"to\": \"%s\"}", s == S_TO_VERIFYING ? "verifying" : "in_progress");
    break;
  case S_VERIFY:
    snprintf(c->path, sizeof c->path, "/v1/requests/%s/verify", w->request);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->req_etag);
    snprintf(c->body, sizeof c->body, "{\"method\": \"document\", \"note\": \"passport\"}");
    break;
  case S_RELEASE:
    c->token = srv.supervisor;
    snprintf(c->path, sizeof c->path, "/v1/holds/%s/release", w->hold);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->hold_etag);
    snprintf(c->body, sizeof c->body, "{\"reason\": \"dispute settled\"}");
    break;
  case S_COMPLETE:
    snprintf(c->path, sizeof c->path, "/v1/requests/%s/complete", w->request);
    snprintf(c->if_match, sizeof c->if_match, "%s", w->req_etag);
    snprintf(c->body, sizeof c->body, "{\"confirm\": \"%s\"}", w->email);
    break;
  default: break;
  }
}

/* Takes what a successful answer tells (ids, ETags). */
static void absorb(struct wf *w, enum step s, const struct rc_resp *r) {
  switch (s) {
  case S_CREATE:
    snprintf(w->request, sizeof w->request, "%s", rj_str(r->json, "id") ? rj_str(r->json, "id") : "");
    etag_copy(w->req_etag, r);
    break;
  case S_HOLD:
    snprintf(w->hold, sizeof w->hold, "%s", rj_str(r->json, "id") ? rj_str(r->json, "id") : "");
    etag_copy(w->hold_etag, r);
    break;
  case S_PATCH:
  case S_RELEASE: break;
  default: etag_copy(w->req_etag, r); break;
  }
}

/* Performs step s until it is answered (across kills). False when the
 * workflow cannot go on. */
static bool do_step(struct rc *c, int *my_epoch, struct wf *w, enum step s) {
  if (s == S_PATCH && !w->acct_etag[0]) {
    char path[96];
    snprintf(path, sizeof path, "/v1/accounts/%s", w->account);
    struct rc_resp r;
    if (!wf_get(c, my_epoch, path, &r)) return false;
    etag_copy(w->acct_etag, &r);
    rc_resp_free(&r);
  }
  struct call call;
  build(w, s, &call);
  for (;;) {
    int e;
    if (!begin_busy(&e)) return false;
    if (e != *my_epoch) { /* the server was restarted, on a new port */
      rc_cleanup(c);
      rc_init(c, srv.url);
      *my_epoch = e;
    }
    struct rc_resp r;
    rc_do(c,
          &(struct rc_req){.method = call.method, .path = call.path, .token = call.token, .body = call.body,
                           .if_match = call.if_match[0] ? call.if_match : NULL, .idem_key = call.key},
          &r);
    bool ok = r.status == step_status[s];
    if (ok) {
      bool replayed = strcmp(r.replayed, "true") == 0;
      if (w->in_doubt && w->checked) {
        __atomic_add_fetch(&replays_checked, 1, __ATOMIC_RELAXED);
        if (replayed != w->doubt_applied)
          violation(V_DOUBLE, "workflow %d step %s: the retry was %sreplayed but the write had %sbeen applied", w->idx,
                    step_names[s], replayed ? "" : "not ", w->doubt_applied ? "" : "not ");
        if (s == S_CREATE && w->request[0] && rj_str(r.json, "id") && strcmp(w->request, rj_str(r.json, "id")) != 0)
          violation(V_DOUBLE, "workflow %d: the retried create answered %s, the store holds %s", w->idx,
                    rj_str(r.json, "id"), w->request);
      } else if (replayed) {
        violation(V_DOUBLE, "workflow %d step %s: replayed on its first answer", w->idx, step_names[s]);
      }
      if (!w->in_doubt) __atomic_add_fetch(&acked_writes, 1, __ATOMIC_RELAXED);
      absorb(w, s, &r);
      w->in_doubt = false;
      w->checked = false;
      w->next = s + 1;
      w->touched = true;
    } else if (r.status == 0) {
      w->in_doubt = true;
      w->checked = false;
      w->touched = true;
    }
    long status = r.status;
    char err[512];
    snprintf(err, sizeof err, "%s%.200s", r.error, r.body);
    rc_resp_free(&r);
    bool killed = end_busy(e);
    if (ok) return true;
    if (status == 0 && killed) continue; /* retried once the server is back and checked */
    violation(V_INFRA, "workflow %d step %s: HTTP %ld (want %ld) %s%s", w->idx, step_names[s], status, step_status[s],
              err, status == 0 ? " (no kill was under way)" : "");
    w->broken = true;
    return false;
  }
}

/* Reads the account, its e-mail, consent and audit baseline. */
static bool wf_start(struct rc *c, int *my_epoch, struct wf *w) {
  char path[160];
  snprintf(path, sizeof path, "/v1/accounts/%s", w->account);
  struct rc_resp r;
  if (!wf_get(c, my_epoch, path, &r)) return false;
  snprintf(w->email, sizeof w->email, "%s", rj_str(r.json, "email") ? rj_str(r.json, "email") : "");
  w->marketing_before = json_is_true(json_object_get(r.json, "marketing_consent"));
  rc_resp_free(&r);
  snprintf(path, sizeof path, "/v1/audit?account_id=%s&limit=200", w->account);
  if (!wf_get(c, my_epoch, path, &r)) return false;
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(r.json, "items"), i, e) {
    int a = action_index(rj_str(e, "action"));
    if (a >= 0) w->audit_base[a]++;
  }
  rc_resp_free(&r);
  snprintf(path, sizeof path, "/v1/requests?account_id=%s&limit=200", w->account);
  if (!wf_get(c, my_epoch, path, &r)) return false;
  json_array_foreach(json_object_get(r.json, "items"), i, e) {
    if (w->n_old_requests < 8) snprintf(w->old_requests[w->n_old_requests++], 32, "%s", rj_str(e, "id"));
  }
  rc_resp_free(&r);
  pthread_mutex_lock(&mu);
  w->started = true;
  pthread_mutex_unlock(&mu);
  return true;
}

struct client {
  int id;
  pthread_t thread;
};

static void *client_main(void *arg) {
  struct client *cl = arg;
  struct rc c;
  rc_init(&c, srv.url);
  int my_epoch = -1;
  for (int i = cl->id; i < n_wfs; i += n_clients) {
    pthread_mutex_lock(&mu);
    bool stop = no_new_workflows || phase == STOP;
    pthread_mutex_unlock(&mu);
    if (stop) break;
    struct wf *w = &wfs[i];
    if (!wf_start(&c, &my_epoch, w)) break;
    for (int s = 0; s < N_STEPS; s++)
      if (!do_step(&c, &my_epoch, w, (enum step)s)) break;
  }
  rc_cleanup(&c);
  return NULL;
}

/* ---- the run ---- */

static bool sanitized(void) { return getenv("PRIVDESK_SANITIZED") && *getenv("PRIVDESK_SANITIZED"); }

static int getenv_int(const char *name, int dflt) {
  const char *v = getenv(name);
  return v && *v ? atoi(v) : dflt;
}

static void load_fresh_accounts(struct rc *c, int want) {
  char cursor[512] = "", path[700];
  while (n_wfs < want) {
    snprintf(path, sizeof path, "/v1/accounts?limit=200%s%s", cursor[0] ? "&cursor=" : "", cursor);
    struct rc_resp r;
    rc_get(c, srv.viewer, path, &r);
    if (r.status != 200) {
      rc_resp_free(&r);
      break;
    }
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(r.json, "items"), i, a) {
      if (n_wfs >= want) break;
      if (strcmp(rj_str(a, "status"), "active") != 0 || rj_int(a, "active_holds") || rj_int(a, "open_requests"))
        continue;
      struct wf *w = &wfs[n_wfs];
      memset(w, 0, sizeof *w);
      w->idx = n_wfs++;
      snprintf(w->account, sizeof w->account, "%s", rj_str(a, "id"));
    }
    const char *next = rj_str(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    rc_resp_free(&r);
    if (!cursor[0]) break;
  }
}

static bool server_alive(void) {
  int status;
  return srv.pid > 0 && waitpid(srv.pid, &status, WNOHANG) == 0;
}

static void test_crash_cycles(void **state) {
  (void)state;
  rc_global_init();
  seed = (uint64_t)getenv_int("PD_CRASH_SEED", 20261129);
  int secs = getenv_int("PD_CRASH_SECONDS", sanitized() ? 15 : 20);
  n_clients = getenv_int("PD_CRASH_CLIENTS", 8);
  int max_wfs = getenv_int("PD_CRASH_WORKFLOWS", 600);
  snprintf(run_tag, sizeof run_tag, "%" PRIx64, seed & 0xffffff);
  print_message("# seed %" PRIu64 " (PD_CRASH_SEED=%" PRIu64 " replays the kill schedule), %d s of kills, %d clients\n",
                seed, seed, secs, n_clients);
  struct pd_test_server_opts o = {.seed_accounts = max_wfs + 100, .seed_requests = 30, .seed = 11};
  assert_int_equal(pd_test_server_start(&srv, &o), 0);
  struct rc c;
  rc_init(&c, srv.url);
  wfs = calloc((size_t)max_wfs, sizeof *wfs);
  assert_non_null(wfs);
  load_fresh_accounts(&c, max_wfs);
  assert_true(n_wfs >= n_clients * 4);
  struct rc_resp r;
  rc_get(&c, srv.viewer, "/v1/audit/verify", &r);
  assert_int_equal(r.status, 200);
  audit_entries0 = rj_int(r.json, "entries");
  rc_resp_free(&r);

  struct client *clients = calloc((size_t)n_clients, sizeof *clients);
  for (int i = 0; i < n_clients; i++) {
    clients[i].id = i;
    assert_int_equal(pthread_create(&clients[i].thread, NULL, client_main, &clients[i]), 0);
  }
  uint64_t rng = seed;
  double t0 = rc_now();
  int min_ms = sanitized() ? 150 : 60, span_ms = sanitized() ? 700 : 400;
  while (rc_now() - t0 < secs) {
    rc_sleep_ms(min_ms + (long)(rnd(&rng) % (uint64_t)span_ms));
    if (!server_alive()) {
      violation(V_INFRA, "privdeskd exited by itself (see %s/stderr.log)", srv.dir);
      srv.pid = 0;
    }
    pthread_mutex_lock(&mu);
    phase = HOLD;
    pthread_mutex_unlock(&mu);
    pd_test_server_kill(&srv, true); /* SIGKILL, and reaped */
    kills++;
    pthread_mutex_lock(&mu);
    while (busy > 0) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    char when[64];
    snprintf(when, sizeof when, "after kill %d", kills);
    integrity_check(when);
    /* a new port each time: a test running beside this one may have taken the old one */
    if (pd_test_server_restart_new_port(&srv) != 0) {
      violation(V_INFRA, "privdeskd did not start again after kill %d (see %s/stderr.log)", kills, srv.dir);
      break;
    }
    rc_cleanup(&c);
    rc_init(&c, srv.url);
    check_all(&c, false, true);
    pthread_mutex_lock(&mu);
    phase = RUN;
    epoch++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
  }
  /* no more kills: the clients finish what they started */
  pthread_mutex_lock(&mu);
  no_new_workflows = true;
  if (violations[V_INFRA]) phase = STOP;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
  for (int i = 0; i < n_clients; i++) pthread_join(clients[i].thread, NULL);
  free(clients);
  run_seconds = rc_now() - t0;
  if (srv.pid) check_all(&c, true, false);
  rc_cleanup(&c);
  pd_test_server_kill(&srv, false); /* a normal stop */
  integrity_check("after the final stop");
  int started = 0, completed = 0;
  for (int i = 0; i < n_wfs; i++) {
    started += wfs[i].started;
    completed += wfs[i].next == N_STEPS;
  }
  print_message("# %d kills in %.1f s; %d workflows started, %d erasures completed; %d acknowledged writes; "
                "%d in-doubt writes found applied, %d not applied; %d retries checked; %d checks, %d integrity checks\n",
                kills, run_seconds, started, completed, acked_writes, doubt_applied, doubt_not_applied,
                replays_checked, checks, integrity_checks);
  if (pd_test_server_sanitizer_reports(&srv)) violation(V_INFRA, "sanitizer report in %s/stderr.log", srv.dir);
  assert_no_violations(V_INFRA);
  assert_true(kills >= 3);
}

static void test_acked_writes_survive(void **state) {
  (void)state;
  assert_true(acked_writes > 0);
  assert_no_violations(V_ACKED);
}

static void test_in_doubt_all_or_nothing(void **state) {
  (void)state;
  assert_no_violations(V_HALF);
}

static void test_retry_applies_once(void **state) {
  (void)state;
  assert_no_violations(V_DOUBLE);
}

static void test_chain(void **state) {
  (void)state;
  assert_true(checks > 0);
  assert_no_violations(V_CHAIN);
}

static void test_integrity(void **state) {
  (void)state;
  assert_true(integrity_checks >= kills);
  assert_no_violations(V_INTEGRITY);
}

static void test_workflows_complete(void **state) {
  (void)state;
  int started = 0;
  for (int i = 0; i < n_wfs; i++) {
    if (!wfs[i].started) continue;
    started++;
    if (wfs[i].next != N_STEPS)
      violation(V_FINAL, "workflow %d stopped before %s", wfs[i].idx, step_names[wfs[i].next]);
  }
  assert_true(started >= n_clients);
  assert_no_violations(V_FINAL);
}

/* The durability decision (docs/RELIABILITY.md): every store connection runs
 * in WAL mode with synchronous=FULL, so an acknowledged write is on disk
 * (fsync of the WAL at commit), not only in the page cache. */
static void test_store_durability_settings(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  char dir[4096], full[4200], err[256];
  snprintf(dir, sizeof dir, "%s/pd-durability.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(dir));
  snprintf(full, sizeof full, "%s/d.db", dir);
  struct store *s = store_open(full, 0, err, sizeof err);
  assert_non_null(s);
  struct store_conn *c = store_conn_get(s);
  assert_non_null(c);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(sqlite_conn_of(c)->db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  assert_int_equal(sqlite3_prepare_v2(sqlite_conn_of(c)->db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 2); /* FULL */
  sqlite3_finalize(st);
  /* bulk mode (seeding only) relaxes it; switching back restores FULL */
  store_set_bulk_mode(c, true);
  store_set_bulk_mode(c, false);
  assert_int_equal(sqlite3_prepare_v2(sqlite_conn_of(c)->db, "PRAGMA synchronous", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 2);
  sqlite3_finalize(st);
  store_close(s);
  char cmd[4300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static int teardown(void **state) {
  (void)state;
  bool failed = false;
  for (int k = 0; k < N_VKINDS; k++) failed |= violations[k] > 0;
  if (failed) {
    srv.keep_dir = true;
    fprintf(stderr, "test_crash: the server's files stay in %s\n", srv.dir);
  }
  pd_test_server_stop(&srv);
  free(wfs);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      {"store connections run journal_mode=WAL with synchronous=FULL", test_store_durability_settings, NULL, NULL, NULL},
      {"SIGKILL at random moments while clients drive erasure workflows with Idempotency-Keys", test_crash_cycles,
       NULL, NULL, NULL},
      {"every acknowledged write survives SIGKILL, with exactly one audit entry", test_acked_writes_survive, NULL,
       NULL, NULL},
      {"an unacknowledged write is applied entirely or not at all (state and audit entry agree)",
       test_in_doubt_all_or_nothing, NULL, NULL, NULL},
      {"retrying an unacknowledged write with its key applies it once (replayed iff it was applied)",
       test_retry_applies_once, NULL, NULL, NULL},
      {"audit chain verifies after every restart: set-up entries + one per applied write", test_chain, NULL, NULL,
       NULL},
      {"PRAGMA integrity_check ok after every SIGKILL and after the final stop", test_integrity, NULL, NULL, NULL},
      {"every started workflow ends with its erasure completed", test_workflows_complete, NULL, NULL, NULL},
  };
  return cmocka_run_group_tests_name("crash safety under SIGKILL", tests, NULL, teardown);
}
