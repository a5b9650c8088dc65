/* PostgreSQL store: rights requests, their timelines and queue statistics
 * (same results as store_sqlite_requests.c). */
#include <stdio.h>
#include <string.h>

#include "server/domain/dates.h"
#include "server/store_common.h"
#include "server/store_pg_int.h"

#define REQUEST_COLUMNS                                                                              \
  "r.pk, r.id, r.account_pk, a.id, a.email, a.name, r.type, r.regime, r.status, r.priority,"        \
  " r.received_at, r.due_at, r.extended, r.extension_reason, r.assignee, r.identity_verified,"      \
  " r.identity_method, r.acknowledged_at, r.ack_due_at, r.status_since, r.details, r.result,"       \
  " r.version, r.updated_at, r.created_at"

static int parse_or(int v, int fallback) { return v < 0 ? fallback : v; }

static void read_request(struct arena *a, const PGresult *res, int row, struct st_request *r) {
  r->rowid = pg_col_int(res, row, 0);
  pg_col_id(res, row, 1, r->id);
  r->account_rowid = pg_col_int(res, row, 2);
  pg_col_id(res, row, 3, r->account_id);
  r->account_email = pg_col_text(a, res, row, 4);
  r->account_name = pg_col_text(a, res, row, 5);
  r->type = (enum pd_request_type)parse_or(pd_request_type_parse(pg_col_raw(res, row, 6)), 0);
  r->regime = (enum pd_regime)parse_or(pd_regime_parse(pg_col_raw(res, row, 7)), 0);
  r->status = (enum pd_status)parse_or(pd_status_parse(pg_col_raw(res, row, 8)), 0);
  r->priority = (enum pd_priority)parse_or(pd_priority_parse(pg_col_raw(res, row, 9)), 0);
  r->received_at = pg_col_int(res, row, 10);
  r->due_at = pg_col_int(res, row, 11);
  r->extended = pg_col_bool(res, row, 12);
  r->extension_reason = pg_col_text(a, res, row, 13);
  r->assignee = pg_col_text(a, res, row, 14);
  r->identity_verified = pg_col_bool(res, row, 15);
  r->identity_method = pg_col_text(a, res, row, 16);
  r->acknowledged_at = pg_col_int(res, row, 17);
  r->ack_due_at = pg_col_int(res, row, 18);
  r->status_since = pg_col_int(res, row, 19);
  r->details = pg_col_text(a, res, row, 20);
  r->result = pg_col_text(a, res, row, 21);
  r->version = pg_col_int(res, row, 22);
  r->updated_at = pg_col_int(res, row, 23);
  r->created_at = pg_col_int(res, row, 24);
}

int pg_request_get(struct store_conn *conn_, struct arena *a, const char *id, struct st_request *out) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_text(&p, id);
  int rc;
  PGresult *r = pg_run(c, "SELECT " REQUEST_COLUMNS " FROM requests r JOIN accounts a ON a.pk = r.account_pk"
                          " WHERE r.id = $1", &p, "reading a request", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0)
    rc = ST_NOT_FOUND;
  else
    read_request(a, r, 0, out);
  PQclear(r);
  return rc;
}

/* The mutable columns as parameters 1..18, in the order shared by insert and update. */
static void bind_request(struct pg_params *p, const struct st_request *r) {
  pg_text(p, pd_request_type_name(r->type));
  pg_text(p, pd_regime_name(r->regime));
  pg_text(p, pd_status_name(r->status));
  pg_text(p, pd_priority_name(r->priority));
  pg_int(p, r->received_at);
  pg_int(p, r->due_at);
  pg_bool(p, r->extended);
  pg_text(p, r->extension_reason);
  pg_text(p, r->assignee);
  pg_bool(p, r->identity_verified);
  pg_text(p, r->identity_method);
  pg_time(p, r->acknowledged_at);
  pg_time(p, r->ack_due_at);
  pg_int(p, r->status_since);
  pg_text(p, r->details);
  pg_text(p, r->result);
  pg_int(p, r->version);
  pg_int(p, r->updated_at);
}

int pg_request_insert(struct store_conn *conn_, struct st_request *r) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  bind_request(&p, r);
  pg_text(&p, r->id);
  pg_int(&p, r->account_rowid);
  pg_int(&p, r->created_at);
  int rc;
  if (pg_bulk_insert(c)) { /* seeding: the key drawn ahead, the insert pipelined */
    int64_t pk;
    if ((rc = pg_bulk_key(c, PG_KEYS_REQUESTS, &pk)) != ST_OK) return rc;
    pg_int(&p, pk);
    rc = pg_run_done(c, "INSERT INTO requests (type, regime, status, priority, received_at, due_at, extended,"
                        " extension_reason, assignee, identity_verified, identity_method, acknowledged_at,"
                        " ack_due_at, status_since, details, result, version, updated_at, id, account_pk,"
                        " created_at, pk) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,"
                        "$19,$20,$21,$22)",
                     &p, "inserting a request");
    if (rc == ST_OK) r->rowid = pk;
    return rc;
  }
  PGresult *res = pg_run(c, "INSERT INTO requests (type, regime, status, priority, received_at, due_at, extended,"
                            " extension_reason, assignee, identity_verified, identity_method, acknowledged_at,"
                            " ack_due_at, status_since, details, result, version, updated_at, id, account_pk,"
                            " created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,"
                            "$19,$20,$21) ON CONFLICT DO NOTHING RETURNING pk",
                         &p, "inserting a request", &rc);
  if (res) {
    if (PQntuples(res) == 1)
      r->rowid = pg_col_int(res, 0, 0);
    else
      rc = ST_CONFLICT;
  }
  PQclear(res);
  return rc;
}

int pg_request_update(struct store_conn *conn_, const struct st_request *r) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  bind_request(&p, r);
  pg_int(&p, r->rowid);
  int rc;
  /* conditional on the version it replaces (read in this transaction) */
  PGresult *res = pg_run(c, "UPDATE requests SET type = $1, regime = $2, status = $3, priority = $4,"
                            " received_at = $5, due_at = $6, extended = $7, extension_reason = $8, assignee = $9,"
                            " identity_verified = $10, identity_method = $11, acknowledged_at = $12,"
                            " ack_due_at = $13, status_since = $14, details = $15, result = $16,"
                            " version = $17::bigint, updated_at = $18 WHERE pk = $19 AND " PG_VERSION_CHECK("$17")
                            " RETURNING pk",
                         &p, "updating a request", &rc);
  if (!res) return rc;
  int n = PQntuples(res);
  PQclear(res);
  if (n == 1) return ST_OK;
  c->retryable = true; /* a concurrent write got in: a re-run answers 412 */
  char msg[96];
  snprintf(msg, sizeof msg, "request %s is not at version %lld", r->id, (long long)r->version - 1);
  return pg_fail(c, "update lost to a concurrent write (retrying)", msg);
}

int pg_requests_touch_account(struct store_conn *conn_, int64_t account_rowid, int64_t now) {
  struct pg_params p = {0};
  pg_int(&p, now);
  pg_int(&p, account_rowid);
  return pg_run_done(pg_conn_of(conn_), "UPDATE requests SET version = version + 1, updated_at = $1"
                                        " WHERE account_pk = $2", &p, "touching requests");
}

/* ---- the queue ---- */

/* Appends a clause whose "$" is replaced by the next parameter's number. */
static void sql_param(struct st_sql_buf *b, struct pg_params *p, const char *clause) {
  char num[8];
  snprintf(num, sizeof num, "$%d", p->n); /* the parameter was just added: it is number n */
  const char *d = strchr(clause, '$');
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%.*s%s%s", (int)(d - clause), clause, num, d + 1);
  st_sql_add(b, tmp);
}


static bool mask_is_open_set(unsigned mask) {
  unsigned open = 0;
  for (int i = 0; i < PD_STATUS_COUNT; i++)
    if (pd_status_is_open((enum pd_status)i)) open |= 1u << i;
  return mask == open;
}

int pg_requests_list(struct store_conn *conn_, struct arena *a, const struct st_request_query *q,
                     struct st_request **items, int *n, bool *more) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct st_sql_buf b = {.len = 0};
  struct pg_params p = {0};
  char hi[513];
  st_sql_add(&b, "SELECT " REQUEST_COLUMNS " FROM requests r JOIN accounts a ON a.pk = r.account_pk WHERE true");
  if (q->status_mask) {
    if (mask_is_open_set(q->status_mask))
      st_sql_add(&b, " AND r.is_open"); /* served by requests_open_due */
    else
      st_sql_in_list(&b, "r.status", q->status_mask, PD_STATUS_COUNT, st_status_name);
  }
  if (q->type_mask) st_sql_in_list(&b, "r.type", q->type_mask, PD_TYPE_COUNT, st_type_name);
  if (q->assignee) pg_text(&p, q->assignee), sql_param(&b, &p, " AND r.assignee = $");
  if (q->unassigned) st_sql_add(&b, " AND r.assignee IS NULL");
  if (q->priority >= 0)
    pg_text(&p, pd_priority_name((enum pd_priority)q->priority)), sql_param(&b, &p, " AND r.priority = $");
  if (q->overdue == 1) pg_int(&p, q->now), sql_param(&b, &p, " AND r.is_open AND r.due_at < $");
  if (q->overdue == 0) pg_int(&p, q->now), sql_param(&b, &p, " AND NOT (r.is_open AND r.due_at < $)");
  if (q->due_before) pg_int(&p, q->due_before), sql_param(&b, &p, " AND r.due_at <= $");
  if (q->account_rowid) pg_int(&p, q->account_rowid), sql_param(&b, &p, " AND r.account_pk = $");
  if (q->request_id) pg_text(&p, q->request_id), sql_param(&b, &p, " AND r.id = $");
  if (q->email_prefix) {
    if (strlen(q->email_prefix) >= 512) return pg_fail(c, "listing requests", "e-mail prefix too long");
    pg_text(&p, q->email_prefix);
    sql_param(&b, &p, " AND r.account_pk IN (SELECT pk FROM accounts WHERE email_norm >= $");
    if (pg_prefix_end(q->email_prefix, hi)) pg_text(&p, hi), sql_param(&b, &p, " AND email_norm < $");
    st_sql_add(&b, ")");
  }
  const char *key = q->sort == ST_SORT_DUE_ASC || q->sort == ST_SORT_DUE_DESC ? "r.due_at" : "r.received_at";
  bool desc = q->sort == ST_SORT_DUE_DESC || q->sort == ST_SORT_RECEIVED_DESC;
  if (q->has_after) {
    char clause[160];
    pg_int(&p, q->after_key);
    pg_text(&p, q->after_id);
    snprintf(clause, sizeof clause, " AND (%s, r.id) %s ($%d::bigint, $%d::text)", key, desc ? "<" : ">", p.n - 1,
             p.n);
    st_sql_add(&b, clause);
  }
  pg_int(&p, q->limit + 1);
  char order[96];
  snprintf(order, sizeof order, " ORDER BY %s %s, r.id %s LIMIT $%d", key, desc ? "DESC" : "ASC",
           desc ? "DESC" : "ASC", p.n);
  st_sql_add(&b, order);
  if (b.overflow) return pg_fail(c, "building the queue query", "too long");

  int rc;
  PGresult *res = pg_run(c, b.text, &p, "listing requests", &rc);
  if (!res) return rc;
  int count = PQntuples(res);
  if (count > q->limit + 1) count = q->limit + 1;
  struct st_request *rows = arena_alloc(a, sizeof *rows * (size_t)(q->limit + 1));
  for (int i = 0; i < count; i++) read_request(a, res, i, &rows[i]);
  PQclear(res);
  *more = count > q->limit;
  *n = *more ? q->limit : count;
  *items = rows;
  return ST_OK;
}

/* ---- timeline ---- */

int pg_timeline_add(struct store_conn *conn_, int64_t request_rowid, const struct st_timeline_event *e) {
  struct pg_params p = {0};
  pg_int(&p, request_rowid);
  pg_int(&p, e->at);
  pg_text(&p, e->actor);
  pg_text(&p, e->kind);
  pg_text(&p, e->text ? e->text : "");
  pg_text(&p, e->from);
  pg_text(&p, e->to);
  pg_text(&p, e->assignee);
  /* the next seq of the request: safe, writes are serialised by the write lock */
  return pg_run_done(pg_conn_of(conn_),
                     "INSERT INTO timeline (request_pk, seq, at, actor, kind, text, from_status, to_status, assignee)"
                     " VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM timeline WHERE request_pk = $1),"
                     " $2, $3, $4, $5, $6, $7, $8)",
                     &p, "adding a timeline event");
}

int pg_timeline_list(struct store_conn *conn_, struct arena *a, int64_t request_rowid,
                     struct st_timeline_event **events, int *n) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_int(&p, request_rowid);
  int rc;
  PGresult *r = pg_run(c, "SELECT at, actor, kind, text, from_status, to_status, assignee"
                          " FROM timeline WHERE request_pk = $1 ORDER BY seq", &p, "reading a timeline", &rc);
  if (!r) return rc;
  int count = PQntuples(r);
  struct st_timeline_event *ev = arena_alloc(a, sizeof *ev * (size_t)(count ? count : 1));
  for (int i = 0; i < count; i++) {
    struct st_timeline_event *e = &ev[i];
    e->at = pg_col_int(r, i, 0);
    e->actor = pg_col_text(a, r, i, 1);
    e->kind = pg_col_text(a, r, i, 2);
    e->text = pg_col_text(a, r, i, 3);
    e->from = pg_col_text(a, r, i, 4);
    e->to = pg_col_text(a, r, i, 5);
    e->assignee = pg_col_text(a, r, i, 6);
  }
  PQclear(r);
  *events = ev;
  *n = count;
  return ST_OK;
}

/* ---- statistics ---- */

/* Migration 2 (listed in store_pg.c; never edit it, append another): the
 * counts /v1/stats shows, kept up to date by triggers so that it
 * never reads the requests table (SQLite's migration 2; docs/PERFORMANCE.md).
 * request_counts has one row per status, priority and assignee (bounded by
 * the vocabulary and the staff), open_due_counts one per distinct due_at
 * of an open request (an end of day: one row per day); a row whose count
 * falls to 0 is deleted, so each table equals its GROUP BY over requests.
 * Concurrency: privdeskd's writes hold the write lock (store_pg_int.h), so
 * counter rows are never contended between instances; for other writers,
 * ON CONFLICT DO UPDATE and row locks keep the counts exact, and each
 * trigger locks counter rows in one global order (request_counts before
 * open_due_counts, keys ascending under "C"), so two single-row writes
 * never deadlock on them. */
const char pg_migration_stats_counters[] =
    /* writers of instances still running the previous version wait until
     * the counters and their triggers commit (none is missed or counted twice) */
    "LOCK TABLE requests IN SHARE ROW EXCLUSIVE MODE;"
    "CREATE TABLE request_counts ("
    "  status text COLLATE \"C\" NOT NULL, priority text COLLATE \"C\" NOT NULL, assigned boolean NOT NULL,"
    "  assignee text COLLATE \"C\" NOT NULL, n bigint NOT NULL, PRIMARY KEY (status, priority, assigned, assignee));"
    "INSERT INTO request_counts SELECT status, priority, assignee IS NOT NULL, coalesce(assignee, ''), count(*)"
    "  FROM requests GROUP BY 1, 2, 3, 4;"
    "CREATE TABLE open_due_counts (due_at bigint PRIMARY KEY, n bigint NOT NULL);"
    "INSERT INTO open_due_counts SELECT due_at, count(*) FROM requests WHERE is_open GROUP BY due_at;"
    /* d = +1 or -1 for one request's (status, priority, assignee) */
    "CREATE FUNCTION request_counts_add(p_status text, p_priority text, p_assignee text, d integer)"
    "  RETURNS void LANGUAGE plpgsql AS $$"
    "DECLARE left_n bigint; BEGIN"
    "  IF d > 0 THEN"
    "    INSERT INTO request_counts VALUES (p_status, p_priority, p_assignee IS NOT NULL, coalesce(p_assignee, ''), d)"
    "      ON CONFLICT (status, priority, assigned, assignee) DO UPDATE SET n = request_counts.n + excluded.n;"
    "  ELSE"
    "    UPDATE request_counts SET n = n + d WHERE status = p_status AND priority = p_priority"
    "      AND assigned = (p_assignee IS NOT NULL) AND assignee = coalesce(p_assignee, '') RETURNING n INTO left_n;"
    "    IF left_n <= 0 THEN"
    "      DELETE FROM request_counts WHERE status = p_status AND priority = p_priority"
    "        AND assigned = (p_assignee IS NOT NULL) AND assignee = coalesce(p_assignee, '') AND n <= 0;"
    "    END IF;"
    "  END IF;"
    "END $$;"
    "CREATE FUNCTION open_due_counts_add(p_due_at bigint, d integer) RETURNS void LANGUAGE plpgsql AS $$"
    "DECLARE left_n bigint; BEGIN"
    "  IF d > 0 THEN"
    "    INSERT INTO open_due_counts VALUES (p_due_at, d)"
    "      ON CONFLICT (due_at) DO UPDATE SET n = open_due_counts.n + excluded.n;"
    "  ELSE"
    "    UPDATE open_due_counts SET n = n + d WHERE due_at = p_due_at RETURNING n INTO left_n;"
    "    IF left_n <= 0 THEN DELETE FROM open_due_counts WHERE due_at = p_due_at AND n <= 0; END IF;"
    "  END IF;"
    "END $$;"
    "CREATE FUNCTION requests_counters_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  PERFORM request_counts_add(NEW.status, NEW.priority, NEW.assignee, 1);"
    "  IF NEW.is_open THEN PERFORM open_due_counts_add(NEW.due_at, 1); END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE FUNCTION requests_counters_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  PERFORM request_counts_add(OLD.status, OLD.priority, OLD.assignee, -1);"
    "  IF OLD.is_open THEN PERFORM open_due_counts_add(OLD.due_at, -1); END IF;"
    "  RETURN NULL;"
    "END $$;"
    /* the old key's -1 and the new key's +1, the lower key first */
    "CREATE FUNCTION requests_counters_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  IF (OLD.status, OLD.priority, OLD.assignee) IS DISTINCT FROM (NEW.status, NEW.priority, NEW.assignee) THEN"
    "    IF (OLD.status COLLATE \"C\", OLD.priority COLLATE \"C\", OLD.assignee IS NOT NULL,"
    "        coalesce(OLD.assignee, '') COLLATE \"C\") < (NEW.status COLLATE \"C\", NEW.priority COLLATE \"C\","
    "        NEW.assignee IS NOT NULL, coalesce(NEW.assignee, '') COLLATE \"C\") THEN"
    "      PERFORM request_counts_add(OLD.status, OLD.priority, OLD.assignee, -1);"
    "      PERFORM request_counts_add(NEW.status, NEW.priority, NEW.assignee, 1);"
    "    ELSE"
    "      PERFORM request_counts_add(NEW.status, NEW.priority, NEW.assignee, 1);"
    "      PERFORM request_counts_add(OLD.status, OLD.priority, OLD.assignee, -1);"
    "    END IF;"
    "  END IF;"
    "  IF OLD.is_open AND NEW.is_open AND OLD.due_at = NEW.due_at THEN RETURN NULL; END IF;"
    "  IF OLD.is_open AND (NOT NEW.is_open OR OLD.due_at < NEW.due_at) THEN"
    "    PERFORM open_due_counts_add(OLD.due_at, -1);"
    "    IF NEW.is_open THEN PERFORM open_due_counts_add(NEW.due_at, 1); END IF;"
    "  ELSE"
    "    IF NEW.is_open THEN PERFORM open_due_counts_add(NEW.due_at, 1); END IF;"
    "    IF OLD.is_open THEN PERFORM open_due_counts_add(OLD.due_at, -1); END IF;"
    "  END IF;"
    "  RETURN NULL;"
    "END $$;"
    "CREATE FUNCTION requests_counters_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    "  TRUNCATE request_counts, open_due_counts; RETURN NULL;"
    "END $$;"
    /* A bulk load (seeding) sets privdesk.stats_counters to 'rebuild' for its
     * transaction and recounts before it commits (pg_commit): a counter row
     * updated once per request in one transaction leaves one dead version per
     * update, and each upsert then walks them (20,000 requests took 47 s to
     * seed instead of 20 s). */
    "CREATE TRIGGER requests_counters_ins AFTER INSERT ON requests FOR EACH ROW"
    "  WHEN (current_setting('privdesk.stats_counters', true) IS DISTINCT FROM 'rebuild')"
    "  EXECUTE FUNCTION requests_counters_ins();"
    "CREATE TRIGGER requests_counters_del AFTER DELETE ON requests FOR EACH ROW"
    "  WHEN (current_setting('privdesk.stats_counters', true) IS DISTINCT FROM 'rebuild')"
    "  EXECUTE FUNCTION requests_counters_del();"
    /* every update of a request sets all its columns: the WHEN skips the plpgsql call for those that move no count */
    "CREATE TRIGGER requests_counters_upd AFTER UPDATE OF status, priority, assignee, due_at ON requests FOR EACH ROW"
    "  WHEN ((OLD.status, OLD.priority, OLD.assignee, OLD.due_at) IS DISTINCT FROM"
    "        (NEW.status, NEW.priority, NEW.assignee, NEW.due_at)"
    "        AND current_setting('privdesk.stats_counters', true) IS DISTINCT FROM 'rebuild')"
    "  EXECUTE FUNCTION requests_counters_upd();"
    "CREATE TRIGGER requests_counters_truncate AFTER TRUNCATE ON requests"
    "  FOR EACH STATEMENT EXECUTE FUNCTION requests_counters_truncate();";


int pg_stats(struct store_conn *conn_, int64_t now, const char *user, struct st_stats *out) {
  struct pg_conn *c = pg_conn_of(conn_);
  memset(out, 0, sizeof *out);
  /* The counters the triggers of migration 2 (store_pg.c) keep: a few dozen
   * rows, never the requests table (tests/reliability/test_pg_stats.c
   * checks the plans). */
  int rc;
  PGresult *r = pg_run(c, "SELECT status, priority, assigned, assignee, n FROM request_counts", NULL,
                       "counting requests", &rc);
  if (!r) return rc;
  for (int i = 0; i < PQntuples(r); i++) {
    int s = pd_status_parse(pg_col_raw(r, i, 0));
    int64_t n = pg_col_int(r, i, 4);
    if (s < 0) continue;
    out->open_by_status[s] += n;
    if (!pd_status_is_open((enum pd_status)s)) continue;
    bool assigned = pg_col_bool(r, i, 2);
    if (strcmp(pg_col_raw(r, i, 1), pd_priority_name(PD_PRIO_URGENT)) == 0) out->urgent += n;
    if (!assigned) out->unassigned += n;
    if (assigned && user && strcmp(pg_col_raw(r, i, 3), user) == 0) out->mine += n;
  }
  PQclear(r);

  /* Bucket edges are ends of days, matching how due_at is stored. */
  pd_date today = pd_date_of(now);
  int64_t end_today = pd_end_of_day(today);
  int64_t edge[6] = {now, end_today};
  const int days[] = {3, 7, 14, 30};
  for (int i = 0; i < 4; i++) edge[2 + i] = pd_end_of_day(pd_date_add_days(today, days[i]));
  struct pg_params p = {0};
  for (int i = 0; i < 6; i++) pg_int(&p, edge[i]);
  /* open_due_counts has one row per day that open requests are due on */
  r = pg_run(c, "SELECT coalesce(sum(n) FILTER (WHERE due_at < $1), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at >= $1 AND due_at <= $2), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at > $2 AND due_at <= $3), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at > $3 AND due_at <= $4), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at > $4 AND due_at <= $5), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at > $5 AND due_at <= $6), 0),"
                " coalesce(sum(n) FILTER (WHERE due_at > $6), 0)"
                " FROM open_due_counts",
             &p, "computing statistics", &rc);
  if (!r) return rc;
  for (int i = 0; i < 7; i++) out->buckets[i] = pg_col_int(r, 0, i);
  out->overdue = out->buckets[0];
  out->due_within_7_days = out->buckets[1] + out->buckets[2] + out->buckets[3];
  PQclear(r);
  return ST_OK;
}

/* The statistics counters of migration 2 counted afresh, at the end of a
 * bulk load's transaction (its triggers skipped them). The table lock keeps
 * out writers that do not take the write lock while it counts. */
const char pg_stats_counters_rebuild[] =
    "LOCK TABLE requests IN SHARE ROW EXCLUSIVE MODE;"
    "DELETE FROM request_counts; DELETE FROM open_due_counts;"
    "INSERT INTO request_counts SELECT status, priority, assignee IS NOT NULL, coalesce(assignee, ''), count(*)"
    "  FROM requests GROUP BY 1, 2, 3, 4;"
    "INSERT INTO open_due_counts SELECT due_at, count(*) FROM requests WHERE is_open GROUP BY due_at;"
    "SET LOCAL privdesk.stats_counters = ''";
