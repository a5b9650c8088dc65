# The server's store: query plans.
check_PROGRAMS += tests/unit/test_store_plans
TESTS += tests/unit/test_store_plans
tests_unit_test_store_plans_SOURCES = tests/unit/test_store_plans.c tests/unit/store_fixture.c tests/unit/store_fixture.h
tests_unit_test_store_plans_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_store_plans_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)

# The queue filtered by an e-mail prefix: exact pages, the copied e-mail, the cost.
check_PROGRAMS += tests/unit/test_store_queue
TESTS += tests/unit/test_store_queue
tests_unit_test_store_queue_SOURCES = tests/unit/test_store_queue.c tests/unit/store_fixture.c tests/unit/store_fixture.h
tests_unit_test_store_queue_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_store_queue_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)

# The server's store: account search (name index in e-mail order).
check_PROGRAMS += tests/unit/test_store_search
TESTS += tests/unit/test_store_search
tests_unit_test_store_search_SOURCES = tests/unit/test_store_search.c tests/unit/store_fixture.c tests/unit/store_fixture.h
tests_unit_test_store_search_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_store_search_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)

# Accounts and queue pages written directly: the same bytes as the jansson trees.
check_PROGRAMS += tests/unit/test_render_list
TESTS += tests/unit/test_render_list
tests_unit_test_render_list_SOURCES = tests/unit/test_render_list.c
tests_unit_test_render_list_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_render_list_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)

# Each account's counts kept by triggers: equal to fresh counts after any write.
check_PROGRAMS += tests/unit/test_store_counts
TESTS += tests/unit/test_store_counts
tests_unit_test_store_counts_SOURCES = tests/unit/test_store_counts.c tests/unit/store_fixture.c tests/unit/store_fixture.h
tests_unit_test_store_counts_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_store_counts_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)
