/* The erasure plan (DESIGN.md section 2): for each inventory category, retained
 * if an active hold covers it or its retained_until is in the future; else erased.
 * The account becomes `erased` when nothing is retained, else `closed`.
 *
 * Categories already erased (pd_plan_input.already_erased) are left out: they are
 * neither retained nor erased, count in neither n_retained nor n_erased, and their
 * item has retain = false, legal_tax = false and n_holds = 0. A category with no
 * records that is not yet erased is planned like any other (erased, or retained
 * when a hold covers it). */
#ifndef PD_ERASURE_H
#define PD_ERASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/vocab.h"

#define PD_HOLD_ID_MAX 40
#define PD_MAX_HOLDS_PER_PLAN 32

/* An active hold as the plan sees it. */
struct pd_plan_hold {
  char id[PD_HOLD_ID_MAX];
  bool all_categories;    /* categories == ["*"] */
  uint32_t category_mask; /* bit (1u << pd_category) per covered category; all bits when all_categories */
};

/* One category's state before the plan. */
struct pd_plan_input {
  int64_t records;
  int64_t retained_until; /* Unix time, 0 = none */
  bool already_erased;    /* state == erased: nothing left to do */
};

struct pd_plan_item {
  enum pd_category category;
  bool retain;          /* false: erase */
  bool legal_tax;       /* retained because retained_until is in the future */
  int64_t retained_until; /* the input's retained_until when legal_tax, else 0 ("until": null) */
  int n_holds;          /* holds covering this category (0 for an already erased one) */
  int hold_index[PD_MAX_HOLDS_PER_PLAN]; /* indexes into the holds array */
};

struct pd_plan {
  struct pd_plan_item items[PD_CATEGORY_COUNT]; /* in pd_category order */
  int n_retained, n_erased;
  enum pd_account_status account_status_after; /* erased when nothing retained, else closed */
  /* true when at least one category not already erased has records > 0 and every
   * such category is covered by a hold: completing would erase no data (409 hold_active). */
  bool everything_held;
};

/* Builds the plan. Callers pass the account's active holds only, at most
 * PD_MAX_HOLDS_PER_PLAN of them: returns false (and leaves *out alone) when n_holds
 * is negative or larger, or when inputs/out are NULL or holds is NULL with n_holds > 0.
 * A category is legally retained when retained_until != 0 and retained_until > now. */
bool pd_erasure_plan(int64_t now, const struct pd_plan_input inputs[PD_CATEGORY_COUNT],
                     const struct pd_plan_hold *holds, int n_holds, struct pd_plan *out);

/* Parses a hold's category list (JSON strings already extracted): either exactly
 * one "*" or one or more distinct known category keys. Returns false on an empty
 * list, an unknown key, a NULL key, a duplicate or "*" mixed with keys (or twice);
 * *all and *mask are written only on success. */
bool pd_hold_categories_parse(const char *const *keys, int n, bool *all, uint32_t *mask);
bool pd_hold_covers(const struct pd_plan_hold *h, enum pd_category c);

#endif
