#!/usr/bin/env bash
# Headless screen tests of the console's requests on the wire (issue 6;
# privdeskd's access log): one request per screen opened along the whole
# erasure workflow (queue, request, erasure plan, erase), and unchanged
# screens revalidated with 304 and no body.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 5
e2e_server --accounts 300 --requests 120 || exit 1

# an erasure in progress, identity verified, not blocked by holds
req=
for id in $(e2e_api alice GET '/v1/requests?type=erasure&status=in_progress&limit=200' |
  jq -r '.items[] | select(.identity_verified) | .id'); do
  if [[ $(e2e_api alice GET "/v1/requests/$id/erasure-preview" | jq -r .blocked) == false ]]; then
    req=$id
    break
  fi
done
[[ -n $req ]] || { echo "Bail out! no erasure request to work on"; exit 1; }
email=$(e2e_api alice GET "/v1/requests/$req/erasure-preview" | jq -r .confirm)
# what the console sends: the access log from a mark on
mark() { wc -l < "$e2e_dir/access.log"; }
since() { tail -n +$(($1 + 1)) "$e2e_dir/access.log" | jq -r '"\(.method) \(.path) \(.status) \(.bytes)"' | sed "s/$req/{id}/"; }

start=$(mark)
cat > "$e2e_dir/flow.keys" <<KEYS
!wait
:request $req<Enter>
!wait
!dump request.txt
E
!wait
!dump plan.txt
d
$email<Enter>
!wait
!dump done.txt
KEYS
e2e_headless 50 200 alice flow.keys --refresh 0
sent=$(since "$start")
echo "$sent" | e2e_diag
e2e_dump_has request.txt "$req"
[[ $(grep -c '^GET /v1/requests/{id} ' <<< "$sent") == 1 ]] || e2e_fail "the request was fetched $(grep -c '^GET /v1/requests/{id} ' <<< "$sent") times, want once"
e2e_ok "opening a request, then its erasure plan: the request is fetched once"

e2e_dump_has plan.txt "Erasure plan"
[[ $(grep -c '^GET /v1/requests/{id}/erasure-preview ' <<< "$sent") == 1 ]] || e2e_fail "the plan was fetched more or less than once"
e2e_ok "opening the erasure plan (E): one GET of the plan"

e2e_dump_has done.txt "Erasure completed"
[[ $(grep -c '^POST /v1/requests/{id}/complete 200' <<< "$sent") == 1 ]] || e2e_fail "not exactly one POST complete"
n=$(grep -c . <<< "$sent")
# /v1/me and /v1/stats (start, the dashboard), the request, the plan, the erasure
[[ $n == 5 ]] || e2e_fail "the workflow sent $n requests, want 5"
e2e_ok "the whole workflow sends 5 requests (me, stats, request, plan, erase)"

# unchanged screens: revalidated with If-None-Match, answered 304 without a body
start=$(mark)
cat > "$e2e_dir/refresh.keys" <<KEYS
!wait
:queue<Enter>
!wait
!sleep 2500
KEYS
e2e_headless 50 200 alice refresh.keys --refresh 1
sent=$(since "$start")
echo "$sent" | e2e_diag
grep -q '^GET /v1/requests 304 0$' <<< "$sent" || e2e_fail "no 304 without a body among the refreshes"
grep '^GET /v1/requests ' <<< "$sent" | tail -n +2 | grep -qv ' 304 0$' && e2e_fail "a refresh of the unchanged queue was answered with a body"
e2e_ok "refreshes of the unchanged queue are answered 304 with no body"

start=$(mark)
cat > "$e2e_dir/back.keys" <<KEYS
!wait
:queue<Enter>
!wait
<Enter>
!wait
q
!wait
KEYS
e2e_headless 50 200 alice back.keys --refresh 0
sent=$(since "$start")
[[ $(grep -c '^GET /v1/requests ' <<< "$sent") == 2 && $(grep '^GET /v1/requests ' <<< "$sent" | tail -1) == "GET /v1/requests 304 0" ]] ||
  { e2e_fail "back on the queue: want one revalidation answered 304"; echo "$sent" | e2e_diag; }
e2e_ok "back from a request, the queue revalidates once (304, no body)"
e2e_end
