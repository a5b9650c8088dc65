#!/usr/bin/env bash
# Headless screen tests (tui/script.h) of the account search, the account
# detail (warnings, hostile text, consent toggles, roles) and the inventory.
# Set-up data is found through the API (jq), never assumed from the seed.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 14
e2e_server --accounts 400 --requests 200 || exit 1
width() { LC_ALL=C.UTF-8 wc -L; } # display columns (wcwidth)

all=$e2e_dir/accounts.json
e2e_api sam GET '/v1/accounts?limit=200' > "$e2e_dir/p1.json"
cursor=$(jq -r '.next_cursor // empty' "$e2e_dir/p1.json")
e2e_api sam GET "/v1/accounts?limit=200&cursor=$cursor" > "$e2e_dir/p2.json"
jq -s '[.[].items[]]' "$e2e_dir/p1.json" "$e2e_dir/p2.json" > "$all"
pick() { jq -r "[.[] | select($1)][0].$2 // empty" "$all"; }

# no ESC byte may reach a dump; every line fits the terminal's width
e2e_dump_clean() {
  if grep -qP '\x1b' "$e2e_dir/$1"; then e2e_fail "$1 contains a raw ESC byte"; fi
  local w
  w=$(width < "$e2e_dir/$1")
  ((w <= $2)) || e2e_fail "$1 is $w columns wide (terminal: $2)"
}

# ---- search by e-mail prefix: several results ----
prefix=$(jq -r '[.[].email | select(startswith("erased+") | not) | ascii_downcase | .[0:3]] | group_by(.) | max_by(length) | .[0]' "$all")
cat > "$e2e_dir/prefix.keys" <<KEYS
!wait
:account $prefix<Enter>
!wait
!dump s-prefix.txt
/zzzz-nothing<Enter>
!dump s-filtered.txt
KEYS
e2e_headless 24 80 alice prefix.keys
e2e_dump_has s-prefix.txt "Accounts: $prefix"
e2e_dump_has s-prefix.txt "E-mail"
e2e_dump_has s-prefix.txt "Minor"
e2e_dump_has s-prefix.txt "Holds"
n=$(grep -ci "^$prefix[^ ]*@" "$e2e_dir/s-prefix.txt")
((n >= 2)) || e2e_fail "expected several accounts starting with $prefix, saw $n"
e2e_dump_clean s-prefix.txt 80
e2e_ok "an e-mail prefix lists several accounts with their columns at 80x24"
e2e_dump_has s-filtered.txt "No loaded account matches the filter"
e2e_ok "/ filters the results locally and says when nothing matches"

# ---- exactly one result opens the account; an id opens it too ----
one_email=$(pick '.status == "active" and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))' email)
one_id=$(pick ".email == \"$one_email\"" id)
cat > "$e2e_dir/one.keys" <<KEYS
!wait
:account $one_email<Enter>
!wait
!dump s-one.txt
q
!dump s-one-back.txt
:account $one_id<Enter>
!wait
!dump s-id.txt
:account no-such-account-zzz<Enter>
!wait
!dump s-none.txt
KEYS
e2e_headless 24 80 alice one.keys
e2e_dump_has s-one.txt "[Overview]"
e2e_dump_has s-one.txt "$one_id"
e2e_dump_lacks s-one.txt "Accounts:"
e2e_dump_lacks s-one-back.txt "Accounts:"
e2e_ok "a search with exactly one result opens the account in place of the list"
e2e_dump_has s-id.txt "Id:"
e2e_dump_has s-id.txt "$one_id"
e2e_dump_has s-id.txt "$one_email"
e2e_dump_has s-none.txt 'No account matches "no-such-account-zzz"'
e2e_ok "an exact id opens the account; an empty search says so"

# ---- a CJK name: found by name (3+ characters), columns aligned ----
cjk=はなこ
n=$(jq "[.[] | select(.name | contains(\"$cjk\"))] | length" "$all")
((n >= 2)) || e2e_fail "the seed has $n accounts named $cjk (want several)"
cat > "$e2e_dir/cjk.keys" <<KEYS
!wait
:account $cjk<Enter>
!wait
!dump s-cjk.txt
KEYS
e2e_headless 24 80 alice cjk.keys
e2e_dump_has s-cjk.txt "Accounts: $cjk"
e2e_dump_has s-cjk.txt "$cjk "
# the Status column starts at the same display column in the header and in every row
hdr=$(grep -m1 '^E-mail' "$e2e_dir/s-cjk.txt")
want=$(printf '%s' "${hdr%%Status*}" | width)
rows=0
while IFS= read -r line; do
  [[ $line == *"$cjk"* && $line == *@* ]] || continue
  rest=${line%% active *}
  [[ $rest != "$line" ]] || rest=${line%% closed *}
  [[ $rest != "$line" ]] || rest=${line%% erased *}
  got=$(($(printf '%s' "$rest" | width) + 1))
  ((got == want)) || e2e_fail "Status column at $got, header at $want: $line"
  rows=$((rows + 1))
done < "$e2e_dir/s-cjk.txt"
((rows >= 2)) || e2e_fail "expected several rows with $cjk, saw $rows"
e2e_dump_clean s-cjk.txt 80
e2e_ok "a CJK name search lists the accounts with the columns aligned"

# ---- hostile name: shown as visible escapes, never emitted ----
evil_id=$(pick '.name | contains("\u001b[")' id)
cat > "$e2e_dir/evil.keys" <<KEYS
!wait
:account $evil_id<Enter>
!wait
!dump a-evil.txt
KEYS
e2e_headless 24 80 alice evil.keys
e2e_dump_has a-evil.txt "$evil_id"
e2e_dump_has a-evil.txt '\e['
e2e_dump_clean a-evil.txt 80
e2e_ok "a name with escape sequences shows as \\e[ text and no ESC byte reaches the screen"

# ---- the minor warning, in the urgent style ----
minor_id=$(pick '.is_minor and .status != "erased"' id)
cat > "$e2e_dir/minor.keys" <<KEYS
!wait
:account $minor_id<Enter>
!wait
!dump a-minor.txt
!dump-roles a-minor.roles
KEYS
e2e_headless 24 80 vera minor.keys
e2e_dump_has a-minor.txt "MINOR"
e2e_dump_has a-minor.txt "believed"
e2e_dump_has a-minor.txt "under 13"
row=$(grep -n -m1 "MINOR:" "$e2e_dir/a-minor.txt" | cut -d: -f1)
sed -n "${row:-1}p" "$e2e_dir/a-minor.roles" | grep -q u || e2e_fail "the MINOR line is not in the urgent style"
e2e_ok "a minor's account shows the MINOR warning in the urgent style"

# ---- analytics toggle with a reason (agent), checked on the server ----
tog_id=$(pick '.status == "active" and .analytics_enabled and (.is_minor | not) and .active_holds == 0' id)
cat > "$e2e_dir/toggle.keys" <<KEYS
!wait
:account $tog_id<Enter>
!wait
!dump a-tog-before.txt
a
<Enter>
!dump a-tog-blank.txt
a
Customer asked by phone, ticket 4711<Enter>
!dump a-tog-confirm.txt
y
!wait
!dump a-tog-after.txt
KEYS
e2e_headless 24 80 alice toggle.keys
e2e_dump_has a-tog-before.txt "on (the default)"
e2e_dump_has a-tog-before.txt "a analytics"
e2e_dump_has a-tog-blank.txt "A reason is required; nothing was sent"
e2e_dump_has a-tog-confirm.txt "Switch service analytics OFF"
e2e_dump_has a-tog-confirm.txt "ticket 4711"
e2e_ok "a asks for a reason (blank refused) and confirms the change"
e2e_dump_has a-tog-after.txt "OFF (switched off)"
e2e_dump_has a-tog-after.txt "Done: switch analytics off"
e2e_api alice GET "/v1/accounts/$tog_id" | jq -e '.analytics_enabled == false' >/dev/null ||
  e2e_fail "the server still has analytics on"
e2e_api alice GET "/v1/audit?account_id=$tog_id&action=account.update" | grep -q 'ticket 4711' ||
  e2e_fail "the audit log lacks the reason"
e2e_ok "analytics switched off on the server, with the reason in the audit log"

# ---- a stale version: refused, reloaded, the typed reason kept ----
stale_id=$(jq -r "[.[] | select(.status == \"active\" and .id != \"$tog_id\" and (.marketing_consent | not))][0].id" "$all")
cat > "$e2e_dir/stale.keys" <<KEYS
!wait
:account $stale_id<Enter>
!wait
!sleep 1500
m
Consent given on the phone<Enter>
y
!wait
!dump a-stale.txt
m
!dump a-stale-again.txt
<Esc>
KEYS
( # someone else changes the account once the console has read it
  for ((i = 0; i < 100; i++)); do
    grep -q "/v1/accounts/$stale_id" "$e2e_dir/access.log" 2>/dev/null && break
    sleep 0.05
  done
  v=$(e2e_api sam GET "/v1/accounts/$stale_id" | jq .version)
  e2e_api sam PATCH "/v1/accounts/$stale_id" '{"analytics_enabled": false, "reason": "meanwhile"}' \
    -H "If-Match: \"$v\"" >/dev/null
) &
other=$!
e2e_headless 24 80 alice stale.keys
wait "$other"
e2e_dump_has a-stale.txt "changed by someone else"
e2e_dump_has a-stale-again.txt "Consent given on the phone"
e2e_api alice GET "/v1/accounts/$stale_id" | jq -e '.marketing_consent == false' >/dev/null ||
  e2e_fail "the stale write was applied"
e2e_ok "a write on a stale version is refused (412), and m offers the typed reason again"

# ---- a viewer gets no toggle ----
view_id=$(jq -r "[.[] | select(.status == \"active\" and .analytics_enabled and .id != \"$tog_id\" and .id != \"$stale_id\")][0].id" "$all")
view_v=$(e2e_api vera GET "/v1/accounts/$view_id" | jq .version)
cat > "$e2e_dir/viewer.keys" <<KEYS
!wait
:account $view_id<Enter>
!wait
!dump a-viewer-hints.txt
a
!dump a-viewer.txt
KEYS
e2e_headless 24 80 vera viewer.keys
e2e_dump_lacks a-viewer-hints.txt "a analytics"
e2e_dump_has a-viewer.txt "viewer role is read-only"
e2e_dump_lacks a-viewer.txt "Reason to"
e2e_api vera GET "/v1/accounts/$view_id" | jq -e ".analytics_enabled == true and .version == $view_v" >/dev/null ||
  e2e_fail "the viewer changed the account"
e2e_ok "a viewer sees no write keys, a is refused with a message, the server is unchanged"

# ---- inventory after a completed erasure: a retained row (200x50) ----
er_acc=$(e2e_api sam GET '/v1/requests?status=completed&type=erasure&limit=50' |
  jq -r '[.items[] | select(.result.retained | length > 0)][0].account_id // empty')
cat > "$e2e_dir/inv.keys" <<KEYS
!wait
:account $er_acc<Enter>
!wait
!dump i-account.txt
i
!wait
!dump i-inv.txt
!dump-roles i-inv.roles
jjjjjjj<Enter>
!dump i-row.txt
KEYS
e2e_headless 50 200 alice inv.keys
[[ -n $er_acc ]] || e2e_fail "no completed erasure with a retained category in the seed"
e2e_dump_has i-account.txt "ERASED"
e2e_dump_has i-account.txt "@invalid"
e2e_dump_has i-inv.txt "Transaction records"
e2e_dump_has i-inv.txt "retained"
e2e_dump_has i-inv.txt "legal:tax"
e2e_dump_has i-inv.txt "erased"
e2e_dump_has i-inv.txt "Legal basis"
e2e_dump_has i-inv.txt "legal_obligation"
row=$(grep -n -m1 "Transaction records" "$e2e_dir/i-inv.txt" | cut -d: -f1)
sed -n "${row:-1}p" "$e2e_dir/i-inv.roles" | grep -q y || e2e_fail "the retained row is not in the due-soon style"
e2e_dump_clean i-inv.txt 200
e2e_ok "the inventory of an erased account shows the retained row (legal:tax) at 200x50"
e2e_dump_has i-row.txt "10 years after the transaction (tax law)"
e2e_dump_has i-row.txt "Stripe"
e2e_dump_has i-row.txt "billing-db"
e2e_ok "Enter shows the whole inventory row: retention, recipients, systems"

# ---- the inventory at 80x24, in a C locale ----
cat > "$e2e_dir/inv80.keys" <<KEYS
!wait
:account $er_acc<Enter>
!wait
i
!wait
!dump i-inv80.txt
KEYS
E2E_LANG=C e2e_headless 24 80 alice inv80.keys
e2e_dump_has i-inv80.txt "Category"
e2e_dump_has i-inv80.txt "retained"
e2e_dump_has i-inv80.txt "legal:tax"
e2e_dump_clean i-inv80.txt 80
e2e_ok "the inventory fits 80x24 in a C locale"
e2e_end
