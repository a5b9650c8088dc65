/* Internals shared by the PostgreSQL store's files (store_pg*.c). Not part
 * of store.h.
 *
 * Concurrency across privdeskd instances (see docs/DEPLOYMENT.md):
 * every write transaction starts with pg_advisory_xact_lock(PG_WRITE_LOCK),
 * READ COMMITTED. Writes are thus serialised across all instances, exactly
 * like SQLite's single writer: the audit chain has one total order (its head
 * is read inside the lock), If-Match checks and idempotency look-ups inside
 * the transaction see every earlier write, and unique checks that SQLite
 * reports as a failed statement can be made before writing (so that a
 * conflict does not abort the transaction). Updates of versioned rows are
 * conditional on the version they replace (a second line of defence: a
 * mismatch marks the transaction retryable instead of losing an update).
 * Reads run in REPEATABLE READ READ ONLY snapshots and never wait. */
#ifndef PD_STORE_PG_INT_H
#define PD_STORE_PG_INT_H

#include <libpq-fe.h>

#include "server/store.h"

/* pg_advisory_xact_lock keys: every write transaction; the migrations. */
/* (0x70726976646b01 and ..02: "privdk" 1 and 2) */
#define PG_WRITE_LOCK 31650994675018497
#define PG_MIGRATE_LOCK 31650994675018498

enum { PG_STMT_SLOTS = 96, PG_MAX_PARAMS = 96 };

struct pg_stmt {
  char *sql;
  uint64_t hash; /* of sql, compared first */
  char name[24];
};

struct pg_store;

/* Inventory rows buffered in bulk mode, sent ten to a statement. */
enum { PG_INV_BATCH = 10 };
struct pg_inv_buf {
  int n;
  int64_t account[PG_INV_BATCH];
  struct st_inventory_row rows[PG_INV_BATCH];
  char *because[PG_INV_BATCH]; /* owned copies of rows[i].retained_because */
};

/* Primary keys drawn ahead from a table's sequence, for bulk inserts. */
enum pg_key_table { PG_KEYS_ACCOUNTS, PG_KEYS_REQUESTS, PG_KEY_TABLES };
struct pg_keys {
  int64_t v[1024];
  int n, next;
};

struct pg_conn {
  struct store_conn base; /* first: a struct store_conn * is one of these */
  struct pg_store *store;
  PGconn *db;
  struct pg_conn *next; /* all connections of the store, for closing */
  struct pg_stmt stmts[PG_STMT_SLOTS];
  unsigned next_evict, next_name;
  int pipelined; /* statements sent in bulk mode, not yet read back */
  struct pg_keys keys[PG_KEY_TABLES];
  struct pg_inv_buf inv;
  int in_tx;      /* 0 none, 1 read, 2 write */
  bool retryable; /* the transaction failed in a way a re-run can fix */
  bool bulk;      /* store_set_bulk_mode */
  /* The audit head inside a write transaction (we hold the write lock, so
   * nobody else appends): saves reading it again for the next entry. */
  bool head_known;
  int64_t head_seq;
  char head_hash[65];
  double last_connect; /* monotonic seconds of the last (re)connect attempt */
  double connect_cost; /* how long it took */
  bool down;           /* the last attempt failed (logged once until it is up again) */
  bool quiet;          /* do not log a failure to connect (the caller reports it) */
};

static inline struct pg_conn *pg_conn_of(struct store_conn *c) { return (struct pg_conn *)c; }

/* The operations, defined across store_pg*.c (see STORE_CONN_OPS). */
#define PG_OP_DECL(ret, name, params, args) ret pg_##name(struct store_conn *c STORE_EXPAND params);
STORE_CONN_OPS(PG_OP_DECL)
#undef PG_OP_DECL
int pg_ratelimit_take(struct store_conn *c, int64_t key, double rate, double burst, int *wait_s);
bool pg_retryable(struct store_conn *c);

/* The condition of an update of a versioned row to version V: the row is at
 * V - 1 (what the caller read in this transaction), or already at V
 * written by this same transaction (a second update at the same version,
 * as seeding does). Anything else means another transaction wrote the row
 * in between: the update changes nothing and the caller marks the
 * transaction retryable. */
#define PG_VERSION_CHECK(v) \
  "(version = " v "::bigint - 1 OR (version = " v "::bigint AND xmin = pg_current_xact_id()::xid))"

/* Parameters of one statement, all sent as text except bytes. The values
 * point into the struct (numbers) or at the caller's strings: keep both
 * alive until the statement ran. */
struct pg_params {
  int n;
  const char *values[PG_MAX_PARAMS];
  int lengths[PG_MAX_PARAMS];
  int formats[PG_MAX_PARAMS];
  char num[PG_MAX_PARAMS][24];
};
void pg_text(struct pg_params *p, const char *s); /* NULL sends null */
void pg_int(struct pg_params *p, int64_t v);
void pg_time(struct pg_params *p, int64_t t); /* 0 sends null */
void pg_bool(struct pg_params *p, bool b);
void pg_bytes(struct pg_params *p, const void *b, int len);

/* Runs sql (prepared once per connection and cached by its text) with p
 * (may be NULL). Returns the result (the caller PQclear()s it) with *rc
 * ST_OK, or NULL with *rc ST_CONFLICT (a unique key is taken) or ST_ERROR
 * (logged with `what`; a serialization failure or deadlock also marks the
 * transaction retryable). */
PGresult *pg_run(struct pg_conn *c, const char *sql, const struct pg_params *p, const char *what, int *rc);
/* pg_run for statements whose rows are not needed: ST_OK, ST_CONFLICT, ST_ERROR.
 * In bulk mode the statement is pipelined (its errors show at the next flush). */
int pg_run_done(struct pg_conn *c, const char *sql, const struct pg_params *p, const char *what);
/* In bulk mode inside a write transaction, inserts whose key the caller
 * needs at once take it from here (drawn from the table's sequence 1024 at a
 * time) and are pipelined like the rest: a seed of an empty database then
 * costs a round trip per few hundred rows, not per row. A unique key
 * conflict then fails the whole load at the next flush (instead of
 * ST_CONFLICT at once). */
bool pg_bulk_insert(const struct pg_conn *c);
int pg_bulk_key(struct pg_conn *c, enum pg_key_table t, int64_t *out);
/* Sends the buffered inventory rows (store_pg_accounts.c); pg_flush does first. */
int pg_inventory_flush(struct pg_conn *c);
/* Sends what bulk mode pipelined and checks the results. ST_OK or ST_ERROR. */
int pg_flush(struct pg_conn *c);
/* Logs a failure of the store; returns ST_ERROR. */
int pg_fail(struct pg_conn *c, const char *what, const char *detail);

int64_t pg_col_int(const PGresult *r, int row, int col);    /* null -> 0 */
bool pg_col_bool(const PGresult *r, int row, int col);      /* null -> false */
const char *pg_col_text(struct arena *a, const PGresult *r, int row, int col); /* null -> NULL */
const char *pg_col_raw(const PGresult *r, int row, int col); /* null -> "" (lives with r) */
void pg_col_id(const PGresult *r, int row, int col, char out[ST_ID_MAX]);
/* A bytea column (text form "\x..."): the number of bytes written to out, -1 on error. */
int pg_col_bytes(const PGresult *r, int row, int col, unsigned char *out, size_t outsz);

/* The exclusive upper bound of the strings that start with lo, in byte
 * order (COLLATE "C"), as valid UTF-8: lo with its last code point
 * increased. False when there is none (lo is only U+10FFFF). hi holds
 * strlen(lo) + 1 bytes. */
bool pg_prefix_end(const char *lo, char *hi);
/* s for ILIKE: every %, _ and \ escaped, wrapped in % ... %. */
char *pg_like_substring(struct arena *a, const char *s);

/* Schema migrations kept beside the code that reads what they create
 * (listed in order in store_pg.c). */
extern const char pg_migration_stats_counters[]; /* store_pg_requests.c */
/* Run before a bulk load commits: the counters its triggers skipped, recounted. */
extern const char pg_stats_counters_rebuild[];  /* store_pg_requests.c */

#endif
