/* The shared vocabulary: common/vocab.h, checked against DESIGN.md section 2 and
 * the error table of docs/api.md. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/vocab.h"

/* A name table under test: the expected names in enum order, and its functions. */
struct vocab {
  const char *what;
  const char *const *names;
  int count;
  const char *(*name)(int);
  int (*parse)(const char *);
};

/* The name functions take their own enum; wrap them so one loop covers all. */
#define WRAP(fn, type) \
  static const char *fn##_i(int v) { return fn((type)v); }
WRAP(pd_category_key, enum pd_category)
WRAP(pd_request_type_name, enum pd_request_type)
WRAP(pd_status_name, enum pd_status)
WRAP(pd_priority_name, enum pd_priority)
WRAP(pd_regime_name, enum pd_regime)
WRAP(pd_jurisdiction_name, enum pd_jurisdiction)
WRAP(pd_account_status_name, enum pd_account_status)
WRAP(pd_role_name, enum pd_role)
WRAP(pd_hold_status_name, enum pd_hold_status)
WRAP(pd_inventory_state_name, enum pd_inventory_state)
WRAP(pd_error_code_name, enum pd_error_code)

static const char *const categories[] = {"email", "profile", "support_tickets", "api_keys", "usage_logs",
                                         "error_reports", "payment_methods", "transactions", "marketing",
                                         "analytics"};
static const char *const types[] = {"access", "rectification", "erasure", "objection"};
static const char *const statuses[] = {"new", "verifying", "in_progress", "waiting", "completed", "rejected"};
static const char *const priorities[] = {"normal", "urgent"};
static const char *const regimes[] = {"gdpr", "ccpa"};
static const char *const jurisdictions[] = {"EU", "US-CA", "OTHER"};
static const char *const account_statuses[] = {"active", "closed", "erased"};
static const char *const roles[] = {"viewer", "agent", "supervisor"};
static const char *const hold_statuses[] = {"active", "released"};
static const char *const inventory_states[] = {"present", "erased", "retained"};

/* docs/api.md, "Errors": code -> HTTP status. */
static const struct {
  const char *code;
  int status;
} errors[] = {
    {"invalid_input", 400},         {"unauthenticated", 401},      {"forbidden", 403},
    {"not_found", 404},             {"invalid_transition", 409},   {"hold_active", 409},
    {"already_extended", 409},      {"identity_not_verified", 409}, {"confirmation_mismatch", 422},
    {"precondition_failed", 412},   {"precondition_required", 428}, {"idempotency_key_reused", 422},
    {"rate_limited", 429},          {"payload_too_large", 413},    {"internal", 500},
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define VOCAB(what, names, count, fn, parse) {what, names, count, fn##_i, parse}

static const char *const *error_names(void) {
  static const char *names[N(errors)];
  for (int i = 0; i < N(errors); i++) names[i] = errors[i].code;
  return names;
}

static void check_vocab(const struct vocab *v) {
  for (int i = 0; i < v->count; i++) {
    const char *got = v->name(i);
    if (got == NULL || strcmp(got, v->names[i]) != 0) fail_msg("%s %d: name %s", v->what, i, got ? got : "NULL");
    if (v->parse(v->names[i]) != i) fail_msg("%s %s does not parse back", v->what, v->names[i]);
  }
  /* Unknown names: exact, case-sensitive matches only. */
  static const char *const unknown[] = {"", " ", "unknown", "*", "Ne w"};
  for (int i = 0; i < N(unknown); i++) assert_int_equal(v->parse(unknown[i]), -1);
  assert_int_equal(v->parse(NULL), -1);
  for (int i = 0; i < v->count; i++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%s ", v->names[i]); /* trailing space */
    assert_int_equal(v->parse(buf), -1);
    snprintf(buf, sizeof buf, "%.*s", (int)strlen(v->names[i]) - 1, v->names[i]); /* prefix */
    assert_int_equal(v->parse(buf), -1);
    snprintf(buf, sizeof buf, "%s", v->names[i]);
    for (char *p = buf; *p; p++) *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    assert_int_equal(v->parse(buf), -1); /* case swapped */
  }
}

static void round_trips(void **state) {
  (void)state;
  const struct vocab all[] = {
      VOCAB("category", categories, PD_CATEGORY_COUNT, pd_category_key, pd_category_parse),
      VOCAB("type", types, PD_TYPE_COUNT, pd_request_type_name, pd_request_type_parse),
      VOCAB("status", statuses, PD_STATUS_COUNT, pd_status_name, pd_status_parse),
      VOCAB("priority", priorities, PD_PRIORITY_COUNT, pd_priority_name, pd_priority_parse),
      VOCAB("regime", regimes, PD_REGIME_COUNT, pd_regime_name, pd_regime_parse),
      VOCAB("jurisdiction", jurisdictions, PD_JURISDICTION_COUNT, pd_jurisdiction_name, pd_jurisdiction_parse),
      VOCAB("account status", account_statuses, PD_ACCOUNT_STATUS_COUNT, pd_account_status_name,
            pd_account_status_parse),
      VOCAB("role", roles, PD_ROLE_COUNT, pd_role_name, pd_role_parse),
      VOCAB("hold status", hold_statuses, PD_HOLD_STATUS_COUNT, pd_hold_status_name, pd_hold_status_parse),
      VOCAB("inventory state", inventory_states, PD_INVENTORY_STATE_COUNT, pd_inventory_state_name,
            pd_inventory_state_parse),
      VOCAB("error code", error_names(), PD_ERROR_CODE_COUNT, pd_error_code_name, pd_error_code_parse),
  };
  /* The expected lists are complete: counts agree with the enums. */
  assert_int_equal(N(categories), PD_CATEGORY_COUNT);
  assert_int_equal(N(types), PD_TYPE_COUNT);
  assert_int_equal(N(statuses), PD_STATUS_COUNT);
  assert_int_equal(N(priorities), PD_PRIORITY_COUNT);
  assert_int_equal(N(regimes), PD_REGIME_COUNT);
  assert_int_equal(N(jurisdictions), PD_JURISDICTION_COUNT);
  assert_int_equal(N(account_statuses), PD_ACCOUNT_STATUS_COUNT);
  assert_int_equal(N(roles), PD_ROLE_COUNT);
  assert_int_equal(N(hold_statuses), PD_HOLD_STATUS_COUNT);
  assert_int_equal(N(inventory_states), PD_INVENTORY_STATE_COUNT);
  assert_int_equal(N(errors), PD_ERROR_CODE_COUNT);
  for (int i = 0; i < N(all); i++) check_vocab(&all[i]);
}

static void out_of_range_names(void **state) {
  (void)state;
  assert_null(pd_category_key(PD_CATEGORY_COUNT));
  assert_null(pd_category((enum pd_category)-1));
  assert_null(pd_request_type_name(PD_TYPE_COUNT));
  assert_null(pd_status_name(PD_STATUS_COUNT));
  assert_null(pd_status_name((enum pd_status)-1));
  assert_null(pd_priority_name(PD_PRIORITY_COUNT));
  assert_null(pd_regime_name(PD_REGIME_COUNT));
  assert_null(pd_jurisdiction_name(PD_JURISDICTION_COUNT));
  assert_null(pd_account_status_name(PD_ACCOUNT_STATUS_COUNT));
  assert_null(pd_role_name(PD_ROLE_COUNT));
  assert_null(pd_hold_status_name(PD_HOLD_STATUS_COUNT));
  assert_null(pd_inventory_state_name(PD_INVENTORY_STATE_COUNT));
  /* An unknown error code is reported as an internal error, never as NULL. */
  assert_string_equal(pd_error_code_name(PD_ERROR_CODE_COUNT), "internal");
  assert_int_equal(pd_error_http_status(PD_ERROR_CODE_COUNT), 500);
  assert_string_equal(pd_error_title(PD_ERROR_CODE_COUNT), "Internal error");
}

static void error_statuses(void **state) {
  (void)state;
  for (int i = 0; i < N(errors); i++) {
    int e = pd_error_code_parse(errors[i].code);
    assert_true(e >= 0);
    if (pd_error_http_status((enum pd_error_code)e) != errors[i].status)
      fail_msg("%s: %d, want %d", errors[i].code, pd_error_http_status((enum pd_error_code)e), errors[i].status);
    const char *title = pd_error_title((enum pd_error_code)e);
    assert_non_null(title);
    assert_true(strlen(title) > 0);
  }
  assert_int_equal(pd_error_http_status(PD_ERR_HOLD_ACTIVE), 409);
  assert_int_equal(pd_error_http_status(PD_ERR_CONFIRMATION_MISMATCH), 422);
  assert_int_equal(pd_error_http_status(PD_ERR_PRECONDITION_REQUIRED), 428);
  assert_string_equal(pd_error_title(PD_ERR_HOLD_ACTIVE), "A dispute hold is active");
}

static void open_statuses(void **state) {
  (void)state;
  static const bool open[PD_STATUS_COUNT] = {
      [PD_ST_NEW] = true, [PD_ST_VERIFYING] = true, [PD_ST_IN_PROGRESS] = true, [PD_ST_WAITING] = true,
  };
  for (int s = 0; s < PD_STATUS_COUNT; s++) assert_int_equal(pd_status_is_open((enum pd_status)s), open[s]);
  assert_false(pd_status_is_open(PD_STATUS_COUNT));
  assert_false(pd_status_is_open((enum pd_status)-1));
}

/* DESIGN.md "Inventory categories": key -> group, legal basis, recipients. */
static void category_table(void **state) {
  (void)state;
  static const struct {
    enum pd_category c;
    const char *group, *basis, *recipients;
    int years;
  } want[] = {
      {PD_CAT_EMAIL, "account", "contract", "AWS", 0},
      {PD_CAT_PROFILE, "account", "contract", "AWS", 0},
      {PD_CAT_SUPPORT_TICKETS, "account", "legitimate_interest", "helpdesk software", 0},
      {PD_CAT_API_KEYS, "technical", "contract", "AWS", 0},
      {PD_CAT_USAGE_LOGS, "technical", "legitimate_interest", "AWS, Google Cloud", 0},
      {PD_CAT_ERROR_REPORTS, "technical", "legitimate_interest", "AWS", 0},
      {PD_CAT_PAYMENT_METHODS, "payment", "contract", "Stripe, PayPal", 0},
      {PD_CAT_TRANSACTIONS, "payment", "legal_obligation", "Stripe, PayPal", 10},
      {PD_CAT_MARKETING, "communication", "consent", "helpdesk software", 0},
      {PD_CAT_ANALYTICS, "analytics", "legitimate_interest", "analytics service", 0},
  };
  assert_int_equal(N(want), PD_CATEGORY_COUNT);
  for (int i = 0; i < N(want); i++) {
    const struct pd_category_info *info = pd_category(want[i].c);
    assert_non_null(info);
    assert_string_equal(info->key, categories[i]);
    assert_string_equal(info->group, want[i].group);
    assert_string_equal(info->legal_basis, want[i].basis);
    assert_string_equal(info->recipients, want[i].recipients);
    assert_int_equal(info->legal_retention_years, want[i].years);
    assert_true(strlen(info->label) > 0 && strlen(info->systems) > 0 && strlen(info->retention) > 0 &&
                strlen(info->on_erasure) > 0);
  }
  assert_string_equal(pd_category(PD_CAT_TRANSACTIONS)->retention, "10 years after the transaction (tax law)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trips),
      cmocka_unit_test(out_of_range_names),
      cmocka_unit_test(error_statuses),
      cmocka_unit_test(open_statuses),
      cmocka_unit_test(category_table),
  };
  return cmocka_run_group_tests_name("vocab", tests, NULL, NULL);
}
