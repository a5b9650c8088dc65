/* Internals of the seed generator shared by seed.c and seed_requests.c. */
#ifndef PD_SEED_INT_H
#define PD_SEED_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "server/ids.h"
#include "server/store.h"

enum { DAY = 86400 };

/* ---- deterministic randomness (splitmix64) ---- */

struct rng {
  uint64_t state;
};

static inline uint64_t rng_next(struct rng *g) {
  uint64_t z = (g->state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* uniform in [0, n) */
static inline uint64_t rng_below(struct rng *g, uint64_t n) { return n ? rng_next(g) % n : 0; }
static inline bool rng_chance(struct rng *g, unsigned percent) { return rng_below(g, 100) < percent; }
static inline int64_t rng_between(struct rng *g, int64_t lo, int64_t hi) {
  return hi <= lo ? lo : lo + (int64_t)rng_below(g, (uint64_t)(hi - lo));
}

static inline void rng_id(struct rng *g, char out[ST_ID_MAX], const char *prefix) {
  unsigned char b[10];
  uint64_t a = rng_next(g), c = rng_next(g);
  memcpy(b, &a, 8);
  memcpy(b + 8, &c, 2);
  id_from_bytes(out, prefix, b);
}

/* ---- what the generator remembers about accounts ---- */

struct seeded_account {
  int64_t rowid;
  char id[ST_ID_MAX];
  enum pd_jurisdiction jurisdiction;
  int64_t created_at;
  bool erased;             /* an erasure completed: no further requests */
  int hold;                /* index into holds, -1 = none */
};

struct seeded_hold {
  char id[ST_ID_MAX];
  uint32_t mask;
  bool all, active;
};

/* Audit events are collected, then appended in time order so the log reads
 * like the history it describes. */
struct event {
  int64_t at;
  const char *actor, *action;
  char target[ST_ID_MAX], account_id[ST_ID_MAX];
  char *details; /* malloc'd canonical JSON */
};

struct events {
  struct event *v;
  size_t n, cap;
};

/* Records an audit event (steals details). */
void event_add(struct events *ev, int64_t at, const char *actor, const char *action, const char *target,
               const char *account_id, json_t *details);

struct gen {
  struct store_conn *db;
  struct rng rng;
  int64_t now;
  struct seeded_account *accounts;
  int n_accounts;
  struct seeded_hold *holds;
  int n_holds;
  struct events events;
  struct arena scratch;
};

/* Staff names seeded requests are assigned to (the demo creates these users). */
extern const char *const seed_staff[3];

int seed_requests(struct gen *g, int count);

#endif
