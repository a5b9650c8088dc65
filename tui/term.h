/* tui/term.h — starting and stopping the terminal, real or headless.
 *
 * Real:     newterm() on stdin/stdout when both are terminals, else on
 *           /dev/tty; cbreak, noecho, keypad, ESCDELAY 25 ms, cursor hidden.
 * Headless: newterm() writing to /dev/null and reading from /dev/null, with a
 *           fixed size, for tests and scripted runs (tui/script.h). TERM is
 *           chosen by us (xterm-256color, else vt100), so TERM unset or
 *           "dumb" in the environment does not matter. ncurses still keeps
 *           its model of the screen (curscr), which pd_term_dump() writes out.
 * Both run the same loop and the same drawing code; only where keys come
 * from differs. There is one terminal per process (curses is global). */
#ifndef PD_TUI_TERM_H
#define PD_TUI_TERM_H

#include <stdbool.h>
#include <stdio.h>

#include "tui/keys.h"
#include "tui/theme.h"

struct pd_term_opts {
  bool headless;
  int rows, cols;               /* headless size; 0: 24x80 */
  const char *termname;         /* headless terminfo name; NULL: xterm-256color, else vt100 */
  enum pd_theme_mode theme;     /* PD_THEME_AUTO (0) normally */
  const char *script;           /* headless key script path (used by tui/app.c), or NULL */
};

/* Fills opts from the environment: PRIVDESK_TEST_SCRIPT=FILE selects
 * headless mode with that script; PRIVDESK_TEST_SIZE=ROWSxCOLS (default
 * 24x80) its size; PRIVDESK_TEST_TERM its terminfo name. Returns 0, or -1
 * with a message in err for a malformed size. */
int pd_term_opts_from_env(struct pd_term_opts *opts, char *err, size_t errsize);

/* Starts curses. Returns 0, or -1 with a message in err. */
int pd_term_open(const struct pd_term_opts *opts, char *err, size_t errsize);

/* Restores the terminal and frees every curses resource (endwin, delscreen,
 * closes the files it opened). Safe to call twice or without open. */
void pd_term_close(void);

bool pd_term_is_open(void);
bool pd_term_is_headless(void);

/* The fd to poll for keyboard input, or -1 when headless. */
int pd_term_input_fd(void);

/* Reads one key without waiting: returns it, or PD_KEY_NONE when nothing is
 * buffered. An ESC directly followed by another key is returned as
 * PD_META(key). The terminal's special keys are translated (tui/keys.h). */
pd_key pd_term_read_key(void);

/* Translates a wget_wch() result to a pd_key (exposed for tests). */
pd_key pd_term_translate(int rc, unsigned int wch);

/* Resizes curses to rows x cols (headless, or after SIGWINCH). With rows or
 * cols <= 0, asks the real terminal for its size (TIOCGWINSZ). */
void pd_term_resize(int rows, int cols);

enum pd_dump_flags {
  PD_DUMP_TEXT = 0,        /* one line per row, UTF-8, trailing spaces trimmed */
  PD_DUMP_ROLES = 1u << 0, /* one line per row, one letter per cell: the role of
                              its colour pair (tui/theme.h letters); with pair 0
                              (always so in monochrome): 'R' reverse, 'B' bold,
                              'U' underline, 'D' dim, '.' plain; trailing '.'
                              trimmed */
};

/* Writes what the terminal currently shows (after the last doupdate). */
int pd_term_dump_file(FILE *f, unsigned flags);
int pd_term_dump(const char *path, unsigned flags);

/* The text of one screen row (UTF-8, trailing spaces trimmed) into buf. */
size_t pd_term_row_text(int row, char *buf, size_t size);

#endif
