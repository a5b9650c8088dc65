#!/usr/bin/env bash
# The request detail in a real terminal, at 80x24 and at 200x50: take,
# assign (a supervisor to bob; an agent refused), the status machine
# new -> verifying -> in progress -> waiting -> in progress, identity
# verification, the one extension (and its two refusals), notes, rejection
# with its required reason, and A opening the account. Every write is checked
# on screen and on the server. Each size works on its own requests.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
sizes=("24 80" "50 200")
per_size=10
e2e_begin $((per_size * ${#sizes[@]} + 1)) # + the verify prompt at 80x24
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .active_holds == 0
  and .jurisdiction != "US-CA" and .open_requests == 0 and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
# open requests past their first deadline, never extended (the seed has them)
mapfile -t overdue <<< "$(e2e_api alice GET '/v1/requests?overdue=true&limit=200' | jq -r '.items[] | select(.extended | not) | .id')"
[[ -n ${overdue[0]-} ]] || overdue=()
((${#overdue[@]} >= 2)) || echo "only ${#overdue[@]} overdue requests in the seed" | e2e_diag
email_of() { jq -r --arg id "$1" '.[] | select(.id == $id) | .email' "$all"; }
field() { e2e_request_field sam "$1" "$2"; }

# opens request $2 on console $1 and waits until it is loaded
open_request() {
  e2e_command "$1" "request $2"
  e2e_wait_regex "$1" "^Id: +$2" || return
  e2e_wait "$1" "Timeline"
}

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 3 ))
  acc1=${pool[k]} acc2=${pool[k + 1]} acc3=${pool[k + 2]}
  r1=$(e2e_new_request alice "$acc1" access)  # take, assign
  r2=$(e2e_new_request alice "$acc2" access)  # status, verify, extend, note, account
  r3=$(e2e_new_request alice "$acc3" erasure) # reject
  late=${overdue[$(( rows == 24 ? 0 : 1 ))]}
  a=ra$rows s=rs$rows
  e2e_console "$a" "$rows" "$cols" alice --refresh 0
  e2e_console "$s" "$rows" "$cols" sam --refresh 0
  e2e_wait "$a" "Open requests by days to deadline"

  # --- t takes an unassigned request ---
  take() {
    open_request "$a" "$r1" || return
    e2e_wait_regex "$a" "^Assignee: +unassigned" || return
    e2e_keys "$a" t
    e2e_wait_regex "$a" "^Assignee: +alice" || return
    e2e_wait "$a" "assigned to alice" || return # the timeline
    [[ $(field "$r1" .assignee) == alice ]] || e2e_fail "the server's assignee is $(field "$r1" .assignee)"
  }
  take
  e2e_ok "${cols}x$rows: t takes the request: assignee and timeline on screen, assignee on the server"

  # --- a: an agent may not assign to someone else; a supervisor may ---
  assign() {
    local v
    v=$(field "$r1" .version)
    e2e_keys "$a" a
    e2e_wait "$a" "Assign to (empty: unassign):" || return
    e2e_keys "$a" C-u
    e2e_type "$a" bob
    e2e_keys "$a" Enter
    e2e_wait "$a" "Only supervisors assign requests to others" || return
    [[ $(field "$r1" .version) == "$v" && $(field "$r1" .assignee) == alice ]] || e2e_fail "the refused assignment changed the request"
    [[ $(e2e_sent POST "/v1/requests/$r1/assign") == 1 ]] || e2e_fail "the refused assignment was sent"
    e2e_wait "$s" "Open requests by days to deadline" || return
    open_request "$s" "$r1" || return
    e2e_wait_regex "$s" "^Assignee: +alice" || return
    e2e_keys "$s" a
    e2e_wait "$s" "Assign to (empty: unassign): alice" || return
    e2e_keys "$s" C-u
    e2e_type "$s" bob
    e2e_keys "$s" Enter
    e2e_wait_regex "$s" "^Assignee: +bob" || return
    [[ $(field "$r1" .assignee) == bob ]] || e2e_fail "the server's assignee is $(field "$r1" .assignee)"
    # alice reloads and sees bob; taking it over is for supervisors
    e2e_keys "$a" r
    e2e_wait_regex "$a" "^Assignee: +bob" || return
    e2e_keys "$a" t
    e2e_wait "$a" "Assigned to bob: only a supervisor may take it over" || return
    [[ $(field "$r1" .assignee) == bob ]] || e2e_fail "alice took bob's request"
  }
  assign
  e2e_ok "${cols}x$rows: a: refused for an agent (to bob), done by a supervisor; the agent cannot take bob's request"

  # --- s: new -> verifying ---
  to_verifying() {
    open_request "$a" "$r2" || return
    e2e_wait_regex "$a" "^Status: +new \(" || return
    e2e_keys "$a" s
    e2e_wait "$a" "Move to verifying; reason (optional):" || return
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Status: +verifying \(" || return
    [[ $(field "$r2" .status) == verifying ]] || e2e_fail "the server's status is $(field "$r2" .status)"
    [[ $(field "$r2" .acknowledged_at) != null ]] || e2e_fail "leaving new did not set acknowledged_at"
  }
  to_verifying
  e2e_ok "${cols}x$rows: s moves a new request to verifying (screen and server)"

  # --- the verify prompt names the methods ---
  if ((rows == 24)); then
    e2e_keys "$a" v
    e2e_wait "$a" "Verified how (email_link, document" && e2e_expect_screen "$a" "account_login"
    e2e_keys "$a" Escape
    e2e_wait_gone "$a" "Verified how"
    e2e_ok "${cols}x$rows: the v prompt names every method (email_link, document, account_login)"
  fi

  # --- v: identity verified, and how ---
  verify() {
    e2e_wait_regex "$a" "^Identity: +not verified" || return
    e2e_keys "$a" v
    e2e_wait "$a" "Verified how (email_link, document" || return
    e2e_keys "$a" C-u
    e2e_type "$a" document
    e2e_keys "$a" Enter
    e2e_wait "$a" "Note on the check (optional):" || return
    e2e_type "$a" "passport seen on video call"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Identity: +verified \(document\)" || return
    [[ $(field "$r2" '[.identity_verified, .identity_method] | join(" ")') == "true document" ]] ||
      e2e_fail "the server has identity $(field "$r2" '[.identity_verified, .identity_method] | join(" ")')"
    e2e_keys "$a" v
    e2e_wait "$a" "Identity is already verified (document)" || return
  }
  verify
  e2e_ok "${cols}x$rows: v records the identity check with its method and note; a second v says it is done"

  # --- s: verifying -> in progress (with a reason) -> waiting -> in progress ---
  status_cycle() {
    e2e_keys "$a" s
    e2e_wait "$a" "Move to in progress; reason (optional):" || return
    e2e_type "$a" "documents received"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Status: +in progress \(" || return
    e2e_keys "$a" s
    e2e_wait "$a" "Move to waiting; reason (optional):" || return
    e2e_type "$a" "asked the customer which workspace"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Status: +waiting \(" || return
    [[ $(field "$r2" .status) == waiting ]] || e2e_fail "the server's status is $(field "$r2" .status), not waiting"
    e2e_keys "$a" s
    e2e_wait "$a" "Move to in progress; reason (optional):" || return
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Status: +in progress \(" || return
    local moves
    moves=$(e2e_api sam GET "/v1/requests/$r2" | jq -r '[.timeline[] | select(.kind == "transition") | "\(.from)>\(.to)"] | join(" ")')
    [[ $moves == "new>verifying verifying>in_progress in_progress>waiting waiting>in_progress" ]] ||
      e2e_fail "the server's transitions: $moves"
    e2e_api sam GET "/v1/requests/$r2" | jq -e '[.timeline[].text] | any(contains("asked the customer which workspace"))' > /dev/null ||
      e2e_fail "the reason of the move to waiting is not in the server's timeline"
  }
  status_cycle
  e2e_ok "${cols}x$rows: s moves verifying -> in progress -> waiting -> in progress; the server has every move and reason"

  # --- e: one extension with a reason; a second one is refused with the explanation ---
  extend() {
    local due v
    due=$(field "$r2" .due_at)
    e2e_wait_regex "$a" '^Due: +[0-9-]+ \([0-9]+d left\)$' || return
    e2e_keys "$a" e
    e2e_wait "$a" "Reason for the extension:" || return
    e2e_keys "$a" Enter
    e2e_wait "$a" "An extension needs a reason" || return
    e2e_keys "$a" e
    e2e_wait "$a" "Reason for the extension:" || return
    e2e_type "$a" "several systems to search"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" '^Due: +[0-9-]+ \([0-9]+d left\), extended' || return
    e2e_wait_regex "$a" "^Extension reason: +several systems to search" || return
    [[ $(field "$r2" .extended) == true && $(field "$r2" .extension_reason) == "several systems to search" ]] ||
      e2e_fail "the server has extended=$(field "$r2" .extended) reason=$(field "$r2" .extension_reason)"
    [[ $(field "$r2" .due_at) > $due ]] || e2e_fail "the due date did not move: $due -> $(field "$r2" .due_at)"
    v=$(field "$r2" .version)
    e2e_keys "$a" e
    e2e_wait "$a" "Already extended once (the law allows one extension)" || return
    e2e_expect_not_screen "$a" "Reason for the extension:"
    [[ $(field "$r2" .version) == "$v" ]] || e2e_fail "the refused extension changed the request"
    [[ $(e2e_sent POST "/v1/requests/$r2/extend") == 1 ]] || e2e_fail "a refused extension was sent"
  }
  extend
  e2e_ok "${cols}x$rows: e extends once with a reason (blank refused); a second e is refused with the explanation"

  # --- e on a request past its first deadline is refused ---
  extend_late() {
    local due
    due=$(field "$late" '.due_at[0:10]')
    open_request "$a" "$late" || return
    e2e_wait_regex "$a" "^Due: +$due \(overdue [0-9]+d\)" || return
    e2e_keys "$a" e
    e2e_wait "$a" "The first deadline passed on $due" || return
    e2e_expect_not_screen "$a" "Reason for the extension:"
    [[ $(field "$late" .extended) == false ]] || e2e_fail "the overdue request was extended"
    [[ $(e2e_sent POST "/v1/requests/$late/extend") == 0 ]] || e2e_fail "the refused extension was sent"
  }
  extend_late
  e2e_ok "${cols}x$rows: e on a request past its first deadline is refused with the date, nothing sent"
  e2e_keys "$a" q

  # --- c: a note in the timeline ---
  note() {
    e2e_wait_regex "$a" "^Id: +$r2" || return
    e2e_keys "$a" c
    e2e_wait "$a" "Note:" || return
    e2e_type "$a" "Called the customer: export wanted as JSON"
    e2e_keys "$a" Enter
    e2e_wait "$a" "Done: add the note" || return
    e2e_keys "$a" G
    e2e_wait "$a" "Called the customer: export wanted as JSON" || return
    [[ $(e2e_api sam GET "/v1/requests/$r2" | jq '[.timeline[] | select(.kind == "note" and .text == "Called the customer: export wanted as JSON")] | length') == 1 ]] ||
      e2e_fail "the note is not on the server exactly once"
  }
  note
  e2e_ok "${cols}x$rows: c adds a note: shown in the timeline, on the server once"

  # --- A opens the requester's account ---
  account() {
    local email
    email=$(email_of "$acc2")
    e2e_keys "$a" A
    e2e_wait "$a" "› $email" || return
    e2e_wait "$a" "[Overview]" || return
    e2e_wait_regex "$a" "^E-mail: +$email" || return
    e2e_keys "$a" q
    e2e_wait_gone "$a" "[Overview]" || return
    e2e_wait_regex "$a" "› $r2\$" || return
    e2e_wait "$a" "Timeline" || return
  }
  account
  e2e_ok "${cols}x$rows: A opens the requester's account; q comes back to the request"

  # --- x: a rejection needs a reason ---
  reject() {
    open_request "$a" "$r3" || return
    e2e_keys "$a" x
    e2e_wait "$a" "Reason for rejecting (required):" || return
    e2e_keys "$a" Enter
    e2e_wait "$a" "A rejection needs a reason (GDPR Art. 12(4)); nothing was sent" || return
    e2e_keys "$a" x
    e2e_wait "$a" "Reason for rejecting (required):" || return
    e2e_type "$a" "   "
    e2e_keys "$a" Enter
    e2e_wait "$a" "A rejection needs a reason" || return
    [[ $(field "$r3" .status) == new && $(e2e_sent POST "/v1/requests/$r3/reject") == 0 ]] || e2e_fail "a blank rejection reached the server"
    e2e_keys "$a" x
    e2e_wait "$a" "Reason for rejecting (required):" || return
    e2e_keys "$a" C-u
    e2e_type "$a" "Manifestly unfounded: a duplicate of an earlier request"
    e2e_keys "$a" Enter
    e2e_wait_regex "$a" "^Status: +rejected \(" || return
    e2e_wait_regex "$a" "^Rejected because: +Manifestly unfounded" || return
    [[ $(field "$r3" .status) == rejected && $(field "$r3" .result.reason) == "Manifestly unfounded: a duplicate of an earlier request" ]] ||
      e2e_fail "the server has status $(field "$r3" .status), reason $(field "$r3" .result.reason)"
    e2e_keys "$a" t
    e2e_wait "$a" "The request is rejected; only notes can still be added" || return
  }
  reject
  e2e_ok "${cols}x$rows: x refuses a blank reason (nothing sent), rejects with one; a closed request takes notes only"
done
e2e_end
