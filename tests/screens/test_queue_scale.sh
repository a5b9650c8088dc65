#!/usr/bin/env bash
# Headless screen tests of the queue at scale (issue 6, bench/console.sh):
# the filter is lazy (a keystroke examines at most a slice of the loaded
# rows, the rest follows a slice per loop iteration, and moves examine as
# far as they need), yet ends with exactly the rows an eager filter gives;
# and loaded rows are packed (memory per row well under a decoded request's).
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 5
total=3000
e2e_server --accounts 600 --requests $total || exit 1
pages=$((total / 200 + 1))
# one account's requests: filtering by its id matches exactly those
acc=$(e2e_api alice GET '/v1/requests?limit=1&sort=received_at' | jq -r '.items[0].account_id')
want=$(e2e_api alice GET "/v1/requests?account_id=$acc&limit=200" | jq '.items | length')

# every page of `:queue all`, then a filter that matches every row
{
  echo '!wait'
  echo ':queue all<Enter>'
  echo '!wait'
  for ((i = 0; i < pages; i++)); do
    echo G
    echo '!wait'
  done
  echo '!dump all.txt'
  echo g
  echo '/req_<Enter>'
  echo '!dump typed.txt'
  echo '!sleep 300'
  echo '!dump scanned.txt'
  # a filter of one account's requests; G is its last match, N from the top wraps there too
  echo "/<C-u>$acc<Enter>"
  echo '!sleep 300'
  echo '!dump account.txt'
  echo G
  echo '!dump account-last.txt'
  echo g
  echo N
  echo '!dump account-wrap.txt'
} > "$e2e_dir/scale.keys"
e2e_headless 50 200 alice scale.keys --refresh 0 || e2e_fail "the console failed: $(tail -3 "$e2e_dir/headless.err")"
count_of() { grep -oE '[0-9]+/[0-9]+\+?  due date' "$e2e_dir/$1" | head -1; }
e2e_dump_has all.txt "/$total  due date"
e2e_ok "G pages in the whole queue of $total"

typed=$(count_of typed.txt)
[[ $typed =~ ^1/([0-9]+)\+\ \ due\ date$ && ${BASH_REMATCH[1]} -lt $total ]] ||
  e2e_fail "right after the filter was typed, the count should show a partial scan (N/M+ with M < $total), not \"$typed\""
e2e_ok "typing a filter examines a slice of the $total rows, not all of them"

e2e_dump_has scanned.txt "1/$total  due date"
e2e_ok "the scan goes on by itself and ends with every matching row"

last=$(count_of account-last.txt)
wrap=$(count_of account-wrap.txt)
e2e_dump_has account.txt "1/$want  due date"
[[ $last == "$want/$want  due date" ]] || e2e_fail "G on the filtered queue: \"$last\", want $want/$want"
[[ $wrap == "$want/$want  due date" ]] || e2e_fail "N from the first match: \"$wrap\", want $want/$want (wrapped)"
e2e_ok "a filter by one account's id: as many rows as the API lists ($want); G and a wrapping N reach the last match"

# memory per loaded row: RSS after 1 page and after every page
if [[ -n ${PRIVDESK_SANITIZED:-} ]]; then
  echo "ok 5 # SKIP memory is not measured under sanitizers"
  e2e_n=5
else
  {
    echo '!wait'
    echo ':queue all<Enter>'
    echo '!wait'
    echo '!dump one.txt'
    echo '!sleep 700'
    for ((i = 0; i < pages; i++)); do
      echo G
      echo '!wait'
    done
    echo '!dump every.txt'
    echo '!sleep 700'
  } > "$e2e_dir/rss.keys"
  (cd "$e2e_dir" && PRIVDESK_TEST_SCRIPT=rss.keys PRIVDESK_TEST_SIZE=50x200 LANG=C.UTF-8 \
    exec "$e2e_privdesk" --server "$e2e_url" --token-file "$e2e_dir/alice.token" --refresh 0 2>>"$e2e_dir/headless.err") &
  pid=$!
  rss_at() {
    local i
    for ((i = 0; i < 400; i++)); do
      [[ -s $e2e_dir/$1 ]] && break
      sleep 0.05
    done
    sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status"
  }
  one=$(rss_at one.txt)
  every=$(rss_at every.txt)
  wait "$pid"
  per_row=$(((every - one) * 1024 / (total - 200)))
  echo "# RSS ${one} kB with 200 rows, ${every} kB with $total: $per_row bytes a row" >&2
  ((per_row < 300)) || e2e_fail "loaded rows cost $per_row bytes each (RSS ${one} kB -> ${every} kB); packed rows take under 300"
  e2e_ok "loaded queue rows are packed: $per_row bytes a row"
fi
e2e_end
