/* tui/lineedit.h — a one-line UTF-8 text editor with Emacs keys, history
 * and horizontal scrolling; the building block of the `:` command line,
 * filters, prompts and the typed confirmation.
 *
 * Keys: C-a/Home start, C-e/End end, C-b/Left back a character, C-f/Right
 * forward, M-b/M-f back/forward a word, BS delete before, C-d/Del delete at
 * the cursor, C-k kill to the end, C-u kill to the start, C-w kill the
 * previous blank-separated word, M-d kill the next word, M-BS kill the
 * previous word, C-y yank the last kill, Up/C-p and Down/C-n walk the
 * history (the line being edited is kept and comes back after the newest
 * entry), Enter submits, Esc and C-g cancel. Every other printable
 * character is inserted. Cursor motion and deletion work on whole
 * characters, never on bytes.
 *
 * The editor owns its text; the history is owned by the caller and may be
 * shared by several editors. Text typed by the user is drawn through
 * pd_draw_text like any other, so pasted control characters show escaped. */
#ifndef PD_TUI_LINEEDIT_H
#define PD_TUI_LINEEDIT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "tui/keys.h"

struct pd_history {
  char **items; /* oldest first, owned */
  int n, cap, max;
};

/* max: how many entries to keep (oldest dropped), 0 for 100. */
void pd_history_init(struct pd_history *h, int max);
void pd_history_free(struct pd_history *h);
/* Appends a copy of line unless it is empty or equal to the newest entry. */
void pd_history_add(struct pd_history *h, const char *line);
/* Entry i, 0 = oldest; NULL when out of range. */
const char *pd_history_get(const struct pd_history *h, int i);

enum pd_le_result {
  PD_LE_UNHANDLED = 0, /* not an editing key (Tab, F-keys ...): caller decides */
  PD_LE_NONE,          /* handled, nothing visible changed (e.g. BS at start) */
  PD_LE_MOVED,         /* the cursor moved */
  PD_LE_CHANGED,       /* the text changed */
  PD_LE_SUBMIT,        /* Enter */
  PD_LE_CANCEL,        /* Esc or C-g */
};

struct pd_lineedit {
  char *buf;        /* the text, NUL-terminated, valid UTF-8 */
  size_t len, cap;
  size_t max;       /* most bytes accepted */
  size_t cursor;    /* byte offset, always on a character boundary */
  int scroll;       /* first visible display column */
  char mask;        /* 0, or the character shown instead of each character */
  struct pd_history *history; /* optional, not owned */
  int hist_pos;     /* -1: editing the draft; else index into history */
  char *draft;      /* the draft while walking the history */
  char *kill;       /* the last killed text (C-y) */
};

/* max_bytes 0: 1024. */
void pd_lineedit_init(struct pd_lineedit *le, size_t max_bytes);
void pd_lineedit_free(struct pd_lineedit *le);

/* Replaces the text (cut at max bytes, on a character boundary); the cursor
 * goes to the end and history browsing is reset. */
void pd_lineedit_set(struct pd_lineedit *le, const char *text);
const char *pd_lineedit_text(const struct pd_lineedit *le);
void pd_lineedit_clear(struct pd_lineedit *le);

/* Inserts text at the cursor (only printable characters are accepted). */
void pd_lineedit_insert(struct pd_lineedit *le, const char *text);

enum pd_le_result pd_lineedit_key(struct pd_lineedit *le, pd_key key);

/* Display column of the cursor within the text (before scrolling). */
int pd_lineedit_cursor_col(const struct pd_lineedit *le);

/* Draws the visible part of the text in width columns at y,x (padding with
 * blanks in attr), scrolling horizontally so the cursor stays visible; the
 * scroll position is remembered in le. Returns the window column where the
 * cursor is (for wmove). */
int pd_lineedit_draw(struct pd_lineedit *le, WINDOW *win, int y, int x, int width, attr_t attr);

#endif
