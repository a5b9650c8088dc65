/* The erasure plan and hold categories: server/domain/erasure.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "server/domain/erasure.h"

#define NOW 1780272000 /* 2026-06-01T00:00:00Z */
#define TAX_END 2087942400 /* 2036-03-01T00:00:00Z: the transactions' retained_until */
#define ALL_MASK ((1u << PD_CATEGORY_COUNT) - 1)
#define BIT(c) (1u << (c))

/* Every category has data, nothing is legally retained or already erased. */
static void plain_inputs(struct pd_plan_input in[PD_CATEGORY_COUNT]) {
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) in[c] = (struct pd_plan_input){5, 0, false};
}

static struct pd_plan_hold hold(const char *id, bool all, uint32_t mask) {
  struct pd_plan_hold h;
  memset(&h, 0, sizeof h);
  strncpy(h.id, id, sizeof h.id - 1);
  h.all_categories = all;
  h.category_mask = mask;
  return h;
}

static struct pd_plan plan_of(const struct pd_plan_input in[PD_CATEGORY_COUNT], const struct pd_plan_hold *holds,
                              int n_holds) {
  struct pd_plan p;
  assert_true(pd_erasure_plan(NOW, in, holds, n_holds, &p));
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) assert_int_equal(p.items[c].category, c);
  return p;
}

static void assert_erased(const struct pd_plan *p, enum pd_category c) {
  const struct pd_plan_item *it = &p->items[c];
  if (it->retain || it->legal_tax || it->n_holds != 0) fail_msg("%s should be erased", pd_category_key(c));
}

static void no_holds_no_legal_erases_all(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  struct pd_plan p = plan_of(in, NULL, 0);
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) assert_erased(&p, (enum pd_category)c);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT);
  assert_int_equal(p.n_retained, 0);
  assert_int_equal(p.account_status_after, PD_ACC_ERASED);
  assert_false(p.everything_held);
}

static void legal_tax_in_future_is_retained(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  in[PD_CAT_TRANSACTIONS].retained_until = TAX_END;
  struct pd_plan p = plan_of(in, NULL, 0);
  const struct pd_plan_item *tx = &p.items[PD_CAT_TRANSACTIONS];
  assert_true(tx->retain);
  assert_true(tx->legal_tax);
  assert_int_equal(tx->retained_until, TAX_END);
  assert_int_equal(tx->n_holds, 0);
  assert_int_equal(p.n_retained, 1);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT - 1);
  assert_int_equal(p.account_status_after, PD_ACC_CLOSED);
  assert_false(p.everything_held); /* legal retention is not a hold */
  /* One second ahead is still the future. */
  in[PD_CAT_TRANSACTIONS].retained_until = NOW + 1;
  p = plan_of(in, NULL, 0);
  assert_true(p.items[PD_CAT_TRANSACTIONS].legal_tax);
}

static void legal_tax_in_past_is_erased(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  in[PD_CAT_TRANSACTIONS].retained_until = NOW - 1;
  struct pd_plan p = plan_of(in, NULL, 0);
  assert_erased(&p, PD_CAT_TRANSACTIONS);
  assert_int_equal(p.items[PD_CAT_TRANSACTIONS].retained_until, 0); /* "until": null */
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT);
  assert_int_equal(p.account_status_after, PD_ACC_ERASED);
  /* Ending exactly now: no longer in the future. */
  in[PD_CAT_TRANSACTIONS].retained_until = NOW;
  p = plan_of(in, NULL, 0);
  assert_erased(&p, PD_CAT_TRANSACTIONS);
}

static void hold_on_some_categories(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  struct pd_plan_hold h[] = {hold("hld_aaaaaaaaaaaaaaaa", false, BIT(PD_CAT_USAGE_LOGS) | BIT(PD_CAT_EMAIL))};
  struct pd_plan p = plan_of(in, h, 1);
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    const struct pd_plan_item *it = &p.items[c];
    if (c == PD_CAT_USAGE_LOGS || c == PD_CAT_EMAIL) {
      assert_true(it->retain);
      assert_false(it->legal_tax);
      assert_int_equal(it->retained_until, 0);
      assert_int_equal(it->n_holds, 1);
      assert_int_equal(it->hold_index[0], 0);
    } else {
      assert_erased(&p, (enum pd_category)c);
    }
  }
  assert_int_equal(p.n_retained, 2);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT - 2);
  assert_int_equal(p.account_status_after, PD_ACC_CLOSED);
  assert_false(p.everything_held);
}

static void star_hold_retains_everything(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  /* all_categories alone decides, whatever the mask says. */
  struct pd_plan_hold h[] = {hold("hld_other", false, BIT(PD_CAT_PROFILE)), hold("hld_star", true, 0)};
  struct pd_plan p = plan_of(in, h, 2);
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    assert_true(p.items[c].retain);
    int last = p.items[c].n_holds - 1;
    assert_int_equal(p.items[c].hold_index[last], 1);
  }
  assert_int_equal(p.items[PD_CAT_PROFILE].n_holds, 2);
  assert_int_equal(p.items[PD_CAT_EMAIL].n_holds, 1);
  assert_int_equal(p.n_retained, PD_CATEGORY_COUNT);
  assert_int_equal(p.n_erased, 0);
  assert_int_equal(p.account_status_after, PD_ACC_CLOSED);
  assert_true(p.everything_held);
}

static void two_holds_on_one_category(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  in[PD_CAT_TRANSACTIONS].retained_until = TAX_END;
  struct pd_plan_hold h[] = {
      hold("hld_a", false, BIT(PD_CAT_TRANSACTIONS)),
      hold("hld_b", false, BIT(PD_CAT_PROFILE)),
      hold("hld_c", false, BIT(PD_CAT_TRANSACTIONS) | BIT(PD_CAT_EMAIL)),
  };
  struct pd_plan p = plan_of(in, h, 3);
  const struct pd_plan_item *tx = &p.items[PD_CAT_TRANSACTIONS];
  assert_true(tx->retain);
  assert_true(tx->legal_tax); /* both reasons are reported */
  assert_int_equal(tx->retained_until, TAX_END);
  assert_int_equal(tx->n_holds, 2);
  assert_int_equal(tx->hold_index[0], 0);
  assert_int_equal(tx->hold_index[1], 2);
  assert_int_equal(p.items[PD_CAT_EMAIL].n_holds, 1);
  assert_int_equal(p.items[PD_CAT_EMAIL].hold_index[0], 2);
  assert_int_equal(p.items[PD_CAT_PROFILE].hold_index[0], 1);
  assert_int_equal(p.n_retained, 3);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT - 3);
}

static void already_erased_is_skipped(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  /* A category erased before: even a hold or a legal date does not bring it back. */
  in[PD_CAT_EMAIL].already_erased = true;
  in[PD_CAT_TRANSACTIONS] = (struct pd_plan_input){3, TAX_END, true};
  struct pd_plan_hold h[] = {hold("hld_star", true, 0)};
  struct pd_plan p = plan_of(in, h, 1);
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    if (c == PD_CAT_EMAIL || c == PD_CAT_TRANSACTIONS)
      assert_erased(&p, (enum pd_category)c); /* retain=false, no holds, no legal_tax */
    else
      assert_true(p.items[c].retain);
  }
  assert_int_equal(p.items[PD_CAT_TRANSACTIONS].retained_until, 0);
  assert_int_equal(p.n_retained, PD_CATEGORY_COUNT - 2);
  assert_int_equal(p.n_erased, 0);
  assert_true(p.everything_held);

  /* Without the hold: the two are in neither count. */
  p = plan_of(in, NULL, 0);
  assert_int_equal(p.n_retained, 0);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT - 2);
  assert_int_equal(p.account_status_after, PD_ACC_ERASED);

  /* Everything already erased except legally retained transactions: closed. */
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) in[c].already_erased = c != PD_CAT_TRANSACTIONS;
  p = plan_of(in, NULL, 0);
  assert_int_equal(p.n_retained, 1);
  assert_int_equal(p.n_erased, 0);
  assert_int_equal(p.account_status_after, PD_ACC_CLOSED);

  /* A second erasure of a fully erased account changes nothing. */
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) in[c].already_erased = true;
  p = plan_of(in, h, 1);
  assert_int_equal(p.n_retained + p.n_erased, 0);
  assert_int_equal(p.account_status_after, PD_ACC_ERASED);
  assert_false(p.everything_held);
}

static void empty_categories(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  in[PD_CAT_MARKETING].records = 0;
  in[PD_CAT_ANALYTICS].records = 0;
  struct pd_plan_hold h[] = {hold("hld_a", false, BIT(PD_CAT_ANALYTICS))};
  struct pd_plan p = plan_of(in, h, 1);
  assert_erased(&p, PD_CAT_MARKETING);    /* no data, still planned and counted */
  assert_true(p.items[PD_CAT_ANALYTICS].retain); /* under a hold: never erased */
  assert_int_equal(p.n_retained, 1);
  assert_int_equal(p.n_erased, PD_CATEGORY_COUNT - 1);
  assert_int_equal(p.account_status_after, PD_ACC_CLOSED);
}

static void everything_held(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) in[c] = (struct pd_plan_input){0, 0, false};
  in[PD_CAT_TRANSACTIONS].records = 4;
  in[PD_CAT_USAGE_LOGS].records = 9;
  in[PD_CAT_EMAIL] = (struct pd_plan_input){1, 0, true}; /* erased already: does not count */
  struct pd_plan_hold both[] = {hold("hld_a", false, BIT(PD_CAT_TRANSACTIONS)),
                                hold("hld_b", false, BIT(PD_CAT_USAGE_LOGS))};
  struct pd_plan p = plan_of(in, both, 2);
  assert_true(p.everything_held); /* empty uncovered categories do not matter */
  p = plan_of(in, both, 1);
  assert_false(p.everything_held); /* usage_logs has data and no hold */
  in[PD_CAT_USAGE_LOGS].retained_until = TAX_END;
  p = plan_of(in, both, 1);
  assert_false(p.everything_held); /* legal retention is not a hold */
  /* No data anywhere: nothing is held, even under "*". */
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) in[c] = (struct pd_plan_input){0, 0, false};
  struct pd_plan_hold star[] = {hold("hld_star", true, 0)};
  p = plan_of(in, star, 1);
  assert_false(p.everything_held);
  p = plan_of(in, NULL, 0);
  assert_false(p.everything_held);
}

static void hold_limits(void **state) {
  (void)state;
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  plain_inputs(in);
  struct pd_plan_hold h[PD_MAX_HOLDS_PER_PLAN + 1];
  for (int i = 0; i <= PD_MAX_HOLDS_PER_PLAN; i++) h[i] = hold("hld_x", true, 0);
  struct pd_plan p, untouched;
  memset(&p, 0x5a, sizeof p);
  memcpy(&untouched, &p, sizeof p);
  assert_false(pd_erasure_plan(NOW, in, h, PD_MAX_HOLDS_PER_PLAN + 1, &p));
  assert_false(pd_erasure_plan(NOW, in, h, -1, &p));
  assert_false(pd_erasure_plan(NOW, in, NULL, 1, &p));
  assert_false(pd_erasure_plan(NOW, NULL, h, 1, &p));
  assert_memory_equal(&p, &untouched, sizeof p);
  assert_false(pd_erasure_plan(NOW, in, h, 1, NULL));
  /* Exactly the maximum: every index recorded in order. */
  assert_true(pd_erasure_plan(NOW, in, h, PD_MAX_HOLDS_PER_PLAN, &p));
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    assert_int_equal(p.items[c].n_holds, PD_MAX_HOLDS_PER_PLAN);
    for (int i = 0; i < PD_MAX_HOLDS_PER_PLAN; i++) assert_int_equal(p.items[c].hold_index[i], i);
  }
}

static void hold_covers(void **state) {
  (void)state;
  struct pd_plan_hold some = hold("hld_a", false, BIT(PD_CAT_EMAIL) | BIT(PD_CAT_ANALYTICS));
  struct pd_plan_hold star = hold("hld_b", true, 0);
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) {
    assert_int_equal(pd_hold_covers(&some, (enum pd_category)c), c == PD_CAT_EMAIL || c == PD_CAT_ANALYTICS);
    assert_true(pd_hold_covers(&star, (enum pd_category)c));
  }
  assert_false(pd_hold_covers(&star, PD_CATEGORY_COUNT));
  assert_false(pd_hold_covers(&star, (enum pd_category)-1));
  assert_false(pd_hold_covers(NULL, PD_CAT_EMAIL));
}

static void categories_parse_good(void **state) {
  (void)state;
  bool all = false;
  uint32_t mask = 0;
  const char *star[] = {"*"};
  assert_true(pd_hold_categories_parse(star, 1, &all, &mask));
  assert_true(all);
  assert_int_equal(mask, ALL_MASK);

  const char *two[] = {"transactions", "usage_logs"};
  assert_true(pd_hold_categories_parse(two, 2, &all, &mask));
  assert_false(all);
  assert_int_equal(mask, BIT(PD_CAT_TRANSACTIONS) | BIT(PD_CAT_USAGE_LOGS));

  const char *every[PD_CATEGORY_COUNT];
  for (int c = 0; c < PD_CATEGORY_COUNT; c++) every[c] = pd_category_key((enum pd_category)c);
  assert_true(pd_hold_categories_parse(every, PD_CATEGORY_COUNT, &all, &mask));
  assert_false(all); /* listing every key is not "*" */
  assert_int_equal(mask, ALL_MASK);
}

static void categories_parse_bad(void **state) {
  (void)state;
  static const struct {
    const char *keys[3];
    int n;
    const char *why;
  } bad[] = {
      {{"email"}, 0, "empty list"},
      {{"emails"}, 1, "unknown key"},
      {{"Email"}, 1, "keys are case-sensitive"},
      {{""}, 1, "empty key"},
      {{"email", "profile", "email"}, 3, "duplicate"},
      {{"*", "email"}, 2, "star first, mixed"},
      {{"email", "*"}, 2, "star last, mixed"},
      {{"*", "*"}, 2, "star twice"},
      {{"email", NULL}, 2, "NULL key"},
      {{NULL}, 1, "NULL only key"},
      {{"all"}, 1, "not the star"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    bool all = true;
    uint32_t mask = 12345;
    if (pd_hold_categories_parse(bad[i].keys, bad[i].n, &all, &mask)) fail_msg("accepted: %s", bad[i].why);
    assert_true(all);
    assert_int_equal(mask, 12345); /* outputs untouched */
  }
  bool all;
  uint32_t mask;
  const char *one[] = {"email"};
  assert_false(pd_hold_categories_parse(NULL, 1, &all, &mask));
  assert_false(pd_hold_categories_parse(one, -1, &all, &mask));
  assert_false(pd_hold_categories_parse(one, 1, NULL, &mask));
  assert_false(pd_hold_categories_parse(one, 1, &all, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(no_holds_no_legal_erases_all),
      cmocka_unit_test(legal_tax_in_future_is_retained),
      cmocka_unit_test(legal_tax_in_past_is_erased),
      cmocka_unit_test(hold_on_some_categories),
      cmocka_unit_test(star_hold_retains_everything),
      cmocka_unit_test(two_holds_on_one_category),
      cmocka_unit_test(already_erased_is_skipped),
      cmocka_unit_test(empty_categories),
      cmocka_unit_test(everything_held),
      cmocka_unit_test(hold_limits),
      cmocka_unit_test(hold_covers),
      cmocka_unit_test(categories_parse_good),
      cmocka_unit_test(categories_parse_bad),
  };
  return cmocka_run_group_tests_name("erasure", tests, NULL, NULL);
}
