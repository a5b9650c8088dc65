/* tui/theme.h — colours by style (a role on screen), not by colour.
 *
 * Widgets and screens ask for a role (PD_STYLE_URGENT, PD_STYLE_SELECTED, ...)
 * and get the curses attributes for the terminal at hand:
 *   PD_THEME_256   256-colour terminals (xterm-256color, tmux-256color)
 *   PD_THEME_8     the 8 ANSI colours
 *   PD_THEME_MONO  attributes only (bold, reverse, underline, dim): terminals
 *                  without colour (vt100), or NO_COLOR set to a non-empty
 *                  value (https://no-color.org), or forced by the caller.
 * Meaning never depends on colour alone: what is urgent is also bold, the
 * selection is reverse video, marks show a '*' (see tui/table.h).
 *
 * Each role has its own colour pair (number = role + 1), so the role of any
 * screen cell can be recovered from its pair (pd_theme_style_of_pair), which
 * the headless screen dump uses. */
#ifndef PD_TUI_THEME_H
#define PD_TUI_THEME_H

#include <curses.h>

/* X(ID, dump letter, fg256, bg256, attrs256, fg8, bg8, attrs8, attrs_mono)
 * -1 = the terminal's default colour. */
#define PD_STYLES(X) \
  X(NORMAL, 'n', -1, -1, A_NORMAL, -1, -1, A_NORMAL, A_NORMAL) \
  X(HEADER, 'h', 255, 24, A_BOLD, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
  X(CRUMB, 'c', 250, 236, A_NORMAL, COLOR_CYAN, -1, A_NORMAL, A_UNDERLINE) \
  X(STATUS, 's', 252, 236, A_NORMAL, COLOR_WHITE, -1, A_NORMAL, A_NORMAL) \
  X(TITLE, 't', 153, -1, A_BOLD, COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE) \
  X(SELECTED, 'S', 231, 25, A_BOLD, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
  X(MARK, 'm', 214, -1, A_BOLD, COLOR_YELLOW, -1, A_BOLD, A_BOLD) \
  X(URGENT, 'u', 196, -1, A_BOLD, COLOR_RED, -1, A_BOLD, A_BOLD) \
  X(DUE_SOON, 'y', 220, -1, A_NORMAL, COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE) \
  X(OK, 'g', 114, -1, A_NORMAL, COLOR_GREEN, -1, A_NORMAL, A_NORMAL) \
  X(DIM, 'd', 244, -1, A_NORMAL, COLOR_WHITE, -1, A_DIM, A_DIM) \
  X(INFO, 'i', 117, 236, A_NORMAL, COLOR_CYAN, -1, A_NORMAL, A_NORMAL) \
  X(ERROR, 'e', 231, 160, A_BOLD, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE) \
  X(BADGE_PRODUCTION, 'P', 231, 160, A_BOLD, COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE) \
  X(SPINNER, 'p', 81, 236, A_BOLD, COLOR_CYAN, -1, A_BOLD, A_BOLD) \
  X(MATCH, 'M', 16, 220, A_NORMAL, COLOR_BLACK, COLOR_YELLOW, A_NORMAL, A_UNDERLINE) \
  X(KEY, 'k', 222, -1, A_BOLD, COLOR_YELLOW, -1, A_BOLD, A_BOLD) \
  X(BAR, 'B', 75, -1, A_NORMAL, COLOR_CYAN, -1, A_NORMAL, A_NORMAL) \
  X(DIALOG, 'D', 255, 238, A_NORMAL, COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_NORMAL) \
  X(INPUT, 'I', 231, 240, A_NORMAL, COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_UNDERLINE) \
  X(TAB_ACTIVE, 'T', 231, 25, A_BOLD, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
  X(TAB, 'a', 250, -1, A_NORMAL, COLOR_WHITE, -1, A_NORMAL, A_NORMAL)

enum pd_style {
#define PD_X(id, ...) PD_STYLE_##id,
  PD_STYLES(PD_X)
#undef PD_X
  PD_STYLE_COUNT
};

enum pd_theme_mode { PD_THEME_AUTO, PD_THEME_MONO, PD_THEME_8, PD_THEME_256 };

/* Sets up colour pairs for the current curses screen (call after newterm;
 * tui/term.c does). AUTO picks MONO when NO_COLOR is set and non-empty or
 * the terminal has no colours, else 256 or 8 by COLORS. Returns the mode
 * chosen. Calling it again (e.g. after a new screen) re-initialises. */
enum pd_theme_mode pd_theme_init(enum pd_theme_mode want);

enum pd_theme_mode pd_theme_mode(void);

/* The attributes (including COLOR_PAIR) to draw a role with. Before
 * pd_theme_init: the monochrome attributes. */
attr_t pd_theme_attr(enum pd_style role);

/* The role whose colour pair is pair, or -1 (pair 0, or not ours). */
int pd_theme_style_of_pair(int pair);

/* One-letter name of a role for screen dumps ('n' normal, 'S' selected ...). */
char pd_theme_role_letter(enum pd_style role);
const char *pd_theme_role_name(enum pd_style role);

#endif
