# tests/api: cmocka tests of privdeskd over HTTP -- libcurl's easy interface
# and jansson, never the api/ client library (a separate system under test).
# Each program starts its own privdeskd (tests/harness) on a free loopback
# port in its group set-up and fails its teardown when the server's stderr
# shows a sanitizer report. tests/api/test_client is tests/unit/api.mk's.

# The shared HTTP helper and fixture, built once.
check_LIBRARIES += libpdapitest.a
libpdapitest_a_SOURCES = tests/api/http.c tests/api/http.h tests/api/fixture.c tests/api/fixture.h
libpdapitest_a_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)

PD_APITEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
PD_APITEST_LIBS = libpdapitest.a libpdtestharness.a $(CMOCKA_LIBS) $(CURL_LIBS) $(JANSSON_LIBS)
# The server must be built before its tests run (make check builds check_PROGRAMS only).
PD_APITEST_DEPS = libpdapitest.a libpdtestharness.a privdeskd$(EXEEXT)

# Authentication, the role matrix (one table) and the rate limit. Links the
# server's route table to check that the matrix covers every write route.
check_PROGRAMS += tests/api/test_api_auth
TESTS += tests/api/test_api_auth
tests_api_test_api_auth_SOURCES = tests/api/test_api_auth.c
tests_api_test_api_auth_CFLAGS = $(PD_APITEST_CFLAGS) $(MHD_CFLAGS) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)
tests_api_test_api_auth_LDADD = $(PD_APITEST_LIBS) $(PD_SERVER_LIBS)
tests_api_test_api_auth_DEPENDENCIES = $(PD_APITEST_DEPS) libpdserver.a libpddomain.a

# Accounts, search, inventory, stats, If-None-Match.
check_PROGRAMS += tests/api/test_api_accounts
TESTS += tests/api/test_api_accounts
tests_api_test_api_accounts_SOURCES = tests/api/test_api_accounts.c
tests_api_test_api_accounts_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_accounts_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_accounts_DEPENDENCIES = $(PD_APITEST_DEPS)

# POST /v1/requests, the queue's filters, the deadline table.
check_PROGRAMS += tests/api/test_api_requests
TESTS += tests/api/test_api_requests
tests_api_test_api_requests_SOURCES = tests/api/test_api_requests.c
tests_api_test_api_requests_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_requests_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_requests_DEPENDENCIES = $(PD_APITEST_DEPS)

# The status machine, verify, extend, notes, assign, complete, export.
check_PROGRAMS += tests/api/test_api_workflow
TESTS += tests/api/test_api_workflow
tests_api_test_api_workflow_SOURCES = tests/api/test_api_workflow.c
tests_api_test_api_workflow_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_workflow_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_workflow_DEPENDENCIES = $(PD_APITEST_DEPS)

# Holds and erasure (preview, typed confirmation, hold_active).
check_PROGRAMS += tests/api/test_api_erasure
TESTS += tests/api/test_api_erasure
tests_api_test_api_erasure_SOURCES = tests/api/test_api_erasure.c
tests_api_test_api_erasure_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_erasure_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_erasure_DEPENDENCIES = $(PD_APITEST_DEPS)

# If-Match, Idempotency-Key replay, pagination.
check_PROGRAMS += tests/api/test_api_concurrency
TESTS += tests/api/test_api_concurrency
tests_api_test_api_concurrency_SOURCES = tests/api/test_api_concurrency.c
tests_api_test_api_concurrency_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_concurrency_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_concurrency_DEPENDENCIES = $(PD_APITEST_DEPS)

# One entry per write, the hash chain recomputed, tampering detected.
check_PROGRAMS += tests/api/test_api_audit
TESTS += tests/api/test_api_audit
tests_api_test_api_audit_SOURCES = tests/api/test_api_audit.c
tests_api_test_api_audit_CFLAGS = $(PD_APITEST_CFLAGS) $(SODIUM_CFLAGS) $(SQLITE_CFLAGS)
tests_api_test_api_audit_LDADD = $(PD_APITEST_LIBS) $(SODIUM_LIBS) $(SQLITE_LIBS)
tests_api_test_api_audit_DEPENDENCIES = $(PD_APITEST_DEPS)

# The bad-input corpus: 4xx and a live /healthz after each case.
check_PROGRAMS += tests/api/test_api_badinput
TESTS += tests/api/test_api_badinput
tests_api_test_api_badinput_SOURCES = tests/api/test_api_badinput.c
tests_api_test_api_badinput_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_badinput_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_badinput_DEPENDENCIES = $(PD_APITEST_DEPS)

# The response cache of GET answers: hits, bypass, and never a stale answer
# (writes on several connections, by another process, per user, per second).
check_PROGRAMS += tests/api/test_api_cache
TESTS += tests/api/test_api_cache
tests_api_test_api_cache_SOURCES = tests/api/test_api_cache.c
tests_api_test_api_cache_CFLAGS = $(PD_APITEST_CFLAGS)
tests_api_test_api_cache_LDADD = $(PD_APITEST_LIBS)
tests_api_test_api_cache_DEPENDENCIES = $(PD_APITEST_DEPS)

# `privdeskd seed`: deterministic and complete (runs the binary, reads SQLite).
check_PROGRAMS += tests/api/test_seed
TESTS += tests/api/test_seed
tests_api_test_seed_SOURCES = tests/api/test_seed.c
tests_api_test_seed_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS)
tests_api_test_seed_LDADD = libpdtestharness.a $(CMOCKA_LIBS) $(SQLITE_LIBS)
tests_api_test_seed_DEPENDENCIES = libpdtestharness.a privdeskd$(EXEEXT)

# ---- the same suite on the PostgreSQL store ----
# One source, two stores: every program above but test_seed (which reads
# SQLite files) runs a second time with PRIVDESK_TEST_STORE=postgresql,
# through a wrapper make generates in tests/api/pg/ (logs in tests/api/pg/*.log).
# The harness then starts a throwaway PostgreSQL server (tests/harness/pg.h)
# and gives each privdeskd a new database of it. Without PostgreSQL the
# wrappers report a TAP skip with the reason (tests/api/run-pg.sh).
check_PROGRAMS += tests/harness/pgcheck
tests_harness_pgcheck_SOURCES = tests/harness/pgcheck.c
tests_harness_pgcheck_LDADD = libpdtestharness.a
EXTRA_DIST += tests/api/run-pg.sh

PD_API_PG_TESTS = \
	tests/api/pg/test_api_auth.sh tests/api/pg/test_api_accounts.sh tests/api/pg/test_api_requests.sh \
	tests/api/pg/test_api_workflow.sh tests/api/pg/test_api_erasure.sh tests/api/pg/test_api_concurrency.sh \
	tests/api/pg/test_api_audit.sh tests/api/pg/test_api_badinput.sh tests/api/pg/test_api_cache.sh
TESTS += $(PD_API_PG_TESTS)
check_SCRIPTS += $(PD_API_PG_TESTS)
CLEANFILES += $(PD_API_PG_TESTS)

$(PD_API_PG_TESTS): Makefile
	$(AM_V_GEN)$(MKDIR_P) tests/api/pg && t=`basename $@ .sh` && \
	{ echo '#!/bin/sh'; \
	  echo "# Generated by make (tests/api/local.mk): tests/api/$$t on the PostgreSQL store."; \
	  echo "exec \"\$${TOP_SRCDIR:-$(abs_top_srcdir)}/tests/api/run-pg.sh\" \"\$${TOP_BUILDDIR:-$(abs_top_builddir)}/tests/api/$$t\""; \
	} > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
