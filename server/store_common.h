/* What every store implementation shares, so that both stores hash, verify
 * and merge alike (the audit chain must be one format whichever store wrote
 * it). For store_*.c only; callers use store.h. */
#ifndef PD_STORE_COMMON_H
#define PD_STORE_COMMON_H

#include "server/store.h"

/* The canonical text hashed for an audit entry (see domain/audit_hash.h).
 * NULL when out of memory. Caller frees. */
char *st_audit_canonical(const struct st_audit_entry *e);

/* Fills e->hash from e->prev_hash and the entry's canonical text. */
bool st_audit_seal(struct st_audit_entry *e);

/* Verifying the chain one entry at a time, in seq order. */
struct st_audit_walk {
  char expected_prev[65];
  int64_t expected_seq;
};
void st_audit_walk_start(struct st_audit_walk *w, struct st_audit_verify *out);
void st_audit_walk_step(struct st_audit_walk *w, struct st_audit_verify *out, const struct st_audit_entry *e);

/* Account search: merges the e-mail-prefix matches and the name matches,
 * both in e-mail order with at most limit + 1 rows each (the look-ahead row
 * included), into one page in e-mail order without duplicates. */
void st_accounts_merge(struct arena *a, const struct st_account *by_email, int n_email,
                       const struct st_account *by_name, int n_name, int limit, struct st_account **items,
                       int *n, bool *more);

/* SQL text built from pieces (the queue's query): never from input, only
 * from the vocabulary and fixed clauses; parameters are bound. */
struct st_sql_buf {
  char text[8192];
  size_t len;
  bool overflow; /* a piece did not fit: the text is not to be run */
};
void st_sql_add(struct st_sql_buf *b, const char *s);
/* " AND column IN ('a','b')" from the bits of mask, named by name(i). */
void st_sql_in_list(struct st_sql_buf *b, const char *column, unsigned mask, int count, const char *(*name)(int));
/* The vocabulary's names by number, for st_sql_in_list. */
const char *st_status_name(int i);
const char *st_type_name(int i);

#endif
