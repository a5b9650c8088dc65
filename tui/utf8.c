/* tui/utf8.c — see utf8.h. */
#include "tui/utf8.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

int pd_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
  const unsigned char *s = (const unsigned char *)str;
  uint32_t c, min;
  int n, i;

  if (len == 0)
    return 0;
  c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2; c &= 0x1F; min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3; c &= 0x0F; min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4; c &= 0x07; min = 0x10000;
  } else {
    return 0; /* continuation byte, C0/C1 (always overlong), F5-FF */
  }
  if (len < (size_t)n)
    return 0;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return n;
}

int pd_utf8_encode(uint32_t cp, char out[4])
{
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF)
    return 0;
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  if (cp <= 0x10FFFF) {
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
  }
  return 0;
}

size_t pd_utf8_prev(const char *s, size_t pos)
{
  if (pos == 0)
    return 0;
  pos--;
  while (pos > 0 && ((unsigned char)s[pos] & 0xC0) == 0x80)
    pos--;
  return pos;
}

size_t pd_utf8_next(const char *s, size_t len, size_t pos)
{
  uint32_t cp;
  int n;

  if (pos >= len)
    return len;
  n = pd_utf8_decode(s + pos, len - pos, &cp);
  return pos + (n > 0 ? (size_t)n : 1);
}

bool pd_locale_is_utf8(void)
{
  const char *cs = nl_langinfo(CODESET);

  if (MB_CUR_MAX < 2 || cs == NULL)
    return false;
  return strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0 || strcmp(cs, "UTF8") == 0;
}
