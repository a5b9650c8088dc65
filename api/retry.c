#include "api/retry.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "api/rfc3339.h"

#define RETRY_AFTER_CAP 86400L

long pd_backoff_ms(int retry, long base_ms, long cap_ms, uint32_t rnd) {
  if (base_ms <= 0 || retry < 1) return 0;
  if (cap_ms < base_ms) cap_ms = base_ms;
  long d = base_ms;
  for (int i = 1; i < retry && d < cap_ms; i++) d = d > cap_ms / 2 ? cap_ms : d * 2;
  if (d > cap_ms) d = cap_ms;
  long half = d / 2;
  return d - half + (long)((uint64_t)rnd * (uint64_t)(half + 1) >> 32);
}

static const char *skip_blanks(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return s;
}

static bool all_blank(const char *s) { return *skip_blanks(s) == '\0'; }

static bool num(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if ((*p)[i] < '0' || (*p)[i] > '9') return false;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return true;
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT". */
static bool imf_fixdate(const char *s, int64_t *out) {
  static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  bool day_ok = false;
  for (int i = 0; i < 7; i++) day_ok |= strncmp(s, days[i], 3) == 0;
  if (!day_ok || strncmp(s + 3, ", ", 2) != 0) return false;
  const char *p = s + 5;
  int d, y, h, mi, sec, mon = -1;
  if (!num(&p, 2, &d) || *p++ != ' ') return false;
  for (int i = 0; i < 12; i++)
    if (strncmp(p, months[i], 3) == 0) mon = i + 1;
  if (mon < 0 || p[3] != ' ') return false;
  p += 4;
  if (!num(&p, 4, &y) || *p++ != ' ' || !num(&p, 2, &h) || *p++ != ':' || !num(&p, 2, &mi) || *p++ != ':' ||
      !num(&p, 2, &sec) || strncmp(p, " GMT", 4) != 0 || !all_blank(p + 4))
    return false;
  char iso[48];
  snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mon, d, h, mi, sec);
  return pd_time_parse(iso, out) == 0;
}

long pd_retry_after_s(const char *value, int64_t now) {
  if (!value) return -1;
  const char *p = skip_blanks(value);
  if (*p >= '0' && *p <= '9') {
    long v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
      if ((v = v * 10 + (*p - '0')) > RETRY_AFTER_CAP) v = RETRY_AFTER_CAP;
    return all_blank(p) ? v : -1;
  }
  int64_t t;
  if (!imf_fixdate(p, &t)) return -1;
  if (t <= now) return 0;
  return t - now > RETRY_AFTER_CAP ? RETRY_AFTER_CAP : (long)(t - now);
}
