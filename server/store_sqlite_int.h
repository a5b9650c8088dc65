/* Internals shared by the SQLite store's files. Not part of store.h. */
#ifndef PD_STORE_SQLITE_INT_H
#define PD_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "server/store.h"

enum { DYN_STMT_SLOTS = 64 };

struct dyn_stmt {
  char *sql;
  sqlite3_stmt *stmt;
};

struct sqlite_conn {
  struct store_conn base; /* first: a struct store_conn * is one of these */
  struct sqlite_store *store;
  sqlite3 *db;
  struct sqlite_conn *next; /* all connections of the store, for closing */
  struct dyn_stmt dyn[DYN_STMT_SLOTS];
  unsigned dyn_next_evict;
  /* BEGIN DEFERRED, BEGIN IMMEDIATE, COMMIT, ROLLBACK: prepared once (every
   * request runs two of them; sqlite3_exec would parse them each time) */
  sqlite3_stmt *tx_stmt[4];
  int in_tx;
  bool bulk; /* store_set_bulk_mode */
};

/* The SQLite connection behind a store connection of this kind. */
static inline struct sqlite_conn *sqlite_conn_of(struct store_conn *c) { return (struct sqlite_conn *)c; }

/* The operations, defined across store_sqlite*.c (see STORE_CONN_OPS). */
#define SQLITE_OP_DECL(ret, name, params, args) ret sqlite_##name(struct store_conn *c STORE_EXPAND params);
STORE_CONN_OPS(SQLITE_OP_DECL)
#undef SQLITE_OP_DECL

/* A prepared statement for sql, cached per connection, reset and unbound. */
sqlite3_stmt *st_prepare(struct sqlite_conn *c, const char *sql);
/* Logs the connection's last error with what was being done; returns ST_ERROR. */
int st_fail(struct sqlite_conn *c, const char *what);
/* Executes a statement that returns no rows. */
int st_exec(struct sqlite_conn *c, const char *sql);
/* sqlite3_step for statements returning nothing; maps constraint errors to ST_CONFLICT. */
int st_step_done(struct sqlite_conn *c, sqlite3_stmt *st, const char *what);

void st_bind_text(sqlite3_stmt *st, int i, const char *s);      /* NULL binds null */
void st_bind_time(sqlite3_stmt *st, int i, int64_t t);          /* 0 binds null */
const char *st_col_text(struct arena *a, sqlite3_stmt *st, int i); /* null -> NULL */
void st_col_id(sqlite3_stmt *st, int i, char out[ST_ID_MAX]);


/* The SQL of a queue query (parameters bound by number in store_requests_list).
 * Exposed so tests can check its query plan. */
bool st_requests_sql(const struct st_request_query *q, bool drive_by_accounts, char *out, size_t outsz);

/* Schema migrations kept beside the code that reads what they create
 * (listed in order in store_sqlite.c). */
extern const char st_migration_request_emails[]; /* store_sqlite_requests.c */
extern const char st_migration_name_search[];    /* store_sqlite_accounts.c */
extern const char st_migration_account_counts[]; /* store_sqlite_accounts.c */
/* A bulk load's write transaction starts with the first and commits after
 * the second: the name index is rebuilt once instead of kept row by row. */
extern const char st_name_search_bulk_begin[];
extern const char st_name_search_rebuild[];

/* hi = lo + 0xFF: every string starting with lo sorts in [lo, hi). hi holds strlen(lo) + 2 bytes. */
void st_prefix_end(const char *lo, char *hi);

#endif
