#!/usr/bin/env bash
# The console's configuration file: profiles, their selection, precedence,
# key overrides, and errors that name the file, the line and the problem.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 8
e2e_server --accounts 30 --requests 10 || exit 1
export XDG_CONFIG_HOME=$e2e_dir/xdg
mkdir -p "$XDG_CONFIG_HOME/privdesk"
cfg=$XDG_CONFIG_HOME/privdesk/config
cat > "$cfg" <<INI
; privdesk configuration
[defaults]
refresh = 45

[profile local]
server = $e2e_url
token_file = $e2e_dir/alice.token
default = true

[profile supervisor]
server = $e2e_url
token_file = $e2e_dir/sam.token

[profile prod]
server = https://privacy.example.com
production = true
INI
unset PRIVDESK_PROFILE PRIVDESK_TOKEN
pd() { "$e2e_privdesk" "$@"; }

out=$(pd --list-profiles)
echo "$out" | grep -q '^local .*(default)' && echo "$out" | grep -q '^prod .*\[production\]' &&
  echo "$out" | grep -q '^supervisor ' || e2e_fail "list-profiles: $out"
e2e_ok "--list-profiles lists every profile, the default and production ones marked"

pd get stats | grep -q '^mine' || e2e_fail "the default profile did not work"
[[ $(pd get stats --json | jq .mine) == $(e2e_api alice GET /v1/stats | jq .mine) ]] || e2e_fail "not alice's counts"
e2e_ok "without --profile the profile marked default is used"

sam_mine=$(e2e_api sam GET /v1/stats | jq .mine)
[[ $(PRIVDESK_PROFILE=supervisor pd get stats --json | jq .mine) == "$sam_mine" ]] || e2e_fail "PRIVDESK_PROFILE ignored"
[[ $(PRIVDESK_PROFILE=prod pd --profile supervisor get stats --json | jq .mine) == "$sam_mine" ]] ||
  e2e_fail "--profile does not win over PRIVDESK_PROFILE"
e2e_ok "PRIVDESK_PROFILE selects a profile; --profile wins over it"

[[ $(pd --profile prod --server "$e2e_url" --token-file "$e2e_dir/sam.token" get stats --json | jq .mine) == "$sam_mine" ]] ||
  e2e_fail "command-line options do not win over the profile"
e2e_ok "command-line options win over the profile's settings"

pd --profile nosuch get stats 2>"$e2e_dir/err"; rc=$?
[[ $rc -eq 2 ]] && grep -q 'no profile "nosuch"' "$e2e_dir/err" || e2e_fail "unknown profile: exit $rc, $(cat "$e2e_dir/err")"
e2e_ok "an unknown profile is named, exit 2"

# bad files: each error names the file, the line and the problem
check_bad() { # LINE PATTERN CONTENT
  printf '%b' "$3" > "$e2e_dir/bad.ini"
  pd --config "$e2e_dir/bad.ini" --list-profiles 2>"$e2e_dir/err" >/dev/null; local rc=$?
  [[ $rc -eq 2 ]] && grep -q "^privdesk: $e2e_dir/bad.ini:$1: .*$2" "$e2e_dir/err" ||
    e2e_fail "expected \"bad.ini:$1: ...$2\", exit 2; got exit $rc: $(cat "$e2e_dir/err")"
}
check_bad 2 'unknown setting "colour"' '[defaults]\ncolour = red\n'
check_bad 3 'unknown section \[profiles x\]' '# comment\n\n[profiles x]\nserver = http://x\n'
check_bad 2 'server must start with https:// or http://' '[profile a]\nserver = ftp://x\n'
check_bad 3 'refresh must be seconds' '[profile a]\nserver = http://x\nrefresh = soon\n'
check_bad 3 'defined twice' '[profile a]\nserver = http://x\n[profile a]\nserver = http://y\n'
check_bad 2 'production must be true or false' '[profile a]\nproduction = maybe\nserver = http://x\n'
check_bad 1 'not a valid line' 'this is not ini\n'
check_bad 2 'outside a section' '\nserver = http://x\n'
e2e_ok "bad files are refused with file:line: problem"

printf '[profile a]\nserver = http://x\n[keys]\nrefresh = r\nqueue.take = <Nope>\n' > "$e2e_dir/keys.ini"
pd --config "$e2e_dir/keys.ini" --profile a get stats 2>"$e2e_dir/err" >/dev/null; rc=$?
[[ $rc -eq 2 ]] && grep -q "keys.ini:5: \[keys\] queue.take" "$e2e_dir/err" || e2e_fail "bad key override: exit $rc, $(cat "$e2e_dir/err")"
printf '[profile a]\nserver = http://x\n[keys]\nmove-down = k\n' > "$e2e_dir/keys2.ini"
pd --config "$e2e_dir/keys2.ini" --profile a get stats 2>"$e2e_dir/err" >/dev/null
grep -q "keys2.ini:4: .*bound twice" "$e2e_dir/err" || e2e_fail "conflicting key override: $(cat "$e2e_dir/err")"
e2e_ok "key overrides with a bad key or a conflicting one are refused with the line"

# a key override takes effect in the console: T takes in the queue
printf '[keys]\nqueue.take = T\n' >> "$cfg"
cat > "$e2e_dir/take.keys" <<'KEYS'
!wait
:queue unassigned<Enter>
!wait
?
!dump help.txt
<Esc>
T
!wait
!dump taken.txt
KEYS
(cd "$e2e_dir" && PRIVDESK_TEST_SCRIPT=take.keys PRIVDESK_TEST_SIZE=40x120 "$e2e_privdesk" --profile local 2>>headless.err)
grep -q '^ *T  *Take the marked' "$e2e_dir/help.txt" || grep -q 'T .*Take the marked' "$e2e_dir/help.txt" ||
  e2e_fail "the help does not show T for take: $(cat "$e2e_dir/help.txt")"
grep -q 'assigned to alice\|alice' "$e2e_dir/taken.txt" || e2e_fail "T did not take: $(cat "$e2e_dir/taken.txt")"
e2e_ok "a [keys] override rebinds the key and the help shows it"
e2e_end
