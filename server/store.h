/* The store: everything privdeskd keeps, behind one interface: SQLite
 * (store_sqlite*.c, the embedded default) or PostgreSQL (store_pg*.c, for
 * several privdeskd instances on one database; docs/DEPLOYMENT.md).
 *
 * Threads: a `struct store` is shared; each thread works through its own
 * `struct store_conn` (store_conn_get), which is not thread-safe.
 * Memory: every string in a row returned here lives in the arena passed in
 * and dies with it. Rows passed in are only read.
 * Transactions: callers bracket reads with store_begin_read and writes with
 * store_begin_write (which takes the write lock at once, so read-modify-write
 * sequences inside it see no interleaving writer), then commit or rollback.
 * Return codes: ST_OK, ST_NOT_FOUND, ST_CONFLICT (a unique key is taken;
 * the transaction stays usable), ST_ERROR (anything else; logged with
 * detail to stderr). After an ST_ERROR inside a write transaction,
 * store_retryable tells whether running the whole transaction again may
 * succeed (a serialization failure, a deadlock, a concurrent write caught by
 * a conditional update). */
#ifndef PD_STORE_H
#define PD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/vocab.h"
#include "server/arena.h"

#define ST_ID_MAX 24   /* "acc_" + 16 base32 + NUL, with room */
#define ST_NAME_MAX 65 /* user names */

enum store_rc { ST_OK = 0, ST_NOT_FOUND, ST_CONFLICT, ST_ERROR };

struct store_ops;

/* What every store's handles start with: the operations of their kind.
 * Implementations embed these as their first member. */
struct store {
  const struct store_ops *ops;
};
struct store_conn {
  const struct store_ops *ops;
};

/* Opens (creating when needed) the store `where` names and, unless
 * STORE_NO_MIGRATE, migrates it to the current schema: a postgresql:// or
 * postgres:// URI is a PostgreSQL database (which must exist), anything else
 * the path of a SQLite database file. On failure returns NULL and writes a
 * message into err. */
enum store_open_flags { STORE_NO_MIGRATE = 1 };
struct store *store_open(const char *where, unsigned flags, char *err, size_t errsz);
/* Does `where` name a PostgreSQL database (a connection URI)? */
bool store_where_is_uri(const char *where);
/* "sqlite" or "postgresql". */
const char *store_kind(const struct store *s);
/* Applies the schema migrations not applied yet (idempotent). Writes what it
 * did ("schema at version N") into msg. ST_OK or ST_ERROR with a message. */
int store_migrate(struct store *s, char *msg, size_t msgsz);
void store_close(struct store *s);
/* The calling thread's connection, opened on first use; NULL on failure. */
struct store_conn *store_conn_get(struct store *s);
/* For bulk loading (seeding): relaxed durability until store_close. */
int store_set_bulk_mode(struct store_conn *c, bool on);

int store_begin_read(struct store_conn *c);
int store_begin_write(struct store_conn *c);
int store_commit(struct store_conn *c);
int store_rollback(struct store_conn *c);
int store_ping(struct store_conn *c);
/* After a failed operation or commit inside a write transaction: may the
 * whole transaction succeed when run again (after store_rollback)? */
bool store_retryable(struct store_conn *c);
/* Inside a read transaction: a value that changes whenever data this
 * connection reads may have changed since it last asked (a commit by any
 * connection or process, or a change through this connection). Two equal
 * values on the same connection mean the same data. ST_NOT_FOUND when the
 * store cannot tell (then nothing read may be reused). */
int store_data_version(struct store_conn *c, uint64_t out[2]);

/* ---- the per-token rate limit, when the store shares it ---- */
/* Takes one token from key's bucket (refilled at rate per second up to
 * burst), atomically for every privdeskd on the store. *wait_s: 0 when
 * allowed, else the whole seconds (>= 1) until a request will be. Returns
 * ST_NOT_FOUND when the store keeps no shared limit (SQLite: one process per
 * database, the caller limits in memory), ST_ERROR when the store failed. */
int store_ratelimit_take(struct store_conn *c, int64_t key, double rate, double burst, int *wait_s);

/* Case-folds an e-mail (ASCII letters) the way the store orders and matches
 * e-mails; false when it does not fit in out. */
bool store_email_fold(const char *email, char *out, size_t outsz);

/* ---- staff ---- */
struct st_user {
  int64_t rowid;
  char name[ST_NAME_MAX];
  enum pd_role role;
  int64_t created_at, revoked_at; /* revoked_at 0 = active */
};
int store_user_by_token_hash(struct store_conn *c, const unsigned char hash[32], struct st_user *out);
int store_user_by_name(struct store_conn *c, const char *name, struct st_user *out);
int store_user_add(struct store_conn *c, const char *name, enum pd_role role, const unsigned char hash[32],
                   int64_t now);
int store_user_revoke(struct store_conn *c, const char *name, int64_t now);
/* Calls fn for each user, by name. */
int store_users_each(struct store_conn *c, void (*fn)(const struct st_user *u, void *ctx), void *ctx);

/* ---- accounts ---- */
struct st_account {
  int64_t rowid;
  char id[ST_ID_MAX];
  const char *email, *name;
  enum pd_account_status status;
  enum pd_jurisdiction jurisdiction;
  int64_t created_at, closed_at; /* 0 = null */
  bool is_minor, analytics_enabled, marketing_consent;
  int64_t marketing_consent_at; /* 0 = null */
  int active_holds, open_requests; /* kept by triggers (SQLite) or counted on read (PostgreSQL) */
  int64_t version, updated_at;
};
int store_account_get(struct store_conn *c, struct arena *a, const char *id, struct st_account *out);
int store_account_by_rowid(struct store_conn *c, struct arena *a, int64_t rowid, struct st_account *out);
/* Inserts; fills rowid. ST_CONFLICT when the id or (case-folded) e-mail is taken. */
int store_account_insert(struct store_conn *c, struct st_account *acc);
/* Writes every mutable field (email, name, status, closed_at, flags, version, updated_at). */
int store_account_update(struct store_conn *c, const struct st_account *acc);
/* Increases the version of the account (its embedded holds or requests changed). */
int store_account_touch(struct store_conn *c, int64_t account_rowid, int64_t now);

struct st_account_query {
  const char *q;             /* NULL: every account */
  int limit;                 /* rows wanted; the store reads limit + 1 to know if more follow */
  const char *after_email;   /* keyset: e-mail (case-folded) of the last row of the previous page */
};
/* Accounts ordered by case-folded e-mail. *more is set when another page follows. */
int store_accounts_list(struct store_conn *c, struct arena *a, const struct st_account_query *q,
                        struct st_account **items, int *n, bool *more);

/* ---- inventory ---- */
struct st_inventory_row {
  enum pd_category category;
  int64_t records, bytes;
  int64_t oldest, newest;  /* 0 = null */
  enum pd_inventory_state state;
  int64_t retained_until;  /* start of the day it ends, 0 = null */
  const char *retained_because; /* JSON array text recorded at erasure, NULL otherwise */
};
/* Fills rows[PD_CATEGORY_COUNT] in category order (missing categories: zero rows, present). */
int store_inventory_get(struct store_conn *c, struct arena *a, int64_t account_rowid,
                        struct st_inventory_row rows[PD_CATEGORY_COUNT]);
int store_inventory_put(struct store_conn *c, int64_t account_rowid, const struct st_inventory_row *row);

/* ---- requests ---- */
struct st_request {
  int64_t rowid;
  char id[ST_ID_MAX];
  int64_t account_rowid;
  char account_id[ST_ID_MAX];
  const char *account_email, *account_name; /* joined on read */
  enum pd_request_type type;
  enum pd_regime regime;
  enum pd_status status;
  enum pd_priority priority;
  int64_t received_at, due_at;
  bool extended;
  const char *extension_reason;  /* NULL = null */
  const char *assignee;          /* NULL = unassigned */
  bool identity_verified;
  const char *identity_method;   /* NULL = null */
  int64_t acknowledged_at, ack_due_at, status_since; /* 0 = null */
  const char *details;           /* JSON object text or NULL */
  const char *result;            /* JSON object text or NULL */
  int64_t version, updated_at, created_at;
};
int store_request_get(struct store_conn *c, struct arena *a, const char *id, struct st_request *out);
int store_request_insert(struct store_conn *c, struct st_request *r); /* fills rowid */
int store_request_update(struct store_conn *c, const struct st_request *r);
/* Increases the version of every request of an account (its e-mail or name changed). */
int store_requests_touch_account(struct store_conn *c, int64_t account_rowid, int64_t now);

enum st_request_sort { ST_SORT_DUE_ASC, ST_SORT_DUE_DESC, ST_SORT_RECEIVED_ASC, ST_SORT_RECEIVED_DESC };
struct st_request_query {
  unsigned status_mask;      /* bit per pd_status; 0 = any */
  unsigned type_mask;        /* bit per pd_request_type; 0 = any */
  const char *assignee;      /* user name */
  bool unassigned;           /* assignee IS NULL */
  int priority;              /* -1 = any */
  int overdue;               /* -1 any, 1 open and past due, 0 not overdue */
  int64_t now;
  int64_t due_before;        /* 0 = none; due_at <= due_before */
  int64_t account_rowid;     /* 0 = any; -1 = matches nothing */
  const char *request_id;    /* exact id */
  const char *email_prefix;  /* case-folded account e-mail prefix */
  enum st_request_sort sort;
  int limit;
  bool has_after;            /* keyset position of the last row of the previous page */
  int64_t after_key;
  const char *after_id;
};
int store_requests_list(struct store_conn *c, struct arena *a, const struct st_request_query *q,
                        struct st_request **items, int *n, bool *more);

struct st_timeline_event {
  int64_t at;
  const char *actor, *kind, *text;
  const char *from, *to, *assignee; /* NULL when not applicable */
};
int store_timeline_add(struct store_conn *c, int64_t request_rowid, const struct st_timeline_event *e);
int store_timeline_list(struct store_conn *c, struct arena *a, int64_t request_rowid,
                        struct st_timeline_event **events, int *n);

/* ---- holds ---- */
struct st_hold {
  int64_t rowid;
  char id[ST_ID_MAX];
  int64_t account_rowid;
  char account_id[ST_ID_MAX];
  const char *reason, *case_ref;
  const char *categories; /* JSON array text */
  const char *placed_by;
  int64_t placed_at;
  enum pd_hold_status status;
  const char *released_by, *release_reason; /* NULL = null */
  int64_t released_at;
  int64_t version;
};
int store_hold_get(struct store_conn *c, struct arena *a, const char *id, struct st_hold *out);
int store_hold_insert(struct store_conn *c, struct st_hold *h);
int store_hold_update(struct store_conn *c, const struct st_hold *h);
struct st_hold_query {
  int status;            /* -1 = any */
  int64_t account_rowid; /* 0 = any; -1 = matches nothing */
  int limit;
  bool has_after;
  int64_t after_placed_at;
  const char *after_id;
};
/* Newest first. */
int store_holds_list(struct store_conn *c, struct arena *a, const struct st_hold_query *q,
                     struct st_hold **items, int *n, bool *more);

/* ---- audit log ---- */
struct st_audit_entry {
  int64_t seq, at;
  const char *actor, *action, *target, *account_id; /* account_id NULL = null */
  const char *details;    /* canonical JSON object text */
  char prev_hash[65], hash[65];
};
/* Appends an entry: fills seq, prev_hash and hash. Must run inside a write transaction. */
int store_audit_append(struct store_conn *c, struct st_audit_entry *e);
struct st_audit_query {
  const char *account_id, *actor, *action; /* NULL = any */
  int limit;
  int64_t before_seq; /* 0 = from the newest */
};
int store_audit_list(struct store_conn *c, struct arena *a, const struct st_audit_query *q,
                     struct st_audit_entry **items, int *n, bool *more);
struct st_audit_verify {
  bool ok;
  int64_t entries;
  int64_t first_bad_seq; /* 0 when ok */
  char head[65];
};
int store_audit_verify(struct store_conn *c, struct st_audit_verify *out);

/* ---- idempotency ---- */
struct st_idem {
  unsigned char fingerprint[32];
  int status;
  const char *etag, *location; /* NULL = none */
  const char *body;
  int64_t created_at;
};
int store_idem_get(struct store_conn *c, struct arena *a, int64_t user_rowid, const char *key, struct st_idem *out);
int store_idem_put(struct store_conn *c, int64_t user_rowid, const char *key, const struct st_idem *rec);
/* Forgets keys older than `before`. */
int store_idem_purge(struct store_conn *c, int64_t before);

/* ---- access exports ---- */
int store_export_put(struct store_conn *c, int64_t request_rowid, const char *body);
int store_export_get(struct store_conn *c, struct arena *a, int64_t request_rowid, const char **body);

/* ---- queue statistics ---- */
struct st_stats {
  int64_t open_by_status[PD_STATUS_COUNT];
  int64_t overdue, due_within_7_days, urgent, unassigned, mine;
  int64_t buckets[7]; /* overdue, today, 1-3d, 4-7d, 8-14d, 15-30d, 31d+ */
};
/* now: the current time; user: the caller's name (for `mine`). */
int store_stats(struct store_conn *c, int64_t now, const char *user, struct st_stats *out);

/* ---- implementations ---- */

#define STORE_EXPAND(...) __VA_ARGS__

/* X(return type, name, (parameters after the connection), (arguments after it)):
 * every operation on a connection; store.c dispatches each through ops. */
#define STORE_CONN_OPS(X) \
  X(int, set_bulk_mode, (, bool on), (, on)) \
  X(int, begin_read, (), ()) \
  X(int, begin_write, (), ()) \
  X(int, commit, (), ()) \
  X(int, rollback, (), ()) \
  X(int, ping, (), ()) \
  X(int, user_by_token_hash, (, const unsigned char hash[32], struct st_user *out), (, hash, out)) \
  X(int, user_by_name, (, const char *name, struct st_user *out), (, name, out)) \
  X(int, user_add, (, const char *name, enum pd_role role, const unsigned char hash[32], int64_t now), (, name, role, hash, now)) \
  X(int, user_revoke, (, const char *name, int64_t now), (, name, now)) \
  X(int, users_each, (, void (*fn)(const struct st_user *u, void *ctx), void *ctx), (, fn, ctx)) \
  X(int, account_get, (, struct arena *a, const char *id, struct st_account *out), (, a, id, out)) \
  X(int, account_by_rowid, (, struct arena *a, int64_t rowid, struct st_account *out), (, a, rowid, out)) \
  X(int, account_insert, (, struct st_account *acc), (, acc)) \
  X(int, account_update, (, const struct st_account *acc), (, acc)) \
  X(int, account_touch, (, int64_t account_rowid, int64_t now), (, account_rowid, now)) \
  X(int, accounts_list, (, struct arena *a, const struct st_account_query *q, struct st_account **items, int *n, bool *more), (, a, q, items, n, more)) \
  X(int, inventory_get, (, struct arena *a, int64_t account_rowid, struct st_inventory_row rows[PD_CATEGORY_COUNT]), (, a, account_rowid, rows)) \
  X(int, inventory_put, (, int64_t account_rowid, const struct st_inventory_row *row), (, account_rowid, row)) \
  X(int, request_get, (, struct arena *a, const char *id, struct st_request *out), (, a, id, out)) \
  X(int, request_insert, (, struct st_request *r), (, r)) \
  X(int, request_update, (, const struct st_request *r), (, r)) \
  X(int, requests_touch_account, (, int64_t account_rowid, int64_t now), (, account_rowid, now)) \
  X(int, requests_list, (, struct arena *a, const struct st_request_query *q, struct st_request **items, int *n, bool *more), (, a, q, items, n, more)) \
  X(int, timeline_add, (, int64_t request_rowid, const struct st_timeline_event *e), (, request_rowid, e)) \
  X(int, timeline_list, (, struct arena *a, int64_t request_rowid, struct st_timeline_event **events, int *n), (, a, request_rowid, events, n)) \
  X(int, hold_get, (, struct arena *a, const char *id, struct st_hold *out), (, a, id, out)) \
  X(int, hold_insert, (, struct st_hold *h), (, h)) \
  X(int, hold_update, (, const struct st_hold *h), (, h)) \
  X(int, holds_list, (, struct arena *a, const struct st_hold_query *q, struct st_hold **items, int *n, bool *more), (, a, q, items, n, more)) \
  X(int, audit_append, (, struct st_audit_entry *e), (, e)) \
  X(int, audit_list, (, struct arena *a, const struct st_audit_query *q, struct st_audit_entry **items, int *n, bool *more), (, a, q, items, n, more)) \
  X(int, audit_verify, (, struct st_audit_verify *out), (, out)) \
  X(int, idem_get, (, struct arena *a, int64_t user_rowid, const char *key, struct st_idem *out), (, a, user_rowid, key, out)) \
  X(int, idem_put, (, int64_t user_rowid, const char *key, const struct st_idem *rec), (, user_rowid, key, rec)) \
  X(int, idem_purge, (, int64_t before), (, before)) \
  X(int, export_put, (, int64_t request_rowid, const char *body), (, request_rowid, body)) \
  X(int, export_get, (, struct arena *a, int64_t request_rowid, const char **body), (, a, request_rowid, body)) \
  X(int, stats, (, int64_t now, const char *user, struct st_stats *out), (, now, user, out))

struct store_ops {
  const char *kind; /* "sqlite", ... */
  int (*migrate)(struct store *s, char *msg, size_t msgsz);
  void (*close)(struct store *s);
  struct store_conn *(*conn_get)(struct store *s);
#define STORE_OP_MEMBER(ret, name, params, args) ret (*name)(struct store_conn *c STORE_EXPAND params);
  STORE_CONN_OPS(STORE_OP_MEMBER)
#undef STORE_OP_MEMBER
  /* Optional operations: NULL when the store has none (store.c supplies
   * the answer: no shared rate limit, never retryable). */
  int (*ratelimit_take)(struct store_conn *c, int64_t key, double rate, double burst, int *wait_s);
  bool (*retryable)(struct store_conn *c);
  int (*data_version)(struct store_conn *c, uint64_t out[2]);
};

/* The SQLite store (store_sqlite.c). */
struct store *sqlite_store_open(const char *path, unsigned flags, char *err, size_t errsz);
/* The PostgreSQL store (store_pg.c): uri is a libpq connection URI. */
struct store *pg_store_open(const char *uri, unsigned flags, char *err, size_t errsz);

#endif
