#!/usr/bin/env bash
# The console's cross-screen behaviour in a real terminal, at 80x24 and at
# 200x50: ? (the keys of the current screen and the global ones, as the key
# table tui/actions.def declares them), the : command line (Tab completion,
# history), read-only sessions (--read-only, the viewer role), no colour
# (NO_COLOR=1, TERM=vt100), the C locale, --production, and Q.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
dispcol=${TOP_BUILDDIR:-.}/tests/e2e/dispcol
sizes=("24 80" "50 200")
per_size=11
e2e_begin $((per_size * ${#sizes[@]}))
e2e_server --accounts 300 --requests 120 || exit 1

all=$e2e_dir/accounts.json
e2e_all_accounts "$all"
mapfile -t pool <<< "$(jq -r '.[] | select(.status == "active" and (.is_minor | not) and .analytics_enabled
  and (.name | test("^[A-Za-z]+ [A-Za-z]+$"))) | .id' "$all")"
[[ -n ${pool[0]-} ]] || pool=()
# a surname shared by several accounts, some of them with non-ASCII names
surname=$(jq -r '[.[] | select(.status != "erased") | .name | select(test("^[^ ]+ [A-Za-z]{3,}$")) | split(" ")]
  | group_by(.[1]) | map(select(length >= 3 and length <= 12 and any(.[]; .[0] | test("[^\\u0000-\\u007f]")))) | .[0][0][1]' "$all")

# the key table: "W|R<TAB>keys as help shows them<TAB>help" for one scope
keys_of() {
  sed -n 's/^PD_\(WRITE_\)\{0,1\}ACTION([A-Z_]*, "[^"]*", "'"$1"'", "\([^"]*\)", "\(.*\)")$/\1\t\2\t\3/p' \
    "${TOP_SRCDIR:-.}/tui/actions.def" |
    sed 's/^WRITE_\t/W\t/; s/^\t/R\t/' | awk -F'\t' -v OFS='\t' '{ gsub(/[<>]/, "", $2); gsub(/ /, ", ", $2); print }'
}
[[ $(keys_of global | wc -l) -ge 15 && $(keys_of request | wc -l) -ge 8 ]] ||
  echo "could not read the key table: $(keys_of global | wc -l) global keys" | e2e_diag

# help_pages NAME: the help screen, top and bottom (G), into $e2e_dir/help.txt
help_pages() {
  e2e_wait_regex "$1" "^(Keys of this screen|Global keys)" || return
  e2e_screen "$1" > "$e2e_dir/help.txt"
  e2e_keys "$1" G
  e2e_wait "$1" "Redraw the whole screen" || return
  e2e_screen "$1" >> "$e2e_dir/help.txt"
}
# help_has SCOPE [write|nowrite]: every key of SCOPE (write ones present or
# absent) is in help.txt as "keys   help text"
help_has() {
  local w key help line
  while IFS=$'\t' read -r w key help; do
    line=$(awk -v k="$key" -v h="${help:0:30}" 'index($0, k) == 1 && index($0, h) { print; exit }' "$e2e_dir/help.txt")
    if [[ $w == W && ${2:-write} == nowrite ]]; then
      [[ -z $line ]] || e2e_fail "the write key \"$key\" ($help) is listed: $line"
    else
      [[ -n $line ]] || e2e_fail "no help line for \"$key\": $help"
    fi
  done <<< "$(keys_of "$1")"
}
# help_check NAME SCOPE TITLE [nowrite]: ? on the screen shows its keys and the global ones; ? closes
help_check() {
  local name=$1 scope=$2 title=$3
  e2e_keys "$name" '?'
  e2e_wait "$name" "Help: $title" || return
  help_pages "$name" || return
  if [[ $scope != global ]]; then
    grep -qF "Keys of this screen ($scope)" "$e2e_dir/help.txt" || e2e_fail "no heading for the $scope keys"
    help_has "$scope" "${4:-write}"
  elif grep -q "Keys of this screen" "$e2e_dir/help.txt"; then
    e2e_fail "the dashboard's help lists keys of a screen"
  fi
  help_has global
  e2e_keys "$name" '?'
  e2e_wait_gone "$name" "Help: $title"
}

for size in "${sizes[@]}"; do
  read -r rows cols <<< "$size"
  k=$(( rows == 24 ? 0 : 3 ))
  acc=${pool[k]}
  req=$(e2e_new_request alice "$acc" access)
  m=mo$rows
  e2e_console "$m" "$rows" "$cols" alice --refresh 0
  e2e_wait "$m" "Open requests by days to deadline"

  # --- ? everywhere: generated from the key table ---
  help_check "$m" global Dashboard
  e2e_ok "${cols}x$rows: ? on the dashboard lists every global key of the key table, and ? closes it"
  help_queue() {
    e2e_command "$m" "queue open"
    e2e_wait "$m" "[open]" || return
    help_check "$m" queue "Queue: open"
  }
  help_queue
  e2e_ok "${cols}x$rows: ? on the queue lists its keys (t a s u) and the global ones"
  help_request() {
    e2e_command "$m" "request $req"
    e2e_wait_regex "$m" "^Id: +$req" || return
    help_check "$m" request "$req"
  }
  help_request
  e2e_ok "${cols}x$rows: ? on a request lists its keys (t a s v e c d x A E S) and the global ones"
  help_account() {
    e2e_keys "$m" A
    e2e_wait "$m" "[Overview]" || return
    e2e_command "$m" help
    help_pages "$m" || return
    grep -qF "Keys of this screen (account)" "$e2e_dir/help.txt" || e2e_fail "no heading for the account keys"
    help_has account
    help_has global
    e2e_keys "$m" q
    e2e_wait "$m" "[Overview]"
  }
  help_account
  e2e_ok "${cols}x$rows: :help on an account lists its keys (a m i h H R L) and the global ones; q closes it"

  # --- the command line: Tab completes, Up recalls ---
  cmdline() {
    e2e_command "$m" "queue mine"
    e2e_wait "$m" "[mine]" || return
    e2e_keys "$m" :
    e2e_type "$m" qu
    e2e_keys "$m" Tab
    e2e_wait_regex "$m" '^:queue$' || return
    e2e_type "$m" " ur"
    e2e_keys "$m" Tab
    e2e_wait_regex "$m" '^:queue urgent$' || return
    e2e_keys "$m" Enter
    e2e_wait "$m" "Queue: mine › Queue: urgent" || return
    e2e_keys "$m" : Up
    e2e_wait_regex "$m" '^:queue urgent$' || return
    e2e_keys "$m" Up
    e2e_wait_regex "$m" '^:queue mine$' || return
    e2e_keys "$m" Enter
    e2e_wait "$m" "Queue: urgent › Queue: mine" || return
    e2e_command "$m" "nosuch"
    e2e_wait "$m" "Unknown command :nosuch (Tab completes, :help lists keys)" || return
  }
  cmdline
  e2e_ok "${cols}x$rows: :qu<Tab> completes to queue (and its preset); Up recalls earlier commands; unknown ones are named"

  # --- --read-only: no write keys in hints or help; writes refused ---
  read_only() {
    local ro=ro$rows v
    e2e_console "$ro" "$rows" "$cols" alice --read-only --refresh 0
    e2e_wait "$ro" "READ-ONLY" || return
    e2e_command "$ro" "request $req"
    e2e_wait_regex "$ro" "^Id: +$req" || return
    e2e_wait "$ro" "A account  E erasure plan" || return
    e2e_expect_not_screen "$ro" "t take"
    e2e_keys "$ro" '?'
    e2e_wait "$ro" "Help: $req" || return
    help_pages "$ro" || return
    help_has request nowrite
    e2e_keys "$ro" q
    e2e_wait_gone "$ro" "Help: $req" || return
    v=$(e2e_request_field alice "$req" .version)
    e2e_keys "$ro" t
    e2e_wait "$ro" "read-only mode: cannot change the request" || return
    e2e_keys "$ro" q
    e2e_wait "$ro" "Open requests by days to deadline" || return
    e2e_command "$ro" "queue open"
    e2e_wait "$ro" "[open]" || return
    e2e_expect_not_screen "$ro" "t take"
    e2e_keys "$ro" t
    e2e_wait "$ro" "read-only mode: cannot take requests" || return
    [[ $(e2e_request_field alice "$req" .version) == "$v" && $(e2e_sent POST "/v1/requests/$req/.*") == 0 ]] ||
      e2e_fail "a read-only console changed the request"
    e2e_keys "$ro" Q
  }
  read_only
  e2e_ok "${cols}x$rows: --read-only: the badge, no write keys in hints or help, t refused with a message, nothing sent"

  # --- the viewer role ---
  viewer() {
    local vw=vw$rows v
    e2e_console "$vw" "$rows" "$cols" vera --refresh 0
    e2e_wait "$vw" "vera (viewer)" || return
    e2e_expect_screen "$vw" "READ-ONLY"
    e2e_command "$vw" "request $req"
    e2e_wait_regex "$vw" "^Id: +$req" || return
    e2e_wait "$vw" "A account  E erasure plan" || return
    e2e_keys "$vw" '?'
    e2e_wait "$vw" "Help: $req" || return
    help_pages "$vw" || return
    help_has request nowrite
    e2e_keys "$vw" q
    e2e_wait_gone "$vw" "Help: $req" || return
    v=$(e2e_request_field alice "$req" .version)
    e2e_keys "$vw" c
    e2e_wait "$vw" "the viewer role is read-only: cannot change the request" || return
    e2e_keys "$vw" A
    e2e_wait "$vw" "[Overview]" || return
    e2e_expect_not_screen "$vw" "a analytics"
    e2e_keys "$vw" a
    e2e_wait "$vw" "the viewer role is read-only: cannot switch analytics off" || return
    [[ $(e2e_request_field alice "$req" .version) == "$v" && $(e2e_sent POST "/v1/requests/$req/.*") == 0 ]] ||
      e2e_fail "the viewer changed the request"
    [[ $(e2e_api alice GET "/v1/accounts/$acc" | jq .analytics_enabled) == true && $(e2e_sent PATCH "/v1/accounts/$acc") == 0 ]] ||
      e2e_fail "the viewer changed the account"
    e2e_keys "$vw" Q
  }
  viewer
  e2e_ok "${cols}x$rows: the viewer role: no write keys in hints or help, writes refused with the role named, nothing sent"

  # --- NO_COLOR=1 and TERM=vt100: no colours, the selection in reverse video ---
  mono() {
    local n=nc$rows sel other
    E2E_ENV="NO_COLOR=1" E2E_TERM=vt100 e2e_console "$n" "$rows" "$cols" alice --refresh 0
    e2e_wait "$n" "Open requests by days to deadline" || return
    e2e_keys "$n" Enter
    e2e_wait "$n" "[open]" || return
    e2e_wait_regex "$n" " 1/[0-9]+  due date" || return
    e2e_keys "$n" j
    e2e_wait_regex "$n" " 2/[0-9]+  due date" || return
    sel=$(e2e_styles "$n" | awk -F'\t' '$2 ~ /^.(overdue [0-9]+d|[0-9]+d left|due today)/ { n++; if (n == 2) { print $1; exit } }')
    other=$(e2e_styles "$n" | awk -F'\t' '$2 ~ /^.(overdue [0-9]+d|[0-9]+d left|due today)/ { n++; if (n == 3) { print $1; exit } }')
    [[ $sel == *rev* ]] || e2e_fail "the selected row is not in reverse video: $sel"
    [[ $other != *rev* ]] || e2e_fail "an unselected row is in reverse video: $other"
    if e2e_screen_attrs "$n" | grep -qE $'\e\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5|9[0-7])[;m]'; then
      e2e_fail "colour sequences reached the terminal"
    fi
    e2e_keys "$n" Enter
    e2e_wait "$n" "Timeline" || return
    e2e_keys "$n" Q
  }
  mono
  e2e_ok "${cols}x$rows: NO_COLOR=1 and TERM=vt100: no colour at all, the selection in reverse video, still usable"

  # --- the C locale: ? for what it cannot show, columns still aligned ---
  c_locale() {
    local c=cl$rows widths
    E2E_LANG=C e2e_console "$c" "$rows" "$cols" alice --refresh 0
    e2e_wait "$c" "Open requests by days to deadline" || return
    e2e_expect_screen "$c" " | alice (agent) | "
    e2e_command "$c" "account $surname"
    e2e_wait "$c" "Accounts: $surname" || return
    e2e_wait_regex "$c" "[?]+ ?$surname " || return
    if e2e_screen "$c" | LC_ALL=C grep -q $'[\x80-\xff]'; then e2e_fail "non-ASCII bytes on a C-locale screen"; fi
    widths=$(e2e_screen "$c" | sed -n '4,$p' | grep -E ' (active|closed|erased) ' | "$dispcol" --width | sort -u)
    [[ $(wc -l <<< "$widths") -eq 1 ]] || e2e_fail "rows end at different columns: $widths"
    e2e_keys "$c" Q
  }
  c_locale
  e2e_ok "${cols}x$rows: LANG=C: ASCII separators, ? for non-ASCII names ($surname), every row ends at the same column"

  # --- --production ---
  production() {
    local p=pr$rows style
    e2e_console "$p" "$rows" "$cols" alice --production --refresh 0
    e2e_wait "$p" "Open requests by days to deadline" || return
    e2e_wait_regex "$p" "^ privdesk .* PRODUCTION *$" || return
    style=$(e2e_style_of "$p" "PRODUCTION")
    [[ $style == *bg=160* || $style == *rev* ]] || e2e_fail "the badge does not stand out: $style"
    e2e_keys "$p" Q
  }
  production
  e2e_ok "${cols}x$rows: --production shows the PRODUCTION badge (red) in the header"

  # --- Q quits from anywhere ---
  e2e_keys "$m" Q
  e2e_wait "$m" "[console exited] 0"
  e2e_ok "${cols}x$rows: Q quits with status 0 from a screen deep in the stack"
done
e2e_end
