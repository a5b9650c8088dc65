#!/usr/bin/env bash
# Shell completion: bash and zsh load the scripts and complete options,
# profiles and commands.
. "${TOP_SRCDIR:-.}/tests/e2e/lib.sh"
e2e_begin 4
top=${TOP_SRCDIR:-.}
export XDG_CONFIG_HOME=$(mktemp -d "${TMPDIR:-/tmp}/privdesk-compl.XXXXXX")
trap 'rm -rf "$XDG_CONFIG_HOME"; e2e_cleanup' EXIT
mkdir -p "$XDG_CONFIG_HOME/privdesk"
printf '[profile staging]\nserver = http://x\n\n[profile production]\nserver = https://y\n' \
  > "$XDG_CONFIG_HOME/privdesk/config"

# bash: call the completion function the way readline does
bash_complete() { # WORDS... (the last one is being completed)
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    complete -p "${COMP_WORDS[0]}" >/dev/null || exit 9
    fn=$(complete -p "${COMP_WORDS[0]}" | sed -n "s/.*-F \([^ ]*\).*/\1/p")
    "$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
got=$(bash_complete "$top/completions/bash/privdesk" privdesk --pro)
echo "$got" | grep -qx -- --profile && echo "$got" | grep -qx -- --production || e2e_fail "options: $got"
got=$(bash_complete "$top/completions/bash/privdesk" privdesk --profile "")
[[ $(echo "$got" | sort | tr '\n' ' ') == "production staging " ]] || e2e_fail "profiles: $got"
got=$(bash_complete "$top/completions/bash/privdesk" privdesk get queue --preset ov)
[[ $got == overdue ]] || e2e_fail "presets: $got"
got=$(bash_complete "$top/completions/bash/privdesk" privdesk -p staging g)
[[ $got == get ]] || e2e_fail "commands after options: $got"
e2e_ok "bash completes privdesk's options, profiles, commands and presets"

got=$(bash_complete "$top/completions/bash/privdeskd" privdeskd user add alice --role "")
[[ $(echo "$got" | tr '\n' ' ') == "viewer agent supervisor " ]] || e2e_fail "roles: $got"
got=$(bash_complete "$top/completions/bash/privdeskd" privdeskd se)
[[ $(echo "$got" | sort | tr '\n' ' ') == "seed serve " ]] || e2e_fail "commands: $got"
e2e_ok "bash completes privdeskd's commands and roles"

if ! command -v zsh >/dev/null; then
  echo "ok 3 # SKIP zsh is not installed"
  echo "ok 4 # SKIP zsh is not installed"
  exit 0
fi
# zsh: a real interactive shell on a pseudo-terminal (zpty) completes a line
zsh_complete() { # LINE: prints the line after one Tab
  zsh -f -c '
    zmodload zsh/zpty
    zpty -b z zsh -f -i
    zpty -w z "PS1=\"%% \"; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; bindkey \"^I\" complete-word"
    zpty -w -n z "$2"$'"'"'\t'"'"'
    out= ; for i in {1..40}; do zpty -r -t z chunk && out+=$chunk; sleep 0.05; done
    print -r -- "$out"
    zpty -d z' _ "$top/completions/zsh" "$1" 2>&1 | tr -d '\r'
}
out=$(zsh_complete "privdesk --list-pro")
echo "$out" | grep -q -- "--list-profiles" || e2e_fail "zsh did not complete --list-profiles: $out"
out=$(zsh_complete "privdesk --profile stag")
echo "$out" | grep -q "staging" || e2e_fail "zsh did not complete the profile: $out"
e2e_ok "zsh completes privdesk's options and profiles"
out=$(zsh_complete "privdeskd user add x --role super")
echo "$out" | grep -q "supervisor" || e2e_fail "zsh did not complete the role: $out"
e2e_ok "zsh completes privdeskd's roles"
e2e_end
