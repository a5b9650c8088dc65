/* SQLite store: opening, schema, connections, transactions, staff. */
#include "server/store_sqlite_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sqlite_store {
  struct store base;
  char *path;
  pthread_mutex_t lock;
  /* Serialises write transactions of this process. SQLite allows one writer
   * at a time anyway; without this, threads waiting for the write lock would
   * poll it through the busy handler, sleeping up to 100 ms between tries,
   * and under a long enough queue of writers one could time out (SQLITE_BUSY,
   * a 500). Here they queue on a mutex and go as soon as it is free. The busy
   * timeout stays for other processes (privdeskd user add on a live database). */
  pthread_mutex_t write_lock;
  struct sqlite_conn *conns;
};

static _Thread_local struct sqlite_conn *thread_conn;
static const struct store_ops sqlite_ops;

/* The schema, as migrations: never edit one that shipped, append a new one.
 * user_version records how far a file got. */
static const char *const migrations[] = {
  /* 1: initial schema */
  "CREATE TABLE users ("
  "  pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
  "  token_hash BLOB NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);"
  "CREATE TABLE accounts ("
  "  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, email TEXT NOT NULL,"
  "  email_norm TEXT NOT NULL UNIQUE, name TEXT NOT NULL, status TEXT NOT NULL,"
  "  jurisdiction TEXT NOT NULL, created_at INTEGER NOT NULL, closed_at INTEGER,"
  "  is_minor INTEGER NOT NULL, analytics_enabled INTEGER NOT NULL,"
  "  marketing_consent INTEGER NOT NULL, marketing_consent_at INTEGER,"
  "  version INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
  "CREATE VIRTUAL TABLE account_names USING fts5(name, content='accounts', content_rowid='pk',"
  "  tokenize='trigram');"
  "CREATE TRIGGER accounts_ai AFTER INSERT ON accounts BEGIN"
  "  INSERT INTO account_names(rowid, name) VALUES (new.pk, new.name); END;"
  "CREATE TRIGGER accounts_ad AFTER DELETE ON accounts BEGIN"
  "  INSERT INTO account_names(account_names, rowid, name) VALUES ('delete', old.pk, old.name); END;"
  "CREATE TRIGGER accounts_au AFTER UPDATE OF name ON accounts BEGIN"
  "  INSERT INTO account_names(account_names, rowid, name) VALUES ('delete', old.pk, old.name);"
  "  INSERT INTO account_names(rowid, name) VALUES (new.pk, new.name); END;"
  "CREATE TABLE inventory ("
  "  account_pk INTEGER NOT NULL REFERENCES accounts(pk), category TEXT NOT NULL,"
  "  records INTEGER NOT NULL, bytes INTEGER NOT NULL, oldest INTEGER, newest INTEGER,"
  "  state TEXT NOT NULL, retained_until INTEGER, retained_because TEXT,"
  "  PRIMARY KEY (account_pk, category)) WITHOUT ROWID;"
  "CREATE TABLE requests ("
  "  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
  "  account_pk INTEGER NOT NULL REFERENCES accounts(pk),"
  "  type TEXT NOT NULL, regime TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL, due_at INTEGER NOT NULL, extended INTEGER NOT NULL,"
  "  extension_reason TEXT, assignee TEXT, identity_verified INTEGER NOT NULL,"
  "  identity_method TEXT, acknowledged_at INTEGER, ack_due_at INTEGER,"
  "  status_since INTEGER NOT NULL, details TEXT, result TEXT, version INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL,"
  "  is_open INTEGER GENERATED ALWAYS AS (status IN ('new','verifying','in_progress','waiting')) VIRTUAL);"
  "CREATE INDEX requests_due ON requests(due_at, id);"
  "CREATE INDEX requests_received ON requests(received_at, id);"
  "CREATE INDEX requests_open_due ON requests(is_open, due_at, id);"
  "CREATE INDEX requests_status_due ON requests(status, due_at, id);"
  "CREATE INDEX requests_assignee_due ON requests(assignee, is_open, due_at, id);"
  "CREATE INDEX requests_account ON requests(account_pk, due_at, id);"
  "CREATE INDEX requests_priority_due ON requests(priority, is_open, due_at, id);"
  "CREATE INDEX requests_type_due ON requests(type, due_at, id);"
  "CREATE TABLE timeline ("
  "  request_pk INTEGER NOT NULL REFERENCES requests(pk), seq INTEGER NOT NULL,"
  "  at INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,"
  "  from_status TEXT, to_status TEXT, assignee TEXT,"
  "  PRIMARY KEY (request_pk, seq)) WITHOUT ROWID;"
  "CREATE TABLE holds ("
  "  pk INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
  "  account_pk INTEGER NOT NULL REFERENCES accounts(pk), reason TEXT NOT NULL,"
  "  case_ref TEXT NOT NULL, categories TEXT NOT NULL, placed_by TEXT NOT NULL,"
  "  placed_at INTEGER NOT NULL, status TEXT NOT NULL, released_by TEXT, released_at INTEGER,"
  "  release_reason TEXT, version INTEGER NOT NULL);"
  "CREATE INDEX holds_account ON holds(account_pk, status);"
  "CREATE INDEX holds_placed ON holds(placed_at, id);"
  "CREATE INDEX holds_status_placed ON holds(status, placed_at, id);"
  "CREATE TABLE audit ("
  "  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
  "  target TEXT NOT NULL, account_id TEXT, details TEXT NOT NULL,"
  "  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
  "CREATE INDEX audit_account ON audit(account_id, seq);"
  "CREATE INDEX audit_actor ON audit(actor, seq);"
  "CREATE INDEX audit_action ON audit(action, seq);"
  "CREATE TABLE idempotency ("
  "  user_pk INTEGER NOT NULL, key TEXT NOT NULL, fingerprint BLOB NOT NULL,"
  "  status INTEGER NOT NULL, etag TEXT, location TEXT, body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL, PRIMARY KEY (user_pk, key)) WITHOUT ROWID;"
  "CREATE INDEX idempotency_created ON idempotency(created_at);"
  "CREATE TABLE exports (request_pk INTEGER PRIMARY KEY REFERENCES requests(pk), body TEXT NOT NULL);",

  /* 2: the queue sorted by received_at under each filter (the due_at twins
   * are in 1), and the counts /v1/stats shows, kept up to date by triggers
   * so that it never reads the requests table (docs/PERFORMANCE.md).
   * request_counts has one row per status, priority and assignee (bounded by
   * the vocabulary and the staff); open_due_counts one per distinct due_at of
   * an open request (due_at is an end of day: one row per day). */
  "CREATE INDEX requests_open_received ON requests(is_open, received_at, id);"
  "CREATE INDEX requests_status_received ON requests(status, received_at, id);"
  "CREATE INDEX requests_type_received ON requests(type, received_at, id);"
  "CREATE INDEX requests_assignee_received ON requests(assignee, is_open, received_at, id);"
  "CREATE INDEX requests_priority_received ON requests(priority, is_open, received_at, id);"
  "CREATE TABLE request_counts ("
  "  status TEXT NOT NULL, priority TEXT NOT NULL, assigned INTEGER NOT NULL, assignee TEXT NOT NULL,"
  "  n INTEGER NOT NULL, PRIMARY KEY (status, priority, assigned, assignee)) WITHOUT ROWID;"
  "INSERT INTO request_counts SELECT status, priority, assignee IS NOT NULL, coalesce(assignee, ''), count(*)"
  "  FROM requests GROUP BY 1, 2, 3, 4;"
  "CREATE TABLE open_due_counts (due_at INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
  "INSERT INTO open_due_counts SELECT due_at, count(*) FROM requests WHERE is_open = 1 GROUP BY due_at;"
  "CREATE TRIGGER request_counts_ai AFTER INSERT ON requests BEGIN"
  "  INSERT INTO request_counts VALUES (new.status, new.priority, new.assignee IS NOT NULL,"
  "    coalesce(new.assignee, ''), 1) ON CONFLICT(status, priority, assigned, assignee) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER request_counts_ad AFTER DELETE ON requests BEGIN"
  "  UPDATE request_counts SET n = n - 1 WHERE status = old.status AND priority = old.priority"
  "    AND assigned = (old.assignee IS NOT NULL) AND assignee = coalesce(old.assignee, '');"
  "END;"
  "CREATE TRIGGER request_counts_au AFTER UPDATE OF status, priority, assignee ON requests"
  "  WHEN old.status IS NOT new.status OR old.priority IS NOT new.priority OR old.assignee IS NOT new.assignee BEGIN"
  "  UPDATE request_counts SET n = n - 1 WHERE status = old.status AND priority = old.priority"
  "    AND assigned = (old.assignee IS NOT NULL) AND assignee = coalesce(old.assignee, '');"
  "  INSERT INTO request_counts VALUES (new.status, new.priority, new.assignee IS NOT NULL,"
  "    coalesce(new.assignee, ''), 1) ON CONFLICT(status, priority, assigned, assignee) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER open_due_counts_ai AFTER INSERT ON requests WHEN new.is_open BEGIN"
  "  INSERT INTO open_due_counts VALUES (new.due_at, 1) ON CONFLICT(due_at) DO UPDATE SET n = n + 1;"
  "END;"
  "CREATE TRIGGER open_due_counts_ad AFTER DELETE ON requests WHEN old.is_open BEGIN"
  "  UPDATE open_due_counts SET n = n - 1 WHERE due_at = old.due_at;"
  "  DELETE FROM open_due_counts WHERE due_at = old.due_at AND n <= 0;"
  "END;"
  "CREATE TRIGGER open_due_counts_au AFTER UPDATE OF status, due_at ON requests"
  "  WHEN old.is_open IS NOT new.is_open OR (new.is_open AND old.due_at IS NOT new.due_at) BEGIN"
  "  UPDATE open_due_counts SET n = n - 1 WHERE old.is_open AND due_at = old.due_at;"
  "  DELETE FROM open_due_counts WHERE old.is_open AND due_at = old.due_at AND n <= 0;"
  "  INSERT INTO open_due_counts SELECT new.due_at, 1 WHERE new.is_open"
  "    ON CONFLICT(due_at) DO UPDATE SET n = n + 1;"
  "END;",

  /* 3: a deadline filter (overdue, due_before) on a queue sorted by
   * received_at. Within one class (regime, extended) due_at is a
   * non-decreasing function of received_at (server/domain/deadline.c), so
   * the requests due before a time are those received up to a cut-off: the
   * received_at of the latest of them (one seek in requests_class_due); a
   * page of each class is then read in received_at order from
   * requests_class_received, up to that cut-off (store_sqlite_requests.c). */
  "CREATE INDEX requests_class_received ON requests(regime, extended, is_open, received_at, id);"
  "CREATE INDEX requests_class_due ON requests(regime, extended, is_open, due_at, received_at);",

  /* 4: the queue filtered by an account's e-mail prefix (store_sqlite_requests.c) */
  st_migration_request_emails,

  /* 5: account search by name, in e-mail order (store_sqlite_accounts.c) */
  st_migration_name_search,

  /* 6: each account's active holds and open requests, kept by triggers (store_sqlite_accounts.c) */
  st_migration_account_counts,
};
enum { SCHEMA_VERSION = sizeof migrations / sizeof migrations[0] };

int st_fail(struct sqlite_conn *c, const char *what) {
  fprintf(stderr, "privdeskd: store: %s: %s\n", what, c && c->db ? sqlite3_errmsg(c->db) : "no database");
  return ST_ERROR;
}

int st_exec(struct sqlite_conn *c, const char *sql) {
  char *msg = NULL;
  if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    fprintf(stderr, "privdeskd: store: %s\n", msg ? msg : "exec failed");
    sqlite3_free(msg);
    return ST_ERROR;
  }
  return ST_OK;
}

sqlite3_stmt *st_prepare(struct sqlite_conn *c, const char *sql) {
  for (int i = 0; i < DYN_STMT_SLOTS; i++) {
    struct dyn_stmt *d = &c->dyn[i];
    if (d->sql && strcmp(d->sql, sql) == 0) {
      sqlite3_reset(d->stmt);
      sqlite3_clear_bindings(d->stmt);
      return d->stmt;
    }
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
    st_fail(c, sql);
    return NULL;
  }
  struct dyn_stmt *slot = NULL;
  for (int i = 0; i < DYN_STMT_SLOTS && !slot; i++)
    if (!c->dyn[i].sql) slot = &c->dyn[i];
  if (!slot) { /* full: evict round-robin */
    slot = &c->dyn[c->dyn_next_evict++ % DYN_STMT_SLOTS];
    sqlite3_finalize(slot->stmt);
    free(slot->sql);
  }
  slot->sql = strdup(sql);
  slot->stmt = st;
  if (!slot->sql) {
    sqlite3_finalize(st);
    slot->stmt = NULL;
    return NULL;
  }
  return st;
}

int st_step_done(struct sqlite_conn *c, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return ST_OK;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return ST_CONFLICT;
  return st_fail(c, what);
}

void st_bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

void st_bind_time(sqlite3_stmt *st, int i, int64_t t) {
  if (t)
    sqlite3_bind_int64(st, i, t);
  else
    sqlite3_bind_null(st, i);
}

const char *st_col_text(struct arena *a, sqlite3_stmt *st, int i) {
  if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
  const unsigned char *t = sqlite3_column_text(st, i);
  return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

void st_col_id(sqlite3_stmt *st, int i, char out[ST_ID_MAX]) {
  const unsigned char *t = sqlite3_column_text(st, i);
  snprintf(out, ST_ID_MAX, "%s", t ? (const char *)t : "");
}

void st_prefix_end(const char *lo, char *hi) {
  size_t n = strlen(lo);
  memcpy(hi, lo, n);
  hi[n] = '\xff';
  hi[n + 1] = '\0';
}

static int conn_setup(struct sqlite_conn *c) {
  sqlite3_busy_timeout(c->db, 10000);
  /* WAL: readers never block the writer. synchronous=FULL: an acknowledged
   * write survives power loss, not just a process crash. mmap_size: pages of
   * the database file are read through a shared memory map instead of a
   * pread(2) and a copy into each connection's cache: at a million accounts
   * the file is far larger than that cache (docs/PERFORMANCE.md). SQLite caps
   * the size at its compile-time maximum (2 GiB in Debian's build). */
  return st_exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000; PRAGMA mmap_size=2147418112;");
}

enum tx_kind { TX_BEGIN_READ, TX_BEGIN_WRITE, TX_COMMIT, TX_ROLLBACK };

/* Runs one of the transaction statements, prepared on first use. */
static int tx_exec(struct sqlite_conn *c, enum tx_kind kind) {
  static const char *const sql[] = {"BEGIN DEFERRED", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
  sqlite3_stmt **st = &c->tx_stmt[kind];
  if (!*st && sqlite3_prepare_v3(c->db, sql[kind], -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
    return st_fail(c, sql[kind]);
  int rc = sqlite3_step(*st);
  if (rc != SQLITE_DONE) {
    st_fail(c, sql[kind]);
    sqlite3_reset(*st);
    return ST_ERROR;
  }
  sqlite3_reset(*st);
  return ST_OK;
}

static struct sqlite_conn *conn_open(struct sqlite_store *s, char *err, size_t errsz) {
  struct sqlite_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->base.ops = &sqlite_ops;
  c->store = s;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(s->path, &c->db, flags, NULL) != SQLITE_OK) {
    if (err) snprintf(err, errsz, "%s: %s", s->path, c->db ? sqlite3_errmsg(c->db) : "cannot open");
    sqlite3_close(c->db);
    free(c);
    return NULL;
  }
  if (conn_setup(c) != ST_OK) {
    if (err) snprintf(err, errsz, "%s: %s", s->path, sqlite3_errmsg(c->db));
    sqlite3_close(c->db);
    free(c);
    return NULL;
  }
  pthread_mutex_lock(&s->lock);
  c->next = s->conns;
  s->conns = c;
  pthread_mutex_unlock(&s->lock);
  return c;
}

static void conn_close(struct sqlite_conn *c) {
  for (int i = 0; i < DYN_STMT_SLOTS; i++) {
    sqlite3_finalize(c->dyn[i].stmt);
    free(c->dyn[i].sql);
  }
  for (size_t i = 0; i < sizeof c->tx_stmt / sizeof c->tx_stmt[0]; i++) sqlite3_finalize(c->tx_stmt[i]);
  sqlite3_close(c->db);
  free(c);
}

static int schema_version(struct sqlite_conn *c) {
  sqlite3_stmt *st = NULL;
  int version = 0;
  if (sqlite3_prepare_v2(c->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return version;
}

static int migrate(struct sqlite_conn *c, char *err, size_t errsz) {
  int version = schema_version(c);
  if (version > SCHEMA_VERSION) {
    snprintf(err, errsz, "database schema version %d is newer than this privdeskd (%d)", version,
             SCHEMA_VERSION);
    return ST_ERROR;
  }
  for (int v = version; v < SCHEMA_VERSION; v++) {
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d;", v + 1);
    if (st_exec(c, "BEGIN IMMEDIATE") != ST_OK) goto fail;
    if (st_exec(c, migrations[v]) != ST_OK || st_exec(c, pragma) != ST_OK) {
      st_exec(c, "ROLLBACK");
      goto fail;
    }
    if (st_exec(c, "COMMIT") != ST_OK) goto fail;
  }
  return ST_OK;
fail:
  snprintf(err, errsz, "migrating the database schema failed: %s", sqlite3_errmsg(c->db));
  return ST_ERROR;
}

static void sqlite_close(struct store *base) {
  struct sqlite_store *s = (struct sqlite_store *)base;
  for (struct sqlite_conn *c = s->conns, *next; c; c = next) {
    next = c->next;
    if (thread_conn == c) thread_conn = NULL;
    conn_close(c);
  }
  pthread_mutex_destroy(&s->lock);
  pthread_mutex_destroy(&s->write_lock);
  free(s->path);
  free(s);
}

static struct store_conn *sqlite_conn_get(struct store *base) {
  struct sqlite_store *s = (struct sqlite_store *)base;
  if (!thread_conn || thread_conn->store != s) thread_conn = conn_open(s, NULL, 0);
  return thread_conn ? &thread_conn->base : NULL;
}

static int sqlite_migrate(struct store *base, char *msg, size_t msgsz) {
  struct sqlite_conn *c = (struct sqlite_conn *)sqlite_conn_get(base);
  if (!c) {
    snprintf(msg, msgsz, "cannot open the database");
    return ST_ERROR;
  }
  int from = schema_version(c);
  if (migrate(c, msg, msgsz) != ST_OK) return ST_ERROR;
  snprintf(msg, msgsz, from == SCHEMA_VERSION ? "schema at version %d: nothing to do"
                                              : "schema migrated from version %d to %d", from, SCHEMA_VERSION);
  return ST_OK;
}

struct store *sqlite_store_open(const char *path, unsigned flags, char *err, size_t errsz) {
  struct sqlite_store *s = calloc(1, sizeof *s);
  if (!s || !(s->path = strdup(path))) {
    free(s);
    snprintf(err, errsz, "out of memory");
    return NULL;
  }
  s->base.ops = &sqlite_ops;
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->write_lock, NULL);
  struct sqlite_conn *c = conn_open(s, err, errsz);
  if (!c || (!(flags & STORE_NO_MIGRATE) && migrate(c, err, errsz) != ST_OK)) {
    sqlite_close(&s->base);
    return NULL;
  }
  thread_conn = c;
  return &s->base;
}

int sqlite_set_bulk_mode(struct store_conn *conn_, bool on) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  /* Bulk loads touch random pages of the unique e-mail and id indexes: a
   * large page cache keeps them in memory until the single commit. */
  st_exec(c, on ? "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144"
                : "PRAGMA synchronous=FULL; PRAGMA cache_size=-16000");
  c->bulk = on;
  return ST_OK;
}

int sqlite_begin_read(struct store_conn *conn_) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  if (tx_exec(c, TX_BEGIN_READ) != ST_OK) return ST_ERROR;
  c->in_tx = 1;
  return ST_OK;
}

int sqlite_begin_write(struct store_conn *conn_) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  pthread_mutex_lock(&c->store->write_lock);
  if (tx_exec(c, TX_BEGIN_WRITE) != ST_OK) {
    pthread_mutex_unlock(&c->store->write_lock);
    return ST_ERROR;
  }
  c->in_tx = 2;
  if (c->bulk && st_exec(c, st_name_search_bulk_begin) != ST_OK) {
    sqlite_rollback(conn_);
    return ST_ERROR;
  }
  return ST_OK;
}

/* Ends a transaction's hold on the process's write lock. */
static void end_tx(struct sqlite_conn *c) {
  if (c->in_tx == 2) pthread_mutex_unlock(&c->store->write_lock);
  c->in_tx = 0;
}

int sqlite_commit(struct store_conn *conn_) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  int rc = ST_OK;
  if (c->bulk && c->in_tx == 2 && st_exec(c, st_name_search_rebuild) != ST_OK) {
    tx_exec(c, TX_ROLLBACK);
    end_tx(c);
    return ST_ERROR;
  }
  if (tx_exec(c, TX_COMMIT) != ST_OK) {
    if (sqlite3_get_autocommit(c->db) == 0) tx_exec(c, TX_ROLLBACK);
    rc = ST_ERROR;
  }
  end_tx(c);
  return rc;
}

int sqlite_rollback(struct store_conn *conn_) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  if (c->in_tx && sqlite3_get_autocommit(c->db) == 0) tx_exec(c, TX_ROLLBACK);
  end_tx(c);
  return ST_OK;
}

int sqlite_ping(struct store_conn *conn_) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT count(*) FROM users");
  if (!st || sqlite3_step(st) != SQLITE_ROW) return st_fail(c, "ping");
  sqlite3_reset(st);
  return ST_OK;
}

/* ---- staff ---- */

static int read_user(struct sqlite_conn *c, sqlite3_stmt *st, struct st_user *out) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return ST_NOT_FOUND;
  if (rc != SQLITE_ROW) return st_fail(c, "reading a user");
  out->rowid = sqlite3_column_int64(st, 0);
  snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
  int role = pd_role_parse((const char *)sqlite3_column_text(st, 2));
  out->role = role < 0 ? PD_ROLE_VIEWER : (enum pd_role)role;
  out->created_at = sqlite3_column_int64(st, 3);
  out->revoked_at = sqlite3_column_int64(st, 4);
  sqlite3_reset(st);
  return ST_OK;
}

#define USER_COLUMNS "pk, name, role, created_at, revoked_at"

int sqlite_user_by_token_hash(struct store_conn *conn_, const unsigned char hash[32], struct st_user *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " USER_COLUMNS " FROM users WHERE token_hash = ?");
  if (!st) return ST_ERROR;
  sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
  return read_user(c, st, out);
}

int sqlite_user_by_name(struct store_conn *conn_, const char *name, struct st_user *out) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " USER_COLUMNS " FROM users WHERE name = ?");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, name);
  return read_user(c, st, out);
}

int sqlite_user_add(struct store_conn *conn_, const char *name, enum pd_role role, const unsigned char hash[32],
                   int64_t now) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st =
      st_prepare(c, "INSERT INTO users (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)");
  if (!st) return ST_ERROR;
  st_bind_text(st, 1, name);
  st_bind_text(st, 2, pd_role_name(role));
  sqlite3_bind_blob(st, 3, hash, 32, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 4, now);
  return st_step_done(c, st, "adding a user");
}

int sqlite_user_revoke(struct store_conn *conn_, const char *name, int64_t now) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st =
      st_prepare(c, "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
  if (!st) return ST_ERROR;
  sqlite3_bind_int64(st, 1, now);
  st_bind_text(st, 2, name);
  int rc = st_step_done(c, st, "revoking a user");
  if (rc == ST_OK && sqlite3_changes(c->db) == 0) return ST_NOT_FOUND;
  return rc;
}

int sqlite_users_each(struct store_conn *conn_, void (*fn)(const struct st_user *u, void *ctx), void *ctx) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "SELECT " USER_COLUMNS " FROM users ORDER BY name");
  if (!st) return ST_ERROR;
  struct st_user u;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    u.rowid = sqlite3_column_int64(st, 0);
    snprintf(u.name, sizeof u.name, "%s", (const char *)sqlite3_column_text(st, 1));
    int role = pd_role_parse((const char *)sqlite3_column_text(st, 2));
    u.role = role < 0 ? PD_ROLE_VIEWER : (enum pd_role)role;
    u.created_at = sqlite3_column_int64(st, 3);
    u.revoked_at = sqlite3_column_int64(st, 4);
    fn(&u, ctx);
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? ST_OK : st_fail(c, "listing users");
}

/* PRAGMA data_version moves when another connection commits; this
 * connection's own changes move sqlite3_total_changes64 instead. The pragma
 * reads the database header, so inside BEGIN DEFERRED it also fixes the
 * snapshot the rest of the transaction reads. */
static int sqlite_data_version(struct store_conn *conn_, uint64_t out[2]) {
  struct sqlite_conn *c = (struct sqlite_conn *)conn_;
  sqlite3_stmt *st = st_prepare(c, "PRAGMA data_version");
  if (!st) return ST_ERROR;
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(st);
    return st_fail(c, "reading the data version");
  }
  out[0] = (uint64_t)sqlite3_column_int64(st, 0);
  out[1] = (uint64_t)sqlite3_total_changes64(c->db);
  sqlite3_reset(st);
  return ST_OK;
}

static const struct store_ops sqlite_ops = {
  .kind = "sqlite",
  .migrate = sqlite_migrate,
  .close = sqlite_close,
  .conn_get = sqlite_conn_get,
#define STORE_OP_INIT(ret, name, params, args) .name = sqlite_##name,
  STORE_CONN_OPS(STORE_OP_INIT)
#undef STORE_OP_INIT
  .data_version = sqlite_data_version,
};
