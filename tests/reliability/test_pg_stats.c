/* /v1/stats on the PostgreSQL store reads the counters that migration 2
 * (server/store_pg.c) keeps with triggers, never the requests table:
 *   - after every kind of write (each workflow step over HTTP, priority and
 *     due date changed in SQL, a delete, rolled-back writes) the counter
 *     tables equal a GROUP BY over requests, and store_stats (and /v1/stats)
 *     answer what the former GROUP BY query of pg_stats answers;
 *   - the statements pg_stats runs never touch requests: their generic plans
 *     (EXPLAIN EXECUTE of the connection's prepared statements) and the
 *     table's scan counters in the transaction say so;
 *   - writers on several connections at once (single statements, and
 *     transactions under the write lock as privdeskd takes it, some rolled
 *     back) leave the counters exact, without a deadlock;
 *   - migrating a database that has requests counts them.
 * Starts a throwaway PostgreSQL server (tests/harness/pg.h) and one
 * privdeskd on it; skipped when no PostgreSQL server can run here. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "server/arena.h"
#include "server/domain/dates.h"
#include "server/store.h"
#include "server/store_pg_int.h"
#include "tests/harness/pg.h"
#include "tests/harness/server.h"
#include "tests/reliability/rclient.h"

static struct pd_test_server srv;
static struct rc client;
static struct store *store;    /* the server's database, opened in this process */
static struct store_conn *conn; /* its connection (this thread's) */
static PGconn *ref;            /* the test's own connection, for reference counts */

/* ---- reference figures ---- */

static PGresult *sql(PGconn *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static PGresult *sql(PGconn *db, const char *fmt, ...) {
  char text[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  PGresult *r = PQexec(db, text);
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) fail_msg("%s: %s", text, PQresultErrorMessage(r));
  return r;
}

static long long sql_int(PGconn *db, const char *text) {
  PGresult *r = sql(db, "%s", text);
  long long v = PQntuples(r) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
  PQclear(r);
  return v;
}

/* Rows in which the counter tables and a GROUP BY over requests differ,
 * plus rows whose count is 0 or less (they should have been deleted). */
static const char counters_diff[] =
    "WITH want_rc AS (SELECT status COLLATE \"C\" AS status, priority COLLATE \"C\" AS priority,"
    "    assignee IS NOT NULL AS assigned, coalesce(assignee, '') COLLATE \"C\" AS assignee, count(*) AS n"
    "    FROM requests GROUP BY 1, 2, 3, 4),"
    "  have_rc AS (SELECT status, priority, assigned, assignee, n FROM request_counts),"
    "  want_due AS (SELECT due_at, count(*) AS n FROM requests WHERE is_open GROUP BY due_at),"
    "  have_due AS (SELECT due_at, n FROM open_due_counts)"
    " SELECT (SELECT count(*) FROM (SELECT * FROM want_rc EXCEPT ALL SELECT * FROM have_rc) a)"
    "  + (SELECT count(*) FROM (SELECT * FROM have_rc EXCEPT ALL SELECT * FROM want_rc) b)"
    "  + (SELECT count(*) FROM (SELECT * FROM want_due EXCEPT ALL SELECT * FROM have_due) c)"
    "  + (SELECT count(*) FROM (SELECT * FROM have_due EXCEPT ALL SELECT * FROM want_due) d)"
    "  + (SELECT count(*) FROM request_counts WHERE n <= 0) + (SELECT count(*) FROM open_due_counts WHERE n <= 0)";

/* What pg_stats computed before the counters: GROUP BY and FILTERs over requests. */
static void reference_stats(int64_t now, const char *user, struct st_stats *out) {
  memset(out, 0, sizeof *out);
  PGresult *r = sql(ref, "SELECT status, count(*) FROM requests GROUP BY status");
  for (int i = 0; i < PQntuples(r); i++) {
    int s = pd_status_parse(PQgetvalue(r, i, 0));
    if (s >= 0) out->open_by_status[s] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
  }
  PQclear(r);
  pd_date today = pd_date_of(now);
  int64_t e[6] = {now, pd_end_of_day(today)};
  const int days[] = {3, 7, 14, 30};
  for (int i = 0; i < 4; i++) e[2 + i] = pd_end_of_day(pd_date_add_days(today, days[i]));
  char who[64];
  snprintf(who, sizeof who, "%s", user ? user : "");
  r = sql(ref,
          "SELECT count(*) FILTER (WHERE due_at < %" PRId64 "),"
          " count(*) FILTER (WHERE due_at >= %" PRId64 " AND due_at <= %" PRId64 "),"
          " count(*) FILTER (WHERE due_at > %" PRId64 " AND due_at <= %" PRId64 "),"
          " count(*) FILTER (WHERE due_at > %" PRId64 " AND due_at <= %" PRId64 "),"
          " count(*) FILTER (WHERE due_at > %" PRId64 " AND due_at <= %" PRId64 "),"
          " count(*) FILTER (WHERE due_at > %" PRId64 " AND due_at <= %" PRId64 "),"
          " count(*) FILTER (WHERE due_at > %" PRId64 "),"
          " count(*) FILTER (WHERE priority = 'urgent'), count(*) FILTER (WHERE assignee IS NULL),"
          " count(*) FILTER (WHERE assignee = '%s') FROM requests WHERE is_open",
          e[0], e[0], e[1], e[1], e[2], e[2], e[3], e[3], e[4], e[4], e[5], e[5], who);
  for (int i = 0; i < 7; i++) out->buckets[i] = strtoll(PQgetvalue(r, 0, i), NULL, 10);
  out->overdue = out->buckets[0];
  out->urgent = strtoll(PQgetvalue(r, 0, 7), NULL, 10);
  out->unassigned = strtoll(PQgetvalue(r, 0, 8), NULL, 10);
  out->mine = user ? strtoll(PQgetvalue(r, 0, 9), NULL, 10) : 0;
  out->due_within_7_days = out->buckets[1] + out->buckets[2] + out->buckets[3];
  PQclear(r);
}

static void store_stats_at(int64_t now, const char *user, struct st_stats *out) {
  assert_int_equal(store_begin_read(conn), ST_OK);
  assert_int_equal(store_stats(conn, now, user, out), ST_OK);
  assert_int_equal(store_commit(conn), ST_OK);
}

static void assert_stats_equal(const struct st_stats *got, const struct st_stats *want, const char *what) {
  for (int i = 0; i < PD_STATUS_COUNT; i++)
    if (got->open_by_status[i] != want->open_by_status[i])
      fail_msg("%s: %s: %" PRId64 ", want %" PRId64, what, pd_status_name((enum pd_status)i), got->open_by_status[i],
               want->open_by_status[i]);
  for (int i = 0; i < 7; i++)
    if (got->buckets[i] != want->buckets[i])
      fail_msg("%s: bucket %d: %" PRId64 ", want %" PRId64, what, i, got->buckets[i], want->buckets[i]);
  const int64_t g[] = {got->overdue, got->due_within_7_days, got->urgent, got->unassigned, got->mine};
  const int64_t w[] = {want->overdue, want->due_within_7_days, want->urgent, want->unassigned, want->mine};
  static const char *const names[] = {"overdue", "due_within_7_days", "urgent", "unassigned", "mine"};
  for (int i = 0; i < 5; i++)
    if (g[i] != w[i]) fail_msg("%s: %s: %" PRId64 ", want %" PRId64, what, names[i], g[i], w[i]);
}

/* The counters are exact, and store_stats answers as the GROUP BY query at
 * times that put the requests in every bucket (and as several users). */
static void check(const char *after) {
  long long diff = sql_int(ref, counters_diff);
  if (diff != 0) fail_msg("after %s: %lld counter rows differ from a count over requests", after, diff);
  int64_t now = (int64_t)time(NULL);
  const int64_t offsets[] = {0, -45 * 86400, -20 * 86400, -6 * 86400, 5 * 86400, 40 * 86400};
  const char *users[] = {"alice", "bob", NULL};
  for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++)
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
      struct st_stats got, want;
      store_stats_at(now + offsets[i], users[u], &got);
      reference_stats(now + offsets[i], users[u], &want);
      char what[160];
      snprintf(what, sizeof what, "after %s, now%+" PRId64 " s, user %s", after, offsets[i], users[u] ? users[u] : "-");
      assert_stats_equal(&got, &want, what);
    }
}

/* GET /v1/stats equals store_stats at the same time (taken again when a
 * second boundary that matters passed meanwhile). */
static void check_http(const char *after) {
  for (int attempt = 0; attempt < 3; attempt++) {
    struct st_stats before, later;
    int64_t t0 = (int64_t)time(NULL);
    store_stats_at(t0, "alice", &before);
    struct rc_resp r;
    rc_get(&client, srv.agent, "/v1/stats", &r);
    if (r.status != 200) fail_msg("GET /v1/stats: HTTP %ld %s", r.status, r.body);
    store_stats_at((int64_t)time(NULL), "alice", &later);
    if (memcmp(&before, &later, sizeof before) != 0) {
      rc_resp_free(&r);
      continue;
    }
    char what[128];
    snprintf(what, sizeof what, "GET /v1/stats after %s", after);
    struct st_stats http = {0};
    json_t *open = json_object_get(r.json, "open"), *closed = json_object_get(r.json, "closed");
    for (int i = 0; i < PD_STATUS_COUNT; i++) {
      json_t *in = pd_status_is_open((enum pd_status)i) ? open : closed;
      http.open_by_status[i] = json_integer_value(json_object_get(in, pd_status_name((enum pd_status)i)));
    }
    json_t *buckets = json_object_get(r.json, "by_days_left");
    for (int i = 0; i < 7; i++) http.buckets[i] = json_integer_value(json_object_get(json_array_get(buckets, (size_t)i), "count"));
    http.overdue = rj_int(r.json, "overdue");
    http.due_within_7_days = rj_int(r.json, "due_within_7_days");
    http.urgent = rj_int(r.json, "urgent");
    http.unassigned = rj_int(r.json, "unassigned");
    http.mine = rj_int(r.json, "mine");
    rc_resp_free(&r);
    assert_stats_equal(&http, &before, what);
    return;
  }
  fail_msg("the statistics kept changing while read");
}

/* ---- writes ---- */

struct req_state {
  char id[32], etag[64];
};

static void write_step(struct req_state *q, const char *action, const char *body, long want) {
  char path[128];
  snprintf(path, sizeof path, "/v1/requests/%s/%s", q->id, action);
  struct rc_resp r;
  rc_send(&client, "POST", srv.supervisor, path, q->etag, NULL, body, &r);
  if (r.status != want) fail_msg("POST %s: HTTP %ld, want %ld: %s", path, r.status, want, r.body);
  snprintf(q->etag, sizeof q->etag, "%s", r.etag);
  rc_resp_free(&r);
  check(action);
}

/* An active account without holds or open requests. */
static void fresh_account(char id[32]) {
  static int handed_out;
  struct rc_resp r;
  rc_get(&client, srv.viewer, "/v1/accounts?limit=200", &r);
  assert_int_equal(r.status, 200);
  json_t *items = json_object_get(r.json, "items");
  int seen = 0;
  for (size_t i = 0; i < json_array_size(items); i++) {
    json_t *a = json_array_get(items, i);
    if (strcmp(rj_str(a, "status"), "active") != 0 || rj_int(a, "active_holds") || rj_int(a, "open_requests")) continue;
    if (seen++ < handed_out) continue;
    handed_out++;
    snprintf(id, 32, "%s", rj_str(a, "id"));
    rc_resp_free(&r);
    return;
  }
  fail_msg("no fresh account left");
}

static void create_request(struct req_state *q, const char *type, const char *priority) {
  char account[32], body[256];
  fresh_account(account);
  snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"%s\", \"priority\": \"%s\"%s}", account, type,
           priority, strcmp(type, "rectification") == 0 ? ", \"details\": {\"field\": \"name\", \"value\": \"New Name\"}" : "");
  struct rc_resp r;
  rc_send(&client, "POST", srv.agent, "/v1/requests", NULL, NULL, body, &r);
  if (r.status != 201) fail_msg("POST /v1/requests: HTTP %ld: %s", r.status, r.body);
  snprintf(q->id, sizeof q->id, "%s", rj_str(r.json, "id"));
  snprintf(q->etag, sizeof q->etag, "%s", r.etag);
  rc_resp_free(&r);
  check("creating a request");
}

static void test_counters_after_every_kind_of_write(void **state) {
  (void)state;
  check("seeding");
  check_http("seeding");
  struct req_state a;
  create_request(&a, "access", "normal");
  write_step(&a, "transition", "{\"to\": \"verifying\"}", 200);
  write_step(&a, "verify", "{\"method\": \"document\", \"note\": \"\"}", 200);
  write_step(&a, "transition", "{\"to\": \"in_progress\"}", 200);
  write_step(&a, "assign", "{\"assignee\": \"alice\"}", 200);
  check_http("assigning");
  write_step(&a, "assign", "{\"assignee\": \"bob\"}", 200);
  write_step(&a, "assign", "{\"assignee\": null}", 200);
  write_step(&a, "transition", "{\"to\": \"waiting\"}", 200);
  write_step(&a, "transition", "{\"to\": \"in_progress\"}", 200);
  write_step(&a, "assign", "{\"assignee\": \"alice\"}", 200);
  char before[32], after[32], q[256];
  snprintf(q, sizeof q, "SELECT due_at FROM requests WHERE id = '%s'", a.id);
  snprintf(before, sizeof before, "%lld", sql_int(ref, q));
  write_step(&a, "extend", "{\"reason\": \"complex request: many systems to search\"}", 200);
  snprintf(after, sizeof after, "%lld", sql_int(ref, q));
  assert_string_not_equal(before, after); /* the extension moved the due date */
  check_http("extending");
  write_step(&a, "complete", "{}", 200);
  check_http("completing");

  struct req_state b;
  create_request(&b, "rectification", "urgent");
  write_step(&b, "assign", "{\"assignee\": \"bob\"}", 200);
  write_step(&b, "reject", "{\"reason\": \"withdrawn by the customer\"}", 200);

  /* priority, due date and assignee changed by SQL, one at a time */
  struct req_state c;
  create_request(&c, "access", "normal");
  PQclear(sql(ref, "UPDATE requests SET priority = 'urgent' WHERE id = '%s'", c.id));
  check("a priority change");
  PQclear(sql(ref, "UPDATE requests SET due_at = due_at + 86400 * 9 WHERE id = '%s'", c.id));
  check("a due date change");
  PQclear(sql(ref, "UPDATE requests SET due_at = due_at - 86400 * 60 WHERE id = '%s'", c.id));
  check("a due date moved into the past");
  PQclear(sql(ref, "UPDATE requests SET assignee = 'carol', status = 'waiting' WHERE id = '%s'", c.id));
  check("a status and assignee change in one statement");
  PQclear(sql(ref, "UPDATE requests SET version = version + 1 WHERE id = '%s'", c.id));
  check("an update that moves no count");

  /* a rolled-back write through the store: counters as before */
  struct arena ar;
  arena_init(&ar);
  struct st_stats was, now_;
  int64_t t = (int64_t)time(NULL);
  store_stats_at(t, "alice", &was);
  struct st_request rq;
  assert_int_equal(store_begin_write(conn), ST_OK);
  assert_int_equal(store_request_get(conn, &ar, c.id, &rq), ST_OK);
  rq.status = PD_ST_COMPLETED;
  rq.priority = PD_PRIO_NORMAL;
  rq.assignee = "alice";
  rq.due_at += 86400 * 30;
  rq.version++;
  assert_int_equal(store_request_update(conn, &rq), ST_OK);
  assert_int_equal(store_rollback(conn), ST_OK);
  arena_free(&ar);
  store_stats_at(t, "alice", &now_);
  assert_stats_equal(&now_, &was, "after a rolled-back update");
  check("a rolled-back update");
  PQclear(sql(ref, "BEGIN; DELETE FROM timeline WHERE request_pk = (SELECT pk FROM requests WHERE id = '%s');"
                   "DELETE FROM requests WHERE id = '%s'; ROLLBACK",
              c.id, c.id));
  check("a rolled-back delete");

  /* a delete, of an open request and of a closed one */
  PQclear(sql(ref, "BEGIN; DELETE FROM timeline WHERE request_pk IN (SELECT pk FROM requests WHERE id IN ('%s', '%s'));"
                   "DELETE FROM exports WHERE request_pk IN (SELECT pk FROM requests WHERE id IN ('%s', '%s'));"
                   "DELETE FROM requests WHERE id IN ('%s', '%s'); COMMIT",
              c.id, a.id, c.id, a.id, c.id, a.id));
  check("deletes");
  check_http("deletes");
}

/* ---- plans ---- */

static void test_stats_never_reads_the_requests_table(void **state) {
  (void)state;
  /* a connection of its own, so that its prepared statements are pg_stats' only */
  char err[256];
  struct store *s = store_open(srv.db, STORE_NO_MIGRATE, err, sizeof err);
  if (!s) fail_msg("opening the store: %s", err);
  struct st_stats st;
  struct store_conn *sc = store_conn_get(s);
  assert_non_null(sc);
  PGconn *db = pg_conn_of(sc)->db;
  assert_int_equal(store_begin_read(sc), ST_OK);
  assert_int_equal(store_stats(sc, (int64_t)time(NULL), "alice", &st), ST_OK);
  /* the scans of this transaction so far, per table */
  PGresult *r = sql(db, "SELECT relname, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables"
                        " WHERE relname IN ('requests', 'request_counts', 'open_due_counts') ORDER BY relname");
  long long scans[3] = {0, 0, 0}; /* open_due_counts, request_counts, requests */
  for (int i = 0; i < PQntuples(r); i++) {
    const char *name = PQgetvalue(r, i, 0);
    int k = strcmp(name, "open_due_counts") == 0 ? 0 : strcmp(name, "request_counts") == 0 ? 1 : 2;
    scans[k] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
  }
  PQclear(r);
  assert_int_equal(store_commit(sc), ST_OK);
  if (scans[2] != 0) fail_msg("pg_stats scanned the requests table %lld times", scans[2]);
  assert_true(scans[0] > 0 && scans[1] > 0); /* the view counts: the counters were read */

  /* the generic plan of every statement the connection prepared */
  PQclear(sql(db, "SET plan_cache_mode = force_generic_plan"));
  r = sql(db, "SELECT name, coalesce(array_length(parameter_types, 1), 0), statement FROM pg_prepared_statements");
  int n = PQntuples(r);
  assert_true(n >= 2);
  for (int i = 0; i < n; i++) {
    char text[512];
    int params = atoi(PQgetvalue(r, i, 1));
    int len = snprintf(text, sizeof text, "EXPLAIN (FORMAT JSON) EXECUTE %s", PQgetvalue(r, i, 0));
    for (int k = 0; k < params; k++) len += snprintf(text + len, sizeof text - (size_t)len, "%s'0'", k ? ", " : "(");
    if (params) snprintf(text + len, sizeof text - (size_t)len, ")");
    PGresult *plan = sql(db, "%s", text);
    const char *json = PQgetvalue(plan, 0, 0);
    if (strstr(json, "\"Relation Name\": \"requests\""))
      fail_msg("pg_stats' statement reads the requests table:\n%s\n%s", PQgetvalue(r, i, 2), json);
    if (!strstr(json, "\"Relation Name\": \"request_counts\"") && !strstr(json, "\"Relation Name\": \"open_due_counts\""))
      fail_msg("pg_stats' statement reads no counter table:\n%s\n%s", PQgetvalue(r, i, 2), json);
    PQclear(plan);
  }
  PQclear(r);
  store_close(s);
}

/* ---- concurrent writers ---- */

enum { WRITERS = 6, STATEMENTS_PER_WRITER = 300 };

/* How the writers write: each statement on its own (counter rows locked in
 * one order: no deadlock); transactions of several statements under the
 * write lock, as privdeskd's (serialised: no deadlock); and both mixed
 * with transactions that skip the lock (deadlocks possible, retried). */
enum writer_mode { SINGLE_STATEMENTS, HOT_FLIPS, LOCKED_TRANSACTIONS, MIXED };

/* HOT_FLIPS: single statements that move requests between two counter rows
 * of each table, both ways at once (the order of their locks matters). */
enum { HOT_REQUESTS = 40 };
static int64_t hot_due[2];

struct writer {
  int index;
  enum writer_mode mode;
  const char *uri;
  long long deadlocks, retries, inserted, errors;
  char error[512];
};

static const char *const statuses[] = {"new", "verifying", "in_progress", "waiting", "completed", "rejected"};
static const char *const assignees[] = {"NULL", "'alice'", "'bob'", "'carol'"};

static unsigned next_rand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return *s >> 8;
}

/* One random single-row write on a random request of the shared pool. */
static void random_statement(struct writer *w, unsigned *rng, char *out, size_t outsz) {
  unsigned pick = next_rand(rng) % 100;
  int64_t now = (int64_t)time(NULL);
  if (pick < 15) {
    int64_t due = pd_end_of_day(pd_date_add_days(pd_date_of(now), (int)(next_rand(rng) % 80) - 40));
    snprintf(out, outsz,
             "INSERT INTO requests (id, account_pk, type, regime, status, priority, received_at, due_at, extended,"
             " assignee, identity_verified, status_since, version, updated_at, created_at)"
             " SELECT 'cw-%d-%lld', (SELECT min(pk) FROM accounts), 'access', 'gdpr', '%s', '%s', %" PRId64 ", %" PRId64
             ", false, %s, false, %" PRId64 ", 1, %" PRId64 ", %" PRId64,
             w->index, w->inserted++, statuses[next_rand(rng) % 6], next_rand(rng) % 2 ? "urgent" : "normal", now, due,
             assignees[next_rand(rng) % 4], now, now, now);
    return;
  }
  /* the pool: the seeded requests and those the writers inserted; a random one by pk */
  const char *target = "pk = (SELECT pk FROM requests WHERE pk >= (SELECT min(pk) + floor(random() * (max(pk) - min(pk)"
                       " + 1))::bigint FROM requests) ORDER BY pk LIMIT 1)";
  if (pick < 20)
    snprintf(out, outsz, "DELETE FROM requests WHERE id LIKE 'cw-%%' AND %s", target);
  else if (pick < 45)
    snprintf(out, outsz, "UPDATE requests SET status = '%s' WHERE %s", statuses[next_rand(rng) % 6], target);
  else if (pick < 60)
    snprintf(out, outsz, "UPDATE requests SET priority = '%s' WHERE %s", next_rand(rng) % 2 ? "urgent" : "normal",
             target);
  else if (pick < 80)
    snprintf(out, outsz, "UPDATE requests SET assignee = %s WHERE %s", assignees[next_rand(rng) % 4], target);
  else
    snprintf(out, outsz, "UPDATE requests SET due_at = due_at + 86400 * %d, status = '%s' WHERE %s",
             (int)(next_rand(rng) % 21) - 10, statuses[next_rand(rng) % 6], target);
}

static bool run_tx(struct writer *w, PGconn *db, const char *text) {
  for (int attempt = 0; attempt < 20; attempt++) {
    PGresult *r = PQexec(db, text);
    ExecStatusType st = PQresultStatus(r);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    bool deadlock = state && strcmp(state, "40P01") == 0, serial = state && strcmp(state, "40001") == 0;
    if (!ok && !deadlock && !serial && !w->error[0])
      snprintf(w->error, sizeof w->error, "%s: %s", text, PQresultErrorMessage(r));
    PQclear(r);
    if (PQtransactionStatus(db) != PQTRANS_IDLE) PQclear(PQexec(db, "ROLLBACK"));
    if (ok) return true;
    if (deadlock) w->deadlocks++;
    if (!deadlock && !serial) {
      w->errors++;
      return false;
    }
    w->retries++;
  }
  return false;
}

static void *writer_main(void *arg) {
  struct writer *w = arg;
  PGconn *db = PQconnectdb(w->uri);
  if (PQstatus(db) != CONNECTION_OK) {
    snprintf(w->error, sizeof w->error, "connecting: %s", PQerrorMessage(db));
    PQfinish(db);
    return NULL;
  }
  unsigned rng = 7919u * (unsigned)(w->index + 1);
  char text[6144], one[1400];
  for (int i = 0; i < STATEMENTS_PER_WRITER && !w->error[0]; i++) {
    if (w->mode == HOT_FLIPS) {
      /* both tables' rows, or (half of them) open_due_counts' alone */
      bool due_only = next_rand(&rng) % 2;
      snprintf(text, sizeof text,
               "UPDATE requests SET status = %s,"
               " due_at = CASE due_at WHEN %" PRId64 " THEN %" PRId64 " ELSE %" PRId64 " END WHERE id = 'hot-%u'",
               due_only ? "status" : "CASE status WHEN 'new' THEN 'waiting' ELSE 'new' END", hot_due[0], hot_due[1],
               hot_due[0], next_rand(&rng) % HOT_REQUESTS);
      run_tx(w, db, text);
      continue;
    }
    unsigned kind = w->mode == SINGLE_STATEMENTS ? 0 : w->mode == LOCKED_TRANSACTIONS ? 1 : next_rand(&rng) % 3;
    if (kind == 0) { /* one statement on its own */
      random_statement(w, &rng, text, sizeof text);
      run_tx(w, db, text);
      continue;
    }
    /* a transaction as privdeskd writes (the write lock first; kind 2: without it), several
     * statements, committed or rolled back */
    int len = kind == 1 ? snprintf(text, sizeof text, "BEGIN; SELECT pg_advisory_xact_lock(%lld);", (long long)PG_WRITE_LOCK)
                        : snprintf(text, sizeof text, "BEGIN;");
    int statements = 1 + (int)(next_rand(&rng) % 4);
    for (int k = 0; k < statements; k++) {
      random_statement(w, &rng, one, sizeof one);
      len += snprintf(text + len, sizeof text - (size_t)len, "%s;", one);
    }
    snprintf(text + len, sizeof text - (size_t)len, next_rand(&rng) % 4 ? "COMMIT" : "ROLLBACK");
    run_tx(w, db, text);
  }
  PQfinish(db);
  return NULL;
}

static void concurrent_round(enum writer_mode mode, const char *what) {
  struct writer w[WRITERS];
  pthread_t th[WRITERS];
  for (int i = 0; i < WRITERS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].index = i + WRITERS * (int)mode; /* distinct ids in every round */
    w[i].mode = mode;
    w[i].uri = srv.db;
    assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
  }
  long long deadlocks = 0, retries = 0;
  for (int i = 0; i < WRITERS; i++) {
    pthread_join(th[i], NULL);
    if (w[i].error[0]) fail_msg("%s: writer %d: %s", what, i, w[i].error);
    deadlocks += w[i].deadlocks;
    retries += w[i].retries;
  }
  printf("# %s: %d writers x %d: %lld retried (%lld deadlocks); %lld requests now\n", what, WRITERS,
         STATEMENTS_PER_WRITER, retries, deadlocks, sql_int(ref, "SELECT count(*) FROM requests"));
  if (mode != MIXED && deadlocks) fail_msg("%s: %lld deadlocks", what, deadlocks);
  check(what);
}

static void test_concurrent_writers_leave_exact_counters(void **state) {
  (void)state;
  concurrent_round(SINGLE_STATEMENTS, "single statements at once");
  int64_t now = (int64_t)time(NULL);
  for (int k = 0; k < 2; k++) hot_due[k] = pd_end_of_day(pd_date_add_days(pd_date_of(now), 10 + k));
  PQclear(sql(ref,
              "INSERT INTO requests (id, account_pk, type, regime, status, priority, received_at, due_at, extended,"
              " identity_verified, status_since, version, updated_at, created_at)"
              " SELECT 'hot-' || i, (SELECT min(pk) FROM accounts), 'access', 'gdpr',"
              " CASE WHEN i %% 2 = 0 THEN 'new' ELSE 'waiting' END, 'normal', %" PRId64 ","
              " CASE WHEN i %% 2 = 0 THEN %" PRId64 " ELSE %" PRId64 " END, false, false, %" PRId64 ", 1, %" PRId64
              ", %" PRId64 " FROM generate_series(0, %d) i",
              now, hot_due[0], hot_due[1], now, now, now, HOT_REQUESTS - 1));
  concurrent_round(HOT_FLIPS, "single statements moving requests both ways between two counter rows");
  concurrent_round(LOCKED_TRANSACTIONS, "transactions under the write lock at once");
  concurrent_round(MIXED, "statements, locked and unlocked transactions at once");
  check_http("concurrent writers");
}

/* ---- the migration ---- */

/* A database of the previous schema version with requests in it (migration 2
 * undone by hand): `privdeskd migrate` fills the counters from the rows. */
static void test_migration_counts_existing_requests(void **state) {
  (void)state;
  PQclear(sql(ref, "BEGIN;"
                   "DROP TRIGGER requests_counters_ins ON requests; DROP TRIGGER requests_counters_del ON requests;"
                   "DROP TRIGGER requests_counters_upd ON requests; DROP TRIGGER requests_counters_truncate ON requests;"
                   "DROP FUNCTION requests_counters_ins(), requests_counters_del(), requests_counters_upd(),"
                   "  requests_counters_truncate(), request_counts_add(text, text, text, integer),"
                   "  open_due_counts_add(bigint, integer);"
                   "DROP TABLE request_counts, open_due_counts;"
                   "DELETE FROM schema_migrations WHERE version = 2; COMMIT"));
  /* writes at version 1 */
  PQclear(sql(ref, "UPDATE requests SET status = 'waiting', due_at = due_at + 86400 WHERE pk %% 7 = 0 AND status = 'new'"));
  char out[256];
  const char *args[] = {"migrate", NULL};
  assert_int_equal(pd_test_privdeskd_run(&srv, out, sizeof out, args), 0);
  assert_non_null(strstr(out, "from version 1 to"));
  assert_true(sql_int(ref, "SELECT count(*) FROM request_counts") > 0);
  check("migrating a database with requests");
  create_request(&(struct req_state){{0}}, "access", "urgent"); /* the triggers are back */
}

/* ---- set-up ---- */

static int setup(void **state) {
  (void)state;
  rc_global_init();
  struct pd_test_server_opts o = {.seed_accounts = 300, .seed_requests = 120, .seed = 23, .threads = 4};
  if (pd_test_server_start(&srv, &o) != 0) return -1;
  rc_init(&client, srv.url);
  char err[256];
  store = store_open(srv.db, STORE_NO_MIGRATE, err, sizeof err);
  if (!store) {
    fprintf(stderr, "opening %s: %s\n", srv.db, err);
    return -1;
  }
  conn = store_conn_get(store);
  ref = PQconnectdb(srv.db);
  if (PQstatus(ref) != CONNECTION_OK) {
    fprintf(stderr, "connecting to %s: %s\n", srv.db, PQerrorMessage(ref));
    return -1;
  }
  return conn ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  PQfinish(ref);
  if (store) store_close(store);
  rc_cleanup(&client);
  pd_test_server_kill(&srv, false);
  int reports = pd_test_server_sanitizer_reports(&srv);
  if (reports) srv.keep_dir = true;
  pd_test_server_stop(&srv);
  return reports ? -1 : 0;
}

int main(void) {
  const char *why = pd_test_pg_unavailable();
  if (why) {
    printf("1..0 # SKIP %s\n", why);
    return 0;
  }
  setenv("PRIVDESK_TEST_STORE", "postgresql", 1);
  const struct CMUnitTest tests[] = {
      {"after every kind of write the counters equal a count over requests and stats answer as the GROUP BY query",
       test_counters_after_every_kind_of_write, NULL, NULL, NULL},
      {"the statements of /v1/stats never read the requests table (plans, scan counters)",
       test_stats_never_reads_the_requests_table, NULL, NULL, NULL},
      {"concurrent writers on six connections leave exact counters, without a deadlock",
       test_concurrent_writers_leave_exact_counters, NULL, NULL, NULL},
      {"migration 2 on a database with requests counts them", test_migration_counts_existing_requests, NULL, NULL,
       NULL},
  };
  return cmocka_run_group_tests_name("/v1/stats on PostgreSQL reads trigger-kept counters", tests, setup, teardown);
}
