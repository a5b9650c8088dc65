# End-to-end tests: privdesk in a real terminal (tmux) against a live privdeskd.
check_PROGRAMS += tests/e2e/dispcol
tests_e2e_dispcol_SOURCES = tests/e2e/dispcol.c

# Every workflow of the console at 80x24 and at 200x50, one script per area
# (the longest first: make check -j starts them early).
E2E_TESTS = \
	tests/e2e/test_queue.sh \
	tests/e2e/test_complete.sh \
	tests/e2e/test_request.sh \
	tests/e2e/test_accounts.sh \
	tests/e2e/test_holds_audit.sh \
	tests/e2e/test_modes.sh \
	tests/e2e/test_console.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS)
