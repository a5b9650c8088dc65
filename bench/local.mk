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
