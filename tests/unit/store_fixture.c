#include "tests/unit/store_fixture.h"

#include <stdio.h>
#include <unistd.h>

#include "server/store_sqlite_int.h"

struct store *store_fixture_open(const char *name, char path[STORE_FIXTURE_PATH_MAX]) {
  snprintf(path, STORE_FIXTURE_PATH_MAX, "/tmp/privdesk-%s-%d.db", name, (int)getpid());
  char err[256];
  struct store *s = store_open(path, 0, err, sizeof err);
  if (!s) fprintf(stderr, "# %s\n", err);
  return s;
}

void store_fixture_close(struct store *s, const char *path) {
  store_close(s);
  char side[STORE_FIXTURE_PATH_MAX + 8];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

long store_fixture_vm_steps(struct store *s) {
  sqlite3 *db = sqlite_conn_of(store_conn_get(s))->db;
  long steps = 0;
  for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
    steps += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
  return steps;
}
