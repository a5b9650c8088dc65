#!/bin/sh
# TAP test: builds the libFuzzer target tests/fuzz/fuzz_server.c -- privdeskd's
# whole request processing in-process (server/http_process.h), every server
# source but the libmicrohttpd adapter and main -- with clang
# -fsanitize=fuzzer,address,undefined, then
#   2. replays the seed corpus and the regression inputs (every file of
#      tests/fuzz/corpus/server; a regression input is named regress-*), and
#   3. fuzzes for a bounded time over a copy of the corpus.
# An answer >= 500, a malformed answer, a crash or a sanitizer report fails.
# Skips (TAP "# SKIP") when clang or its libFuzzer runtime (Debian: clang,
# libclang-rt-14-dev) is missing. A failure leaves its input as
# tests/fuzz/server-crash-* in the build directory: add it to
# tests/fuzz/corpus/server as regress-<what> and a test in tests/api.
#   PD_FUZZ_SERVER_SECONDS  fuzzing time (default 25, 10 when PRIVDESK_SANITIZED
#                           is set: the ASan build's run repeats the same
#                           target, so it needs less)
#   PD_FUZZ_SEED            libFuzzer -seed (default 1, printed; 0 = random)
#   CLANG                   compiler (default clang)
set -u
top=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
out=${TOP_BUILDDIR:-.}/tests/fuzz
if [ -n "${PRIVDESK_SANITIZED:-}" ]; then secs=${PD_FUZZ_SERVER_SECONDS:-10}; else secs=${PD_FUZZ_SERVER_SECONDS:-25}; fi
seed=${PD_FUZZ_SEED:-1}
clang=${CLANG:-clang}
echo "1..3"

skip() {
  echo "ok 1 # SKIP $1"
  echo "ok 2 # SKIP $1"
  echo "ok 3 # SKIP $1"
  exit 0
}

command -v "$clang" >/dev/null 2>&1 || skip "$clang not found (Debian: apt-get install clang libclang-rt-14-dev)"
mkdir -p "$out/server-obj" || exit 1
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
  >"$out/probe-server.c"
"$clang" -fsanitize=fuzzer "$out/probe-server.c" -o "$out/probe-server" >/dev/null 2>&1 ||
  skip "$clang cannot link -fsanitize=fuzzer (Debian: apt-get install libclang-rt-14-dev)"
rm -f "$out/probe-server" "$out/probe-server.c"

bin=$out/fuzz_server
log=$out/fuzz-server-build.log
# shellcheck disable=SC2046
cflags="-std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
  -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -I$top $(pkg-config --cflags jansson sqlite3 libsodium libpq)"
sources=$(cd "$top" && ls server/*.c server/domain/*.c common/vocab.c | grep -v -e '^server/privdeskd\.c$' -e '^server/http_mhd\.c$')
rm -f "$out"/server-obj/*
compile() { # source object: a failure is noted in FAILED with the compiler's output
  # shellcheck disable=SC2086
  "$clang" $cflags -c "$top/$1" -o "$2" >"$2.log" 2>&1 || { echo "== $1" >>"$out/server-obj/FAILED"; cat "$2.log" >>"$out/server-obj/FAILED"; }
}
i=0
for src in $sources tests/fuzz/fuzz_server.c; do
  compile "$src" "$out/server-obj/$(echo "$src" | tr / _).o" & # two compilers at a time
  i=$((i + 1))
  [ $((i % 2)) -eq 0 ] && wait
done
wait
build_ok=yes
if [ -f "$out/server-obj/FAILED" ]; then
  cp "$out/server-obj/FAILED" "$log"
  build_ok=no
else
  # shellcheck disable=SC2046
  "$clang" -g -fsanitize=fuzzer,address,undefined "$out"/server-obj/*.o \
    $(pkg-config --libs jansson sqlite3 libsodium libpq) -lpthread -lm -o "$bin" >"$log" 2>&1 || build_ok=no
fi
if [ $build_ok = no ]; then
  echo "not ok 1 - fuzz_server does not build with $clang"
  sed 's/^/# /' "$log" | head -n 40
  echo "not ok 2 - corpus not replayed"
  echo "not ok 3 - fuzz_server not run"
  exit 1
fi
echo "ok 1 - fuzz_server built with $clang -fsanitize=fuzzer,address,undefined ($(echo $sources | wc -w) server sources)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1"
# the target's temporary store: here, so that a crashed run leaves nothing in /tmp
export TMPDIR="$out/server-tmp"
rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
corpus=$top/tests/fuzz/corpus/server
rlog=$out/fuzz-server-replay.log
# every corpus and regression input once, each on its own (-runs=0 over files)
"$bin" -runs=0 -rss_limit_mb=2048 "$corpus"/* >"$rlog" 2>&1
rc=$?
n=$(ls "$corpus" | wc -l)
nreg=$(ls "$corpus" | grep -c '^regress-')
if [ "$rc" -eq 0 ]; then
  echo "ok 2 - replayed $n corpus inputs ($nreg regression inputs): no answer >= 500, no sanitizer report"
else
  echo "not ok 2 - replaying the corpus failed (exit $rc)"
  grep -B 5 -A 30 -E 'ERROR|runtime error|deadly signal|fuzz_server: HTTP' "$rlog" | head -n 60 | sed 's/^/# /'
  exit 1
fi

work=$out/server-corpus-run
rm -rf "$work" && mkdir -p "$work" && cp "$corpus"/* "$work"/
flog=$out/fuzz-server.log
"$bin" -seed="$seed" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=4096 \
  -dict="$top/tests/fuzz/server.dict" -print_final_stats=1 -artifact_prefix="$out/server-crash-" "$work" >"$flog" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$flog" | tail -n 1)
ft=$(grep -o 'ft: [0-9]*' "$flog" | tail -n 1)
files=$(ls "$work" | wc -l)
if [ "$rc" -eq 0 ]; then
  echo "ok 3 - ${secs}s of fuzzing (-seed=$seed), ${execs:-?} requests, ${cov:-cov: ?}, ${ft:-ft: ?}, corpus $files files, no answer >= 500, no crash"
else
  echo "not ok 3 - fuzz_server failed (exit $rc, -seed=$seed); inputs in $out/server-crash-*"
  grep -B 5 -A 30 -E 'ERROR|runtime error|deadly signal|fuzz_server: HTTP' "$flog" | head -n 60 | sed 's/^/# /'
  exit 1
fi
