/* tui/width.c — see width.h. */
#include "tui/width.h"

#include <string.h>
#include <wchar.h>

#include "tui/utf8.h"

int pd_char_width(uint32_t cp)
{
  int w;

  if (cp < 0x80)
    return 1; /* controls should have been sanitised; count them as 1 */
  w = wcwidth((wchar_t)cp);
  if (w < 0)
    return 1;
  return w > 2 ? 2 : w;
}

static int width_step(const char *s, size_t len, size_t *pos)
{
  uint32_t cp;
  int n = pd_utf8_decode(s + *pos, len - *pos, &cp);

  if (n == 0) {
    (*pos)++;
    return 1;
  }
  *pos += (size_t)n;
  return pd_char_width(cp);
}

int pd_width_n(const char *s, size_t len)
{
  size_t pos = 0;
  int w = 0;

  while (pos < len)
    w += width_step(s, len, &pos);
  return w;
}

int pd_width(const char *s)
{
  return s ? pd_width_n(s, strlen(s)) : 0;
}

size_t pd_width_prefix(const char *s, size_t len, int cols, int *used)
{
  size_t pos = 0, keep = 0;
  int w = 0;

  while (pos < len) {
    size_t next = pos;
    int cw = width_step(s, len, &next);

    if (w + cw > cols)
      break;
    w += cw;
    pos = keep = next;
  }
  if (used)
    *used = w;
  return keep;
}

const char *pd_ellipsis(void)
{
  return pd_locale_is_utf8() ? "\xe2\x80\xa6" : "~";
}

static size_t copy_bounded(char *dst, size_t dstsize, size_t at, const char *s, size_t n)
{
  if (at >= dstsize)
    return at;
  if (n > dstsize - 1 - at) {
    n = dstsize - 1 - at;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) /* never half a character */
      n--;
  }
  memcpy(dst + at, s, n);
  dst[at + n] = '\0';
  return at + n;
}

size_t pd_truncate(char *dst, size_t dstsize, const char *s, int cols, int *width)
{
  size_t len = s ? strlen(s) : 0, n, out;
  int used;

  if (dstsize == 0)
    return 0;
  dst[0] = '\0';
  if (cols < 0)
    cols = 0;
  n = pd_width_prefix(s ? s : "", len, cols, &used);
  if (n == len) {
    out = copy_bounded(dst, dstsize, 0, s ? s : "", len);
  } else if (cols == 0) {
    out = 0;
    used = 0;
  } else {
    const char *ell = pd_ellipsis();

    n = pd_width_prefix(s, len, cols - 1, &used);
    out = copy_bounded(dst, dstsize, 0, s, n);
    out = copy_bounded(dst, dstsize, out, ell, strlen(ell));
    used += 1;
  }
  if (width)
    *width = pd_width_n(dst, out); /* less than used only if dst was too small */
  return out;
}

static size_t pad(char *dst, size_t dstsize, size_t at, int n)
{
  while (n-- > 0)
    at = copy_bounded(dst, dstsize, at, " ", 1);
  return at;
}

size_t pd_fit(char *dst, size_t dstsize, const char *s, int cols, enum pd_align align)
{
  char stackbuf[1024];
  char *tmp = dstsize <= sizeof stackbuf ? stackbuf : NULL;
  size_t n, out = 0;
  int w, left, right;

  if (dstsize == 0)
    return 0;
  if (cols < 0)
    cols = 0;
  if (tmp == NULL) {
    /* large buffers: truncate in place, then shift for right alignment */
    n = pd_truncate(dst, dstsize, s, cols, &w);
    left = align == PD_ALIGN_RIGHT ? cols - w : align == PD_ALIGN_CENTER ? (cols - w) / 2 : 0;
    if (left > 0 && n + (size_t)left < dstsize) {
      memmove(dst + left, dst, n + 1);
      memset(dst, ' ', (size_t)left);
      n += (size_t)left;
    } else {
      left = 0;
    }
    return pad(dst, dstsize, n, cols - w - left);
  }
  n = pd_truncate(tmp, dstsize, s, cols, &w);
  left = align == PD_ALIGN_RIGHT ? cols - w : align == PD_ALIGN_CENTER ? (cols - w) / 2 : 0;
  right = cols - w - left;
  dst[0] = '\0';
  out = pad(dst, dstsize, 0, left);
  out = copy_bounded(dst, dstsize, out, tmp, n);
  return pad(dst, dstsize, out, right);
}
