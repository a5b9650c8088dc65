/* PostgreSQL store: accounts and their inventory (same results as
 * store_sqlite_accounts.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/store_common.h"
#include "server/store_pg_int.h"

#define ACCOUNT_COLUMNS                                                                        \
  "a.pk, a.id, a.email, a.name, a.status, a.jurisdiction, a.created_at, a.closed_at,"        \
  " a.is_minor, a.analytics_enabled, a.marketing_consent, a.marketing_consent_at,"           \
  " (SELECT count(*) FROM holds h WHERE h.account_pk = a.pk AND h.status = 'active'),"       \
  " (SELECT count(*) FROM requests r WHERE r.account_pk = a.pk AND r.is_open),"              \
  " a.version, a.updated_at, a.email_norm"

static void read_account(struct arena *a, const PGresult *r, int row, struct st_account *out) {
  out->rowid = pg_col_int(r, row, 0);
  pg_col_id(r, row, 1, out->id);
  out->email = pg_col_text(a, r, row, 2);
  out->name = pg_col_text(a, r, row, 3);
  int v = pd_account_status_parse(pg_col_raw(r, row, 4));
  out->status = v < 0 ? PD_ACC_ACTIVE : (enum pd_account_status)v;
  v = pd_jurisdiction_parse(pg_col_raw(r, row, 5));
  out->jurisdiction = v < 0 ? PD_JUR_OTHER : (enum pd_jurisdiction)v;
  out->created_at = pg_col_int(r, row, 6);
  out->closed_at = pg_col_int(r, row, 7);
  out->is_minor = pg_col_bool(r, row, 8);
  out->analytics_enabled = pg_col_bool(r, row, 9);
  out->marketing_consent = pg_col_bool(r, row, 10);
  out->marketing_consent_at = pg_col_int(r, row, 11);
  out->active_holds = (int)pg_col_int(r, row, 12);
  out->open_requests = (int)pg_col_int(r, row, 13);
  out->version = pg_col_int(r, row, 14);
  out->updated_at = pg_col_int(r, row, 15);
}

static int one_account(struct pg_conn *c, struct arena *a, const char *sql, struct pg_params *p,
                       struct st_account *out) {
  int rc;
  PGresult *r = pg_run(c, sql, p, "reading an account", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0)
    rc = ST_NOT_FOUND;
  else
    read_account(a, r, 0, out);
  PQclear(r);
  return rc;
}

int pg_account_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_account *out) {
  struct pg_params p = {0};
  pg_text(&p, id);
  return one_account(pg_conn_of(conn_), a, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = $1", &p, out);
}

int pg_account_by_rowid(struct store_conn *conn_, struct arena *a, int64_t rowid, struct st_account *out) {
  struct pg_params p = {0};
  pg_int(&p, rowid);
  return one_account(pg_conn_of(conn_), a, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.pk = $1", &p, out);
}

int pg_account_insert(struct store_conn *conn_, struct st_account *acc) {
  struct pg_conn *c = pg_conn_of(conn_);
  char norm[512];
  if (!store_email_fold(acc->email, norm, sizeof norm)) return ST_ERROR;
  struct pg_params p = {0};
  pg_text(&p, acc->id);
  pg_text(&p, acc->email);
  pg_text(&p, norm);
  pg_text(&p, acc->name);
  pg_text(&p, pd_account_status_name(acc->status));
  pg_text(&p, pd_jurisdiction_name(acc->jurisdiction));
  pg_int(&p, acc->created_at);
  pg_time(&p, acc->closed_at);
  pg_bool(&p, acc->is_minor);
  pg_bool(&p, acc->analytics_enabled);
  pg_bool(&p, acc->marketing_consent);
  pg_time(&p, acc->marketing_consent_at);
  pg_int(&p, acc->version);
  pg_int(&p, acc->updated_at);
  int rc;
  if (pg_bulk_insert(c)) { /* seeding: the key drawn ahead, the insert pipelined */
    int64_t pk;
    if ((rc = pg_bulk_key(c, PG_KEYS_ACCOUNTS, &pk)) != ST_OK) return rc;
    pg_int(&p, pk);
    rc = pg_run_done(c, "INSERT INTO accounts (id, email, email_norm, name, status, jurisdiction, created_at,"
                        " closed_at, is_minor, analytics_enabled, marketing_consent, marketing_consent_at, version,"
                        " updated_at, pk) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
                     &p, "inserting an account");
    if (rc == ST_OK) acc->rowid = pk;
    return rc;
  }
  /* a taken id or e-mail: no row, ST_CONFLICT, and the transaction goes on (as in SQLite) */
  PGresult *r = pg_run(c, "INSERT INTO accounts (id, email, email_norm, name, status, jurisdiction, created_at,"
                          " closed_at, is_minor, analytics_enabled, marketing_consent, marketing_consent_at, version,"
                          " updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
                          " ON CONFLICT DO NOTHING RETURNING pk",
                       &p, "inserting an account", &rc);
  if (r) {
    if (PQntuples(r) == 1)
      acc->rowid = pg_col_int(r, 0, 0);
    else
      rc = ST_CONFLICT;
  }
  PQclear(r);
  return rc;
}

int pg_account_update(struct store_conn *conn_, const struct st_account *acc) {
  struct pg_conn *c = pg_conn_of(conn_);
  char norm[512];
  if (!store_email_fold(acc->email, norm, sizeof norm)) return ST_ERROR;
  struct pg_params p = {0};
  pg_text(&p, acc->email);
  pg_text(&p, norm);
  pg_text(&p, acc->name);
  pg_text(&p, pd_account_status_name(acc->status));
  pg_time(&p, acc->closed_at);
  pg_bool(&p, acc->analytics_enabled);
  pg_bool(&p, acc->marketing_consent);
  pg_time(&p, acc->marketing_consent_at);
  pg_int(&p, acc->version);
  pg_int(&p, acc->updated_at);
  pg_int(&p, acc->rowid);
  int rc;
  /* Conditional on the version it replaces (the caller read version - 1
   * in this transaction) and on the e-mail being free: neither failure
   * aborts the transaction. */
  PGresult *r = pg_run(c, "UPDATE accounts SET email = $1, email_norm = $2, name = $3, status = $4, closed_at = $5,"
                          " analytics_enabled = $6, marketing_consent = $7, marketing_consent_at = $8,"
                          " version = $9::bigint, updated_at = $10 WHERE pk = $11::bigint AND " PG_VERSION_CHECK("$9")
                          " AND NOT EXISTS (SELECT 1 FROM accounts o WHERE o.email_norm = $2 AND o.pk <> $11::bigint)"
                          " RETURNING pk",
                       &p, "updating an account", &rc);
  if (!r) return rc;
  int n = PQntuples(r);
  PQclear(r);
  if (n == 1) return ST_OK;
  struct pg_params q = {0};
  pg_int(&q, acc->rowid);
  pg_text(&q, norm);
  r = pg_run(c, "SELECT (SELECT version FROM accounts WHERE pk = $1::bigint),"
                " EXISTS (SELECT 1 FROM accounts WHERE email_norm = $2 AND pk <> $1::bigint)",
             &q, "checking an account update", &rc);
  if (!r) return rc;
  if (pg_col_bool(r, 0, 1)) {
    rc = ST_CONFLICT;
  } else if (PQgetisnull(r, 0, 0)) {
    rc = ST_NOT_FOUND;
  } else {
    c->retryable = true; /* someone else wrote it meanwhile: a re-run answers 412 */
    char msg[128];
    snprintf(msg, sizeof msg, "account %s is at version %s, not %lld", acc->id, pg_col_raw(r, 0, 0),
             (long long)acc->version - 1);
    rc = pg_fail(c, "update lost to a concurrent write (retrying)", msg);
  }
  PQclear(r);
  return rc;
}

int pg_account_touch(struct store_conn *conn_, int64_t account_rowid, int64_t now) {
  struct pg_params p = {0};
  pg_int(&p, now);
  pg_int(&p, account_rowid);
  return pg_run_done(pg_conn_of(conn_), "UPDATE accounts SET version = version + 1, updated_at = $1 WHERE pk = $2", &p,
                     "touching an account");
}

/* Reads up to limit + 1 rows into a list; sets *more. */
static int collect_accounts(struct pg_conn *c, struct arena *a, const char *sql, struct pg_params *p, int limit,
                            struct st_account **items, int *n, bool *more) {
  int rc;
  PGresult *r = pg_run(c, sql, p, "listing accounts", &rc);
  if (!r) return rc;
  int count = PQntuples(r);
  if (count > limit + 1) count = limit + 1;
  struct st_account *rows = arena_alloc(a, sizeof *rows * (size_t)(limit + 1));
  for (int i = 0; i < count; i++) read_account(a, r, i, &rows[i]);
  PQclear(r);
  *more = count > limit;
  *n = count > limit ? limit : count;
  *items = rows;
  return ST_OK;
}

static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* The e-mail-ordered merge of an e-mail prefix range and a name match, as
 * the SQLite store does it: each side yields at most limit + 1 rows in
 * e-mail order, so their merge does too. Name matches: a case-insensitive
 * substring (ILIKE, served by the pg_trgm index), from 3 characters on. */
int pg_accounts_list(struct store_conn *conn_, struct arena *a, const struct st_account_query *q,
                     struct st_account **items, int *n, bool *more) {
  struct pg_conn *c = pg_conn_of(conn_);
  const char *after = q->after_email ? q->after_email : "";
  struct pg_params p = {0};
  if (!q->q) {
    pg_text(&p, after);
    pg_int(&p, q->limit + 1);
    return collect_accounts(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.email_norm > $1"
                                  " ORDER BY a.email_norm LIMIT $2", &p, q->limit, items, n, more);
  }
  if (strncmp(q->q, "acc_", 4) == 0) {
    pg_text(&p, q->q);
    pg_text(&p, after);
    pg_int(&p, q->limit + 1);
    return collect_accounts(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = $1 AND a.email_norm > $2"
                                  " LIMIT $3", &p, q->limit, items, n, more);
  }
  char lo[512], hi[512];
  if (!store_email_fold(q->q, lo, sizeof lo)) return ST_ERROR;
  pg_text(&p, lo);
  pg_text(&p, after);
  pg_int(&p, q->limit + 1);
  const char *sql = "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.email_norm >= $1 AND a.email_norm > $2"
                    " ORDER BY a.email_norm LIMIT $3";
  if (pg_prefix_end(lo, hi)) {
    pg_text(&p, hi);
    sql = "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.email_norm >= $1 AND a.email_norm < $4"
          " AND a.email_norm > $2 ORDER BY a.email_norm LIMIT $3";
  }
  struct st_account *by_email;
  int n_email;
  bool more_email;
  int rc = collect_accounts(c, a, sql, &p, q->limit, &by_email, &n_email, &more_email);
  if (rc != ST_OK) return rc;
  if (more_email) n_email++; /* keep the look-ahead row for the merge */
  if (utf8_chars(q->q) < 3) {
    *items = by_email;
    *n = n_email > q->limit ? q->limit : n_email;
    *more = n_email > q->limit;
    return ST_OK;
  }
  struct pg_params pn = {0};
  pg_text(&pn, pg_like_substring(a, q->q));
  pg_text(&pn, after);
  pg_int(&pn, q->limit + 1);
  struct st_account *by_name;
  int n_name;
  bool more_name;
  rc = collect_accounts(c, a, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.name ILIKE $1"
                              " AND a.email_norm > $2 ORDER BY a.email_norm LIMIT $3",
                        &pn, q->limit, &by_name, &n_name, &more_name);
  if (rc != ST_OK) return rc;
  if (more_name) n_name++;
  st_accounts_merge(a, by_email, n_email, by_name, n_name, q->limit, items, n, more);
  return ST_OK;
}

/* ---- inventory ---- */

int pg_inventory_get(struct store_conn *conn_, struct arena *a, int64_t account_rowid,
                     struct st_inventory_row rows[PD_CATEGORY_COUNT]) {
  struct pg_conn *c = pg_conn_of(conn_);
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    memset(&rows[i], 0, sizeof rows[i]);
    rows[i].category = (enum pd_category)i;
    rows[i].state = PD_INV_PRESENT;
  }
  struct pg_params p = {0};
  pg_int(&p, account_rowid);
  int rc;
  PGresult *r = pg_run(c, "SELECT category, records, bytes, oldest, newest, state, retained_until, retained_because"
                          " FROM inventory WHERE account_pk = $1", &p, "reading an inventory", &rc);
  if (!r) return rc;
  for (int i = 0; i < PQntuples(r); i++) {
    int cat = pd_category_parse(pg_col_raw(r, i, 0));
    if (cat < 0) continue;
    struct st_inventory_row *row = &rows[cat];
    row->records = pg_col_int(r, i, 1);
    row->bytes = pg_col_int(r, i, 2);
    row->oldest = pg_col_int(r, i, 3);
    row->newest = pg_col_int(r, i, 4);
    int state = pd_inventory_state_parse(pg_col_raw(r, i, 5));
    row->state = state < 0 ? PD_INV_PRESENT : (enum pd_inventory_state)state;
    row->retained_until = pg_col_int(r, i, 6);
    row->retained_because = pg_col_text(a, r, i, 7);
  }
  PQclear(r);
  return ST_OK;
}

#define INVENTORY_INSERT                                                                                 \
  "INSERT INTO inventory (account_pk, category, records, bytes, oldest, newest, state, retained_until,"  \
  " retained_because) VALUES "
#define INVENTORY_UPSERT                                                                                  \
  " ON CONFLICT (account_pk, category) DO UPDATE SET records = excluded.records,"                        \
  " bytes = excluded.bytes, oldest = excluded.oldest, newest = excluded.newest,"                         \
  " state = excluded.state, retained_until = excluded.retained_until,"                                   \
  " retained_because = excluded.retained_because"

static void bind_inventory(struct pg_params *p, int64_t account_rowid, const struct st_inventory_row *row) {
  pg_int(p, account_rowid);
  pg_text(p, pd_category_key(row->category));
  pg_int(p, row->records);
  pg_int(p, row->bytes);
  pg_time(p, row->oldest);
  pg_time(p, row->newest);
  pg_text(p, pd_inventory_state_name(row->state));
  pg_time(p, row->retained_until);
  pg_text(p, row->retained_because);
}

static int put_one(struct pg_conn *c, int64_t account_rowid, const struct st_inventory_row *row) {
  struct pg_params p = {0};
  bind_inventory(&p, account_rowid, row);
  return pg_run_done(c, INVENTORY_INSERT "($1,$2,$3,$4,$5,$6,$7,$8,$9)" INVENTORY_UPSERT, &p,
                     "writing an inventory row");
}

/* The SQL of a full batch: PG_INV_BATCH rows of 9 parameters. */
static const char *batch_sql(void) {
  static char sql[2048];
  if (!sql[0]) {
    size_t n = (size_t)snprintf(sql, sizeof sql, "%s", INVENTORY_INSERT);
    for (int r = 0; r < PG_INV_BATCH; r++) {
      n += (size_t)snprintf(sql + n, sizeof sql - n, "%s(", r ? "," : "");
      for (int k = 1; k <= 9; k++) n += (size_t)snprintf(sql + n, sizeof sql - n, "$%d%s", r * 9 + k, k < 9 ? "," : ")");
    }
    snprintf(sql + n, sizeof sql - n, "%s", INVENTORY_UPSERT);
  }
  return sql;
}

int pg_inventory_flush(struct pg_conn *c) {
  struct pg_inv_buf b = c->inv;
  c->inv.n = 0; /* taken: sending may flush again */
  int rc = ST_OK;
  if (b.n == PG_INV_BATCH) {
    struct pg_params p = {0};
    for (int i = 0; i < b.n; i++) bind_inventory(&p, b.account[i], &b.rows[i]);
    rc = pg_run_done(c, batch_sql(), &p, "writing inventory rows");
  } else {
    for (int i = 0; i < b.n && rc == ST_OK; i++) rc = put_one(c, b.account[i], &b.rows[i]);
  }
  for (int i = 0; i < b.n; i++) free(b.because[i]);
  return rc;
}

int pg_inventory_put(struct store_conn *conn_, int64_t account_rowid, const struct st_inventory_row *row) {
  struct pg_conn *c = pg_conn_of(conn_);
  if (!pg_bulk_insert(c)) return put_one(c, account_rowid, row);
  /* bulk: buffered, ten rows to a statement (a row for a key already
   * buffered sends the buffer first: one statement may not upsert it twice) */
  for (int i = 0; i < c->inv.n; i++)
    if (c->inv.account[i] == account_rowid && c->inv.rows[i].category == row->category) {
      int rc = pg_inventory_flush(c);
      if (rc != ST_OK) return rc;
      break;
    }
  int i = c->inv.n;
  c->inv.account[i] = account_rowid;
  c->inv.rows[i] = *row;
  c->inv.because[i] = row->retained_because ? strdup(row->retained_because) : NULL;
  c->inv.rows[i].retained_because = c->inv.because[i];
  c->inv.n++;
  return c->inv.n == PG_INV_BATCH ? pg_inventory_flush(c) : ST_OK;
}
