#!/usr/bin/env bash
# Accounts in a real terminal, at 80x24 and at 200x50: the search (:account
# by e-mail prefix, by id, by name), the detail (the MINOR warning, consents
# switched with a reason, holds, open requests) and what opens from it (i
# inventory, R every request, L the audit log). Writes are checked on the
# server; each size has its own accounts.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
sizes=("24 80" "50 200")
per_size=11
e2e_begin $((per_size * ${#sizes[@]}))
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .active_holds == 0
  and .open_requests == 0 and .analytics_enabled and (.marketing_consent | not)
  and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
mapfile -t minors <<< "$(jq -r '.[] | select(.is_minor and .status == "active") | .id' "$all")"
[[ -n ${minors[0]-} ]] || minors=()
((${#minors[@]} >= 1)) || echo "the seed has no minor account" | e2e_diag
of() { jq -r --arg id "$1" ".[] | select(.id == \$id) | $2" "$all"; }
account() { e2e_api sam GET "/v1/accounts/$1" | jq -r "$2"; }
search_count() { e2e_api sam GET "/v1/accounts?q=$1&limit=200" | jq '.items | length'; }
# a prefix of e-mail addresses that several accounts share (2 letters: only
# e-mails match, names are searched from 3 characters)
prefix=$(jq -r '[.[].email | select(startswith("erased+") | not) | ascii_downcase | .[0:2]] | group_by(.)
  | map(select(length >= 3 and length <= 15)) | .[0][0]' "$all")
# a surname several accounts share (a name search: 3+ characters)
surname=$(jq -r '[.[] | select(.status != "erased") | .name | select(test("^[A-Za-z]+ [A-Z][a-z]+$")) | split(" ")[1]]
  | group_by(.) | map(select(length >= 2 and length <= 12)) | .[0][0]' "$all")

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 3 ))
  acc_flags=${pool[k]} acc_hold=${pool[k + 1]}
  minor=${minors[0]}
  case_ref="CB-$cols-7"
  hold=$(e2e_api sam POST "/v1/accounts/$acc_hold/holds" \
    "{\"reason\":\"card dispute with the bank\",\"case_ref\":\"$case_ref\",\"categories\":[\"transactions\",\"payment_methods\"]}" | jq -r .id)
  req_open1=$(e2e_new_request alice "$acc_hold" access)
  req_open2=$(e2e_new_request alice "$acc_hold" objection '"details":{"processing":"marketing"}')
  req_closed=$(e2e_new_request alice "$acc_hold" erasure)
  e2e_request_do alice "$req_closed" reject '{"reason":"duplicate"}' > /dev/null
  a=aa$rows
  e2e_console "$a" "$rows" "$cols" alice --refresh 0
  e2e_wait "$a" "Open requests by days to deadline"

  # --- by e-mail prefix: the list of the server's matches ---
  by_prefix() {
    local n
    n=$(search_count "$prefix")
    e2e_command "$a" "account $prefix"
    e2e_wait "$a" "Accounts: $prefix" || return
    e2e_wait_regex "$a" " 1/$n\$" || return
    listed() { local scr; scr=$(cat); [[ $(sed -n '4,$p' <<< "$scr" | grep -ciE "^${prefix}[^ ]*@") -ge $((n < rows - 5 ? n : rows - 5)) ]]; }
    e2e_wait_check "$a" "$n rows of e-mails starting with $prefix" listed || return
    e2e_screen "$a" | sed -n '4,$p' | grep -E '@' | grep -viE "^$prefix" | grep -q . && e2e_fail "a row does not start with $prefix"
    e2e_expect_screen "$a" "E-mail"
  }
  by_prefix
  e2e_ok "${cols}x$rows: :account <prefix> lists the accounts whose e-mail starts with it (as many as the server finds)"

  # --- by id: the detail at once ---
  by_id() {
    e2e_command "$a" "account $acc_flags"
    e2e_wait "$a" "[Overview]" || return
    e2e_wait_regex "$a" "^E-mail: +$(of "$acc_flags" .email)" || return
    e2e_wait_regex "$a" "^Id: +$acc_flags" || return
  }
  by_id
  e2e_ok "${cols}x$rows: :account <id> opens the account detail"

  # --- by name ---
  by_name() {
    local n first
    n=$(search_count "$surname")
    first=$(e2e_api sam GET "/v1/accounts?q=$surname&limit=1" | jq -r '.items[0].email')
    e2e_command "$a" "account $surname"
    e2e_wait "$a" "Accounts: $surname" || return
    e2e_wait_regex "$a" " 1/$n\$" || return
    e2e_wait_regex "$a" "^$first " || return
  }
  by_name
  e2e_ok "${cols}x$rows: :account <name> lists the accounts with that name ($surname)"

  # --- the MINOR warning ---
  minor_warning() {
    e2e_command "$a" "account $minor"
    e2e_wait "$a" "MINOR: this account is believed to belong to a child under 13" || return
    e2e_wait_regex "$a" "^Minor: +YES: believed under 13" || return
    local style
    style=$(e2e_style_of "$a" "MINOR: this account")
    [[ $style == *rev* || $style == *bg=[0-9c]* ]] || e2e_fail "the warning is not highlighted: $style"
  }
  minor_warning
  e2e_ok "${cols}x$rows: a minor's account shows the MINOR warning, highlighted, and Minor: YES"

  # --- a: analytics off, with a reason ---
  analytics() {
    e2e_command "$a" "account $acc_flags"
    e2e_wait_regex "$a" "^Analytics: +on \(the default\)" || return
    e2e_keys "$a" a
    e2e_wait "$a" "Analytics off, reason:" || return
    e2e_keys "$a" Enter
    e2e_wait "$a" "A reason is required; nothing was sent" || return
    e2e_keys "$a" a
    e2e_wait "$a" "Analytics off, reason:" || return
    e2e_type "$a" "customer asked by phone"
    e2e_keys "$a" Enter
    e2e_wait "$a" "Switch service analytics OFF for $(of "$acc_flags" .email)?" || return
    e2e_keys "$a" y
    e2e_wait_regex "$a" "^Analytics: +OFF \(switched off\)" || return
    [[ $(account "$acc_flags" .analytics_enabled) == false ]] || e2e_fail "the server still has analytics on"
    e2e_api sam GET "/v1/audit?account_id=$acc_flags&action=account.update" |
      jq -e '.items[0].details | tostring | contains("customer asked by phone")' > /dev/null ||
      e2e_fail "the reason is not in the audit log"
  }
  analytics
  e2e_ok "${cols}x$rows: a switches analytics off with a reason (blank refused); the server and its audit log have it"

  # --- m: marketing consent recorded ---
  marketing() {
    e2e_wait_regex "$a" "^Marketing: +no consent" || return
    e2e_keys "$a" m
    e2e_wait "$a" "Marketing consent on, reason:" || return
    e2e_type "$a" "signed up at the conference"
    e2e_keys "$a" Enter
    e2e_wait "$a" "Record marketing consent for" || return
    e2e_keys "$a" y
    e2e_wait_regex "$a" "^Marketing: +consent given [0-9]" || return
    [[ $(account "$acc_flags" '[.marketing_consent, (.marketing_consent_at != null)] | join(" ")') == "true true" ]] ||
      e2e_fail "the server has marketing $(account "$acc_flags" '[.marketing_consent, .marketing_consent_at] | join(" ")')"
  }
  marketing
  e2e_ok "${cols}x$rows: m records marketing consent with a reason (screen and server)"

  # --- holds: the banner, the overview and the Holds tab ---
  holds() {
    e2e_command "$a" "account $acc_hold"
    e2e_wait "$a" "ON HOLD: 1 active dispute hold" || return
    e2e_wait_regex "$a" "^Active holds \(1\)" || return
    e2e_wait_regex "$a" "^$hold +case $case_ref: (payment_methods, transactions|transactions, payment_methods) \(by sam" || return
    e2e_keys "$a" Tab
    e2e_wait "$a" "[Holds (1)]" || return
    e2e_wait_regex "$a" "^$hold +$case_ref " || return
    e2e_keys "$a" Enter
    e2e_wait "$a" "card dispute with the bank" || return
    e2e_wait_regex "$a" "^Status +active: the categories below cannot be erased" || return
    e2e_keys "$a" q
    e2e_wait "$a" "[Holds (1)]" || return
  }
  holds
  e2e_ok "${cols}x$rows: an account on hold shows the banner, the hold in the overview and in the Holds tab; Enter shows it"

  # --- open requests: the Requests tab; Enter opens one ---
  open_requests() {
    e2e_command "$a" "account $acc_hold"
    e2e_wait "$a" "[Overview]" || return
    e2e_keys "$a" Tab Tab
    e2e_wait "$a" "[Requests (2)]" || return
    e2e_wait_regex "$a" " $req_open1\$" || return
    e2e_wait_regex "$a" " $req_open2\$" || return
    e2e_expect_not_screen "$a" "$req_closed"
    e2e_keys "$a" g Enter
    e2e_wait_regex "$a" "^Id: +req_" || return
    e2e_keys "$a" q
    e2e_wait "$a" "[Requests (2)]" || return
  }
  open_requests
  e2e_ok "${cols}x$rows: the Requests tab lists the open requests (not the closed one); Enter opens one"

  # --- i: the inventory ---
  inventory() {
    local email inv
    email=$(of "$acc_hold" .email)
    e2e_command "$a" "account $acc_hold"
    e2e_wait "$a" "ON HOLD: 1 active dispute hold" || return
    e2e_keys "$a" i
    e2e_wait "$a" "Inventory: $email" || return
    e2e_wait_regex "$a" "^ ?Category +State" || return
    inv=$(e2e_api sam GET "/v1/accounts/$acc_hold/inventory")
    local label
    while IFS= read -r label; do
      e2e_wait "$a" "${label:0:18}" 2 || return
    done <<< "$(jq -r '.items[].label' <<< "$inv")"
    # the held categories say what keeps them
    e2e_wait_regex "$a" "hold:$hold|hold:${hold:0:6}" || return
    e2e_wait_regex "$a" " 1/10\$" || return
    e2e_keys "$a" q
  }
  inventory
  e2e_ok "${cols}x$rows: i shows the inventory: the ten categories, the held ones naming the hold"

  # --- R: every request of the account, open and closed ---
  all_requests() {
    e2e_command "$a" "account $acc_hold"
    e2e_wait "$a" "ON HOLD: 1 active dispute hold" || return
    e2e_keys "$a" R
    e2e_wait "$a" "Requests of $(of "$acc_hold" .email)" || return
    e2e_wait_regex "$a" " 1/3  due date" || return
    e2e_wait_regex "$a" "rejected +erasure|erasure +rejected" || return
    e2e_keys "$a" q
  }
  all_requests
  e2e_ok "${cols}x$rows: R lists every request of the account, the rejected one too"

  # --- L: the account's audit log ---
  audit() {
    e2e_command "$a" "account $acc_flags"
    e2e_wait_regex "$a" "^Analytics: +OFF" || return
    e2e_keys "$a" L
    e2e_wait "$a" "Filter: account=$acc_flags" || return
    local n
    n=$(e2e_api sam GET "/v1/audit?account_id=$acc_flags&limit=200" | jq '.items | length')
    e2e_wait_regex "$a" " 1/$n\$" || return
    e2e_wait_regex "$a" "alice +account\.update" || return
    rows_ok() { ! grep -E ' (request|account|hold)\.[a-z]+ ' | grep -qv "acc_"; }
    e2e_wait_check "$a" "only entries about the account" rows_ok
  }
  audit
  e2e_ok "${cols}x$rows: L shows the account's audit log (the two consent changes by alice)"
done
e2e_end
