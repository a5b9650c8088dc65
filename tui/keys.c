/* tui/keys.c — see keys.h. */
#include "tui/keys.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wctype.h>

#include "tui/sanitize.h"
#include "tui/utf8.h"

static const struct {
  const char *name;
  pd_key key;
} key_names[] = {
  {"Enter", PD_KEY_ENTER}, {"Esc", PD_KEY_ESC}, {"Tab", PD_KEY_TAB}, {"BTab", PD_KEY_BTAB},
  {"S-Tab", PD_KEY_BTAB}, {"Up", PD_KEY_UP}, {"Down", PD_KEY_DOWN}, {"Left", PD_KEY_LEFT},
  {"Right", PD_KEY_RIGHT}, {"PgUp", PD_KEY_PGUP}, {"PgDn", PD_KEY_PGDN}, {"Home", PD_KEY_HOME},
  {"End", PD_KEY_END}, {"Space", PD_KEY_SPACE}, {"BS", PD_KEY_BS}, {"Del", PD_KEY_DEL},
  {"Ins", PD_KEY_INS}, {"lt", '<'},
};

/* name is the text between '<' and '>' (n bytes), without a M- prefix */
static int parse_name(const char *name, size_t n, pd_key *out)
{
  size_t i;

  for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
    if (strlen(key_names[i].name) == n && strncasecmp(key_names[i].name, name, n) == 0) {
      *out = key_names[i].key;
      return 0;
    }
  }
  if (n >= 2 && n <= 3 && (name[0] == 'F' || name[0] == 'f')) {
    int f = atoi(name + 1);

    if (f >= 1 && f <= 12 && name[1] >= '0' && name[1] <= '9') {
      *out = PD_KEY_F1 + f - 1;
      return 0;
    }
  }
  if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-') {
    unsigned char c = (unsigned char)name[2];

    if (c >= 'a' && c <= 'z')
      c = (unsigned char)(c - 'a' + 'A');
    if (c >= '@' && c <= '_') {
      *out = c & 0x1f;
      return 0;
    }
    return -1;
  }
  if (n > 2 && (name[0] == 'U' || name[0] == 'u') && name[1] == '+') {
    char tmp[16], *end;
    unsigned long v;

    if (n - 2 >= sizeof tmp)
      return -1;
    memcpy(tmp, name + 2, n - 2);
    tmp[n - 2] = '\0';
    v = strtoul(tmp, &end, 16);
    if (*end != '\0' || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
      return -1;
    *out = (pd_key)v;
    return 0;
  }
  return -1;
}

size_t pd_key_parse(const char *s, pd_key *out)
{
  const char *close, *name;
  uint32_t cp;
  size_t n;
  int meta = 0, len;

  if (s == NULL || *s == '\0')
    return 0;
  if (*s != '<') {
    len = pd_utf8_decode(s, strlen(s), &cp);
    if (len == 0)
      return 0;
    *out = (pd_key)cp;
    return (size_t)len;
  }
  close = strchr(s + 1, '>');
  /* "<M->>" would need a special case; <M-lt> and <M-U+3e> cover it */
  if (close == NULL)
    return 0;
  name = s + 1;
  n = (size_t)(close - name);
  if (n > 2 && (name[0] == 'M' || name[0] == 'm') && name[1] == '-') {
    meta = 1;
    name += 2;
    n -= 2;
  }
  if (n == 0)
    return 0;
  if (parse_name(name, n, out) != 0) {
    /* <M-x> with a single character x */
    if (!meta)
      return 0;
    len = pd_utf8_decode(name, n, &cp);
    if (len == 0 || (size_t)len != n)
      return 0;
    *out = (pd_key)cp;
  }
  if (meta)
    *out = PD_META(*out);
  return (size_t)(close - s) + 1;
}

static size_t emit(char *buf, size_t size, const char *a, const char *b, const char *c)
{
  int n = snprintf(buf, size, "%s%s%s", a, b, c);

  return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size ? size - 1 : 0;
}

/* the bare name of key without brackets or meta: "Enter", "C-l", "j", "lt" */
static void bare(pd_key key, char *buf, size_t size, int display)
{
  size_t i;

  for (i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
    if (key_names[i].key == key && strcmp(key_names[i].name, "S-Tab") != 0) {
      if (key == '<' && display)
        break;
      snprintf(buf, size, "%s", key_names[i].name);
      return;
    }
  }
  if (key >= PD_KEY_F1 && key <= PD_KEY_F12) {
    snprintf(buf, size, "F%d", key - PD_KEY_F1 + 1);
  } else if (key >= 0 && key < 0x20) {
    snprintf(buf, size, "C-%c", key == 0 ? '@' : key < 27 ? 'a' + key - 1 : '@' + key);
  } else if (key == 0x7f || (key >= 0x80 && key < 0xA0) || key >= PD_KEY_SPECIAL_BASE || key < 0 ||
             !iswprint((wint_t)key)) {
    snprintf(buf, size, "U+%04X", (unsigned)key);
  } else {
    char u[5] = {0};

    pd_utf8_encode((uint32_t)key, u);
    snprintf(buf, size, "%s", u);
  }
}

size_t pd_key_notation(pd_key key, char *buf, size_t size)
{
  char b[32];
  int meta = PD_KEY_IS_META(key);

  key = PD_KEY_BASE(key);
  bare(key, b, sizeof b, 0);
  /* single printable characters stand for themselves */
  if (!meta && strlen(b) <= 4 && key >= 0x21 && key != '<' && key < PD_KEY_SPECIAL_BASE &&
      strncmp(b, "U+", 2) != 0)
    return emit(buf, size, "", b, "");
  return emit(buf, size, meta ? "<M-" : "<", b, ">");
}

size_t pd_key_display(pd_key key, char *buf, size_t size)
{
  char b[32];
  int meta = PD_KEY_IS_META(key);

  bare(PD_KEY_BASE(key), b, sizeof b, 1);
  return emit(buf, size, meta ? "M-" : "", b, "");
}

int pd_key_is_text(pd_key key)
{
  if (key < 0 || key >= PD_KEY_SPECIAL_BASE)
    return 0;
  return pd_char_prints_raw((unsigned long)key);
}
