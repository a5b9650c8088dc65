#!/usr/bin/env bash
# Throughput of privdeskd's GETs over keep-alive, against its ceiling: nginx
# serving a static file of the same size, measured in the same run (issue 6
# target: privdeskd reaches at least half of nginx's requests per second).
#
# One database (seeded here, or a copy of PD_BENCH_DB), one privdeskd on a
# free loopback port, one nginx (a throwaway configuration, foreground, not
# root: as nobody when this runs as root) on another. For each kind of GET -
# an account by id, a request by id, a 50-row queue page, /v1/stats - the
# paths are collected through the API, the mean body size of privdeskd's
# answers measured, and nginx given a file of that many bytes. Then wrk (the
# same threads, connections, duration and Lua script, bench/wrk.lua, for
# all) runs ROUNDS times against each, rotating which goes first; the
# medians are compared. Prints the machine, the load, the configuration and
# a Markdown table (bench/RESULTS-backend.md, docs/PERFORMANCE.md).
#
# privdeskd is measured twice against the same nginx figure: "cached", plain
# GETs as a client sends them, which privdeskd's response cache answers while
# the data does not change (docs/api.md "Cache-Control"); and "uncached",
# every GET with Cache-Control: no-cache, so that each one is made afresh
# (SQLite reads, JSON, ETag). Both ratios are printed; the exit status
# follows the cached one (what clients get), the uncached one is the work.
#
# Fairness: privdeskd serves with its default thread pool (2 threads per CPU:
# its threads also wait on SQLite) and nginx with one worker process per CPU
# (worker_processes = nproc, nginx's own recommendation): each may use every
# core of the machine. Both write an access log (one line per request) and
# both keep connections open for the whole run (nginx keepalive_requests
# raised from its default of 1000). wrk runs on the same machine and takes
# CPU from both alike.
#
# Usage: bench/wrk.sh [ACCOUNTS] [REQUESTS]   (defaults 1000000 200000)
#   PD_BENCH_DB=FILE   copy this seeded database instead of seeding
#   WRK_THREADS (2), WRK_CONNECTIONS (16), WRK_SECONDS (10), ROUNDS (3),
#   PD_WRK_KINDS ("account request queue stats")
#   PRIVDESKD=FILE     serve with this privdeskd (e.g. an older build, for a before/after)
#   PD_BENCH_NICE=N    run privdeskd, nginx and wrk at nice N (e.g. -10, as root: shields
#                      them alike from other jobs on a shared machine)
# Needs wrk and nginx: missing, this names the Debian packages (the "#bench"
# lines of build-aux/debian-packages) and installs them when run as root.
# Exit status: 0 when every kind reaches half of nginx (cached), 1 when one does not,
# 2 on errors. Run from the project root after ./quickstart build (or set BUILD=dir).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
accounts=${1:-1000000}
requests=${2:-200000}
threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-16}
secs=${WRK_SECONDS:-10}
rounds=${ROUNDS:-3}
kinds=${PD_WRK_KINDS:-account request queue stats}

say() { printf 'bench/wrk.sh: %s\n' "$*" >&2; }

# ---- the benchmark's own packages (never installed by ./quickstart) ----
bench_packages() {
  local missing=() pkg tool
  # "#bench PACKAGE TOOL  why": commented out, so ./quickstart skips them
  while read -r _ pkg tool _; do
    [[ -n $pkg ]] || continue
    command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$tool" >/dev/null 2>&1 ||
      missing+=("$pkg")
  done <<< "$(grep '^#bench ' "$top/build-aux/debian-packages" || true)"
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    say "missing Debian packages: ${missing[*]}"
    say "  install them with: sudo apt-get install ${missing[*]}  (or run bench/wrk.sh as root, which installs them)"
    exit 2
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || { say "apt-get update failed"; exit 2; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { say "apt-get install ${missing[*]} failed"; exit 2; }
}
bench_packages
PATH=$PATH:/usr/sbin:/sbin
for tool in wrk nginx curl jq; do
  command -v "$tool" >/dev/null || { say "$tool is not installed"; exit 2; }
done

make -s -C "$build" privdeskd >/dev/null
b=$(cd "$build" && pwd)
pd=${PRIVDESKD:-$b/privdeskd}
nice_cmd=()
[[ -n ${PD_BENCH_NICE:-} ]] && nice_cmd=(nice -n "$PD_BENCH_NICE")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pd-wrk.XXXXXX")
pid= nginx_pid=
cleanup() {
  local p
  for p in $pid $nginx_pid; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

load() { cut -d' ' -f1-3 /proc/loadavg; }
cpus=$(nproc)
echo "machine: $cpus CPU, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "command: bench/wrk.sh $accounts $requests${PD_BENCH_DB:+ (PD_BENCH_DB=$PD_BENCH_DB)}${PRIVDESKD:+ (PRIVDESKD=$PRIVDESKD)}"
echo "wrk: $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2), -t$threads -c$conns -d${secs}s, bench/wrk.lua, $rounds rounds"
echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //'), worker_processes $cpus; privdeskd: default thread pool"
[[ -n ${PD_BENCH_NICE:-} ]] && echo "priority: privdeskd, nginx and wrk at nice $PD_BENCH_NICE"

# ---- the database and privdeskd ----
db=$tmp/bench.db
if [[ -n ${PD_BENCH_DB:-} ]]; then
  [[ -f $PD_BENCH_DB ]] || { say "no database at $PD_BENCH_DB"; exit 2; }
  cp "$PD_BENCH_DB" "$db"
  [[ -f $PD_BENCH_DB-wal ]] && cp "$PD_BENCH_DB-wal" "$db-wal"
else
  start=$(date +%s.%N)
  "$pd" seed --accounts "$accounts" --requests "$requests" --seed 7 --db "$db" >/dev/null
  end=$(date +%s.%N)
  printf 'seed: %d accounts, %d requests in %.1f s\n' "$accounts" "$requests" \
    "$(awk -v a="$start" -v c="$end" 'BEGIN { print c - a }')"
fi
umask 077
"$pd" user add "wrk-bench-$$" --role viewer --db "$db" --quiet > "$tmp/token"
token=$(cat "$tmp/token")
"${nice_cmd[@]}" "$pd" serve --listen 127.0.0.1:0 --db "$db" --port-file "$tmp/port" --log "$tmp/access.log" \
  --rate-limit 1000000 2> "$tmp/server.log" &
pid=$!
for _ in $(seq 200); do
  [[ -s $tmp/port ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
[[ -s $tmp/port ]] || { say "privdeskd did not start: $(cat "$tmp/server.log")"; exit 2; }
pd_url="http://127.0.0.1:$(cat "$tmp/port")"
echo "privdeskd: $(grep -o '([0-9]* threads)' "$tmp/server.log" | tr -d '()')"
cat "$db" > /dev/null # into the page cache, as on a server that has been running

api() { curl -sf -H "Authorization: Bearer $token" "$pd_url$1"; }

# ---- the paths of each kind ----
for kind in $kinds; do
  case $kind in
    account)
      for p in ma lu an jo so ch ol pr we ki; do api "/v1/accounts?q=$p&limit=20" | jq -r '.items[].id'; done |
        sed 's|^|/v1/accounts/|' > "$tmp/paths-$kind" ;;
    request)
      for s in due_at -due_at received_at -received_at; do api "/v1/requests?sort=$s&limit=50" | jq -r '.items[].id'; done |
        sed 's|^|/v1/requests/|' > "$tmp/paths-$kind" ;;
    queue) echo "/v1/requests?status=open&limit=50" > "$tmp/paths-$kind" ;;
    stats) echo "/v1/stats" > "$tmp/paths-$kind" ;;
    *) say "unknown kind $kind"; exit 2 ;;
  esac
  [[ -s $tmp/paths-$kind ]] || { say "no paths for $kind: is the database seeded?"; exit 2; }
done

# ---- nginx: a file per kind, of the mean size of privdeskd's answers ----
ng=$tmp/nginx
mkdir -p "$ng/www" "$ng/temp"
for kind in $kinds; do
  total=0 n=0
  while read -r path; do
    size=$(curl -s -o /dev/null -w '%{size_download}' -H "Authorization: Bearer $token" "$pd_url$path")
    total=$((total + size)) n=$((n + 1))
  done < "$tmp/paths-$kind"
  size=$((total / n))
  echo "$size" > "$tmp/size-$kind"
  head -c "$size" /dev/zero | tr '\0' 'x' > "$ng/www/$kind.json"
  echo "/$kind.json" > "$tmp/ngpaths-$kind"
done
if [[ $(id -u) -eq 0 ]]; then
  # not as root: as nobody, who may enter (not list) the temporary directory
  chmod 711 "$tmp"
  chown -R nobody:nogroup "$ng"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
else
  as_user=()
fi
start_nginx() {
  local try i port
  for ((try = 0; try < 10; try++)); do
    port=$((20000 + (RANDOM * 7 + try * 1031) % 40000))
    cat > "$ng/nginx.conf" <<CONF
daemon off;
worker_processes $cpus;
pid $ng/nginx.pid;
error_log $ng/error.log warn;
events { worker_connections 1024; }
http {
  access_log $ng/access.log;
  client_body_temp_path $ng/temp/body;
  proxy_temp_path $ng/temp/proxy;
  fastcgi_temp_path $ng/temp/fastcgi;
  uwsgi_temp_path $ng/temp/uwsgi;
  scgi_temp_path $ng/temp/scgi;
  sendfile on;
  keepalive_timeout 75s;
  keepalive_requests 100000000;
  default_type application/json;
  server {
    listen 127.0.0.1:$port;
    root $ng/www;
  }
}
CONF
    [[ $(id -u) -eq 0 ]] && chown nobody:nogroup "$ng/nginx.conf"
    "${nice_cmd[@]}" "${as_user[@]}" nginx -e "$ng/error.log" -c "$ng/nginx.conf" -p "$ng" 2>> "$ng/stderr.log" &
    nginx_pid=$!
    for ((i = 0; i < 100; i++)); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port/stats.json" 2>/dev/null ||
        curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null | grep -q '^[1-5]'; then
        ng_url="http://127.0.0.1:$port"
        return 0
      fi
      kill -0 "$nginx_pid" 2>/dev/null || break
      sleep 0.05
    done
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
  done
  return 1
}
start_nginx || { say "nginx did not start: $(tail -n 5 "$ng/error.log" "$ng/stderr.log" 2>/dev/null)"; exit 2; }
echo "nginx: serving on a free port as $(ps -o user= -p "$(pgrep -P "$nginx_pid" | head -n 1)" 2>/dev/null || echo "?")"

# run_wrk URL PATHS SECONDS [HEADER]: the wrk-result line
run_wrk() {
  local extra=()
  [[ -n ${4:-} ]] && extra=(-H "$4")
  PD_WRK_PATHS=$2 "${nice_cmd[@]}" wrk -t"$threads" -c"$conns" -d"$3"s -s "$top/bench/wrk.lua" \
    -H "Authorization: Bearer $token" "${extra[@]}" "$1" | grep '^wrk-result'
}
# one measurement: pd (privdeskd, cached), pdnc (privdeskd, Cache-Control: no-cache) or ng (nginx)
run_one() {
  case $1 in
    pd) run_wrk "$pd_url" "$tmp/paths-$2" "$3" ;;
    pdnc) run_wrk "$pd_url" "$tmp/paths-$2" "$3" "Cache-Control: no-cache" ;;
    ng) run_wrk "$ng_url" "$tmp/ngpaths-$2" "$3" ;;
  esac
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$2"; }
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "load before: $(load)"
for kind in $kinds; do
  # warm-up: caches, statements, connections (not counted)
  for who in pd pdnc ng; do run_one "$who" "$kind" 2 > /dev/null; done
  for ((r = 1; r <= rounds; r++)); do
    case $((r % 3)) in
      1) order="pd pdnc ng" ;;
      2) order="ng pd pdnc" ;;
      0) order="pdnc ng pd" ;;
    esac
    for who in $order; do
      line=$(run_one "$who" "$kind" "$secs")
      echo "$kind $who $r $(load | cut -d' ' -f1) $line" >> "$tmp/results"
      say "$kind round $r $who: $(field rps "$line") req/s, p99 $(field p99_ms "$line") ms," \
        "status errors $(field err_status "$line")"
    done
  done
done
echo "load after: $(load)"
echo

missed=0 errors=0
rps_of() { awk -v k="$1" -v w="$2" '$1 == k && $2 == w' "$tmp/results" | while read -r line; do field rps "$line"; done; }
p99_of() { awk -v k="$1" -v w="$2" '$1 == k && $2 == w' "$tmp/results" | while read -r line; do field p99_ms "$line"; done | median; }
ratio_of() { awk -v a="$1" -v c="$2" 'BEGIN { printf "%.2f", (c > 0 ? a / c : 0) }'; }
rounds_list() { printf '%.0f ' $1 | sed 's/ $//; s/ /, /g'; }
echo "| GET | body bytes | privdeskd cached req/s (median; rounds) | privdeskd uncached (no-cache) req/s (median; rounds) | nginx req/s (median; rounds) | ratio cached | ratio uncached | p99 ms cached / uncached | target | met cached | met uncached |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for kind in $kinds; do
  pd_all=$(rps_of "$kind" pd)
  nc_all=$(rps_of "$kind" pdnc)
  ng_all=$(rps_of "$kind" ng)
  pd_p99=$(p99_of "$kind" pd)
  nc_p99=$(p99_of "$kind" pdnc)
  errs=$(awk -v k="$kind" '$1 == k' "$tmp/results" | while read -r line; do
    echo $(($(field err_status "$line") + $(field err_connect "$line") + $(field err_read "$line") +
      $(field err_timeout "$line")))
  done | awk '{ s += $1 } END { print s + 0 }')
  pd_rps=$(median <<< "$pd_all")
  nc_rps=$(median <<< "$nc_all")
  ngx=$(median <<< "$ng_all")
  ratio=$(ratio_of "$pd_rps" "$ngx")
  nc_ratio=$(ratio_of "$nc_rps" "$ngx")
  met=yes nc_met=yes
  awk -v r="$ratio" 'BEGIN { exit !(r < 0.5) }' && { met="**no**"; missed=$((missed + 1)); }
  awk -v r="$nc_ratio" 'BEGIN { exit !(r < 0.5) }' && nc_met="**no**"
  ((errs > 0)) && { met="$met (errors: $errs)"; errors=$((errors + errs)); }
  case $kind in
    account) label="/v1/accounts/{id} (accounts rotating)" ;;
    request) label="/v1/requests/{id} (requests rotating)" ;;
    queue) label="/v1/requests?status=open&limit=50" ;;
    stats) label="/v1/stats" ;;
  esac
  printf '| %s | %s | %.0f (%s) | %.0f (%s) | %.0f (%s) | %s | %s | %s / %s | ≥ 0.50 of nginx | %s | %s |\n' \
    "$label" "$(cat "$tmp/size-$kind")" "$pd_rps" "$(rounds_list "$pd_all")" "$nc_rps" "$(rounds_list "$nc_all")" \
    "$ngx" "$(rounds_list "$ng_all")" "$ratio" "$nc_ratio" "$pd_p99" "$nc_p99" "$met" "$nc_met"
done
((errors > 0)) && exit 2
((missed > 0)) && exit 1
exit 0
