# Headless screen tests: the console driven by key scripts against a live privdeskd.
SCREEN_TESTS = tests/screens/test_queue_request.sh tests/screens/test_accounts.sh tests/screens/test_holds.sh
SCREEN_TESTS += tests/screens/test_dashboard.sh tests/screens/test_erasure.sh tests/screens/test_audit.sh
SCREEN_TESTS += tests/screens/test_queue_scale.sh tests/screens/test_round_trips.sh
TESTS += $(SCREEN_TESTS)
EXTRA_DIST += $(SCREEN_TESTS) tests/e2e/lib.sh
