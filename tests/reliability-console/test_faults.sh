#!/usr/bin/env bash
# Faults between the console and the server: the console (tmux) talks to
# privdeskd through tests/faultproxy, which injects latency, 5xx answers,
# dropped connections, cut, truncated, malformed and slow bodies. The
# console stays responsive, names the fault, retries reads, never applies a
# write twice, and recovers when the fault is lifted. Server state is
# checked directly (not through the proxy); the proxy's log shows what the
# console sent.
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
rc_begin 13
[[ -x $rc_faultproxy ]] || rc_skip_all 13 "tests/faultproxy/faultproxy is not built"
e2e_server --accounts 120 --requests 80 || exit 1
rc_proxy_start || exit 1
json() { jq -r "$@"; }
spinner='^(⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏)'
queue_path='path=/v1/requests?'

# open_queue NAME: a console (through the proxy) showing the open queue, loaded
open_queue() {
  rc_console "$1" 24 80 alice --refresh 0
  e2e_wait "$1" "Dashboard" && e2e_keys "$1" : q u e u e Enter && e2e_wait "$1" "Queue: open" &&
    e2e_wait_regex "$1" ' 1/[0-9]+ '
}
# proxy_lines_since N ERE: proxy log lines after line N matching ERE
proxy_lines_since() { tail -n +"$(($1 + 1))" "$e2e_dir/proxy.log" | grep -E -- "$2"; }
log_mark() { wc -l < "$e2e_dir/proxy.log"; }

# --- 1-2: 10 s latency on every request: keys answered within 1 s, spinner ---
open_queue lat
rc_fault "delay 10000"
mark=$(log_mark)
e2e_keys lat r
rc_wait_proxy ' delay ' 1 5
rc_fault # later requests pass; the refresh under way still takes 10 s
rc_until 1000 "the spinner shows while the refresh hangs" rc_status_matches lat "$spinner"
frame1=$(rc_status_line lat | cut -c1-3)
sleep 0.3
frame2=$(rc_status_line lat | cut -c1-3)
[[ $frame1 != "$frame2" ]] || e2e_fail "the spinner does not turn ($frame1 twice, 300 ms apart)"
rc_screen_lacks lat "offline" || e2e_fail "a slow server is shown as offline"
e2e_ok "while a request hangs (10 s latency) the status line shows a turning spinner ($frame1 -> $frame2)"

times=()
e2e_keys lat j
rc_until 1000 "j moves the selection (2/N)" rc_status_matches lat ' 2/[0-9]+ ' && times+=("j:${rc_took}ms")
e2e_keys lat :
rc_until 1000 ": opens the command line" rc_status_matches lat '^:' && times+=(":${rc_took}ms")
e2e_keys lat Escape
rc_until 1000 "Esc closes the command line" rc_status_matches lat ' 2/[0-9]+ '
e2e_keys lat ?
rc_until 1000 "? opens the help screen" rc_screen_has lat "Keys of this screen" && times+=("?:${rc_took}ms")
e2e_keys lat q
rc_until 1000 "q leaves the help screen" rc_screen_lacks lat "Keys of this screen" && times+=("q:${rc_took}ms")
[[ $(proxy_lines_since "$mark" ' delay ' | wc -l) -ge 1 ]] || e2e_fail "no request was delayed"
rc_status_matches lat "$spinner" || e2e_fail "the hung request is no longer pending (the test did not run under latency)"
e2e_ok "with 10 s latency keys are answered within 1 s (${times[*]})"
rc_kill_console lat

# --- 3: a 500 is named as a server error; not retried; the header stays online ---
open_queue e500
mark=$(log_mark)
rc_fault "status 500 method=GET $queue_path"
e2e_keys e500 r
e2e_wait e500 "Could not load the queue: server error (HTTP 500)"
e2e_expect_screen e500 "│ online"
n=$(proxy_lines_since "$mark" 'GET /v1/requests\?.* status ' | wc -l)
[[ $n == 1 ]] || e2e_fail "a 500 was sent $n times (want 1: not retried)"
e2e_ok "a 500 answer: \"Could not load the queue: server error (HTTP 500)\", header online, not retried"

# --- 4: 503 on every attempt: retried (4 attempts), then named ---
mark=$(log_mark)
rc_fault "status 503 method=GET $queue_path"
e2e_keys e500 r
e2e_wait e500 "Could not load the queue: server error (HTTP 503)"
n=$(proxy_lines_since "$mark" 'GET /v1/requests\?.* status .*status=503' | wc -l)
[[ $n == 4 ]] || e2e_fail "a GET answered 503 was tried $n times (want 4)"
e2e_ok "503 on every attempt: the read is tried 4 times, then \"server error (HTTP 503)\""
rc_kill_console e500

# --- 5: 503, 502, a dropped connection, then success: data without user action ---
rc_fault "status 503 method=GET path=/v1/stats times=1" "status 502 method=GET $queue_path times=1" \
  "drop-request method=GET $queue_path times=1"
mark=$(log_mark)
rc_console retry 24 80 alice --refresh 0
e2e_wait retry "Open requests"
e2e_keys retry : q u e u e Enter
e2e_wait retry "Queue: open"
e2e_wait_regex retry ' 1/[0-9]+ '
e2e_expect_not_screen retry "Could not"
e2e_expect_not_screen retry "offline"
proxy_lines_since "$mark" 'GET /v1/(stats|requests)' | awk '{print $4, $NF}' | tr '\n' ' ' > "$e2e_dir/retry.seen"
grep -q 'status status=503 pass status=200' "$e2e_dir/retry.seen" &&
  grep -q 'status status=502 drop-request status=- pass status=200' "$e2e_dir/retry.seen" ||
  e2e_fail "the proxy saw: $(cat "$e2e_dir/retry.seen")"
e2e_ok "reads are retried: a 503, a 502 and a dropped connection, then the data shows without the user doing anything"
rc_kill_console retry

# --- 6-7: malformed and truncated JSON are named as a bad response ---
for fault in malformed truncate; do
  open_queue "$fault"
  rc_fault "$fault method=GET $queue_path"
  e2e_keys "$fault" r
  e2e_wait "$fault" "Could not load the queue: bad response from the server"
  e2e_expect_screen "$fault" "│ online"
  e2e_expect_screen "$fault" "Queue: open"
  rc_fault
  e2e_ok "${fault/truncate/truncated} JSON: \"bad response from the server\" in the status line; what was shown stays"
  rc_kill_console "$fault"
done

# --- 8: the connection cut mid-response: offline named; recovers when lifted ---
open_queue cut
rc_fault "cut-response method=GET $queue_path" "cut-response path=/healthz"
e2e_keys cut r
e2e_wait cut "Could not load the queue: offline"
e2e_wait cut "offline, retrying"
rc_fault
e2e_wait cut "Back online"
e2e_wait cut "│ online"
e2e_ok "a connection cut mid-response: \"offline\" in the header and the status line; back online when lifted"
rc_kill_console cut

# --- 9: a slow body (trickled over 4 s): keys answered meanwhile, data arrives ---
rc_console slow 24 80 alice --refresh 0
e2e_wait slow "Open requests"
rc_fault "slow 4000 method=GET $queue_path"
e2e_keys slow : q u e u e Enter
rc_wait_proxy ' slow ' 1 5
rc_until 1000 "the spinner shows while the body trickles" rc_status_matches slow "$spinner"
e2e_keys slow ?
rc_until 1000 "? opens the help screen during a slow body" rc_screen_has slow "Keys of this screen"
t_help=$rc_took
e2e_keys slow q
rc_until 1000 "q closes the help screen" rc_screen_lacks slow "Keys of this screen"
e2e_wait_regex slow ' 1/[0-9]+ ' 15
e2e_expect_not_screen slow "Could not"
e2e_ok "a slow body (4 s): help opens in ${t_help} ms meanwhile, and the queue arrives complete"
rc_fault
rc_kill_console slow

# --- 10-11: a note whose answers are all lost: resubmitted by the user, applied once ---
req=$(e2e_api alice GET '/v1/requests?status=in_progress&assignee=none&limit=1' | json '.items[0].id')
note="Called the customer back, ticket $RANDOM"
notes_on_server() { e2e_api alice GET "/v1/requests/$req" | json "[.timeline[] | select(.kind == \"note\" and .text == \"$note\")] | length"; }
audit_notes() { e2e_api alice GET "/v1/audit?action=request.note&limit=200" | json "[.items[] | select(.target == \"$req\")] | length"; }
rc_console note 24 80 alice --refresh 0
e2e_wait note "Dashboard"
e2e_keys note :
e2e_type note "request $req"
e2e_keys note Enter
e2e_wait note "Timeline"
mark=$(log_mark)
rc_fault "drop-response method=POST path=/notes"
e2e_keys note c
e2e_wait note "Note:"
e2e_type note "$note"
e2e_keys note Enter
e2e_wait note "Could not add the note: offline"
e2e_wait note "your input is kept"
posts=$(proxy_lines_since "$mark" 'POST /v1/requests/.*/notes drop-response')
keys=$(echo "$posts" | grep -oE 'key=[^ ]+' | sort -u)
[[ $(echo "$posts" | wc -l) -ge 2 && $(echo "$keys" | wc -l) == 1 && $keys != key=- ]] ||
  e2e_fail "want the library's retries, all with one Idempotency-Key; the proxy saw:
$posts"
[[ $(notes_on_server) == 1 ]] || e2e_fail "after the lost answers the server has the note $(notes_on_server) times (want 1)"
e2e_ok "every answer to a note is lost: the console says offline and keeps the draft; the retries used one key; the server has it once"

rc_fault
e2e_keys note c
e2e_wait note "$note"
e2e_keys note Enter
e2e_wait note "Done (the server had it already): add the note"
posts=$(proxy_lines_since "$mark" 'POST /v1/requests/.*/notes')
[[ $(echo "$posts" | grep -oE 'key=[^ ]+' | sort -u | wc -l) == 1 ]] ||
  e2e_fail "the resubmission used another Idempotency-Key:
$posts"
[[ $(notes_on_server) == 1 ]] || e2e_fail "the server has the note $(notes_on_server) times (want 1)"
[[ $(audit_notes) == 1 ]] || e2e_fail "the audit log has $(audit_notes) request.note entries for $req (want 1)"
e2e_ok "c Enter resubmits the kept draft with the same intent: replayed, the note is on the server and in the audit log once"

# --- 12: a take whose answer is lost once: retried with the same key, applied once ---
mark=$(log_mark)
rc_fault "drop-response method=POST path=/assign times=1"
e2e_keys note t
e2e_wait note "Done (the server had it already): take the request"
posts=$(proxy_lines_since "$mark" 'POST /v1/requests/.*/assign')
[[ $(echo "$posts" | wc -l) == 2 && $(echo "$posts" | grep -oE 'key=[^ ]+' | sort -u | wc -l) == 1 ]] ||
  e2e_fail "want two attempts with one key; the proxy saw:
$posts"
[[ $(e2e_api alice GET "/v1/requests/$req" | json .assignee) == alice ]] || e2e_fail "the server's assignee is not alice"
n=$(e2e_api alice GET "/v1/audit?action=request.assign&limit=200" | json "[.items[] | select(.target == \"$req\")] | length")
[[ $n == 1 ]] || e2e_fail "the audit log has $n request.assign entries for $req (want 1)"
e2e_ok "a take whose answer is lost is retried by the library with the same key: done once (one request.assign)"
rc_kill_console note

# --- 13: the server unreachable (every connection dropped), then back ---
open_queue down
rc_fault "drop-request"
e2e_keys down r
e2e_wait down "offline, retrying"
e2e_wait down "Could not load the queue: offline"
rc_fault
e2e_wait down "Back online"
e2e_wait down "│ online"
e2e_wait_regex down ' 1/[0-9]+ '
e2e_ok "every connection dropped: offline, retrying; when lifted: Back online and the queue reloads"
rc_kill_console down
e2e_end
