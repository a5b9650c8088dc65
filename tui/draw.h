/* tui/draw.h — the only way tui/ puts text on the screen.
 *
 * pd_draw_text() sanitises its input (tui/sanitize.h), cuts it to the given
 * number of columns with an ellipsis (tui/width.h) and writes it with the
 * given attributes. Screens should use it (or the widgets built on it) for
 * every string, trusted or not; then no server text can reach the terminal
 * unescaped and nothing can overflow its column. Nothing here allocates. */
#ifndef PD_TUI_DRAW_H
#define PD_TUI_DRAW_H

#include <curses.h>
#include <stddef.h>

/* A rectangle in window coordinates. */
struct pd_rect {
  int y, x, h, w;
};

enum pd_draw_flags {
  PD_DRAW_PAD = 1u << 0,      /* fill the rest of the columns with blanks in attr */
  PD_DRAW_RIGHT = 1u << 1,    /* right-align (implies PAD) */
  PD_DRAW_CENTER = 1u << 2,   /* centre (implies PAD) */
  PD_DRAW_NEWLINES = 1u << 3, /* internal: keep newlines (pd_draw_wrap) */
};

/* Draws text (untrusted UTF-8, NUL-terminated, NULL = "") at y,x in at most
 * cols columns. Returns the columns drawn. */
int pd_draw_text(WINDOW *win, int y, int x, int cols, const char *text, attr_t attr,
                 unsigned flags);

/* The same for len bytes of text (need not be NUL-terminated). */
int pd_draw_textn(WINDOW *win, int y, int x, int cols, const char *text, size_t len, attr_t attr,
                  unsigned flags);

/* pd_draw_text, with every case-insensitive (ASCII) occurrence of needle in
 * the displayed text drawn in match_attr. needle NULL or "": plain draw. */
int pd_draw_text_hl(WINDOW *win, int y, int x, int cols, const char *text, attr_t attr,
                    const char *needle, attr_t match_attr, unsigned flags);

/* Blanks cols columns at y,x in attr. */
void pd_draw_fill(WINDOW *win, int y, int x, int cols, attr_t attr);

/* Blanks a rectangle. */
void pd_draw_clear_rect(WINDOW *win, struct pd_rect r, attr_t attr);

/* A line box around r (ACS characters: works on vt100 and in UTF-8). */
void pd_draw_box(WINDOW *win, struct pd_rect r, attr_t attr);

/* Word-wraps text (untrusted; newlines kept as line breaks) to cols columns.
 * Calls line(ctx, text, len) for each display line (already sanitised; may
 * be empty) and returns the number of lines. Lines longer than cols without
 * a space are broken at a character boundary. */
int pd_wrap(const char *text, int cols, void (*line)(void *ctx, const char *s, size_t len),
            void *ctx);

#endif
