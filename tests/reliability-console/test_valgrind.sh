#!/usr/bin/env bash
# Memory: the console's main workflows run headless (PRIVDESK_TEST_SCRIPT)
# under valgrind memcheck. A definite or indirect leak, an invalid read or
# write, or a use of uninitialised memory fails the case (--error-exitcode);
# ncurses' own still-reachable memory is fine. Also the error paths: broken
# answers from the fault proxy and a server that is not there.
# In the sanitizer build (PRIVDESK_SANITIZED=1) valgrind is not used
# (valgrind and ASan do not mix): the same scripts run natively there, and
# AddressSanitizer / LeakSanitizer judge them (exit status).
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
plan=5
rc_begin $plan
checker=memcheck
if [[ -n ${PRIVDESK_SANITIZED:-} ]]; then
  checker=ASan
  valgrind_cmd=()
else
  command -v valgrind >/dev/null || rc_skip_all $plan "valgrind is not installed"
  valgrind_cmd=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99)
fi
e2e_server --accounts 120 --requests 80 || exit 1
d=$e2e_dir
json() { jq -r "$@"; }

# vg NAME USER ROWS COLS URL: runs NAME.keys headless under memcheck; the
# case fails on any valgrind error or a failed script.
vg() {
  local name=$1 user=$2 rows=$3 cols=$4 url=$5 status
  local vgargs=()
  ((${#valgrind_cmd[@]})) && vgargs=("${valgrind_cmd[@]}" --log-file="$d/$name.vg")
  (cd "$d" && XDG_CONFIG_HOME=$d PRIVDESK_TEST_SCRIPT=$name.keys PRIVDESK_TEST_SIZE="${rows}x$cols" LANG=C.UTF-8 \
    "${vgargs[@]}" "$e2e_privdesk" --server "$url" --token-file "$d/$user.token" 2>> "$d/$name.err")
  status=$?
  if [[ $status == 99 || -s $d/$name.vg ]]; then
    e2e_fail "valgrind found errors in the $name run (status $status):"
    head -150 "$d/$name.vg" | e2e_diag
  elif grep -q 'Sanitizer' "$d/$name.err"; then
    e2e_fail "the sanitizers found errors in the $name run (status $status):"
    head -150 "$d/$name.err" | e2e_diag
  elif [[ $status != 0 ]]; then
    e2e_fail "the $name run failed (status $status): $(cat "$d/$name.err")"
  fi
}

version_of() { e2e_api alice GET "/v1/requests/$1" | json .version; }
post_if() { e2e_api alice POST "/v1/requests/$1/$2" "$3" -H "If-Match: \"$(version_of "$1")\"" >/dev/null; }
e2e_api sam GET '/v1/accounts?limit=200' > "$d/accounts.json"
free_account() { jq -r "[.items[] | select(.status == \"active\" and .active_holds == 0 and .open_requests == 0
  and (.id | IN($1) | not))][0].id" "$d/accounts.json"; }
acc=$(free_account '""')
acc_hold=$(free_account "\"$acc\"")
acc_erase=$(free_account "\"$acc\", \"$acc_hold\"")
req=$(e2e_api alice GET '/v1/requests?status=in_progress&assignee=none&overdue=false&limit=50' |
  json '[.items[] | select(.extended | not)][0].id')
ereq=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$acc_erase\",\"type\":\"erasure\"}" | json .id)
post_if "$ereq" transition '{"to":"verifying"}'
post_if "$ereq" transition '{"to":"in_progress"}'
post_if "$ereq" verify '{"method":"document","note":"passport"}'
email_erase=$(e2e_api alice GET "/v1/accounts/$acc_erase" | json .email)

# --- 1: an agent's day: dashboard, queue, request (take, note, move, extend), account, inventory, holds, audit, help, : ---
cat > "$d/agent.keys" <<KEYS
!wait
j
!dump a-dash.txt
:queue<Enter>
!wait
jjj
<Space>j<Space>
u
/a<Enter>
n
/<C-u><Enter>
s
!wait
<Tab>
!wait
<BTab>
!wait
:request $req<Enter>
!wait
t
!wait
c
Checked under valgrind<Enter>
!wait
s
Waiting for the customer<Enter>
!wait
e
Customer asked for more time<Enter>
!wait
!dump a-request.txt
:account $acc<Enter>
!wait
<Tab>
<Tab>
a
Phone call, ticket 42<Enter>
y
!wait
i
!wait
jj<Enter>
q
q
:holds<Enter>
!wait
<Tab>
!wait
<Enter>
q
:audit<Enter>
!wait
<Enter>
q
V
!wait
G
!wait
!dump a-audit.txt
?
jj
q
:que<Tab>
<Esc>
:acc<Tab>
<C-u>
<Esc>
:<Up><Esc>
!resize 50 200
!wait
!resize 24 80
:dashboard<Enter>
!wait
r
!wait
Q
KEYS
vg agent alice 24 80 "$e2e_url"
grep -q "Checked under valgrind" "$d/a-request.txt" || e2e_fail "the agent script did not add its note: $(cat "$d/a-request.txt")"
grep -q "Chain intact" "$d/a-audit.txt" || e2e_fail "the agent script did not verify the audit chain"
grep -q "Extension reason" "$d/a-request.txt" || e2e_fail "the agent script did not extend the deadline"
e2e_ok "$checker clean: dashboard, queue (marks, filter, sort, presets), request (take, note, wait, extend), account toggle, inventory, holds, audit (verify), help, command line, resize"

# --- 2: a supervisor: place a hold with the picker, release it; an erasure with typed confirmation ---
cat > "$d/super.keys" <<KEYS
!wait
:account $acc_hold<Enter>
!wait
H
jj<Space>j<Space>
<Enter>
CASE-VG<Enter>
Chargeback under valgrind<Enter>
y
!wait
h
!wait
x
Settled<Enter>
y
!wait
!dump s-released.txt
:request $ereq<Enter>
!wait
E
!wait
d
wrong@example.org<Enter>
<Esc>
d
$email_erase<Enter>
!wait
!dump s-erased.txt
Q
KEYS
vg super sam 24 80 "$e2e_url"
grep -q "Released hold" "$d/s-released.txt" || e2e_fail "the hold was not released: $(cat "$d/s-released.txt")"
grep -q "Erasure completed" "$d/s-erased.txt" || e2e_fail "the erasure did not complete: $(cat "$d/s-erased.txt")"
e2e_ok "$checker clean: place a hold (picker), release it, erasure preview, a wrong then the right confirmation"

# --- 3: broken answers (fault proxy): decode errors, 5xx, cut connections, lost write answers ---
if [[ -x $rc_faultproxy ]] && rc_proxy_start; then
  rc_fault "malformed method=GET path=/v1/stats times=1" "truncate method=GET path=/v1/requests? times=1" \
    "cut-response method=GET path=/v1/accounts times=4" "status 500 method=GET path=/v1/audit times=1" \
    "malformed method=GET path=/v1/holds times=1" "truncate method=GET path=/v1/requests/req_ times=1" \
    "drop-response method=POST path=/notes times=4" "status 503 method=POST path=/assign times=1"
  cat > "$d/faults.keys" <<KEYS
!wait
r
!wait
:queue<Enter>
!wait
r
!wait
:request $req<Enter>
!wait
r
!wait
c
Lost answer under valgrind<Enter>
!wait
c
<Enter>
!wait
!dump f-note.txt
:account $acc<Enter>
!wait 20000
!sleep 2500
!wait
:holds<Enter>
!wait
r
!wait
:audit<Enter>
!wait
r
!wait
Q
KEYS
  vg faults alice 24 80 "$rc_purl"
  grep -q "add the note" "$d/f-note.txt" || e2e_fail "the note was not resubmitted: $(cat "$d/f-note.txt")"
  e2e_ok "$checker clean through malformed, truncated and cut answers, 5xx and lost write answers"
else
  rc_skip "the fault proxy is not available"
fi

# --- 4: no server at all: offline, probes, a write refused, quit ---
port=$(cat "$d/port")
e2e_server_stop
cat > "$d/offline.keys" <<KEYS
!wait 20000
:request $req<Enter>
!wait 20000
c
Offline note<Enter>
!wait 20000
!sleep 2200
!dump o-offline.txt
Q
KEYS
vg offline alice 24 80 "http://127.0.0.1:$port"
grep -q "offline" "$d/o-offline.txt" || e2e_fail "the console did not say offline: $(cat "$d/o-offline.txt")"
e2e_ok "$checker clean with the server gone: offline state, probes, failed reads and a kept draft"

# --- 5: start-up failures: bad token file, --token, bad URL ---
chmod 644 "$d/bob.token"
for args in "--server http://127.0.0.1:$port --token-file $d/bob.token" "--server http://127.0.0.1:$port --token x" \
  "--server ftp://nowhere --token-file $d/alice.token" "--help"; do
  # shellcheck disable=SC2086
  rm -f "$d/start.vg"
  vgargs=()
  ((${#valgrind_cmd[@]})) && vgargs=("${valgrind_cmd[@]}" --log-file="$d/start.vg")
  (cd "$d" && XDG_CONFIG_HOME=$d "${vgargs[@]}" "$e2e_privdesk" $args > /dev/null 2> "$d/start.err" < /dev/null)
  status=$?
  if [[ $status == 99 || -s $d/start.vg ]] || grep -q Sanitizer "$d/start.err"; then
    e2e_fail "$checker errors with $args:"
    cat "$d/start.vg" "$d/start.err" 2>/dev/null | e2e_diag
  fi
done
e2e_ok "$checker clean on start-up failures (open token file, --token, bad URL) and --help"
e2e_end
