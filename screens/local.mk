# screens/: the console's screens and privdesk itself. Uses both tui/ and api/.

noinst_LIBRARIES += libpdscreens.a
libpdscreens_a_CFLAGS = $(PD_TUI_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS)
libpdscreens_a_SOURCES = \
	screens/console.c screens/console.h \
	screens/cli.c screens/cli.h \
	screens/commands.c screens/command_table.c screens/command_table.h \
	screens/profiles.c screens/profiles.h \
	screens/format.c screens/format.h \
	screens/report.c screens/report.h \
	screens/bulk.c screens/bulk.h \
	screens/pages.c screens/pages.h \
	screens/queue.c \
	screens/request.c screens/request_view.c screens/request_view.h \
	screens/dashboard.c \
	screens/erasure.c \
	screens/accounts.c \
	screens/account.c \
	screens/inventory.c \
	screens/holds.c \
	screens/picker.c screens/picker.h \
	screens/audit.c

PD_CONSOLE_LIBS = libpdscreens.a libpdapi.a libpdtui.a $(CURL_LIBS) $(JANSSON_LIBS) $(SODIUM_LIBS) $(NCURSES_LIBS) $(INIH_LIBS)

bin_PROGRAMS += privdesk
privdesk_SOURCES = screens/main.c
privdesk_CFLAGS = $(PD_TUI_CFLAGS) $(CURL_CFLAGS) $(JANSSON_CFLAGS)
privdesk_LDADD = $(PD_CONSOLE_LIBS)
