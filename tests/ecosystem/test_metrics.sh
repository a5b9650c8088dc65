#!/usr/bin/env bash
# privdeskd's /metrics is valid Prometheus text (promtool check metrics) and
# counts what happened.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 4
if ! command -v promtool >/dev/null; then
  for i in 1 2 3 4; do echo "ok $i # SKIP promtool (Debian package prometheus) is not installed"; done
  exit 0
fi
e2e_server --accounts 50 --requests 20 || exit 1
e2e_api alice GET /v1/stats >/dev/null
e2e_api alice GET /v1/requests/req_doesnotexist0000 >/dev/null
curl -s "$e2e_url/v1/me" >/dev/null # no token: 401
metrics=$(curl -s -D "$e2e_dir/h" "$e2e_url/metrics")
grep -qi '^content-type: text/plain; version=0.0.4' "$e2e_dir/h" || e2e_fail "wrong content type: $(cat "$e2e_dir/h")"
echo "$metrics" > "$e2e_dir/metrics.txt"
out=$(promtool check metrics < "$e2e_dir/metrics.txt" 2>&1) || e2e_fail "promtool: $out"
e2e_ok "/metrics is served without a token and promtool accepts it"
grep -q 'privdesk_http_requests_total{method="GET",route="/v1/stats",status="200"} 1' "$e2e_dir/metrics.txt" ||
  e2e_fail "no count for GET /v1/stats 200"
grep -q 'route="/v1/requests/{}",status="404"} 1' "$e2e_dir/metrics.txt" || e2e_fail "no count for the 404"
grep -q 'status="401"' "$e2e_dir/metrics.txt" || e2e_fail "no count for the 401"
e2e_ok "requests are counted by route and status"
grep -q 'privdesk_http_request_duration_seconds_bucket{method="GET",route="/v1/stats",le="+Inf"} 1' \
  "$e2e_dir/metrics.txt" || e2e_fail "no latency histogram for /v1/stats"
e2e_ok "latencies are in a histogram by route"
open=$(e2e_api alice GET /v1/stats | jq '.open_total')
sum=$(awk '/^privdesk_requests_open\{/ { s += $2 } END { print s }' "$e2e_dir/metrics.txt")
overdue=$(e2e_api alice GET /v1/stats | jq '.overdue')
grep -q "^privdesk_requests_overdue $overdue\$" "$e2e_dir/metrics.txt" || e2e_fail "overdue gauge is not $overdue"
[[ $sum == "$open" ]] || e2e_fail "open gauges sum to $sum, the API says $open"
e2e_ok "queue gauges agree with /v1/stats"
e2e_end
