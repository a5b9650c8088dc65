# Fuzzing: run-api-decode.sh builds tests/fuzz/fuzz_api_decode.c with clang
# -fsanitize=fuzzer,address,undefined directly (configure does not need
# clang) and runs it for a bounded time; it is a TAP test that skips when
# clang or libFuzzer is missing. PD_FUZZ_SECONDS changes the run time.
TESTS += tests/fuzz/run-api-decode.sh
dist_check_SCRIPTS += tests/fuzz/run-api-decode.sh
EXTRA_DIST += tests/fuzz/fuzz_api_decode.c tests/fuzz/api_decode.dict tests/fuzz/corpus/api_decode
CLEANFILES += tests/fuzz/fuzz_api_decode tests/fuzz/fuzz.log tests/fuzz/fuzz-build.log
