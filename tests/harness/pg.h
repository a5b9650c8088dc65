/* Test harness: a throwaway PostgreSQL server for the tests that run
 * privdeskd on its PostgreSQL store.
 *
 * PRIVDESK_TEST_STORE=postgresql makes pd_test_server_start (server.h) put
 * every server it starts on a new database of this process's cluster
 * instead of a SQLite file. The cluster is made on first use: initdb into a
 * temporary directory (UTF-8, locale C.UTF-8, trust authentication for the
 * superuser "privdesk"), then pg_ctl start on a free loopback port, TCP
 * only. PostgreSQL refuses to run as root, so as root the server runs as
 * the system user privdesk-test (created when missing, else nobody). A
 * watchdog process stops the server and removes the directory when this
 * process ends, however it ends (call pd_test_pg_start from the main
 * thread: the watchdog watches the thread that forked it).
 *
 * The binaries are those of $PD_TEST_PG_BINDIR, else the newest
 * /usr/lib/postgresql/N/bin (Debian), else initdb on the PATH. fsync is off
 * (tests need no durability across power loss) unless PD_TEST_PG_FSYNC=on
 * (benchmarks). */
#ifndef PD_TEST_PG_H
#define PD_TEST_PG_H

#include <stdbool.h>
#include <stddef.h>

/* Is PRIVDESK_TEST_STORE=postgresql set? */
bool pd_test_pg_wanted(void);
/* Why a PostgreSQL server cannot be run here (binaries missing, no user to
 * run it as), or NULL when it can. */
const char *pd_test_pg_unavailable(void);
/* Starts the process's cluster unless it runs. 0, or -1 with a message on stderr. */
int pd_test_pg_start(void);
/* Creates a new empty database in the cluster (starting it when needed)
 * and writes its URI (postgresql://privdesk@127.0.0.1:PORT/NAME) into uri. */
int pd_test_pg_new_db(char *uri, size_t urisz);
/* Stops the cluster and removes its directory (also done at exit). */
void pd_test_pg_stop(void);
/* Stops the PostgreSQL server but keeps the cluster (an outage);
 * pd_test_pg_resume starts it again on the same port. */
int pd_test_pg_pause(void);
int pd_test_pg_resume(void);
/* Runs SQL on the database uri names (psql, stops at the first error);
 * its output, unaligned and without headers, goes to out (trimmed; may be
 * NULL). Returns psql's exit status. */
int pd_test_pg_sql(const char *uri, const char *sql, char *out, size_t outsz);
/* Writes the whole database as SQL text (pg_dump) to path. 0 on success. */
int pd_test_pg_dump(const char *uri, const char *path);

#endif
