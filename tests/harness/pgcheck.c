/* pgcheck: can the tests run a throwaway PostgreSQL server here
 * (tests/harness/pg.h)? Exit 0, or 1 with the reason on stdout. Used by
 * tests/api/run-pg.sh to skip the PostgreSQL run of the API suite cleanly.
 *
 * pgcheck serve FILE: also starts one (PD_TEST_PG_FSYNC=on for durable
 * commits, as benchmarks want), creates a database, writes its URI into
 * FILE and serves until SIGTERM or SIGINT; then the server is stopped and
 * its directory removed (also if pgcheck is killed). Used by bench/pg.sh. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tests/harness/pg.h"

int main(int argc, char **argv) {
  const char *why = pd_test_pg_unavailable();
  if (why) {
    printf("%s\n", why);
    return 1;
  }
  if (argc == 1) return 0;
  if (argc != 3 || strcmp(argv[1], "serve") != 0) {
    fprintf(stderr, "usage: pgcheck [serve URI-FILE]\n");
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, NULL);
  char uri[512], tmp[4096];
  if (pd_test_pg_new_db(uri, sizeof uri) != 0) return 1;
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
  FILE *f = fopen(tmp, "w");
  if (!f || fprintf(f, "%s\n", uri) < 0 || fclose(f) != 0 || rename(tmp, argv[2]) != 0) {
    perror(argv[2]);
    pd_test_pg_stop();
    return 1;
  }
  int sig;
  sigwait(&set, &sig);
  pd_test_pg_stop();
  return 0;
}
