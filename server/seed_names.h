/* Name material for seeding: realistic names in many scripts and a set of
 * hostile ones that a console must display safely. */
#ifndef PD_SEED_NAMES_H
#define PD_SEED_NAMES_H

#include <stddef.h>

struct seed_name {
  const char *display; /* what the account's name field holds */
  const char *handle;  /* ASCII, for the e-mail local part */
};

extern const struct seed_name seed_first_names[];
extern const size_t seed_first_count;
extern const struct seed_name seed_last_names[];
extern const size_t seed_last_count;
/* Whole names that test a console's defences: escape sequences, controls,
 * bidi overrides, SQL and very long text. */
extern const char *const seed_hostile_names[];
extern const size_t seed_hostile_count;
extern const char *const seed_domains[];
extern const size_t seed_domain_count;

#endif
