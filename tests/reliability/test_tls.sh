#!/bin/sh
# TAP test: privdeskd serves HTTPS with --tls-cert/--tls-key. A throwaway CA
# and server certificates are made here with the openssl CLI (EC P-256,
# valid two days): one for localhost and 127.0.0.1, one for another host
# name. Checks that curl with the CA (--cacert) gets answers, that curl
# without it, plain HTTP and a certificate for another name fail, and that a
# missing, garbage or mismatched key (or certificate) makes `privdeskd serve`
# exit non-zero with a message naming the problem. Skips without openssl or
# curl (Debian: openssl, curl).
set -u
priv=${PRIVDESKD:-./privdeskd}
n=14
echo "1..$n"

skip_all() {
  i=1
  while [ $i -le $n ]; do echo "ok $i # SKIP $1"; i=$((i + 1)); done
  exit 0
}
command -v openssl >/dev/null 2>&1 || skip_all "openssl not found (Debian: apt-get install openssl)"
command -v curl >/dev/null 2>&1 || skip_all "curl not found (Debian: apt-get install curl)"

d=$(mktemp -d "${TMPDIR:-/tmp}/pd-tls.XXXXXX") || exit 1
pids=
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$d"
}
trap cleanup EXIT INT TERM

t=0
failed=0
ok() { t=$((t + 1)); echo "ok $t - $1"; }
not_ok() {
  t=$((t + 1))
  failed=1
  echo "not ok $t - $1"
  shift
  for f in "$@"; do [ -f "$f" ] && sed 's/^/# /' "$f" | head -n 20; done
}
check() { # description command...: ok when the command succeeds
  desc=$1
  shift
  if "$@" >"$d/out" 2>"$d/err"; then ok "$desc"; else not_ok "$desc" "$d/out" "$d/err"; fi
}

# ---- a CA and certificates ----
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>>"$d/openssl.log"; }
cert_for() { # name key out san
  openssl req -new -key "$2" -subj "/CN=$1" -out "$d/$1.csr" 2>>"$d/openssl.log" &&
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$4" >"$d/$1.ext" &&
    openssl x509 -req -in "$d/$1.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
      -extfile "$d/$1.ext" -out "$3" 2>>"$d/openssl.log"
}
if key "$d/ca.key" &&
  openssl req -x509 -new -key "$d/ca.key" -subj "/CN=privdesk throwaway test CA" -days 2 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
    -out "$d/ca.pem" 2>>"$d/openssl.log" &&
  key "$d/server.key" && cert_for localhost "$d/server.key" "$d/server.pem" "DNS:localhost,IP:127.0.0.1" &&
  key "$d/other.key" && cert_for other.example "$d/other.key" "$d/other.pem" "DNS:other.example"; then
  ok "throwaway CA, a certificate for localhost/127.0.0.1 and one for other.example (openssl, EC P-256)"
else
  not_ok "making the test certificates with openssl failed" "$d/openssl.log"
  exit 1
fi

# ---- a database with a user ----
"$priv" seed --accounts 20 --requests 5 --db "$d/t.db" >/dev/null 2>&1 &&
  token=$("$priv" user add alice --role agent --quiet --db "$d/t.db") || {
  not_ok "privdeskd seed / user add failed"
  exit 1
}

# serve CERT KEY NAME: starts privdeskd over TLS; sets port and pid (0 when it did not start)
serve() {
  rm -f "$d/$3.port"
  "$priv" serve --listen 127.0.0.1:0 --db "$d/t.db" --rate-limit 0 --port-file "$d/$3.port" \
    --tls-cert "$1" --tls-key "$2" 2>"$d/$3.stderr" &
  pid=$!
  pids="$pids $pid"
  i=0
  while [ ! -s "$d/$3.port" ] && [ $i -lt 200 ]; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  port=$(cat "$d/$3.port" 2>/dev/null || echo 0)
}

serve "$d/server.pem" "$d/server.key" good
if [ "$port" -gt 0 ] && grep -q "listening on https://" "$d/good.stderr"; then
  ok "privdeskd serve --tls-cert --tls-key listens on https:// (port $port)"
else
  not_ok "privdeskd did not start with TLS" "$d/good.stderr"
  exit 1
fi

base="https://localhost:$port"
resolve="localhost:$port:127.0.0.1"
check "curl --cacert <CA> https://localhost/healthz: 200 ok" \
  sh -c "curl -sS --fail --cacert '$d/ca.pem' --resolve '$resolve' '$base/healthz' | grep -q '\"status\":\"ok\"'"
check "curl --cacert <CA> https://127.0.0.1/v1/me with a token: 200, the user (IP subjectAltName)" \
  sh -c "curl -sS --fail --cacert '$d/ca.pem' -H 'Authorization: Bearer $token' 'https://127.0.0.1:$port/v1/me' | grep -q '\"user\":\"alice\"'"
check "TLS 1.2 and 1.3 are offered (curl --tlsv1.2 --tls-max 1.2 and --tlsv1.3)" \
  sh -c "curl -sS --fail --cacert '$d/ca.pem' --resolve '$resolve' --tlsv1.2 --tls-max 1.2 '$base/healthz' >/dev/null &&
         curl -sS --fail --cacert '$d/ca.pem' --resolve '$resolve' --tlsv1.3 '$base/healthz' >/dev/null"

# curl's own trust store does not know the throwaway CA
curl -sS --resolve "$resolve" "$base/healthz" >"$d/out" 2>"$d/err"
rc=$?
if [ $rc -eq 60 ] || { [ $rc -ne 0 ] && grep -qi "certificate" "$d/err"; }; then
  ok "plain curl (system trust store) fails certificate verification (exit $rc)"
else
  not_ok "plain curl did not fail verification (exit $rc)" "$d/err"
fi
curl -sS --max-time 5 "http://127.0.0.1:$port/healthz" >"$d/out" 2>"$d/err"
rc=$?
if [ $rc -ne 0 ] && ! grep -q '"status"' "$d/out"; then
  ok "plain HTTP to the HTTPS port gets no answer (curl exit $rc)"
else
  not_ok "plain HTTP to the HTTPS port was answered" "$d/out"
fi

serve "$d/other.pem" "$d/other.key" other
if [ "$port" -gt 0 ]; then
  curl -sS --cacert "$d/ca.pem" --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/healthz" \
    >"$d/out" 2>"$d/err"
  rc=$?
  if [ $rc -ne 0 ] && ! grep -q '"status"' "$d/out"; then
    ok "a certificate for other.example, asked for as localhost: curl refuses it (exit $rc)"
  else
    not_ok "a certificate for another host name was accepted" "$d/out" "$d/err"
  fi
else
  not_ok "privdeskd did not start with the other.example certificate" "$d/other.stderr"
fi

# refuse NAME CERT KEY PATTERN DESCRIPTION: serve exits non-zero at once, with PATTERN on stderr
refuse() {
  "$priv" serve --listen 127.0.0.1:0 --db "$d/t.db" --port-file "$d/$1.port" --tls-cert "$2" --tls-key "$3" \
    >"$d/$1.out" 2>"$d/$1.stderr" &
  p=$!
  pids="$pids $p"
  i=0
  while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$p" 2>/dev/null; then
    not_ok "$5: privdeskd kept running" "$d/$1.stderr"
    return
  fi
  wait "$p"
  rc=$?
  if [ $rc -ne 0 ] && [ ! -s "$d/$1.port" ] && grep -q "$4" "$d/$1.stderr"; then
    ok "$5: exit $rc, \"$(grep "$4" "$d/$1.stderr" | head -n 1 | cut -c1-90)\""
  else
    not_ok "$5: exit $rc, stderr does not say \"$4\"" "$d/$1.stderr"
  fi
}

printf 'this is not a key\n' >"$d/garbage.key"
printf -- '-----BEGIN PRIVATE KEY-----\nZm9vYmFyIGJhegpxdXV4\n-----END PRIVATE KEY-----\n' >"$d/pemgarbage.key"
refuse missing "$d/server.pem" "$d/no-such.key" "cannot read the TLS private key" "a missing key file"
refuse garbage "$d/server.pem" "$d/garbage.key" "is not a PEM file" "a key file that is not PEM"
refuse pemgarbage "$d/server.pem" "$d/pemgarbage.key" "private key .* is not usable" "PEM armour around garbage"
refuse mismatch "$d/server.pem" "$d/other.key" "is not usable" "the key of another certificate"
refuse nocert "$d/no-such.pem" "$d/server.key" "cannot read the TLS certificate" "a missing certificate file"
"$priv" serve --listen 127.0.0.1:0 --db "$d/t.db" --tls-cert "$d/server.pem" >/dev/null 2>"$d/onlycert.stderr"
rc=$?
if [ $rc -ne 0 ] && grep -q "needs both --tls-cert and --tls-key" "$d/onlycert.stderr"; then
  ok "--tls-cert without --tls-key: exit $rc, \"$(head -n 1 "$d/onlycert.stderr")\""
else
  not_ok "--tls-cert without --tls-key: exit $rc" "$d/onlycert.stderr"
fi
exit $failed
