#!/usr/bin/env bash
# The backend at scale: server-side latency of every kind of read privdeskd
# serves, with 1,000,000 accounts and 200,000 requests (issue 6 targets:
# lookup by id and by e-mail prefix p99 < 2 ms, a 50-row queue page with any
# filter and sort p99 < 5 ms, /v1/stats < 20 ms).
#
# Seeds a database into a temporary directory (the seed time is printed), or
# copies one seeded before (PD_BENCH_DB, so that 1M accounts are seeded once),
# starts privdeskd on a free loopback port with an access log, creates the
# staff user "alice" (a seeded assignee, so assignee=me has rows) with a token,
# and runs bench/latency: one kept-alive connection, calls in sequence, each
# kind --iterations times, the server's own time read from the access log
# ("ms"). Prints the machine, the load, the command and a Markdown table
# (docs/PERFORMANCE.md, bench/RESULTS-backend.md).
#
# Usage: bench/latency.sh [ACCOUNTS] [REQUESTS] [ITERATIONS]   (defaults 1000000 200000 300)
#   PD_BENCH_DB=FILE   copy this seeded database instead of seeding (it is never written)
#   PD_BENCH_KEEP=DIR  also keep a copy of the freshly seeded database in DIR/seed-A-R.db
#   PD_BENCH_ONLY=TEXT only the kinds whose label contains TEXT (bench/latency --only)
#   PRIVDESKD=FILE     serve with this privdeskd (e.g. an older build, for a before/after)
#   PD_BENCH_NICE=N    run privdeskd and the client at nice N (e.g. -10, as root: shields
#                      them from other jobs on a shared machine; the load is printed either way)
#   TMPDIR             where the temporary directory goes (the 1M database takes ~1.5 GB)
# Exit status: 0 when every target is met, 1 when one is missed, 2 on errors.
# Run from the project root after ./quickstart build (or set BUILD=dir).
set -euo pipefail
build=${BUILD:-build}
accounts=${1:-1000000}
requests=${2:-200000}
iterations=${3:-300}

make -s -C "$build" privdeskd bench/latency >/dev/null
b=$(cd "$build" && pwd)
pd=${PRIVDESKD:-$b/privdeskd}
nice_cmd=()
[[ -n ${PD_BENCH_NICE:-} ]] && nice_cmd=(nice -n "$PD_BENCH_NICE")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-latency.XXXXXX")
pid=
cleanup() {
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
[[ -n ${PD_BENCH_NICE:-} ]] && echo "priority: privdeskd and bench/latency at nice $PD_BENCH_NICE"
echo "command: bench/latency.sh $accounts $requests $iterations${PD_BENCH_DB:+ (PD_BENCH_DB=$PD_BENCH_DB)}${PRIVDESKD:+ (PRIVDESKD=$PRIVDESKD)}"

db=$tmp/bench.db
if [[ -n ${PD_BENCH_DB:-} ]]; then
  [[ -f $PD_BENCH_DB ]] || { echo "bench/latency.sh: no database at $PD_BENCH_DB" >&2; exit 2; }
  # a checkpointed database is one file; copy the WAL too in case it is not
  cp "$PD_BENCH_DB" "$db"
  [[ -f $PD_BENCH_DB-wal ]] && cp "$PD_BENCH_DB-wal" "$db-wal"
  echo "database: a copy of $PD_BENCH_DB ($(du -m "$db" | cut -f1) MiB)"
else
  echo "seeding: load $(load)"
  start=$(date +%s.%N)
  "$pd" seed --accounts "$accounts" --requests "$requests" --seed 7 --db "$db" >/dev/null
  end=$(date +%s.%N)
  printf 'seed: %d accounts, %d requests in %.1f s, database %d MiB (load after: %s)\n' "$accounts" "$requests" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$(du -m "$db" | cut -f1)" "$(load)"
  if [[ -n ${PD_BENCH_KEEP:-} ]]; then
    mkdir -p "$PD_BENCH_KEEP"
    cp "$db" "$PD_BENCH_KEEP/seed-$accounts-$requests.db"
    echo "kept: $PD_BENCH_KEEP/seed-$accounts-$requests.db"
  fi
fi

umask 077
"$pd" user add alice --role agent --db "$db" --quiet > "$tmp/token" ||
  { echo "bench/latency.sh: cannot add the user alice (a database from privdeskd seed has no staff)" >&2; exit 2; }
# No rate limit in effect (a limit this high still runs the limiter's code):
# the benchmark sends about a thousand calls a second on one token.
"${nice_cmd[@]}" "$pd" serve --listen 127.0.0.1:0 --db "$db" --port-file "$tmp/port" --log "$tmp/access.log" \
  --rate-limit 1000000 2> "$tmp/server.log" &
pid=$!
for _ in $(seq 200); do
  [[ -s $tmp/port ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if [[ ! -s $tmp/port ]]; then
  echo "bench/latency.sh: privdeskd did not start:" >&2
  cat "$tmp/server.log" >&2
  exit 2
fi
url="http://127.0.0.1:$(cat "$tmp/port")"
# the database into the page cache, as on a server that has been running
cat "$db" > /dev/null

echo "load before: $(load)"
rc=0
"${nice_cmd[@]}" "$b/bench/latency" --url "$url" --token-file "$tmp/token" --log "$tmp/access.log" --iterations "$iterations" \
  ${PD_BENCH_ONLY:+--only "$PD_BENCH_ONLY"} 2> "$tmp/latency.err" || rc=$?
echo "load after: $(load)"
grep -v '^latency: round' "$tmp/latency.err" >&2 || true
exit "$rc"
