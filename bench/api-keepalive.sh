#!/usr/bin/env bash
# The api/ keep-alive benchmark: GET /v1/requests?limit=50 through the
# library, one kept-alive connection vs a new connection per call, against a
# seeded privdeskd on loopback. Prints a Markdown table (bench/RESULTS-api.md).
# Usage: bench/api-keepalive.sh [CALLS] [ACCOUNTS] [REQUESTS]  (defaults 2000 2000 400)
# Run from the project root after ./quickstart build (or set BUILD=dir).
set -euo pipefail
build=${BUILD:-build}
make -s -C "$build" bench/api_keepalive privdeskd >/dev/null
echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -sr)"
echo "command: bench/api-keepalive.sh $*"
PRIVDESKD=$(cd "$build" && pwd)/privdeskd "$build/bench/api_keepalive" "$@"
