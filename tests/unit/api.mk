# api/ tests: decoder unit tests over tests/unit/api_corpus (plus the token
# check, retry timing, RFC 3339, errors, intents), and the integration test
# against a live privdeskd (tests/api/test_client.c, kept here with its
# library). Both are cmocka programs speaking TAP.
PD_API_TEST_LIBS = libpdapi.a $(CURL_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS)

check_PROGRAMS += tests/unit/test_api_decode
TESTS += tests/unit/test_api_decode
tests_unit_test_api_decode_SOURCES = tests/unit/test_api_decode.c tests/unit/test_api_decode_req.c \
	tests/unit/test_api_misc.c
tests_unit_test_api_decode_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_unit_test_api_decode_LDADD = $(PD_API_TEST_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += tests/api/test_client
TESTS += tests/api/test_client
tests_api_test_client_SOURCES = tests/api/test_client.c tests/unit/test_api_transport.c
tests_api_test_client_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_api_test_client_LDADD = libpdtestharness.a $(PD_API_TEST_LIBS) $(CMOCKA_LIBS) -lpthread

EXTRA_DIST += tests/unit/api_corpus
