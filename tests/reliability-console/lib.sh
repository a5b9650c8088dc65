# shellcheck shell=bash
# Helpers for the console's reliability tests, on top of tests/e2e/lib.sh:
# the fault proxy (tests/faultproxy) between the console and privdeskd,
# timing with millisecond resolution, and TAP skips.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"

rc_faultproxy=${TOP_BUILDDIR:-.}/tests/faultproxy/faultproxy
rc_proxy_pid=
rc_purl=
rc_extra_cleanup=()

rc_cleanup() {
  local i
  for ((i = ${#rc_extra_cleanup[@]} - 1; i >= 0; i--)); do eval "${rc_extra_cleanup[i]}"; done # last in, first out
  if [[ -n $rc_proxy_pid ]]; then
    kill "$rc_proxy_pid" 2>/dev/null
    wait "$rc_proxy_pid" 2>/dev/null
  fi
  e2e_cleanup
}

# rc_begin PLAN: like e2e_begin, with the proxy's clean-up too.
rc_begin() {
  e2e_begin "$1"
  trap rc_cleanup EXIT
  # a session that outlives the consoles: tmux exits with its last session,
  # and a console started just then would race with the exiting server
  tmux -L "$e2e_socket" -f /dev/null new-session -d -s keeper "sleep 3600" 2>/dev/null || true
}

# rc_skip_all PLAN REASON: every case skipped, then exit.
rc_skip_all() {
  local i
  for ((i = e2e_n + 1; i <= $1; i++)); do echo "ok $i # SKIP $2"; done
  exit 0
}

# rc_skip REASON: skips the next case.
rc_skip() {
  e2e_n=$((e2e_n + 1))
  echo "ok $e2e_n # SKIP $*"
  e2e_case_failed=0
}

# rc_fault RULE...: replaces the proxy's control file (one rule per
# argument; none: pass everything). Atomic, so the proxy never reads half.
rc_fault() {
  local f="$e2e_dir/fault.ctl"
  printf '%s\n' "# $RANDOM$RANDOM" "$@" > "$f.tmp" && mv "$f.tmp" "$f"
}

# rc_proxy_start: the fault proxy in front of the running privdeskd ($rc_purl).
rc_proxy_start() {
  rc_fault
  rm -f "$e2e_dir/proxy.port"
  "$rc_faultproxy" --upstream "127.0.0.1:$e2e_port" --control "$e2e_dir/fault.ctl" \
    --port-file "$e2e_dir/proxy.port" --log "$e2e_dir/proxy.log" 2>>"$e2e_dir/proxy.err" &
  rc_proxy_pid=$!
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s $e2e_dir/proxy.port ]] && break
    sleep 0.05
  done
  [[ -s $e2e_dir/proxy.port ]] || { echo "the fault proxy did not start" | e2e_diag; return 1; }
  rc_purl="http://127.0.0.1:$(cat "$e2e_dir/proxy.port")"
}

# rc_console NAME ROWS COLS USER [options]: a tmux console talking to the proxy.
rc_console() {
  local e2e_url=$rc_purl
  e2e_console "$@"
}

rc_now_ms() { date +%s%3N; }

# rc_within NAME MS TEXT: the screen shows TEXT within MS milliseconds
# (measured from the call); fails the case otherwise. Sets rc_took (ms).
rc_within() {
  local name=$1 ms=$2 text=$3 start now
  start=$(rc_now_ms)
  while :; do
    now=$(rc_now_ms)
    if e2e_screen "$name" | grep -qF -- "$text"; then
      rc_took=$((now - start))
      return 0
    fi
    if ((now - start > ms)); then
      rc_took=$((now - start))
      e2e_fail "\"$text\" did not appear within ${ms} ms on screen $name:"
      e2e_screen "$name" | e2e_diag
      return 1
    fi
    sleep 0.02
  done
}

# rc_proxy_count ERE: lines of the proxy log matching ERE.
rc_proxy_count() { grep -cE -- "$1" "$e2e_dir/proxy.log" 2>/dev/null || true; }

# rc_wait_proxy ERE [N] [SECONDS]: until the proxy log has N lines matching ERE.
rc_wait_proxy() {
  local re=$1 n=${2:-1} limit=${3:-$E2E_TIMEOUT}
  local deadline=$((SECONDS + limit))
  while ((SECONDS <= deadline)); do
    (($(rc_proxy_count "$re") >= n)) && return 0
    sleep 0.05
  done
  e2e_fail "the proxy did not see $n request(s) matching /$re/; its log:"
  tail -20 "$e2e_dir/proxy.log" | e2e_diag
  return 1
}

# rc_status_line NAME: the last row of the screen.
rc_status_line() { e2e_screen "$1" | tail -1; }

# rc_until MS WHAT CMD...: runs CMD until it succeeds, for at most MS
# milliseconds from the call; fails the case (saying WHAT) otherwise.
# Sets rc_took (ms).
rc_until() {
  local ms=$1 what=$2 start now
  shift 2
  start=$(rc_now_ms)
  while :; do
    now=$(rc_now_ms)
    if "$@"; then
      rc_took=$((now - start))
      return 0
    fi
    if ((now - start > ms)); then
      rc_took=$((now - start))
      e2e_fail "not within ${ms} ms: $what"
      return 1
    fi
    sleep 0.02
  done
}

# rc_status_matches NAME ERE: the status line (last row) matches ERE.
rc_status_matches() { rc_status_line "$1" | grep -qE -- "$2"; }
# rc_screen_has NAME TEXT: fixed string anywhere on the screen.
rc_screen_has() { e2e_screen "$1" | grep -qF -- "$2"; }
rc_screen_lacks() { ! e2e_screen "$1" | grep -qF -- "$2"; }

# rc_kill_console NAME: ends a tmux console session.
rc_kill_console() { tmux -L "$e2e_socket" kill-session -t "$1" 2>/dev/null || true; }
