# Fuzzing: run-api-decode.sh builds tests/fuzz/fuzz_api_decode.c with clang
# -fsanitize=fuzzer,address,undefined directly (configure does not need
# clang) and runs it for a bounded time; it is a TAP test that skips when
# clang or libFuzzer is missing. PD_FUZZ_SECONDS changes the run time.
TESTS += tests/fuzz/run-api-decode.sh
dist_check_SCRIPTS += tests/fuzz/run-api-decode.sh
EXTRA_DIST += tests/fuzz/fuzz_api_decode.c tests/fuzz/api_decode.dict tests/fuzz/corpus/api_decode
CLEANFILES += tests/fuzz/fuzz_api_decode tests/fuzz/fuzz.log tests/fuzz/fuzz-build.log

# The server: tests/fuzz/fuzz_server.c runs privdeskd's request processing
# (server/http_process.h) in-process on a small seeded store; run-server.sh
# builds it with clang -fsanitize=fuzzer,address,undefined from the server's
# sources, replays tests/fuzz/corpus/server (regress-* are inputs that once
# failed) and fuzzes for a bounded time (PD_FUZZ_SERVER_SECONDS, default 25;
# 10 under PRIVDESK_SANITIZED). Skips without clang or libFuzzer.
# tests/reliability/test_server_corpus replays the corpus with gcc as well.
TESTS += tests/fuzz/run-server.sh
dist_check_SCRIPTS += tests/fuzz/run-server.sh
EXTRA_DIST += tests/fuzz/fuzz_server.c tests/fuzz/server.dict tests/fuzz/corpus/server
CLEANFILES += tests/fuzz/fuzz_server tests/fuzz/fuzz-server.log tests/fuzz/fuzz-server-build.log \
	tests/fuzz/fuzz-server-replay.log

# What the fuzz runs leave in the build tree: corpora grown by libFuzzer, the
# server's objects and temporary store, crash inputs.
clean-local: clean-fuzz-runs
clean-fuzz-runs:
	-rm -rf tests/fuzz/corpus-run tests/fuzz/server-corpus-run tests/fuzz/server-obj tests/fuzz/server-tmp \
	  tests/fuzz/server-crash-* tests/fuzz/api-decode-crash-*
.PHONY: clean-fuzz-runs
