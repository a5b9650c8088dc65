# Benchmarks: built on request only (EXTRA_PROGRAMS), never by `make` or
# `make check`. Each has a script that builds and runs it and a RESULTS file.

# api/: a queue page over one kept-alive connection vs a connection per call.
#   make bench/api_keepalive && bench/api-keepalive.sh   (see bench/RESULTS-api.md)
EXTRA_PROGRAMS = bench/api_keepalive
bench_api_keepalive_SOURCES = bench/api_keepalive.c
bench_api_keepalive_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
bench_api_keepalive_LDADD = libpdtestharness.a libpdapi.a $(CURL_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS)
CLEANFILES += bench/api_keepalive
EXTRA_DIST += bench/api-keepalive.sh bench/RESULTS-api.md
EXTRA_DIST += bench/seed.sh bench/RESULTS-seed.md

# privdeskd under load: N kept-alive connections (libcurl multi) with a mix of
# reads and writes for a fixed time; p50/p99 per kind of call.
#   bench/load.sh   (60 s, 20000 accounts; see bench/RESULTS-load.md)
# Built with the tests too: tests/reliability/test_load.sh runs it in CI.
check_PROGRAMS += bench/load
bench_load_SOURCES = bench/load.c
bench_load_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
bench_load_LDADD = libpdtestharness.a $(CURL_LIBS) $(JANSSON_LIBS)
EXTRA_DIST += bench/load.sh bench/RESULTS-load.md

# Server-side latency per kind of read at scale (1M accounts, 200k requests):
#   bench/latency.sh   (see docs/PERFORMANCE.md, bench/RESULTS-backend.md)
EXTRA_PROGRAMS += bench/latency
bench_latency_SOURCES = bench/latency.c
bench_latency_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
bench_latency_LDADD = $(CURL_LIBS) $(JANSSON_LIBS)
CLEANFILES += bench/latency
EXTRA_DIST += bench/latency.sh bench/RESULTS-backend.md

# Throughput of GETs over keep-alive (wrk) against nginx serving a file of
# the same size, in the same run (needs wrk and nginx: the "#bench" lines of
# build-aux/debian-packages, which ./quickstart skips):
#   bench/wrk.sh   (see docs/PERFORMANCE.md, bench/RESULTS-backend.md)
EXTRA_DIST += bench/wrk.sh bench/wrk.lua

# The summary of every benchmark and its target (issue 6).
EXTRA_DIST += docs/PERFORMANCE.md

# PostgreSQL beside SQLite: the backend at scale (bench/latency) on each
# store, and throughput with one versus three privdeskd instances on one
# PostgreSQL database (bench/load --store postgresql --instances N).
#   bench/pg.sh   (see bench/RESULTS-pg.md)
EXTRA_DIST += bench/pg.sh bench/RESULTS-pg.md

# The console: CPU instructions per keystroke (callgrind, headless), bytes to
# the terminal at a real pty (bench/ptybytes, beside less), start-up time,
# peak RSS and round trips per workflow (privdeskd's access log).
#   bench/console.sh   (see bench/RESULTS-console.md)
EXTRA_PROGRAMS += bench/ptybytes
bench_ptybytes_SOURCES = bench/ptybytes.c
bench_ptybytes_LDADD = -lutil
CLEANFILES += bench/ptybytes
EXTRA_DIST += bench/console.sh bench/RESULTS-console.md
