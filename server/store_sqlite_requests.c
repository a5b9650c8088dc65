/* SQLite store: rights requests, their timelines and queue statistics. */
#include <stdio.h>
#include <string.h>

#include "server/domain/dates.h"
#include "server/store_common.h"
#include "server/store_sqlite_int.h"

#define REQUEST_COLUMNS                                                                              \
  "r.pk, r.id, r.account_pk, a.id, a.email, a.name, r.type, r.regime, r.status, r.priority,"        \
  " r.received_at, r.due_at, r.extended, r.extension_reason, r.assignee, r.identity_verified,"      \
  " r.identity_method, r.acknowledged_at, r.ack_due_at, r.status_since, r.details, r.result,"       \
  " r.version, r.updated_at, r.created_at"

static int parse_or(int v, int fallback) { return v < 0 ? fallback : v; }

static void read_request(struct arena *a, sqlite3_stmt *st, struct st_request *r) {
  r->rowid = sqlite3_column_int64(st, 0);
  st_col_id(st, 1, r->id);
  r->account_rowid = sqlite3_column_int64(st, 2);
  st_col_id(st, 3, r->account_id);
  r->account_email = st_col_text(a, st, 4);
  r->account_name = st_col_text(a, st, 5);
  r->type = (enum pd_request_type)parse_or(pd_request_type_parse((const char *)sqlite3_column_text(st, 6)), 0);
  r->regime = (enum pd_regime)parse_or(pd_regime_parse((const char *)sqlite3_column_text(st, 7)), 0);
  r->status = (enum pd_status)parse_or(pd_status_parse((const char *)sqlite3_column_text(st, 8)), 0);
  r->priority = (enum pd_priority)parse_or(pd_priority_parse((const char *)sqlite3_column_text(st, 9)), 0);
  r->received_at = sqlite3_column_int64(st, 10);
  r->due_at = sqlite3_column_int64(st, 11);
  r->extended = sqlite3_column_int(st, 12) != 0;
  r->extension_reason = st_col_text(a, st, 13);
  r->assignee = st_col_text(a, st, 14);
  r->identity_verified = sqlite3_column_int(st, 15) != 0;
  r->identity_method = st_col_text(a, st, 16);
  r->acknowledged_at = sqlite3_column_int64(st, 17);
  r->ack_due_at = sqlite3_column_int64(st, 18);
  r->status_since = sqlite3_column_int64(st, 19);
  r->details = st_col_text(a, st, 20);
  r->result = st_col_text(a, st, 21);
  r->version = sqlite3_column_int64(st, 22);
  r->updated_at = sqlite3_column_int64(st, 23);
  r->created_at = sqlite3_column_int64(st, 24);
}

int sqlite_request_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_request *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " REQUEST_COLUMNS " FROM requests r JOIN accounts a"
                                   " ON a.pk = r.account_pk WHERE r.id = ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading a request");
  read_request(a, st, out);
  sqlite3_reset(st);
  return ST_OK;
}

/* Binds the mutable columns at 1..18 in the order shared by insert and update. */
static void bind_request(sqlite3_stmt *st, const struct st_request *r) {
  st_bind_text(st, 1, pd_request_type_name(r->type));
  st_bind_text(st, 2, pd_regime_name(r->regime));
  st_bind_text(st, 3, pd_status_name(r->status));
  st_bind_text(st, 4, pd_priority_name(r->priority));
  sqlite3_bind_int64(st, 5, r->received_at);
  sqlite3_bind_int64(st, 6, r->due_at);
  sqlite3_bind_int(st, 7, r->extended);
  st_bind_text(st, 8, r->extension_reason);
  st_bind_text(st, 9, r->assignee);
  sqlite3_bind_int(st, 10, r->identity_verified);
  st_bind_text(st, 11, r->identity_method);
  st_bind_time(st, 12, r->acknowledged_at);
  st_bind_time(st, 13, r->ack_due_at);
  sqlite3_bind_int64(st, 14, r->status_since);
  st_bind_text(st, 15, r->details);
  st_bind_text(st, 16, r->result);
  sqlite3_bind_int64(st, 17, r->version);
  sqlite3_bind_int64(st, 18, r->updated_at);
}

int sqlite_request_insert(struct store_conn *conn_, struct st_request *r) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(
      c, "INSERT INTO requests (type, regime, status, priority, received_at, due_at, extended,"
         " extension_reason, assignee, identity_verified, identity_method, acknowledged_at, ack_due_at,"
         " status_since, details, result, version, updated_at, id, account_pk, created_at, email_norm)"
         " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
         " (SELECT email_norm FROM accounts WHERE pk = ?20))");
  if (!st) return ST_ERROR;
  bind_request(st, r);
  st_bind_text(st, 19, r->id);
  sqlite3_bind_int64(st, 20, r->account_rowid);
  sqlite3_bind_int64(st, 21, r->created_at);
  int rc = st_step_done(c, st, "inserting a request");
  if (rc == ST_OK) r->rowid = sqlite3_last_insert_rowid(c->db);
  return rc;
}

int sqlite_request_update(struct store_conn *conn_, const struct st_request *r) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(
      c, "UPDATE requests SET type = ?, regime = ?, status = ?, priority = ?, received_at = ?, due_at = ?,"
         " extended = ?, extension_reason = ?, assignee = ?, identity_verified = ?, identity_method = ?,"
         " acknowledged_at = ?, ack_due_at = ?, status_since = ?, details = ?, result = ?, version = ?,"
         " updated_at = ? WHERE pk = ?");
  if (!st) return ST_ERROR;
  bind_request(st, r);
  sqlite3_bind_int64(st, 19, r->rowid);
  return st_step_done(c, st, "updating a request");
}

int sqlite_requests_touch_account(struct store_conn *conn_, int64_t account_rowid, int64_t now) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st =
      st_prepare(c, "UPDATE requests SET version = version + 1, updated_at = ? WHERE account_pk = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, now);
  sqlite3_bind_int64(st, 2, account_rowid);
  return st_step_done(c, st, "touching requests");
}

/* ---- the queue ---- */


static unsigned status_set(bool open) {
  unsigned m = 0;
  for (int i = 0; i < PD_STATUS_COUNT; i++)
    if (pd_status_is_open((enum pd_status)i) == open) m |= 1u << i;
  return m;
}

/* How a queue query reads the requests table. A page must cost the same at
 * a million rows as at a hundred, whatever the filter and sort: the rows come
 * from an index whose order is the sort order (so reading stops after
 * limit + 1 rows), with the filter that fits the index as its equality
 * prefix. A filter with several values (status=new,waiting; assignee=me
 * without a status) becomes one branch per value, each reading limit + 1
 * rows in order, merged by a final sort of at most branches x (limit + 1)
 * rows. Filters that select a handful of rows (an id, an account, a narrow
 * e-mail prefix) read those rows and sort them instead. The index is named
 * (INDEXED BY): without ANALYZE statistics SQLite often picks the index that
 * avoids the sort and then scans it for the filter. */
enum family { F_ID, F_ACCOUNT, F_EMAIL, F_ASSIGNEE, F_PRIORITY, F_OPEN, F_STATUS, F_TYPE, F_DUE_CLASS, F_NONE };

enum { MAX_BRANCHES = 8 };

struct branch_set {
  enum family family;
  const char *index;
  char cond[MAX_BRANCHES][512]; /* the equality prefix of each branch */
  int n;
};

static void branch_add(struct branch_set *b, const char *cond) {
  if (b->n < MAX_BRANCHES) snprintf(b->cond[b->n++], sizeof b->cond[0], "%s", cond);
}

/* The is_open values a filter on (assignee | priority, is_open, ...) reads. */
static void open_branches(struct branch_set *b, const struct st_request_query *q, const char *eq) {
  unsigned mask = q->status_mask, open = status_set(true), closed = status_set(false);
  bool want_open = !mask || (mask & open), want_closed = (!mask || (mask & closed)) && q->overdue != 1;
  char cond[112];
  if (want_open) {
    snprintf(cond, sizeof cond, "%s AND r.is_open = 1", eq);
    branch_add(b, cond);
  }
  if (want_closed) {
    snprintf(cond, sizeof cond, "%s AND r.is_open = 0", eq);
    branch_add(b, cond);
  }
}

/* A deadline filter (overdue=true, due_before) alone, or with status=open or
 * closed, on a queue sorted by -received_at. Read newest first, the requests
 * not yet due would be skipped one by one: at a million accounts 80,000 open
 * requests are not overdue, and the newest overdue ones come after all of
 * them. Within a class (regime, extended) due_at never decreases as
 * received_at grows (pd_due_at), so one branch per class reads its rows up
 * to a cut-off: the received_at of the class's latest request that passes
 * the filter (migration 3). Oldest first needs none of this: the oldest
 * requests are the first due, and the plain plan reads them at once. */
static bool deadline_by_class(const struct st_request_query *q, bool by_due) {
  unsigned open = status_set(true), closed = status_set(false), mask = q->status_mask;
  return !by_due && q->sort == ST_SORT_RECEIVED_DESC && (q->overdue == 1 || q->due_before) && !q->request_id &&
         !q->account_rowid && !q->email_prefix && !q->assignee && !q->unassigned && q->priority < 0 &&
         !q->type_mask && (!mask || mask == open || mask == closed || mask == (open | closed));
}

static void class_branches(const struct st_request_query *q, struct branch_set *b) {
  unsigned open = status_set(true), closed = status_set(false), mask = q->status_mask;
  bool want_open = !mask || (mask & open), want_closed = (!mask || (mask & closed)) && q->overdue != 1;
  b->family = F_DUE_CLASS;
  b->index = "requests_class_received";
  for (int regime = 0; regime < PD_REGIME_COUNT; regime++)
    for (int extended = 0; extended < 2; extended++)
      for (int is_open = 1; is_open >= 0; is_open--) {
        if (is_open ? !want_open : !want_closed) continue;
        const char *name = pd_regime_name((enum pd_regime)regime); /* the vocabulary, never input */
        char cond[512];
        snprintf(cond, sizeof cond,
                 "r.regime = '%s' AND r.extended = %d AND r.is_open = %d AND r.received_at <= (SELECT c.received_at"
                 " FROM requests c INDEXED BY requests_class_due WHERE c.regime = '%s' AND c.extended = %d"
                 " AND c.is_open = %d%s%s ORDER BY c.due_at DESC, c.received_at DESC LIMIT 1)",
                 name, extended, is_open, name, extended, is_open, q->overdue == 1 ? " AND c.due_at < ?3" : "",
                 q->due_before ? " AND c.due_at <= ?4" : "");
        branch_add(b, cond);
      }
}

static void choose_branches(const struct st_request_query *q, bool drive_by_email, bool by_due,
                            struct branch_set *b) {
  unsigned open = status_set(true), closed = status_set(false), mask = q->status_mask;
  memset(b, 0, sizeof *b);
  if (q->overdue == 1 && mask && !(mask & open)) { /* overdue requests are open ones */
    b->family = F_NONE;
    b->index = by_due ? "requests_due" : "requests_received";
    branch_add(b, "0");
  } else if (deadline_by_class(q, by_due)) {
    class_branches(q, b);
  } else if (q->request_id) {
    b->family = F_ID;
    b->index = "sqlite_autoindex_requests_1"; /* UNIQUE (id) */
    branch_add(b, "r.id = ?6");
  } else if (q->account_rowid) {
    b->family = F_ACCOUNT;
    b->index = "requests_account";
    branch_add(b, "r.account_pk = ?5");
  } else if (q->email_prefix && drive_by_email) {
    b->family = F_EMAIL;
    b->index = by_due ? "requests_email_due" : "requests_email_received";
    branch_add(b, "r.email_norm >= ?7 AND r.email_norm < ?8");
  } else if (q->assignee || q->unassigned) {
    b->family = F_ASSIGNEE;
    b->index = by_due ? "requests_assignee_due" : "requests_assignee_received";
    open_branches(b, q, q->assignee ? "r.assignee = ?1" : "r.assignee IS NULL");
  } else if (q->priority == PD_PRIO_URGENT) { /* the rare value: a short list */
    b->family = F_PRIORITY;
    b->index = by_due ? "requests_priority_due" : "requests_priority_received";
    open_branches(b, q, "r.priority = ?2");
  } else if (mask == open || mask == closed || (!mask && q->overdue == 1)) {
    b->family = F_OPEN;
    b->index = by_due ? "requests_open_due" : "requests_open_received";
    branch_add(b, mask == closed ? "r.is_open = 0" : "r.is_open = 1");
  } else if (mask && mask != (open | closed)) {
    b->family = F_STATUS;
    b->index = by_due ? "requests_status_due" : "requests_status_received";
    for (int i = 0; i < PD_STATUS_COUNT; i++) {
      if (!(mask & (1u << i))) continue;
      char cond[112];
      snprintf(cond, sizeof cond, "r.status = '%s'", st_status_name(i)); /* the vocabulary, never input */
      branch_add(b, cond);
    }
  } else if (q->type_mask) {
    b->family = F_TYPE;
    b->index = by_due ? "requests_type_due" : "requests_type_received";
    for (int i = 0; i < PD_TYPE_COUNT; i++) {
      if (!(q->type_mask & (1u << i))) continue;
      char cond[112];
      snprintf(cond, sizeof cond, "r.type = '%s'", st_type_name(i));
      branch_add(b, cond);
    }
  } else if (q->priority >= 0) {
    b->family = F_PRIORITY;
    b->index = by_due ? "requests_priority_due" : "requests_priority_received";
    open_branches(b, q, "r.priority = ?2");
  } else {
    b->family = F_NONE;
    b->index = by_due ? "requests_due" : "requests_received";
    branch_add(b, "1");
  }
  if (b->n == 0) branch_add(b, "0"); /* the filters exclude each other: nothing, and nothing is read */
}

/* The filters the driving index does not apply, as AND terms. A redundant
 * term is harmless (the index guarantees it already). */
static void residual_filters(struct st_sql_buf *w, const struct st_request_query *q, const struct branch_set *b) {
  unsigned open = status_set(true), closed = status_set(false), m = q->status_mask;
  bool by_open_column =
      b->family == F_OPEN || b->family == F_ASSIGNEE || b->family == F_PRIORITY || b->family == F_DUE_CLASS;
  bool status_done = !m || m == (open | closed) || b->family == F_STATUS ||
                     (by_open_column && (m == open || m == closed));
  if (!status_done) st_sql_in_list(w, "r.status", m, PD_STATUS_COUNT, st_status_name);
  if (q->type_mask && b->family != F_TYPE) st_sql_in_list(w, "r.type", q->type_mask, PD_TYPE_COUNT, st_type_name);
  if (q->assignee && b->family != F_ASSIGNEE) st_sql_add(w, " AND r.assignee = ?1");
  if (q->unassigned && b->family != F_ASSIGNEE) st_sql_add(w, " AND r.assignee IS NULL");
  if (q->priority >= 0 && b->family != F_PRIORITY) st_sql_add(w, " AND r.priority = ?2");
  if (q->overdue == 1) st_sql_add(w, " AND r.is_open = 1 AND r.due_at < ?3");
  if (q->overdue == 0) st_sql_add(w, " AND NOT (r.is_open = 1 AND r.due_at < ?3)");
  if (q->due_before) st_sql_add(w, " AND r.due_at <= ?4");
  if (q->account_rowid && b->family != F_ACCOUNT) st_sql_add(w, " AND r.account_pk = ?5");
  if (q->request_id && b->family != F_ID) st_sql_add(w, " AND r.id = ?6");
  if (q->email_prefix && b->family != F_EMAIL) st_sql_add(w, " AND r.email_norm >= ?7 AND r.email_norm < ?8");
}

/* drive_by_email: read the requests of the e-mail prefix from its own index
 * and sort them (few of them), rather than the queue in order. */
bool st_requests_sql(const struct st_request_query *q, bool drive_by_email, char *out, size_t outsz) {
  bool by_due = q->sort == ST_SORT_DUE_ASC || q->sort == ST_SORT_DUE_DESC;
  bool desc = q->sort == ST_SORT_DUE_DESC || q->sort == ST_SORT_RECEIVED_DESC;
  const char *key = by_due ? "r.due_at" : "r.received_at", *dir = desc ? "DESC" : "ASC";
  struct branch_set b;
  choose_branches(q, drive_by_email, by_due, &b);

  /* residual filters, keyset position, order and limit: the same in every branch */
  static _Thread_local struct st_sql_buf tail, sql;
  tail.len = sql.len = 0;
  tail.overflow = sql.overflow = false;
  tail.text[0] = '\0';
  residual_filters(&tail, q, &b);
  char clause[192];
  if (q->has_after) {
    snprintf(clause, sizeof clause, " AND (%s, r.id) %s (?9, ?10)", key, desc ? "<" : ">");
    st_sql_add(&tail, clause);
  }
  snprintf(clause, sizeof clause, " ORDER BY %s %s, r.id %s LIMIT ?11", key, dir, dir);
  st_sql_add(&tail, clause);

  if (b.n == 1 && b.family != F_EMAIL) {
    /* CROSS JOIN keeps requests the outer loop, read in index order; each
     * row's account comes by its primary key */
    st_sql_add(&sql, "SELECT " REQUEST_COLUMNS " FROM requests r INDEXED BY ");
    st_sql_add(&sql, b.index);
    st_sql_add(&sql, " CROSS JOIN accounts a ON a.pk = r.account_pk WHERE ");
    st_sql_add(&sql, b.cond[0]);
    st_sql_add(&sql, tail.text);
  } else {
    /* The branches (or the e-mail range) yield sort keys from their index
     * alone; the merge keeps limit + 1 of them, and only those are joined to
     * their request and account rows. */
    st_sql_add(&sql, "SELECT " REQUEST_COLUMNS " FROM (");
    if (b.n > 1) st_sql_add(&sql, "SELECT pk, k, id FROM (");
    for (int i = 0; i < b.n; i++) {
      if (i) st_sql_add(&sql, " UNION ALL ");
      st_sql_add(&sql, "SELECT * FROM (SELECT r.pk AS pk, ");
      st_sql_add(&sql, key);
      st_sql_add(&sql, " AS k, r.id AS id FROM requests r INDEXED BY ");
      st_sql_add(&sql, b.index);
      st_sql_add(&sql, " WHERE ");
      st_sql_add(&sql, b.cond[i]);
      st_sql_add(&sql, tail.text);
      st_sql_add(&sql, ")");
    }
    if (b.n > 1) {
      /* +k, +id: ordered by plain columns, SQLite would turn the union into
       * a merge that sorts every branch again (slower than one sort) */
      snprintf(clause, sizeof clause, ") ORDER BY +k %s, +id %s LIMIT ?11", dir, dir);
      st_sql_add(&sql, clause);
    }
    snprintf(clause, sizeof clause,
             ") s CROSS JOIN requests r ON r.pk = s.pk CROSS JOIN accounts a ON a.pk = r.account_pk"
             " ORDER BY s.k %s, s.id %s", dir, dir);
    st_sql_add(&sql, clause);
  }
  if (tail.overflow || sql.overflow || sql.len + 1 > outsz) return false;
  memcpy(out, sql.text, sql.len + 1);
  return true;
}

/* An e-mail prefix picks between two plans by how many requests it
 * matches (counted in its index, up to the bound). At most the bound: read
 * them all from requests_email_* and sort their keys; each costs an index
 * entry (~0.4 us at a million accounts: the index covers every filter
 * column). More: read the queue in order and keep the matching rows; then
 * about one row in 200000 / bound matches, so limit + 1 come soon. With no
 * other filter that read checks the e-mail in the queue index itself
 * (requests_due and requests_received end with email_norm: ~0.08 us a row),
 * so the cross-over is low; a filter's index has no e-mail, each row read
 * costs a table lookup (~5 us), so sorting stays cheaper up to more rows.
 * Worst cases at a million accounts: a prefix at a bound (~1 ms without a
 * filter, ~4 ms with one), and a prefix above a bound whose requests are
 * not spread over the queue ("erased+", old and closed, with status=open:
 * ~20 ms, the read in order skips what it cannot use). */
enum { EMAIL_RANGE_MAX_PLAIN = 2000, EMAIL_RANGE_MAX_FILTERED = 10000 };

static bool only_email_filter(const struct st_request_query *q) {
  unsigned all = status_set(true) | status_set(false);
  return (!q->status_mask || q->status_mask == all) && !q->type_mask && !q->assignee && !q->unassigned &&
         q->priority < 0 && q->overdue < 0 && !q->due_before;
}

static int few_requests_with_prefix(struct sqlite_conn *c, const struct st_request_query *q, const char *hi,
                                    bool *few) {
  int bound = only_email_filter(q) ? EMAIL_RANGE_MAX_PLAIN : EMAIL_RANGE_MAX_FILTERED;
  /* is there a request past the bound? (skipping costs a third of counting) */
  sqlite3_stmt *st = st_prepare(c, "SELECT 1 FROM requests INDEXED BY requests_email_due"
                                   " WHERE email_norm >= ? AND email_norm < ? LIMIT 1 OFFSET ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, q->email_prefix);
  st_bind_text(st, 2, hi);
  sqlite3_bind_int(st, 3, bound);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return st_fail(c, "counting requests by e-mail prefix");
  *few = rc == SQLITE_DONE;
  return ST_OK;
}

int sqlite_requests_list(struct store_conn *conn_, struct arena *a, const struct st_request_query *q,
                        struct st_request **items, int *n, bool *more) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  char hi[513];
  bool few = false;
  if (q->email_prefix) {
    if (strlen(q->email_prefix) >= 512) return st_fail(c, "e-mail prefix too long");
    st_prefix_end(q->email_prefix, hi);
    if (few_requests_with_prefix(c, q, hi, &few) != ST_OK) return ST_ERROR;
  }
  static _Thread_local char sql[8192];
  if (!st_requests_sql(q, few, sql, sizeof sql)) return st_fail(c, "building the queue query");
  sqlite3_stmt *st = st_prepare(c, sql);
  if (!st) return ST_ERROR;
  if (q->assignee) st_bind_text(st, 1, q->assignee);
  if (q->priority >= 0) st_bind_text(st, 2, pd_priority_name((enum pd_priority)q->priority));
  if (q->overdue >= 0) sqlite3_bind_int64(st, 3, q->now);
  if (q->due_before) sqlite3_bind_int64(st, 4, q->due_before);
  if (q->account_rowid) sqlite3_bind_int64(st, 5, q->account_rowid);
  if (q->request_id) st_bind_text(st, 6, q->request_id);
  if (q->email_prefix) {
    st_bind_text(st, 7, q->email_prefix);
    st_bind_text(st, 8, hi);
  }
  if (q->has_after) {
    sqlite3_bind_int64(st, 9, q->after_key);
    st_bind_text(st, 10, q->after_id);
  }
  sqlite3_bind_int(st, 11, q->limit + 1);

  struct st_request *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  int count = 0, rc = SQLITE_DONE;
  while (count <= q->limit && (rc = sqlite3_step(st)) == SQLITE_ROW) read_request(a, st, &rows[count++]);
  if (count > q->limit) rc = SQLITE_DONE;
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "listing requests");
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

/* ---- timeline ---- */

int sqlite_timeline_add(struct store_conn *conn_, int64_t request_rowid, const struct st_timeline_event *e) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(
      c, "INSERT INTO timeline (request_pk, seq, at, actor, kind, text, from_status, to_status, assignee)"
         " VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM timeline WHERE request_pk = ?1),"
         " ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, request_rowid);
  sqlite3_bind_int64(st, 2, e->at);
  st_bind_text(st, 3, e->actor);
  st_bind_text(st, 4, e->kind);
  st_bind_text(st, 5, e->text ? e->text : "");
  st_bind_text(st, 6, e->from);
  st_bind_text(st, 7, e->to);
  st_bind_text(st, 8, e->assignee);
  return st_step_done(c, st, "adding a timeline event");
}

int sqlite_timeline_list(struct store_conn *conn_, struct arena *a, int64_t request_rowid,
                        struct st_timeline_event **events, int *n) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT at, actor, kind, text, from_status, to_status, assignee"
                                   " FROM timeline WHERE request_pk = ? ORDER BY seq");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, request_rowid);
  int cap = 16, count = 0, rc;
  struct st_timeline_event *ev = arena_alloc(a, sizeof *ev * (size_t)cap);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (count == cap) {
      struct st_timeline_event *bigger = arena_alloc(a, sizeof *ev * (size_t)cap * 2);
      memcpy(bigger, ev, sizeof *ev * (size_t)cap);
      ev = bigger;
      cap *= 2;
    }
    struct st_timeline_event *e = &ev[count++];
    e->at = sqlite3_column_int64(st, 0);
    e->actor = st_col_text(a, st, 1);
    e->kind = st_col_text(a, st, 2);
    e->text = st_col_text(a, st, 3);
    e->from = st_col_text(a, st, 4);
    e->to = st_col_text(a, st, 5);
    e->assignee = st_col_text(a, st, 6);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "reading a timeline");
  *events = ev;
  *n = count;
  return ST_OK;
}

/* ---- statistics ---- */

int sqlite_stats(struct store_conn *conn_, int64_t now, const char *user, struct st_stats *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  memset(out, 0, sizeof *out);
  /* The counters the triggers of migration 2 keep: a few dozen rows, never
   * the requests table (tests/unit/test_store_plans.c checks the plans). */
  sqlite3_stmt *st = st_prepare(c, "SELECT status, priority, assigned, assignee, n FROM request_counts");
  if (!st) return ST_ERROR;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int s = pd_status_parse((const char *)sqlite3_column_text(st, 0));
    int64_t n = sqlite3_column_int64(st, 4);
    if (s < 0) continue;
    out->open_by_status[s] += n;
    if (!pd_status_is_open((enum pd_status)s)) continue;
    const char *priority = (const char *)sqlite3_column_text(st, 1);
    const char *assignee = (const char *)sqlite3_column_text(st, 3);
    bool assigned = sqlite3_column_int(st, 2) != 0;
    if (priority && strcmp(priority, pd_priority_name(PD_PRIO_URGENT)) == 0) out->urgent += n;
    if (!assigned) out->unassigned += n;
    if (assigned && user && assignee && strcmp(assignee, user) == 0) out->mine += n;
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return st_fail(c, "counting requests");

  /* Bucket edges are ends of days, matching how due_at is stored. */
  pd_date today = pd_date_of(now);
  int64_t end_today = pd_end_of_day(today);
  int64_t edge[6] = {now, end_today};
  const int days[] = {3, 7, 14, 30};
  for (int i = 0; i < 4; i++) edge[2 + i] = pd_end_of_day(pd_date_add_days(today, days[i]));
  st = st_prepare(c, "SELECT (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at < ?1),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at >= ?1 AND due_at <= ?2),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at > ?2 AND due_at <= ?3),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at > ?3 AND due_at <= ?4),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at > ?4 AND due_at <= ?5),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at > ?5 AND due_at <= ?6),"
                     " (SELECT coalesce(sum(n), 0) FROM open_due_counts WHERE due_at > ?6)");
  if (!st) return ST_ERROR;
  for (int i = 0; i < 6; i++) sqlite3_bind_int64(st, i + 1, edge[i]);
  if (sqlite3_step(st) != SQLITE_ROW) return st_fail(c, "computing statistics");
  for (int i = 0; i < 7; i++) out->buckets[i] = sqlite3_column_int64(st, i);
  out->overdue = out->buckets[0];
  out->due_within_7_days = out->buckets[1] + out->buckets[2] + out->buckets[3];
  sqlite3_reset(st);
  return ST_OK;
}

/* Migration 4 (listed in store_sqlite.c). */
/* The requests carry their account's folded e-mail (email_norm), so that a
 * prefix is a range of an index of requests, not a list of accounts built
 * in full (41,000 for "lukas" at a million accounts). Triggers keep the copy:
 * a request inserted by other means than sqlite_request_insert (which sets
 * it), a request moved to another account, an account's e-mail rectified or
 * erased. requests_email_* cover every filter column, so the range read
 * never visits the table; requests_due and requests_received gain email_norm
 * so that the queue read in order checks it in the index. */
const char st_migration_request_emails[] =
  "ALTER TABLE requests ADD COLUMN email_norm TEXT;"
  "UPDATE requests SET email_norm = (SELECT a.email_norm FROM accounts a WHERE a.pk = requests.account_pk);"
  "CREATE INDEX requests_email_due ON requests(email_norm, due_at, id, received_at, is_open, status, type,"
  "  priority, assignee);"
  "CREATE INDEX requests_email_received ON requests(email_norm, received_at, id, due_at, is_open, status, type,"
  "  priority, assignee);"
  "DROP INDEX requests_due;"
  "CREATE INDEX requests_due ON requests(due_at, id, email_norm);"
  "DROP INDEX requests_received;"
  "CREATE INDEX requests_received ON requests(received_at, id, email_norm);"
  "CREATE TRIGGER requests_email_ai AFTER INSERT ON requests"
  "  WHEN new.email_norm IS NOT (SELECT email_norm FROM accounts WHERE pk = new.account_pk) BEGIN"
  "  UPDATE requests SET email_norm = (SELECT email_norm FROM accounts WHERE pk = new.account_pk)"
  "    WHERE pk = new.pk;"
  "END;"
  "CREATE TRIGGER requests_email_au AFTER UPDATE OF account_pk, email_norm ON requests"
  "  WHEN new.email_norm IS NOT (SELECT email_norm FROM accounts WHERE pk = new.account_pk) BEGIN"
  "  UPDATE requests SET email_norm = (SELECT email_norm FROM accounts WHERE pk = new.account_pk)"
  "    WHERE pk = new.pk;"
  "END;"
  "CREATE TRIGGER accounts_email_au AFTER UPDATE OF email_norm ON accounts"
  "  WHEN old.email_norm IS NOT new.email_norm BEGIN"
  "  UPDATE requests SET email_norm = new.email_norm WHERE account_pk = new.pk;"
  "END;";
