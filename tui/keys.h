/* tui/keys.h — key codes and their text notation.
 *
 * A pd_key is an int: a Unicode code point for characters (control keys are
 * their C0 code: C-a is 1, Tab 9, Enter 13, Esc 27), PD_KEY_* values above
 * U+10FFFF for function keys, and PD_KEY_META_FLAG or'ed in for Alt/Meta
 * (Alt-b arrives as ESC b and is read as PD_META('b')). Terminal input is
 * normalised: LF and CR are both PD_KEY_ENTER, DEL (0x7f), C-h and the
 * terminal's backspace key are all PD_KEY_BS.
 *
 * Notation (used by the key table, the help screen and test scripts):
 *   a plain character stands for itself ("j", "G", "/", "é")
 *   <Enter> <Esc> <Tab> <BTab> <Up> <Down> <Left> <Right> <PgUp> <PgDn>
 *   <Home> <End> <Space> <BS> <Del> <Ins> <F1>..<F12>
 *   <lt>        the '<' character
 *   <C-x>       Control + x (x a letter, or one of @ [ \ ] ^ _), case-insensitive
 *   <M-x>       Meta/Alt + x, where x is a character or a name: <M-b> <M-BS>
 *   <U+hhhh>    any code point by number (e.g. <U+21> types '!')
 */
#ifndef PD_TUI_KEYS_H
#define PD_TUI_KEYS_H

#include <stddef.h>

typedef int pd_key;

#define PD_KEY_NONE (-1)
#define PD_KEY_SPECIAL_BASE 0x200000
#define PD_KEY_META_FLAG 0x1000000
#define PD_META(k) ((pd_key)((k) | PD_KEY_META_FLAG))
#define PD_CTRL(c) ((pd_key)((c) & 0x1f))
#define PD_KEY_IS_META(k) ((k) >= 0 && ((k) & PD_KEY_META_FLAG))
#define PD_KEY_BASE(k) ((k) & ~PD_KEY_META_FLAG)

enum {
  PD_KEY_TAB = 9,
  PD_KEY_ENTER = 13,
  PD_KEY_ESC = 27,
  PD_KEY_SPACE = 32,
  PD_KEY_UP = PD_KEY_SPECIAL_BASE,
  PD_KEY_DOWN,
  PD_KEY_LEFT,
  PD_KEY_RIGHT,
  PD_KEY_HOME,
  PD_KEY_END,
  PD_KEY_PGUP,
  PD_KEY_PGDN,
  PD_KEY_BS,
  PD_KEY_DEL,
  PD_KEY_INS,
  PD_KEY_BTAB,
  PD_KEY_F1,
  PD_KEY_F12 = PD_KEY_F1 + 11,
  PD_KEY_RESIZE, /* the terminal changed size (never in a key table) */
};

/* Parses one key at s. Returns the number of bytes consumed and stores the
 * key, or returns 0 when s does not start a valid key (a '<' that does not
 * open a known notation, invalid UTF-8, empty string). */
size_t pd_key_parse(const char *s, pd_key *out);

/* Writes the notation of key ("j", "<lt>", "<Space>", "<C-l>", "<M-b>",
 * "<PgDn>") into buf; returns its length. */
size_t pd_key_notation(pd_key key, char *buf, size_t size);

/* Writes the human form used in help and hints ("j", "<", "Space", "C-l",
 * "M-b", "PgDn", "Enter"); returns its length. */
size_t pd_key_display(pd_key key, char *buf, size_t size);

/* True for keys that insert text in a line editor: printable characters
 * (iswprint() in the current locale), without Meta. */
int pd_key_is_text(pd_key key);

#endif
