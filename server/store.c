/* The store interface: picks the implementation from where the data lives and
 * dispatches every operation to it (see store.h). */
#include "server/store.h"

#include <ctype.h>
#include <string.h>

bool store_where_is_uri(const char *where) {
  return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

struct store *store_open(const char *where, unsigned flags, char *err, size_t errsz) {
  if (store_where_is_uri(where)) return pg_store_open(where, flags, err, errsz);
  return sqlite_store_open(where, flags, err, errsz);
}

const char *store_kind(const struct store *s) { return s->ops->kind; }

bool store_retryable(struct store_conn *c) { return c->ops->retryable && c->ops->retryable(c); }

int store_data_version(struct store_conn *c, uint64_t out[2]) {
  out[0] = out[1] = 0;
  if (!c->ops->data_version) return ST_NOT_FOUND;
  return c->ops->data_version(c, out);
}

int store_ratelimit_take(struct store_conn *c, int64_t key, double rate, double burst, int *wait_s) {
  *wait_s = 0;
  if (!c->ops->ratelimit_take) return ST_NOT_FOUND;
  return c->ops->ratelimit_take(c, key, rate, burst, wait_s);
}

int store_migrate(struct store *s, char *msg, size_t msgsz) { return s->ops->migrate(s, msg, msgsz); }

void store_close(struct store *s) {
  if (s) s->ops->close(s);
}

struct store_conn *store_conn_get(struct store *s) { return s->ops->conn_get(s); }

#define STORE_DISPATCH(ret, name, params, args) \
  ret store_##name(struct store_conn *c STORE_EXPAND params) { return c->ops->name(c STORE_EXPAND args); }
STORE_CONN_OPS(STORE_DISPATCH)
#undef STORE_DISPATCH

bool store_email_fold(const char *email, char *out, size_t outsz) {
  size_t n = strlen(email);
  if (n + 1 > outsz) return false;
  for (size_t i = 0; i <= n; i++) out[i] = (char)tolower((unsigned char)email[i]);
  return true;
}
