/* Civil dates and RFC 3339 times in UTC. Pure functions, no time zone data:
 * every time on the wire and in the store is UTC. */
#ifndef PD_DATES_H
#define PD_DATES_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
  int year, month, day; /* month 1..12, day 1..31 */
} pd_date;

#define PD_RFC3339_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define PD_DATE_LEN 11    /* "YYYY-MM-DD" + NUL */

bool pd_is_leap_year(int year);
int pd_days_in_month(int year, int month);
/* A real calendar date in years 0000..9999 (the range the wire format can express). */
bool pd_date_valid(pd_date d);
/* Days since 1970-01-01 (negative before). */
int64_t pd_date_to_days(pd_date d);
pd_date pd_date_from_days(int64_t days);
/* 0 = Monday ... 6 = Sunday */
int pd_weekday(pd_date d);
pd_date pd_date_add_days(pd_date d, int64_t days);
/* -1, 0, 1 */
int pd_date_cmp(pd_date a, pd_date b);

/* The UTC calendar date of a Unix time. */
pd_date pd_date_of(int64_t unix_time);
/* 00:00:00 and 23:59:59 UTC of a date, as Unix times. */
int64_t pd_start_of_day(pd_date d);
int64_t pd_end_of_day(pd_date d);

/* Writes "YYYY-MM-DDTHH:MM:SSZ"; buf must hold PD_RFC3339_LEN bytes. Returns buf.
 * Times outside years 0000..9999 are clamped to that range (never produced by
 * pd_parse_time), so the output length is always fixed. */
char *pd_format_time(int64_t unix_time, char *buf);
/* Writes "YYYY-MM-DD"; buf must hold PD_DATE_LEN bytes. Returns buf. Years outside
 * 0000..9999 are clamped to 0000-01-01 / 9999-12-31. */
char *pd_format_date(pd_date d, char *buf);
/* Strict RFC 3339: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", 'T'/'t' and 'Z'/'z'
 * accepted, fractions truncated, leap second 60 rejected. Whole string must match.
 * Offsets are applied, so *out is the UTC instant ("-00:00" counts as UTC).
 * Returns false on anything else (out-of-range fields, trailing bytes, NULL) and
 * when the UTC instant falls outside years 0000..9999. *out is written only on
 * success. */
bool pd_parse_time(const char *s, int64_t *out);
/* Strict "YYYY-MM-DD", a valid date; *out is written only on success. */
bool pd_parse_date(const char *s, pd_date *out);

#endif
