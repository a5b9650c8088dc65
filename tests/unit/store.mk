# The server's store: query plans.
check_PROGRAMS += tests/unit/test_store_plans
TESTS += tests/unit/test_store_plans
tests_unit_test_store_plans_SOURCES = tests/unit/test_store_plans.c
tests_unit_test_store_plans_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_store_plans_LDADD = $(PD_SERVER_LIBS) $(CMOCKA_LIBS)
