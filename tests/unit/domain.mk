# Unit tests of the domain rules (server/domain/, common/vocab): cmocka, one
# group per program so each program prints a single TAP plan.

check_PROGRAMS += tests/unit/test_dates
TESTS += tests/unit/test_dates
tests_unit_test_dates_SOURCES = tests/unit/test_dates.c
tests_unit_test_dates_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_dates_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_deadline
TESTS += tests/unit/test_deadline
tests_unit_test_deadline_SOURCES = tests/unit/test_deadline.c
tests_unit_test_deadline_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_deadline_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_lifecycle
TESTS += tests/unit/test_lifecycle
tests_unit_test_lifecycle_SOURCES = tests/unit/test_lifecycle.c
tests_unit_test_lifecycle_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_lifecycle_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_erasure
TESTS += tests/unit/test_erasure
tests_unit_test_erasure_SOURCES = tests/unit/test_erasure.c
tests_unit_test_erasure_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_erasure_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_roles
TESTS += tests/unit/test_roles
tests_unit_test_roles_SOURCES = tests/unit/test_roles.c
tests_unit_test_roles_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_roles_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_audit_hash
TESTS += tests/unit/test_audit_hash
tests_unit_test_audit_hash_SOURCES = tests/unit/test_audit_hash.c
tests_unit_test_audit_hash_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_audit_hash_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_vocab
TESTS += tests/unit/test_vocab
tests_unit_test_vocab_SOURCES = tests/unit/test_vocab.c
tests_unit_test_vocab_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SODIUM_CFLAGS)
tests_unit_test_vocab_LDADD = libpddomain.a $(CMOCKA_LIBS) $(SODIUM_LIBS)
