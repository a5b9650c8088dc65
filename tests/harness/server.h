/* Test harness: a live privdeskd on a free loopback port with a temporary
 * database, seeded and with one user per role. Used by tests/api and the api/
 * integration tests. The binary is $PRIVDESKD (set by `make check`), else
 * ./privdeskd in the build directory. The database is a SQLite file in the
 * server's temporary directory, or with PRIVDESK_TEST_STORE=postgresql a new
 * database of a throwaway PostgreSQL server (tests/harness/pg.h). */
#ifndef PD_TEST_SERVER_H
#define PD_TEST_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#define PD_TEST_TOKEN_MAX 128

struct pd_test_server_opts {
  int seed_accounts;   /* 0: no seeding */
  int seed_requests;
  unsigned seed;       /* PRNG seed for `privdeskd seed` (default 1) */
  int rate_limit;      /* --rate-limit; 0 = default of the harness: disabled */
  bool keep_dir;       /* leave the temporary directory behind (debugging) */
  const char *now;     /* --now for seeding (RFC 3339), NULL = today */
  int threads;         /* --threads for serve; 0 = privdeskd's default */
};

struct pd_test_server {
  pid_t pid;
  int port;
  char url[64];             /* http://127.0.0.1:PORT */
  char dir[PATH_MAX];       /* temporary directory holding the database and logs */
  char db[PATH_MAX + 16];
  char log[PATH_MAX + 16];  /* access log */
  char viewer[PD_TEST_TOKEN_MAX];     /* user "vera" */
  char agent[PD_TEST_TOKEN_MAX];      /* user "alice" */
  char agent2[PD_TEST_TOKEN_MAX];     /* user "bob" */
  char supervisor[PD_TEST_TOKEN_MAX]; /* user "sam" */
  bool keep_dir;
  int rate_limit;           /* the --rate-limit this server runs with (kept for restarts) */
  int threads;              /* the --threads (0 = default), kept for restarts */
  bool pg;                  /* db is a PostgreSQL URI (PRIVDESK_TEST_STORE=postgresql) */
};

/* Returns 0 when the server answers /healthz; on failure prints why to stderr. */
int pd_test_server_start(struct pd_test_server *s, const struct pd_test_server_opts *opts);
/* Starts the server again on the same database and port (after stop or a kill). */
int pd_test_server_restart(struct pd_test_server *s);
/* The same on a new free port (s->port and s->url change): for tests that
 * restart often, where another test could take the old port meanwhile. */
int pd_test_server_restart_new_port(struct pd_test_server *s);
/* SIGTERM, wait; removes the directory unless keep_dir. Safe to call twice. */
void pd_test_server_stop(struct pd_test_server *s);
/* Stops the process only (SIGKILL when hard), keeping the directory for a restart. */
void pd_test_server_kill(struct pd_test_server *s, bool hard);
/* Scans the server's stderr.log (every run since start) for sanitizer reports
 * ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"),
 * prints each to stderr and returns how many there were. Call it after
 * pd_test_server_kill and before pd_test_server_stop removes the directory;
 * test groups fail their teardown when it is not 0. */
int pd_test_server_sanitizer_reports(const struct pd_test_server *s);
/* Runs `privdeskd ARGS... --db <db>` and captures stdout (trimmed) into out. */
int pd_test_privdeskd_run(const struct pd_test_server *s, char *out, size_t outsz, const char *const *args);

/* Another privdeskd instance on the database of `first` (PostgreSQL: several
 * instances behind a load balancer), with its own temporary directory
 * (logs, port file), free port and the same users and tokens. opts: only
 * rate_limit and threads are used (NULL: those of first). Stop it with
 * pd_test_server_stop (which leaves the database alone). */
int pd_test_server_start_instance(struct pd_test_server *s, const struct pd_test_server *first,
                                  const struct pd_test_server_opts *opts);
/* Runs SQL on a PostgreSQL server's database (psql); output into out (may
 * be NULL). -1 for a SQLite server. */
int pd_test_server_sql(const struct pd_test_server *s, const char *sql, char *out, size_t outsz);
/* The store of the servers pd_test_server_start makes: "postgresql" or "sqlite". */
const char *pd_test_store_name(void);

#endif
