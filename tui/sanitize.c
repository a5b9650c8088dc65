/* tui/sanitize.c — see sanitize.h for the rules. */
#include "tui/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "tui/utf8.h"

/* Invisible or reordering characters that iswprint() accepts but a console
 * must show: bidi controls and zero-width format characters. */
static bool is_hidden_format(uint32_t cp)
{
  return cp == 0x061C || cp == 0x200B || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) ||
         (cp >= 0xE0000 && cp <= 0xE007F);
}

/* Variation selectors ask for emoji or text presentation. Terminals disagree
 * on the width they give "U+1F3F3 U+FE0F" (1 or 2 columns) while wcwidth()
 * says 1, so keeping them would break column alignment; the base character
 * alone is displayed the same everywhere. They carry no text of their own. */
static bool is_variation_selector(uint32_t cp)
{
  return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0100 && cp <= 0xE01EF);
}

static bool is_joiner(uint32_t cp)
{
  return cp == 0x200C || cp == 0x200D;
}

/* A non-ASCII character that is printed as itself in a UTF-8 locale. */
static bool prints_raw(uint32_t cp)
{
  if (cp < 0xA0 || is_hidden_format(cp) || is_joiner(cp) || is_variation_selector(cp))
    return false;
  return iswprint((wint_t)cp) != 0;
}

bool pd_char_prints_raw(unsigned long cp)
{
  if (cp < 0x80)
    return cp >= 0x20 && cp != 0x7F;
  if (cp > 0x10FFFF || !pd_locale_is_utf8())
    return false;
  return prints_raw((uint32_t)cp);
}

struct out {
  char *p;
  size_t len, limit;
  bool full;
};

static bool put(struct out *o, const char *s, size_t n)
{
  if (o->full || o->len + n > o->limit) {
    o->full = true;
    return false;
  }
  memcpy(o->p + o->len, s, n);
  o->len += n;
  return true;
}

static bool put_byte_escape(struct out *o, unsigned char b)
{
  char tmp[8];

  switch (b) {
  case 0x1B: return put(o, "\\e", 2);
  case '\n': return put(o, "\\n", 2);
  case '\t': return put(o, "\\t", 2);
  case '\r': return put(o, "\\r", 2);
  default:
    snprintf(tmp, sizeof tmp, "\\x%02x", b);
    return put(o, tmp, 4);
  }
}

static bool put_cp_escape(struct out *o, uint32_t cp)
{
  char tmp[16];
  int n = snprintf(tmp, sizeof tmp, "\\u{%x}", (unsigned)cp);

  return put(o, tmp, (size_t)n);
}

size_t pd_sanitize(char *dst, size_t dstsize, const char *src, size_t srclen, unsigned flags,
                   bool *truncated)
{
  struct out o = {dst, 0, dstsize ? dstsize - 1 : 0, false};
  bool utf8 = pd_locale_is_utf8();
  bool prev_raw_wide = false; /* previous output was a raw non-ASCII character */
  size_t i = 0;

  if (truncated)
    *truncated = false;
  if (dstsize == 0) {
    if (truncated && src && (srclen == PD_SAN_CSTR ? *src != '\0' : srclen > 0))
      *truncated = true;
    return 0;
  }
  if (src == NULL)
    src = "";
  if (srclen == PD_SAN_CSTR)
    srclen = strlen(src);

  while (i < srclen && !o.full) {
    unsigned char b = (unsigned char)src[i];
    uint32_t cp;
    int n;

    if (b < 0x80) {
      if (b == '\n' && (flags & PD_SAN_NEWLINES)) {
        put(&o, "\n", 1);
      } else if (b == '\r' && (flags & PD_SAN_NEWLINES) && i + 1 < srclen && src[i + 1] == '\n') {
        /* CRLF: the LF that follows is the newline */
      } else if (b < 0x20 || b == 0x7F) {
        put_byte_escape(&o, b);
      } else {
        put(&o, (const char *)&src[i], 1);
      }
      if (!o.full)
        i++;
      prev_raw_wide = false;
      continue;
    }

    n = pd_utf8_decode(src + i, srclen - i, &cp);
    if (n == 0) {
      if (put_byte_escape(&o, b))
        i++;
      prev_raw_wide = false;
      continue;
    }
    if (cp < 0xA0) { /* C1 control */
      if (put_cp_escape(&o, cp))
        i += (size_t)n;
      prev_raw_wide = false;
      continue;
    }
    if (!utf8) {
      if (put(&o, "?", 1))
        i += (size_t)n;
      prev_raw_wide = false;
      continue;
    }
    if (is_variation_selector(cp) && prev_raw_wide) {
      i += (size_t)n; /* dropped: see is_variation_selector */
      continue;
    }
    if (is_joiner(cp)) {
      uint32_t next;
      int m = pd_utf8_decode(src + i + n, srclen - i - (size_t)n, &next);
      bool joins = prev_raw_wide && m > 0 && prints_raw(next);

      /* Between two characters (an emoji sequence) the joiner is dropped: some
       * terminals would merge the sequence into one glyph narrower than
       * wcwidth() counts, shifting every column after it. Elsewhere it is
       * shown. */
      if (joins || put_cp_escape(&o, cp))
        i += (size_t)n;
      prev_raw_wide = false; /* a joiner never joins a joiner */
      continue;
    }
    if (!prints_raw(cp)) {
      if (put_cp_escape(&o, cp))
        i += (size_t)n;
      prev_raw_wide = false;
      continue;
    }
    if (put(&o, src + i, (size_t)n))
      i += (size_t)n;
    prev_raw_wide = true;
  }

  dst[o.len] = '\0';
  if (truncated)
    *truncated = i < srclen;
  return o.len;
}

char *pd_sanitize_dup(const char *src, size_t srclen, size_t cap, unsigned flags)
{
  size_t len, size;
  char *buf, *shrunk;

  if (src == NULL)
    src = "";
  len = srclen == PD_SAN_CSTR ? strlen(src) : srclen;
  /* the longest escape, \u{10ffff}, is 10 bytes for a 4-byte character;
   * \xHH is 4 bytes for one byte: 4 bytes of output per input byte suffice */
  size = len * 4 + 1;
  if (cap > 0 && cap + 1 < size)
    size = cap + 1;
  buf = malloc(size);
  if (buf == NULL)
    return NULL;
  len = pd_sanitize(buf, size, src, len, flags, NULL);
  shrunk = realloc(buf, len + 1);
  return shrunk ? shrunk : buf;
}

bool pd_sanitize_is_clean(const char *s, size_t len, unsigned flags)
{
  char stackbuf[512];
  char *buf = stackbuf;
  size_t size = len * 4 + 1, out;
  bool same;

  if (size > sizeof stackbuf) {
    buf = malloc(size);
    if (buf == NULL)
      return false;
  }
  out = pd_sanitize(buf, size, s, len, flags, NULL);
  same = out == len && memcmp(buf, s, len) == 0;
  if (buf != stackbuf)
    free(buf);
  return same;
}
