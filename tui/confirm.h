/* tui/confirm.h — confirmation dialogs, centred over the body.
 *
 * Yes/no:  "y" confirms, "n", Esc and q cancel, Enter takes the default
 *          (no, unless default_yes).
 * Typed:   the user must type an exact string (e.g. the account's e-mail
 *          before an erasure); Enter with anything else shows "does not
 *          match" and keeps the dialog open; Esc cancels. Comparison is
 *          byte-exact against the expected string as given (not against its
 *          sanitised display form), or ASCII case-insensitive with nocase.
 * The dialog copies its strings (they may be server text: they are drawn
 * sanitised). It fits 80x24 and any larger size. */
#ifndef PD_TUI_CONFIRM_H
#define PD_TUI_CONFIRM_H

#include <curses.h>
#include <stdbool.h>

#include "tui/draw.h"
#include "tui/lineedit.h"

enum pd_confirm_kind { PD_CONFIRM_YESNO, PD_CONFIRM_TYPED };
enum pd_confirm_result { PD_CONFIRM_PENDING, PD_CONFIRM_YES, PD_CONFIRM_NO };

struct pd_confirm {
  enum pd_confirm_kind kind;
  char *title, *message, *expect;
  bool nocase, default_yes;
  struct pd_lineedit input;
  char error[128];
};

/* Initialise (copies the strings); 0 or -1 when out of memory. */
int pd_confirm_init_yesno(struct pd_confirm *c, const char *title, const char *message,
                          bool default_yes);
int pd_confirm_init_typed(struct pd_confirm *c, const char *title, const char *message,
                          const char *expect, bool nocase);
void pd_confirm_free(struct pd_confirm *c);

/* Feeds a key; YES or NO ends the dialog. */
enum pd_confirm_result pd_confirm_key(struct pd_confirm *c, pd_key key);

/* Whether text is what the typed confirmation expects. */
bool pd_confirm_matches(const struct pd_confirm *c, const char *text);

/* The rectangle the dialog takes, centred in a lines x cols area. */
struct pd_rect pd_confirm_rect(const struct pd_confirm *c, int lines, int cols);

/* Draws the dialog into r of win; returns the column of the input cursor
 * (typed) or -1, and its row in *cursor_y. */
int pd_confirm_draw(struct pd_confirm *c, WINDOW *win, struct pd_rect r, int *cursor_y);

#endif
