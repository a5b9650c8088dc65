#!/usr/bin/env bash
# The console over a real SSH session, the way support staff use it from a
# bastion host: an sshd started by the test on a free loopback port with a
# throwaway host key and a throwaway user key (authorized_keys in the test's
# directory), and `ssh -t ... privdesk` inside tmux, as the current user.
# Open the queue and a request, take it, resize the terminal, quit.
# Skipped (with the reason) when sshd is missing or cannot run here.
. "${TOP_SRCDIR:-.}/tests/reliability-console/lib.sh"
plan=4
rc_begin $plan
sshd_bin=$(command -v sshd || ls /usr/sbin/sshd 2>/dev/null)
[[ -n $sshd_bin ]] || rc_skip_all $plan "sshd is not installed (openssh-server)"
command -v ssh >/dev/null && command -v ssh-keygen >/dev/null || rc_skip_all $plan "ssh is not installed (openssh-client)"
me=$(id -un)
s=$e2e_dir/ssh
mkdir -p "$s"

ssh-keygen -q -t ed25519 -N '' -C privdesk-test-host -f "$s/host_key" || rc_skip_all $plan "ssh-keygen failed"
ssh-keygen -q -t ed25519 -N '' -C privdesk-test-user -f "$s/user_key" || rc_skip_all $plan "ssh-keygen failed"
cp "$s/user_key.pub" "$s/authorized_keys"
chmod 600 "$s/authorized_keys"
cat > "$s/sshd_config" <<CONFIG
ListenAddress 127.0.0.1
HostKey $s/host_key
PidFile $s/sshd.pid
AuthorizedKeysFile $s/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
AllowUsers $me
PermitTTY yes
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
CONFIG
# sshd run as root wants its privilege-separation directory (Debian:
# /run/sshd, made by the init script, so missing in a chroot): create it,
# empty and root's as the init script would, and leave it (another sshd,
# e.g. this test in a parallel build, may be using it)
if ! "$sshd_bin" -t -f "$s/sshd_config" > "$s/sshd-t.log" 2>&1; then
  privsep=$(tr -d '\r' < "$s/sshd-t.log" | sed -n 's/^Missing privilege separation directory: *//p' | head -1)
  if [[ -n $privsep && ! -e $privsep ]]; then
    mkdir -p -m 0755 "$privsep" 2>/dev/null ||
      rc_skip_all $plan "cannot create sshd's privilege-separation directory $privsep"
  fi
  "$sshd_bin" -t -f "$s/sshd_config" > "$s/sshd-t.log" 2>&1 ||
    rc_skip_all $plan "sshd cannot run here: $(head -c 300 "$s/sshd-t.log" | tr '\n' ' ')"
fi

# start_sshd [-o OPTION...]: sshd on a free port (tries some: sshd exits at
# once when it cannot listen); sets sshd_pid and port, or returns 1
sshd_pid= port=
start_sshd() {
  local try i
  for ((try = 0; try < 8; try++)); do
    port=$((20000 + (RANDOM * 7 + try * 1031) % 40000))
    "$sshd_bin" -D -e -f "$s/sshd_config" -o "Port=$port" "$@" 2> "$s/sshd.log" &
    sshd_pid=$!
    for ((i = 0; i < 100; i++)); do
      grep -q "Server listening on 127.0.0.1 port $port" "$s/sshd.log" && return 0
      kill -0 "$sshd_pid" 2>/dev/null || break
      sleep 0.05
    done
    stop_sshd
  done
  return 1
}
stop_sshd() {
  [[ -n $sshd_pid ]] || return 0
  kill "$sshd_pid" 2>/dev/null
  wait "$sshd_pid" 2>/dev/null
  sshd_pid=
}
rc_extra_cleanup+=(stop_sshd)
ssh_opts() {
  ssh_opts=(-F /dev/null -p "$port" -i "$s/user_key" -o IdentitiesOnly=yes -o BatchMode=yes -o AddressFamily=inet
    -o UserKnownHostsFile="$s/known_hosts" -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null
    -o ConnectTimeout=10 -o LogLevel=ERROR)
  echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$s/host_key.pub")" > "$s/known_hosts"
}
login_works() { ssh_opts && ssh "${ssh_opts[@]}" "$me@127.0.0.1" true > "$s/probe.log" 2>&1; }
start_sshd || rc_skip_all $plan "sshd cannot run here: $(tail -3 "$s/sshd.log" | tr '\n' ' ')"
if ! login_works && grep -q "account is locked" "$s/sshd.log"; then
  # without PAM, sshd refuses a user whose password is locked ("!"), even
  # for a key; PAM's account check does not
  stop_sshd
  start_sshd -o UsePAM=yes || rc_skip_all $plan "sshd cannot run here with PAM: $(tail -3 "$s/sshd.log" | tr '\n' ' ')"
fi
login_works ||
  rc_skip_all $plan "ssh to 127.0.0.1 as $me is refused here: $(tail -3 "$s/probe.log" | tr '\n' ' ') $(grep -iE 'refused|not allowed|locked|invalid|fatal' "$s/sshd.log" | tail -2 | tr '\n' ' ')"

e2e_server --accounts 80 --requests 60 || exit 1
req=$(e2e_api alice GET '/v1/requests?status=in_progress&assignee=none&limit=1' | jq -r '.items[0].id')
[[ $req == req_* ]] || echo "set-up: no unassigned request in progress" | e2e_diag

# --- 1: the console starts over ssh -t, with a terminal, signed in ---
printf -v remote 'echo "$SSH_CONNECTION" > %q; exec env TERM=xterm-256color LANG=C.UTF-8 XDG_CONFIG_HOME=%q %q --server %q --token-file %q' \
  "$s/connection" "$s" "$e2e_privdesk" "$e2e_url" "$e2e_dir/alice.token"
printf -v cmd '%q ' ssh -t "${ssh_opts[@]}" "$me@127.0.0.1" "$remote"
tmux -L "$e2e_socket" -f /dev/null new-session -d -s ssh -x 80 -y 24 "$cmd 2>>$e2e_dir/ssh.err; echo '[ssh exited]' \$?; sleep 600"
tmux -L "$e2e_socket" set-option -t ssh status off >/dev/null
if ! e2e_wait ssh "alice (agent)" 20; then
  { cat "$e2e_dir/ssh.err"; tail -5 "$s/sshd.log"; } 2>/dev/null | e2e_diag
fi
e2e_wait ssh "Open requests"
grep -q "Accepted publickey for $me" "$s/sshd.log" || e2e_fail "sshd did not log the key login: $(tail -5 "$s/sshd.log")"
sport=
[[ -f $s/connection ]] && read -r _ _ _ sport < "$s/connection"
[[ $sport == "$port" ]] || e2e_fail "the console did not run in the ssh session (SSH_CONNECTION: $(cat "$s/connection" 2>/dev/null))"
e2e_ok "privdesk runs in an ssh -t session to localhost:$port (key login, pseudo-terminal) and signs in"

# --- 2: the queue and a request, taken ---
e2e_keys ssh : q u e u e Enter
e2e_wait ssh "Queue: open"
e2e_keys ssh /
e2e_type ssh "$req"
e2e_keys ssh Enter
e2e_wait ssh " 1/1 "
e2e_keys ssh Enter
e2e_wait ssh "Timeline"
e2e_wait ssh "$req"
e2e_keys ssh t
e2e_wait ssh "Done: take the request"
[[ $(e2e_api alice GET "/v1/requests/$req" | jq -r .assignee) == alice ]] || e2e_fail "the server's assignee is not alice"
e2e_ok "over ssh: the queue, the request opened from it, and t takes it (the server has alice as assignee)"

# --- 3: the window is resized: the size reaches the console through ssh ---
e2e_resize ssh 50 200
e2e_wait_regex ssh "Queue: open › req_"
lines=$(e2e_screen ssh | wc -l)
[[ $lines == 50 && $(e2e_screen ssh | head -1) == " privdesk "* ]] || e2e_fail "after resizing: $lines lines"
e2e_keys ssh q
e2e_wait ssh "Queue: open"
e2e_ok "a resize travels through ssh (SIGWINCH): the console redraws at 200x50"

# --- 4: Q quits; the ssh session ends cleanly ---
e2e_keys ssh Q
e2e_wait ssh "[ssh exited] 0"
e2e_ok "Q quits the console and the ssh session ends with status 0"
e2e_end
