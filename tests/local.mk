# Tests: each suite keeps its own fragment.

# A live privdeskd on a free port for tests that need one.
check_LIBRARIES = libpdtestharness.a
libpdtestharness_a_SOURCES = tests/harness/server.c tests/harness/server.h tests/harness/pg.c tests/harness/pg.h

include tests/unit/domain.mk
include tests/unit/store.mk
include tests/unit/tui.mk
include tests/unit/api.mk
include tests/api/local.mk
include tests/e2e/local.mk
include tests/fuzz/local.mk
include tests/screens/local.mk
include tests/ecosystem/local.mk
include tests/reliability/local.mk
include tests/reliability-console/local.mk
