/* Each account's active holds and open requests in the SQLite store are
 * columns kept by triggers (migration 6). They must equal a fresh count
 * after any write: requests and holds inserted, deleted, moved to another
 * account, opened and closed in every way; the migration must count what a
 * database already holds; and an accounts page must read them from the row,
 * not count them again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/vocab.h"
#include "server/arena.h"
#include "server/seed.h"
#include "server/store_sqlite_int.h"
#include "tests/unit/store_fixture.h"

static char db_path[STORE_FIXTURE_PATH_MAX];
static struct store *store;
static uint64_t rng = 0x9e3779b97f4a7c15u;

static sqlite3 *db(void) { return sqlite_conn_of(store_conn_get(store))->db; }

static unsigned next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng >> 11);
}

static void exec(const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db(), sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

static long long query_int(const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db(), sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db()));
  long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

/* Accounts whose kept counts differ from a fresh count. */
static long long wrong_counts(void) {
  return query_int("SELECT count(*) FROM accounts a WHERE"
                   " a.active_holds IS NOT (SELECT count(*) FROM holds h WHERE h.account_pk = a.pk"
                   "   AND h.status = 'active')"
                   " OR a.open_requests IS NOT (SELECT count(*) FROM requests r WHERE r.account_pk = a.pk"
                   "   AND r.is_open = 1)");
}

static int setup(void **state) {
  (void)state;
  store = store_fixture_open("counts", db_path);
  if (!store) return -1;
  struct seed_opts o = {.accounts = 400, .requests = 600, .seed = 3, .now = 1764374400};
  if (seed_run(store, &o) != 0) return -1;
  /* holds on one account in five, active or released, some accounts with two */
  exec("INSERT INTO holds (id, account_pk, reason, case_ref, categories, placed_by, placed_at, status, version)"
       " SELECT 'hold_seed' || pk, (pk + 1) / 2 * 2, 'r', 'C', '[\"*\"]', 'alice', 1764374400,"
       " CASE WHEN pk % 3 = 0 THEN 'released' ELSE 'active' END, 1 FROM accounts WHERE pk % 5 < 2");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_fixture_close(store, db_path);
  return 0;
}

static long long random_pk(const char *table) {
  char sql[128];
  snprintf(sql, sizeof sql, "SELECT pk FROM %s ORDER BY pk LIMIT 1 OFFSET %u", table,
           next_rand() % (unsigned)query_int(strcmp(table, "accounts") == 0 ? "SELECT count(*) FROM accounts"
                                              : strcmp(table, "holds") == 0  ? "SELECT count(*) FROM holds"
                                                                             : "SELECT count(*) FROM requests"));
  return query_int(sql);
}

/* One random write to requests or holds, of every kind the triggers watch. */
static void random_write(int i) {
  char sql[1024];
  long long acc = random_pk("accounts"), req = random_pk("requests"), hold = random_pk("holds");
  const char *status = pd_status_name((enum pd_status)(next_rand() % PD_STATUS_COUNT));
  const char *hold_status = pd_hold_status_name((enum pd_hold_status)(next_rand() % PD_HOLD_STATUS_COUNT));
  switch (next_rand() % 9) {
  case 0: /* a new request, open or closed */
    snprintf(sql, sizeof sql,
             "INSERT INTO requests (id, account_pk, type, regime, status, priority, received_at, due_at, extended,"
             " identity_verified, status_since, version, updated_at, created_at)"
             " SELECT 'req_counts%06d', %lld, type, regime, '%s', priority, received_at, due_at, extended,"
             " identity_verified, status_since, 1, updated_at, created_at FROM requests WHERE pk = %lld",
             i, acc, status, req);
    break;
  case 1: /* a status change: open to closed, closed to open, or within either */
  case 2:
    snprintf(sql, sizeof sql, "UPDATE requests SET status = '%s' WHERE pk = %lld", status, req);
    break;
  case 3: /* a request moved to another account, sometimes with a new status at once */
    snprintf(sql, sizeof sql, "UPDATE requests SET account_pk = %lld%s%s%s WHERE pk = %lld", acc,
             i % 2 ? ", status = '" : "", i % 2 ? status : "", i % 2 ? "'" : "", req);
    break;
  case 4: /* a request deleted with what refers to it */
    snprintf(sql, sizeof sql,
             "DELETE FROM timeline WHERE request_pk = %lld; DELETE FROM exports WHERE request_pk = %lld;"
             " DELETE FROM requests WHERE pk = %lld",
             req, req, req);
    break;
  case 5: /* a new hold, active or released */
    snprintf(sql, sizeof sql,
             "INSERT INTO holds (id, account_pk, reason, case_ref, categories, placed_by, placed_at, status, version)"
             " VALUES ('hold_counts%06d', %lld, 'r', 'C', '[\"*\"]', 'alice', 1764374400, '%s', 1)",
             i, acc, hold_status);
    break;
  case 6: /* a hold released or placed again */
    snprintf(sql, sizeof sql, "UPDATE holds SET status = '%s' WHERE pk = %lld", hold_status, hold);
    break;
  case 7: /* a hold moved to another account */
    snprintf(sql, sizeof sql, "UPDATE holds SET account_pk = %lld WHERE pk = %lld", acc, hold);
    break;
  default: /* a hold deleted */
    snprintf(sql, sizeof sql, "DELETE FROM holds WHERE pk = %lld", hold);
    break;
  }
  exec(sql);
}

static void test_counts_follow_every_write(void **state) {
  (void)state;
  assert_int_equal(wrong_counts(), 0);
  assert_true(query_int("SELECT count(*) FROM accounts WHERE active_holds > 1") > 0);
  assert_true(query_int("SELECT count(*) FROM accounts WHERE open_requests > 1") > 0);
  for (int i = 0; i < 3000; i++) {
    random_write(i);
    if (i % 100 == 99 && wrong_counts() != 0) fail_msg("after write %d: %lld accounts miscounted", i, wrong_counts());
  }
  /* writes undone by a rollback leave the counts as they were */
  exec("BEGIN");
  for (int i = 3000; i < 3100; i++) random_write(i);
  exec("ROLLBACK");
  assert_int_equal(wrong_counts(), 0);
}

/* What the store returns is the kept count. */
static void test_the_store_reads_the_kept_counts(void **state) {
  (void)state;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db(),
                                      "SELECT id, active_holds, open_requests FROM accounts"
                                      " ORDER BY active_holds + open_requests DESC LIMIT 20",
                                      -1, &st, NULL),
                   SQLITE_OK);
  struct arena a;
  arena_init(&a);
  while (sqlite3_step(st) == SQLITE_ROW) {
    struct st_account acc;
    assert_int_equal(store_account_get(store_conn_get(store), &a, (const char *)sqlite3_column_text(st, 0), &acc),
                     ST_OK);
    assert_int_equal(acc.active_holds, sqlite3_column_int(st, 1));
    assert_int_equal(acc.open_requests, sqlite3_column_int(st, 2));
  }
  sqlite3_finalize(st);
  arena_free(&a);
}

/* A 50-row page reads each row's counts from the row: the two counting
 * subqueries cost about 70 VM steps per row: 4,705 for the page, 1,084 without. */
static void test_a_page_does_not_count_again(void **state) {
  (void)state;
  struct arena a;
  arena_init(&a);
  struct st_account *items;
  int n;
  bool more;
  store_fixture_vm_steps(store);
  assert_int_equal(store_accounts_list(store_conn_get(store), &a, &(struct st_account_query){.limit = 50}, &items,
                                       &n, &more),
                   ST_OK);
  long steps = store_fixture_vm_steps(store);
  assert_int_equal(n, 50);
  print_message("# a 50-row accounts page: %ld VM steps\n", steps);
  if (steps > 1200) fail_msg("a 50-row page took %ld VM steps (4,705 when it counted them per row)", steps);
  arena_free(&a);
}

/* Migration 6 on a database that already has holds and requests: the store
 * is taken back to version 5 (columns and triggers dropped) and reopened. */
static void test_the_migration_counts_existing_rows(void **state) {
  (void)state;
  long long holds = query_int("SELECT count(*) FROM holds WHERE status = 'active'");
  long long open = query_int("SELECT count(*) FROM requests WHERE is_open = 1");
  assert_true(holds > 0 && open > 0);
  static const char *const triggers[] = {"active_holds_ai", "active_holds_ad", "active_holds_au",
                                         "open_requests_ai", "open_requests_ad", "open_requests_au"};
  char sql[128];
  for (size_t i = 0; i < sizeof triggers / sizeof triggers[0]; i++) {
    snprintf(sql, sizeof sql, "DROP TRIGGER account_%s", triggers[i]);
    exec(sql);
  }
  exec("ALTER TABLE accounts DROP COLUMN active_holds; ALTER TABLE accounts DROP COLUMN open_requests;"
       " PRAGMA user_version = 5");
  store_close(store);
  char err[256];
  store = store_open(db_path, 0, err, sizeof err);
  if (!store) fail_msg("reopening: %s", err);
  assert_int_equal(query_int("PRAGMA user_version"), 6);
  assert_int_equal(wrong_counts(), 0);
  assert_int_equal(query_int("SELECT sum(active_holds) FROM accounts"), holds);
  assert_int_equal(query_int("SELECT sum(open_requests) FROM accounts"), open);
  random_write(9000); /* and the triggers are back */
  exec("UPDATE requests SET status = 'new' WHERE pk = (SELECT min(pk) FROM requests WHERE is_open = 0)");
  assert_int_equal(query_int("SELECT sum(open_requests) FROM accounts"),
                   query_int("SELECT count(*) FROM requests WHERE is_open = 1"));
  assert_int_equal(wrong_counts(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_counts_follow_every_write),
    cmocka_unit_test(test_the_store_reads_the_kept_counts),
    cmocka_unit_test(test_a_page_does_not_count_again),
    cmocka_unit_test(test_the_migration_counts_existing_rows),
  };
  return cmocka_run_group_tests_name("store: kept account counts", tests, setup, teardown);
}
