#!/usr/bin/env bash
# Headless screen tests of the dashboard (screens/dashboard.c): the counts
# are the server's (/v1/stats), Enter opens the matching queue, the deadline
# chart renders at 80x24 and 200x50 (and in a C locale), zero counts show as
# 0, and r revalidates with If-None-Match (a 304 keeps the screen).
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 8
e2e_server --accounts 300 --requests 160 || exit 1
json() { jq -r "$@"; }

# count_of DUMP LABEL: the number on the dashboard row LABEL (start of line).
count_of() { sed -n "s/^$2  *\([0-9][0-9]*\)  *queue .*/\1/p" "$e2e_dir/$1" | head -1; }

# check_counts DUMP STATS_JSON: every count row equals the server's number.
check_counts() {
  local dump=$1 stats=$2 label path want got
  while IFS='|' read -r label path; do
    want=$(echo "$stats" | json "$path")
    got=$(count_of "$dump" "$label")
    [[ -n $want && $got == "$want" ]] || e2e_fail "$dump: \"$label\" shows \"$got\", /v1/stats says \"$want\""
  done <<'ROWS'
Open requests|.open_total
  new|.open.new
  verifying|.open.verifying
  in progress|.open.in_progress
  waiting|.open.waiting
Overdue|.overdue
Due within 7 days|.due_within_7_days
Urgent|.urgent
Unassigned|.unassigned
Assigned to me|.mine
Closed: completed|.closed.completed
Closed: rejected|.closed.rejected
ROWS
}

# check_chart DUMP STATS_JSON: one bar line per bucket, ending in its count.
check_chart() {
  local dump=$1 stats=$2 bucket count re
  e2e_dump_has "$dump" "Open requests by days to deadline"
  while read -r bucket count; do
    re=${bucket//+/\\+}
    grep -qE -- "(^| )$re +[^ ]* +$count\$" "$e2e_dir/$dump" ||
      grep -qE -- "(^| )$re +$count\$" "$e2e_dir/$dump" ||
      e2e_fail "$dump: no bar \"$bucket ... $count\""
  done <<< "$(echo "$stats" | json '.by_days_left[] | "\(.bucket) \(.count)"')"
}

# --- 1-3: 80x24: counts, chart below them, styles of the bars ---
cat > "$e2e_dir/d80.keys" <<'KEYS'
!wait
!dump d80.txt
!dump-roles d80.roles
KEYS
e2e_headless 24 80 alice d80.keys
stats=$(e2e_api alice GET /v1/stats)
check_counts d80.txt "$stats"
e2e_dump_has d80.txt "Dashboard"
e2e_ok "80x24: every count equals /v1/stats (open by status, overdue, due in 7 days, urgent, unassigned, mine, closed)"
check_chart d80.txt "$stats"
last_count=$(grep -n '^Closed: rejected' "$e2e_dir/d80.txt" | cut -d: -f1)
chart_title=$(grep -n '^Open requests by days to deadline' "$e2e_dir/d80.txt" | cut -d: -f1)
[[ -n $last_count && -n $chart_title && $chart_title -gt $last_count ]] ||
  e2e_fail "at 80x24 the chart should be below the counts (counts end on line $last_count, chart title on $chart_title)"
[[ $(grep -c '' "$e2e_dir/d80.txt") -le 24 ]] || e2e_fail "the dump has more than 24 lines"
grep -qE '^31d\+' "$e2e_dir/d80.txt" || e2e_fail "the last bucket (31d+) does not fit at 80x24"
e2e_ok "80x24: the chart is below the counts, every bucket has its bar and count"
# role letters of the bar cells: overdue/today urgent (u), 1-3d due soon (y), the rest bars (B)
bar_roles() { sed -n "$(grep -n "^$1 " "$e2e_dir/d80.txt" | head -1 | cut -d: -f1)p" "$e2e_dir/d80.roles" | cut -c9-70; }
[[ $(echo "$stats" | json '.by_days_left[0].count') == 0 ]] || [[ $(bar_roles overdue) == *u* ]] ||
  e2e_fail "the overdue bar is not in the urgent style: $(bar_roles overdue)"
[[ $(echo "$stats" | json '.by_days_left[] | select(.bucket == "1-3d") | .count') == 0 ]] || [[ $(bar_roles 1-3d) == *y* ]] ||
  e2e_fail "the 1-3d bar is not in the due-soon style: $(bar_roles 1-3d)"
[[ $(bar_roles 8-14d) != *u* && $(bar_roles 8-14d) != *y* ]] || e2e_fail "the 8-14d bar is coloured as urgent: $(bar_roles 8-14d)"
e2e_ok "bars: overdue and today in the urgent style, 1-3 days due soon, later ones normal"

# --- 4: Enter on "Overdue" opens the overdue queue ---
cat > "$e2e_dir/enter.keys" <<'KEYS'
!wait
jjjjj
!dump d-sel.txt
<Enter>
!wait
!dump d-overdue.txt
q
!wait
!dump d-back.txt
KEYS
e2e_headless 24 80 alice enter.keys
e2e_dump_has d-overdue.txt "Queue: overdue"
e2e_dump_has d-overdue.txt "[overdue]"
e2e_dump_has d-overdue.txt "overdue "
e2e_dump_lacks d-overdue.txt "d left"
e2e_dump_has d-back.txt "Open requests by days to deadline"
e2e_ok "Enter on Overdue opens the queue with the overdue preset; q comes back to the dashboard"

# --- 5: 200x50: the chart beside the counts, the status chart below it ---
cat > "$e2e_dir/d200.keys" <<'KEYS'
!wait
!dump d200.txt
KEYS
e2e_headless 50 200 alice d200.keys
stats=$(e2e_api alice GET /v1/stats)
check_counts d200.txt "$stats"
check_chart d200.txt "$stats"
grep -qE '^Requests .*Open requests by days to deadline' "$e2e_dir/d200.txt" ||
  e2e_fail "at 200x50 the chart should be beside the counts"
e2e_dump_has d200.txt "Open requests by status"
e2e_ok "200x50: counts equal /v1/stats; the chart is beside them, with the open requests by status below"

# --- 6: zero counts are shown as 0 (vera, a viewer, has nothing assigned) ---
e2e_headless 24 80 vera d80.keys
[[ $(count_of d80.txt "Assigned to me") == 0 ]] || e2e_fail "vera's \"Assigned to me\" is not 0: $(grep 'Assigned to me' "$e2e_dir/d80.txt")"
e2e_ok "a zero count is shown as 0, not hidden"

# --- 7: C locale: the chart draws with '#' and stays inside 80 columns ---
E2E_LANG=C e2e_headless 24 80 alice d80.keys
grep -qE '^overdue +#+ +[0-9]+$' "$e2e_dir/d80.txt" || e2e_fail "no '#' bar for overdue in a C locale:
$(cat "$e2e_dir/d80.txt")"
awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$e2e_dir/d80.txt" || e2e_fail "a line is wider than 80 columns"
e2e_ok "C locale: bars are '#', nothing wider than the terminal"

# --- 8: r revalidates (If-None-Match: 304 while nothing changed); a change shows after r ---
mine_req=$(e2e_api alice GET '/v1/requests?status=open&assignee=none&limit=1' | json '.items[0].id')
mine_ver=$(e2e_api alice GET "/v1/requests/$mine_req" | json .version)
cat > "$e2e_dir/refresh.keys" <<'KEYS'
!wait
!dump r-before.txt
r
!wait
!dump r-same.txt
!sleep 2000
r
!wait
!dump r-after.txt
KEYS
lines_before=$(grep -c '' "$e2e_dir/access.log")
# take the request while the console sleeps after its second dump; then r must show mine + 1
(
  for ((i = 0; i < 400; i++)); do [[ -s $e2e_dir/r-same.txt ]] && break; sleep 0.05; done
  e2e_api alice POST "/v1/requests/$mine_req/assign" '{"assignee":"alice"}' -H "If-Match: \"$mine_ver\"" >/dev/null
) &
taker=$!
e2e_headless 24 80 alice refresh.keys
wait "$taker"
before=$(count_of r-before.txt "Assigned to me")
after=$(count_of r-after.txt "Assigned to me")
[[ -n $before && $after == $((before + 1)) ]] || e2e_fail "Assigned to me: $before before, $after after taking one (want +1)"
[[ $(count_of r-same.txt "Assigned to me") == "$before" ]] || e2e_fail "the counts changed on a 304"
tail -n +"$((lines_before + 1))" "$e2e_dir/access.log" | grep '"path":"/v1/stats"' | grep -q '"status":304' ||
  e2e_fail "r did not revalidate with If-None-Match (no 304 for /v1/stats in the access log)"
e2e_ok "r revalidates with If-None-Match (304 keeps the counts) and shows a change after it"
e2e_end
