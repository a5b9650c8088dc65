# docs/: manual pages (key and command lists generated from the console's own
# tables by pdmangen, so they cannot drift), the example configuration.

noinst_PROGRAMS += docs/pdmangen
docs_pdmangen_SOURCES = docs/pdmangen.c screens/command_table.c screens/command_table.h
docs_pdmangen_CFLAGS = $(PD_TUI_CFLAGS)
docs_pdmangen_LDADD = libpdtui.a $(NCURSES_LIBS)

man_MANS = docs/privdesk.1 docs/privdeskd.8
CLEANFILES += $(man_MANS) docs/keys.roff docs/commands.roff
EXTRA_DIST += docs/privdesk.1.in docs/privdeskd.8.in docs/api.md docs/RELIABILITY.md docs/DEPLOYMENT.md
dist_doc_DATA += docs/config.example

PD_MAN_SUBST = $(AWK) -v version='$(PACKAGE_VERSION)' -v docdir='$(docdir)' \
	-v keys=docs/keys.roff -v cmds=docs/commands.roff \
	'$$0 == "@KEYS@" { while ((getline l < keys) > 0) print l; next } \
	 $$0 == "@COMMANDS@" { while ((getline l < cmds) > 0) print l; next } \
	 { gsub("@VERSION@", version); gsub("@docdir@", docdir); print }'

docs/privdesk.1: $(srcdir)/docs/privdesk.1.in docs/pdmangen$(EXEEXT)
	$(AM_V_GEN)$(MKDIR_P) docs && docs/pdmangen keys > docs/keys.roff && \
	docs/pdmangen commands > docs/commands.roff && \
	$(PD_MAN_SUBST) $(srcdir)/docs/privdesk.1.in > $@.tmp && mv $@.tmp $@

docs/privdeskd.8: $(srcdir)/docs/privdeskd.8.in
	$(AM_V_GEN)$(MKDIR_P) docs && $(PD_MAN_SUBST) $(srcdir)/docs/privdeskd.8.in > $@.tmp && mv $@.tmp $@

# Shell completion.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = completions/bash/privdesk completions/bash/privdeskd
zshcompletiondir = $(datadir)/zsh/site-functions
dist_zshcompletion_DATA = completions/zsh/_privdesk completions/zsh/_privdeskd

# The systemd unit of privdeskd (hardened; see dist/privdeskd.service.in).
systemdsystemunitdir = @systemdsystemunitdir@
nodist_systemdsystemunit_DATA = dist/privdeskd.service
EXTRA_DIST += dist/privdeskd.service.in
CLEANFILES += dist/privdeskd.service
dist/privdeskd.service: $(srcdir)/dist/privdeskd.service.in
	$(AM_V_GEN)$(MKDIR_P) dist && sed -e 's|@bindir[@]|$(bindir)|g' $(srcdir)/dist/privdeskd.service.in > $@.tmp && \
	mv $@.tmp $@

# `make installcheck` (run by distcheck): the installed tree has everything.
installcheck-local:
	@for f in $(DESTDIR)$(bindir)/privdesk $(DESTDIR)$(bindir)/privdeskd \
	  $(DESTDIR)$(mandir)/man1/privdesk.1 $(DESTDIR)$(mandir)/man8/privdeskd.8 \
	  $(DESTDIR)$(bashcompletiondir)/privdesk $(DESTDIR)$(zshcompletiondir)/_privdesk \
	  $(DESTDIR)$(docdir)/config.example $(DESTDIR)$(systemdsystemunitdir)/privdeskd.service; do \
	  test -f "$$f" || { echo "installcheck: missing $$f"; exit 1; }; done; \
	$(DESTDIR)$(bindir)/privdesk --version | grep -q '$(PACKAGE_VERSION)' && \
	$(DESTDIR)$(bindir)/privdeskd --version | grep -q '$(PACKAGE_VERSION)' && \
	grep -q 'Take the marked requests' $(DESTDIR)$(mandir)/man1/privdesk.1 && \
	echo "installcheck: the installed tree is complete"
