# tui/: the terminal core (libpdtui.a). ncursesw only: no curl, no jansson,
# nothing from api/. The public API is the headers; see tui/app.h first.
#
# pkg-config's ncursesw flags carry -D_XOPEN_SOURCE=600, which clashes with
# AM_CPPFLAGS' -D_XOPEN_SOURCE=700 (a redefinition warning, an error under
# --enable-werror). PD_TUI_CFLAGS keeps its include paths and restores 700;
# use it for everything that includes a tui/ header (screens, tests).
PD_TUI_CFLAGS = $(AM_CFLAGS) -U_XOPEN_SOURCE $(NCURSES_CFLAGS) -U_XOPEN_SOURCE -D_XOPEN_SOURCE=700

noinst_LIBRARIES += libpdtui.a
libpdtui_a_CFLAGS = $(PD_TUI_CFLAGS)
libpdtui_a_SOURCES = \
	tui/utf8.c tui/utf8.h \
	tui/sanitize.c tui/sanitize.h \
	tui/width.c tui/width.h \
	tui/keys.c tui/keys.h \
	tui/keymap.c tui/keymap.h tui/actions.def \
	tui/theme.c tui/theme.h \
	tui/draw.c tui/draw.h \
	tui/loop.c tui/loop.h \
	tui/term.c tui/term.h \
	tui/script.c tui/script.h \
	tui/lineedit.c tui/lineedit.h \
	tui/cmdline.c tui/cmdline.h \
	tui/confirm.c tui/confirm.h \
	tui/status.c tui/status.h \
	tui/tabs.c tui/tabs.h \
	tui/detail.c tui/detail.h \
	tui/table.c tui/table.h \
	tui/chrome.c tui/chrome.h \
	tui/help.c tui/help.h \
	tui/app.c tui/app.h tui/app_impl.h tui/app_input.c tui/app_render.c

# pdtui-demo: try the core by hand (./pdtui-demo) or headless
# (PRIVDESK_TEST_SCRIPT=file ./pdtui-demo).
noinst_PROGRAMS += pdtui-demo
pdtui_demo_SOURCES = tui/demo.c
pdtui_demo_CFLAGS = $(PD_TUI_CFLAGS)
pdtui_demo_LDADD = libpdtui.a $(NCURSES_LIBS)

EXTRA_DIST += tui/README.md
