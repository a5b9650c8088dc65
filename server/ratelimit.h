/* Per-token rate limit: a token bucket per user, refilled at `rate` requests
 * per second up to a burst of 2 x rate. Thread-safe. */
#ifndef PD_RATELIMIT_H
#define PD_RATELIMIT_H

#include <stdint.h>

struct ratelimit;

/* The burst, as a multiple of the rate (also for a store's shared limit). */
#define RATELIMIT_BURST 2

/* rate <= 0 disables limiting (every call allowed). */
struct ratelimit *ratelimit_new(double rate);
void ratelimit_free(struct ratelimit *rl);
/* Takes one token for key at monotonic time now_s. Returns 0 when allowed,
 * else the whole seconds (>= 1) after which a request will be allowed. */
int ratelimit_take(struct ratelimit *rl, int64_t key, double now_s);

#endif
