#include "api/rfc3339.h"

#include <stdbool.h>
#include <stdio.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int64_t y, int m) {
  static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Reads exactly n decimal digits. */
static bool digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *p += n;
  *out = v;
  return true;
}

static bool expect(const char **p, char c) {
  if (**p != c) return false;
  (*p)++;
  return true;
}

/* full-date; leaves *p after it. */
static bool full_date(const char **p, int *y, int *m, int *d) {
  return digits(p, 4, y) && expect(p, '-') && digits(p, 2, m) && expect(p, '-') && digits(p, 2, d) &&
         *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

int pd_date_parse(const char *s, int64_t *out) {
  int y, m, d;
  if (!s || !full_date(&s, &y, &m, &d) || *s) return -1;
  *out = days_from_civil(y, m, d) * 86400;
  return 0;
}

int pd_time_parse(const char *s, int64_t *out) {
  int y, mo, d, h, mi, sec;
  if (!s || !full_date(&s, &y, &mo, &d)) return -1;
  if (*s != 'T' && *s != 't') return -1;
  s++;
  if (!digits(&s, 2, &h) || !expect(&s, ':') || !digits(&s, 2, &mi) || !expect(&s, ':') ||
      !digits(&s, 2, &sec))
    return -1;
  if (h > 23 || mi > 59 || sec > 59) return -1;
  if (*s == '.') {
    s++;
    if (*s < '0' || *s > '9') return -1;
    while (*s >= '0' && *s <= '9') s++;
  }
  int64_t offset = 0;
  if (*s == 'Z' || *s == 'z') {
    s++;
  } else if (*s == '+' || *s == '-') {
    int sign = *s == '-' ? -1 : 1, oh, om;
    s++;
    if (!digits(&s, 2, &oh) || !expect(&s, ':') || !digits(&s, 2, &om) || oh > 23 || om > 59) return -1;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return -1;
  }
  if (*s) return -1;
  *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return 0;
}

static bool split(int64_t t, int64_t *y, int *m, int *d, int64_t *secs) {
  int64_t days = t / 86400, rem = t % 86400;
  if (rem < 0) {
    rem += 86400;
    days--;
  }
  civil_from_days(days, y, m, d);
  *secs = rem;
  return *y >= 0 && *y <= 9999;
}

int pd_time_format(int64_t t, char *buf, size_t size) {
  int64_t y, secs;
  int m, d;
  if (t == PD_TIME_NONE || size < PD_TIME_BUF || !split(t, &y, &m, &d, &secs)) return -1;
  snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(secs / 3600),
           (int)(secs / 60 % 60), (int)(secs % 60));
  return 0;
}

int pd_date_format(int64_t t, char *buf, size_t size) {
  int64_t y, secs;
  int m, d;
  if (t == PD_TIME_NONE || size < PD_DATE_BUF || !split(t, &y, &m, &d, &secs)) return -1;
  snprintf(buf, size, "%04d-%02d-%02d", (int)y, m, d);
  return 0;
}
