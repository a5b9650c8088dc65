#!/usr/bin/env bash
# Seeding speed: `privdeskd seed` of N accounts and M requests into a fresh database.
# Usage: bench/seed.sh [ACCOUNTS] [REQUESTS]    (defaults: 100000 20000)
# Run from the project root after ./quickstart build.
set -euo pipefail
accounts=${1:-100000}
requests=${2:-20000}
bin=${PRIVDESKD:-build/privdeskd}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s.%N)
"$bin" seed --accounts "$accounts" --requests "$requests" --seed 7 --db "$dir/seed.db" 2>/dev/null
end=$(date +%s.%N)
size=$(du -k "$dir/seed.db" | cut -f1)
printf 'seed %d accounts, %d requests: %.1f s, database %d MiB\n' "$accounts" "$requests" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" $((size / 1024))
