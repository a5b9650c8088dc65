/* tui/sanitize.h — the single choke point for untrusted text.
 *
 * Every string that comes from the server (names, e-mails, notes, reasons,
 * error details, ...) passes through pd_sanitize() before any ncurses call.
 * The widgets in tui/ do this themselves (tui/draw.h calls it for every
 * string it draws), so a screen that only uses tui widgets and pd_draw_text()
 * cannot emit a raw control character. Output contains only printable
 * characters, so it is harmless to re-sanitise (the function is idempotent).
 *
 * What becomes a visible ASCII escape instead of reaching the terminal:
 *   ESC                       \e     (so "\x1b[31m" shows as  \e[31m , and
 *                                    every other sequence an ESC starts —
 *                                    CSI, OSC 0/2 titles, OSC 52 clipboard
 *                                    writes, DCS, APC, PM, SOS — is shown as
 *                                    plain text: once ESC is neutralised the
 *                                    rest of the sequence is inert; its
 *                                    terminators BEL and ESC \ are escaped too)
 *   newline, tab, CR          \n \t \r   (see PD_SAN_NEWLINES)
 *   other C0 controls, DEL    \xHH   (e.g. BEL -> \x07, NUL -> \x00, DEL -> \x7f)
 *   invalid UTF-8 bytes       \xHH   one per byte (stray continuation bytes,
 *                                    overlong forms, surrogates, > U+10FFFF,
 *                                    sequences cut short)
 *   C1 controls U+0080-U+009F \u{9b}
 *   bidi controls             \u{202e}  (U+202A-U+202E, U+2066-U+2069,
 *                                    U+200E, U+200F, U+061C): they reorder the
 *                                    rest of the line and can disguise text
 *   invisible format chars    \u{200b}  (U+200B, U+2060-U+2064, U+FEFF,
 *                                    U+FFF9-U+FFFB, tags U+E0000-U+E007F)
 *   anything iswprint() rejects in the current locale (unassigned code
 *   points, U+2028 ...)       \u{...}
 *
 * Zero-width joiner U+200D and non-joiner U+200C are dropped when they sit
 * between two printable non-ASCII characters (emoji sequences such as
 * "man ZWJ woman ZWJ girl", Persian and Indic text) and escaped elsewhere;
 * variation selectors (U+FE00-U+FE0F, U+E0100-U+E01EF) are dropped after a
 * printable character and escaped elsewhere. Terminals disagree with wcwidth()
 * (and with each other) about the width of joined sequences and of emoji
 * presentation selectors; without them every terminal shows the parts at the
 * widths wcwidth() gives, so columns stay aligned. They carry no text.
 *
 * Non-UTF-8 locale (LANG=C, POSIX, Latin-1): every non-ASCII character
 * becomes '?'. The terminal's encoding is unknown there, and raw UTF-8 bytes
 * would be misread: the continuation bytes 0x80-0x9F are C1 controls on an
 * 8-bit terminal (0x9B is CSI), so passing them through would reopen the
 * escape-sequence hole; ncurses cannot measure their width either. C1 code
 * points and invalid bytes keep their \u{..} / \xHH escapes.
 *
 * Backslashes in the input are not doubled: "\e" typed by a user and an
 * escaped ESC look alike. That is a cosmetic ambiguity only; the property
 * that matters is that nothing reaches the terminal as a control.
 *
 * Output is bounded by the caller's buffer size and cut only between escapes
 * or characters, never inside one. Work is linear in the bytes consumed and
 * stops when the buffer is full, so a 100 kB hostile string costs no more
 * than the cap. */
#ifndef PD_TUI_SANITIZE_H
#define PD_TUI_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* srclen value meaning "src is NUL-terminated". With an explicit length an
 * embedded NUL byte is shown as \x00. */
#define PD_SAN_CSTR ((size_t)-1)

enum pd_sanitize_flags {
  /* Keep '\n' as a real newline (multi-line text blocks such as notes); a
   * "\r\n" pair becomes "\n". Without it newlines show as \n. */
  PD_SAN_NEWLINES = 1u << 0,
};

/* Sanitises src (srclen bytes, or PD_SAN_CSTR) into dst, which has room for
 * dstsize bytes including the terminating NUL (always written when dstsize >
 * 0). Returns the length written, excluding the NUL. When the output had to
 * be cut, *truncated is set to true (truncated may be NULL). */
size_t pd_sanitize(char *dst, size_t dstsize, const char *src, size_t srclen, unsigned flags,
                   bool *truncated);

/* Same, into a new malloc'ed string of at most cap bytes plus NUL (cap 0:
 * unbounded, 4 * 8 bytes per input byte at most). The caller frees it.
 * Returns NULL only when out of memory. NULL src yields "". */
char *pd_sanitize_dup(const char *src, size_t srclen, size_t cap, unsigned flags);

/* True when the code point cp is printed as itself (outside joiner
 * sequences) in the current locale: printable ASCII, or in a UTF-8 locale a
 * printable non-ASCII character that is not a control, bidi, joiner or
 * invisible format character. The line editor accepts only these. */
bool pd_char_prints_raw(unsigned long cp);

/* True when s (len bytes) is already safe: pd_sanitize would return it
 * unchanged. Used by tests and assertions. */
bool pd_sanitize_is_clean(const char *s, size_t len, unsigned flags);

#endif
