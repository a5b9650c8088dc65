#!/usr/bin/env bash
# The dashboard and the queue in a real terminal, at 80x24 and at 200x50:
# counts and opening a queue from them, presets (Tab, :queue), the filter,
# n/N, sorting, colour by urgency, marks, bulk take and bulk assign. Each
# size gets its own accounts and requests, made through the API first.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
sizes=("24 80" "50 200")
per_size=15
e2e_begin $((per_size * ${#sizes[@]} + 2)) # + the bulk report's account at 80x24, + Q
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
# accounts with nothing open, plain names, no holds: each size takes its own
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .active_holds == 0
  and .open_requests == 0 and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
((${#pool[@]} >= 10)) || echo "only ${#pool[@]} plain accounts in the seed" | e2e_diag
email_of() { jq -r --arg id "$1" '.[] | select(.id == $id) | .email' "$all"; }
days_ago() { date -u -d "@$(($(date +%s) - $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
# the ids of an account's open requests in the queue's default order
open_ids() { e2e_api alice GET "/v1/requests?account_id=$1&status=open&sort=due_at" | jq -r '.items[].id'; }
count_of() { e2e_api alice GET "/v1/requests?$1&limit=200" | jq '.items | length'; }

# the queue's data rows: "overdue 3d", "12d left", "due today", "done", "rejected" (after a mark column)
data_rows() { grep -E '^.(overdue [0-9]+d|[0-9]+d left|due today|done |rejected)'; }
# the 1-based position of the selected data row: the one row whose style differs
# from every other's (rows of one urgency share a style; the selection stands out)
selected_row() {
  e2e_styles "$1" | awk -F'\t' '$2 ~ /^.(overdue [0-9]+d|[0-9]+d left|due today)/ { n++; s[n] = $1; c[$1]++ }
    END { for (i = 1; i <= n; i++) if (c[s[i]] == 1) { print i; exit } }'
}

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 5 ))
  accA=${pool[k]} accB=${pool[k + 1]} accC=${pool[k + 2]} accD=${pool[k + 3]}
  # A: four new requests (filter, n/N, marks, bulk take); B: three (bulk assign);
  # C: one overdue and two far off (colour, sort); D: two (marks and a reload)
  for t in access erasure access erasure; do e2e_new_request alice "$accA" "$t" > /dev/null; done
  for t in access access objection; do
    e2e_new_request alice "$accB" "$t" "$([[ $t == objection ]] && echo '"details":{"processing":"marketing"}')" > /dev/null
  done
  e2e_new_request alice "$accC" access "\"received_at\":\"$(days_ago 60)\"" > /dev/null
  e2e_new_request alice "$accC" access > /dev/null
  e2e_new_request alice "$accC" erasure > /dev/null
  e2e_new_request alice "$accD" access > /dev/null
  e2e_new_request alice "$accD" access > /dev/null
  q=qa$rows s=qs$rows
  e2e_console "$q" "$rows" "$cols" alice --refresh 0
  e2e_console "$s" "$rows" "$cols" sam --refresh 0

  # --- the dashboard's counts are the server's ---
  dash_counts() {
    e2e_wait "$q" "Open requests by days to deadline" || return
    local stats line label key
    stats=$(e2e_api alice GET /v1/stats)
    for line in "Open requests:.open_total" "Overdue:.overdue" "Due within 7 days:.due_within_7_days" \
      "Urgent:.urgent" "Unassigned:.unassigned" "Assigned to me:.mine" "  new:.open.new" \
      "  in progress:.open.in_progress" "Closed: completed:.closed.completed"; do
      label=${line%:*} key=${line##*:}
      e2e_wait_regex "$q" "^$label +$(jq "$key" <<< "$stats") +queue " 2 || return
    done
  }
  dash_counts
  e2e_ok "${cols}x$rows: the dashboard shows the server's queue counts"

  # --- Enter on a count opens the queue with its preset ---
  dash_open() {
    local n
    n=$(e2e_api alice GET /v1/stats | jq .overdue)
    e2e_keys "$q" j j j j j Enter
    e2e_wait "$q" "Dashboard › Queue: overdue" || return
    e2e_wait "$q" "[overdue]" || return
    e2e_wait_regex "$q" " 1/$n  due date" || return
    only_overdue() { local scr; scr=$(cat); data_rows <<< "$scr" | grep -q . && ! data_rows <<< "$scr" | grep -vqE '^.overdue [0-9]+d'; }
    e2e_wait_check "$q" "only overdue rows" only_overdue
  }
  dash_open
  e2e_ok "${cols}x$rows: Enter on the Overdue count opens the overdue queue"

  # --- presets: Tab, BTab and :queue ---
  presets() {
    local mine unassigned urgent
    mine=$(count_of "status=open&assignee=me") unassigned=$(count_of "status=open&assignee=none")
    urgent=$(count_of "status=open&priority=urgent")
    e2e_keys "$q" q
    e2e_command "$q" "queue open"
    e2e_wait "$q" "[open]" || return
    e2e_keys "$q" Tab
    mine_rows() {
      local scr; scr=$(cat)
      grep -qF '[mine]' <<< "$scr" && grep -qE " 1/$mine  due date" <<< "$scr" && ! data_rows <<< "$scr" | grep -vq ' alice '
    }
    e2e_wait_check "$q" "the mine preset ($mine rows, all alice's)" mine_rows || return
    e2e_keys "$q" Tab
    unassigned_rows() {
      local scr; scr=$(cat)
      grep -qF '[unassigned]' <<< "$scr" && grep -qE " 1/$unassigned  due date" <<< "$scr" &&
        ! data_rows <<< "$scr" | grep -qE ' (alice|bob|sam) '
    }
    e2e_wait_check "$q" "the unassigned preset ($unassigned rows)" unassigned_rows || return
    e2e_keys "$q" BTab BTab
    e2e_wait "$q" "[open]" || return
    e2e_command "$q" "queue urgent"
    urgent_rows() {
      local scr; scr=$(cat)
      grep -qF 'Queue: open › Queue: urgent' <<< "$scr" && grep -qE " 1/$urgent  due date" <<< "$scr" &&
        ! data_rows <<< "$scr" | grep -vq ' URG '
    }
    e2e_wait_check "$q" "the urgent preset ($urgent rows, all URG)" urgent_rows
  }
  presets
  e2e_ok "${cols}x$rows: Tab and BTab switch presets, :queue urgent opens one; rows and counts match the server"

  # --- / filters the loaded rows; Esc on the prompt clears it ---
  filter() {
    local total
    total=$(count_of "status=open")
    e2e_keys "$q" q
    e2e_wait "$q" "[open]" || return
    e2e_keys "$q" /
    e2e_type "$q" "$accA"
    e2e_keys "$q" Enter
    four() { local scr; scr=$(cat); grep -qE ' 1/4  due date' <<< "$scr" && [[ $(data_rows <<< "$scr" | wc -l) -eq 4 ]]; }
    e2e_wait_check "$q" "the four requests of $accA" four || return
    e2e_keys "$q" / Escape
    e2e_wait_regex "$q" " [0-9]+/$total  due date" || return
  }
  filter
  e2e_ok "${cols}x$rows: / shows only the matching requests; Esc on the prompt clears the filter"

  # --- n / N jump between matches ---
  e2e_keys "$q" /
  e2e_type "$q" "$accA"
  e2e_keys "$q" Enter
  next_prev() {
    e2e_wait_regex "$q" ' 1/4  due date' || return
    [[ $(selected_row "$q") == 1 ]] || { e2e_fail "row 1 is not selected after filtering"; return; }
    e2e_keys "$q" n
    sel2() { [[ $(selected_row "$q") == 2 ]]; }
    e2e_wait_check "$q" "the selection on row 2 after n" sel2 || return
    e2e_keys "$q" N
    sel1() { [[ $(selected_row "$q") == 1 ]]; }
    e2e_wait_check "$q" "the selection back on row 1 after N" sel1 || return
    e2e_keys "$q" N
    sel4() { [[ $(selected_row "$q") == 4 ]]; }
    e2e_wait_check "$q" "the selection wrapped to row 4 after another N" sel4
  }
  next_prev
  e2e_ok "${cols}x$rows: n and N move the selection to the next and previous match, wrapping"
  # the selection is on row 4 now: the position counter should say so
  e2e_expect_screen "$q" " 4/4  due date"
  e2e_ok "${cols}x$rows: after n/N the status line's position counter follows the selection"

  # --- marks: space marks and moves down, u clears ---
  e2e_keys "$q" g
  marks() {
    e2e_wait_regex "$q" ' 1/4  due date' || return
    e2e_keys "$q" Space Space Space
    three() { local scr; scr=$(cat); [[ $(data_rows <<< "$scr" | grep -c '^\*') -eq 3 ]] && grep -q ' 4/4  due date' <<< "$scr"; }
    e2e_wait_check "$q" "three marked rows" three || return
    e2e_keys "$q" u
    none() { ! data_rows | grep -q '^\*'; }
    e2e_wait_check "$q" "no marked rows after u" none
  }
  marks
  e2e_ok "${cols}x$rows: space marks rows (*) and moves down; u clears every mark"

  # --- bulk take on three marked rows ---
  mapfile -t ids <<< "$(open_ids "$accA")"
  [[ -n ${ids[0]-} ]] || ids=()
  emailA=$(email_of "$accA")
  e2e_keys "$q" g
  bulk_take() {
    e2e_wait_regex "$q" ' 1/4  due date' || return
    e2e_keys "$q" Space Space Space
    three() { [[ $(data_rows | grep -c '^\*') -eq 3 ]]; }
    e2e_wait_check "$q" "three marked rows" three || return
    e2e_keys "$q" t
    e2e_wait "$q" "3 of 3 requests assigned to alice" || return
    e2e_wait "$q" "Bulk assigned: 3 of 3" || return
    local i
    for i in 0 1 2; do e2e_wait_regex "$q" "^OK +${ids[i]}  .* done$" 2 || return; done
    for i in 0 1 2; do
      [[ $(e2e_request_field alice "${ids[i]}" .assignee) == alice ]] || e2e_fail "${ids[i]} is not alice's on the server"
    done
    [[ $(e2e_request_field alice "${ids[3]}" .assignee) == null ]] || e2e_fail "the unmarked ${ids[3]} was assigned"
  }
  bulk_take
  e2e_ok "${cols}x$rows: t on three marked rows assigns exactly those to alice, with a per-row report"
  if ((rows == 24)); then
    e2e_expect_screen "$q" "$emailA"
    e2e_ok "${cols}x$rows: the bulk report names each row's account"
  fi
  e2e_keys "$q" q
  back_to_queue() {
    e2e_wait "$q" "[open]" || return
    taken() { local scr; scr=$(cat); [[ $(data_rows <<< "$scr" | grep -c ' alice ') -eq 3 ]] && grep -qE ' [0-9]/4  due date' <<< "$scr"; }
    e2e_wait_check "$q" "the queue showing the three taken rows" taken
  }
  back_to_queue
  e2e_ok "${cols}x$rows: back on the queue, the filtered rows show the new assignee"

  # --- a (assign to someone else) is for supervisors ---
  agent_assign() {
    e2e_keys "$q" G a
    e2e_wait "$q" "Only supervisors assign requests to others" || return
    e2e_expect_not_screen "$q" "Assign to (empty: unassign)"
    [[ $(e2e_request_field alice "${ids[3]}" .assignee) == null && $(e2e_sent POST "/v1/requests/${ids[3]}/assign") == 0 ]] ||
      e2e_fail "the refused assignment was sent"
  }
  agent_assign
  e2e_ok "${cols}x$rows: an agent's a is refused with the reason, nothing is sent"

  # --- a supervisor assigns three marked requests to bob ---
  mapfile -t idsB <<< "$(open_ids "$accB")"
  [[ -n ${idsB[0]-} ]] || idsB=()
  sam_assign() {
    e2e_wait "$s" "Open requests by days to deadline" || return
    e2e_command "$s" "queue open"
    e2e_wait "$s" "[open]" || return
    e2e_keys "$s" /
    e2e_type "$s" "$accB"
    e2e_keys "$s" Enter
    e2e_wait_regex "$s" ' 1/3  due date' || return
    e2e_keys "$s" Space Space Space
    three() { [[ $(data_rows | grep -c '^\*') -eq 3 ]]; }
    e2e_wait_check "$s" "three marked rows" three || return
    e2e_keys "$s" a
    e2e_wait "$s" "Assign to (empty: unassign):" || return
    e2e_type "$s" bob
    e2e_keys "$s" Enter
    e2e_wait "$s" "3 of 3 requests assigned to bob" || return
    local id
    for id in "${idsB[@]}"; do
      e2e_wait_regex "$s" "^OK +$id  .* done$" 2 || return
      [[ $(e2e_request_field sam "$id" .assignee) == bob ]] || e2e_fail "$id is not bob's on the server"
    done
  }
  sam_assign
  e2e_ok "${cols}x$rows: a supervisor assigns three marked requests to bob (report and server)"
  e2e_keys "$s" q

  # --- colour by urgency: an overdue row is drawn differently from a far-off one ---
  e2e_keys "$q" /
  e2e_keys "$q" C-u
  e2e_type "$q" "$accC"
  e2e_keys "$q" Enter
  colour() {
    e2e_wait_regex "$q" ' 1/3  due date' || return
    e2e_keys "$q" G
    e2e_wait_regex "$q" ' 3/3  due date' || return
    local overdue far
    overdue=$(e2e_styles "$q" | awk -F'\t' '$2 ~ /^.overdue [0-9]+d/ { print $1; exit }')
    far=$(e2e_styles "$q" | awk -F'\t' '$2 ~ /^.[0-9]+d left/ { print $1; exit }')
    [[ -n $overdue && -n $far ]] || { e2e_fail "no overdue or far-off row: $(e2e_styles "$q")"; return; }
    [[ $overdue != "$far" ]] || e2e_fail "the overdue and the far-off row share the style $far"
    [[ $overdue == *fg=* && ${overdue%% *} != "${far%% *}" ]] || e2e_fail "the overdue row ($overdue) has the far-off row's colour ($far)"
    echo "overdue row: $overdue; far-off row: $far" | e2e_diag
  }
  colour
  e2e_ok "${cols}x$rows: an overdue row carries another SGR colour than a far-off one (capture-pane -e)"

  # --- s cycles the sort: latest due date first ---
  sort_desc() {
    e2e_keys "$q" s
    e2e_wait "$q" "Sorted by due date, latest first" || return
    latest_first() {
      local scr; scr=$(cat)
      data_rows <<< "$scr" | head -1 | grep -qE '^.[0-9]+d left' && data_rows <<< "$scr" | tail -1 | grep -qE '^.overdue'
    }
    e2e_wait_check "$q" "the far-off rows first, the overdue one last" latest_first || return
    e2e_keys "$q" s
    e2e_wait "$q" "Sorted by received" || return
    oldest_first() { local scr; scr=$(cat); grep -qE '  received$' <<< "$scr" && data_rows <<< "$scr" | head -1 | grep -qE '^.overdue'; }
    e2e_wait_check "$q" "received first: the overdue (oldest) row first" oldest_first
    e2e_keys "$q" s s
    e2e_wait_regex "$q" ' [0-9]/3  due date$' || return
  }
  sort_desc
  e2e_ok "${cols}x$rows: s sorts by due date latest first, then by received date, and back"

  # --- marks survive a reload (the periodic refresh runs the same code) ---
  e2e_keys "$q" /
  e2e_keys "$q" C-u
  e2e_type "$q" "$accD"
  e2e_keys "$q" Enter
  reload_marks() {
    e2e_wait_regex "$q" ' 1/2  due date' || return
    e2e_keys "$q" Space Space
    two() { [[ $(data_rows | grep -c '^\*') -eq 2 ]]; }
    e2e_wait_check "$q" "two marked rows" two || return
    e2e_new_request bob "$accD" access > /dev/null # a colleague's change: the reload brings news
    e2e_keys "$q" r
    e2e_wait_regex "$q" ' [0-9]/3  due date' || return
    e2e_screen "$q" | two || e2e_fail "the marks are gone after the reload"
  }
  reload_marks
  e2e_ok "${cols}x$rows: marks survive a reload of the queue"
  # --- the Since column of the request bob just made ---
  e2e_screen "$q" | grep -qE ' now( |$)' || e2e_fail "no \"now\" in the Since column"
  e2e_expect_not_screen "$q" "just…"
  e2e_ok "${cols}x$rows: a request received seconds ago shows \"now\" in Since"
  e2e_keys "$q" u
done

# --- Q quits ---
e2e_keys "$q" Q
e2e_wait "$q" "[console exited] 0"
e2e_ok "Q quits the console with status 0"
e2e_end
