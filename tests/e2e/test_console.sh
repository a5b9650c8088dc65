#!/usr/bin/env bash
# The console in a real terminal (tmux): CJK alignment, hostile names, two
# consoles on one request, resize while a request hangs, the server going
# away and coming back, and a draft that survives a failed write.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
dispcol=${TOP_BUILDDIR:-.}/tests/e2e/dispcol
e2e_begin 14
e2e_server --accounts 400 --requests 150 || exit 1

# --- set-up through the API ---
json() { jq -r "$@"; }
accounts=$(e2e_api alice GET '/v1/accounts?limit=200'; e2e_api alice GET "/v1/accounts?limit=200&cursor=$(e2e_api alice GET '/v1/accounts?limit=200' | json .next_cursor)")
cjk_account=$(echo "$accounts" | json '.items[] | select(.status != "erased") | select(.name | test("[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]")) | .id' | head -1)
hostile_account=$(e2e_api alice GET '/v1/accounts?q=owned%20terminal' | json '.items[0].id')
red_account=$(e2e_api alice GET '/v1/accounts?q=RED%20ALERT' | json '.items[0].id')
new_request() { e2e_api alice POST /v1/requests "{\"account_id\":\"$1\",\"type\":\"access\"}" | json .id; }
cjk_req=$(new_request "$cjk_account")
hostile_req=$(new_request "$hostile_account")
red_req=$(new_request "$red_account")
[[ $cjk_req == req_* && $hostile_req == req_* && $red_req == req_* ]] || {
  echo "set-up failed: cjk=$cjk_account/$cjk_req hostile=$hostile_account/$hostile_req red=$red_account/$red_req" | e2e_diag
}

# --- 1-2: the queue at 80x24 and 200x50, CJK names keep the columns aligned ---
for size in 24x80 50x200; do
  rows=${size%x*} cols=${size#*x}
  e2e_console "q$cols" "$rows" "$cols" alice
  e2e_wait "q$cols" "Dashboard"
  e2e_keys "q$cols" : q u e u e Enter
  e2e_wait "q$cols" "Queue: open"
  e2e_keys "q$cols" /
  e2e_type "q$cols" "$cjk_account"
  e2e_keys "q$cols" Enter
  e2e_wait "q$cols" "Since"
  e2e_keys "q$cols" /
  e2e_keys "q$cols" C-u Enter
  e2e_wait_regex "q$cols" "[0-9]+/[0-9]+"
  screen=$(e2e_screen "q$cols")
  name=$(e2e_api alice GET "/v1/accounts/$cjk_account" | json .name)
  # every data row ends at the same display column (the last column is right-aligned)
  widths=$(echo "$screen" | sed -n '5,$p' | grep -E '(left|overdue|today)' | "$dispcol" --width | sort -u)
  [[ $(echo "$widths" | wc -l) -eq 1 ]] || e2e_fail "rows end at different columns ($widths):
$screen"
  e2e_ok "queue at ${cols}x${rows}: rows aligned by display width (CJK name: ${name:0:12})"
done

# --- 3-4: hostile names are shown as visible escapes, the terminal is untouched ---
e2e_console h 24 80 alice
e2e_wait h "Dashboard"
title_before=$(e2e_pane_title h)
e2e_keys h :
e2e_type h "request $hostile_req"
e2e_keys h Enter
e2e_wait h "$hostile_req"
e2e_wait h 'owned terminal'
e2e_expect_screen h '\e]0;owned terminal'
[[ $(e2e_pane_title h) == "$title_before" ]] || e2e_fail "the pane title changed to: $(e2e_pane_title h)"
e2e_ok "an OSC title sequence in a name is shown as text; the pane title is unchanged"
e2e_keys h q :
e2e_type h "request $red_req"
e2e_keys h Enter
e2e_wait h "RED ALERT"
e2e_expect_screen h '\e[31mRED ALERT\e[0m'
e2e_screen_attrs h | grep 'RED ALERT' | grep -q $'\e\\[31m' && e2e_fail "the name's own SGR sequence reached the terminal"
e2e_ok "an SGR colour sequence in a name is shown as text, not obeyed"

# --- 5-6: two consoles on the same request: the second is told it changed ---
target=$(e2e_api alice GET '/v1/requests?status=in_progress&assignee=none&limit=1' | json '.items[0].id')
e2e_console a 24 80 alice
e2e_console b 24 80 bob
for s in a b; do
  e2e_wait $s "Dashboard"
  e2e_keys $s :
  e2e_type $s "request $target"
  e2e_keys $s Enter
  e2e_wait $s "unassigned"
done
e2e_keys a t
e2e_wait a "Done: take the request"
e2e_ok "the first console takes the request"
e2e_keys b t
e2e_wait b "changed by someone else"
e2e_wait b "alice"
[[ $(e2e_api alice GET "/v1/requests/$target" | json .assignee) == alice ]] || e2e_fail "the server's assignee is not alice"
e2e_ok "the second console is told it changed, reloads, and nothing is overwritten"

# --- 7-8: resize while a request hangs ---
e2e_console r 24 80 alice
e2e_wait r "Dashboard"
e2e_keys r : q u e u e Enter
e2e_wait r "Queue: open"
kill -STOP "$e2e_pid"
e2e_keys r r
e2e_resize r 50 200
e2e_wait_regex r "Queue: open"
lines=$(e2e_screen r | wc -l)
[[ $lines -eq 50 ]] || e2e_fail "after resizing the screen has $lines lines"
e2e_keys r j
e2e_ok "resizing while a request hangs redraws at the new size and keys still work"
kill -CONT "$e2e_pid"
e2e_wait r "refreshed"
e2e_resize r 24 80
e2e_wait r "Queue: open"
e2e_ok "the hung request completes after the server resumes"

# --- 9-12: the server goes away: offline state, a kept draft, recovery ---
note_target=$(e2e_api alice GET '/v1/requests?status=new&limit=1' | json '.items[0].id')
e2e_console o 24 80 alice --refresh 0
e2e_wait o "Dashboard"
e2e_keys o :
e2e_type o "request $note_target"
e2e_keys o Enter
e2e_wait o "Timeline"
e2e_server_stop
e2e_keys o r
e2e_wait o "offline"
e2e_ok "with the server stopped the header says offline"
e2e_keys o c
e2e_type o "Draft written while offline"
e2e_keys o Enter
e2e_wait o "your input is kept"
e2e_ok "a note sent while offline fails with a clear message"
e2e_server_start
e2e_wait o "online" 20
e2e_wait o "Back online" 20
e2e_ok "the console notices the server is back"
e2e_keys o c
e2e_wait o "Draft written while offline"
e2e_keys o Enter
e2e_wait o "Done: add the note"
count=$(e2e_api alice GET "/v1/requests/$note_target" | json '[.timeline[] | select(.text == "Draft written while offline")] | length')
[[ $count -eq 1 ]] || e2e_fail "the note is on the server $count times"
e2e_ok "the draft was kept and is saved exactly once after the server returns"

# --- 13-14: Q quits cleanly; a viewer gets no write keys ---
e2e_keys o Q
e2e_wait o "[console exited] 0"
e2e_ok "Q quits with status 0"
e2e_console v 24 80 vera
e2e_wait v "viewer"
e2e_keys v :
e2e_type v "request $note_target"
e2e_keys v Enter
e2e_wait v "Timeline"
e2e_expect_not_screen v "t take"
e2e_keys v c
e2e_wait v "read-only"
e2e_ok "a viewer sees no write keys and a write key is refused"
e2e_end
