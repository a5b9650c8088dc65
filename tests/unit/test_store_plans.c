/* Every query the store runs is served by an index: no full scan of a base
 * table, whatever the filters and sort (docs/api.md promises this at a
 * million accounts). The statements are captured with sqlite3_trace_v2 while
 * the real store functions run, then checked with EXPLAIN QUERY PLAN. Without
 * ANALYZE statistics the planner's choice does not depend on table sizes, so
 * a small database shows the plans a large one gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/store_fixture.h"
#include "server/domain/dates.h"
#include "server/domain/deadline.h"
#include "server/seed.h"
#include "server/store_sqlite_int.h"

enum { MAX_SQL = 4096 };

static char *captured[MAX_SQL];
static int n_captured;
static bool captured_overflow; /* more distinct statements than MAX_SQL: some went unchecked */
static char db_path[STORE_FIXTURE_PATH_MAX];
static struct store *store;

static void capture(const char *sql) {
  if (!sql || strncmp(sql, "SELECT", 6) != 0) return;
  for (int i = 0; i < n_captured; i++)
    if (strcmp(captured[i], sql) == 0) return;
  if (n_captured < MAX_SQL)
    captured[n_captured++] = strdup(sql);
  else
    captured_overflow = true;
}

static int on_trace(unsigned type, void *ctx, void *p, void *x) {
  (void)ctx;
  (void)x;
  if (type == SQLITE_TRACE_STMT) capture(sqlite3_sql((sqlite3_stmt *)p));
  return 0;
}

static int setup(void **state) {
  (void)state;
  store = store_fixture_open("plans", db_path);
  if (!store) return -1;
  struct seed_opts o = {.accounts = 300, .requests = 100, .seed = 3, .now = 1764374400};
  if (seed_run(store, &o) != 0) return -1;
  sqlite3_trace_v2(sqlite_conn_of(store_conn_get(store))->db, SQLITE_TRACE_STMT, on_trace, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_fixture_close(store, db_path);
  for (int i = 0; i < n_captured; i++) free(captured[i]);
  return 0;
}

/* Is name a table of the schema (not a subquery or a co-routine)? */
static bool is_base_table(sqlite3 *db, const char *name) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", -1, &st,
                                      NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

/* The plan of sql, one detail per line, into plan; the lines' parent ids into
 * parents and, when ids is not NULL, their own ids into ids. */
static int explain_ids(sqlite3 *db, const char *sql, char plan[8192], const char *details[64], int parents[64],
                       int ids[64]) {
  char *text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, text, -1, &st, NULL);
  sqlite3_free(text);
  if (rc != SQLITE_OK) fail_msg("cannot prepare:\n%s\n%s", sql, sqlite3_errmsg(db));
  plan[0] = '\0';
  size_t used = 0;
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n < 64) {
    const char *detail = (const char *)sqlite3_column_text(st, 3);
    size_t len = strlen(detail);
    if (used + len + 2 > 8192) break;
    memcpy(plan + used, detail, len + 1);
    details[n] = plan + used;
    if (ids) ids[n] = sqlite3_column_int(st, 0);
    parents[n] = sqlite3_column_int(st, 1);
    used += len + 1;
    n++;
  }
  sqlite3_finalize(st);
  return n;
}

static int explain(sqlite3 *db, const char *sql, char plan[8192], const char *details[64], int parents[64]) {
  return explain_ids(db, sql, plan, details, parents, NULL);
}

static void plan_text(const char *const *details, int n, char *out, size_t outsz) {
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    strncat(out, details[i], outsz - strlen(out) - 2);
    strncat(out, "\n", outsz - strlen(out) - 1);
  }
}

/* Tables whose size does not grow with the data: the /v1/stats counters
 * (one row per status, priority and staff member) may be read whole. */
static bool bounded_table(const char *name) { return strcmp(name, "request_counts") == 0; }

/* Is line i of a plan inside a correlated subquery (run once per row of the
 * query around it)? */
static bool in_correlated_subquery(const char *const *details, const int *ids, const int *parents, int n, int i) {
  for (int parent = parents[i], hops = 0; parent != 0 && hops < 64; hops++) {
    int k = 0;
    while (k < n && ids[k] != parent) k++;
    if (k == n) return false;
    if (strncmp(details[k], "CORRELATED ", 11) == 0) return true;
    parent = parents[k];
  }
  return false;
}

/* Does a SEARCH line look rows up first by a column of a handful of values
 * (is_open, status, priority, type)? Such a search reads a large share of the
 * table. A queue page may (it reads in index order and stops after limit + 1
 * rows); a subquery run for every row of another query may not: a count of
 * an account's open requests through (is_open=?) reads every open request,
 * for every account of the page. */
static bool search_by_few_values(const char *detail) {
  static const char *const columns[] = {"is_open=", "status=", "priority=", "type="};
  const char *cond = strstr(detail, " (");
  if (strncmp(detail, "SEARCH ", 7) != 0 || !cond) return false;
  for (size_t i = 0; i < sizeof columns / sizeof *columns; i++)
    if (strncmp(cond + 2, columns[i], strlen(columns[i])) == 0) return true;
  return false;
}

/* Does the sort at line i order rows read from an index of requests (a
 * sibling line reads one), rather than the limit + 1 rows each branch of a
 * merge yields, or the page joined to its rows by primary key? */
static bool sorts_index_rows(const char *const *details, const int *parents, int n, int i) {
  for (int k = 0; k < n; k++)
    if (k != i && parents[k] == parents[i] &&
        (strncmp(details[k], "SEARCH r USING ", 15) == 0 || strncmp(details[k], "SCAN r", 6) == 0) &&
        !strstr(details[k], "PRIMARY KEY"))
      return true;
  return false;
}

/* Fails with the plan when a base table is scanned without an index, or
 * when a queue page sorts rows it read from a large set: a page must read
 * limit + 1 rows in index order (the only sort allowed merges the branches
 * of a multi-valued filter, or orders the few requests of an id, an
 * account or a narrow e-mail prefix). */
static const char *plan_problem(sqlite3 *db, const char *sql, char *text, size_t textsz) {
  static char plan[8192];
  const char *details[64];
  int parents[64], ids[64];
  int n = explain_ids(db, sql, plan, details, parents, ids);
  bool queue = strstr(sql, "FROM requests r INDEXED BY requests_") != NULL;
  bool few_rows = strstr(sql, "INDEXED BY requests_account") || strstr(sql, "INDEXED BY sqlite_autoindex_requests_1") ||
                  strstr(sql, "INDEXED BY requests_email_");
  /* a page of the audit log in its primary key order (newest first) reads
   * limit + 1 rows from the end of the table: a SCAN that stops */
  bool sorts = false;
  for (int i = 0; i < n; i++) sorts |= strstr(details[i], "USE TEMP B-TREE") != NULL;
  bool rowid_page = strstr(sql, "FROM audit ") && strstr(sql, " ORDER BY seq DESC LIMIT ") && !sorts;
  const char *why = NULL;
  for (int i = 0; i < n && !why; i++) {
    const char *detail = details[i];
    if (strncmp(detail, "SCAN ", 5) == 0 && !strstr(detail, "USING INDEX") &&
        !strstr(detail, "USING COVERING INDEX") && !strstr(detail, "VIRTUAL TABLE")) {
      char name[64];
      sscanf(detail + 5, "%63s", name);
      if (is_base_table(db, name) && !bounded_table(name) && !(rowid_page && strcmp(name, "audit") == 0))
        why = "full table scan";
    }
    if (queue && !few_rows && strstr(detail, "USE TEMP B-TREE FOR ORDER BY") && sorts_index_rows(details, parents, n, i))
      why = "a queue page sorts what it read";
    if (!why && search_by_few_values(detail) && in_correlated_subquery(details, ids, parents, n, i))
      why = "a subquery run for every row reads by a column of a few values";
  }
  plan_text(details, n, text, textsz);
  return why;
}

static void assert_indexed(sqlite3 *db, const char *sql) {
  char text[8192];
  const char *why = plan_problem(db, sql, text, sizeof text);
  if (why) fail_msg("%s in:\n%s\nplan:\n%s", why, sql, text);
}

static void run_request_queries(void) {
  struct store_conn *c = store_conn_get(store);
  struct arena a;
  arena_init(&a);
  unsigned open = 0;
  for (int s = 0; s < PD_STATUS_COUNT; s++)
    if (pd_status_is_open((enum pd_status)s)) open |= 1u << s;
  const unsigned status_masks[] = {0, open, 1u << PD_ST_WAITING, (1u << PD_ST_COMPLETED) | (1u << PD_ST_REJECTED)};
  /* every combination of the filters, each sort, with and without a cursor */
  for (unsigned combo = 0; combo < 1u << 8; combo++)
    for (int sort = 0; sort < 4; sort++)
      for (int cursor = 0; cursor < 2; cursor++) {
        struct st_request_query q = {.priority = -1, .overdue = -1, .now = 1764374400, .limit = 50,
                                     .sort = (enum st_request_sort)sort};
        q.status_mask = status_masks[combo & 3];
        if (combo & 4) q.type_mask = 1u << PD_TYPE_ERASURE;
        if (combo & 8) q.assignee = "alice";
        if (combo & 16) q.priority = PD_PRIO_URGENT;
        if (combo & 32) q.overdue = 1;
        if (combo & 64) q.due_before = 1770000000;
        if (combo & 128) q.email_prefix = "ana";
        if (cursor) {
          q.has_after = true;
          q.after_key = 1760000000;
          q.after_id = "req_a";
        }
        struct st_request *items;
        int n;
        bool more;
        assert_int_equal(store_requests_list(c, &a, &q, &items, &n, &more), ST_OK);
        /* an e-mail prefix has two plans, chosen by how many requests it
         * matches; this small database only ever takes one of them */
        static char sql[8192];
        for (int drive_by_email = 0; q.email_prefix && drive_by_email < 2; drive_by_email++) {
          assert_true(st_requests_sql(&q, drive_by_email, sql, sizeof sql));
          capture(sql);
        }
      }
  struct st_request_query by_account = {.priority = -1, .overdue = -1, .account_rowid = 5, .limit = 50};
  struct st_request_query unassigned = {.priority = -1, .overdue = 0, .unassigned = true, .limit = 50};
  struct st_request_query by_id = {.priority = -1, .overdue = -1, .request_id = "req_x", .limit = 50};
  struct st_request *items;
  int n;
  bool more;
  assert_int_equal(store_requests_list(c, &a, &by_account, &items, &n, &more), ST_OK);
  assert_int_equal(store_requests_list(c, &a, &unassigned, &items, &n, &more), ST_OK);
  assert_int_equal(store_requests_list(c, &a, &by_id, &items, &n, &more), ST_OK);
  arena_free(&a);
}

static void run_other_queries(void) {
  struct store_conn *c = store_conn_get(store);
  struct arena a;
  arena_init(&a);
  const char *searches[] = {NULL, "acc_aaaaaaaaaaaaaaaa", "an", "ana.g", "García", "李"};
  for (size_t i = 0; i < sizeof searches / sizeof *searches; i++) {
    struct st_account_query q = {.q = searches[i], .limit = 50, .after_email = i % 2 ? "m" : NULL};
    struct st_account *items;
    int n;
    bool more;
    assert_int_equal(store_accounts_list(c, &a, &q, &items, &n, &more), ST_OK);
  }
  struct st_account acc;
  store_account_get(c, &a, "acc_x", &acc);
  store_account_by_rowid(c, &a, 1, &acc);
  struct st_inventory_row rows[PD_CATEGORY_COUNT];
  store_inventory_get(c, &a, 1, rows);
  struct st_request r;
  store_request_get(c, &a, "req_x", &r);
  struct st_timeline_event *ev;
  int n;
  bool more;
  store_timeline_list(c, &a, 1, &ev, &n);
  for (int status = -1; status < 2; status++)
    for (int acct = 0; acct < 2; acct++) {
      struct st_hold_query hq = {.status = status, .account_rowid = acct, .limit = 50, .has_after = acct,
                                 .after_placed_at = 5, .after_id = "hld_x"};
      struct st_hold *holds;
      assert_int_equal(store_holds_list(c, &a, &hq, &holds, &n, &more), ST_OK);
    }
  const char *filters[][3] = {{NULL, NULL, NULL}, {"acc_x", NULL, NULL}, {NULL, "alice", NULL},
                              {NULL, NULL, "hold.place"}, {"acc_x", "sam", "hold.place"}};
  for (size_t i = 0; i < sizeof filters / sizeof *filters; i++) {
    struct st_audit_query aq = {.account_id = filters[i][0], .actor = filters[i][1], .action = filters[i][2],
                                .limit = 50, .before_seq = (int64_t)i * 10};
    struct st_audit_entry *entries;
    assert_int_equal(store_audit_list(c, &a, &aq, &entries, &n, &more), ST_OK);
  }
  struct st_stats stats;
  assert_int_equal(store_stats(c, 1764374400, "alice", &stats), ST_OK);
  struct st_user u;
  unsigned char hash[32] = {0};
  store_user_by_token_hash(c, hash, &u);
  store_user_by_name(c, "alice", &u);
  struct st_idem idem;
  store_idem_get(c, &a, 1, "key", &idem);
  const char *body;
  store_export_get(c, &a, 1, &body);
  arena_free(&a);
}

static void every_query_is_served_by_an_index(void **state) {
  (void)state;
  run_request_queries();
  run_other_queries();
  /* every statement is checked: none was dropped for want of room (the
   * queue's combinations once filled the list, and the account, hold, audit
   * and stats statements captured after them were never checked) */
  assert_false(captured_overflow);
  /* the chain walk reads the whole log by design (it is what verification is) */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  sqlite3_trace_v2(db, 0, NULL, NULL);
  int checked = 0, bad = 0;
  for (int i = 0; i < n_captured; i++) {
    if (strstr(captured[i], "FROM audit ORDER BY seq") && !strstr(captured[i], "DESC")) continue;
    char text[8192];
    const char *why = plan_problem(db, captured[i], text, sizeof text);
    if (why) {
      print_error("%s in:\n%s\nplan:\n%s\n", why, captured[i], text);
      bad++;
    }
    checked++;
  }
  if (bad) fail_msg("%d of %d statements are not served by an index (above)", bad, checked);
  /* the combinations above produce well over a hundred distinct queue queries */
  assert_true(checked > 100);
}

static void the_checker_catches_a_sorted_queue_page(void **state) {
  (void)state;
  /* two statuses through one index: SQLite reads them all and sorts */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  char text[8192];
  const char *why = plan_problem(db,
                                 "SELECT r.pk FROM requests r INDEXED BY requests_status_due"
                                 " WHERE r.status IN ('completed', 'rejected') ORDER BY r.due_at, r.id LIMIT 51",
                                 text, sizeof text);
  assert_non_null(why);
  assert_non_null(strstr(why, "sorts"));
}

/* The SELECTs store_stats runs. */
static int stats_sql(char *out[16]) {
  for (int i = 0; i < n_captured; i++) free(captured[i]);
  n_captured = 0;
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, NULL);
  struct st_stats stats;
  assert_int_equal(store_stats(store_conn_get(store), 1764374400, "alice", &stats), ST_OK);
  sqlite3_trace_v2(db, 0, NULL, NULL);
  int n = n_captured;
  for (int i = 0; i < n_captured; i++) {
    if (i < 16) out[i] = captured[i];
    else free(captured[i]);
  }
  n_captured = 0;
  return n < 16 ? n : 16;
}

static void stats_never_reads_the_requests_table(void **state) {
  (void)state;
  /* /v1/stats reads the counters the triggers keep: its cost does not grow
   * with the number of requests (docs/PERFORMANCE.md) */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  char *sql[16];
  int n = stats_sql(sql);
  assert_true(n >= 2);
  for (int i = 0; i < n; i++) {
    static char plan[8192];
    const char *details[64];
    int parents[64];
    int lines = explain(db, sql[i], plan, details, parents);
    for (int k = 0; k < lines; k++) {
      const char *d = details[k];
      bool counters = strstr(d, " request_counts") || strstr(d, " open_due_counts") || strstr(d, "CONSTANT ROW");
      bool other = strncmp(d, "SCAN ", 5) == 0 || strncmp(d, "SEARCH ", 7) == 0;
      if (other && !counters) fail_msg("stats reads more than the counters:\n%s\n%s", sql[i], d);
      if (strstr(d, "requests")) fail_msg("stats reads the requests table:\n%s\n%s", sql[i], d);
    }
    assert_indexed(db, sql[i]);
    free(sql[i]);
  }
}

/* The statistics computed from the requests table itself (what store_stats
 * did before the counters). */
static void stats_from_requests(int64_t now, const char *user, struct st_stats *out) {
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  memset(out, 0, sizeof *out);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT status, count(*) FROM requests GROUP BY status", -1, &st, NULL),
                   SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    int s = pd_status_parse((const char *)sqlite3_column_text(st, 0));
    if (s >= 0) out->open_by_status[s] = sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  pd_date today = pd_date_of(now);
  int64_t edge[6] = {now, pd_end_of_day(today)};
  const int days[] = {3, 7, 14, 30};
  for (int i = 0; i < 4; i++) edge[2 + i] = pd_end_of_day(pd_date_add_days(today, days[i]));
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT total(due_at < ?1), total(due_at >= ?1 AND due_at <= ?2),"
                                      " total(due_at > ?2 AND due_at <= ?3), total(due_at > ?3 AND due_at <= ?4),"
                                      " total(due_at > ?4 AND due_at <= ?5), total(due_at > ?5 AND due_at <= ?6),"
                                      " total(due_at > ?6), total(priority = 'urgent'), total(assignee IS NULL),"
                                      " total(assignee = ?7) FROM requests WHERE is_open = 1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  for (int i = 0; i < 6; i++) sqlite3_bind_int64(st, i + 1, edge[i]);
  sqlite3_bind_text(st, 7, user, -1, SQLITE_TRANSIENT);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  for (int i = 0; i < 7; i++) out->buckets[i] = sqlite3_column_int64(st, i);
  out->overdue = out->buckets[0];
  out->urgent = sqlite3_column_int64(st, 7);
  out->unassigned = sqlite3_column_int64(st, 8);
  out->mine = sqlite3_column_int64(st, 9);
  out->due_within_7_days = out->buckets[1] + out->buckets[2] + out->buckets[3];
  sqlite3_finalize(st);
}

static void assert_stats_agree(int64_t now) {
  const char *users[] = {"alice", "bob", "sam", "nobody"};
  for (size_t u = 0; u < sizeof users / sizeof *users; u++) {
    struct st_stats kept, counted;
    assert_int_equal(store_stats(store_conn_get(store), now, users[u], &kept), ST_OK);
    stats_from_requests(now, users[u], &counted);
    assert_memory_equal(&kept, &counted, sizeof kept);
  }
}

static void stats_counters_follow_every_write(void **state) {
  (void)state;
  struct store_conn *c = store_conn_get(store);
  const int64_t now = 1764374400;
  assert_stats_agree(now);
  assert_stats_agree(now + 9 * 86400); /* other bucket edges */
  /* every kind of change a request goes through, through the store's own writes */
  struct arena a;
  arena_init(&a);
  struct st_request_query q = {.priority = -1, .overdue = -1, .limit = 40, .sort = ST_SORT_RECEIVED_ASC};
  struct st_request *items;
  int n;
  bool more;
  assert_int_equal(store_requests_list(c, &a, &q, &items, &n, &more), ST_OK);
  assert_true(n >= 20);
  assert_int_equal(store_begin_write(c), ST_OK);
  for (int i = 0; i < n; i++) {
    struct st_request r = items[i];
    switch (i % 6) {
    case 0: r.status = pd_status_is_open(r.status) ? PD_ST_COMPLETED : PD_ST_IN_PROGRESS; break;
    case 1: r.assignee = r.assignee ? NULL : "alice"; break;
    case 2: r.priority = r.priority == PD_PRIO_URGENT ? PD_PRIO_NORMAL : PD_PRIO_URGENT; break;
    case 3: r.due_at += 20 * 86400; r.extended = true; break; /* an extension */
    case 4: r.assignee = "bob"; r.status = PD_ST_WAITING; r.due_at -= 86400; break;
    default: break; /* unchanged: the update triggers must not count it twice */
    }
    r.version++;
    assert_int_equal(store_request_update(c, &r), ST_OK);
  }
  struct st_request fresh = items[0];
  snprintf(fresh.id, sizeof fresh.id, "req_countertest");
  fresh.status = PD_ST_NEW;
  fresh.assignee = "sam";
  assert_int_equal(store_request_insert(c, &fresh), ST_OK);
  assert_int_equal(store_commit(c), ST_OK);
  assert_stats_agree(now);
  assert_stats_agree(now + 9 * 86400);
  /* a rolled-back change leaves the counters as they were */
  assert_int_equal(store_begin_write(c), ST_OK);
  fresh.status = PD_ST_REJECTED;
  assert_int_equal(store_request_update(c, &fresh), ST_OK);
  assert_int_equal(store_rollback(c), ST_OK);
  assert_stats_agree(now);
  arena_free(&a);
}

static void the_checker_catches_a_per_row_search_by_few_values(void **state) {
  (void)state;
  /* an account's open requests counted through (is_open, ...): every open
   * request read, once per account (what ACCOUNT_COLUMNS did before) */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  char text[8192];
  const char *why = plan_problem(db,
                                 "SELECT a.pk, (SELECT count(*) FROM requests r INDEXED BY requests_open_due"
                                 " WHERE r.account_pk = a.pk AND r.is_open = 1) FROM accounts a WHERE a.id = 'x'",
                                 text, sizeof text);
  assert_non_null(why);
  assert_non_null(strstr(why, "few values"));
}

/* The same, straight from the table. */
static int expected_ids(const char *where, bool desc, int64_t now, int64_t due_before, char ids[][ST_ID_MAX],
                        int max) {
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  char *sql = sqlite3_mprintf("SELECT id FROM requests WHERE %s ORDER BY received_at %s, id %s", where,
                              desc ? "DESC" : "ASC", desc ? "DESC" : "ASC");
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  sqlite3_free(sql);
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, due_before);
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n < max)
    snprintf(ids[n++], ST_ID_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return n;
}

enum { MAX_IDS = 4096 };

static void deadline_pages_sorted_by_received_at_are_exact(void **state) {
  (void)state;
  /* overdue and due_before pages sorted by received_at read each class
   * (regime, extended) up to a cut-off: they must list exactly the requests
   * the filter names, in order, across pages */
  static char got[MAX_IDS][ST_ID_MAX], want[MAX_IDS][ST_ID_MAX];
  unsigned open = 0, closed = 0;
  for (int s = 0; s < PD_STATUS_COUNT; s++) {
    if (pd_status_is_open((enum pd_status)s))
      open |= 1u << s;
    else
      closed |= 1u << s;
  }
  const int64_t nows[] = {1764374400, 1764374400 - 20 * 86400, 1764374400 + 40 * 86400};
  for (size_t t = 0; t < sizeof nows / sizeof *nows; t++)
    for (int variant = 0; variant < 6; variant++)
      for (int desc = 0; desc < 2; desc++) {
        struct st_request_query q = {.priority = -1, .overdue = -1, .now = nows[t], .limit = 7,
                                     .sort = desc ? ST_SORT_RECEIVED_DESC : ST_SORT_RECEIVED_ASC};
        const char *where = NULL;
        int64_t due_before = nows[t] + 7 * 86400;
        switch (variant) {
        case 0: q.overdue = 1; where = "is_open = 1 AND due_at < ?1"; break;
        case 1: q.overdue = 1; q.status_mask = open; where = "is_open = 1 AND due_at < ?1"; break;
        case 2: q.due_before = due_before; where = "due_at <= ?2"; break;
        case 3: q.due_before = due_before; q.status_mask = open; where = "is_open = 1 AND due_at <= ?2"; break;
        case 4: q.due_before = due_before; q.status_mask = closed; where = "is_open = 0 AND due_at <= ?2"; break;
        default:
          q.overdue = 1;
          q.due_before = nows[t] - 10 * 86400;
          due_before = q.due_before;
          where = "is_open = 1 AND due_at < ?1 AND due_at <= ?2";
          break;
        }
        int n_got = store_fixture_walk_pages(store, q, got, MAX_IDS);
        int n_want = expected_ids(where, desc, nows[t], due_before, want, MAX_IDS);
        if (n_got != n_want)
          fail_msg("variant %d, now %zu, desc %d: %d requests, want %d", variant, t, desc, n_got, n_want);
        for (int i = 0; i < n_got; i++)
          if (strcmp(got[i], want[i]) != 0)
            fail_msg("variant %d, now %zu, desc %d: row %d is %s, want %s", variant, t, desc, i, got[i], want[i]);
      }
}

static long vm_steps(void) { return store_fixture_vm_steps(store); }

static void newest_overdue_page_does_not_read_the_requests_not_yet_due(void **state) {
  (void)state;
  /* 2,000 open requests received today, none overdue: the newest page of
   * overdue requests must not read past them one by one (before migration 3
   * it did: its cost grew with the open requests not yet due) */
  struct store_conn *c = store_conn_get(store);
  const int64_t now = 1764374400;
  struct arena a;
  arena_init(&a);
  struct st_request_query all = {.priority = -1, .overdue = -1, .limit = 1};
  struct st_request *items;
  int n;
  bool more;
  assert_int_equal(store_requests_list(c, &a, &all, &items, &n, &more), ST_OK);
  assert_int_equal(n, 1);
  assert_int_equal(store_begin_write(c), ST_OK);
  for (int i = 0; i < 2000; i++) {
    struct st_request r = items[0];
    snprintf(r.id, sizeof r.id, "req_fresh%05d", i);
    r.status = PD_ST_NEW;
    r.regime = i % 2 ? PD_REGIME_CCPA : PD_REGIME_GDPR;
    r.extended = false;
    r.received_at = now - 3600 - i;
    r.due_at = pd_due_at(r.regime, r.received_at, false);
    r.assignee = NULL;
    assert_int_equal(store_request_insert(c, &r), ST_OK);
  }
  assert_int_equal(store_commit(c), ST_OK);
  for (int sort = ST_SORT_RECEIVED_ASC; sort <= ST_SORT_RECEIVED_DESC; sort++) {
    struct st_request_query q = {.priority = -1, .overdue = 1, .now = now, .limit = 20,
                                 .sort = (enum st_request_sort)sort};
    vm_steps();
    assert_int_equal(store_requests_list(c, &a, &q, &items, &n, &more), ST_OK);
    long steps = vm_steps();
    assert_true(n > 0);
    /* a page reads limit + 1 rows of each of four classes: about 2,200
     * steps; skipping the 2,000 requests not yet due took 19,000 */
    if (steps > 8000)
      fail_msg("the overdue page sorted by %s took %ld VM steps",
               sort == ST_SORT_RECEIVED_ASC ? "received_at" : "-received_at", steps);
  }
  arena_free(&a);
}

static void a_merged_page_joins_only_the_rows_it_keeps(void **state) {
  (void)state;
  /* a filter of several values reads limit + 1 rows of each branch (eight
   * classes for due_before sorted by -received_at); the merge keeps limit + 1
   * of their sort keys, inside the subquery s, before any row is joined to
   * its request and account (joining all eight pages first cost a third of
   * such a page at a million accounts) */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  struct st_request_query queries[] = {
    {.priority = -1, .overdue = -1, .due_before = 1770000000, .limit = 50, .sort = ST_SORT_RECEIVED_DESC},
    {.priority = -1, .overdue = 1, .now = 1764374400, .limit = 50, .sort = ST_SORT_RECEIVED_DESC},
    {.priority = -1, .overdue = -1, .status_mask = 1u << PD_ST_NEW | 1u << PD_ST_WAITING, .limit = 50},
    {.priority = -1, .overdue = -1, .assignee = "alice", .limit = 50, .sort = ST_SORT_DUE_DESC},
  };
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
    static char sql[8192], plan[8192];
    assert_true(st_requests_sql(&queries[i], false, sql, sizeof sql));
    assert_non_null(strstr(sql, "UNION ALL"));
    const char *details[64];
    int parents[64], ids[64];
    int n = explain_ids(db, sql, plan, details, parents, ids);
    int s_id = -1;
    for (int k = 0; k < n; k++)
      if (strcmp(details[k], "CO-ROUTINE s") == 0 || strcmp(details[k], "MATERIALIZE s") == 0) s_id = ids[k];
    bool kept_in_s = false, joined_after = false;
    for (int k = 0; k < n; k++) {
      kept_in_s |= parents[k] == s_id && strstr(details[k], "USE TEMP B-TREE FOR ORDER BY");
      joined_after |= parents[k] == 0 && strncmp(details[k], "SEARCH a USING INTEGER PRIMARY KEY", 34) == 0;
    }
    char text[8192];
    plan_text(details, n, text, sizeof text);
    if (s_id < 0 || !kept_in_s || !joined_after)
      fail_msg("the branches are joined before the merge keeps limit + 1:\n%s\n%s", sql, text);
  }
}

static void the_checker_catches_a_full_scan(void **state) {
  (void)state;
  /* a query on an unindexed column must be reported, or the test above proves nothing */
  sqlite3 *db = sqlite_conn_of(store_conn_get(store))->db;
  char *explain = sqlite3_mprintf("EXPLAIN QUERY PLAN SELECT * FROM requests WHERE extension_reason = 'x'");
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, explain, -1, &st, NULL), SQLITE_OK);
  sqlite3_free(explain);
  bool scan = false;
  while (sqlite3_step(st) == SQLITE_ROW)
    scan |= strncmp((const char *)sqlite3_column_text(st, 3), "SCAN requests", 13) == 0;
  sqlite3_finalize(st);
  assert_true(scan);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(every_query_is_served_by_an_index),
    cmocka_unit_test(the_checker_catches_a_full_scan),
    cmocka_unit_test(the_checker_catches_a_sorted_queue_page),
    cmocka_unit_test(the_checker_catches_a_per_row_search_by_few_values),
    cmocka_unit_test(stats_never_reads_the_requests_table),
    cmocka_unit_test(stats_counters_follow_every_write),
    cmocka_unit_test(deadline_pages_sorted_by_received_at_are_exact),
    cmocka_unit_test(newest_overdue_page_does_not_read_the_requests_not_yet_due),
    cmocka_unit_test(a_merged_page_joins_only_the_rows_it_keeps),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
