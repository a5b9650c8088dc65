/* The erasure plan and hold category lists; see erasure.h. */
#include "server/domain/erasure.h"

#include <string.h>

/* Every category fits in the mask; a new category past 32 must widen it. */
_Static_assert(PD_CATEGORY_COUNT <= 32, "category_mask has 32 bits");

#define ALL_CATEGORIES_MASK ((uint32_t)((1ull << PD_CATEGORY_COUNT) - 1))

bool pd_hold_covers(const struct pd_plan_hold *h, enum pd_category c) {
  if (h == NULL || (unsigned)c >= PD_CATEGORY_COUNT) return false;
  return h->all_categories || (h->category_mask & (1u << c)) != 0;
}

/* Fills one category's item; returns false when it is skipped (already erased). */
static bool plan_item(int64_t now, enum pd_category c, const struct pd_plan_input *in,
                      const struct pd_plan_hold *holds, int n_holds, struct pd_plan_item *item) {
  item->category = c;
  if (in->already_erased) return false;
  for (int h = 0; h < n_holds; h++)
    if (pd_hold_covers(&holds[h], c)) item->hold_index[item->n_holds++] = h;
  /* Legal retention (tax law) keeps the data while its end is still ahead. */
  item->legal_tax = in->retained_until != 0 && in->retained_until > now;
  item->retained_until = item->legal_tax ? in->retained_until : 0;
  item->retain = item->n_holds > 0 || item->legal_tax;
  return true;
}

bool pd_erasure_plan(int64_t now, const struct pd_plan_input inputs[PD_CATEGORY_COUNT],
                     const struct pd_plan_hold *holds, int n_holds, struct pd_plan *out) {
  if (inputs == NULL || out == NULL || n_holds < 0 || n_holds > PD_MAX_HOLDS_PER_PLAN) return false;
  if (n_holds > 0 && holds == NULL) return false;
  memset(out, 0, sizeof *out);

  bool any_data = false, all_data_held = true;
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    struct pd_plan_item *item = &out->items[c];
    if (!plan_item(now, (enum pd_category)c, &inputs[c], holds, n_holds, item)) continue;
    if (item->retain)
      out->n_retained++;
    else
      out->n_erased++;
    if (inputs[c].records > 0) {
      any_data = true;
      all_data_held = all_data_held && item->n_holds > 0;
    }
  }
  out->account_status_after = out->n_retained == 0 ? PD_ACC_ERASED : PD_ACC_CLOSED;
  /* Completing would then change nothing but the account's status: refused as hold_active. */
  out->everything_held = any_data && all_data_held;
  return true;
}

bool pd_hold_categories_parse(const char *const *keys, int n, bool *all, uint32_t *mask) {
  if (keys == NULL || n <= 0 || all == NULL || mask == NULL) return false;
  if (n == 1 && keys[0] != NULL && strcmp(keys[0], "*") == 0) {
    *all = true;
    *mask = ALL_CATEGORIES_MASK;
    return true;
  }
  uint32_t m = 0;
  for (int i = 0; i < n; i++) {
    int c = pd_category_parse(keys[i]); /* "*" among keys is unknown here: rejected */
    if (c < 0 || (m & (1u << c)) != 0) return false;
    m |= 1u << c;
  }
  *all = false;
  *mask = m;
  return true;
}
