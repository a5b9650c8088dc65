#!/usr/bin/env bash
# Headless screen tests of the audit log (screens/audit.c): newest first as
# the API lists it, filters by the selected entry's actor / action / account
# that add up and x clears, the chain check (intact, and broken after the
# database is tampered with), o opening the entry's target, Enter showing
# the whole entry with its hashes, / filtering locally, paging, and the
# `:audit actor=...` command.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 10
e2e_server --accounts 300 --requests 120 || exit 1
json() { jq -r "$@"; }

# data rows of a dump: "seq date time actor action target account details"
rows_of() { grep -E '^ *[0-9]+ [0-9-]+ [0-9:]+ ' "$e2e_dir/$1"; }

# --- set-up: the newest entries are bob's note and sam's hold, on known targets ---
req=$(e2e_api alice GET '/v1/requests?status=open&limit=1' | json '.items[0].id')
acc=$(e2e_api alice GET "/v1/requests/$req" | json .account_id)
hold=$(e2e_api sam POST "/v1/accounts/$acc/holds" '{"reason":"dispute","case_ref":"CASE-9","categories":["transactions"]}' | json .id)
e2e_api bob POST "/v1/requests/$req/notes" '{"text":"called the customer"}' >/dev/null
newest=$(e2e_api alice GET '/v1/audit?limit=1' | json '.items[0].seq')

# --- 1-4 at 80x24: the list, a filter by actor, then by action too, x clears ---
cat > "$e2e_dir/list.keys" <<'KEYS'
!wait
:audit<Enter>
!wait
!dump a-all.txt
a
!wait
!dump a-actor.txt
t
!wait
!dump a-actor-action.txt
x
!wait
!dump a-cleared.txt
c
!wait
!dump a-account.txt
KEYS
e2e_headless 24 80 alice list.keys
first=$(rows_of a-all.txt | head -1)
[[ $first =~ ^\ *$newest\ .*\ bob\ +request\.note\ +${req:0:8} ]] || e2e_fail "the first row is not the newest entry (#$newest, bob's note): $first"
e2e_dump_has a-all.txt "Seq"
e2e_dump_has a-all.txt "Details"
e2e_dump_has a-all.txt "Audit log"
seqs=$(rows_of a-all.txt | awk '{print $1}')
[[ $seqs == "$(echo "$seqs" | sort -rn)" ]] || e2e_fail "rows are not newest first: $seqs"
e2e_ok "80x24: newest first, with seq, time, actor, action, target, account and details columns"

e2e_dump_has a-actor.txt "Audit: actor=bob"
[[ -z $(rows_of a-actor.txt | awk '$4 != "bob"') ]] || e2e_fail "rows of other actors after a (actor=bob):
$(rows_of a-actor.txt | awk '$4 != "bob"')"
want=$(e2e_api alice GET '/v1/audit?actor=bob&limit=200' | json '.items | length')
[[ $want -gt 5 ]] || e2e_fail "set-up: bob has only $want entries"
grep -qE "1/$want\+?\$" "$e2e_dir/a-actor.txt" || e2e_fail "the status line does not count $want entries of bob:
$(tail -1 "$e2e_dir/a-actor.txt")"
e2e_ok "a filters by the selected entry's actor: only bob's entries, as many as the API lists"

e2e_dump_has a-actor-action.txt "actor=bob action=request.note"
[[ -z $(rows_of a-actor-action.txt | awk '$4 != "bob" || $5 != "request.note"') ]] ||
  e2e_fail "rows other than bob's notes after a, t"
e2e_ok "t adds a filter by action (bob's notes only), shown in the title"

e2e_dump_has a-cleared.txt "All entries, newest first"
e2e_dump_lacks a-cleared.txt "actor=bob"
[[ $(rows_of a-cleared.txt | awk '{print $4}' | sort -u | wc -l) -gt 1 ]] || e2e_fail "x did not bring back every actor"
e2e_dump_has a-account.txt "Audit: account=$acc"
[[ -z $(rows_of a-account.txt | awk -v a="${acc:0:10}" 'index($7, a) != 1') ]] || e2e_fail "c left entries of other accounts"
e2e_ok "x clears the filters; c filters by the selected entry's account"

# --- 5: V verifies the chain: intact, N entries, the head, in the OK style ---
verify=$(e2e_api alice GET /v1/audit/verify)
entries=$(echo "$verify" | json .entries)
head12=$(echo "$verify" | json .head | cut -c1-12)
cat > "$e2e_dir/verify.keys" <<'KEYS'
!wait
:audit<Enter>
!wait
V
!wait
!dump v-ok.txt
!dump-roles v-ok.roles
KEYS
e2e_headless 24 80 alice verify.keys
e2e_dump_has v-ok.txt "Chain intact: $entries entries, head $head12"
line=$(grep -n "^Chain intact" "$e2e_dir/v-ok.txt" | head -1 | cut -d: -f1)
sed -n "${line}p" "$e2e_dir/v-ok.roles" | grep -q '^g' || e2e_fail "the verdict is not in the OK style"
e2e_ok "V: \"Chain intact: $entries entries, head $head12...\" in the OK style"

# --- 6-7 at 200x50: Enter shows the whole entry; o opens the request and the hold's holds ---
hash=$(e2e_api alice GET "/v1/audit?limit=1" | json '.items[0].hash')
prev=$(e2e_api alice GET "/v1/audit?limit=1" | json '.items[0].prev_hash')
cat > "$e2e_dir/open.keys" <<'KEYS'
!wait
:audit<Enter>
!wait
<Enter>
!dump o-entry.txt
q
o
!wait
!dump o-request.txt
q
j
o
!wait
!dump o-holds.txt
KEYS
e2e_headless 50 200 alice open.keys
e2e_dump_has o-entry.txt "Audit entry #$newest"
e2e_dump_has o-entry.txt "$hash"
e2e_dump_has o-entry.txt "$prev"
e2e_dump_has o-entry.txt '  "length": 19'  # a note's details: its length, never its text
e2e_ok "Enter shows the whole entry: fields, details pretty-printed, both hashes"
e2e_dump_has o-request.txt "Audit log › $req"
e2e_dump_has o-request.txt "Timeline"
e2e_dump_has o-holds.txt "Audit log › Holds"
e2e_ok "o opens the target: a req_ entry its request, an hld_ entry the holds of its account"

# --- 8: / filters what is loaded (200x50, full times); n moves between matches ---
cat > "$e2e_dir/find.keys" <<'KEYS'
!wait
:audit<Enter>
!wait
/hold.place<Enter>
!dump f-find.txt
KEYS
e2e_headless 50 200 alice find.keys
[[ -n $(rows_of f-find.txt) && -z $(rows_of f-find.txt | awk '$5 != "hold.place"') ]] ||
  e2e_fail "/hold.place left other rows or none:
$(cat "$e2e_dir/f-find.txt")"
rows_of f-find.txt | head -1 | grep -qE '^ *[0-9]+ 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] ' || e2e_fail "no full date at 200 columns"
e2e_dump_has f-find.txt "$hold"
e2e_ok "/ filters the loaded entries locally (200x50 shows full dates)"

# --- 9: paging and :audit actor=...: the next page loads as the selection nears the end ---
cat > "$e2e_dir/page.keys" <<'KEYS'
!wait
:audit actor=sam<Enter>
!wait
!dump p-sam.txt
:audit<Enter>
!wait
G
!wait
G
!dump p-paged.txt
!sleep 1500
r
!wait
!dump p-after.txt
KEYS
total=$(e2e_api alice GET /v1/audit/verify | json .entries)
e2e_headless 24 80 alice page.keys &
console=$!
for ((i = 0; i < 400; i++)); do [[ -s $e2e_dir/p-paged.txt ]] && break; sleep 0.05; done
e2e_api bob POST "/v1/requests/$req/notes" '{"text":"one more"}' >/dev/null
wait "$console"
e2e_dump_has p-sam.txt "Audit: actor=sam"
[[ -z $(rows_of p-sam.txt | awk '$4 != "sam"') ]] || e2e_fail ":audit actor=sam shows other actors"
shown=$(tail -1 "$e2e_dir/p-paged.txt" | grep -oE '[0-9]+/[0-9]+\+?' | tail -1)
[[ $total -gt 200 && $shown == "$total/$total" ]] || e2e_fail "G twice did not load every page: $shown of $total"
after=$(tail -1 "$e2e_dir/p-after.txt" | grep -oE '[0-9]+/[0-9]+\+?' | tail -1)
[[ $after == "$((total + 1))/$((total + 1))" ]] ||
  e2e_fail "after a new entry and r: $after (want the new entry on top, the rest kept and the same entry selected)"
e2e_ok ":audit actor=sam filters; paging loads every page ($shown); r puts a new entry on top and keeps the rest"

# --- 10: a tampered entry: V says CHAIN BROKEN at that entry, in the error style ---
if command -v sqlite3 >/dev/null; then
  sqlite3 "$e2e_dir/e2e.db" "UPDATE audit SET actor = 'mallory' WHERE seq = 7" 2>&1 | e2e_diag
  e2e_headless 24 80 alice verify.keys
  e2e_dump_has v-ok.txt "CHAIN BROKEN at entry #7"
  line=$(grep -n "^CHAIN BROKEN" "$e2e_dir/v-ok.txt" | head -1 | cut -d: -f1)
  sed -n "${line}p" "$e2e_dir/v-ok.roles" | grep -q '^e' || e2e_fail "the broken-chain verdict is not in the error style"
  e2e_ok "V on a tampered log: \"CHAIN BROKEN at entry #7\" in the error style"
else
  echo "ok $((e2e_n + 1)) # SKIP sqlite3 is not installed (needed to tamper with the log)"
  e2e_n=$((e2e_n + 1))
fi
e2e_end
