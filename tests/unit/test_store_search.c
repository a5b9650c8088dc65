/* Account search in the SQLite store (GET /v1/accounts?q=): every page,
 * walked through the cursor, equals a straightforward reference, before and
 * after names and e-mails change; the e-mail keys that order the name index
 * stay consistent when gaps run out; and a page of a common name substring
 * costs what a page costs, not what all its matches cost.
 *
 * The reference is a full scan: an exact id, or the case-folded e-mail
 * starting with the case-folded query, or (3+ characters) the name matching
 * the query in a fresh FTS5 trigram table keyed by pk, i.e. the matching and
 * the Unicode case folding the store promised before (store_pg answers the
 * same with ILIKE). For ASCII it is also checked against a plain
 * case-insensitive substring test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/store_fixture.h"
#include "server/seed.h"
#include "server/store_common.h"
#include "server/store_sqlite_int.h"

enum { BULK_ACCOUNTS = 30000, MAX_QUERIES = 2000 };

static char db_path[STORE_FIXTURE_PATH_MAX];
static struct store *store;

struct ref_account {
  int64_t pk;
  char id[ST_ID_MAX];
  char *email_norm, *name;
  bool hit, by_name;
};
static int *index_of_pk; /* pk -> index in accounts, -1 for none */
static int64_t max_pk;
static struct ref_account *accounts;
static int n_accounts;

static sqlite3 *db(void) { return sqlite_conn_of(store_conn_get(store))->db; }

static void exec(const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(db(), sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

/* 30,000 more accounts in one statement (the triggers give each its key):
 * a few common names ("Lukas Vogel": one in five), e-mails in an order
 * unrelated to the insertion order. */
static void add_bulk_accounts(void) {
  char sql[2048];
  snprintf(sql, sizeof sql,
           "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
           " INSERT INTO accounts (id, email, email_norm, name, status, jurisdiction, created_at, is_minor,"
           " analytics_enabled, marketing_consent, version, updated_at)"
           " SELECT printf('acc_bulk%%06d', i), printf('B%%05d.x@Bulk.test', (i * 7919) %% %d),"
           " printf('b%%05d.x@bulk.test', (i * 7919) %% %d),"
           " CASE i %% 5 WHEN 0 THEN 'Lukas Vogel' WHEN 1 THEN 'Anna Weiß' WHEN 2 THEN 'ÉMILE Zola'"
           " WHEN 3 THEN printf('Rare Name %%d', i) ELSE 'Ødegård Σίσυφος' END,"
           " 'active', 'EU', 1700000000, 0, 1, 0, 1, 1700000000 FROM n",
           BULK_ACCOUNTS - 1, BULK_ACCOUNTS, BULK_ACCOUNTS);
  exec(sql);
}

static void add_account(const char *email, const char *name) {
  static int counter;
  char id[ST_ID_MAX];
  snprintf(id, sizeof id, "acc_extra%06d", counter++);
  struct st_account acc = {.status = PD_ACC_ACTIVE, .jurisdiction = PD_JUR_EU, .created_at = 1700000000,
                           .analytics_enabled = true, .version = 1, .updated_at = 1700000000};
  snprintf(acc.id, sizeof acc.id, "%s", id);
  acc.email = email;
  acc.name = name;
  assert_int_equal(store_account_insert(store_conn_get(store), &acc), ST_OK);
}

static int setup(void **state) {
  (void)state;
  store = store_fixture_open("search", db_path);
  if (!store) return -1;
  /* the seed brings the hostile and non-ASCII names and mixed-case e-mails */
  struct seed_opts o = {.accounts = 3000, .requests = 300, .seed = 5, .now = 1764374400};
  if (seed_run(store, &o) != 0) return -1;
  add_bulk_accounts();
  add_account("Ǆemal.Title@Example.org", "Ǆemal Titlecase");
  add_account("istanbul@example.org", "İSTANBUL Iİıi");
  add_account("quote@example.org", "Say \"hi\" O'Brien");
  add_account("dots.and.at@example.org", "dots.and.at@example.org");
  add_account("kelvin@example.org", "KELVIN \xe2\x84\xaa sign");
  add_account("sharp@example.org", "STRASSE Straße");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_fixture_close(store, db_path);
  for (int i = 0; i < n_accounts; i++) {
    free(accounts[i].email_norm);
    free(accounts[i].name);
  }
  free(accounts);
  free(index_of_pk);
  return 0;
}

/* ---- the reference ---- */

/* Reloads the accounts and rebuilds the reference name index (keyed by pk). */
static void load_reference(void) {
  for (int i = 0; i < n_accounts; i++) {
    free(accounts[i].email_norm);
    free(accounts[i].name);
  }
  free(accounts);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db(), "SELECT count(*) FROM accounts", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int count = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  accounts = calloc((size_t)count, sizeof *accounts);
  assert_non_null(accounts);
  assert_int_equal(sqlite3_prepare_v2(db(), "SELECT pk, id, email_norm, name FROM accounts ORDER BY email_norm", -1,
                                      &st, NULL),
                   SQLITE_OK);
  n_accounts = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n_accounts < count) {
    struct ref_account *r = &accounts[n_accounts++];
    r->pk = sqlite3_column_int64(st, 0);
    snprintf(r->id, sizeof r->id, "%s", (const char *)sqlite3_column_text(st, 1));
    r->email_norm = strdup((const char *)sqlite3_column_text(st, 2));
    r->name = strdup((const char *)sqlite3_column_text(st, 3));
  }
  sqlite3_finalize(st);
  max_pk = 0;
  for (int i = 0; i < n_accounts; i++)
    if (accounts[i].pk > max_pk) max_pk = accounts[i].pk;
  free(index_of_pk);
  index_of_pk = malloc(sizeof *index_of_pk * (size_t)(max_pk + 1));
  assert_non_null(index_of_pk);
  for (int64_t pk = 0; pk <= max_pk; pk++) index_of_pk[pk] = -1;
  for (int i = 0; i < n_accounts; i++) index_of_pk[accounts[i].pk] = i;
  exec("DROP TABLE IF EXISTS temp.ref_names;"
       "CREATE VIRTUAL TABLE temp.ref_names USING fts5(name, tokenize='trigram');"
       "INSERT INTO temp.ref_names(rowid, name) SELECT pk, name FROM accounts;");
}

static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static bool is_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return false;
  return true;
}

static bool ascii_ci_contains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (; *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return true;
  return false;
}

/* Marks the accounts q should find; returns how many. */
static int reference_hits(const char *q) {
  for (int i = 0; i < n_accounts; i++) accounts[i].hit = accounts[i].by_name = false;
  int hits = 0;
  if (strncmp(q, "acc_", 4) == 0) {
    for (int i = 0; i < n_accounts; i++) hits += accounts[i].hit = strcmp(accounts[i].id, q) == 0;
    return hits;
  }
  char folded[512];
  assert_true(store_email_fold(q, folded, sizeof folded));
  size_t len = strlen(folded);
  for (int i = 0; i < n_accounts; i++) accounts[i].hit = strncmp(accounts[i].email_norm, folded, len) == 0;
  if (utf8_len(q) >= 3) {
    /* the FTS5 query: the whole of q as one phrase, inner quotes doubled */
    char phrase[1100];
    size_t k = 0;
    phrase[k++] = '"';
    for (const char *p = q; *p; p++) {
      if (*p == '"') phrase[k++] = '"';
      phrase[k++] = *p;
    }
    phrase[k++] = '"';
    phrase[k] = '\0';
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db(), "SELECT rowid FROM temp.ref_names WHERE ref_names MATCH ?", -1, &st,
                                        NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, phrase, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      int64_t pk = sqlite3_column_int64(st, 0);
      assert_true(pk > 0 && pk <= max_pk && index_of_pk[pk] >= 0);
      accounts[index_of_pk[pk]].by_name = true;
    }
    sqlite3_finalize(st);
    bool ascii_q = is_ascii(q);
    for (int i = 0; i < n_accounts; i++) {
      bool by_name = accounts[i].by_name;
      /* FTS5 trigram folds ASCII case exactly like strncasecmp */
      if (ascii_q && i % 8 == 0 && is_ascii(accounts[i].name) && by_name != ascii_ci_contains(accounts[i].name, q))
        fail_msg("reference: \"%s\" in \"%s\": FTS5 says %d", q, accounts[i].name, by_name);
      accounts[i].hit |= by_name;
    }
  }
  for (int i = 0; i < n_accounts; i++) hits += accounts[i].hit;
  return hits;
}

/* Walks q page by page (at most max_pages) and compares with the reference. */
static void check_query(const char *q, int limit, int max_pages) {
  reference_hits(q);
  struct store_conn *c = store_conn_get(store);
  char after[512] = "";
  int ref = 0; /* next reference row to compare */
  for (int page = 0; page < max_pages; page++) {
    struct arena a;
    arena_init(&a);
    struct st_account_query aq = {.q = q, .limit = limit, .after_email = page ? after : NULL};
    struct st_account *items;
    int n;
    bool more;
    assert_int_equal(store_accounts_list(c, &a, &aq, &items, &n, &more), ST_OK);
    for (int i = 0; i < n; i++) {
      while (ref < n_accounts && !accounts[ref].hit) ref++;
      if (ref >= n_accounts)
        fail_msg("q \"%s\" page %d row %d: %s (%s) is not in the reference", q, page, i, items[i].email, items[i].name);
      if (items[i].rowid != accounts[ref].pk)
        fail_msg("q \"%s\" page %d row %d: got %s (%s), want %s (%s)", q, page, i, items[i].email, items[i].name,
                 accounts[ref].email_norm, accounts[ref].name);
      ref++;
    }
    int rest = ref;
    while (rest < n_accounts && !accounts[rest].hit) rest++;
    if (more != (rest < n_accounts)) fail_msg("q \"%s\" page %d: more is %d", q, page, more);
    if (n > 0) assert_true(store_email_fold(items[n - 1].email, after, sizeof after));
    arena_free(&a);
    if (!more) break;
  }
}

/* ---- the queries ---- */

static char *queries[MAX_QUERIES];
static int n_queries;

static void add_query(const char *q, size_t len) {
  if (len == 0 || len > 254 || n_queries >= MAX_QUERIES) return;
  char *s = strndup(q, len);
  for (int i = 0; i < n_queries; i++)
    if (strcmp(queries[i], s) == 0) {
      free(s);
      return;
    }
  queries[n_queries++] = s;
}

/* Substrings of 1 to 6 code points (not 5) at each start of the name (capped), and
 * the same with ASCII letters upper-cased. */
static void add_substrings(const char *s, int max_starts) {
  int starts = 0;
  for (const char *p = s; *p && starts < max_starts; p++) {
    if (((unsigned char)*p & 0xC0) == 0x80) continue;
    starts++;
    const char *e = p;
    for (int chars = 1; chars <= 6 && *e; chars++) {
      e++;
      while (((unsigned char)*e & 0xC0) == 0x80) e++;
      if (chars == 5) continue;
      add_query(p, (size_t)(e - p));
      if (chars < 3) continue;
      char upper[64];
      size_t len = (size_t)(e - p);
      if (len < sizeof upper) {
        for (size_t i = 0; i < len; i++)
          upper[i] = p[i] >= 'a' && p[i] <= 'z' ? (char)(p[i] - 'a' + 'A') : p[i];
        add_query(upper, len);
      }
    }
  }
}

static void build_queries(void) {
  static const char *const fixed[] = {
      "lukas", "LUKAS", "ukas", "uKaS V", "ana", "an", "a", "A", "Ø", "øde", "ØDE", "ödegård", "müller", "MÜLLER",
      "weiß", "WEISS", "émile", "ÉMILE", "Émile", "ÍSTAN", "istanbul", "İstanbul", "ǆemal", "Ǆemal", "ǅemal",
      "σίσυφος", "ΣΊΣΥΦΟΣ", "ς", "李", "佐藤", "e\xcc\x88", "Zoe\xcc\x88", "ia m", "\"", "\"hi\"", "say \"hi",
      "o'brien", "@", ".", ".x@", "@bulk", "b00", "b0001", "B00012.X@BULK.TEST", "x@bulk.test", "smith1",
      "@example.com", "zzzzzz", "qqq", "kelvin \xe2\x84\xaa", "kelvin k", "strasse", "STRAßE", "dots.and", "and.at@",
      "rare name 1", "Rare Name 29999", "\x1b[", "acc_extra000001", "acc_nonexistent", "acc_",
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) add_query(fixed[i], strlen(fixed[i]));
  for (int i = 0; i < n_accounts; i += 613) {
    add_substrings(accounts[i].name, i % 2 ? 2 : 3);
    size_t len = strlen(accounts[i].email_norm);
    for (size_t k = 1; k <= len && k <= 14; k += 1 + k / 3) add_query(accounts[i].email_norm, k);
    add_query(accounts[i].id, strlen(accounts[i].id));
  }
}

static void free_queries(void) {
  for (int i = 0; i < n_queries; i++) free(queries[i]);
  n_queries = 0;
}

static void check_all_queries(void) {
  for (int i = 0; i < n_queries; i++) check_query(queries[i], i % 3 ? 50 : 7, 4);
}

/* The e-mail keys increase with the e-mail, and the name index holds each
 * account's name under its key. */
static void check_keys(void) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db(), "SELECT email_key, name, email_norm FROM accounts ORDER BY email_norm",
                                      -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_stmt *probe;
  assert_int_equal(sqlite3_prepare_v2(db(),
                                      "SELECT count(*) FROM account_names_by_email WHERE account_names_by_email MATCH ?"
                                      " AND rowid = ?",
                                      -1, &probe, NULL),
                   SQLITE_OK);
  int64_t prev = 0;
  int rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) fail_msg("%s has no key", sqlite3_column_text(st, 2));
    int64_t key = sqlite3_column_int64(st, 0);
    if (key <= prev) fail_msg("%s: key %lld after %lld", sqlite3_column_text(st, 2), (long long)key, (long long)prev);
    prev = key;
    const char *name = (const char *)sqlite3_column_text(st, 1);
    /* every account with a plain 3-letter name start is found under its key */
    if (rows++ % 7 == 0 && strlen(name) >= 3 && is_ascii(name) && !strchr(name, '"')) {
      char phrase[8];
      snprintf(phrase, sizeof phrase, "\"%.3s\"", name);
      sqlite3_reset(probe);
      sqlite3_bind_text(probe, 1, phrase, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(probe, 2, key);
      assert_int_equal(sqlite3_step(probe), SQLITE_ROW);
      if (sqlite3_column_int(probe, 0) != 1) fail_msg("name \"%s\" is not indexed under its key", name);
    }
  }
  sqlite3_finalize(probe);
  sqlite3_finalize(st);
  exec("INSERT INTO account_names_by_email(account_names_by_email, rank) VALUES ('integrity-check', 0)");
}

/* ---- tests ---- */

static void every_page_equals_the_reference(void **state) {
  (void)state;
  load_reference();
  build_queries();
  printf("# %d queries\n", n_queries);
  assert_true(n_queries > 300);
  check_keys();
  check_all_queries();
  free_queries();
}

static int64_t pk_of_id(const char *id) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db(), "SELECT pk FROM accounts WHERE id = ?", -1, &st, NULL), SQLITE_OK);
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t pk = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return pk;
}

static bool finds(const char *q, int64_t pk) {
  struct store_conn *c = store_conn_get(store);
  char after[512] = "";
  bool found = false, more = true;
  for (int page = 0; more && !found; page++) {
    struct arena a;
    arena_init(&a);
    struct st_account_query aq = {.q = q, .limit = 200, .after_email = page ? after : NULL};
    struct st_account *items;
    int n;
    assert_int_equal(store_accounts_list(c, &a, &aq, &items, &n, &more), ST_OK);
    for (int i = 0; i < n; i++) found |= items[i].rowid == pk;
    if (n > 0) assert_true(store_email_fold(items[n - 1].email, after, sizeof after));
    arena_free(&a);
  }
  return found;
}

static void changed_names_and_emails_are_found_by_their_new_values_only(void **state) {
  (void)state;
  struct store_conn *c = store_conn_get(store);
  /* rectification of name and e-mail, and erasure (store_account_update,
   * as h_complete.c does) of every 97th account */
  int changed = 0;
  for (int64_t pk = 1; pk <= 33000; pk += 97, changed++) {
    struct arena a;
    arena_init(&a);
    struct st_account acc;
    if (store_account_by_rowid(c, &a, pk, &acc) != ST_OK) {
      arena_free(&a);
      continue;
    }
    if (changed % 3 == 2) {
      acc.email = arena_printf(&a, "erased+%s@invalid", acc.id);
      acc.name = "";
    } else {
      acc.email = arena_printf(&a, "%s.Renamed%lld@Changed.example", changed % 2 ? "zed" : "aaron", (long long)pk);
      acc.name = changed % 2 ? arena_printf(&a, "Quixotic Ñandú %lld", (long long)pk) : acc.name;
    }
    assert_int_equal(store_account_update(c, &acc), ST_OK);
    arena_free(&a);
  }
  /* a name changed outside the store (tests/reliability-console does so) */
  exec("UPDATE accounts SET name = 'Xylophone Outsider' WHERE id = 'acc_bulk000004'");
  int64_t outsider = pk_of_id("acc_bulk000004");
  assert_true(finds("xylophone outs", outsider));
  assert_false(finds("Ødegård Σίσυφος", outsider));
  /* a unique name and e-mail rectified */
  int64_t pk = pk_of_id("acc_bulk000003");
  assert_true(finds("Rare Name 3", pk) && finds("B23757.X@", pk)); /* 3 * 7919 % 30000 */
  struct arena a;
  arena_init(&a);
  struct st_account acc;
  assert_int_equal(store_account_by_rowid(c, &a, pk, &acc), ST_OK);
  acc.name = "Zebediah Newname";
  acc.email = "Zeb.New@Changed.example";
  assert_int_equal(store_account_update(c, &acc), ST_OK);
  arena_free(&a);
  assert_false(finds("Rare Name 3", pk) || finds("b23757", pk) || finds("b23757.x@bulk.test", pk));
  assert_true(finds("EDIAH NEWN", pk) && finds("zeb.new@", pk) && finds("bediah", pk));
  /* rectified and erased ones from the loop above: k = 1 (pk 98) and 2 (pk 195) */
  assert_true(finds("quixotic ñandú 98", 98) && finds("ZED.RENAMED98@", 98) && finds("aaron.renamed1@", 1));
  char erased[64];
  assert_int_equal(store_account_by_rowid(c, &a, 195, &acc), ST_OK);
  snprintf(erased, sizeof erased, "erased+%s", acc.id);
  assert_true(finds(erased, 195));
  arena_free(&a);
  load_reference();
  build_queries();
  add_query("Quixotic", 8);
  add_query("ñandú 3", strlen("ñandú 3"));
  add_query("erased+", 7);
  add_query("aaron.renamed", 13);
  check_keys();
  check_all_queries();
  free_queries();
}

/* Accounts added one after the other at the same place (ascending and
 * descending e-mails) use up the gap between two keys: the window around
 * them is respaced, at each level. */
static void keys_stay_ordered_when_gaps_run_out(void **state) {
  (void)state;
  char email[64];
  for (int i = 0; i < 150; i++) {
    snprintf(email, sizeof email, "lukas.vogel.up%04d@gap.test", i);
    add_account(email, "Lukas Gapfiller");
    snprintf(email, sizeof email, "lukas.vogel.down%04d@gap.test", 9999 - i);
    add_account(email, "Lukas Gapfiller");
  }
  check_keys();
  /* keys packed one apart: the next account respaces 8192 neighbours each
   * side (level 2), and with no room there either, all accounts (level 3) */
  for (int level = 2; level <= 3; level++) {
    exec("BEGIN;"
         "INSERT INTO account_names_by_email(account_names_by_email) VALUES ('delete-all');"
         "UPDATE accounts SET email_key = r.n FROM (SELECT pk, row_number() OVER (ORDER BY email_norm) AS n"
         " FROM accounts) AS r WHERE accounts.pk = r.pk;"
         "INSERT INTO account_names_by_email(rowid, name) SELECT email_key, name FROM accounts;"
         "COMMIT;");
    /* level 2 needs room within 8192 accounts: leave it after b20000 */
    if (level == 2) exec("UPDATE accounts SET email_key = email_key + 40000000000000 WHERE email_norm > 'b20000'");
    /* between b15000.x and b15001.x: 15,000 bulk accounts on each side */
    snprintf(email, sizeof email, "b15000.level%d@bulk.test", level);
    add_account(email, "Dense Level");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db(), "SELECT min(email_key), max(email_key) FROM accounts", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t min_key = sqlite3_column_int64(st, 0), max_key = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (level == 2) {
      assert_true(min_key == 1);                            /* far from the window: not moved */
      assert_true(max_key < INT64_C(1) << 50);
    } else {
      assert_true(min_key > INT64_C(1) << 40);              /* all respaced over (0, 2^62) */
      assert_true(max_key > INT64_C(1) << 61);
    }
    add_account(level == 2 ? "lukas.vogel.up0000a@gap.test" : "lukas.vogel.up0000b@gap.test", "Lukas Gapfiller");
    check_keys();
  }
  load_reference();
  build_queries();
  add_query("gapfiller", 9);
  add_query("dense lev", 9);
  add_query("lukas.vogel.up00", 16);
  check_all_queries();
  free_queries();
}

static long vm_steps(void) { return store_fixture_vm_steps(store); }

static void a_common_substring_costs_one_page(void **state) {
  (void)state;
  /* "ukas" is in 6,000+ names ("Lukas Vogel", one bulk account in five) and
   * starts no e-mail: the page must not read them all. Before migration 5
   * every match was read, its counts computed and sorted: 114,000 steps. */
  struct store_conn *c = store_conn_get(store);
  static const char *const common[] = {"ukas", "ukas vog", "ødegå", "rare name", "weiß"};
  for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
    for (int page = 0; page < 2; page++) {
      struct arena a;
      arena_init(&a);
      struct st_account_query aq = {.q = common[i], .limit = 50, .after_email = page ? "b1" : NULL};
      struct st_account *items;
      int n;
      bool more;
      vm_steps();
      assert_int_equal(store_accounts_list(c, &a, &aq, &items, &n, &more), ST_OK);
      long steps = vm_steps();
      assert_int_equal(n, 50);
      assert_true(more);
      if (page == 0) printf("# q \"%s\": %ld VM steps for a page of 50\n", common[i], steps);
      if (steps > 20000) fail_msg("q \"%s\" page %d: %ld VM steps for 50 rows", common[i], page, steps);
      arena_free(&a);
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_page_equals_the_reference),
      cmocka_unit_test(changed_names_and_emails_are_found_by_their_new_values_only),
      cmocka_unit_test(keys_stay_ordered_when_gaps_run_out),
      cmocka_unit_test(a_common_substring_costs_one_page),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
