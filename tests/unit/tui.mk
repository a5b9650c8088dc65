# tests/unit/tui.mk — cmocka tests of the terminal core (libpdtui.a).
# They run headless (tui/term.h): no terminal is needed, TERM may be unset.
TUI_UNIT_TESTS = \
	tests/unit/test_tui_sanitize \
	tests/unit/test_tui_width \
	tests/unit/test_tui_keymap \
	tests/unit/test_tui_loop \
	tests/unit/test_tui_theme \
	tests/unit/test_tui_lineedit \
	tests/unit/test_tui_confirm \
	tests/unit/test_tui_table \
	tests/unit/test_tui_widgets \
	tests/unit/test_tui_script \
	tests/unit/test_tui_app

check_PROGRAMS += $(TUI_UNIT_TESTS)
TESTS += $(TUI_UNIT_TESTS)

TUI_TEST_CFLAGS = $(PD_TUI_CFLAGS) $(CMOCKA_CFLAGS)
TUI_TEST_LDADD = libpdtui.a $(CMOCKA_LIBS) $(NCURSES_LIBS)

tests_unit_test_tui_sanitize_SOURCES = tests/unit/test_tui_sanitize.c
tests_unit_test_tui_sanitize_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_sanitize_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_width_SOURCES = tests/unit/test_tui_width.c
tests_unit_test_tui_width_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_width_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_keymap_SOURCES = tests/unit/test_tui_keymap.c
tests_unit_test_tui_keymap_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_keymap_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_loop_SOURCES = tests/unit/test_tui_loop.c
tests_unit_test_tui_loop_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_loop_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_theme_SOURCES = tests/unit/test_tui_theme.c
tests_unit_test_tui_theme_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_theme_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_lineedit_SOURCES = tests/unit/test_tui_lineedit.c
tests_unit_test_tui_lineedit_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_lineedit_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_confirm_SOURCES = tests/unit/test_tui_confirm.c
tests_unit_test_tui_confirm_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_confirm_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_table_SOURCES = tests/unit/test_tui_table.c
tests_unit_test_tui_table_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_table_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_widgets_SOURCES = tests/unit/test_tui_widgets.c
tests_unit_test_tui_widgets_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_widgets_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_script_SOURCES = tests/unit/test_tui_script.c
tests_unit_test_tui_script_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_script_LDADD = $(TUI_TEST_LDADD)

tests_unit_test_tui_app_SOURCES = tests/unit/test_tui_app.c
tests_unit_test_tui_app_CFLAGS = $(TUI_TEST_CFLAGS)
tests_unit_test_tui_app_LDADD = $(TUI_TEST_LDADD)

# screens/pages.c (the list screens' page-by-page lists) has no dependency:
# tested on its own here.
check_PROGRAMS += tests/unit/test_screens_pages
TESTS += tests/unit/test_screens_pages
tests_unit_test_screens_pages_SOURCES = tests/unit/test_screens_pages.c screens/pages.c
tests_unit_test_screens_pages_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_screens_pages_LDADD = $(CMOCKA_LIBS)
