/* PostgreSQL store: staff users and the per-token rate limit shared by every
 * privdeskd on the database (docs/DEPLOYMENT.md, section 3). */
#include "server/store_pg_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- staff ---- */

#define USER_COLUMNS "pk, name, role, created_at, revoked_at"

static void read_user(const PGresult *r, int row, struct st_user *out) {
  out->rowid = pg_col_int(r, row, 0);
  snprintf(out->name, sizeof out->name, "%s", pg_col_raw(r, row, 1));
  int role = pd_role_parse(pg_col_raw(r, row, 2));
  out->role = role < 0 ? PD_ROLE_VIEWER : (enum pd_role)role;
  out->created_at = pg_col_int(r, row, 3);
  out->revoked_at = pg_col_int(r, row, 4);
}

static int one_user(struct pg_conn *c, const char *sql, struct pg_params *p, struct st_user *out) {
  int rc;
  PGresult *r = pg_run(c, sql, p, "reading a user", &rc);
  if (!r) return rc;
  if (PQntuples(r) == 0) rc = ST_NOT_FOUND;
  else read_user(r, 0, out);
  PQclear(r);
  return rc;
}

int pg_user_by_token_hash(struct store_conn *conn_, const unsigned char hash[32], struct st_user *out) {
  struct pg_params p = {0};
  pg_bytes(&p, hash, 32);
  return one_user(pg_conn_of(conn_), "SELECT " USER_COLUMNS " FROM users WHERE token_hash = $1", &p, out);
}

int pg_user_by_name(struct store_conn *conn_, const char *name, struct st_user *out) {
  struct pg_params p = {0};
  pg_text(&p, name);
  return one_user(pg_conn_of(conn_), "SELECT " USER_COLUMNS " FROM users WHERE name = $1", &p, out);
}

int pg_user_add(struct store_conn *conn_, const char *name, enum pd_role role, const unsigned char hash[32],
                int64_t now) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_text(&p, name);
  pg_text(&p, pd_role_name(role));
  pg_bytes(&p, hash, 32);
  pg_int(&p, now);
  int rc;
  /* ON CONFLICT DO NOTHING: a taken name is ST_CONFLICT without aborting the transaction */
  PGresult *r = pg_run(c, "INSERT INTO users (name, role, token_hash, created_at) VALUES ($1, $2, $3, $4)"
                          " ON CONFLICT DO NOTHING RETURNING pk", &p, "adding a user", &rc);
  if (r && PQntuples(r) == 0) rc = ST_CONFLICT;
  PQclear(r);
  return rc;
}

int pg_user_revoke(struct store_conn *conn_, const char *name, int64_t now) {
  struct pg_conn *c = pg_conn_of(conn_);
  struct pg_params p = {0};
  pg_int(&p, now);
  pg_text(&p, name);
  int rc;
  PGresult *r = pg_run(c, "UPDATE users SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL", &p,
                       "revoking a user", &rc);
  if (r && strcmp(PQcmdTuples(r), "0") == 0) rc = ST_NOT_FOUND;
  PQclear(r);
  return rc;
}

int pg_users_each(struct store_conn *conn_, void (*fn)(const struct st_user *u, void *ctx), void *ctx) {
  struct pg_conn *c = pg_conn_of(conn_);
  int rc;
  PGresult *r = pg_run(c, "SELECT " USER_COLUMNS " FROM users ORDER BY name", NULL, "listing users", &rc);
  if (!r) return rc;
  for (int i = 0; i < PQntuples(r); i++) {
    struct st_user u;
    read_user(r, i, &u);
    fn(&u, ctx);
  }
  PQclear(r);
  return ST_OK;
}

/* ---- the shared rate limit ---- */

/* One token bucket per user in the database, refilled and taken from in a
 * single atomic upsert, on the database's clock (the instances' clocks may
 * differ). */
int pg_ratelimit_take(struct store_conn *conn_, int64_t key, double rate, double burst, int *wait_s) {
  struct pg_conn *c = pg_conn_of(conn_);
  *wait_s = 0;
  if (rate <= 0) return ST_OK;
  char rate_s[32], burst_s[32];
  snprintf(rate_s, sizeof rate_s, "%.6f", rate);
  snprintf(burst_s, sizeof burst_s, "%.6f", burst);
  struct pg_params p = {0};
  pg_int(&p, key);
  pg_text(&p, rate_s);
  pg_text(&p, burst_s);
#define PG_NOW_MS "(extract(epoch from clock_timestamp()) * 1000)::bigint"
#define PG_REFILL "least($3::float8, b.tokens + greatest(0, " PG_NOW_MS " - b.last_ms) * $2::float8 / 1000.0)"
  int rc;
  PGresult *r = pg_run(c,
                       "INSERT INTO ratelimit AS b (user_pk, tokens, last_ms, allowed)"
                       " VALUES ($1, $3::float8 - 1, " PG_NOW_MS ", true)"
                       " ON CONFLICT (user_pk) DO UPDATE SET"
                       " tokens = CASE WHEN " PG_REFILL " >= 1 THEN " PG_REFILL " - 1 ELSE " PG_REFILL " END,"
                       " allowed = " PG_REFILL " >= 1,"
                       " last_ms = greatest(b.last_ms, " PG_NOW_MS ")"
                       " RETURNING tokens, allowed",
                       &p, "taking from the rate limit", &rc);
#undef PG_REFILL
#undef PG_NOW_MS
  if (!r) return rc;
  if (PQntuples(r) == 1 && !pg_col_bool(r, 0, 1)) {
    double tokens = strtod(pg_col_raw(r, 0, 0), NULL);
    int wait = (int)ceil((1 - tokens) / rate);
    *wait_s = wait < 1 ? 1 : wait;
  }
  PQclear(r);
  return ST_OK;
}
