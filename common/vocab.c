#include "common/vocab.h"

#include <string.h>

static const struct pd_category_info categories[PD_CATEGORY_COUNT] = {
#define PD_X(e, key, group, label, basis, recipients, systems, retention, on_erasure, years) \
  [e] = {key, group, label, basis, recipients, systems, retention, on_erasure, years},
  PD_CATEGORIES(PD_X)
#undef PD_X
};

const struct pd_category_info *pd_category(enum pd_category c) {
  return (unsigned)c < PD_CATEGORY_COUNT ? &categories[c] : NULL;
}

const char *pd_category_key(enum pd_category c) {
  return (unsigned)c < PD_CATEGORY_COUNT ? categories[c].key : NULL;
}

int pd_category_parse(const char *key) {
  for (int i = 0; key && i < PD_CATEGORY_COUNT; i++)
    if (strcmp(categories[i].key, key) == 0) return i;
  return -1;
}

static int parse_name(const char *const *names, int count, const char *s) {
  for (int i = 0; s && i < count; i++)
    if (strcmp(names[i], s) == 0) return i;
  return -1;
}

/* PD_NAME_TABLE(prefix, X-list, enum type, count): defines prefix_name() and prefix_parse(). */
/* PD_FIRST(name, ..., unused): the name, with at least one variadic argument
 * even for two-argument entries (C11 6.10.3p4). */
#define PD_FIRST(x, ...) x
#define PD_NAME_ONLY(e, ...) [e] = PD_FIRST(__VA_ARGS__, unused),
#define PD_NAME_TABLE(prefix, list, type, count)                          \
  static const char *const prefix##_names[count] = {list(PD_NAME_ONLY)}; \
  const char *prefix##_name(type v) {                                     \
    return (unsigned)v < (unsigned)(count) ? prefix##_names[v] : NULL;    \
  }                                                                       \
  int prefix##_parse(const char *s) { return parse_name(prefix##_names, count, s); }

PD_NAME_TABLE(pd_request_type, PD_REQUEST_TYPES, enum pd_request_type, PD_TYPE_COUNT)
PD_NAME_TABLE(pd_status, PD_STATUSES, enum pd_status, PD_STATUS_COUNT)
PD_NAME_TABLE(pd_priority, PD_PRIORITIES, enum pd_priority, PD_PRIORITY_COUNT)
PD_NAME_TABLE(pd_regime, PD_REGIMES, enum pd_regime, PD_REGIME_COUNT)
PD_NAME_TABLE(pd_jurisdiction, PD_JURISDICTIONS, enum pd_jurisdiction, PD_JURISDICTION_COUNT)
PD_NAME_TABLE(pd_account_status, PD_ACCOUNT_STATUSES, enum pd_account_status, PD_ACCOUNT_STATUS_COUNT)
PD_NAME_TABLE(pd_role, PD_ROLES, enum pd_role, PD_ROLE_COUNT)
PD_NAME_TABLE(pd_hold_status, PD_HOLD_STATUSES, enum pd_hold_status, PD_HOLD_STATUS_COUNT)
PD_NAME_TABLE(pd_inventory_state, PD_INVENTORY_STATES, enum pd_inventory_state, PD_INVENTORY_STATE_COUNT)

static const char *const error_names[PD_ERROR_CODE_COUNT] = {
#define PD_X(e, code, status, title) [e] = code,
  PD_ERROR_CODES(PD_X)
#undef PD_X
};
static const int error_statuses[PD_ERROR_CODE_COUNT] = {
#define PD_X(e, code, status, title) [e] = status,
  PD_ERROR_CODES(PD_X)
#undef PD_X
};
static const char *const error_titles[PD_ERROR_CODE_COUNT] = {
#define PD_X(e, code, status, title) [e] = title,
  PD_ERROR_CODES(PD_X)
#undef PD_X
};

const char *pd_error_code_name(enum pd_error_code e) {
  return (unsigned)e < PD_ERROR_CODE_COUNT ? error_names[e] : "internal";
}
int pd_error_code_parse(const char *s) { return parse_name(error_names, PD_ERROR_CODE_COUNT, s); }
int pd_error_http_status(enum pd_error_code e) {
  return (unsigned)e < PD_ERROR_CODE_COUNT ? error_statuses[e] : 500;
}
const char *pd_error_title(enum pd_error_code e) {
  return (unsigned)e < PD_ERROR_CODE_COUNT ? error_titles[e] : "Internal error";
}

static const bool status_open[PD_STATUS_COUNT] = {
#define PD_X(e, name, open) [e] = open,
  PD_STATUSES(PD_X)
#undef PD_X
};

bool pd_status_is_open(enum pd_status s) {
  return (unsigned)s < PD_STATUS_COUNT && status_open[s];
}
