#!/usr/bin/env bash
# privdeskd under load on loopback: bench/load (libcurl multi, N kept-alive
# connections, a mix of reads and writes) against a freshly seeded server,
# for a fixed time. Prints the machine, the command and a Markdown table of
# count, rate and p50/p99/max latency per kind of call (bench/RESULTS-load.md).
# Fails on any error other than 429 or when the server does not survive.
# Usage: bench/load.sh [SECONDS] [CONNECTIONS] [ACCOUNTS] [extra bench/load options]
#        (defaults 60 16 20000; e.g. --reads-only, --rate-limit 50, --threads 16)
# Run from the project root after ./quickstart build (or set BUILD=dir).
set -euo pipefail
build=${BUILD:-build}
secs=${1:-60}
conns=${2:-16}
accounts=${3:-20000}
shift $(($# < 3 ? $# : 3))
make -s -C "$build" bench/load privdeskd >/dev/null
echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -sr)"
echo "command: bench/load.sh $secs $conns $accounts $*"
PRIVDESKD=$(cd "$build" && pwd)/privdeskd "$build/bench/load" --duration "$secs" --connections "$conns" \
  --accounts "$accounts" --requests $((accounts / 5)) "$@"
