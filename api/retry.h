/* Retry timing of the api/ library: pure functions, unit-tested. */
#ifndef PD_API_RETRY_H
#define PD_API_RETRY_H

#include <stdint.h>

/* The wait before retry number `retry` (1 = the first retry): exponential,
 * min(cap_ms, base_ms * 2^(retry-1)), with "equal jitter": a uniform share
 * of the upper half taken from `rnd`, so the result lies in [d/2, d] for
 * that d. Never negative; base_ms <= 0 gives 0. */
long pd_backoff_ms(int retry, long base_ms, long cap_ms, uint32_t rnd);

/* A Retry-After value in seconds: delta-seconds ("120") or an IMF-fixdate
 * HTTP-date ("Sun, 06 Nov 1994 08:49:37 GMT", compared with `now`, a date in
 * the past gives 0). Leading/trailing blanks are allowed. -1 when neither
 * (the obsolete RFC 850 and asctime date forms are not accepted). Values
 * are capped at 86400. */
long pd_retry_after_s(const char *value, int64_t now);

#endif
