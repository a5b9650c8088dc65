#!/usr/bin/env bash
# Headless screen tests (tui/script.h) of dispute holds: placing one from the
# account screen with the category picker, the holds list and its tabs,
# releasing, and the role checks. Server state is checked through the API.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 11
e2e_server --accounts 300 --requests 120 || exit 1

e2e_api sam GET '/v1/accounts?limit=200' > "$e2e_dir/accounts.json"
free_account() { # an active account without holds, not yet used by this test
  jq -r "[.items[] | select(.status == \"active\" and .active_holds == 0 and (.email | startswith(\"erased+\") | not)
          and (.id | IN($1) | not))][0].id" "$e2e_dir/accounts.json"
}
acc=$(free_account '""')
acc2=$(free_account "\"$acc\"")
holds_of() { e2e_api sam GET "/v1/holds?account_id=$1&status=${2:-active}"; }

# ---- the picker: nothing chosen is refused, Esc cancels ----
cat > "$e2e_dir/pick0.keys" <<KEYS
!wait
:account $acc<Enter>
!wait
H
!dump p-picker.txt
<Enter>
!dump p-none.txt
<Esc>
!dump p-cancel.txt
KEYS
e2e_headless 24 80 sam pick0.keys
e2e_dump_has p-picker.txt "Place hold: categories"
e2e_dump_has p-picker.txt "E-mail address"
e2e_dump_has p-picker.txt "Transaction records"
e2e_dump_has p-picker.txt "Service experience analytics"
e2e_dump_has p-none.txt "Choose at least one category"
e2e_dump_has p-cancel.txt "no hold was placed"
e2e_dump_has p-cancel.txt "[Overview]"
[[ $(holds_of "$acc" | jq '.items | length') == 0 ]] || e2e_fail "a hold was placed"
e2e_ok "the picker lists the 10 categories, wants at least one, and Esc cancels"

# ---- sam places a hold on two categories ----
cat > "$e2e_dir/place.keys" <<KEYS
!wait
:account $acc<Enter>
!wait
H
jjjj<Space>jj<Space>
!dump p-two.txt
<Enter>
!dump p-case.txt
CASE-T1<Enter>
!dump p-reason.txt
Chargeback dispute with the card issuer<Enter>
!dump p-confirm.txt
y
!wait
!dump p-placed.txt
KEYS
e2e_headless 24 80 sam place.keys
e2e_dump_has p-two.txt "2 chosen"
e2e_dump_has p-case.txt "Case reference"
e2e_dump_has p-reason.txt "Reason for the hold"
e2e_dump_has p-confirm.txt "Place dispute hold"
e2e_dump_has p-confirm.txt "usage_logs, transactions"
e2e_dump_has p-confirm.txt "CASE-T1"
e2e_ok "space chooses two categories, then case reference, reason and a confirmation naming them"
e2e_dump_has p-placed.txt "Placed hold hld_"
e2e_dump_has p-placed.txt "Holds (1)"
e2e_dump_has p-placed.txt "ON HOLD"
holds_of "$acc" > "$e2e_dir/h.json"
jq -e '.items | length == 1 and .[0].case_ref == "CASE-T1" and .[0].placed_by == "sam"
       and (.[0].categories | sort) == ["transactions", "usage_logs"]' "$e2e_dir/h.json" >/dev/null ||
  e2e_fail "the server has: $(cat "$e2e_dir/h.json")"
hold=$(jq -r '.items[0].id' "$e2e_dir/h.json")
e2e_ok "the hold is on the server (two categories, CASE-T1, by sam) and the account reloads"

# ---- the inventory shows what the hold keeps ----
cat > "$e2e_dir/inv.keys" <<KEYS
!wait
:account $acc<Enter>
!wait
i
!wait
!dump p-inv.txt
jjjj<Enter>
!dump p-inv-row.txt
KEYS
e2e_headless 24 80 sam inv.keys
grep -q "^Basic usage logs .*hold:hld_" "$e2e_dir/p-inv.txt" || e2e_fail "usage_logs does not name a hold"
grep -q "^Transaction records .*hold:hld_" "$e2e_dir/p-inv.txt" || e2e_fail "transactions does not name a hold"
grep -q "^E-mail address .*hold:" "$e2e_dir/p-inv.txt" && e2e_fail "email is not held"
e2e_dump_has p-inv-row.txt "Basic usage logs"
e2e_dump_has p-inv-row.txt "hold:$hold"
e2e_ok "the inventory names the hold for the held categories only (Why; Enter shows it whole)"

# ---- an agent may not place a hold ----
cat > "$e2e_dir/agent.keys" <<KEYS
!wait
:account $acc2<Enter>
!wait
!dump p-agent-hints.txt
H
!dump p-agent.txt
KEYS
e2e_headless 24 80 alice agent.keys
e2e_dump_lacks p-agent-hints.txt "H hold"
e2e_dump_has p-agent.txt "Only supervisors place dispute holds"
e2e_dump_lacks p-agent.txt "Place hold: categories"
[[ $(holds_of "$acc2" | jq '.items | length') == 0 ]] || e2e_fail "the agent placed a hold"
e2e_ok "an agent is refused placing a hold before anything is sent"

# ---- the holds list: tabs, columns at 200x50, and an agent may not release ----
cat > "$e2e_dir/list.keys" <<KEYS
!wait
:holds<Enter>
!wait
!dump l-active.txt
<Tab>
!wait
!dump l-released.txt
<Tab>
!wait
!dump l-all.txt
x
!dump l-agent-x.txt
KEYS
e2e_headless 50 200 alice list.keys
e2e_dump_has l-active.txt "[active]"
e2e_dump_has l-active.txt "$hold"
e2e_dump_has l-active.txt "CASE-T1"
for col in Id Account Case Categories Status "Placed by" "Placed at" Released; do
  e2e_dump_has l-active.txt "$col"
done
e2e_dump_has l-released.txt "[released]"
e2e_dump_lacks l-released.txt "$hold"
e2e_dump_has l-all.txt "[all]"
e2e_dump_has l-all.txt "$hold"
e2e_ok "the holds list has every column at 200x50 and Tab switches active / released / all"
e2e_dump_has l-agent-x.txt "Only supervisors release dispute holds"
e2e_ok "an agent is refused releasing a hold"

# ---- sam releases the hold from the account's holds list (80x24) ----
cat > "$e2e_dir/release.keys" <<KEYS
!wait
:account $acc<Enter>
!wait
h
!wait
!dump r-list.txt
x
<Enter>
!dump r-blank.txt
x
Dispute settled, card issuer closed the case<Enter>
!dump r-confirm.txt
y
!wait
!dump r-done.txt
<Tab>
!wait
!dump r-released.txt
<Enter>
!dump r-report.txt
KEYS
e2e_headless 24 80 sam release.keys
e2e_dump_has r-list.txt "Holds: $acc"
e2e_dump_has r-list.txt "$hold"
e2e_dump_has r-list.txt "x release"
e2e_dump_has r-blank.txt "needs a reason; nothing was sent"
e2e_dump_has r-confirm.txt "Release dispute hold"
e2e_dump_has r-confirm.txt "$hold"
e2e_dump_has r-confirm.txt "CASE-T1"
e2e_ok "x asks for a reason (blank refused) and confirms naming the hold and the case"
e2e_dump_has r-done.txt "Released hold $hold"
e2e_dump_has r-done.txt "No active holds."
e2e_dump_has r-released.txt "$hold"
e2e_dump_has r-report.txt "Release reason"
e2e_dump_has r-report.txt "Dispute settled"
e2e_api sam GET "/v1/holds/$hold" | jq -e '.status == "released" and .released_by == "sam"' >/dev/null ||
  e2e_fail "the hold is not released on the server"
e2e_ok "the hold is released on the server and shows under released, Enter shows the reason"

# ---- a hold on every category ("*"), released by someone else meanwhile ----
cat > "$e2e_dir/all.keys" <<KEYS
!wait
:account $acc2<Enter>
!wait
H
*
!dump a-picker.txt
<Enter>
CASE-ALL<Enter>
Regulator inquiry<Enter>
!dump a-confirm.txt
y
!wait
h
!wait
!dump a-holds.txt
!sleep 1500
x
Closing it<Enter>
y
!wait
!dump a-stale.txt
KEYS
( # another supervisor releases the hold once the console has placed and listed it
  log=$e2e_dir/access.log
  for ((i = 0; i < 300; i++)); do
    placed=$(grep -n "\"POST\",\"path\":\"/v1/accounts/$acc2/holds\"" "$log" | cut -d: -f1 | tail -1)
    [[ -n $placed ]] && tail -n +"$placed" "$log" | grep -q '"GET","path":"/v1/holds"' && break
    sleep 0.05
  done
  id=$(holds_of "$acc2" | jq -r '.items[0].id')
  e2e_api sam POST "/v1/holds/$id/release" '{"reason": "released elsewhere"}' >/dev/null
) &
other=$!
e2e_headless 24 80 sam all.keys
wait "$other"
e2e_dump_has a-picker.txt "ALL categories"
e2e_dump_has a-picker.txt "all categories"
e2e_dump_has a-confirm.txt "all categories"
e2e_dump_has a-holds.txt "CASE-ALL"
e2e_dump_has a-holds.txt " all "
e2e_ok "* chooses every category: the hold is shown as all"
e2e_dump_has a-stale.txt "Could not release the hold"
e2e_api sam GET "/v1/holds?account_id=$acc2&status=released" |
  jq -e '.items[0].categories == ["*"] and .items[0].release_reason == "released elsewhere"' >/dev/null ||
  e2e_fail "expected the [\"*\"] hold released by the other supervisor"
e2e_ok "releasing a hold someone else released meanwhile fails with a clear message"
e2e_end
