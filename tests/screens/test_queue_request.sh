#!/usr/bin/env bash
# Headless screen tests (tui/script.h) of the queue and the request detail:
# keys from a script, the virtual screen dumped to text and checked.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 6
e2e_server --accounts 300 --requests 120 || exit 1

cat > "$e2e_dir/queue.keys" <<'KEYS'
!wait
:queue<Enter>
!wait
!dump q-open.txt
<Tab>
!wait
!dump q-mine.txt
<BTab><BTab>
!wait
!dump q-all.txt
/zzzz-no-such<Enter>
!dump q-filtered.txt
KEYS
e2e_headless 24 80 alice queue.keys
e2e_dump_has q-open.txt "Queue: open"
e2e_dump_has q-open.txt "Due"
e2e_dump_has q-open.txt "Account"
e2e_ok "the open queue lists requests with its columns at 80x24"
e2e_dump_has q-mine.txt "Queue: mine"
e2e_dump_lacks q-mine.txt " bob "
e2e_ok "Tab switches to the next preset (mine: nobody else's requests)"
e2e_dump_has q-filtered.txt "No request matches the filter"
e2e_ok "a filter that matches nothing says so"

# the request detail: take it, add a note, see both in the timeline
id=$(e2e_api alice GET '/v1/requests?status=in_progress&assignee=none&limit=1' | sed -n 's/.*"id":"\(req_[a-z2-7]*\)".*/\1/p' | head -1)
cat > "$e2e_dir/request.keys" <<KEYS
!wait
:request $id<Enter>
!wait
!dump r-before.txt
t
!wait
c
Checked the billing system<Enter>
!wait
!dump r-after.txt
KEYS
e2e_headless 40 120 alice request.keys
e2e_dump_has r-before.txt "$id"
e2e_dump_has r-before.txt "unassigned"
e2e_ok "the request detail shows the request, unassigned"
e2e_dump_has r-after.txt "Assignee:"
e2e_dump_has r-after.txt "alice"
e2e_dump_has r-after.txt "Checked the billing system"
e2e_ok "t takes the request and c adds a note; both show in the detail"
e2e_api alice GET "/v1/requests/$id" | grep -q '"assignee":"alice"' || e2e_fail "the server does not have alice as assignee"
e2e_ok "the take reached the server"
e2e_end
