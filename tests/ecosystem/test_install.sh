#!/usr/bin/env bash
# `make install DESTDIR=...` installs binaries, manual pages, completions, the
# example configuration and the systemd unit; the installed programs run.
echo "1..3"
build=${TOP_BUILDDIR:-.}
dest=$(mktemp -d "${TMPDIR:-/tmp}/privdesk-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
fail=0
if ! make -s -C "$build" install DESTDIR="$dest" >"$dest.log" 2>&1; then
  echo "not ok 1 - make install"; sed 's/^/# /' "$dest.log"; rm -f "$dest.log"; exit 1
fi
rm -f "$dest.log"
# the configured prefix, as installed under DESTDIR
bin=$(find "$dest" -path '*/bin/privdeskd' -type f | head -1)
root=${bin%/bin/privdeskd}
missing=
[[ -n $bin ]] || missing="bin/privdeskd "
for f in bin/privdesk bin/privdeskd share/man/man1/privdesk.1 share/man/man8/privdeskd.8 \
  share/bash-completion/completions/privdesk share/bash-completion/completions/privdeskd \
  share/zsh/site-functions/_privdesk share/zsh/site-functions/_privdeskd \
  share/doc/privdesk/config.example lib/systemd/system/privdeskd.service; do
  [[ -f $root/$f ]] || missing+="$f "
done
if [[ -z $missing ]]; then echo "ok 1 - every file is installed"; else echo "not ok 1 - missing: $missing"; fail=1; fi

unit=$root/lib/systemd/system/privdeskd.service
problems=
grep -q "^ExecStart=${root#"$dest"}/bin/privdeskd serve" "$unit" || problems+="ExecStart "
for d in DynamicUser=yes ProtectSystem=strict StateDirectory=privdeskd NoNewPrivileges=yes ProtectHome=yes \
  PrivateTmp=yes CapabilityBoundingSet= KillSignal=SIGTERM; do
  grep -q "^$d\$" "$unit" || problems+="$d "
done
if command -v systemd-analyze >/dev/null && systemd-analyze --version >/dev/null 2>&1; then
  out=$(systemd-analyze verify --man=no "$unit" 2>&1 | grep -v 'Command .* is not executable\|not found' )
  [[ -z $out ]] || problems+="systemd-analyze: $out"
fi
if [[ -z $problems ]]; then echo "ok 2 - the systemd unit is hardened (DynamicUser, ProtectSystem=strict, StateDirectory)"
else echo "not ok 2 - the unit lacks: $problems"; fail=1; fi

v=$("$root/bin/privdesk" --version) && v8=$("$root/bin/privdeskd" --version) &&
  [[ $v == *privdesk* && $v8 == *privdeskd* ]]
if [[ $? -eq 0 ]]; then echo "ok 3 - the installed programs run (--version)"; else echo "not ok 3 - installed programs"; fail=1; fi
exit $fail
