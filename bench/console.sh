#!/usr/bin/env bash
# The console's costs (issue 6), against privdeskd on loopback with seeded
# queues of 1,000, 10,000 and 100,000 requests:
#
#  1. CPU instructions per keystroke (valgrind --tool=callgrind, headless
#     script mode, tui/script.h): a one-row move at the top (j), a one-row
#     scroll (j at the bottom of the page), a page down, switching screens
#     (queue -> request -> back), the filter (/ text Enter, Esc) and n. The
#     queue is first loaded to every row (G, page by page, as a user would).
#     Each measured section runs K and 2K times between `!dump` lines;
#     callgrind --dump-before=pd_term_dump splits the counts there, and
#     (cost(2K) - cost(K)) / K cancels everything but the keystrokes.
#  2. Bytes written to a real pty at 200x50 (bench/ptybytes) for a one-row
#     move, a one-row scroll, a page down and 5 s idle, beside less paging a
#     text file holding the same rows at the same size.
#  3. Start-up to the first screen with data (median of 9 runs, with the
#     load average) and peak RSS (VmHWM) with the 10,000-row queue loaded.
#  4. Requests on the wire, from privdeskd's --log access log: one per screen
#     opened, 304 without a body for unchanged refreshes, and the requests of
#     a whole workflow (open the queue, open a request, erase).
#
# Usage: bench/console.sh [SIZES...]   (default: 1000 10000 100000)
# Every size is measured on the same database (the largest size's, so the
# rows on screen are the same ones): the console loads SIZE rows of
# `:queue all` with G, 200 a page. The pty part loads 10,000.
# Run from the project root after ./quickstart build (or set BUILD=dir).
# PARTS="cpu pty net" selects parts. Seeded databases are kept in
# $PD_BENCH_DIR (default /tmp/pd-bench-console) and reused: seeding 100,000
# requests takes many minutes (privdeskd seed slows down as it grows).
set -euo pipefail
build=${BUILD:-build}
work=${PD_BENCH_DIR:-/tmp/pd-bench-console}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
make -s -C "$build" privdesk privdeskd bench/ptybytes >/dev/null
bin=$(cd "$build" && pwd)
mkdir -p "$work"
export LANG=C.UTF-8 PRIVDESK_TOKEN=
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "machine: $(nproc) CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: bench/console.sh ${sizes[*]}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# seeded database and token of a size (cached). Above 10,000 requests,
# privdeskd seed slows down as the database grows (100,000 did not finish in
# 30 minutes on the 2-core machine): the 10,000 seed's requests are copied
# under new ids (same accounts, same fields; the triggers keep the counts)
# with sqlite3 until there are at least n.
prepare() {
  local n=$1 accounts=$(($1 < 10000 ? $1 : 10000))
  local db=$work/db$n.db
  if [[ ! -f $db.ok ]]; then
    rm -f "$db" "$db-wal" "$db-shm" "$work/tok$n"
    if ((n > 10000)); then
      prepare 10000
      sqlite3 "$work/db10000.db" ".backup $db"
      local k sql="BEGIN;" cols="account_pk, type, regime, status, priority, received_at, due_at, extended,"
      cols+=" extension_reason, assignee, identity_verified, identity_method, acknowledged_at, ack_due_at,"
      cols+=" status_since, details, result, version, updated_at, created_at"
      for k in 2 3 4 5 6 7 a b c d e f g h i j; do
        sql+="INSERT OR IGNORE INTO requests (id, $cols) SELECT 'req_$k' || substr(id, 6), $cols FROM requests"
        sql+=" WHERE pk <= 10000 AND id NOT GLOB 'req_$k*' AND (SELECT count(*) FROM requests) < $n;"
      done
      echo "copying the 10,000 seeded requests up to $n ..." >&2
      sqlite3 "$db" "$sql COMMIT;"
      cp "$work/tok10000" "$work/tok$n"
    else
      echo "seeding $n requests, $accounts accounts ..." >&2
      "$bin/privdeskd" seed --db "$db" --accounts "$accounts" --requests "$n" --seed 7 >/dev/null
    fi
    touch "$db.ok"
  fi
  if [[ ! -s $work/tok$n ]]; then
    (umask 077 && "$bin/privdeskd" user add alice --role agent --db "$db" --quiet > "$work/tok$n")
  fi
}

# start_server N: privdeskd on a free port; sets url and log
start_server() {
  local n=$1
  log=$work/access$n.log
  rm -f "$work/port$n" "$log"
  "$bin/privdeskd" serve --listen 127.0.0.1:0 --db "$work/db$n.db" --port-file "$work/port$n" --log "$log" \
    --rate-limit 0 2>>"$work/server$n.err" &
  pids+=($!)
  local i
  for ((i = 0; i < 200; i++)); do
    [[ -s $work/port$n ]] && break
    sleep 0.05
  done
  url=http://127.0.0.1:$(cat "$work/port$n")
}

# the headless console: headless SIZE SCRIPT [privdesk options]
headless() {
  local size=$1 script=$2
  shift 2
  PRIVDESK_TEST_SCRIPT=$script PRIVDESK_TEST_SIZE=$size "$bin/privdesk" --server "$url" "$@"
}

# load_keys N: open the whole queue and page in N rows (G at the last
# loaded row fetches the next page)
load_keys() {
  local i
  echo '!wait'
  echo ':queue all<Enter>'
  echo '!wait'
  for ((i = 1; i < $1 / 200; i++)); do
    echo G
    echo '!wait'
  done
  echo g
}

# section NAME REPEAT UNIT...: the unit lines REPEAT times, then a marker
section() {
  local name=$1 k=$2 i
  shift 2
  for ((i = 0; i < k; i++)); do printf '%s\n' "$@"; done
  echo "!dump $work/cg-mark.txt"
  echo "$name" >> "$work/cg-sections"
}

declare -A cost
cpu_costs() {
  local n=$1
  local script=$work/cg$n.keys
  local K=100 S=10 F=10 N=30 # N: 90 matches of "alice" lie within the first 1,000 rows
  : > "$work/cg-sections"
  {
    load_keys "$n"
    echo "!dump $work/cg-mark.txt"
    echo load >> "$work/cg-sections"
    # one-row move without scrolling: j then k at the top of the page
    section move_K $K j k
    section move_2K $((2 * K)) j k
    # one-row scroll: to the bottom of the page (45 rows at 200x50), then
    # every j scrolls
    printf 'j%.0s' {1..45}
    echo
    echo "!dump $work/cg-mark.txt"
    echo setup >> "$work/cg-sections"
    section scroll_K $K j
    section scroll_2K $((2 * K)) j
    # page down and page up (the same repaint), in pairs: never past the end
    section pagedown_K $((K / 10)) '<C-f>' '<C-b>'
    section pagedown_2K $((K / 5)) '<C-f>' '<C-b>'
    echo g
    # switching screens: open the selected request, back to the queue
    section switch_K $S '<Enter>' '!wait' q '!wait'
    section switch_2K $((2 * S)) '<Enter>' '!wait' q '!wait'
    # filtering: / with 5 letters, Enter, 3 x n, then / Esc clears it
    section filter_K $F / a l i c e '<Enter>' n n n / '<Esc>'
    section filter_2K $((2 * F)) / a l i c e '<Enter>' n n n / '<Esc>'
    # n alone, with a filter set
    echo '/alice<Enter>'
    echo "!dump $work/cg-mark.txt"
    echo setup >> "$work/cg-sections"
    section n_K $N n
    section n_2K $((2 * N)) n
  } > "$script"
  rm -f "$work/cg$n.out"*
  PRIVDESK_TEST_SCRIPT=$script PRIVDESK_TEST_SIZE=50x200 valgrind -q --tool=callgrind --dump-before=pd_term_dump \
    --callgrind-out-file="$work/cg$n.out" "$bin/privdesk" --server "$url" --refresh 0 2>"$work/cg$n.err" ||
    { echo "callgrind run failed:" >&2; tail "$work/cg$n.err" >&2; return 1; }
  local i=0 name
  declare -A part
  while read -r name; do
    i=$((i + 1))
    part[$name]=$(sed -n 's/^summary: //p' "$work/cg$n.out.$i")
  done < "$work/cg-sections"
  # keys per unit: move 2 (j k), scroll 1, pagedown 2 (C-f C-b), switch 2 (Enter q),
  # filter 11 (/ alice Enter n n n / Esc), n 1
  cost[$n,move]=$(((part[move_2K] - part[move_K]) / K / 2))
  cost[$n,scroll]=$(((part[scroll_2K] - part[scroll_K]) / K))
  cost[$n,pagedown]=$(((part[pagedown_2K] - part[pagedown_K]) / (K / 10) / 2))
  cost[$n,switch]=$(((part[switch_2K] - part[switch_K]) / S))
  cost[$n,filter]=$(((part[filter_2K] - part[filter_K]) / F))
  cost[$n,n]=$(((part[n_2K] - part[n_K]) / N))
  cost[$n,load]=${part[load]}
}

# PARTS selects what runs: cpu (1), pty (2, 3), net (4)
want() { [[ " ${PARTS:-cpu pty net} " == *" $1 "* ]]; }

# ---- 1. instructions per keystroke ----
big=$(printf '%s\n' "${sizes[@]}" 10000 | sort -n | tail -1)
prepare "$big"
PRIVDESK_TOKEN=$(cat "$work/tok$big")
start_server "$big"
bigurl=$url
want cpu && for n in "${sizes[@]}"; do
  echo "callgrind, $n rows ..." >&2
  cpu_costs "$n"
done
want cpu && {
echo
echo "## 1. CPU instructions per keystroke (callgrind, headless 200x50; SIZE rows of a queue of $big loaded)"
echo
printf '| rows | j/k move (per key) | j scroll (per key) | page down (per key) | open request + back (per pair) | / alice Enter n n n / Esc (per 11 keys) | n (per key) |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${sizes[@]}"; do
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$n" "${cost[$n,move]}" "${cost[$n,scroll]}" "${cost[$n,pagedown]}" \
    "${cost[$n,switch]}" "${cost[$n,filter]}" "${cost[$n,n]}"
done
echo
echo "(start-up and loading the rows, for reference: $(for n in "${sizes[@]}"; do printf '%s rows %s Ir; ' "$n" "${cost[$n,load]}"; done))"
}

# ---- 2.-3. at a real pty, 10,000 rows ----
if want pty; then
n=10000
url=$bigurl
export TERM=xterm-256color # what the e2e tests use
pty=("$bin/bench/ptybytes" -s 50x200 -q 300)
console=("$bin/privdesk" --server "$url")
ready="wait=Closed: rejected" # the dashboard's counts: the first screen with data
pages=()
for ((i = 1; i < n / 200; i++)); do pages+=("key=G=G"); done
j44=$(printf 'j%.0s' {1..44})

# the same rows as a text file for less: headless dumps, one per page
{
  echo '!wait'
  echo ':queue all<Enter>'
  echo '!wait'
  for i in 1 2 3 4 5 6; do
    echo "!dump $work/page$i.txt"
    echo '<C-f>'
  done
} > "$work/pages.keys"
headless 50x200 "$work/pages.keys" --refresh 0
for i in 1 2 3 4 5 6; do sed -n '5,49p' "$work/page$i.txt"; done | awk '!seen[$NF]++' > "$work/rows.txt"

"${pty[@]}" -o "$work/pty" "$ready" settle 'key=:queue all\r=open the queue' "key=j=j (move)" "key=k=k (move)" \
  "key=$j44=44 j" "key=j=j (scroll)" "key=j=j (scroll)" 'key=\x06=C-f (page down)' 'key=\e[6~=PgDn (page down)' \
  'key= =space (mark, moves down)' idle=5000 "${pages[@]}" hwm 'quit=Q' -- "${console[@]}" > "$work/pty.tsv"
LESS='' LESSOPEN='' "${pty[@]}" -o "$work/less" "wait=$(head -1 "$work/rows.txt" | awk '{print $NF}')" settle \
  'key=j=j (one line)' 'key= =space (page down)' 'key=\e[6~=PgDn (page down)' idle=5000 'quit=q' -- less "$work/rows.txt" \
  > "$work/less.tsv"
# the refresh timer when idle: two 20 s spells with --refresh 20 (one refresh in each)
"${pty[@]}" "$ready" settle 'key=:queue all\r=open the queue' idle=20000 idle=20000 'quit=Q' -- "${console[@]}" --refresh 20 \
  > "$work/refresh.tsv"
bytes() { awk -F'\t' -v l="$2" '$2 == l { print $3; exit }' "$work/$1.tsv"; }
rss_kb=$(awk -F'\t' '$1 == "hwm" { print $3 }' "$work/pty.tsv")
echo
echo "## 2. Bytes to the terminal (pty 200x50, queue of $n, TERM=${TERM:-xterm-256color})"
echo
echo "| action | privdesk | less (same rows) |"
echo "|---|---:|---:|"
echo "| j: selection one row down, no scroll | $(bytes pty 'j (move)') | |"
echo "| k: selection one row up, no scroll | $(bytes pty 'k (move)') | |"
echo "| j at the bottom: one-row scroll | $(bytes pty 'j (scroll)') | $(bytes less 'j (one line)') |"
echo "| page down (C-f / space in less) | $(bytes pty 'C-f (page down)') | $(bytes less 'space (page down)') |"
echo "| page down (PgDn) | $(bytes pty 'PgDn (page down)') | $(bytes less 'PgDn (page down)') |"
echo "| 5 s idle on the queue | $(awk -F'\t' '$1 == "idle" { print $3; exit }' "$work/pty.tsv") | $(bytes less 5000) |"
echo
echo "(the refresh timer, 30 s by default, costs one request and rewrites the header's \"refreshed\" time:"
echo " $(awk -F'\t' '$1 == "idle" { print $3 }' "$work/refresh.tsv" | paste -sd' ') bytes in the two 20 s idle spells of a session with --refresh 20)"
echo "(a page is $(($(wc -l < "$work/page1.txt") - 6)) rows in privdesk, 49 lines in less; raw output: $work/pty.N, $work/less.N)"

# ---- 3. start-up and memory ----
times=()
for i in 1 2 3 4 5 6 7 8 9; do
  times+=("$("${pty[@]}" "$ready" 'quit=Q' -- "${console[@]}" | awk -F'\t' '$1 == "wait" { print $4 }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 5p)
echo
echo "## 3. Start-up and memory"
echo
echo "start-up to the dashboard's counts (spawn to the bytes on the pty), 9 runs: ${times[*]} ms; median $median ms (load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "peak RSS (VmHWM) with the queue of $n loaded to the last row: $rss_kb kB"

fi

# ---- 4. requests on the wire (the access log) ----
want net || exit 0
n=1000 # a database of its own: the workflow erases
prepare "$n"
PRIVDESK_TOKEN=$(cat "$work/tok$n")
start_server "$n"
api() { curl -s -H "Authorization: Bearer $PRIVDESK_TOKEN" "$url$1"; }
# an erasure in progress, identity verified, alice's, not blocked: in `:queue mine`
req='' email=''
for id in $(api '/v1/requests?assignee=me&type=erasure&status=in_progress&limit=200' |
  jq -r '.items[] | select(.identity_verified) | .id'); do
  if [[ $(api "/v1/requests/$id/erasure-preview" | jq -r .blocked) == false ]]; then
    req=$id
    email=$(api "/v1/requests/$id/erasure-preview" | jq -r .confirm)
    break
  fi
done
[[ -n $req ]] || { echo "no erasure request to work on (reseed: rm $work/db$n.db.ok)" >&2; exit 1; }
cat > "$work/workflow.keys" <<KEYS
!wait
:queue mine<Enter>
!wait
/$req<Enter>
!dump $work/wf-queue.txt
<Enter>
!wait
E
!wait
d
$email<Enter>
!wait
!dump $work/wf-done.txt
KEYS
before=$(wc -l < "$log")
headless 50x200 "$work/workflow.keys" --refresh 0
grep -q "$req" "$work/wf-queue.txt" || echo "WARNING: $req was not in the first page of :queue mine" >&2
sleep 0.2
echo
echo "## 4. Requests on the wire (privdeskd --log)"
echo
echo "workflow: start (dashboard), :queue mine, / the request id, Enter, E (erasure preview), d, the e-mail, Enter:"
echo
echo '| # | method | path | status | body bytes |'
echo '|---:|---|---|---:|---:|'
tail -n +$((before + 1)) "$log" | jq -r '[.method, .path, .status, .bytes] | @tsv' |
  awk -F'\t' '{ printf "| %d | %s | %s | %s | %s |\n", NR, $1, $2, $3, $4 }' | sed "s/$req/{id}/g"
echo
echo "total: $(($(wc -l < "$log") - before)) requests; the final screen: $(grep -o 'Erasure completed' "$work/wf-done.txt" || echo 'NOT COMPLETED')"

# unchanged refreshes: the queue left alone with --refresh 1
cat > "$work/refresh.keys" <<KEYS
!wait
:queue<Enter>
!wait
!sleep 3500
KEYS
before=$(wc -l < "$log")
headless 50x200 "$work/refresh.keys" --refresh 1
sleep 0.2
echo
echo "unchanged refreshes (--refresh 1, 3.5 s on the queue): $(tail -n +$((before + 1)) "$log" |
  jq -r 'select(.method == "GET") | "\(.path) \(.status) \(.bytes)B"' | sort | uniq -c | sed 's/^ *//' | paste -sd';' | sed 's/;/; /g')"
