#!/bin/sh
# TAP test: builds the libFuzzer target tests/fuzz/fuzz_api_decode.c with
# clang -fsanitize=fuzzer,address,undefined straight from the sources (the
# decoders need only jansson) and runs it for a bounded time over a copy of
# the seed corpus tests/fuzz/corpus/api_decode. Skips (TAP "# SKIP") when
# clang or its libFuzzer runtime (Debian: clang, libclang-rt-14-dev) is
# missing. A crash leaves its input as tests/fuzz/api-decode-crash-* in the
# build directory: turn it into tests/unit/api_corpus/bad/ + a unit test.
#   PD_FUZZ_SECONDS  run time (default 20)      CLANG  compiler (default clang)
set -u
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${TOP_BUILDDIR:-.}/tests/fuzz
secs=${PD_FUZZ_SECONDS:-20}
clang=${CLANG:-clang}
echo "1..2"

skip() {
  echo "ok 1 # SKIP $1"
  echo "ok 2 # SKIP $1"
  exit 0
}

command -v "$clang" >/dev/null 2>&1 || skip "$clang not found (Debian: apt-get install clang libclang-rt-14-dev)"
mkdir -p "$out" || exit 1
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  >"$out/probe.c"
"$clang" -fsanitize=fuzzer "$out/probe.c" -o "$out/probe" >/dev/null 2>&1 ||
  skip "$clang cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
rm -f "$out/probe" "$out/probe.c"

bin=$out/fuzz_api_decode
# shellcheck disable=SC2046
if ! "$clang" -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I"$top" $(pkg-config --cflags jansson) \
    "$top/tests/fuzz/fuzz_api_decode.c" \
    "$top/api/decode.c" "$top/api/decode_util.c" "$top/api/decode_account.c" "$top/api/decode_request.c" \
    "$top/api/error.c" "$top/api/rfc3339.c" "$top/api/retry.c" "$top/common/vocab.c" \
    $(pkg-config --libs jansson) -o "$bin" >"$out/fuzz-build.log" 2>&1; then
  echo "not ok 1 - fuzz_api_decode does not build with $clang"
  sed 's/^/# /' "$out/fuzz-build.log" | head -n 40
  echo "not ok 2 - fuzz_api_decode not run"
  exit 1
fi
echo "ok 1 - fuzz_api_decode built with $clang -fsanitize=fuzzer,address,undefined"

work=$out/corpus-run
rm -rf "$work" && mkdir -p "$work" && cp "$top"/tests/fuzz/corpus/api_decode/* "$work"/
log=$out/fuzz.log
ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=1 "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
  -max_len=16384 -dict="$top/tests/fuzz/api_decode.dict" -print_final_stats=1 -artifact_prefix="$out/api-decode-crash-" "$work" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1)
files=$(ls "$work" | wc -l)
if [ "$rc" -eq 0 ]; then
  echo "ok 2 - ${secs}s of fuzzing, ${execs:-?} inputs, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $files files, no crash"
else
  echo "not ok 2 - fuzz_api_decode failed (exit $rc); inputs in $out/api-decode-crash-*"
  grep -A 30 -E 'ERROR|runtime error|deadly signal' "$log" | head -n 60 | sed 's/^/# /'
  exit 1
fi
