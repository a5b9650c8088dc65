# The console's reliability and security guarantees (issue 5, console side):
# faults injected by a proxy, TLS, secrets, hostile text, valgrind, SSH.
# See tests/reliability-console/README.md.
check_PROGRAMS += tests/faultproxy/faultproxy
tests_faultproxy_faultproxy_SOURCES = tests/faultproxy/faultproxy.c
tests_faultproxy_faultproxy_CFLAGS = $(AM_CFLAGS) -pthread
tests_faultproxy_faultproxy_LDFLAGS = $(AM_LDFLAGS) -pthread

# free text longer than the client's cap is cut, not refused (unit, cmocka)
check_PROGRAMS += tests/reliability-console/test_long_text
TESTS += tests/reliability-console/test_long_text
tests_reliability_console_test_long_text_SOURCES = tests/reliability-console/test_long_text.c
tests_reliability_console_test_long_text_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
tests_reliability_console_test_long_text_LDADD = libpdapi.a $(CURL_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS) $(CMOCKA_LIBS)

CONSOLE_RELIABILITY_TESTS = \
	tests/reliability-console/test_faults.sh \
	tests/reliability-console/test_tls.sh \
	tests/reliability-console/test_secrets.sh \
	tests/reliability-console/test_hostile.sh \
	tests/reliability-console/test_valgrind.sh \
	tests/reliability-console/test_ssh.sh
TESTS += $(CONSOLE_RELIABILITY_TESTS)
EXTRA_DIST += $(CONSOLE_RELIABILITY_TESTS) tests/reliability-console/lib.sh tests/reliability-console/README.md
