/* tui/width.h — display width of sanitised UTF-8 text, measured with
 * wcwidth() in the current locale, exactly as ncurses will lay it out: CJK
 * and emoji count 2 columns, combining marks and joiners 0. Truncation and
 * padding work in columns and never split a character (a base character
 * keeps its combining marks).
 *
 * Input must be sanitised (tui/sanitize.h): these functions do not escape
 * anything. For robustness, an invalid byte or a character wcwidth() rejects
 * counts as 1 column. No allocation; every function writes into a caller
 * buffer and NUL-terminates it when dstsize > 0. */
#ifndef PD_TUI_WIDTH_H
#define PD_TUI_WIDTH_H

#include <stddef.h>
#include <stdint.h>

enum pd_align { PD_ALIGN_LEFT, PD_ALIGN_RIGHT, PD_ALIGN_CENTER };

/* Columns one code point occupies: 0, 1 or 2. */
int pd_char_width(uint32_t cp);

/* Columns of a NUL-terminated string / of len bytes. */
int pd_width(const char *s);
int pd_width_n(const char *s, size_t len);

/* Length in bytes of the longest prefix of s (len bytes) that fits in cols
 * columns, including zero-width characters that follow the last one that
 * fits; its width goes to *used (may be NULL). */
size_t pd_width_prefix(const char *s, size_t len, int cols, int *used);

/* The truncation mark: "…" (1 column) in a UTF-8 locale, "~" otherwise. */
const char *pd_ellipsis(void);

/* Copies s, cut to at most cols columns: when it is wider, the longest prefix
 * that fits in cols - 1 columns followed by the ellipsis. The result may be
 * one column narrower than cols when a 2-column character did not fit.
 * Returns the bytes written; its width goes to *width (may be NULL). */
size_t pd_truncate(char *dst, size_t dstsize, const char *s, int cols, int *width);

/* pd_truncate, then padded with spaces to exactly cols columns (left, right
 * or centre aligned). Returns the bytes written. dstsize should be at least
 * strlen(s) + cols + 4 to be sure nothing is lost. */
size_t pd_fit(char *dst, size_t dstsize, const char *s, int cols, enum pd_align align);

#endif
