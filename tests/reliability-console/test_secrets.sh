#!/usr/bin/env bash
# Secrets, console side: the token file's permissions are checked, the token
# never comes from argv and is not visible in the running process's argv or
# environment, never reaches stderr or a file the console writes, and the
# console can neither dump core nor be read through /proc by other users.
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
rc_begin 9
e2e_server --accounts 60 --requests 40 || exit 1
d=$e2e_dir
json() { jq -r "$@"; }
token=$(cat "$d/alice.token")
[[ -n $token ]] || { echo "no token" | e2e_diag; exit 1; }
requests_logged() { wc -l < "$d/access.log"; }

# no_token_in FILE...: none of the files contains the token
no_token_in() {
  local f
  for f in "$@"; do
    [[ -e $f ]] || continue
    if grep -qaF -- "$token" "$f"; then e2e_fail "the token is in $f"; fi
  done
}

# --- 1-2: token file permissions ---
cp "$d/alice.token" "$d/open.token"
chmod 0644 "$d/open.token"
before=$(requests_logged)
"$e2e_privdesk" --server "$e2e_url" --token-file "$d/open.token" > "$d/open.out" 2> "$d/open.err" < /dev/null
status=$?
[[ $status -ne 0 ]] || e2e_fail "a 0644 token file was accepted"
grep -qF "token file $d/open.token is accessible by group or others (mode 0644)" "$d/open.err" ||
  e2e_fail "the message does not name the file and its mode: $(cat "$d/open.err")"
grep -qF "chmod 600 $d/open.token" "$d/open.err" || e2e_fail "the message does not give the fix: $(cat "$d/open.err")"
[[ $(requests_logged) == "$before" ]] || e2e_fail "the console talked to the server with a refused token file"
no_token_in "$d/open.err" "$d/open.out"
e2e_ok "a 0644 token file is refused (status $status) with a message naming the file and \"chmod 600\"; nothing sent"

chmod 0640 "$d/open.token"
"$e2e_privdesk" --server "$e2e_url" --token-file "$d/open.token" 2> "$d/group.err" < /dev/null &&
  e2e_fail "a 0640 (group-readable) token file was accepted"
grep -qF "(mode 0640)" "$d/group.err" || e2e_fail "0640: $(cat "$d/group.err")"
chmod 0600 "$d/open.token"
e2e_console perm 24 80 open # the same token, now in a 0600 file
e2e_wait perm "alice (agent)"
e2e_wait perm "Open requests"
e2e_ok "a 0640 token file is refused too; the same file at 0600 is accepted and the console signs in"

# --- 3: --token is refused, and does not echo the token ---
for form in "--token $token" "--token=$token"; do
  # shellcheck disable=SC2086
  "$e2e_privdesk" --server "$e2e_url" $form > "$d/argv.out" 2> "$d/argv.err" < /dev/null
  status=$?
  [[ $status == 2 ]] || e2e_fail "${form%% *}: status $status (want 2)"
  grep -qF "never taken from the command line" "$d/argv.err" || e2e_fail "${form%%=*}: $(cat "$d/argv.err")"
  no_token_in "$d/argv.err" "$d/argv.out"
done
e2e_ok "--token VALUE and --token=VALUE are refused (status 2, \"never taken from the command line\"), the value not echoed"

# --- a running console to look at from outside (headless, in the background) ---
# probe_start WHO ENV-TOKEN(yes|no) [prefix command...]: sets probe_pid once
# the console has signed in (its GET /v1/me is in the access log).
probe_start() {
  local dir=$1 use_env=$2 i n
  shift 2
  printf '!wait\n!sleep 30000\n' > "$dir/probe.keys"
  n=$(grep -c '"/v1/me"' "$d/access.log")
  local args=(--server "$e2e_url")
  [[ $use_env == yes ]] || args+=(--token-file "$dir/alice.token")
  (
    cd "$dir" || exit 1
    export XDG_CONFIG_HOME=$dir # no configuration file
    if [[ $use_env == yes ]]; then export PRIVDESK_TOKEN=$token; fi
    PRIVDESK_TEST_SCRIPT=$dir/probe.keys PRIVDESK_TEST_SIZE=24x80 exec "$@" "$e2e_privdesk" "${args[@]}" \
      > /dev/null 2>> "$dir/probe.err"
  ) &
  probe_pid=$!
  rc_extra_cleanup+=("kill $probe_pid 2>/dev/null")
  for ((i = 0; i < 200; i++)); do
    (($(grep -c '"/v1/me"' "$d/access.log") > n)) && return 0
    sleep 0.05
  done
  e2e_fail "the probe console did not sign in: $(cat "$dir/probe.err")"
  return 1
}
probe_stop() { kill "$probe_pid" 2>/dev/null; wait "$probe_pid" 2>/dev/null; }

# --- 4-5: the token is in neither argv nor the environment of a running console ---
mkdir -p "$d/p1" && cp -p "$d/alice.token" "$d/p1/"
probe_start "$d/p1" yes env
args=$(ps -o args= -p "$probe_pid")
[[ $args == *privdesk* ]] || e2e_fail "ps does not show the console: $args"
[[ $args != *"$token"* ]] || e2e_fail "ps shows the token: $args"
tr '\0' '\n' < "/proc/$probe_pid/environ" > "$d/p1/environ" 2>/dev/null || e2e_fail "cannot read /proc/$probe_pid/environ"
grep -q '^PRIVDESK_TEST_SCRIPT=' "$d/p1/environ" || e2e_fail "the environ copy looks wrong: $(head -c 300 "$d/p1/environ")"
no_token_in "$d/p1/environ" "/proc/$probe_pid/cmdline"
if grep -q '^PRIVDESK_TOKEN=.' "$d/p1/environ"; then e2e_fail "PRIVDESK_TOKEN still has a value in /proc/PID/environ"; fi
probe_stop
e2e_ok "PRIVDESK_TOKEN: wiped from /proc/PID/environ once read (no value left), not in ps -o args"

mkdir -p "$d/p2" && cp -p "$d/alice.token" "$d/p2/"
probe_start "$d/p2" no env -u PRIVDESK_TOKEN
args=$(ps -o args= -p "$probe_pid")
[[ $args == *"--token-file $d/p2/alice.token"* && $args != *"$token"* ]] || e2e_fail "ps -o args: $args"
no_token_in "/proc/$probe_pid/cmdline" "/proc/$probe_pid/environ"
probe_stop
e2e_ok "--token-file: ps -o args shows the file name only; the token is in neither argv nor the environment"

# --- 6: the token is not in stderr, nor in the export the console saves ---
req=$(e2e_api alice POST /v1/requests "{\"account_id\":\"$(e2e_api alice GET '/v1/accounts?limit=50' |
  json '[.items[] | select(.status == "active")][0].id')\",\"type\":\"access\"}" | json .id)
version_of() { e2e_api alice GET "/v1/requests/$req" | json .version; }
for step in 'transition {"to":"verifying"}' 'transition {"to":"in_progress"}' \
  'verify {"method":"document","note":"ok"}' 'complete {}'; do
  e2e_api alice POST "/v1/requests/$req/${step%% *}" "${step#* }" -H "If-Match: \"$(version_of)\"" >/dev/null
done
[[ $(e2e_api alice GET "/v1/requests/$req" | json .status) == completed ]] || e2e_fail "set-up: $req is not completed"
cat > "$d/export.keys" <<KEYS
!wait
:request $req<Enter>
!wait
S
<C-u>saved-export.json<Enter>
!wait
!dump export.txt
:request req_aaaaaaaaaaaaaaaa<Enter>
!wait
!dump notfound.txt
KEYS
e2e_headless 24 80 alice export.keys
[[ -s $d/saved-export.json ]] || e2e_fail "the export was not saved: $(cat "$d/export.txt")"
jq -e ".request_id == \"$req\"" "$d/saved-export.json" >/dev/null || e2e_fail "the saved export is not the bundle of $req"
[[ $(stat -c %a "$d/saved-export.json") == 600 ]] || e2e_fail "the export is mode $(stat -c %a "$d/saved-export.json") (want 600)"
# a revoked token: the console fails to sign in, and says so without the token
"$e2e_privdeskd" user add rita --role agent --db "$d/e2e.db" --quiet > "$d/rita.token" && chmod 600 "$d/rita.token"
"$e2e_privdeskd" user revoke rita --db "$d/e2e.db" >/dev/null 2>&1
printf '!wait\n!dump revoked.txt\n' > "$d/revoked.keys"
e2e_headless 24 80 rita revoked.keys
grep -q "not signed in" "$d/revoked.txt" || e2e_fail "a revoked token: $(cat "$d/revoked.txt")"
token=$(cat "$d/rita.token") no_token_in "$d"/*.err "$d"/*.txt "$d"/p*/probe.err "$d/saved-export.json" "$d/revoked.txt"
no_token_in "$d"/*.err "$d"/*.txt "$d"/p*/probe.err "$d/saved-export.json" "$d"/*.out
e2e_ok "the token is in no stderr output and no file the console wrote (export saved 0600, screen dumps), also after a 401"

# --- 7-8: no core dumps: core size limit 0 and not dumpable ---
# Not dumpable shows from outside as /proc/PID/* belonging to root instead
# of the process's user; so, as root, the console runs as nobody.
mkdir -p "$d/p3" && cp -p "$d/alice.token" "$d/p3/"
prefix=(env)
if [[ $(id -u) == 0 ]]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$e2e_privdesk"; then
    chmod 0711 "$d"
    chown -R 65534:65534 "$d/p3"
    prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$d/p3" XDG_CONFIG_HOME="$d/p3")
  else
    prefix=()
  fi
fi
if ((${#prefix[@]})); then
  probe_start "$d/p3" no "${prefix[@]}"
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$probe_pid/status")
  limits=$(grep '^Max core file size' "/proc/$probe_pid/limits")
  [[ $limits =~ ^Max\ core\ file\ size\ +0\ +0\ +bytes ]] || e2e_fail "core limit: $limits"
  e2e_ok "/proc/PID/limits: $(echo $limits)"
  owner=$(stat -c %u "/proc/$probe_pid/environ")
  [[ $uid != 0 && $owner == 0 ]] ||
    e2e_fail "the console runs as uid $uid and its /proc/PID/environ belongs to uid $owner (want 0: not dumpable)"
  e2e_ok "not dumpable: the console runs as uid $uid, its /proc entries belong to root (prctl PR_SET_DUMPABLE 0)"
  probe_stop
else
  probe_start "$d/p3" no env
  limits=$(grep '^Max core file size' "/proc/$probe_pid/limits")
  [[ $limits =~ ^Max\ core\ file\ size\ +0\ +0\ +bytes ]] || e2e_fail "core limit: $limits"
  e2e_ok "/proc/PID/limits: $(echo $limits)"
  probe_stop
  rc_skip "running as root without setpriv or a binary that nobody may run: dumpability is not visible from outside"
fi

# --- 9: the token is not readable from the console's memory by the user either ---
# (sodium guarded memory: PROT_NONE at rest; a non-dumpable process's
# /proc/PID/mem is closed to its own user). As a non-root user only.
if [[ $(id -u) != 0 ]]; then
  probe_start "$d/p3" no env
  if head -c1 "/proc/$probe_pid/mem" >/dev/null 2>&1 || [[ -r /proc/$probe_pid/environ ]]; then
    e2e_fail "/proc/$probe_pid/environ or mem is readable by the console's own user"
  fi
  probe_stop
  e2e_ok "the console's /proc/PID/environ and mem are closed to its own user"
else
  uid_ok=${uid:-}
  if [[ -n $uid_ok && $uid_ok != 0 ]]; then
    probe_start "$d/p3" no "${prefix[@]}"
    if setpriv --reuid=65534 --regid=65534 --clear-groups cat "/proc/$probe_pid/environ" >/dev/null 2>&1; then
      e2e_fail "nobody can read the environment of its own non-dumpable console"
    fi
    probe_stop
    e2e_ok "the console's /proc/PID/environ is closed to its own user (nobody)"
  else
    rc_skip "the console could not run as another user"
  fi
fi
e2e_end
