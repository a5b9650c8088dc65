#!/usr/bin/env bash
# Headless screen tests of the erasure preview and its typed confirmation
# (screens/erasure.c): held categories retained with their hold, tax records
# kept by law, a wrong e-mail refused with nothing erased, the right one
# erasing exactly the plan, a blocked plan refused with a red explanation,
# an unverified requester refused locally, a viewer who only looks, a
# request changed meanwhile (412), and an erasure sent while offline that
# is resent with the same intent when the server is back.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 11
e2e_server --accounts 300 --requests 120 || exit 1
json() { jq -r "$@"; }

# --- set-up through the API ---
# accounts without holds or open requests whose inventory has transactions,
# usage logs and error reports (so tax law and both held categories show)
candidates=$(for page in 1 2; do
  if [[ $page == 1 ]]; then path='/v1/accounts?limit=200'; else path="/v1/accounts?limit=200&cursor=$cursor"; fi
  answer=$(e2e_api alice GET "$path")
  cursor=$(echo "$answer" | json .next_cursor)
  echo "$answer" | json '.items[] | select(.status == "active" and .active_holds == 0 and .open_requests == 0) | .id'
done)
accounts=()
for acc in $candidates; do
  e2e_api alice GET "/v1/accounts/$acc/inventory" |
    json '[.items[] | select((.key == "transactions" or .key == "usage_logs" or .key == "error_reports") and .records > 0)] | length' |
    grep -qx 3 && accounts+=("$acc")
  [[ ${#accounts[@]} -ge 5 ]] && break
done
[[ ${#accounts[@]} -ge 5 ]] || { echo "set-up: only ${#accounts[@]} suitable accounts" | e2e_diag; }

version_of() { e2e_api alice GET "/v1/requests/$1" | json .version; }
# post_if USER REQ ACTION BODY: a write with If-Match (the current version)
post_if() { e2e_api "$1" POST "/v1/requests/$2/$3" "$4" -H "If-Match: \"$(version_of "$2")\"" >/dev/null; }
# erasure_request ACCOUNT VERIFY(yes|no): an erasure request in progress
erasure_request() {
  local id
  id=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$1\",\"type\":\"erasure\"}" | json .id)
  post_if alice "$id" transition '{"to":"verifying"}'
  post_if alice "$id" transition '{"to":"in_progress"}'
  [[ $2 == yes ]] && post_if alice "$id" verify '{"method":"document","note":"passport checked"}'
  echo "$id"
}
place_hold() { e2e_api sam POST "/v1/accounts/$1/holds" "{\"reason\":\"chargeback dispute\",\"case_ref\":\"$2\",\"categories\":$3}" | json .id; }
inventory_states() { e2e_api alice GET "/v1/accounts/$1/inventory" | json '.items[] | "\(.key)=\(.state)"' | tr '\n' ' '; }
completes_of() { e2e_api alice GET "/v1/audit?action=request.complete&limit=200" | json "[.items[] | select(.target == \"$1\")] | length"; }

acc=${accounts[0]}
hold=$(place_hold "$acc" CASE-77 '["usage_logs","error_reports"]')
req=$(erasure_request "$acc" yes)
email=$(e2e_api alice GET "/v1/accounts/$acc" | json .email)
lower_email=$(echo "$email" | tr 'A-Z' 'a-z')
tax_until=$(e2e_api alice GET "/v1/requests/$req/erasure-preview" | json '.retain[] | select(.key == "transactions") | .until')

# --- 1-5: the main flow as alice at 200x50: preview and a wrong e-mail, then the right one ---
cat > "$e2e_dir/erase.keys" <<KEYS
!wait
:request $req<Enter>
!wait
E
!wait
!dump e-preview.txt
!dump-roles e-preview.roles
d
!dump e-dialog.txt
wrong-$lower_email<Enter>
!dump e-wrong.txt
<Esc>
!wait
!dump e-cancelled.txt
KEYS
cat > "$e2e_dir/erase2.keys" <<KEYS
!wait
:request $req<Enter>
!wait
E
!wait
d
$lower_email<Enter>
!wait
!dump e-done.txt
!dump-roles e-done.roles
q
!wait
!dump e-request.txt
KEYS
e2e_headless 50 200 alice erase.keys
e2e_dump_has e-preview.txt "Erasure plan"
e2e_dump_has e-preview.txt "$email"
e2e_dump_has e-preview.txt "Will be ERASED"
e2e_dump_has e-preview.txt "Will be RETAINED"
grep -E "^usage_logs .*dispute hold $hold \(case CASE-77\)" "$e2e_dir/e-preview.txt" >/dev/null ||
  e2e_fail "usage_logs is not shown as retained by $hold (case CASE-77)"
grep -E "^error_reports .*dispute hold $hold \(case CASE-77\)" "$e2e_dir/e-preview.txt" >/dev/null ||
  e2e_fail "error_reports is not shown as retained by $hold (case CASE-77)"
grep -E "^transactions .*tax law: kept until $tax_until" "$e2e_dir/e-preview.txt" >/dev/null ||
  e2e_fail "transactions is not shown as kept by tax law until $tax_until"
grep -E "^email +E-mail address" "$e2e_dir/e-preview.txt" >/dev/null || e2e_fail "email is not listed as erased"
e2e_dump_has e-preview.txt "the account will be closed"
e2e_dump_has e-preview.txt "yes: press d"
e2e_ok "preview at 200x50: held categories retained as \"dispute hold <id> (case ...)\", transactions kept by tax law"

e2e_dump_has e-dialog.txt "Erase personal data"
e2e_dump_has e-dialog.txt "Type $email to confirm"
e2e_dump_has e-wrong.txt "does not match"
e2e_dump_has e-cancelled.txt "nothing was erased"
[[ $(e2e_api alice GET "/v1/requests/$req" | json .status) == in_progress ]] || e2e_fail "the request is no longer in progress"
[[ $(inventory_states "$acc") != *erased* ]] || e2e_fail "something was erased after a wrong e-mail: $(inventory_states "$acc")"
[[ $(completes_of "$req") == 0 ]] || e2e_fail "a request.complete was logged after a wrong e-mail"
e2e_ok "a wrong e-mail is refused in the dialog; Esc cancels; nothing erased on the server"

e2e_headless 50 200 alice erase2.keys

e2e_dump_has e-done.txt "Erasure completed"
e2e_dump_has e-done.txt "the account is now closed"
e2e_dump_has e-done.txt "Erased:"
grep -E "^usage_logs .*dispute hold $hold" "$e2e_dir/e-done.txt" >/dev/null || e2e_fail "the result does not list usage_logs as retained"
ok_line=$(grep -n "the account is now closed" "$e2e_dir/e-done.txt" | head -1 | cut -d: -f1)
sed -n "${ok_line}p" "$e2e_dir/e-done.roles" | grep -q g || e2e_fail "the result line is not in the OK style"
e2e_ok "the right e-mail (any case) erases; the result shows on the screen in the OK style"

states=$(inventory_states "$acc")
for want in email=erased profile=erased marketing=erased analytics=erased usage_logs=retained error_reports=retained \
  transactions=retained; do
  [[ " $states" == *" $want "* ]] || e2e_fail "inventory: want $want, have: $states"
done
[[ $(e2e_api alice GET "/v1/requests/$req" | json .status) == completed ]] || e2e_fail "the request is not completed"
[[ $(e2e_api alice GET "/v1/accounts/$acc" | json .status) == closed ]] || e2e_fail "the account is not closed"
[[ $(completes_of "$req") == 1 ]] || e2e_fail "want exactly one request.complete for $req, have $(completes_of "$req")"
e2e_ok "server: the plan was carried out (held and taxed data retained, the rest erased), one request.complete"

e2e_dump_has e-request.txt "completed"
e2e_dump_has e-request.txt "Erasure result"
e2e_ok "q goes back to the request, which shows the completed state"

# --- 6: a hold on everything blocks: red explanation, d refused ---
acc_b=${accounts[1]}
hold_b=$(place_hold "$acc_b" CASE-ALL '["*"]')
req_b=$(erasure_request "$acc_b" yes)
cat > "$e2e_dir/blocked.keys" <<KEYS
!wait
:request $req_b<Enter>
!wait
E
!wait
!dump b-preview.txt
!dump-roles b-preview.roles
d
!dump b-refused.txt
KEYS
e2e_headless 24 80 alice blocked.keys
e2e_dump_has b-preview.txt "BLOCKED"
e2e_dump_has b-preview.txt "$hold_b"
blocked_line=$(grep -n "BLOCKED" "$e2e_dir/b-preview.txt" | head -1 | cut -d: -f1)
sed -n "${blocked_line}p" "$e2e_dir/b-preview.roles" | grep -q e || e2e_fail "the BLOCKED explanation is not in the error (red) style"
e2e_dump_has b-refused.txt "Cannot erase: dispute holds cover every category"
e2e_dump_lacks b-refused.txt "to confirm:"
[[ $(e2e_api alice GET "/v1/requests/$req_b" | json .status) == in_progress ]] || e2e_fail "the blocked request changed"
e2e_ok "a hold on [\"*\"]: a red explanation naming the hold, d refused without a dialog"

# --- 7: identity not verified: refused locally with the reason ---
acc_u=${accounts[2]}
req_u=$(erasure_request "$acc_u" no)
cat > "$e2e_dir/unverified.keys" <<KEYS
!wait
:request $req_u<Enter>
!wait
E
!wait
!dump u-preview.txt
d
!dump u-refused.txt
KEYS
e2e_headless 24 80 alice unverified.keys
e2e_dump_has u-preview.txt "NOT verified"
e2e_dump_has u-preview.txt "no: the requester's identity is not verified"
e2e_dump_has u-refused.txt "Cannot erase: the requester's identity is not verified"
e2e_dump_lacks u-refused.txt "to confirm:"
e2e_ok "an unverified requester: d is refused locally, saying why"

# --- 8: a viewer sees the plan and cannot erase ---
e2e_headless 24 80 vera unverified.keys
e2e_dump_has u-preview.txt "Erasure plan"
e2e_dump_has u-preview.txt "your role cannot erase"
e2e_dump_lacks u-preview.txt "d erase"
e2e_dump_has u-refused.txt "viewer role is read-only"
e2e_ok "a viewer sees the plan, no erase hint, and d is refused"

# --- 9: changed by someone else meanwhile (412): reloaded, nothing erased, d again works ---
acc_c=${accounts[3]}
req_c=$(erasure_request "$acc_c" yes)
email_c=$(e2e_api alice GET "/v1/accounts/$acc_c" | json .email)
cat > "$e2e_dir/stale.keys" <<KEYS
!wait
:request $req_c<Enter>
!wait
E
!wait
!dump s-ready.txt
!sleep 1500
d
$email_c<Enter>
!wait
!dump s-stale.txt
d
$email_c<Enter>
!wait
!dump s-done.txt
KEYS
wait_file() { local i; for ((i = 0; i < 400; i++)); do [[ -s $e2e_dir/$1 ]] && return 0; sleep 0.05; done; return 1; }
e2e_headless 24 80 alice stale.keys &
console=$!
# bob moves it to waiting and back: the same state, a newer version
wait_file s-ready.txt && post_if bob "$req_c" transition '{"to":"waiting"}' &&
  post_if bob "$req_c" transition '{"to":"in_progress"}'
wait "$console"
e2e_dump_has s-stale.txt "changed by someone else"
e2e_dump_has s-stale.txt "nothing erased, plan reloaded"
e2e_dump_has s-done.txt "Erasure completed"
[[ $(completes_of "$req_c") == 1 ]] || e2e_fail "want one request.complete for $req_c, have $(completes_of "$req_c")"
e2e_ok "412: says someone else changed it, reloads, erases nothing; d again erases once"

# --- 10-11: offline while erasing: the outcome is unknown, d resends the same intent ---
acc_o=${accounts[4]}
req_o=$(erasure_request "$acc_o" yes)
email_o=$(e2e_api alice GET "/v1/accounts/$acc_o" | json .email)
cat > "$e2e_dir/offline.keys" <<KEYS
!wait
:request $req_o<Enter>
!wait
E
!wait
!dump o-ready.txt
!sleep 1500
d
$email_o<Enter>
!wait 20000
!dump o-offline.txt
!sleep 3000
!wait
!dump o-back.txt
d
!dump o-resend.txt
y
!wait
!dump o-done.txt
KEYS
e2e_headless 24 80 alice offline.keys &
console=$!
wait_file o-ready.txt && e2e_server_stop
wait_file o-offline.txt && e2e_server_start
wait "$console"
e2e_dump_has o-offline.txt "Could not erase"
e2e_dump_has o-offline.txt "offline"
e2e_dump_lacks o-offline.txt "Erasure completed"
e2e_dump_has o-back.txt "outcome of the last attempt unknown: d sends the same request"
e2e_ok "offline: the erasure fails with the cause named, the plan says d resends the same request"
e2e_dump_has o-resend.txt "Resend the erasure"
e2e_dump_has o-done.txt "Erasure completed"
[[ $(e2e_api alice GET "/v1/requests/$req_o" | json .status) == completed ]] || e2e_fail "the resent erasure did not complete"
[[ $(completes_of "$req_o") == 1 ]] || e2e_fail "want one request.complete for $req_o, have $(completes_of "$req_o")"
e2e_ok "back online, d asks to resend (no retyping), y erases once"
e2e_end
