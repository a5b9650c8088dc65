# tests/reliability: the server's reliability and security guarantees
# (docs/RELIABILITY.md lists each beside its test). Every program starts its
# own privdeskd (tests/harness) on a free loopback port. Time-bounded tests
# scale down when PRIVDESK_SANITIZED is set (the ASan+UBSan run of
# ./quickstart test).

# A thread-safe HTTP client (libcurl easy, one handle per thread).
check_LIBRARIES += libpdreltest.a
libpdreltest_a_SOURCES = tests/reliability/rclient.c tests/reliability/rclient.h
libpdreltest_a_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)

PD_RELTEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
PD_RELTEST_LIBS = libpdreltest.a libpdtestharness.a $(CMOCKA_LIBS) $(CURL_LIBS) $(JANSSON_LIBS) -lpthread
PD_RELTEST_DEPS = libpdreltest.a libpdtestharness.a privdeskd$(EXEEXT)

# Crash safety: SIGKILL at random moments under erasure workflows; acknowledged
# writes durable, unacknowledged ones all-or-nothing, retries applied once,
# audit chain and PRAGMA integrity_check. PD_CRASH_SEED, PD_CRASH_SECONDS.
check_PROGRAMS += tests/reliability/test_crash
TESTS += tests/reliability/test_crash
tests_reliability_test_crash_SOURCES = tests/reliability/test_crash.c tests/reliability/crash_check.c tests/reliability/crash.h
tests_reliability_test_crash_CFLAGS = $(PD_RELTEST_CFLAGS) $(SQLITE_CFLAGS)
tests_reliability_test_crash_LDADD = $(PD_RELTEST_LIBS) $(PD_SERVER_LIBS)
tests_reliability_test_crash_DEPENDENCIES = $(PD_RELTEST_DEPS) libpdserver.a libpddomain.a

# Concurrency: 32 threads race on the same requests and accounts with If-Match.
check_PROGRAMS += tests/reliability/test_race
TESTS += tests/reliability/test_race
tests_reliability_test_race_SOURCES = tests/reliability/test_race.c
tests_reliability_test_race_CFLAGS = $(PD_RELTEST_CFLAGS)
tests_reliability_test_race_LDADD = $(PD_RELTEST_LIBS)
tests_reliability_test_race_DEPENDENCIES = $(PD_RELTEST_DEPS)

# Secrets: tokens never in the access log, stderr, the database, WAL or SHM,
# nor in any answer; `privdeskd user add` prints a token once.
check_PROGRAMS += tests/reliability/test_secrets
TESTS += tests/reliability/test_secrets
tests_reliability_test_secrets_SOURCES = tests/reliability/test_secrets.c
tests_reliability_test_secrets_CFLAGS = $(PD_RELTEST_CFLAGS) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)
tests_reliability_test_secrets_LDADD = $(PD_RELTEST_LIBS) $(SQLITE_LIBS) $(SODIUM_LIBS)
tests_reliability_test_secrets_DEPENDENCIES = $(PD_RELTEST_DEPS)

# HTTPS: a throwaway CA made with openssl; verification, wrong host name,
# missing/garbage/mismatched keys. Skips without openssl or curl.
TESTS += tests/reliability/test_tls.sh
dist_check_SCRIPTS += tests/reliability/test_tls.sh

# Load: bench/load for a bounded time (20 s; 10 s under ASan), zero errors.
TESTS += tests/reliability/test_load.sh
dist_check_SCRIPTS += tests/reliability/test_load.sh

# The server fuzzer's corpus and regression inputs, replayed in-process with
# the project's compiler (and sanitizers): no answer >= 500, none malformed.
check_PROGRAMS += tests/reliability/test_server_corpus
TESTS += tests/reliability/test_server_corpus
tests_reliability_test_server_corpus_SOURCES = tests/reliability/test_server_corpus.c tests/fuzz/fuzz_server.c
tests_reliability_test_server_corpus_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS) $(SODIUM_CFLAGS)
tests_reliability_test_server_corpus_LDADD = $(PD_SERVER_LIBS)
tests_reliability_test_server_corpus_DEPENDENCIES = libpdserver.a libpddomain.a

# Several privdeskd instances on one PostgreSQL database (docs/DEPLOYMENT.md):
# the 32-client race of test_race.c spread over three instances, and
# tests/reliability/test_multi.c (idempotent erasure retried on another
# instance, the shared rate limit, SIGKILL of one instance mid-load, migrations
# started together, a database outage). Each starts a throwaway PostgreSQL
# server (tests/harness/pg.h) and skips when none can run here.
check_PROGRAMS += tests/reliability/test_multi_race
TESTS += tests/reliability/test_multi_race
tests_reliability_test_multi_race_SOURCES = tests/reliability/test_race.c
tests_reliability_test_multi_race_CFLAGS = $(PD_RELTEST_CFLAGS) -DPD_RACE_INSTANCES=3
tests_reliability_test_multi_race_LDADD = $(PD_RELTEST_LIBS)
tests_reliability_test_multi_race_DEPENDENCIES = $(PD_RELTEST_DEPS)

check_PROGRAMS += tests/reliability/test_multi
TESTS += tests/reliability/test_multi
tests_reliability_test_multi_SOURCES = tests/reliability/test_multi.c
tests_reliability_test_multi_CFLAGS = $(PD_RELTEST_CFLAGS)
tests_reliability_test_multi_LDADD = $(PD_RELTEST_LIBS)
tests_reliability_test_multi_DEPENDENCIES = $(PD_RELTEST_DEPS)

# The two stores answer alike: every read of the API on SQLite and on
# PostgreSQL seeded the same way, compared byte for byte.
check_PROGRAMS += tests/reliability/test_multi_store
TESTS += tests/reliability/test_multi_store
tests_reliability_test_multi_store_SOURCES = tests/reliability/test_multi_store.c
tests_reliability_test_multi_store_CFLAGS = $(PD_RELTEST_CFLAGS)
tests_reliability_test_multi_store_LDADD = $(PD_RELTEST_LIBS)
tests_reliability_test_multi_store_DEPENDENCIES = $(PD_RELTEST_DEPS)

# /v1/stats on PostgreSQL reads counters kept by triggers (migration 2 of
# server/store_pg.c): exact after every kind of write and under concurrent
# writers, and never a plan that reads the requests table. Starts a
# throwaway PostgreSQL server (tests/harness/pg.h); skips when none can run.
check_PROGRAMS += tests/reliability/test_pg_stats
TESTS += tests/reliability/test_pg_stats
tests_reliability_test_pg_stats_SOURCES = tests/reliability/test_pg_stats.c
tests_reliability_test_pg_stats_CFLAGS = $(PD_RELTEST_CFLAGS) $(PQ_CFLAGS)
tests_reliability_test_pg_stats_LDADD = $(PD_RELTEST_LIBS) $(PD_SERVER_LIBS)
tests_reliability_test_pg_stats_DEPENDENCIES = $(PD_RELTEST_DEPS) libpdserver.a libpddomain.a
