# shellcheck shell=bash
# End-to-end test helpers: a seeded privdeskd on a free loopback port, the
# privdesk console inside a real terminal (tmux, at a fixed size), keys sent
# to it and screen text awaited with a timeout. Output is TAP.
#
#   . "$TOP_SRCDIR/tests/e2e/lib.sh"
#   e2e_begin 3                      # plan
#   e2e_server --accounts 300 --requests 120
#   e2e_console main 24 80 alice
#   e2e_wait main "Queue"            # fails the case with a screen dump on timeout
#   e2e_keys main j j Enter
#   e2e_ok "opens a request"
#
# Nothing waits with a bare sleep for a result: every wait polls the screen
# (or the server) for the text that proves the step happened.

set -u

E2E_TIMEOUT=${E2E_TIMEOUT:-15}
e2e_dir=
e2e_socket=
e2e_pid=
e2e_port=
e2e_url=
e2e_case_failed=0
e2e_n=0
e2e_fail_count=0
e2e_privdeskd=${PRIVDESKD:-./privdeskd}
e2e_privdesk=${PRIVDESK:-./privdesk}

e2e_cleanup() {
  [[ -n $e2e_socket ]] && tmux -L "$e2e_socket" kill-server 2>/dev/null
  if [[ -n $e2e_pid ]]; then
    kill "$e2e_pid" 2>/dev/null
    wait "$e2e_pid" 2>/dev/null
  fi
  if [[ -n $e2e_dir && -z ${E2E_KEEP:-} ]]; then
    rm -rf "$e2e_dir"
  fi
}

# e2e_begin PLAN: TAP plan, temporary directory, private tmux server.
e2e_begin() {
  echo "1..$1"
  e2e_dir=$(mktemp -d "${TMPDIR:-/tmp}/privdesk-e2e.XXXXXX")
  e2e_socket="privdesk-e2e-$$"
  trap e2e_cleanup EXIT
  if ! command -v tmux >/dev/null; then
    for ((i = 1; i <= $1; i++)); do echo "ok $i # SKIP tmux is not installed"; done
    exit 0
  fi
}

e2e_diag() { sed 's/^/# /' >&2; }

# The verdict of the current case; resets the failure flag.
e2e_ok() {
  e2e_n=$((e2e_n + 1))
  if [[ $e2e_case_failed -eq 0 ]]; then
    echo "ok $e2e_n - $*"
  else
    echo "not ok $e2e_n - $*"
    e2e_fail_count=$((e2e_fail_count + 1))
  fi
  e2e_case_failed=0
}

e2e_fail() {
  echo "$*" | e2e_diag
  e2e_case_failed=1
}

# e2e_server [seed options]: seeds a database, adds users alice/bob (agents),
# sam (supervisor), vera (viewer) with 0600 token files, starts privdeskd.
e2e_server() {
  local db="$e2e_dir/e2e.db"
  "$e2e_privdeskd" seed --db "$db" --seed 11 "$@" 2>"$e2e_dir/seed.err" || {
    cat "$e2e_dir/seed.err" | e2e_diag
    return 1
  }
  local who
  for who in alice:agent bob:agent sam:supervisor vera:viewer; do
    (umask 077 && "$e2e_privdeskd" user add "${who%%:*}" --role "${who#*:}" --db "$db" --quiet \
      > "$e2e_dir/${who%%:*}.token") || return 1
  done
  e2e_server_start
}

# Starts (or restarts) privdeskd on the database; keeps the port across restarts.
e2e_server_start() {
  local listen="127.0.0.1:${e2e_port:-0}"
  rm -f "$e2e_dir/port"
  "$e2e_privdeskd" serve --listen "$listen" --db "$e2e_dir/e2e.db" --port-file "$e2e_dir/port" \
    --log "$e2e_dir/access.log" --rate-limit 0 2>>"$e2e_dir/server.err" &
  e2e_pid=$!
  local i
  for ((i = 0; i < 400; i++)); do
    [[ -s $e2e_dir/port ]] && break
    kill -0 "$e2e_pid" 2>/dev/null || { e2e_pid=; tail -5 "$e2e_dir/server.err" | e2e_diag; return 1; }
    sleep 0.05
  done
  e2e_port=$(cat "$e2e_dir/port")
  e2e_url="http://127.0.0.1:$e2e_port"
}

e2e_server_stop() {
  [[ -n $e2e_pid ]] || return 0
  kill "$e2e_pid" 2>/dev/null
  wait "$e2e_pid" 2>/dev/null
  e2e_pid=
}

# e2e_api USER METHOD PATH [BODY] [extra curl args]: a direct API call (set-up, checks).
e2e_api() {
  local user=$1 method=$2 path=$3 body=${4:-}
  shift 4 2>/dev/null || shift $#
  local args=(-s -X "$method" -H "Authorization: Bearer $(cat "$e2e_dir/$user.token")")
  [[ -n $body ]] && args+=(-H 'Content-Type: application/json' --data "$body")
  curl "${args[@]}" "$@" "$e2e_url$path"
}

# e2e_console NAME ROWS COLS USER [privdesk options...]: the console in a tmux
# session of exactly ROWS x COLS, logged in as USER through a token file.
# E2E_TERM (default xterm-256color), E2E_LANG (default C.UTF-8) and E2E_ENV
# (more VAR=value words, e.g. NO_COLOR=1) set its environment. Give NAME a
# digit (q24, ro50): tmux would take a bare letter that starts the name of
# a window ("b" for "bash") as that window.
e2e_console() {
  local name=$1 rows=$2 cols=$3 user=$4
  shift 4
  local cmd
  printf -v cmd '%q ' env TERM="${E2E_TERM:-xterm-256color}" LANG="${E2E_LANG:-C.UTF-8}" ${E2E_ENV:-} \
    "$e2e_privdesk" --server "$e2e_url" --token-file "$e2e_dir/$user.token" "$@"
  tmux -L "$e2e_socket" -f /dev/null new-session -d -s "$name" -x "$cols" -y "$rows" \
    "$cmd 2>>$e2e_dir/console-$name.err; echo '[console exited]' \$?; sleep 600"
  tmux -L "$e2e_socket" set-option -t "$name" status off >/dev/null
  tmux -L "$e2e_socket" resize-window -t "$name" -x "$cols" -y "$rows" 2>/dev/null || true
}

e2e_resize() { tmux -L "$e2e_socket" resize-window -t "$1" -x "$3" -y "$2"; }

# e2e_keys NAME KEY...: tmux key names (Enter, Escape, Up, Down, Tab, Space, C-l, ...).
e2e_keys() {
  local name=$1
  shift
  tmux -L "$e2e_socket" send-keys -t "$name" "$@"
}

# e2e_type NAME TEXT: literal text.
e2e_type() { tmux -L "$e2e_socket" send-keys -t "$1" -l -- "$2"; }

e2e_screen() { tmux -L "$e2e_socket" capture-pane -p -t "$1"; }
# With escape sequences for colours and attributes.
e2e_screen_attrs() { tmux -L "$e2e_socket" capture-pane -p -e -t "$1"; }

# e2e_wait NAME TEXT [SECONDS]: until the screen shows TEXT (fixed string).
e2e_wait() {
  local name=$1 text=$2 limit=${3:-$E2E_TIMEOUT}
  local deadline=$((SECONDS + limit))
  while ((SECONDS <= deadline)); do
    e2e_screen "$name" | grep -qF -- "$text" && return 0
    sleep 0.05
  done
  e2e_fail "timed out after ${limit}s waiting for \"$text\" on screen $name:"
  e2e_screen "$name" | e2e_diag
  return 1
}

# e2e_wait_gone NAME TEXT [SECONDS]: until TEXT is no longer on screen.
e2e_wait_gone() {
  local name=$1 text=$2 limit=${3:-$E2E_TIMEOUT}
  local deadline=$((SECONDS + limit))
  while ((SECONDS <= deadline)); do
    e2e_screen "$name" | grep -qF -- "$text" || return 0
    sleep 0.05
  done
  e2e_fail "timed out after ${limit}s waiting for \"$text\" to go from screen $name:"
  e2e_screen "$name" | e2e_diag
  return 1
}

# e2e_wait_regex NAME ERE [SECONDS]
e2e_wait_regex() {
  local name=$1 re=$2 limit=${3:-$E2E_TIMEOUT}
  local deadline=$((SECONDS + limit))
  while ((SECONDS <= deadline)); do
    e2e_screen "$name" | grep -qE -- "$re" && return 0
    sleep 0.05
  done
  e2e_fail "timed out after ${limit}s waiting for /$re/ on screen $name:"
  e2e_screen "$name" | e2e_diag
  return 1
}

# e2e_expect_screen NAME TEXT: the screen shows TEXT now (no waiting).
e2e_expect_screen() {
  e2e_screen "$1" | grep -qF -- "$2" && return 0
  e2e_fail "expected \"$2\" on screen $1:"
  e2e_screen "$1" | e2e_diag
  return 1
}

e2e_expect_not_screen() {
  e2e_screen "$1" | grep -qF -- "$2" || return 0
  e2e_fail "did not expect \"$2\" on screen $1:"
  e2e_screen "$1" | e2e_diag
  return 1
}

e2e_pane_title() { tmux -L "$e2e_socket" display-message -p -t "$1" '#{pane_title}'; }

# e2e_end: exit status for the TAP driver.
e2e_end() {
  [[ $e2e_fail_count -eq 0 ]]
}

# e2e_headless ROWS COLS USER SCRIPT [privdesk options...]: runs the console
# headless (tui/script.h: keys from SCRIPT, `!dump FILE` writes the virtual
# screen) in $e2e_dir, so dumps land there. Returns the console's status.
e2e_headless() {
  local rows=$1 cols=$2 user=$3 script=$4
  shift 4
  (cd "$e2e_dir" && PRIVDESK_TEST_SCRIPT="$script" PRIVDESK_TEST_SIZE="${rows}x${cols}" LANG="${E2E_LANG:-C.UTF-8}" \
    "$e2e_privdesk" --server "$e2e_url" --token-file "$e2e_dir/$user.token" "$@" 2>>"$e2e_dir/headless.err")
}

# e2e_dump_has FILE TEXT: the dump (in $e2e_dir) contains TEXT.
e2e_dump_has() {
  grep -qF -- "$2" "$e2e_dir/$1" && return 0
  e2e_fail "expected \"$2\" in $1:"
  e2e_diag < "$e2e_dir/$1"
  return 1
}

e2e_dump_lacks() {
  grep -qF -- "$2" "$e2e_dir/$1" || return 0
  e2e_fail "did not expect \"$2\" in $1:"
  e2e_diag < "$e2e_dir/$1"
  return 1
}

# ---- helpers of the workflow tests (test_queue.sh, test_request.sh, ...) ----

# e2e_command NAME TEXT: the command line: `:`, TEXT, Enter.
e2e_command() {
  e2e_keys "$1" :
  e2e_type "$1" "$2"
  e2e_keys "$1" Enter
}

# e2e_styles NAME: every screen line as "STYLE<TAB>TEXT", STYLE being the
# colours and attributes in effect at the line's first non-blank character,
# worked out from `capture-pane -e` (tmux sends only the changes, also across
# lines): "fg=196 bg=- bold", "fg=- bg=- rev", ... (- is the default colour).
e2e_styles() { e2e_screen_attrs "$1" | perl -e "$e2e_sgr_perl" -- --lines; }

# e2e_style_of NAME TEXT: the style of the first character of the first
# occurrence of TEXT on screen (nothing when TEXT is not there).
e2e_style_of() { e2e_screen_attrs "$1" | perl -e "$e2e_sgr_perl" -- --at "$2"; }

e2e_sgr_perl='
my ($mode, $want) = @ARGV;
my ($fg, $bg, %a) = ("-", "-");
sub style { join " ", "fg=$fg", "bg=$bg", sort keys %a }
my %on = (1 => "bold", 2 => "dim", 3 => "italic", 4 => "ul", 5 => "blink", 7 => "rev", 8 => "hidden", 9 => "strike");
my %off = (21 => ["bold", "dim"], 22 => ["bold", "dim"], 23 => ["italic"], 24 => ["ul"], 25 => ["blink"],
           27 => ["rev"], 28 => ["hidden"], 29 => ["strike"]);
sub sgr {
  my @p = split /[;:]/, $_[0], -1;
  @p = (0) unless @p;
  while (@p) {
    my $n = shift @p;
    $n = 0 if $n eq "";
    if ($n == 0) { ($fg, $bg, %a) = ("-", "-") }
    elsif ($on{$n}) { $a{$on{$n}} = 1 }
    elsif ($off{$n}) { delete @a{@{$off{$n}}} }
    elsif ($n >= 30 && $n <= 37) { $fg = "c" . ($n - 30) }
    elsif ($n >= 90 && $n <= 97) { $fg = "c" . ($n - 82) }
    elsif ($n >= 40 && $n <= 47) { $bg = "c" . ($n - 40) }
    elsif ($n >= 100 && $n <= 107) { $bg = "c" . ($n - 92) }
    elsif ($n == 39) { $fg = "-" }
    elsif ($n == 49) { $bg = "-" }
    elsif ($n == 38 || $n == 48) {
      my $k = shift @p // 5;
      my $c = $k == 2 ? join(",", splice(@p, 0, 3)) : (shift @p // 0);
      if ($n == 38) { $fg = $c } else { $bg = $c }
    }
  }
}
while (my $line = <STDIN>) {
  chomp $line;
  my ($plain, @st) = ("");
  while (length $line) {
    if ($line =~ s/^\e\[([0-9;:]*)m//) { sgr($1); next }
    if ($line =~ s/^\e[()][0-9A-Za-z]// || $line =~ s/^\e\[[0-9;?]*[A-Za-z]// || $line =~ s/^\e.//s) { next }
    $line =~ s/^(.)//s;
    $plain .= $1;
    push @st, style();
  }
  if ($mode eq "--at") {
    my $i = index($plain, $want);
    if ($i >= 0) { print "$st[$i]\n"; exit 0 }
  } elsif ($plain =~ /\S/) {
    print "$st[$-[0]]\t$plain\n";
  } else {
    print "\t$plain\n";
  }
}
'

# e2e_ok_todo REASON DESCRIPTION: like e2e_ok, for a case that shows a known
# console bug: "not ok N - ... # TODO REASON" does not fail the suite (an
# unexpected pass, XPASS, does: the bug is fixed, drop the TODO).
e2e_ok_todo() {
  local reason=$1
  shift
  e2e_n=$((e2e_n + 1))
  if [[ $e2e_case_failed -eq 0 ]]; then
    echo "ok $e2e_n - $* # TODO $reason"
  else
    echo "not ok $e2e_n - $* # TODO $reason"
  fi
  e2e_case_failed=0
}

# e2e_wait_check NAME WHAT FUNCTION [SECONDS]: until FUNCTION, given the screen
# on its standard input, succeeds (WHAT names the condition in the failure).
e2e_wait_check() {
  local name=$1 what=$2 fn=$3 limit=${4:-$E2E_TIMEOUT}
  local deadline=$((SECONDS + limit))
  while ((SECONDS <= deadline)); do
    e2e_screen "$name" | "$fn" && return 0
    sleep 0.05
  done
  e2e_fail "timed out after ${limit}s waiting for $what on screen $name:"
  e2e_screen "$name" | e2e_diag
  return 1
}

# ---- set-up through the API (needs jq) ----

# e2e_all_accounts FILE: every account, as one JSON array, into FILE.
e2e_all_accounts() {
  local cursor= page
  echo '[]' > "$1"
  while :; do
    page=$(e2e_api sam GET "/v1/accounts?limit=200${cursor:+&cursor=$cursor}")
    jq -s '.[0] + .[1].items' "$1" - <<< "$page" > "$1.tmp" && mv "$1.tmp" "$1"
    cursor=$(jq -r '.next_cursor // empty' <<< "$page")
    [[ -n $cursor ]] || break
  done
}

# e2e_new_request USER ACCOUNT TYPE [EXTRA]: creates a request, prints its id.
# EXTRA: more JSON members, e.g. '"details":{"processing":"analytics"}'.
e2e_new_request() {
  e2e_api "$1" POST /v1/requests "{\"account_id\":\"$2\",\"type\":\"$3\"${4:+,$4}}" | jq -r '.id // empty'
}

# e2e_request_do USER ID ACTION BODY: POST /v1/requests/ID/ACTION with the
# request's current version as If-Match (set-up: transition, verify, assign ...).
e2e_request_do() {
  local v
  v=$(e2e_api "$1" GET "/v1/requests/$2" | jq -r .version)
  e2e_api "$1" POST "/v1/requests/$2/$3" "$4" -H "If-Match: \"$v\""
}

# e2e_request_field USER ID JQ: a field of the request as the server has it now.
e2e_request_field() { e2e_api "$1" GET "/v1/requests/$2" | jq -r "$3"; }

# e2e_sent METHOD PATH: how many METHOD requests for PATH (an ERE matching the
# whole path) the server has logged, to prove that a refused action sent nothing.
e2e_sent() {
  jq -r --arg m "$1" 'select(.method == $m) | .path' "$e2e_dir/access.log" 2> /dev/null | grep -cE "^($2)\$"
}
