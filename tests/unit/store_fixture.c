#include "tests/unit/store_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/arena.h"

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

int store_fixture_walk_pages(struct store *s, struct st_request_query q, char ids[][ST_ID_MAX], int max) {
  struct store_conn *c = store_conn_get(s);
  bool by_due = q.sort == ST_SORT_DUE_ASC || q.sort == ST_SORT_DUE_DESC;
  char after[ST_ID_MAX];
  int total = 0;
  for (;;) {
    struct arena a;
    arena_init(&a);
    struct st_request *items;
    int n;
    bool more;
    assert_int_equal(store_requests_list(c, &a, &q, &items, &n, &more), ST_OK);
    for (int i = 0; i < n && total < max; i++) snprintf(ids[total++], ST_ID_MAX, "%s", items[i].id);
    if (more && n) {
      snprintf(after, sizeof after, "%s", items[n - 1].id);
      q.has_after = true;
      q.after_key = by_due ? items[n - 1].due_at : items[n - 1].received_at;
      q.after_id = after;
    }
    arena_free(&a);
    if (!more || total >= max) return total;
  }
}
