/* tui/help.h — the `?` screen: the key table of a scope, generated from
 * tui/actions.def (pd_keymap_help), shown in a scrollable detail pane. The
 * app pushes it (pd_app_show_help); ?, q and Esc close it. */
#ifndef PD_TUI_HELP_H
#define PD_TUI_HELP_H

#include "tui/app.h"

/* A help screen for scope (NULL: global keys only), titled after title,
 * with extra text above the table (may be NULL). All strings are copied.
 * NULL when out of memory. The app owns the result once pushed. */
struct pd_screen *pd_help_screen_new(const char *scope, const char *title, const char *extra);

#endif
