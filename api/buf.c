/* pd_buf: a growable string for request paths, queries and bodies. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"

static bool reserve(struct pd_buf *b, size_t extra) {
  if (b->oom) return false;
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = true;
    return false;
  }
  b->s = s;
  b->cap = cap;
  return true;
}

void pd_buf_add(struct pd_buf *b, const char *s) {
  size_t n = strlen(s);
  if (!reserve(b, n)) return;
  memcpy(b->s + b->len, s, n + 1);
  b->len += n;
}

void pd_buf_addf(struct pd_buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof tmp) {
    b->oom = true; /* only short fragments are formatted */
    return;
  }
  pd_buf_add(b, tmp);
}

void pd_buf_add_escaped(struct pd_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  if (!reserve(b, strlen(s) * 3)) return;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
        *p == '.' || *p == '_' || *p == '~') {
      b->s[b->len++] = (char)*p;
    } else {
      b->s[b->len++] = '%';
      b->s[b->len++] = hex[*p >> 4];
      b->s[b->len++] = hex[*p & 15];
    }
  }
  b->s[b->len] = '\0';
}

void pd_buf_param(struct pd_buf *b, const char *name, const char *value) {
  if (!value) return;
  pd_buf_add(b, b->s && strchr(b->s, '?') ? "&" : "?");
  pd_buf_add(b, name);
  pd_buf_add(b, "=");
  pd_buf_add_escaped(b, value);
}

char *pd_buf_take(struct pd_buf *b) {
  char *s = b->oom ? NULL : b->s;
  if (b->oom) free(b->s);
  memset(b, 0, sizeof *b);
  return s;
}
