/* `privdeskd seed`: deterministic, realistic data for demos, tests and benchmarks. */
#ifndef PD_SEED_H
#define PD_SEED_H

#include <stdint.h>

#include "server/store.h"

struct seed_opts {
  int accounts, requests;
  uint64_t seed;
  int64_t now; /* reference time: deadlines are spread around it */
};

/* Fills an empty database. Returns 0, or 1 with a message on stderr. */
int seed_run(struct store *s, const struct seed_opts *o);

#endif
