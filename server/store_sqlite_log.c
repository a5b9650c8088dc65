/* SQLite store: holds, the audit log, idempotency records and access exports. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "server/domain/audit_hash.h"
#include "server/store_common.h"
#include "server/store_sqlite_int.h"

/* ---- holds ---- */

#define HOLD_COLUMNS                                                                          \
  "h.pk, h.id, h.account_pk, a.id, h.reason, h.case_ref, h.categories, h.placed_by,"       \
  " h.placed_at, h.status, h.released_by, h.released_at, h.release_reason, h.version"

static void read_hold(struct arena *a, sqlite3_stmt *st, struct st_hold *h) {
  h->rowid = sqlite3_column_int64(st, 0);
  st_col_id(st, 1, h->id);
  h->account_rowid = sqlite3_column_int64(st, 2);
  st_col_id(st, 3, h->account_id);
  h->reason = st_col_text(a, st, 4);
  h->case_ref = st_col_text(a, st, 5);
  h->categories = st_col_text(a, st, 6);
  h->placed_by = st_col_text(a, st, 7);
  h->placed_at = sqlite3_column_int64(st, 8);
  int s = pd_hold_status_parse((const char *)sqlite3_column_text(st, 9));
  h->status = s < 0 ? PD_HOLD_ACTIVE : (enum pd_hold_status)s;
  h->released_by = st_col_text(a, st, 10);
  h->released_at = sqlite3_column_int64(st, 11);
  h->release_reason = st_col_text(a, st, 12);
  h->version = sqlite3_column_int64(st, 13);
}

int sqlite_hold_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_hold *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st =
      st_prepare(c, "SELECT " HOLD_COLUMNS " FROM holds h JOIN accounts a ON a.pk = h.account_pk WHERE h.id = ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading a hold");
  read_hold(a, st, out);
  sqlite3_reset(st);
  return ST_OK;
}

int sqlite_hold_insert(struct store_conn *conn_, struct st_hold *h) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "INSERT INTO holds (id, account_pk, reason, case_ref, categories, placed_by,"
                                   " placed_at, status, released_by, released_at, release_reason, version)"
                                   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, h->id);
  sqlite3_bind_int64(st, 2, h->account_rowid);
  st_bind_text(st, 3, h->reason);
  st_bind_text(st, 4, h->case_ref);
  st_bind_text(st, 5, h->categories);
  st_bind_text(st, 6, h->placed_by);
  sqlite3_bind_int64(st, 7, h->placed_at);
  st_bind_text(st, 8, pd_hold_status_name(h->status));
  st_bind_text(st, 9, h->released_by);
  st_bind_time(st, 10, h->released_at);
  st_bind_text(st, 11, h->release_reason);
  sqlite3_bind_int64(st, 12, h->version);
  int rc = st_step_done(c, st, "inserting a hold");
  if (rc == ST_OK) h->rowid = sqlite3_last_insert_rowid(c->db);
  return rc;
}

int sqlite_hold_update(struct store_conn *conn_, const struct st_hold *h) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "UPDATE holds SET status = ?, released_by = ?, released_at = ?,"
                                   " release_reason = ?, version = ? WHERE pk = ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, pd_hold_status_name(h->status));
  st_bind_text(st, 2, h->released_by);
  st_bind_time(st, 3, h->released_at);
  st_bind_text(st, 4, h->release_reason);
  sqlite3_bind_int64(st, 5, h->version);
  sqlite3_bind_int64(st, 6, h->rowid);
  return st_step_done(c, st, "updating a hold");
}

int sqlite_holds_list(struct store_conn *conn_, struct arena *a, const struct st_hold_query *q,
                     struct st_hold **items, int *n, bool *more) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  char sql[768];
  /* The index is named: an account's holds (a handful) are read by account
   * and sorted; otherwise the index order is the page order. Left to itself
   * SQLite walks holds_status_placed for an account's active holds. */
  const char *index = q->account_rowid ? "holds_account" : q->status >= 0 ? "holds_status_placed" : "holds_placed";
  snprintf(sql, sizeof sql,
           "SELECT " HOLD_COLUMNS " FROM holds h INDEXED BY %s CROSS JOIN accounts a ON a.pk = h.account_pk"
           " WHERE 1%s%s%s ORDER BY h.placed_at DESC, h.id DESC LIMIT ?5",
           index, q->status >= 0 ? " AND h.status = ?1" : "", q->account_rowid ? " AND h.account_pk = ?2" : "",
           q->has_after ? " AND (h.placed_at, h.id) < (?3, ?4)" : "");
  sqlite3_stmt *st = st_prepare(c, sql);
  if (!st) return ST_ERROR;
  if (q->status >= 0) st_bind_text(st, 1, pd_hold_status_name((enum pd_hold_status)q->status));
  if (q->account_rowid) sqlite3_bind_int64(st, 2, q->account_rowid);
  if (q->has_after) {
    sqlite3_bind_int64(st, 3, q->after_placed_at);
    st_bind_text(st, 4, q->after_id);
  }
  sqlite3_bind_int(st, 5, q->limit + 1);
  struct st_hold *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  int count = 0, rc = SQLITE_DONE;
  while (count <= q->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) read_hold(a, st, &rows[count++]);
  if (count > q->limit) rc = SQLITE_DONE;
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "listing holds");
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

/* ---- audit log ---- */

int sqlite_audit_append(struct store_conn *conn_, struct st_audit_entry *e) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1");
  if (!st) return ST_ERROR;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    e->seq = sqlite3_column_int64(st, 0) + 1;
    snprintf(e->prev_hash, sizeof e->prev_hash, "%s", (const char *)sqlite3_column_text(st, 1));
  } else if (rc == SQLITE_DONE) {
    e->seq = 1;
    memcpy(e->prev_hash, pd_audit_genesis, sizeof e->prev_hash);
  } else {
    return st_fail(c, "reading the audit head");
  }
  sqlite3_reset(st);
  if (!st_audit_seal(e)) return st_fail(c, "encoding an audit entry");
  st = st_prepare(c, "INSERT INTO audit (seq, at, actor, action, target, account_id, details, prev_hash, hash)"
                     " VALUES (?,?,?,?,?,?,?,?,?)");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, e->seq);
  sqlite3_bind_int64(st, 2, e->at);
  st_bind_text(st, 3, e->actor);
  st_bind_text(st, 4, e->action);
  st_bind_text(st, 5, e->target);
  st_bind_text(st, 6, e->account_id);
  st_bind_text(st, 7, e->details ? e->details : "{}");
  st_bind_text(st, 8, e->prev_hash);
  st_bind_text(st, 9, e->hash);
  return st_step_done(c, st, "appending to the audit log");
}

static void read_audit(struct arena *a, sqlite3_stmt *st, struct st_audit_entry *e) {
  e->seq = sqlite3_column_int64(st, 0);
  e->at = sqlite3_column_int64(st, 1);
  e->actor = st_col_text(a, st, 2);
  e->action = st_col_text(a, st, 3);
  e->target = st_col_text(a, st, 4);
  e->account_id = st_col_text(a, st, 5);
  e->details = st_col_text(a, st, 6);
  snprintf(e->prev_hash, sizeof e->prev_hash, "%s", (const char *)sqlite3_column_text(st, 7));
  snprintf(e->hash, sizeof e->hash, "%s", (const char *)sqlite3_column_text(st, 8));
}

#define AUDIT_COLUMNS "seq, at, actor, action, target, account_id, details, prev_hash, hash"

int sqlite_audit_list(struct store_conn *conn_, struct arena *a, const struct st_audit_query *q,
                     struct st_audit_entry **items, int *n, bool *more) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  char sql[512];
  snprintf(sql, sizeof sql, "SELECT " AUDIT_COLUMNS " FROM audit WHERE 1%s%s%s%s ORDER BY seq DESC LIMIT ?5",
           q->account_id ? " AND account_id = ?1" : "", q->actor ? " AND actor = ?2" : "",
           q->action ? " AND action = ?3" : "", q->before_seq ? " AND seq < ?4" : "");
  sqlite3_stmt *st = st_prepare(c, sql);
  if (!st) return ST_ERROR;
  if (q->account_id) st_bind_text(st, 1, q->account_id);
  if (q->actor) st_bind_text(st, 2, q->actor);
  if (q->action) st_bind_text(st, 3, q->action);
  if (q->before_seq) sqlite3_bind_int64(st, 4, q->before_seq);
  sqlite3_bind_int(st, 5, q->limit + 1);
  struct st_audit_entry *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  int count = 0, rc = SQLITE_DONE;
  while (count <= q->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) read_audit(a, st, &rows[count++]);
  if (count > q->limit) rc = SQLITE_DONE;
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "listing the audit log");
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

int sqlite_audit_verify(struct store_conn *conn_, struct st_audit_verify *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  struct st_audit_walk walk;
  st_audit_walk_start(&walk, out);
  sqlite3_stmt *st = st_prepare(c, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq");
  if (!st) return ST_ERROR;
  struct arena a;
  arena_init(&a);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    struct st_audit_entry e;
    read_audit(&a, st, &e);
    st_audit_walk_step(&walk, out, &e);
    if (a.total > (1u << 20)) { /* keep memory flat over long logs */
      arena_free(&a);
      arena_init(&a);
    }
  }
  sqlite3_reset(st);
  arena_free(&a);
  return rc == SQLITE_DONE ? ST_OK : st_fail(c, "verifying the audit log");
}

/* ---- idempotency ---- */

int sqlite_idem_get(struct store_conn *conn_, struct arena *a, int64_t user_rowid, const char *key, struct st_idem *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT fingerprint, status, etag, location, body, created_at"
                                   " FROM idempotency WHERE user_pk = ? AND key = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, user_rowid);
  st_bind_text(st, 2, key);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading an idempotency key");
  memset(out->fingerprint, 0, sizeof out->fingerprint);
  if (sqlite3_column_bytes(st, 0) == 32) memcpy(out->fingerprint, sqlite3_column_blob(st, 0), 32);
  out->status = sqlite3_column_int(st, 1);
  out->etag = st_col_text(a, st, 2);
  out->location = st_col_text(a, st, 3);
  out->body = st_col_text(a, st, 4);
  out->created_at = sqlite3_column_int64(st, 5);
  sqlite3_reset(st);
  return ST_OK;
}

int sqlite_idem_put(struct store_conn *conn_, int64_t user_rowid, const char *key, const struct st_idem *rec) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "INSERT OR REPLACE INTO idempotency (user_pk, key, fingerprint, status, etag,"
                                   " location, body, created_at) VALUES (?,?,?,?,?,?,?,?)");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, user_rowid);
  st_bind_text(st, 2, key);
  sqlite3_bind_blob(st, 3, rec->fingerprint, 32, SQLITE_TRANSIENT);
  sqlite3_bind_int(st, 4, rec->status);
  st_bind_text(st, 5, rec->etag);
  st_bind_text(st, 6, rec->location);
  st_bind_text(st, 7, rec->body);
  sqlite3_bind_int64(st, 8, rec->created_at);
  return st_step_done(c, st, "storing an idempotency key");
}

int sqlite_idem_purge(struct store_conn *conn_, int64_t before) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "DELETE FROM idempotency WHERE created_at < ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, before);
  return st_step_done(c, st, "purging idempotency keys");
}

/* ---- exports ---- */

int sqlite_export_put(struct store_conn *conn_, int64_t request_rowid, const char *body) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "INSERT OR REPLACE INTO exports (request_pk, body) VALUES (?, ?)");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, request_rowid);
  st_bind_text(st, 2, body);
  return st_step_done(c, st, "storing an export");
}

int sqlite_export_get(struct store_conn *conn_, struct arena *a, int64_t request_rowid, const char **body) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT body FROM exports WHERE request_pk = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, request_rowid);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading an export");
  *body = st_col_text(a, st, 0);
  sqlite3_reset(st);
  return ST_OK;
}
