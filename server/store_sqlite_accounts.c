/* SQLite store: accounts and their inventory. */
#include <stdio.h>
#include <string.h>

#include "server/store_common.h"
#include "server/store_sqlite_int.h"

/* An account's two counts (active holds, open requests) are columns kept by
 * triggers (migration 6): counting them per row cost two index seeks per
 * account, half the time of a 50-row page (docs/PERFORMANCE.md). */
#define ACCOUNT_COLUMNS                                                                        \
  "a.pk, a.id, a.email, a.name, a.status, a.jurisdiction, a.created_at, a.closed_at,"        \
  " a.is_minor, a.analytics_enabled, a.marketing_consent, a.marketing_consent_at,"           \
  " a.active_holds, a.open_requests, a.version, a.updated_at, a.email_norm"

static void read_account(struct arena *a, sqlite3_stmt *st, struct st_account *out) {
  out->rowid = sqlite3_column_int64(st, 0);
  st_col_id(st, 1, out->id);
  out->email = st_col_text(a, st, 2);
  out->name = st_col_text(a, st, 3);
  int v = pd_account_status_parse((const char *)sqlite3_column_text(st, 4));
  out->status = v < 0 ? PD_ACC_ACTIVE : (enum pd_account_status)v;
  v = pd_jurisdiction_parse((const char *)sqlite3_column_text(st, 5));
  out->jurisdiction = v < 0 ? PD_JUR_OTHER : (enum pd_jurisdiction)v;
  out->created_at = sqlite3_column_int64(st, 6);
  out->closed_at = sqlite3_column_int64(st, 7);
  out->is_minor = sqlite3_column_int(st, 8) != 0;
  out->analytics_enabled = sqlite3_column_int(st, 9) != 0;
  out->marketing_consent = sqlite3_column_int(st, 10) != 0;
  out->marketing_consent_at = sqlite3_column_int64(st, 11);
  out->active_holds = sqlite3_column_int(st, 12);
  out->open_requests = sqlite3_column_int(st, 13);
  out->version = sqlite3_column_int64(st, 14);
  out->updated_at = sqlite3_column_int64(st, 15);
}

static int read_one_account(struct sqlite_conn *c, struct arena *a, sqlite3_stmt *st, struct st_account *out) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading an account");
  read_account(a, st, out);
  sqlite3_reset(st);
  return ST_OK;
}

int sqlite_account_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_account *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, id);
  return read_one_account(c, a, st, out);
}

int sqlite_account_by_rowid(struct store_conn *conn_, struct arena *a, int64_t rowid, struct st_account *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.pk = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, rowid);
  return read_one_account(c, a, st, out);
}

static bool bind_email(sqlite3_stmt *st, int i_email, int i_norm, const char *email) {
  char norm[512];
  if (!store_email_fold(email, norm, sizeof norm)) return false;
  st_bind_text(st, i_email, email);
  st_bind_text(st, i_norm, norm);
  return true;
}

int sqlite_account_insert(struct store_conn *conn_, struct st_account *acc) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(
      c, "INSERT INTO accounts (id, email, email_norm, name, status, jurisdiction, created_at, closed_at,"
         " is_minor, analytics_enabled, marketing_consent, marketing_consent_at, version, updated_at)"
         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, acc->id);
  if (!bind_email(st, 2, 3, acc->email)) return ST_ERROR;
  st_bind_text(st, 4, acc->name);
  st_bind_text(st, 5, pd_account_status_name(acc->status));
  st_bind_text(st, 6, pd_jurisdiction_name(acc->jurisdiction));
  sqlite3_bind_int64(st, 7, acc->created_at);
  st_bind_time(st, 8, acc->closed_at);
  sqlite3_bind_int(st, 9, acc->is_minor);
  sqlite3_bind_int(st, 10, acc->analytics_enabled);
  sqlite3_bind_int(st, 11, acc->marketing_consent);
  st_bind_time(st, 12, acc->marketing_consent_at);
  sqlite3_bind_int64(st, 13, acc->version);
  sqlite3_bind_int64(st, 14, acc->updated_at);
  int rc = st_step_done(c, st, "inserting an account");
  if (rc == ST_OK) acc->rowid = sqlite3_last_insert_rowid(c->db);
  return rc;
}

int sqlite_account_update(struct store_conn *conn_, const struct st_account *acc) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(
      c, "UPDATE accounts SET email = ?, email_norm = ?, name = ?, status = ?, closed_at = ?,"
         " analytics_enabled = ?, marketing_consent = ?, marketing_consent_at = ?, version = ?,"
         " updated_at = ? WHERE pk = ?");
  if (!st) return ST_ERROR;
  if (!bind_email(st, 1, 2, acc->email)) return ST_ERROR;
  st_bind_text(st, 3, acc->name);
  st_bind_text(st, 4, pd_account_status_name(acc->status));
  st_bind_time(st, 5, acc->closed_at);
  sqlite3_bind_int(st, 6, acc->analytics_enabled);
  sqlite3_bind_int(st, 7, acc->marketing_consent);
  st_bind_time(st, 8, acc->marketing_consent_at);
  sqlite3_bind_int64(st, 9, acc->version);
  sqlite3_bind_int64(st, 10, acc->updated_at);
  sqlite3_bind_int64(st, 11, acc->rowid);
  return st_step_done(c, st, "updating an account");
}

int sqlite_account_touch(struct store_conn *conn_, int64_t account_rowid, int64_t now) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "UPDATE accounts SET version = version + 1, updated_at = ? WHERE pk = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, account_rowid);
  return st_step_done(c, st, "touching an account");
}

/* Reads up to q->limit + 1 rows of st into a growing list; sets *more. */
static int collect_accounts(struct sqlite_conn *c, struct arena *a, sqlite3_stmt *st, int limit,
                            struct st_account **items, int *n, bool *more) {
  struct st_account *rows = arena_alloc(a, sizeof *rows * (size_t)(limit + 1));
  int count = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && count <= limit) read_account(a, st, &rows[count++]);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return st_fail(c, "listing accounts");
  *more = count > limit;
  *n = count > limit ? limit : count;
  *items = rows;
  return ST_OK;
}

/* Reads up to max rows of (pk, folded e-mail) of st: the keys a merge
 * compares. The folded e-mail (ASCII lower case, store_email_fold) orders
 * as the merge's case-insensitive comparison of e-mails does, and the
 * e-mail range reads it from its index alone, without the rows. */
static int collect_keys(struct sqlite_conn *c, struct arena *a, sqlite3_stmt *st, int max, struct st_account **keys,
                        int *n) {
  struct st_account *rows = arena_alloc(a, sizeof *rows * (size_t)max);
  int count = 0, rc = SQLITE_DONE;
  while (count < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rows[count] = (struct st_account){.rowid = sqlite3_column_int64(st, 0)};
    rows[count++].email = st_col_text(a, st, 1);
  }
  if (count == max) rc = SQLITE_DONE;
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "listing accounts");
  *keys = rows;
  *n = count;
  return ST_OK;
}

/* The FTS5 query for a substring: one quoted string, inner quotes doubled. */
static char *fts_phrase(struct arena *a, const char *q) {
  size_t n = strlen(q), k = 0;
  char *out = arena_alloc(a, 2 * n + 3);
  out[k++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (q[i] == '"') out[k++] = '"';
    out[k++] = q[i];
  }
  out[k++] = '"';
  out[k] = '\0';
  return out;
}

static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* Could some name contain q? A name that contains q contains each of its
 * trigrams, so one trigram found in no name rules q out. Probing the
 * trigrams one by one (LIMIT 1: the first entry of a term's list) costs
 * microseconds, where the phrase query reads the full lists of common
 * trigrams ("luk", "ria": tens of thousands of names) before it finds the
 * rare one ("s.v") empty: an e-mail prefix such as "lukas.va" would pay
 * about 2 ms for a name search that cannot match. Trigrams with a
 * character that is not a letter are the likely misses: tried first. */
static int name_may_contain(struct sqlite_conn *c, struct arena *a, const char *q, bool *may) {
  size_t starts[256], n = 0;
  for (size_t i = 0; q[i] && n < 256; i++)
    if (((unsigned char)q[i] & 0xC0) != 0x80) starts[n++] = i;
  *may = true;
  if (n < 3 || n >= 256) return ST_OK;
  sqlite3_stmt *st = st_prepare(c, "SELECT 1 FROM account_names_by_email WHERE account_names_by_email MATCH ? LIMIT 1");
  if (!st) return ST_ERROR;
  for (int pass = 0; pass < 2 && *may; pass++)
    for (size_t i = 0; i + 2 < n && *may; i++) {
      size_t end = i + 3 < n ? starts[i + 3] : strlen(q), len = end - starts[i];
      bool odd = false;
      for (size_t k = starts[i]; k < end; k++) {
        unsigned char ch = (unsigned char)q[k];
        if (ch < 0x80 && !((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z')) odd = true;
      }
      if (odd != (pass == 0)) continue;
      char *window = arena_alloc(a, len + 1);
      memcpy(window, q + starts[i], len);
      window[len] = '\0';
      sqlite3_reset(st);
      st_bind_text(st, 1, fts_phrase(a, window));
      int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) *may = false;
      else if (rc != SQLITE_ROW) return st_fail(c, "probing the name index");
    }
  sqlite3_reset(st);
  return ST_OK;
}

/* The full rows of keys (at most a page), in the keys' order: one statement
 * over a JSON array of their pks. */
static int read_in_key_order(struct sqlite_conn *c, struct arena *a, const struct st_account *keys, int n_keys,
                             struct st_account **items, int *n) {
  struct st_account *rows = arena_alloc(a, sizeof *rows * (size_t)(n_keys ? n_keys : 1));
  *items = rows;
  *n = n_keys;
  if (n_keys == 0) return ST_OK;
  char *pks = arena_alloc(a, (size_t)n_keys * 21 + 2), *p = pks;
  *p++ = '[';
  for (int i = 0; i < n_keys; i++) p += sprintf(p, "%s%lld", i ? "," : "", (long long)keys[i].rowid);
  *p++ = ']';
  *p = '\0';
  sqlite3_stmt *st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a"
                                   " WHERE a.pk IN (SELECT value FROM json_each(?))");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, pks);
  int found = 0, rc;
  struct st_account row;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    read_account(a, st, &row);
    for (int i = 0; i < n_keys; i++)
      if (keys[i].rowid == row.rowid) {
        rows[i] = row;
        found++;
      }
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "listing accounts");
  return found == n_keys ? ST_OK : st_fail(c, "a listed account vanished");
}

/* The e-mail-ordered merge of an e-mail prefix range and a name match: each
 * side yields at most limit + 1 rows in e-mail order, so their merge does too. */
int sqlite_accounts_list(struct store_conn *conn_, struct arena *a, const struct st_account_query *q,
                        struct st_account **items, int *n, bool *more) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  const char *after = q->after_email ? q->after_email : "";
  sqlite3_stmt *st;
  if (!q->q) {
    st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.email_norm > ?"
                       " ORDER BY a.email_norm LIMIT ?");
    if (!st) return ST_ERROR;
    st_bind_text(st, 1, after);
    sqlite3_bind_int(st, 2, q->limit + 1);
    return collect_accounts(c, a, st, q->limit, items, n, more);
  }
  if (strncmp(q->q, "acc_", 4) == 0) {
    st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = ? AND a.email_norm > ?"
                       " LIMIT ?");
    if (!st) return ST_ERROR;
    st_bind_text(st, 1, q->q);
    st_bind_text(st, 2, after);
    sqlite3_bind_int(st, 3, q->limit + 1);
    return collect_accounts(c, a, st, q->limit, items, n, more);
  }
  char lo[512], hi[513];
  if (!store_email_fold(q->q, lo, sizeof lo)) return ST_ERROR;
  st_prefix_end(lo, hi);
  bool may = false;
  if (utf8_chars(q->q) >= 3 && name_may_contain(c, a, q->q, &may) != ST_OK) return ST_ERROR;
  if (!may) {
    st = st_prepare(c, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.email_norm >= ? AND a.email_norm < ?"
                       " AND a.email_norm > ? ORDER BY a.email_norm LIMIT ?");
    if (!st) return ST_ERROR;
    st_bind_text(st, 1, lo);
    st_bind_text(st, 2, hi);
    st_bind_text(st, 3, after);
    sqlite3_bind_int(st, 4, q->limit + 1);
    return collect_accounts(c, a, st, q->limit, items, n, more);
  }
  /* Both sides yield up to limit + 1 keys (pk, e-mail) in e-mail order; the
   * merge keeps limit + 1, and only the page's rows are read in full (with
   * their two counts): reading both sides in full cost twice as much. */
  st = st_prepare(c, "SELECT a.pk, a.email_norm FROM accounts a WHERE a.email_norm >= ? AND a.email_norm < ?"
                     " AND a.email_norm > ? ORDER BY a.email_norm LIMIT ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, lo);
  st_bind_text(st, 2, hi);
  st_bind_text(st, 3, after);
  sqlite3_bind_int(st, 4, q->limit + 1);
  struct st_account *by_email, *by_name, *keys;
  int n_email, n_name, n_keys;
  int rc = collect_keys(c, a, st, q->limit + 1, &by_email, &n_email);
  if (rc != ST_OK) return rc;
  /* The index's rowids are e-mail keys (migration 5): its first limit + 1
   * matches past the cursor's key are the name side, read in e-mail order. */
  st = st_prepare(c, "SELECT a.pk, a.email_norm FROM accounts a WHERE a.email_key IN"
                     " (SELECT rowid FROM account_names_by_email WHERE account_names_by_email MATCH ?1"
                     "  AND rowid > coalesce((SELECT email_key FROM accounts WHERE email_norm <= ?2"
                     "   ORDER BY email_norm DESC LIMIT 1), 0) ORDER BY rowid LIMIT ?3)"
                     " AND a.email_norm > ?2 ORDER BY a.email_norm");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, fts_phrase(a, q->q));
  st_bind_text(st, 2, after);
  sqlite3_bind_int(st, 3, q->limit + 1);
  rc = collect_keys(c, a, st, q->limit + 1, &by_name, &n_name);
  if (rc != ST_OK) return rc;
  st_accounts_merge(a, by_email, n_email, by_name, n_name, q->limit, &keys, &n_keys, more);
  return read_in_key_order(c, a, keys, n_keys, items, n);
}

/* ---- inventory ---- */

int sqlite_inventory_get(struct store_conn *conn_, struct arena *a, int64_t account_rowid,
                        struct st_inventory_row rows[PD_CATEGORY_COUNT]) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    memset(&rows[i], 0, sizeof rows[i]);
    rows[i].category = (enum pd_category)i;
    rows[i].state = PD_INV_PRESENT;
  }
  sqlite3_stmt *st = st_prepare(c, "SELECT category, records, bytes, oldest, newest, state, retained_until,"
                                   " retained_because FROM inventory WHERE account_pk = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, account_rowid);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int cat = pd_category_parse((const char *)sqlite3_column_text(st, 0));
    if (cat < 0) continue;
    struct st_inventory_row *r = &rows[cat];
    r->records = sqlite3_column_int64(st, 1);
    r->bytes = sqlite3_column_int64(st, 2);
    r->oldest = sqlite3_column_int64(st, 3);
    r->newest = sqlite3_column_int64(st, 4);
    int state = pd_inventory_state_parse((const char *)sqlite3_column_text(st, 5));
    r->state = state < 0 ? PD_INV_PRESENT : (enum pd_inventory_state)state;
    r->retained_until = sqlite3_column_int64(st, 6);
    r->retained_because = st_col_text(a, st, 7);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? ST_OK : st_fail(c, "reading an inventory");
}

int sqlite_inventory_put(struct store_conn *conn_, int64_t account_rowid, const struct st_inventory_row *row) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "INSERT OR REPLACE INTO inventory (account_pk, category, records, bytes,"
                                   " oldest, newest, state, retained_until, retained_because)"
                                   " VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, account_rowid);
  st_bind_text(st, 2, pd_category_key(row->category));
  sqlite3_bind_int64(st, 3, row->records);
  sqlite3_bind_int64(st, 4, row->bytes);
  st_bind_time(st, 5, row->oldest);
  st_bind_time(st, 6, row->newest);
  st_bind_text(st, 7, pd_inventory_state_name(row->state));
  st_bind_time(st, 8, row->retained_until);
  st_bind_text(st, 9, row->retained_because);
  return st_step_done(c, st, "writing an inventory row");
}

/* Migration 5 (listed in store_sqlite.c): the name search in e-mail order.
 *
 * The trigram index used to be keyed by pk, so a page of a common substring
 * ("lukas": 21,000 names) read and sorted every match. account_names_by_email
 * is the same FTS5 trigram index (same matching, same folding) keyed by
 * accounts.email_key instead: an integer that increases with email_norm, so
 * FTS5's rowid order is the e-mail order and a page stops after limit + 1
 * matches. Keys are sparse (the migration and a bulk load spread them
 * evenly over (0, 2^62): 2^42 apart at a million accounts): a new or
 * re-addressed account takes the middle of the gap between its neighbours
 * (at most 2^40 after its predecessor, below 2^62 at the end). A gap used up
 * (some 40 accounts added one after the other at the same place) respaces
 * a window around the account evenly: its 64 neighbours on each side, or
 * 8192 when those are packed too tight, or all accounts as a last resort
 * (account_key_relabel holds the chosen window for the statements that move
 * it). The last resort renumbers every account in one write (35-110 s at a
 * million); with these spacings it needs millions of accounts arriving
 * between two neighbours. The index is contentless: the triggers give it
 * the old values. */
#define KEY_TOP "4611686018427387904" /* 2^62: keys lie in (0, 2^62) */
/* At most this far past its predecessor: a database that grows from empty
 * through the API (no migration or seed to spread its keys) only widens its
 * key span when an account sorts after all others, so a wide step keeps
 * that span roomy: windows of 8192 rows stay far from packed until some
 * ten million accounts. */
#define KEY_STEP "1099511627776"      /* 2^40 */
#define PRED_KEY(off)                                                                        \
  "(SELECT email_key FROM accounts WHERE email_norm < new.email_norm"                         \
  " ORDER BY email_norm DESC LIMIT 1 OFFSET " off ")"
#define SUCC_KEY(off)                                                                        \
  "(SELECT email_key FROM accounts WHERE email_norm > new.email_norm"                         \
  " ORDER BY email_norm LIMIT 1 OFFSET " off ")"
/* The window of w accounts on each side of new.email_norm: bounds and their
 * keys (none there: the ends of the key range). */
#define WINDOW_BOUNDS(w)                                                                     \
  " coalesce((SELECT email_norm FROM accounts WHERE email_norm < new.email_norm"              \
  "   ORDER BY email_norm DESC LIMIT 1 OFFSET " w "), ''),"                                     \
  " coalesce(" PRED_KEY(w) ", 0),"                                                            \
  " coalesce((SELECT email_norm FROM accounts WHERE email_norm > new.email_norm"              \
  "   ORDER BY email_norm LIMIT 1 OFFSET " w "), CAST(x'ff' AS TEXT)),"                         \
  " coalesce(" SUCC_KEY(w) ", " KEY_TOP ")"
#define IN_WINDOW "FROM account_key_relabel w JOIN accounts a ON a.email_norm > w.lo AND a.email_norm < w.hi"
/* Gives the row new.pk (email_key null) a key, respacing first if need be,
 * and indexes its name. The window is chosen in steps (a row only when the
 * gap is used up, widened only when too tight): bounds 8192 rows away cost
 * 8192 steps to find, so they must not be computed for every insert. */
#define PLACE_NEW_ROW                                                                        \
  "INSERT INTO account_key_relabel (lvl, lo, lo_key, hi, hi_key) SELECT 1," WINDOW_BOUNDS("64")  \
  " WHERE (SELECT email_key FROM accounts WHERE pk = new.pk) IS NULL"                           \
  "  AND coalesce(" SUCC_KEY("0") ", " KEY_TOP ") - coalesce(" PRED_KEY("0") ", 0) < 2;"         \
  "UPDATE account_key_relabel SET (lvl, lo, lo_key, hi, hi_key) = (SELECT 2," WINDOW_BOUNDS("8192") ")" \
  " WHERE hi_key - lo_key < (2 * 64 + 3) * 1048576;"                                          \
  "UPDATE account_key_relabel SET lvl = 3, lo = '', lo_key = 0, hi = CAST(x'ff' AS TEXT), hi_key = " KEY_TOP \
  " WHERE lvl = 2 AND hi_key - lo_key < (2 * 8192 + 3) * 1048576;"                             \
  "INSERT INTO account_names_by_email(account_names_by_email, rowid, name)"                   \
  " SELECT 'delete', a.email_key, a.name " IN_WINDOW " WHERE a.email_key IS NOT NULL;"        \
  "UPDATE accounts SET email_key = r.lo_key + r.i * ((r.hi_key - r.lo_key) / (r.n + 1)) FROM" \
  " (SELECT a.pk, row_number() OVER (ORDER BY a.email_norm) AS i, count(*) OVER () AS n,"     \
  "   w.lo_key, w.hi_key " IN_WINDOW ") AS r WHERE accounts.pk = r.pk;"                       \
  "INSERT INTO account_names_by_email(rowid, name)"                                            \
  " SELECT a.email_key, a.name " IN_WINDOW " WHERE a.pk <> new.pk;"                           \
  "DELETE FROM account_key_relabel;"                                                           \
  "UPDATE accounts SET email_key = (SELECT p + min((n - p) / 2, " KEY_STEP ") FROM"            \
  " (SELECT coalesce(" PRED_KEY("0") ", 0) AS p, coalesce(" SUCC_KEY("0") ", " KEY_TOP ") AS n))" \
  " WHERE pk = new.pk AND email_key IS NULL;"                                                  \
  "INSERT INTO account_names_by_email(rowid, name) SELECT email_key, name FROM accounts WHERE pk = new.pk;"

/* Every account keyed afresh, spread evenly over the key range (gaps of
 * 2^42 at a million accounts: a spot where many e-mails arrive must take
 * millions before a respacing reaches past its own 8192 rows), and the index
 * rebuilt in key order. */
#define RENUMBER_ALL                                                                          \
  "UPDATE accounts SET email_key = r.n * r.gap FROM"                                          \
  " (SELECT pk, row_number() OVER (ORDER BY email_norm) AS n,"                                \
  "   " KEY_TOP " / (count(*) OVER () + 2) AS gap FROM accounts) AS r"                           \
  " WHERE accounts.pk = r.pk;"                                                                \
  "INSERT INTO account_names_by_email(rowid, name) SELECT email_key, name FROM accounts ORDER BY email_key;" \
  "INSERT INTO account_names_by_email(account_names_by_email) VALUES ('optimize');"

/* While a bulk load (seeding) holds a row in account_key_bulk, the triggers
 * leave keys and index alone (placing a million accounts one by one costs
 * five times their insertion); its commit runs st_name_search_rebuild. */
#define UNLESS_BULK "NOT EXISTS (SELECT 1 FROM account_key_bulk)"

const char st_name_search_bulk_begin[] = "INSERT INTO account_key_bulk VALUES (1);";
const char st_name_search_rebuild[] =
    "DELETE FROM account_key_bulk;"
    "INSERT INTO account_names_by_email(account_names_by_email) VALUES ('delete-all');" RENUMBER_ALL;

const char st_migration_name_search[] =
    "DROP TRIGGER accounts_ai; DROP TRIGGER accounts_ad; DROP TRIGGER accounts_au;"
    "DROP TABLE account_names;"
    "ALTER TABLE accounts ADD COLUMN email_key INTEGER;"
    "CREATE INDEX accounts_email_key ON accounts(email_key);"
    "CREATE VIRTUAL TABLE account_names_by_email USING fts5(name, content='', tokenize='trigram');"
    RENUMBER_ALL
    "CREATE TABLE account_key_relabel (lvl INTEGER NOT NULL, lo TEXT NOT NULL, lo_key INTEGER NOT NULL,"
    "  hi TEXT NOT NULL, hi_key INTEGER NOT NULL);"
    "CREATE TABLE account_key_bulk (active INTEGER NOT NULL);"
    "CREATE TRIGGER accounts_names_ai AFTER INSERT ON accounts WHEN " UNLESS_BULK " BEGIN " PLACE_NEW_ROW " END;"
    "CREATE TRIGGER accounts_names_ad AFTER DELETE ON accounts WHEN old.email_key IS NOT NULL AND " UNLESS_BULK
    " BEGIN"
    "  INSERT INTO account_names_by_email(account_names_by_email, rowid, name)"
    "  VALUES ('delete', old.email_key, old.name); END;"
    "CREATE TRIGGER accounts_names_au AFTER UPDATE OF name, email_norm ON accounts WHEN " UNLESS_BULK " BEGIN"
    "  INSERT INTO account_names_by_email(account_names_by_email, rowid, name)"
    "  SELECT 'delete', old.email_key, old.name WHERE old.email_key IS NOT NULL;"
    "  UPDATE accounts SET email_key = NULL WHERE pk = new.pk AND old.email_norm IS NOT new.email_norm;"
    PLACE_NEW_ROW " END;";

/* Each account's active holds and open requests, counted once here and then
 * kept by the triggers on every insert, delete and change of status or owner
 * (tests/unit/test_store_counts.c compares them with fresh counts). Adding
 * a column with a default rewrites no row; the two UPDATEs touch only the
 * accounts that have something to count. */
#define COUNT_TRIGGERS(table, col, is_counted)                                                  \
  "CREATE TRIGGER account_" col "_ai AFTER INSERT ON " table " WHEN " is_counted("new") " BEGIN" \
  "  UPDATE accounts SET " col " = " col " + 1 WHERE pk = new.account_pk; END;"                 \
  "CREATE TRIGGER account_" col "_ad AFTER DELETE ON " table " WHEN " is_counted("old") " BEGIN" \
  "  UPDATE accounts SET " col " = " col " - 1 WHERE pk = old.account_pk; END;"                 \
  "CREATE TRIGGER account_" col "_au AFTER UPDATE OF status, account_pk ON " table              \
  "  WHEN (" is_counted("old") ") IS NOT (" is_counted("new") ")"                               \
  "    OR (" is_counted("new") " AND old.account_pk IS NOT new.account_pk) BEGIN"               \
  "  UPDATE accounts SET " col " = " col " - 1 WHERE pk = old.account_pk AND " is_counted("old") ";" \
  "  UPDATE accounts SET " col " = " col " + 1 WHERE pk = new.account_pk AND " is_counted("new") ";" \
  " END;"
#define HOLD_IS_ACTIVE(row) row ".status = 'active'"
#define REQUEST_IS_OPEN(row) row ".is_open = 1"

const char st_migration_account_counts[] =
    "ALTER TABLE accounts ADD COLUMN active_holds INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE accounts ADD COLUMN open_requests INTEGER NOT NULL DEFAULT 0;"
    "UPDATE accounts SET active_holds = h.n FROM (SELECT account_pk, count(*) AS n FROM holds"
    "  WHERE status = 'active' GROUP BY account_pk) AS h WHERE accounts.pk = h.account_pk;"
    "UPDATE accounts SET open_requests = r.n FROM (SELECT account_pk, count(*) AS n FROM requests"
    "  WHERE is_open = 1 GROUP BY account_pk) AS r WHERE accounts.pk = r.account_pk;"
    COUNT_TRIGGERS("holds", "active_holds", HOLD_IS_ACTIVE)
    COUNT_TRIGGERS("requests", "open_requests", REQUEST_IS_OPEN);
