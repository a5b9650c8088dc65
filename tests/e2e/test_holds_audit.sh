#!/usr/bin/env bash
# Dispute holds and the audit log in a real terminal, at 80x24 and at
# 200x50: :holds and its tabs, placing a hold as sam (H on the account, the
# category picker, case and reason), an agent refused, releasing with a
# reason (x); :audit filtered by actor (a) and action (t), cleared (x), the
# hash chain verified (V). Writes are checked on the server; each size has
# its own accounts and holds.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
sizes=("24 80" "50 200")
per_size=8
e2e_begin $((per_size * ${#sizes[@]}))
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .active_holds == 0
  and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
of() { jq -r --arg id "$1" ".[] | select(.id == \$id) | $2" "$all"; }
holds_count() { e2e_api sam GET "/v1/holds?limit=200${1:+&status=$1}" | jq '.items | length'; }
# the audit table's rows: they start with the sequence number
audit_rows() { grep -E '^ *[0-9]+ +[0-9]{2}-[0-9]{2} [0-9:]{5} |^ *[0-9]+ +[0-9]{4}-[0-9]{2}-[0-9]{2} '; }

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 3 ))
  acc_place=${pool[k]} acc_old=${pool[k + 1]}
  # a hold released before (for the released tab) and one to release here
  old=$(e2e_api sam POST "/v1/accounts/$acc_old/holds" '{"reason":"old dispute","case_ref":"OLD-'"$cols"'","categories":["*"]}' | jq -r .id)
  e2e_api sam POST "/v1/holds/$old/release" '{"reason":"settled long ago"}' > /dev/null
  s=hs$rows a=ha$rows
  e2e_console "$s" "$rows" "$cols" sam --refresh 0
  e2e_console "$a" "$rows" "$cols" alice --refresh 0
  e2e_wait "$s" "Open requests by days to deadline"

  # --- :holds with its tabs active | released | all ---
  tabs() {
    local active released total
    active=$(holds_count active) released=$(holds_count released) total=$(holds_count)
    e2e_command "$s" holds
    e2e_wait "$s" "[active]" || return
    e2e_wait_regex "$s" " 1/$active\$" || return
    e2e_expect_not_screen "$s" "$old"
    e2e_keys "$s" Tab
    e2e_wait "$s" "[released]" || return
    e2e_wait_regex "$s" " 1/$released\$" || return
    e2e_wait "$s" "$old" || return
    e2e_keys "$s" Tab
    e2e_wait "$s" "[all]" || return
    e2e_wait_regex "$s" " 1/$total\$" || return
    e2e_keys "$s" Tab
    e2e_wait "$s" "[active]" || return
    e2e_keys "$s" q
  }
  tabs
  e2e_ok "${cols}x$rows: :holds lists the active holds; Tab shows the released ones, then all (counts as on the server)"

  # --- H as sam: the category picker (Esc cancels) ---
  email=$(of "$acc_place" .email)
  case_ref="CASE-$cols-42"
  picker() {
    e2e_command "$s" "account $acc_place"
    e2e_wait "$s" "[Overview]" || return
    e2e_keys "$s" H
    e2e_wait "$s" "Categories the hold covers" || return
    e2e_keys "$s" Escape
    e2e_wait "$s" "Cancelled: no hold was placed" || return
    e2e_wait "$s" "[Overview]" || return
    e2e_keys "$s" H
    e2e_wait "$s" "Categories the hold covers" || return
    e2e_wait_regex "$s" " 0 chosen\$" || return
    e2e_keys "$s" Enter
    e2e_wait "$s" "Choose at least one category" || return
    # email profile support_tickets api_keys [usage_logs] error_reports payment_methods [transactions] ...
    e2e_keys "$s" j j j j Space
    e2e_wait_regex "$s" " 1 chosen\$" || return
    e2e_keys "$s" j j Space
    e2e_wait_regex "$s" " 2 chosen\$" || return
    marked() { local scr; scr=$(cat); grep -qE '^\*Basic usage logs +usage_logs' <<< "$scr" && grep -qE '^\*Transaction records +transactions' <<< "$scr"; }
    e2e_wait_check "$s" "usage_logs and transactions marked" marked
  }
  picker
  e2e_ok "${cols}x$rows: H opens the category picker: Esc cancels, nothing chosen is refused, space chooses"

  # --- the case, the reason, the confirmation: the hold is placed ---
  place() {
    e2e_keys "$s" Enter
    e2e_wait "$s" "Case reference (required):" || return
    e2e_type "$s" "$case_ref"
    e2e_keys "$s" Enter
    e2e_wait "$s" "Reason for the hold (required):" || return
    e2e_type "$s" "customer disputes the invoices of March"
    e2e_keys "$s" Enter
    e2e_wait "$s" "Place a dispute hold on usage_logs, transactions of" || return # (the dialog wraps)
    e2e_wait "$s" "case $case_ref?" || return
    e2e_keys "$s" y
    e2e_wait_regex "$s" "Placed hold hld_[a-z2-7]+ \(case $case_ref\) on usage_logs, transactions" || return
    e2e_wait "$s" "ON HOLD: 1 active dispute hold" || return
    local h
    h=$(e2e_api sam GET "/v1/holds?account_id=$acc_place&status=active")
    jq -e --arg c "$case_ref" '.items | length == 1 and .[0].case_ref == $c and .[0].placed_by == "sam"
      and .[0].reason == "customer disputes the invoices of March"
      and (.[0].categories | sort) == ["transactions", "usage_logs"]' <<< "$h" > /dev/null ||
      e2e_fail "the server's holds: $(jq -c .items <<< "$h")"
  }
  place
  e2e_ok "${cols}x$rows: sam places the hold (case, reason, yes): the server has it on usage_logs and transactions"
  hold=$(e2e_api sam GET "/v1/holds?account_id=$acc_place&status=active" | jq -r '.items[0].id')

  # --- agents may neither place nor release holds ---
  agent() {
    e2e_wait "$a" "Open requests by days to deadline" || return
    e2e_command "$a" "account $acc_place"
    e2e_wait "$a" "ON HOLD: 1 active dispute hold" || return
    e2e_expect_not_screen "$a" "H hold"
    e2e_keys "$a" H
    e2e_wait "$a" "Only supervisors place dispute holds (you are agent)" || return
    e2e_command "$a" holds
    e2e_wait "$a" "[active]" || return
    e2e_wait "$a" "$hold" || return
    e2e_expect_not_screen "$a" "x release"
    e2e_keys "$a" x
    e2e_wait "$a" "Only supervisors release dispute holds (you are agent)" || return
    [[ $(holds_count active) -ge 1 && $(e2e_api sam GET "/v1/holds?account_id=$acc_place&status=active" | jq '.items | length') == 1 ]] ||
      e2e_fail "an agent changed the holds"
    [[ $(e2e_sent POST "/v1/accounts/$acc_place/holds") == 1 && $(e2e_sent POST "/v1/holds/$hold/release") == 0 ]] ||
      e2e_fail "a refused hold action was sent"
  }
  agent
  e2e_ok "${cols}x$rows: an agent sees no H or x in the hints and is refused both, with the reason"

  # --- x releases the selected hold, with a reason ---
  release() {
    e2e_command "$s" holds
    e2e_wait "$s" "[active]" || return
    e2e_keys "$s" /
    e2e_type "$s" "$case_ref"
    e2e_keys "$s" Enter
    e2e_wait_regex "$s" " 1/1\$" || return
    e2e_wait "$s" "$hold" || return
    e2e_keys "$s" x
    e2e_wait "$s" "Reason for releasing the hold (required" || return # (the label is cut at 80 columns)
    e2e_keys "$s" Enter
    e2e_wait "$s" "Releasing a hold needs a reason; nothing was sent" || return
    [[ $(e2e_sent POST "/v1/holds/$hold/release") == 0 ]] || e2e_fail "the blank release was sent"
    e2e_keys "$s" x
    e2e_wait "$s" "Reason for releasing the hold (required" || return # (the label is cut at 80 columns)
    e2e_keys "$s" C-u
    e2e_type "$s" "settled with the customer"
    e2e_keys "$s" Enter
    e2e_wait "$s" "Release hold $hold (case $case_ref)?" || return
    e2e_keys "$s" y
    e2e_wait "$s" "Released hold $hold (case $case_ref)" || return
    e2e_wait "$s" "No hold matches the filter" || return
    local h
    h=$(e2e_api sam GET "/v1/holds/$hold")
    jq -e '.status == "released" and .released_by == "sam" and .release_reason == "settled with the customer"' <<< "$h" > /dev/null ||
      e2e_fail "the server's hold: $(jq -c . <<< "$h")"
  }
  release
  e2e_ok "${cols}x$rows: x releases the hold (a blank reason refused, then yes): gone from active, released on the server"

  # --- :audit, a (actor) and t (action) filters ---
  audit_filters() {
    local n
    e2e_command "$s" audit
    e2e_wait "$s" "All entries, newest first" || return
    e2e_wait_regex "$s" " 1/200\+\$" || return
    # the newest entry is sam's release
    newest() { audit_rows | head -1 | grep -qE ' sam +hold\.release '; }
    e2e_wait_check "$s" "the release as the newest entry" newest || return
    e2e_keys "$s" a
    e2e_wait "$s" "Filter: actor=sam  (x clears)" || return
    n=$(e2e_api sam GET '/v1/audit?actor=sam&limit=200' | jq '.items | length')
    e2e_wait_regex "$s" " 1/$n\+?\$" || return
    by_sam() { local scr; scr=$(cat); audit_rows <<< "$scr" | grep -q . && ! audit_rows <<< "$scr" | grep -vq ' sam '; }
    e2e_wait_check "$s" "only sam's entries" by_sam || return
    e2e_keys "$s" t
    e2e_wait "$s" "Filter: actor=sam action=hold.release  (x clears)" || return
    n=$(e2e_api sam GET '/v1/audit?actor=sam&action=hold.release&limit=200' | jq '.items | length')
    e2e_wait_regex "$s" " 1/$n\$" || return
    releases() { local scr; scr=$(cat); audit_rows <<< "$scr" | grep -q . && ! audit_rows <<< "$scr" | grep -vq 'hold\.release'; }
    e2e_wait_check "$s" "only sam's releases" releases
  }
  audit_filters
  e2e_ok "${cols}x$rows: :audit lists every entry; a filters by the entry's actor, t by its action (as the server counts)"

  # --- x clears the filters ---
  audit_clear() {
    e2e_keys "$s" x
    e2e_wait "$s" "Showing every entry" || return
    e2e_wait "$s" "All entries, newest first" || return
    e2e_wait_regex "$s" " 1/200\+\$" || return
    mixed() { audit_rows | grep -qv ' sam '; }
    e2e_wait_check "$s" "entries by others than sam" mixed
  }
  audit_clear
  e2e_ok "${cols}x$rows: x clears the filters: every entry again"

  # --- V verifies the hash chain ---
  verify() {
    e2e_keys "$s" V
    local v
    e2e_wait "$s" "Chain intact: " || return
    v=$(e2e_api sam GET /v1/audit/verify)
    [[ $(jq -r .ok <<< "$v") == true ]] || e2e_fail "the server says the chain is broken: $v"
    e2e_wait_regex "$s" "Chain intact: $(jq .entries <<< "$v") entries, head $(jq -r '.head[0:12]' <<< "$v")" || return
  }
  verify
  e2e_ok "${cols}x$rows: V verifies the chain: intact, with the server's entry count and head"
done
e2e_end
