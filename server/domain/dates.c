/* Civil dates and RFC 3339 times, proleptic Gregorian, UTC only.
 *
 * The day arithmetic is Howard Hinnant's days_from_civil / civil_from_days
 * (http://howardhinnant.github.io/date_algorithms.html): it works on 400-year
 * eras so it needs no tables and is exact for every representable date. */
#include "server/domain/dates.h"

#include <stddef.h>

#define SECS_PER_DAY 86400
#define YEAR_MIN 0    /* the wire format has exactly four year digits */
#define YEAR_MAX 9999

/* Floor division and modulo: C's / and % truncate toward zero, which would put
 * times before 1970 on the wrong day. */
static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

bool pd_is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int pd_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && pd_is_leap_year(year) ? 29 : days[month - 1];
}

bool pd_date_valid(pd_date d) {
  return d.year >= YEAR_MIN && d.year <= YEAR_MAX && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= pd_days_in_month(d.year, d.month);
}

int64_t pd_date_to_days(pd_date d) {
  int64_t y = (int64_t)d.year - (d.month <= 2);
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                                      /* [0, 399] */
  int64_t mp = d.month > 2 ? d.month - 3 : d.month + 9;            /* March = 0 */
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;                     /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

pd_date pd_date_from_days(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  pd_date d;
  d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  d.year = (int)(yoe + era * 400 + (d.month <= 2));
  return d;
}

int pd_weekday(pd_date d) {
  /* 1970-01-01 was a Thursday (3 with Monday = 0). */
  return (int)floor_mod(pd_date_to_days(d) + 3, 7);
}

pd_date pd_date_add_days(pd_date d, int64_t days) {
  return pd_date_from_days(pd_date_to_days(d) + days);
}

int pd_date_cmp(pd_date a, pd_date b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

pd_date pd_date_of(int64_t unix_time) {
  return pd_date_from_days(floor_div(unix_time, SECS_PER_DAY));
}

int64_t pd_start_of_day(pd_date d) { return pd_date_to_days(d) * SECS_PER_DAY; }

int64_t pd_end_of_day(pd_date d) { return pd_start_of_day(d) + SECS_PER_DAY - 1; }

/* ---- formatting ---------------------------------------------------------- */

/* Writes `width` decimal digits of a non-negative value, zero-padded. Done by
 * hand rather than with snprintf so the output length is fixed by construction. */
static char *put_digits(char *p, int64_t value, int width) {
  for (int i = width - 1; i >= 0; i--) {
    p[i] = (char)('0' + value % 10);
    value /= 10;
  }
  return p + width;
}

static char *put_date(char *p, pd_date d) {
  p = put_digits(p, d.year, 4);
  *p++ = '-';
  p = put_digits(p, d.month, 2);
  *p++ = '-';
  return put_digits(p, d.day, 2);
}

/* Clamps to the years the four-digit format can express. */
static pd_date clamp_date(pd_date d) {
  if (d.year < YEAR_MIN) return (pd_date){YEAR_MIN, 1, 1};
  if (d.year > YEAR_MAX) return (pd_date){YEAR_MAX, 12, 31};
  return d;
}

char *pd_format_time(int64_t unix_time, char *buf) {
  const int64_t lo = pd_start_of_day((pd_date){YEAR_MIN, 1, 1});
  const int64_t hi = pd_end_of_day((pd_date){YEAR_MAX, 12, 31});
  if (unix_time < lo) unix_time = lo;
  if (unix_time > hi) unix_time = hi;
  int64_t secs = floor_mod(unix_time, SECS_PER_DAY);
  char *p = put_date(buf, pd_date_of(unix_time));
  *p++ = 'T';
  p = put_digits(p, secs / 3600, 2);
  *p++ = ':';
  p = put_digits(p, secs / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, secs % 60, 2);
  *p++ = 'Z';
  *p = '\0';
  return buf;
}

char *pd_format_date(pd_date d, char *buf) {
  char *p = put_date(buf, clamp_date(d));
  *p = '\0';
  return buf;
}

/* ---- parsing ------------------------------------------------------------- */

/* Reads exactly n ASCII digits (not isdigit(), which depends on the locale). */
static bool get_digits(const char **sp, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*sp)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *sp += n;
  *out = v;
  return true;
}

static bool get_char(const char **sp, char want) {
  if (**sp != want) return false;
  (*sp)++;
  return true;
}

/* "YYYY-MM-DD" at *sp, validated as a calendar date. */
static bool get_date(const char **sp, pd_date *d) {
  return get_digits(sp, 4, &d->year) && get_char(sp, '-') && get_digits(sp, 2, &d->month) &&
         get_char(sp, '-') && get_digits(sp, 2, &d->day) && pd_date_valid(*d);
}

/* "HH:MM:SS[.frac]" at *sp; fractions are dropped (second precision). */
static bool get_clock(const char **sp, int *secs) {
  int h, m, s;
  if (!(get_digits(sp, 2, &h) && get_char(sp, ':') && get_digits(sp, 2, &m) && get_char(sp, ':') &&
        get_digits(sp, 2, &s)))
    return false;
  if (h > 23 || m > 59 || s > 59) return false; /* 60: leap seconds are not representable */
  if (**sp == '.') {
    (*sp)++;
    if (**sp < '0' || **sp > '9') return false; /* at least one digit */
    while (**sp >= '0' && **sp <= '9') (*sp)++;
  }
  *secs = h * 3600 + m * 60 + s;
  return true;
}

/* "Z" or "+HH:MM" / "-HH:MM" at *sp: the offset of local time from UTC. */
static bool get_offset(const char **sp, int *offset) {
  char c = **sp;
  if (c == 'Z' || c == 'z') {
    (*sp)++;
    *offset = 0;
    return true;
  }
  if (c != '+' && c != '-') return false;
  (*sp)++;
  int h, m;
  if (!(get_digits(sp, 2, &h) && get_char(sp, ':') && get_digits(sp, 2, &m))) return false;
  if (h > 23 || m > 59) return false;
  *offset = (c == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return true;
}

bool pd_parse_time(const char *s, int64_t *out) {
  if (s == NULL || out == NULL) return false;
  pd_date d;
  int secs, offset;
  if (!get_date(&s, &d)) return false;
  if (*s != 'T' && *s != 't') return false;
  s++;
  if (!get_clock(&s, &secs) || !get_offset(&s, &offset) || *s != '\0') return false;
  int64_t t = pd_start_of_day(d) + secs - offset;
  /* An offset can push the UTC instant out of years 0000..9999; refuse it so
   * every parsed time formats back faithfully. */
  int year = pd_date_of(t).year;
  if (year < YEAR_MIN || year > YEAR_MAX) return false;
  *out = t;
  return true;
}

bool pd_parse_date(const char *s, pd_date *out) {
  if (s == NULL || out == NULL) return false;
  pd_date d;
  if (!get_date(&s, &d) || *s != '\0') return false;
  *out = d;
  return true;
}
