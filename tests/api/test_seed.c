/* `privdeskd seed`: deterministic (the same --seed and --now give the same
 * bytes in every table, ids included; another seed gives other data) and
 * realistic (a 2000-account / 400-request database holds every case the
 * console and the tests need, including hostile names). Runs the real
 * binary and reads the databases with the sqlite3 API. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tests/harness/server.h"

#define NOW "2026-03-02"   /* a Monday; --now is the start of that day, UTC */
#define NOW_UNIX 1772409600LL

static char dir[PATH_MAX];
static struct pd_test_server a, b, c; /* only .db is used: where pd_test_privdeskd_run points --db */
static sqlite3 *db_a, *db_b, *db_c;

static int seed(struct pd_test_server *s, const char *name, const char *seed_value) {
  snprintf(s->db, sizeof s->db, "%s/%s", dir, name);
  const char *args[] = {"seed", "--accounts", "2000", "--requests", "400", "--seed", seed_value, "--now", NOW, NULL};
  char out[256];
  return pd_test_privdeskd_run(s, out, sizeof out, args);
}

static int group_setup(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/privdesk-seed.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) return -1;
  if (seed(&a, "a.db", "42") || seed(&b, "b.db", "42") || seed(&c, "c.db", "43")) {
    fprintf(stderr, "privdeskd seed failed\n");
    return -1;
  }
  if (sqlite3_open_v2(a.db, &db_a, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_open_v2(b.db, &db_b, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_open_v2(c.db, &db_c, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    return -1;
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  sqlite3_close(db_a);
  sqlite3_close(db_b);
  sqlite3_close(db_c);
  char cmd[PATH_MAX + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ---- */

static long long scalar(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  return v;
}

/* The ORDER BY for a table: its primary key columns, else every column. */
static void order_by(sqlite3 *db, const char *table, char *out, size_t outsz) {
  char sql[256];
  snprintf(sql, sizeof sql, "PRAGMA table_info(\"%s\")", table);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  char pk[8][64];
  int n_pk = 0, n_cols = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    n_cols++;
    int k = sqlite3_column_int(st, 5);
    if (k > 0 && k <= 8) {
      snprintf(pk[k - 1], sizeof pk[0], "\"%s\"", (const char *)sqlite3_column_text(st, 1));
      if (k > n_pk) n_pk = k;
    }
  }
  sqlite3_finalize(st);
  size_t len = 0;
  out[0] = '\0';
  if (n_pk) {
    for (int i = 0; i < n_pk; i++) len += (size_t)snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", pk[i]);
  } else {
    for (int i = 1; i <= n_cols; i++) len += (size_t)snprintf(out + len, outsz - len, "%s%d", i > 1 ? ", " : "", i);
  }
}

/* Compares every row of table in x and y, byte for byte; returns the number of rows, or -1 on a difference. */
static long compare_table(sqlite3 *x, sqlite3 *y, const char *table, char *why, size_t whysz) {
  char order[512], sql[800];
  order_by(x, table, order, sizeof order);
  snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" ORDER BY %s", table, order);
  sqlite3_stmt *sx, *sy;
  if (sqlite3_prepare_v2(x, sql, -1, &sx, NULL) != SQLITE_OK || sqlite3_prepare_v2(y, sql, -1, &sy, NULL) != SQLITE_OK)
    fail_msg("%s: %s / %s", sql, sqlite3_errmsg(x), sqlite3_errmsg(y));
  long rows = 0;
  for (;;) {
    int rx = sqlite3_step(sx), ry = sqlite3_step(sy);
    if (rx != ry) {
      snprintf(why, whysz, "%s: row counts differ after %ld rows", table, rows);
      rows = -1;
      break;
    }
    if (rx != SQLITE_ROW) break;
    int cols = sqlite3_column_count(sx);
    for (int i = 0; i < cols && rows >= 0; i++) {
      int tx = sqlite3_column_type(sx, i), ty = sqlite3_column_type(sy, i);
      const void *bx = sqlite3_column_blob(sx, i), *by = sqlite3_column_blob(sy, i);
      int nx = sqlite3_column_bytes(sx, i), ny = sqlite3_column_bytes(sy, i);
      if (tx != ty || nx != ny || (nx && memcmp(bx, by, (size_t)nx) != 0)) {
        snprintf(why, whysz, "%s: row %ld column %s differs", table, rows, sqlite3_column_name(sx, i));
        rows = -1;
      }
    }
    if (rows < 0) break;
    rows++;
  }
  sqlite3_finalize(sx);
  sqlite3_finalize(sy);
  return rows;
}

/* ---- determinism ---- */

static void test_same_seed_and_now_give_identical_tables(void **state) {
  (void)state;
  const char *list = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_a, list, -1, &st, NULL), SQLITE_OK);
  int tables = 0;
  long total = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    char why[256] = "";
    long rows = compare_table(db_a, db_b, t, why, sizeof why);
    if (rows < 0) fail_msg("seed 42 twice: %s", why);
    tables++;
    total += rows;
  }
  sqlite3_finalize(st);
  assert_true(tables >= 9); /* accounts, inventory, requests, timeline, holds, audit, exports, ... */
  assert_true(total > 20000);
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM sqlite_master"), scalar(db_b, "SELECT count(*) FROM sqlite_master"));
}

static void test_another_seed_gives_other_data(void **state) {
  (void)state;
  static const char *const tables[] = {"accounts", "requests", "holds", "audit"};
  for (size_t i = 0; i < 4; i++) {
    char why[256];
    if (compare_table(db_a, db_c, tables[i], why, sizeof why) >= 0) fail_msg("seeds 42 and 43 gave the same %s", tables[i]);
  }
  assert_int_equal(scalar(db_c, "SELECT count(*) FROM accounts"), 2000);
}

/* ---- what a seeded database holds ---- */

static void test_sizes(void **state) {
  (void)state;
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM accounts"), 2000);
  long long requests = scalar(db_a, "SELECT count(*) FROM requests");
  assert_true(requests >= 390 && requests <= 400); /* an id collision or an erased account may skip one */
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM inventory"), 2000 * 10);
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM audit WHERE action = 'seed.generate'"), 1);
}

static void test_every_status_regime_jurisdiction(void **state) {
  (void)state;
  static const char *const statuses[] = {"new", "verifying", "in_progress", "waiting", "completed", "rejected"};
  char sql[160];
  for (size_t i = 0; i < 6; i++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE status = '%s'", statuses[i]);
    if (scalar(db_a, sql) < 1) fail_msg("no %s request", statuses[i]);
  }
  assert_true(scalar(db_a, "SELECT count(*) FROM requests WHERE regime = 'gdpr'") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM requests WHERE regime = 'ccpa'") > 0);
  static const char *const jurisdictions[] = {"EU", "US-CA", "OTHER"};
  for (size_t i = 0; i < 3; i++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE jurisdiction = '%s'", jurisdictions[i]);
    if (scalar(db_a, sql) < 1) fail_msg("no %s account", jurisdictions[i]);
  }
  static const char *const types[] = {"access", "rectification", "erasure", "objection"};
  for (size_t i = 0; i < 4; i++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE type = '%s'", types[i]);
    if (scalar(db_a, sql) < 1) fail_msg("no %s request", types[i]);
  }
}

static void test_deadlines_around_now(void **state) {
  (void)state;
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE is_open AND due_at < %lld", NOW_UNIX);
  assert_true(scalar(db_a, sql) > 0); /* overdue */
  snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE is_open AND due_at = %lld", NOW_UNIX + 86399);
  assert_true(scalar(db_a, sql) >= 1); /* due today */
  snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE is_open AND due_at > %lld", NOW_UNIX + 30 * 86400LL);
  assert_true(scalar(db_a, sql) > 0); /* far off */
  assert_true(scalar(db_a, "SELECT count(*) FROM requests WHERE extended = 1 AND extension_reason IS NOT NULL") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM requests WHERE type = 'erasure' AND priority = 'urgent'") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM requests WHERE type = 'erasure' AND priority = 'urgent'"
                           " AND is_open") > 0);
  /* no request was received after "now" */
  snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE received_at > %lld", NOW_UNIX);
  assert_int_equal(scalar(db_a, sql), 0);
  /* CCPA requests and only they have an acknowledgement deadline */
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM requests WHERE (regime = 'ccpa') != (ack_due_at IS NOT NULL)"), 0);
}

static void test_holds_and_minors(void **state) {
  (void)state;
  assert_true(scalar(db_a, "SELECT count(*) FROM holds WHERE status = 'active'") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM holds WHERE status = 'released' AND released_at IS NOT NULL") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM accounts WHERE is_minor = 1") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM accounts WHERE status = 'closed'") > 0);
}

static void test_completed_erasures_closed_and_erased(void **state) {
  (void)state;
  /* an account that keeps data after its erasure: closed, with retained inventory */
  assert_true(scalar(db_a, "SELECT count(*) FROM requests r JOIN accounts a ON a.pk = r.account_pk"
                           " WHERE r.type = 'erasure' AND r.status = 'completed' AND a.status = 'closed'"
                           " AND EXISTS (SELECT 1 FROM inventory i WHERE i.account_pk = a.pk AND i.state = 'retained')") > 0);
  /* one with nothing left */
  assert_true(scalar(db_a, "SELECT count(*) FROM requests r JOIN accounts a ON a.pk = r.account_pk"
                           " WHERE r.type = 'erasure' AND r.status = 'completed' AND a.status = 'erased'"
                           " AND NOT EXISTS (SELECT 1 FROM inventory i WHERE i.account_pk = a.pk AND i.state != 'erased')") > 0);
  /* and some kept because of a hold */
  assert_true(scalar(db_a, "SELECT count(*) FROM inventory WHERE state = 'retained' AND retained_because LIKE '%hold:%'") > 0);
  /* completed access requests have their export */
  assert_int_equal(scalar(db_a, "SELECT count(*) FROM requests r WHERE r.type = 'access' AND r.status = 'completed'"
                                " AND NOT EXISTS (SELECT 1 FROM exports e WHERE e.request_pk = r.pk)"),
                   0);
}

/* Decodes one UTF-8 code point; advances *p. */
static unsigned next_cp(const unsigned char **p) {
  const unsigned char *s = *p;
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

enum { CJK, ARABIC, HEBREW, COMBINING, EMOJI, ESC, C1, BIDI, LONG, N_KINDS };
static const char *const kind_names[N_KINDS] = {"CJK", "Arabic", "Hebrew", "combining marks", "emoji",
                                                "an ESC byte", "a C1 control", "a bidi override", "over 200 bytes"};

static void test_names_cover_scripts_and_hostile_text(void **state) {
  (void)state;
  int seen[N_KINDS] = {0};
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db_a, "SELECT name FROM accounts", -1, &st, NULL), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *p = sqlite3_column_text(st, 0);
    if (sqlite3_column_bytes(st, 0) > 200) seen[LONG]++;
    while (*p) {
      unsigned cp = next_cp(&p);
      if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF)) seen[CJK]++;
      if (cp >= 0x0600 && cp <= 0x06FF) seen[ARABIC]++;
      if (cp >= 0x0590 && cp <= 0x05FF) seen[HEBREW]++;
      if (cp >= 0x0300 && cp <= 0x036F) seen[COMBINING]++;
      if (cp >= 0x1F300 && cp <= 0x1FAFF) seen[EMOJI]++;
      if (cp == 0x1B) seen[ESC]++;
      if (cp >= 0x80 && cp <= 0x9F) seen[C1]++;
      if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) seen[BIDI]++;
    }
  }
  sqlite3_finalize(st);
  for (int k = 0; k < N_KINDS; k++)
    if (!seen[k]) fail_msg("no seeded account name has %s", kind_names[k]);
  /* hostile text stays verbatim: an exact ESC sequence and a right-to-left override */
  assert_true(scalar(db_a, "SELECT count(*) FROM accounts WHERE instr(name, char(27) || '[31m') > 0") > 0);
  assert_true(scalar(db_a, "SELECT count(*) FROM accounts WHERE instr(name, char(8238)) > 0") > 0);
  /* e-mails are unique (case-folded) and some are mixed case */
  assert_int_equal(scalar(db_a, "SELECT count(DISTINCT lower(email)) FROM accounts"), 2000);
  assert_true(scalar(db_a, "SELECT count(*) FROM accounts WHERE email != lower(email)") > 0);
}

int main(void) {
#define T(name, fn) {name, fn, NULL, NULL, NULL}
  const struct CMUnitTest tests[] = {
      T("same --seed and --now give byte-identical tables, ids included", test_same_seed_and_now_give_identical_tables),
      T("another seed gives other data", test_another_seed_gives_other_data),
      T("2000 accounts, ~400 requests, 10 inventory rows each", test_sizes),
      T("every status, type, regime and jurisdiction", test_every_status_regime_jurisdiction),
      T("overdue, due today, far off, extended, urgent erasures", test_deadlines_around_now),
      T("active and released holds, minors, closed accounts", test_holds_and_minors),
      T("completed erasures: closed with retained data, and fully erased", test_completed_erasures_closed_and_erased),
      T("names: CJK, Arabic, Hebrew, combining marks, emoji and hostile text", test_names_cover_scripts_and_hostile_text),
  };
#undef T
  return cmocka_run_group_tests_name("privdeskd seed", tests, group_setup, group_teardown);
}
