# How privdesk fits its ecosystem: configuration, completion, manual pages,
# installation, metrics, scripting.
ECOSYSTEM_TESTS = \
	tests/ecosystem/test_config.sh \
	tests/ecosystem/test_completion.sh \
	tests/ecosystem/test_manpages.sh \
	tests/ecosystem/test_install.sh \
	tests/ecosystem/test_metrics.sh \
	tests/ecosystem/test_scripting.sh \
	tests/ecosystem/test_privdeskd.sh
TESTS += $(ECOSYSTEM_TESTS)
EXTRA_DIST += $(ECOSYSTEM_TESTS)
