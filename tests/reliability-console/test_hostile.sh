#!/usr/bin/env bash
# Terminal safety: hostile strings — every C0 and C1 control, OSC 52
# clipboard writes, OSC 0/2 titles, CSI cursor moves and erases, DCS, bidi
# overrides, zero-width characters, a 100 kB name — in every field the
# console shows from the server: account names (written into the database
# before the server starts), hold reasons and case references, notes,
# transition and rejection reasons, extension reasons, identity-verification
# methods, account-update reasons (audit details), release reasons. Each
# screen showing them is rendered in tmux (set-clipboard on) and must leave
# the terminal untouched: the pane title unchanged, no paste buffer from OSC
# 52, the header still on the first row and the status line on the last,
# and the escapes visible as text.
#
# Invalid UTF-8 cannot be placed: the API refuses it in bodies (400) and the
# client refuses it in answers (bad_response); the sanitiser's handling of
# invalid bytes is covered by tests/unit/test_tui_sanitize (\xHH escapes).
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
rc_begin 11
command -v sqlite3 >/dev/null || rc_skip_all 11 "sqlite3 is not installed (names are written into the database)"
e2e_server --accounts 80 --requests 40 || exit 1
d=$e2e_dir
json() { jq -r "$@"; }
tmx() { tmux -L "$e2e_socket" "$@"; }

# ---- the corpus ----
esc=$'\e' bel=$'\a' st=$'\e\\'
c0='' c1=''
for ((i = 1; i < 32; i++)); do printf -v ch "\\x$(printf %02x "$i")"; c0+=$ch; done
c0+=$'\x7f'
for ((i = 128; i < 160; i++)); do printf -v ch "\\xc2\\x$(printf %02x "$i")"; c1+=$ch; done
# (UTF-8 written as bytes: the tests may run in a C locale)
rlo=$'\xe2\x80\xae' zwj=$'\xe2\x80\x8d' csi1=$'\xc2\x9b' lre=$'\xe2\x80\xaa' lri=$'\xe2\x81\xa6' zwsp=$'\xe2\x80\x8b'
bidi=$'\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad'$rlo$'\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c'
zw=$'\xe2\x80\x8b\xe2\x80\x8c'$zwj$'\xe2\x81\xa0\xef\xbb\xbf'
# hostile TAG: the tag, then title, clipboard, erase, moves, DCS, every control
hostile() {
  printf '%s' "$1${esc}]0;PWNED-TITLE${bel}${esc}]52;c;cHduZWQ=${bel}${esc}]2;PWNED2${st}${esc}[2J${esc}[H${esc}[10A"
  printf '%s' "${esc}P1\$r0m${st}${esc}[31mRED${c0}${c1}${bidi}x${zw}y${csi1}2J👩${zwj}💻 end"
}
# short TAG: fits a 64-character field (verification method) and a case reference
short() { printf '%s' "$1${esc}]52;c;cHduZWQ=${bel}${esc}]0;PWNED-TITLE${bel}${esc}[2J${rlo}"; }
# visible TAG: how the start of both looks on screen once sanitised
visible() { printf '%s' "$1\\e]"; }
# in the audit log the details are JSON: the same start, JSON-escaped
json_visible() { printf '%s' "$1\\u001B]"; }

# ---- names straight into the database (the API would cap them at 200 characters) ----
e2e_api sam GET '/v1/accounts?limit=200' > "$d/accounts.json"
pick_account() { jq -r "[.items[] | select(.status == \"active\" and .active_holds == 0 and .open_requests == 0
  and (.id | IN($1) | not))][0].id" "$d/accounts.json"; }
acc=$(pick_account '""')
big=$(pick_account "\"$acc\"")
email=$(jq -r ".items[] | select(.id == \"$acc\") | .email" "$d/accounts.json")
big_email=$(jq -r ".items[] | select(.id == \"$big\") | .email" "$d/accounts.json")
hexof() { od -An -v -tx1 | tr -d ' \n'; }
name=$(hostile "HOSTILE-NAME")
bigname=$(hostile "HOSTILE-BIG")
while ((${#bigname} < 100000)); do bigname+="${esc}[2J${esc}]52;c;QUFBQQ==${bel}${esc}]0;BIG${bel}${bidi}"; done
e2e_server_stop
printf '%s' "$name" | hexof > "$d/name.hex"
printf '%s' "$bigname" | hexof > "$d/big.hex"
{
  echo "UPDATE accounts SET name = CAST(X'$(cat "$d/name.hex")' AS TEXT), version = version + 1 WHERE id = '$acc';"
  echo "UPDATE accounts SET name = CAST(X'$(cat "$d/big.hex")' AS TEXT), version = version + 1 WHERE id = '$big';"
} | sqlite3 "$d/e2e.db" ||
  e2e_fail "sqlite3 could not write the names"
e2e_server_start || exit 1
[[ $(e2e_api alice GET "/v1/accounts/$acc" | json .name) == "$name" ]] || e2e_fail "set-up: the hostile name did not round-trip"
[[ $(e2e_api alice GET "/v1/accounts/$big" | json '.name | length') -ge 100000 ]] || e2e_fail "set-up: no 100 kB name"

# ---- every other field through the API ----
body() { jq -nc "$@"; } # JSON with every control escaped
version_of() { e2e_api alice GET "/v1/requests/$1" | json .version; }
post_if() { e2e_api "$1" POST "/v1/requests/$2/$3" "$4" -H "If-Match: \"$(version_of "$2")\"" | json '.id // .title'; }
hold=$(e2e_api sam POST "/v1/accounts/$acc/holds" "$(body --arg r "$(hostile HOLD-REASON)" --arg c "$(short CASE)" \
  '{reason: $r, case_ref: $c, categories: ["usage_logs", "error_reports"]}')" | json .id)
req=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$acc\",\"type\":\"erasure\"}" | json .id)
post_if alice "$req" transition "$(body --arg r "$(hostile MOVE-REASON)" '{to: "verifying", reason: $r}')" >/dev/null
post_if alice "$req" transition '{"to":"in_progress"}' >/dev/null
post_if alice "$req" verify "$(body --arg m "$(short METHOD)" --arg n "$(hostile VERIFY-NOTE)" '{method: $m, note: $n}')" >/dev/null
post_if alice "$req" extend "$(body --arg r "$(hostile EXTEND-REASON)" '{reason: $r}')" >/dev/null
e2e_api alice POST "/v1/requests/$req/notes" "$(body --arg t "$(hostile NOTE-TEXT)" '{text: $t}')" >/dev/null
rej=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$acc\",\"type\":\"access\"}" | json .id)
post_if alice "$rej" reject "$(body --arg r "$(hostile REJECT-REASON)" '{reason: $r}')" >/dev/null
v=$(e2e_api alice GET "/v1/accounts/$acc" | json .version)
e2e_api alice PATCH "/v1/accounts/$acc" "$(body --arg r "$(hostile PATCH-REASON)" '{analytics_enabled: false, reason: $r}')" \
  -H "If-Match: \"$v\"" >/dev/null
hold2=$(e2e_api sam POST "/v1/accounts/$big/holds" "$(body --arg r "$(hostile HOLD2-REASON)" --arg c "$(short CASE2)" \
  '{reason: $r, case_ref: $c, categories: ["*"]}')" | json .id)
e2e_api sam POST "/v1/holds/$hold2/release" "$(body --arg r "$(hostile RELEASE-REASON)" '{reason: $r}')" >/dev/null
bigreq=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$big\",\"type\":\"access\"}" | json .id)
r=$(e2e_api alice GET "/v1/requests/$req")
[[ $(echo "$r" | json .identity_method) == "$(short METHOD)" && $(echo "$r" | json .extension_reason) == "$(hostile EXTEND-REASON)" &&
  $(e2e_api alice GET "/v1/requests/$rej" | json .status) == rejected && $hold == hld_* && $bigreq == req_* &&
  $(e2e_api sam GET "/v1/holds/$hold2" | json .release_reason) == "$(hostile RELEASE-REASON)" ]] ||
  e2e_fail "set-up through the API failed: req=$req rej=$rej hold=$hold hold2=$hold2 bigreq=$bigreq"

# ---- the terminal and its detectors ----
tmx set-option -s set-clipboard on
# control: the raw corpus printed into a pane does change its title and the clipboard
hostile CONTROL > "$d/raw.txt"
tmx new-session -d -s control -x 80 -y 24 "cat '$d/raw.txt'; sleep 600"
ok=0
for ((i = 0; i < 100; i++)); do
  [[ $(tmx display-message -p -t control '#{pane_title}') == PWNED* && -n $(tmx list-buffers) ]] && { ok=1; break; }
  sleep 0.05
done
((ok)) || e2e_fail "control: printed raw, the corpus did not set the title / a paste buffer (detectors blind):
title=$(tmx display-message -p -t control '#{pane_title}') buffers=$(tmx list-buffers)"
tmx kill-session -t control
tmx list-buffers -F '#{buffer_name}' | while read -r b; do tmx delete-buffer -b "$b"; done
e2e_ok "control: the same bytes printed raw set the pane title and a paste buffer (the checks below can see an effect)"

e2e_console h 40 160 alice --refresh 0
e2e_wait h "Dashboard"
title=$(e2e_pane_title h)
rows=40

# untouched LABEL: the terminal shows no effect of what was drawn
untouched() {
  local now shot
  now=$(e2e_pane_title h)
  [[ $now == "$title" ]] || e2e_fail "$1: the pane title changed to \"$now\""
  [[ -z $(tmx list-buffers) ]] || e2e_fail "$1: OSC 52 reached tmux: $(tmx list-buffers)"
  shot=$(e2e_screen h)
  [[ $(echo "$shot" | head -1) == " privdesk "* ]] || e2e_fail "$1: the header is not on the first row"
  [[ $(echo "$shot" | wc -l) == "$rows" && -n $(echo "$shot" | tail -1 | tr -d ' ') ]] ||
    e2e_fail "$1: the status line is not on the last row"
  # PWNED only as escaped text (after "\e]0;", or "\u001B]0;" in JSON details); no raw bidi, zero-width or C1 character
  if echo "$shot" | grep -E 'PWNED' | grep -qvE '(\\e|\\u001B)\]0;PWNED|(\\e|\\u001B)\]2;PWNED'; then e2e_fail "$1: PWNED shows unescaped"; fi
  if echo "$shot" | LC_ALL=C grep -qE "$rlo|$zwj|$lre|$lri|$zwsp|"$'\xc2[\x80-\x9f]'; then
    e2e_fail "$1: a raw bidi, zero-width or C1 character reached the screen"
  fi
  if ((e2e_case_failed)); then echo "$shot" | e2e_diag; fi
}
# shows LABEL TEXT...: each TEXT (fixed) is on screen, then untouched
shows() {
  local label=$1 t
  shift
  for t in "$@"; do e2e_wait h "$t" || break; done
  untouched "$label"
}
cmd() { e2e_keys h :; e2e_type h "$1"; e2e_keys h Enter; }

# 1: the queue (account e-mail and name in one column)
cmd "queue all"
e2e_wait h "Queue: all"
e2e_keys h /
e2e_type h "$email"
e2e_keys h Enter
shows "queue" "$email $(visible HOSTILE-NAME)"
e2e_keys h / C-u
e2e_type h "$big_email"
e2e_keys h Enter
shows "queue, 100 kB name" "$big_email $(visible HOSTILE-BIG)"
e2e_ok "queue: hostile and 100 kB names shown as escapes; title, clipboard, rows untouched"

# 2: the request detail: name, timeline (move reason, verification note, note), extension, method
cmd "request $req"
e2e_wait h "Timeline"
shows "request detail" "$(visible HOSTILE-NAME)" "$(visible EXTEND-REASON)" "$(visible METHOD)"
for t in MOVE-REASON VERIFY-NOTE NOTE-TEXT; do
  for ((i = 0; i < 6; i++)); do rc_screen_has h "$(visible $t)" && break; e2e_keys h PageDown; sleep 0.1; done
  e2e_expect_screen h "$(visible $t)"
done
untouched "request timeline"
e2e_ok "request detail: name, extension reason, method, move reason, verification note and note as escapes"

# 3: a rejected request: the rejection reason
cmd "request $rej"
shows "rejected request" "$(visible REJECT-REASON)"
e2e_ok "rejected request: the rejection reason as escapes"

# 4: the erasure preview: the hold's case reference
cmd "request $req"
e2e_wait h "Timeline"
e2e_keys h E
shows "erasure preview" "Erasure plan" "(case $(visible CASE)"
e2e_ok "erasure preview: the hold's case reference as escapes"

# 5: account search (names in a column), 6: account detail, 7: inventory
cmd "account HOSTILE"
shows "account search" "Accounts: HOSTILE" "$(visible HOSTILE-NAME)" "$(visible HOSTILE-BIG)"
e2e_ok "account search: both names as escapes in the list"
cmd "account $acc"
shows "account detail" "$acc" "$(visible HOSTILE-NAME)" "case $(visible CASE)"
e2e_ok "account detail: the name and the hold's case reference as escapes"
e2e_keys h i
shows "inventory" "Category" "hold:$hold"
e2e_ok "inventory of the hostile account: drawn, terminal untouched"

# 8: holds list and the hold report (reason, case reference); the released hold's release reason
cmd "holds"
e2e_wait h "[active]"
e2e_keys h /
e2e_type h "$hold"
e2e_keys h Enter
shows "holds list" "$(visible CASE)"
e2e_keys h Enter
shows "hold report" "$(visible HOLD-REASON)" "$(visible CASE)"
e2e_keys h q Tab
e2e_wait h "[released]"
e2e_keys h / C-u
e2e_type h "$hold2"
e2e_keys h Enter
e2e_wait h "$hold2"
e2e_keys h Enter
shows "released hold report" "$(visible HOLD2-REASON)" "$(visible RELEASE-REASON)"
e2e_ok "holds: list and reports show reasons, case references and the release reason as escapes"

# 9-10: the audit log and its entry reports (details with the reasons)
cmd "audit"
e2e_wait h "Audit"
untouched "audit log"
for action in account.update request.reject request.extend hold.release; do
  case $action in
    account.update) want=PATCH-REASON ;; request.reject) want=REJECT-REASON ;;
    request.extend) want=EXTEND-REASON ;; hold.release) want=RELEASE-REASON ;;
  esac
  cmd "audit action=$action"
  e2e_wait h "Audit: action=$action"
  e2e_keys h Enter
  shows "audit entry $action" "$(json_visible "$want")"
  e2e_keys h q
done
e2e_ok "audit entries: every reason in the details as escapes"

# the console is still alive and answers keys
e2e_keys h ?
e2e_wait h "Keys of this screen"
untouched "help"
e2e_keys h q Q
e2e_wait h "[console exited] 0"
e2e_ok "after all of it the console still answers keys and quits with status 0"
e2e_end
