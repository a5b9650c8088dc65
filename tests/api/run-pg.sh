#!/bin/sh
# Runs one program of the API suite on the PostgreSQL store: the same
# program `make check` runs on SQLite, with PRIVDESK_TEST_STORE=postgresql,
# which makes the test harness start a throwaway PostgreSQL server
# (tests/harness/pg.h) and put every privdeskd the program starts on a new
# database of it. When no PostgreSQL server can run here, the program is
# skipped with the reason (TAP "1..0 # SKIP").
# Usage: tests/api/run-pg.sh PROGRAM [ARGS...]   (make check calls it
# through the generated wrappers tests/api/pg/*.sh)
set -u
bin=$1
shift
check=${TOP_BUILDDIR:-.}/tests/harness/pgcheck
if ! why=$("$check" 2>&1); then
  echo "1..0 # SKIP PostgreSQL store: ${why:-pgcheck failed}"
  exit 0
fi
PRIVDESK_TEST_STORE=postgresql
export PRIVDESK_TEST_STORE
exec "$bin" "$@"
