# End-to-end tests: privdesk in a real terminal (tmux) against a live privdeskd.
check_PROGRAMS += tests/e2e/dispcol
tests_e2e_dispcol_SOURCES = tests/e2e/dispcol.c

E2E_TESTS = tests/e2e/test_console.sh
TESTS += $(E2E_TESTS)
EXTRA_DIST += $(E2E_TESTS)
