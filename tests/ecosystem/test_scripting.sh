#!/usr/bin/env bash
# privdesk's scripting commands: machine-readable output and exit codes.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 9
e2e_server --accounts 200 --requests 80 || exit 1
pd() { "$e2e_privdesk" --server "$e2e_url" --token-file "$e2e_dir/${USER_AS:-alice}.token" "$@"; }

out=$(pd get queue --preset overdue); rc=$?
expected=$(e2e_api alice GET '/v1/requests?overdue=true&limit=200' | jq '.items | length')
[[ $rc -eq 0 ]] || e2e_fail "exit $rc"
[[ $(printf '%s\n' "$out" | grep -c '^req_') -eq $expected ]] || e2e_fail "$(printf '%s\n' "$out" | wc -l) lines, the API has $expected"
printf '%s\n' "$out" | awk -F'\t' 'NF != 8 { bad = 1 } END { exit bad }' || e2e_fail "not 8 tab-separated fields:
$out"
printf '%s\n' "$out" | grep -q 'overdue' || e2e_fail "no 'overdue N d' deadline column"
e2e_ok "get queue --preset overdue: one tab-separated line per overdue request"

json=$(pd get queue --preset overdue --json)
[[ $(echo "$json" | jq 'length') -eq $expected ]] || e2e_fail "JSON has $(echo "$json" | jq length) items"
[[ $(echo "$json" | jq -r '.[0].status') != null ]] || e2e_fail "JSON items lack status"
e2e_ok "get queue --json is a JSON array jq reads"

account=$(e2e_api alice GET '/v1/accounts?limit=1' | jq -r '.items[0]')
email=$(echo "$account" | jq -r .email) id=$(echo "$account" | jq -r .id)
got=$(pd get account "$(echo "$email" | tr a-z A-Z)" --json | jq -r .id)
[[ $got == "$id" ]] || e2e_fail "get account by e-mail gave $got, expected $id"
pd get account "$id" | grep -q "^email	$email\$" || e2e_fail "plain output lacks the e-mail line"
e2e_ok "get account finds by e-mail (any case) and by id"

pd get account nobody-here@example.invalid 2>"$e2e_dir/err"; rc=$?
[[ $rc -eq 3 ]] || e2e_fail "unknown account: exit $rc, expected 3"
pd get request req_aaaaaaaaaaaaaaaa 2>/dev/null; rc=$?
[[ $rc -eq 3 ]] || e2e_fail "unknown request: exit $rc, expected 3"
e2e_ok "not found exits 3"

pd get queue --preset nonsense 2>/dev/null; rc=$?
[[ $rc -eq 2 ]] || e2e_fail "bad preset: exit $rc"
pd frobnicate 2>/dev/null; rc=$?
[[ $rc -eq 2 ]] || e2e_fail "unknown command: exit $rc"
e2e_ok "usage errors exit 2"

echo "pdt_not-a-real-token" > "$e2e_dir/bad.token"; chmod 600 "$e2e_dir/bad.token"
USER_AS=bad pd get stats 2>/dev/null; rc=$?
[[ $rc -eq 4 ]] || e2e_fail "bad token: exit $rc, expected 4"
e2e_ok "a rejected token exits 4"

"$e2e_privdesk" --server http://127.0.0.1:9 --token-file "$e2e_dir/alice.token" get stats 2>/dev/null; rc=$?
[[ $rc -eq 5 ]] || e2e_fail "unreachable server: exit $rc, expected 5"
e2e_ok "an unreachable server exits 5"

req=$(e2e_api alice GET '/v1/requests?status=completed&type=access&limit=1' | jq -r '.items[0].id')
pd export "$req" -o "$e2e_dir/export.json"; rc=$?
[[ $rc -eq 0 && $(stat -c %a "$e2e_dir/export.json") == 600 ]] || e2e_fail "export: exit $rc, mode $(stat -c %a "$e2e_dir/export.json" 2>&1)"
[[ $(jq -r .format "$e2e_dir/export.json") == privdesk-export/1 ]] || e2e_fail "not an export bundle"
e2e_ok "export writes the bundle, mode 0600"

open=$(e2e_api alice GET /v1/requests?status=open\&limit=1 | jq -r '.items[0].id')
pd export "$open" -o "$e2e_dir/nothing.json" 2>/dev/null; rc=$?
[[ $rc -ne 0 && ! -e $e2e_dir/nothing.json ]] || e2e_fail "exporting an open request: exit $rc"
e2e_ok "exporting what has no export fails and writes nothing"
e2e_end
