/* tui/utf8.h — strict UTF-8 decoding and encoding, and the locale question
 * "may we emit UTF-8 at all?". Low-level helpers shared by sanitize, width
 * and the line editor. Pure functions, no allocation, no ncurses. */
#ifndef PD_TUI_UTF8_H
#define PD_TUI_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one character at s (len bytes available). Returns the number of
 * bytes it occupies (1-4) and stores the code point in *cp, or returns 0 when
 * the bytes at s do not start a valid character: a stray continuation byte,
 * an overlong form, a surrogate (U+D800-U+DFFF), a value above U+10FFFF, a
 * byte 0xC0/0xC1/0xF5-0xFF, or a sequence cut short by len. The caller then
 * treats the single byte s[0] as invalid. len == 0 returns 0. */
int pd_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp (must be a valid scalar value) into out; returns 1-4, or 0 for
 * surrogates and values above U+10FFFF. out is not NUL-terminated. */
int pd_utf8_encode(uint32_t cp, char out[4]);

/* Byte offset of the character before pos (0 when pos is 0), skipping back
 * over continuation bytes. For valid UTF-8 only. */
size_t pd_utf8_prev(const char *s, size_t pos);

/* Byte offset of the character after pos (len at most). Invalid bytes count
 * as one character each. */
size_t pd_utf8_next(const char *s, size_t len, size_t pos);

/* True when the current LC_CTYPE locale encodes characters as UTF-8 (checked
 * on every call, not cached: tests switch locales). Everything in tui/ that
 * emits non-ASCII asks this first. */
bool pd_locale_is_utf8(void);

#endif
