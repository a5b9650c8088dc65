#!/usr/bin/env bash
# privdeskd as an operator meets it: --help/--version, --check, migrate, and a
# graceful stop on SIGTERM that lets a request in flight finish.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 5
d=$e2e_privdeskd

"$d" --version | grep -qE '^privdeskd \(privdesk\) [0-9]' || e2e_fail "--version: $("$d" --version)"
"$d" --help | grep -q '^Usage: privdeskd' || e2e_fail "--help has no Usage line"
"$d" frobnicate 2>/dev/null; [[ $? -eq 2 ]] || e2e_fail "an unknown command does not exit 2"
e2e_ok "--version and --help in the GNU style; bad usage exits 2"

out=$("$d" migrate --db "$e2e_dir/m.db") && [[ $out == *"migrated from version 0"* ]] || e2e_fail "first migrate: $out"
out=$("$d" migrate --db "$e2e_dir/m.db") && [[ $out == *"nothing to do"* ]] || e2e_fail "second migrate: $out"
e2e_ok "migrate applies the schema once and is idempotent"

out=$("$d" serve --db "$e2e_dir/m.db" --listen 127.0.0.1:1 --log "$e2e_dir/a.log" --check) &&
  [[ $out == *"configuration ok"* && ! -e $e2e_dir/a.log ]] || e2e_fail "--check of a good configuration: $out"
"$d" serve --db "$e2e_dir/m.db" --listen nonsense --check 2>"$e2e_dir/err"; rc=$?
[[ $rc -ne 0 ]] && grep -q 'listen' "$e2e_dir/err" || e2e_fail "--check of a bad address: exit $rc, $(cat "$e2e_dir/err")"
"$d" serve --db "$e2e_dir/m.db" --tls-cert "$e2e_dir/nope.pem" --tls-key "$e2e_dir/nope.key" --check 2>"$e2e_dir/err"; rc=$?
[[ $rc -ne 0 ]] && grep -q 'nope.pem' "$e2e_dir/err" || e2e_fail "--check of missing TLS files: exit $rc, $(cat "$e2e_dir/err")"
e2e_ok "serve --check validates without serving and names what is wrong"

e2e_server --accounts 20 --requests 10 || exit 1
req=$(e2e_api alice GET '/v1/requests?limit=1' | jq -r '.items[0].id')
# a note whose body arrives in two parts; SIGTERM between them
( printf '{"text": "sent across '; sleep 1; printf 'a shutdown"}' ) |
  curl -s -o "$e2e_dir/note.json" -w '%{http_code}' -X POST -T - -H 'Transfer-Encoding: chunked' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat "$e2e_dir/alice.token")" \
    "$e2e_url/v1/requests/$req/notes" > "$e2e_dir/code" &
curl_pid=$!
for _ in $(seq 100); do grep -q "notes" "$e2e_dir/access.log" 2>/dev/null && break; [[ -s $e2e_dir/code ]] && break; sleep 0.05; done
sleep 0.3
kill -TERM "$e2e_pid"
wait "$curl_pid"
wait "$e2e_pid"; rc=$?
e2e_pid=
[[ $(cat "$e2e_dir/code") == 201 ]] || e2e_fail "the request in flight got $(cat "$e2e_dir/code"): $(cat "$e2e_dir/note.json")"
[[ $rc -eq 0 ]] || e2e_fail "privdeskd exited $rc on SIGTERM"
grep -q 'finishing in-flight requests' "$e2e_dir/server.err" && grep -q 'stopped' "$e2e_dir/server.err" ||
  e2e_fail "no shutdown messages: $(tail -3 "$e2e_dir/server.err")"
e2e_ok "SIGTERM lets the request in flight finish (201), then privdeskd exits 0"

e2e_server_start
[[ $(e2e_api alice GET "/v1/requests/$req" | jq '[.timeline[] | select(.text == "sent across a shutdown")] | length') -eq 1 ]] ||
  e2e_fail "the note is not in the database after the restart"
[[ $(e2e_api alice GET /v1/audit/verify | jq .ok) == true ]] || e2e_fail "the audit chain does not verify"
e2e_ok "the database was closed cleanly: the note is there and the audit chain verifies"
e2e_end
