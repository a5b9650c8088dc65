/* pgcheck: can the tests run a throwaway PostgreSQL server here
 * (tests/harness/pg.h)? Exit 0, or 1 with the reason on stdout. Used by
 * tests/api/run-pg.sh to skip the PostgreSQL run of the API suite cleanly. */
#include <stdio.h>

#include "tests/harness/pg.h"

int main(void) {
  const char *why = pd_test_pg_unavailable();
  if (!why) return 0;
  printf("%s\n", why);
  return 1;
}
