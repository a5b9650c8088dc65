/* Strict RFC 3339 times and full dates for the api/ library (its own
 * parser: the console does not link server code). Times are int64_t seconds
 * since 1970-01-01T00:00:00Z; PD_TIME_NONE stands for JSON null. */
#ifndef PD_API_RFC3339_H
#define PD_API_RFC3339_H

#include <stddef.h>
#include <stdint.h>

#define PD_TIME_NONE INT64_MIN
#define PD_TIME_BUF 21 /* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define PD_DATE_BUF 11 /* "YYYY-MM-DD" + NUL */

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)"; 'T'/'t' and 'Z'/'z' as RFC
 * 3339 allows; fractions are dropped; the offset is applied. Rejects
 * out-of-range fields (month 13, Feb 30, hour 24, second 60), missing or
 * extra characters and NULL. Returns 0 and sets *out, or -1 (out untouched). */
int pd_time_parse(const char *s, int64_t *out);
/* "YYYY-MM-DD", a real calendar date: *out is 00:00:00Z of that day. */
int pd_date_parse(const char *s, int64_t *out);

/* "YYYY-MM-DDTHH:MM:SSZ" / "YYYY-MM-DD" into buf (PD_TIME_BUF / PD_DATE_BUF
 * bytes). Returns -1 for times outside years 0000..9999. */
int pd_time_format(int64_t t, char *buf, size_t size);
int pd_date_format(int64_t t, char *buf, size_t size);

#endif
