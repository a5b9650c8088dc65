#!/usr/bin/env bash
# Completing requests (d) in a real terminal, at 80x24 and at 200x50, one of
# each type: access (then S saves the export: 0600, valid JSON,
# privdesk-export/1), rectification (the server has the new value),
# objection (the account's flag is off) and erasure (the plan, the typed
# e-mail; categories under a hold that sam placed are retained, the rest
# erased, checked in the server's inventory). Requests are brought to
# "in progress" through the API; each size has its own accounts.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
sizes=("24 80" "50 200")
per_size=8
e2e_begin $((per_size * ${#sizes[@]}))
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .active_holds == 0
  and .open_requests == 0 and .analytics_enabled and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
email_of() { jq -r --arg id "$1" '.[] | select(.id == $id) | .email' "$all"; }
field() { e2e_request_field sam "$1" "$2"; }
account() { e2e_api sam GET "/v1/accounts/$1" | jq -r "$2"; }

# in_progress ID [verified]: new -> verifying (-> identity verified) -> in progress
in_progress() {
  e2e_request_do alice "$1" transition '{"to":"verifying"}' > /dev/null
  [[ ${2:-} == verified ]] && e2e_request_do alice "$1" verify '{"method":"document","note":"e2e"}' > /dev/null
  e2e_request_do alice "$1" transition '{"to":"in_progress"}' > /dev/null
  [[ $(field "$1" .status) == in_progress ]] || echo "set-up: $1 is $(field "$1" .status)" | e2e_diag
}
open_request() {
  e2e_command "$1" "request $2"
  e2e_wait_regex "$1" "^Id: +$2" || return
  e2e_wait "$1" "Timeline"
}

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 6 ))
  acc_access=${pool[k]} acc_rect=${pool[k + 1]} acc_obj=${pool[k + 2]} acc_erase=${pool[k + 3]} acc_early=${pool[k + 4]}
  r_access=$(e2e_new_request alice "$acc_access" access) && in_progress "$r_access" verified
  r_unverified=$(e2e_new_request alice "$acc_early" access) && in_progress "$r_unverified"
  r_new=$(e2e_new_request alice "$acc_early" objection '"details":{"processing":"marketing"}')
  new_name="Renamed E2E $cols"
  r_rect=$(e2e_new_request alice "$acc_rect" rectification "\"details\":{\"field\":\"name\",\"value\":\"$new_name\"}") &&
    in_progress "$r_rect"
  r_obj=$(e2e_new_request alice "$acc_obj" objection '"details":{"processing":"analytics"}') && in_progress "$r_obj"
  case_ref="DISPUTE-$cols"
  hold=$(e2e_api sam POST "/v1/accounts/$acc_erase/holds" \
    "{\"reason\":\"chargeback in progress\",\"case_ref\":\"$case_ref\",\"categories\":[\"support_tickets\",\"usage_logs\"]}" | jq -r .id)
  r_erase=$(e2e_new_request alice "$acc_erase" erasure) && in_progress "$r_erase" verified
  a=ca$rows
  e2e_console "$a" "$rows" "$cols" alice --refresh 0
  e2e_wait "$a" "Open requests by days to deadline"

  # --- completion is refused locally, with the reason, before anything is sent ---
  refusals() {
    open_request "$a" "$r_new" || return
    e2e_keys "$a" d
    e2e_wait "$a" 'A request completes from "in progress"; it is new (press s to move it)' || return
    open_request "$a" "$r_unverified" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Verify the requester's identity first (press v)" || return
    [[ $(field "$r_new" .status) == new && $(field "$r_unverified" .status) == in_progress ]] || e2e_fail "a refused completion changed a request"
    [[ $(e2e_sent POST "/v1/requests/($r_new|$r_unverified)/complete") == 0 ]] || e2e_fail "a refused completion was sent"
  }
  refusals
  e2e_ok "${cols}x$rows: d explains why a new or an unverified request cannot complete, and sends nothing"

  # --- access: a yes/no dialog (n cancels), then the export ---
  access() {
    open_request "$a" "$r_access" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Build the access export of $(email_of "$acc_access")" || return
    e2e_keys "$a" n
    e2e_wait_gone "$a" "Build the access export" || return
    [[ $(field "$r_access" .status) == in_progress && $(e2e_sent POST "/v1/requests/$r_access/complete") == 0 ]] ||
      e2e_fail "n on the dialog completed the request"
    e2e_keys "$a" d
    e2e_wait "$a" "Build the access export of" || return
    e2e_keys "$a" y
    e2e_wait_regex "$a" "Completed: the export \([0-9]+ bytes\) is ready; press S to save it" || return
    e2e_wait_regex "$a" "^Status: +completed \(" || return
    e2e_wait_regex "$a" "^Export: +10 categories" || return
    [[ $(field "$r_access" .status) == completed && $(field "$r_access" .result.export) == "/v1/requests/$r_access/export" ]] ||
      e2e_fail "the server has status $(field "$r_access" .status), result $(field "$r_access" '.result | tostring')"
  }
  access
  e2e_ok "${cols}x$rows: d on an access request asks (n cancels, y completes); the server builds the export"

  # --- S saves the export ---
  export_file=$e2e_dir/export-$cols.json
  save_export() {
    e2e_keys "$a" S
    e2e_wait "$a" "Save the export to: export-$r_access.json" || return
    e2e_keys "$a" C-u
    e2e_type "$a" "$export_file"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "Saved the export \([0-9]+ bytes\) to /" || return # (the path is cut at 80 columns)
    [[ -f $export_file ]] || { e2e_fail "no file $export_file"; return; }
    [[ $(stat -c %a "$export_file") == 600 ]] || e2e_fail "the export has mode $(stat -c %a "$export_file")"
    jq -e --arg id "$r_access" --arg acc "$acc_access" \
      '.format == "privdesk-export/1" and .request_id == $id and .account.id == $acc and (.categories | length) == 10' \
      "$export_file" > /dev/null || e2e_fail "the export is not the expected JSON: $(head -c 300 "$export_file")"
  }
  save_export
  e2e_ok "${cols}x$rows: S saves the export: the file exists, mode 0600, JSON with \"format\":\"privdesk-export/1\""

  # --- rectification: the server has the new name ---
  rectification() {
    open_request "$a" "$r_rect" || return
    e2e_wait_regex "$a" "^Change: +name -> $new_name" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Set the account's name to \"$new_name\" and complete" || return
    e2e_keys "$a" y
    e2e_wait_regex "$a" "^Status: +completed \(" || return
    e2e_wait_regex "$a" "^Result: +name corrected" || return
    e2e_wait_regex "$a" "^Name: +$new_name" || return
    [[ $(account "$acc_rect" .name) == "$new_name" ]] || e2e_fail "the server's name is $(account "$acc_rect" .name)"
  }
  rectification
  e2e_ok "${cols}x$rows: d on a rectification applies it: the server has the new name"

  # --- objection: the account's analytics are switched off ---
  objection() {
    [[ $(account "$acc_obj" .analytics_enabled) == true ]] || e2e_fail "set-up: analytics already off"
    open_request "$a" "$r_obj" || return
    e2e_wait_regex "$a" "^Objects to: +analytics" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Switch analytics off for $(email_of "$acc_obj") and complete" || return
    e2e_keys "$a" y
    e2e_wait_regex "$a" "^Result: +analytics switched off" || return
    [[ $(account "$acc_obj" .analytics_enabled) == false ]] || e2e_fail "the server still has analytics on"
    [[ $(field "$r_obj" .status) == completed ]] || e2e_fail "the server's status is $(field "$r_obj" .status)"
  }
  objection
  e2e_ok "${cols}x$rows: d on an objection switches the account's analytics off on the server"

  # --- erasure: the plan names what is kept and why ---
  preview=$(e2e_api alice GET "/v1/requests/$r_erase/erasure-preview")
  n_erase=$(jq '.erase | length' <<< "$preview") n_retain=$(jq '.retain | length' <<< "$preview")
  erasure_plan() {
    open_request "$a" "$r_erase" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Erasure plan (nothing has been changed yet)" || return
    e2e_wait_regex "$a" "^Erase now: +yes: press d" || return
    e2e_wait_regex "$a" "^Will be ERASED: $n_erase categories" || return
    e2e_keys "$a" G
    e2e_wait_regex "$a" "^Will be RETAINED: $n_retain categor" || return
    # (long lines wrap at 80 columns: the section is read as one text)
    held() {
      awk '/^Will be RETAINED/ { on = 1 } on' | tr -s ' \n' ' ' > "$e2e_dir/retained.txt"
      grep -qE "support_tickets .*-- dispute hold $hold \(case $case_ref\)" "$e2e_dir/retained.txt" &&
        grep -qE "usage_logs .*-- dispute hold $hold \(case $case_ref\)" "$e2e_dir/retained.txt"
    }
    e2e_wait_check "$a" "support_tickets and usage_logs retained by $hold (case $case_ref)" held || return
    [[ $(field "$r_erase" .status) == in_progress ]] || e2e_fail "showing the plan changed the request"
  }
  erasure_plan
  e2e_ok "${cols}x$rows: d on an erasure shows the plan: $n_erase erased, $n_retain retained, held ones by hold and case"

  # --- the typed confirmation: Esc cancels, a wrong e-mail is refused, the right one erases ---
  email=$(email_of "$acc_erase")
  erase() {
    e2e_keys "$a" d
    e2e_wait "$a" "Type $email to confirm:" || return
    e2e_keys "$a" Escape
    e2e_wait "$a" "Cancelled: nothing was erased" || return
    e2e_keys "$a" d
    e2e_wait "$a" "Type $email to confirm:" || return
    e2e_type "$a" "someone.else@example.org"
    e2e_keys "$a" Enter
    e2e_wait "$a" "That does not match" || return
    [[ $(field "$r_erase" .status) == in_progress && $(e2e_sent POST "/v1/requests/$r_erase/complete") == 0 ]] ||
      e2e_fail "a cancelled or wrong confirmation was sent"
    e2e_keys "$a" C-u
    e2e_type "$a" "$email"
    e2e_keys "$a" Enter
    e2e_wait "$a" "Erasure completed" || return
    e2e_wait "$a" "Erased: $n_erase categories erased, $n_retain retained; the account is now closed" || return
    # the server: held categories retained (because of the hold), the plan's others erased
    local inv key
    inv=$(e2e_api sam GET "/v1/accounts/$acc_erase/inventory")
    for key in support_tickets usage_logs; do
      jq -e --arg k "$key" --arg h "hold:$hold" '.items[] | select(.key == $k) | .state == "retained" and (.retained_because | index($h))' \
        <<< "$inv" > /dev/null || e2e_fail "$key is not retained by the hold: $(jq -c --arg k "$key" '.items[] | select(.key == $k)' <<< "$inv")"
    done
    for key in $(jq -r '.erase[].key' <<< "$preview"); do
      [[ $(jq -r --arg k "$key" '.items[] | select(.key == $k) | .state' <<< "$inv") == erased ]] || e2e_fail "$key was not erased"
    done
    for key in $(jq -r '.retain[].key' <<< "$preview"); do
      [[ $(jq -r --arg k "$key" '.items[] | select(.key == $k) | .state' <<< "$inv") == retained ]] || e2e_fail "$key was not retained"
    done
    [[ $(account "$acc_erase" .status) == closed ]] || e2e_fail "the account is $(account "$acc_erase" .status), not closed"
    [[ $(field "$r_erase" .status) == completed ]] || e2e_fail "the request is $(field "$r_erase" .status)"
  }
  erase
  e2e_ok "${cols}x$rows: the typed e-mail erases (Esc cancels, a wrong one is refused); the server keeps exactly the held categories and the plan's other retained ones"

  # --- back on the request: completed, with the result ---
  after() {
    e2e_keys "$a" q
    e2e_wait_gone "$a" "Erasure completed" || return
    e2e_keys "$a" g
    e2e_wait_regex "$a" "^Status: +completed \(" || return
    e2e_keys "$a" G
    e2e_wait_regex "$a" "^Account is now: +closed" || return
    e2e_wait_regex "$a" "^Retained support_tickets: +hold:$hold" || return
  }
  after
  e2e_ok "${cols}x$rows: q goes back to the request, reloaded: completed, the account closed, what was retained"
done
e2e_end
