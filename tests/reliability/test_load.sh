#!/bin/sh
# TAP test: a bounded loopback load test (bench/load): 16 kept-alive
# connections send a mix of reads and writes to privdeskd, seeded with 20000
# accounts, for 20 s (the ASan+UBSan run: 5000 accounts, 10 s); no rate limit,
# so every answer must be 2xx or 304 -- any other status, a transport error, a
# crash, a sanitizer report or a write missing from the audit log fails.
# bench/load.sh runs the same for 60 s and records bench/RESULTS-load.md.
#   PD_LOAD_SECONDS, PD_LOAD_ACCOUNTS, PD_LOAD_CONNECTIONS override.
set -u
bin=${TOP_BUILDDIR:-.}/bench/load
if [ -n "${PRIVDESK_SANITIZED:-}" ]; then
  secs=${PD_LOAD_SECONDS:-10}
  accounts=${PD_LOAD_ACCOUNTS:-5000}
else
  secs=${PD_LOAD_SECONDS:-20}
  accounts=${PD_LOAD_ACCOUNTS:-20000}
fi
exec "$bin" --tap --duration "$secs" --connections "${PD_LOAD_CONNECTIONS:-16}" --accounts "$accounts" \
  --requests $((accounts / 5))
