/* PostgreSQL store: holds, the audit log, idempotency records and access
 * exports (same results as store_sqlite_log.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server/domain/audit_hash.h"
#include "server/store_common.h"
#include "server/store_pg_int.h"

/* ---- holds ---- */

#define HOLD_COLUMNS                                                                          \
  "h.pk, h.id, h.account_pk, a.id, h.reason, h.case_ref, h.categories, h.placed_by,"       \
  " h.placed_at, h.status, h.released_by, h.released_at, h.release_reason, h.version"

static void read_hold(struct arena *a, const PGresult *r, int row, struct st_hold *h) {
  h->rowid = pg_col_int(r, row, 0);
  pg_col_id(r, row, 1, h->id);
  h->account_rowid = pg_col_int(r, row, 2);
  pg_col_id(r, row, 3, h->account_id);
  h->reason = pg_col_text(a, r, row, 4);
  h->case_ref = pg_col_text(a, r, row, 5);
  h->categories = pg_col_text(a, r, row, 6);
  h->placed_by = pg_col_text(a, r, row, 7);
  h->placed_at = pg_col_int(r, row, 8);
  int s = pd_hold_status_parse(pg_col_raw(r, row, 9));
  h->status = s < 0 ? PD_HOLD_ACTIVE : (enum pd_hold_status)s;
  h->released_by = pg_col_text(a, r, row, 10);
  h->released_at = pg_col_int(r, row, 11);
  h->release_reason = pg_col_text(a, r, row, 12);
  h->version = pg_col_int(r, row, 13);
}

int pg_hold_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_hold *out) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_text(&p, id);
  int rc;
  PGresult *r = pg_run(c, "SELECT " HOLD_COLUMNS " FROM holds h JOIN accounts a ON a.pk = h.account_pk WHERE h.id = $1",
                       &p, "reading a hold", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0)
    rc = ST_NOT_FOUND;
  else
    read_hold(a, r, 0, out);
  PQclear(r);
  return rc;
}

int pg_hold_insert(struct store_conn *conn_, struct st_hold *h) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_text(&p, h->id);
  pg_int(&p, h->account_rowid);
  pg_text(&p, h->reason);
  pg_text(&p, h->case_ref);
  pg_text(&p, h->categories);
  pg_text(&p, h->placed_by);
  pg_int(&p, h->placed_at);
  pg_text(&p, pd_hold_status_name(h->status));
  pg_text(&p, h->released_by);
  pg_time(&p, h->released_at);
  pg_text(&p, h->release_reason);
  pg_int(&p, h->version);
  int rc;
  PGresult *r = pg_run(c, "INSERT INTO holds (id, account_pk, reason, case_ref, categories, placed_by, placed_at,"
                          " status, released_by, released_at, release_reason, version)"
                          " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING RETURNING pk",
                       &p, "inserting a hold", &rc);
  if (r) {
    if (PQntuples(r) == 1)
      h->rowid = pg_col_int(r, 0, 0);
    else
      rc = ST_CONFLICT;
  }
  PQclear(r);
  return rc;
}

int pg_hold_update(struct store_conn *conn_, const struct st_hold *h) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_text(&p, pd_hold_status_name(h->status));
  pg_text(&p, h->released_by);
  pg_time(&p, h->released_at);
  pg_text(&p, h->release_reason);
  pg_int(&p, h->version);
  pg_int(&p, h->rowid);
  int rc;
  /* conditional on the version it replaces (read in this transaction) */
  PGresult *r = pg_run(c, "UPDATE holds SET status = $1, released_by = $2, released_at = $3, release_reason = $4,"
                          " version = $5::bigint WHERE pk = $6 AND " PG_VERSION_CHECK("$5") " RETURNING pk",
                       &p, "updating a hold", &rc);
  if (!r) return rc;
  int n = PQntuples(r);
  PQclear(r);
  if (n == 1) return ST_OK;
  c->retryable = true;
  char msg[96];
  snprintf(msg, sizeof msg, "hold %s is not at version %lld", h->id, (long long)h->version - 1);
  return pg_fail(c, "update lost to a concurrent write (retrying)", msg);
}

int pg_holds_list(struct store_conn *conn_, struct arena *a, const struct st_hold_query *q, struct st_hold **items,
                  int *n, bool *more) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  char sql[1024], where[256] = "";
  size_t w = 0;
  if (q->status >= 0) {
    pg_text(&p, pd_hold_status_name((enum pd_hold_status)q->status));
    w += (size_t)snprintf(where + w, sizeof where - w, " AND h.status = $%d", p.n);
  }
  if (q->account_rowid) {
    pg_int(&p, q->account_rowid);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND h.account_pk = $%d", p.n);
  }
  if (q->has_after) {
    pg_int(&p, q->after_placed_at);
    pg_text(&p, q->after_id);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND (h.placed_at, h.id) < ($%d::bigint, $%d::text)", p.n - 1,
                          p.n);
  }
  pg_int(&p, q->limit + 1);
  snprintf(sql, sizeof sql,
           "SELECT " HOLD_COLUMNS " FROM holds h JOIN accounts a ON a.pk = h.account_pk WHERE true%s"
           " ORDER BY h.placed_at DESC, h.id DESC LIMIT $%d",
           where, p.n);
  int rc;
  PGresult *r = pg_run(c, sql, &p, "listing holds", &rc);
  if (!r) return rc;
  int count = PQntuples(r);
  if (count > q->limit + 1) count = q->limit + 1;
  struct st_hold *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  for (int i = 0; i < count; i++) read_hold(a, r, i, &rows[i]);
  PQclear(r);
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

/* ---- audit log ---- */

/* One total order across instances: the caller holds the write lock (every
 * write transaction takes it first), so the head read here is the head, and
 * the primary key on seq would refuse a fork even if it were not. */
int pg_audit_append(struct store_conn *conn_, struct st_audit_entry *e) {
  struct pg_conn *c = pg_conn_of(conn_);
  int rc;
  if (!c->head_known) {
    PGresult *r = pg_run(c, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, "reading the audit head", &rc);
    if (!r) return rc;
    if (PQntuples(r) == 1) {
      c->head_seq = pg_col_int(r, 0, 0);
      snprintf(c->head_hash, sizeof c->head_hash, "%s", pg_col_raw(r, 0, 1));
    } else {
      c->head_seq = 0;
      memcpy(c->head_hash, pd_audit_genesis, sizeof c->head_hash);
    }
    PQclear(r);
    c->head_known = c->in_tx == 2;
  }
  e->seq = c->head_seq + 1;
  memcpy(e->prev_hash, c->head_hash, sizeof e->prev_hash);
  if (!st_audit_seal(e)) return pg_fail(c, "encoding an audit entry", "out of memory");
  struct pg_params p = {0};
  pg_int(&p, e->seq);
  pg_int(&p, e->at);
  pg_text(&p, e->actor);
  pg_text(&p, e->action);
  pg_text(&p, e->target);
  pg_text(&p, e->account_id);
  pg_text(&p, e->details ? e->details : "{}");
  pg_text(&p, e->prev_hash);
  pg_text(&p, e->hash);
  rc = pg_run_done(c, "INSERT INTO audit (seq, at, actor, action, target, account_id, details, prev_hash, hash)"
                      " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)", &p, "appending to the audit log");
  if (rc == ST_OK) {
    c->head_seq = e->seq;
    memcpy(c->head_hash, e->hash, sizeof c->head_hash);
  } else {
    c->head_known = false;
    if (rc == ST_CONFLICT) rc = pg_fail(c, "appending to the audit log", "another writer took that seq");
  }
  return rc;
}

#define AUDIT_COLUMNS "seq, at, actor, action, target, account_id, details, prev_hash, hash"

static void read_audit(struct arena *a, const PGresult *r, int row, struct st_audit_entry *e) {
  e->seq = pg_col_int(r, row, 0);
  e->at = pg_col_int(r, row, 1);
  e->actor = pg_col_text(a, r, row, 2);
  e->action = pg_col_text(a, r, row, 3);
  e->target = pg_col_text(a, r, row, 4);
  e->account_id = pg_col_text(a, r, row, 5);
  e->details = pg_col_text(a, r, row, 6);
  snprintf(e->prev_hash, sizeof e->prev_hash, "%s", pg_col_raw(r, row, 7));
  snprintf(e->hash, sizeof e->hash, "%s", pg_col_raw(r, row, 8));
}

int pg_audit_list(struct store_conn *conn_, struct arena *a, const struct st_audit_query *q,
                  struct st_audit_entry **items, int *n, bool *more) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  char sql[512], where[200] = "";
  size_t w = 0;
  if (q->account_id) {
    pg_text(&p, q->account_id);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND account_id = $%d", p.n);
  }
  if (q->actor) {
    pg_text(&p, q->actor);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND actor = $%d", p.n);
  }
  if (q->action) {
    pg_text(&p, q->action);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND action = $%d", p.n);
  }
  if (q->before_seq) {
    pg_int(&p, q->before_seq);
    w += (size_t)snprintf(where + w, sizeof where - w, " AND seq < $%d", p.n);
  }
  pg_int(&p, q->limit + 1);
  snprintf(sql, sizeof sql, "SELECT " AUDIT_COLUMNS " FROM audit WHERE true%s ORDER BY seq DESC LIMIT $%d", where,
           p.n);
  int rc;
  PGresult *r = pg_run(c, sql, &p, "listing the audit log", &rc);
  if (!r) return rc;
  int count = PQntuples(r);
  if (count > q->limit + 1) count = q->limit + 1;
  struct st_audit_entry *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  for (int i = 0; i < count; i++) read_audit(a, r, i, &rows[i]);
  PQclear(r);
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

/* Walks the chain in pages of seq (memory stays flat over long logs). */
int pg_audit_verify(struct store_conn *conn_, struct st_audit_verify *out) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct st_audit_walk walk;
  st_audit_walk_start(&walk, out);
  int64_t after = 0;
  for (;;) {
    struct pg_params p = {0};
    pg_int(&p, after);
    int rc;
    PGresult *r = pg_run(c, "SELECT " AUDIT_COLUMNS " FROM audit WHERE seq > $1 ORDER BY seq LIMIT 5000", &p,
                         "verifying the audit log", &rc);
    if (!r) return rc;
    int rows = PQntuples(r);
    struct arena a;
    arena_init(&a);
    for (int i = 0; i < rows; i++) {
      struct st_audit_entry e;
      read_audit(&a, r, i, &e);
      st_audit_walk_step(&walk, out, &e);
      after = e.seq;
    }
    arena_free(&a);
    PQclear(r);
    if (rows < 5000) return ST_OK;
  }
}

/* ---- idempotency ---- */

int pg_idem_get(struct store_conn *conn_, struct arena *a, int64_t user_rowid, const char *key, struct st_idem *out) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_int(&p, user_rowid);
  pg_text(&p, key);
  int rc;
  PGresult *r = pg_run(c, "SELECT fingerprint, status, etag, location, body, created_at FROM idempotency"
                          " WHERE user_pk = $1 AND key = $2", &p, "reading an idempotency key", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0) {
    PQclear(r);
    return ST_NOT_FOUND;
  }
  memset(out->fingerprint, 0, sizeof out->fingerprint);
  unsigned char fp[32];
  if (pg_col_bytes(r, 0, 0, fp, sizeof fp) == 32) memcpy(out->fingerprint, fp, 32);
  out->status = (int)pg_col_int(r, 0, 1);
  out->etag = pg_col_text(a, r, 0, 2);
  out->location = pg_col_text(a, r, 0, 3);
  out->body = pg_col_text(a, r, 0, 4);
  out->created_at = pg_col_int(r, 0, 5);
  PQclear(r);
  return ST_OK;
}

int pg_idem_put(struct store_conn *conn_, int64_t user_rowid, const char *key, const struct st_idem *rec) {
  struct pg_params p = {0};
  pg_int(&p, user_rowid);
  pg_text(&p, key);
  pg_bytes(&p, rec->fingerprint, 32);
  pg_int(&p, rec->status);
  pg_text(&p, rec->etag);
  pg_text(&p, rec->location);
  pg_text(&p, rec->body);
  pg_int(&p, rec->created_at);
  return pg_run_done(pg_conn_of(conn_),
                     "INSERT INTO idempotency (user_pk, key, fingerprint, status, etag, location, body, created_at)"
                     " VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (user_pk, key) DO UPDATE SET"
                     " fingerprint = excluded.fingerprint, status = excluded.status, etag = excluded.etag,"
                     " location = excluded.location, body = excluded.body, created_at = excluded.created_at",
                     &p, "storing an idempotency key");
}

int pg_idem_purge(struct store_conn *conn_, int64_t before) {
  struct pg_params p = {0};
  pg_int(&p, before);
  return pg_run_done(pg_conn_of(conn_), "DELETE FROM idempotency WHERE created_at < $1", &p,
                     "purging idempotency keys");
}

/* ---- exports ---- */

int pg_export_put(struct store_conn *conn_, int64_t request_rowid, const char *body) {
  struct pg_params p = {0};
  pg_int(&p, request_rowid);
  pg_text(&p, body);
  return pg_run_done(pg_conn_of(conn_), "INSERT INTO exports (request_pk, body) VALUES ($1, $2)"
                                        " ON CONFLICT (request_pk) DO UPDATE SET body = excluded.body",
                     &p, "storing an export");
}

int pg_export_get(struct store_conn *conn_, struct arena *a, int64_t request_rowid, const char **body) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_int(&p, request_rowid);
  int rc;
  PGresult *r = pg_run(c, "SELECT body FROM exports WHERE request_pk = $1", &p, "reading an export", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0)
    rc = ST_NOT_FOUND;
  else
    *body = pg_col_text(a, r, 0, 0);
  PQclear(r);
  return rc;
}
