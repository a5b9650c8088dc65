#!/usr/bin/env bash
# PostgreSQL beside SQLite (results: bench/RESULTS-pg.md).
#
# Part "scale": the backend-at-scale figures. bench/load seeds ACCOUNTS
#   accounts and ACCOUNTS/5 requests (the seed time is printed) into SQLite,
#   then into PostgreSQL, and sends reads only over one connection, in
#   sequence (so nothing queues: each latency is one call's work): account
#   by id, e-mail prefix search, the queue page, "mine", request detail,
#   inventory, stats, audit page; p50/p99/max per kind, SCALE_SECONDS each.
# Part "load": throughput with one versus three privdeskd instances on one
#   PostgreSQL database: bench/load (CONNECTIONS kept-alive connections, the
#   mixed read/write load of bench/RESULTS-load.md, SECONDS each), the
#   connections spread round-robin over the instances; SQLite with its one
#   instance beside. Then the same reads only.
#
# PostgreSQL is a throwaway server (tests/harness/pg.h, started by
# bench/load --store postgresql) with fsync=on, so a commit is durable when
# answered, as with SQLite's synchronous=FULL. Everything runs on this
# machine: client, privdeskd instance(s) and PostgreSQL share its CPUs.
#
# Usage: bench/pg.sh [ACCOUNTS] [SECONDS] [CONNECTIONS]   (defaults 200000 30 16)
#   PD_BENCH_PARTS="scale load" (default both), PD_BENCH_LOAD_ACCOUNTS (20000),
#   PD_BENCH_SCALE_SECONDS (60).
# Run from the project root after ./quickstart build (or set BUILD=dir).
set -euo pipefail
build=${BUILD:-build}
accounts=${1:-200000}
secs=${2:-30}
conns=${3:-16}
parts=${PD_BENCH_PARTS:-scale load}
load_accounts=${PD_BENCH_LOAD_ACCOUNTS:-20000}
scale_secs=${PD_BENCH_SCALE_SECONDS:-60}
make -s -C "$build" privdeskd bench/load tests/harness/pgcheck >/dev/null
b=$(cd "$build" && pwd)
why=$("$b/tests/harness/pgcheck") || { echo "bench/pg.sh: PostgreSQL cannot run here: $why" >&2; exit 1; }

echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -sr)"
echo "postgresql: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1) (fsync=on, synchronous_commit=on)"
echo "command: bench/pg.sh $accounts $secs $conns (parts: $parts)"
echo

export PD_TEST_PG_FSYNC=on PRIVDESKD=$b/privdeskd

if [[ " $parts " == *" scale "* ]]; then
  echo "## Backend at scale: $accounts accounts, $((accounts / 5)) requests; reads in sequence, $scale_secs s"
  for store in sqlite postgresql; do
    echo
    echo "### $store"
    echo
    # stderr: the seed time (privdeskd seed) and the start-up time
    "$b/bench/load" --duration "$scale_secs" --connections 1 --accounts "$accounts" --requests $((accounts / 5)) \
      --store "$store" --reads-only 2>&1 | grep -v '^privdeskd: listening' || true
  done
  echo
fi

if [[ " $parts " == *" load "* ]]; then
  for mode in "" "--reads-only"; do
    title="Mixed reads and writes"
    [[ -n $mode ]] && title="Reads only"
    echo "## $title, $conns connections, $secs s, $load_accounts accounts"
    for run in "sqlite 1" "postgresql 1" "postgresql 3"; do
      set -- $run
      echo
      echo "### $1, $2 instance$([[ $2 -gt 1 ]] && echo s)"
      echo
      "$b/bench/load" --duration "$secs" --connections "$conns" --accounts "$load_accounts" \
        --requests $((load_accounts / 5)) --store "$1" --instances "$2" $mode 2>/dev/null || true
    done
    echo
  done
fi
