#!/usr/bin/env bash
# The manual pages render cleanly and cover every option, key and command.
echo "1..4"
top=${TOP_SRCDIR:-.}
build=${TOP_BUILDDIR:-.}
man1=$build/docs/privdesk.1 man8=$build/docs/privdeskd.8
n=0 failed=0
verdict() { n=$((n + 1)); if [[ -z $1 ]]; then echo "ok $n - $2"; else echo "not ok $n - $2"; echo "$1" | sed 's/^/# /'; failed=1; fi; }

if command -v groff >/dev/null; then
  warnings=$( { groff -man -Tutf8 -ww -z "$man1"; groff -man -Tutf8 -ww -z "$man8"; } 2>&1)
  verdict "$warnings" "groff renders both pages without warnings"
else
  echo "ok 1 # SKIP groff is not installed"; n=1
fi

text1=$(groff -man -Tutf8 "$man1" 2>/dev/null | col -bx 2>/dev/null || sed 's/\\-/-/g' "$man1")
text1=$(printf '%s' "$text1" | tr -s ' \n' ' ')
missing=
for opt in $("${PRIVDESK:-$build/privdesk}" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  grep -q -- "$opt" <<<"$text1" || missing+="$opt "
done
verdict "${missing:+privdesk.1 lacks: $missing}" "privdesk.1 documents every option of privdesk --help"

text8=$(groff -man -Tutf8 "$man8" 2>/dev/null | col -bx 2>/dev/null || sed 's/\\-/-/g' "$man8")
missing=
for opt in $("${PRIVDESKD:-$build/privdeskd}" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  grep -q -- "$opt" <<<"$text8" || missing+="$opt "
done
for cmd in serve "user add" "user revoke" "user list" seed; do grep -q "$cmd" <<<"$text8" || missing+="'$cmd' "; done
verdict "${missing:+privdeskd.8 lacks: $missing}" "privdeskd.8 documents every command and option of privdeskd --help"

# every action's help line and every : command (both generated from the tables)
missing=
while IFS= read -r help; do
  grep -qF -- "$help" "$build/docs/keys.roff" || missing+="[$help] "
done <<< "$(sed -n 's/^PD_\(WRITE_\)\{0,1\}ACTION([A-Z_]*, "[^"]*", "\([^"]*\)", "[^"]*", "\(.*\)")$/\2|\3/p' \
           "$top/tui/actions.def" | grep -v '^demo' | cut -d'|' -f2 | sed 's/\\"/"/g; s/-/\\-/g')"
for c in queue account request holds audit dashboard help quit; do
  grep -q "^.BI \":$c" "$man1" || missing+=":$c "
done
verdict "${missing:+missing from privdesk.1: $missing}" "privdesk.1 lists every key of every screen and every : command"
exit $failed
