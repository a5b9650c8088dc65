#!/usr/bin/env bash
# TLS, console side: a throwaway CA and server certificates made at test
# time (openssl), privdeskd serving HTTPS with them, and the console in tmux:
# it connects with --ca-file, refuses an untrusted certificate and one for
# another host name with a clear message (and sends no request), and with
# --insecure connects but shows a red TLS NOT VERIFIED badge.
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
rc_begin 5
command -v openssl >/dev/null || rc_skip_all 5 "openssl is not installed"
e2e_server --accounts 60 --requests 30 || exit 1
e2e_server_stop
d=$e2e_dir

# --- a CA, a certificate for localhost/127.0.0.1, one for another name ---
(
  cd "$d" || exit 1
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=privdesk test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" || exit 1
  # cert NAME SUBJECT-ALT-NAMES
  cert() {
    openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" || return 1
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.pem"
  }
  cert good "DNS:localhost,IP:127.0.0.1" && cert wrong "DNS:wrong.example"
) > "$d/openssl.log" 2>&1 || { e2e_diag < "$d/openssl.log"; rc_skip_all 5 "openssl could not make the certificates"; }

# tls_server NAME DB CERT: privdeskd over HTTPS; sets tls_url_NAME
tls_server() {
  local name=$1 db=$2 cert=$3 i
  "$e2e_privdeskd" serve --listen 127.0.0.1:0 --db "$db" --port-file "$d/$name.port" --log "$d/$name.access.log" \
    --rate-limit 0 --tls-cert "$d/$cert.pem" --tls-key "$d/$cert.key" 2>>"$d/$name.err" &
  rc_extra_cleanup+=("kill $! 2>/dev/null; wait $! 2>/dev/null")
  for ((i = 0; i < 200; i++)); do [[ -s $d/$name.port ]] && break; sleep 0.05; done
  [[ -s $d/$name.port ]] || { e2e_diag < "$d/$name.err"; return 1; }
  printf -v "tls_url_$name" 'https://localhost:%s' "$(cat "$d/$name.port")"
}
cp "$d/e2e.db" "$d/wrong.db"
tls_server good "$d/e2e.db" good || exit 1
tls_server wrong "$d/wrong.db" wrong || exit 1
requests_seen() { grep -c '"path":' "$d/$1.access.log" 2>/dev/null || true; } # JSON lines

# --- 1: no --ca-file: the system store does not know the CA ---
e2e_url=$tls_url_good
e2e_console untrusted 24 80 alice
e2e_wait untrusted "TLS: certificate not trusted (use --ca-file)"
e2e_wait untrusted "offline"
e2e_expect_not_screen untrusted "alice (agent)"
[[ $(requests_seen good) == 0 ]] || e2e_fail "the server logged requests from a console that does not trust it:
$(cat "$d/good.access.log")"
e2e_ok "without --ca-file an untrusted certificate is refused: \"TLS: certificate not trusted (use --ca-file)\", nothing sent"

# --- 2: a certificate of the right CA for another host name ---
e2e_url=$tls_url_wrong
e2e_console wrong 24 80 alice --ca-file "$d/ca.pem"
e2e_wait wrong "TLS: host name does not match the certificate (localhost)"
e2e_expect_not_screen wrong "alice (agent)"
[[ $(requests_seen wrong) == 0 ]] || e2e_fail "the wrong-host server logged requests:
$(cat "$d/wrong.access.log")"
e2e_ok "a certificate for another host name is refused: \"TLS: host name does not match the certificate\""

# --- 3: --ca-file: verified, signed in, data shown ---
e2e_url=$tls_url_good
e2e_console good 24 80 alice --ca-file "$d/ca.pem"
e2e_wait good "alice (agent)"
e2e_wait good "Open requests"
e2e_expect_not_screen good "TLS NOT VERIFIED"
e2e_expect_not_screen good "offline"
e2e_keys good : q u e u e Enter
e2e_wait good "Queue: open"
(($(requests_seen good) > 0)) || e2e_fail "the access log shows no request: the checks of cases 1-2 would be blind"
e2e_ok "with --ca-file the console connects over HTTPS, signs in and loads the queue"

# --- 4-5: --insecure connects, and says so in red ---
e2e_console insecure 24 80 alice --insecure
e2e_wait insecure "alice (agent)"
e2e_wait insecure "Open requests"
e2e_wait insecure "TLS NOT VERIFIED"
e2e_ok "--insecure connects to the untrusted server"
header=$(e2e_screen_attrs insecure | head -1)
# the SGR state in force where the badge starts: its last background colour
before=${header%%TLS NOT VERIFIED*}
bg=$(printf '%s' "$before" | grep -oE $'\e\\[[0-9;]*m' | grep -oE '(48;5;[0-9]+|4[0-7]|10[0-7])' | tail -1)
case $bg in
  48\;5\;1 | 48\;5\;9 | 48\;5\;52 | 48\;5\;88 | 48\;5\;124 | 48\;5\;160 | 48\;5\;196 | 41 | 101) ;;
  *) e2e_fail "TLS NOT VERIFIED is not on a red background (last background: ${bg:-none}): $(printf '%s' "$header" | cat -v)" ;;
esac
e2e_ok "the header shows TLS NOT VERIFIED on a red background (tmux capture-pane -e: $bg)"
e2e_end
