/* The domain's vocabulary, shared by privdeskd and the console: one source of
 * truth for inventory categories, request types, statuses, priorities,
 * regimes, roles and error codes. Each list is an X-macro so that enums,
 * name tables and parsers cannot drift apart. Plain C, no dependencies. */
#ifndef PD_VOCAB_H
#define PD_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

/* X(enum, key, group, label, legal_basis, recipients, systems, retention, on_erasure, legal_retention_years) */
#define PD_CATEGORIES(X) \
  X(PD_CAT_EMAIL, "email", "account", "E-mail address", "contract", "AWS", "accounts-db", \
    "until erasure", "erased", 0) \
  X(PD_CAT_PROFILE, "profile", "account", "Basic account information", "contract", "AWS", "accounts-db", \
    "until erasure", "erased", 0) \
  X(PD_CAT_SUPPORT_TICKETS, "support_tickets", "account", "Support requests", "legitimate_interest", \
    "helpdesk software", "helpdesk", "until erasure", "erased", 0) \
  X(PD_CAT_API_KEYS, "api_keys", "technical", "API keys (stored encrypted)", "contract", "AWS", \
    "key-vault", "until erasure", "revoked and erased", 0) \
  X(PD_CAT_USAGE_LOGS, "usage_logs", "technical", "Basic usage logs", "legitimate_interest", \
    "AWS, Google Cloud", "log-store, bigquery", "until erasure", "erased", 0) \
  X(PD_CAT_ERROR_REPORTS, "error_reports", "technical", "Error reports", "legitimate_interest", "AWS", \
    "error-tracker", "until erasure", "erased", 0) \
  X(PD_CAT_PAYMENT_METHODS, "payment_methods", "payment", "Payment methods (token references)", \
    "contract", "Stripe, PayPal", "billing-db", "until erasure", "token references erased", 0) \
  X(PD_CAT_TRANSACTIONS, "transactions", "payment", "Transaction records", "legal_obligation", \
    "Stripe, PayPal", "billing-db", "10 years after the transaction (tax law)", "retained", 10) \
  X(PD_CAT_MARKETING, "marketing", "communication", "Marketing mail preferences", "consent", \
    "helpdesk software", "mailer", "until consent is withdrawn or erasure", "erased", 0) \
  X(PD_CAT_ANALYTICS, "analytics", "analytics", "Service experience analytics", "legitimate_interest", \
    "analytics service", "analytics", "until objection or erasure", "erased", 0)

enum pd_category {
#define PD_X(e, ...) e,
  PD_CATEGORIES(PD_X)
#undef PD_X
  PD_CATEGORY_COUNT
};

struct pd_category_info {
  const char *key, *group, *label, *legal_basis, *recipients, *systems, *retention, *on_erasure;
  int legal_retention_years; /* > 0: records are kept this long after the newest one */
};

/* X(enum, name) */
#define PD_REQUEST_TYPES(X) \
  X(PD_TYPE_ACCESS, "access") X(PD_TYPE_RECTIFICATION, "rectification") \
  X(PD_TYPE_ERASURE, "erasure") X(PD_TYPE_OBJECTION, "objection")

/* X(enum, name, is_open) */
#define PD_STATUSES(X) \
  X(PD_ST_NEW, "new", true) X(PD_ST_VERIFYING, "verifying", true) \
  X(PD_ST_IN_PROGRESS, "in_progress", true) X(PD_ST_WAITING, "waiting", true) \
  X(PD_ST_COMPLETED, "completed", false) X(PD_ST_REJECTED, "rejected", false)

#define PD_PRIORITIES(X) X(PD_PRIO_NORMAL, "normal") X(PD_PRIO_URGENT, "urgent")
#define PD_REGIMES(X) X(PD_REGIME_GDPR, "gdpr") X(PD_REGIME_CCPA, "ccpa")
#define PD_JURISDICTIONS(X) X(PD_JUR_EU, "EU") X(PD_JUR_US_CA, "US-CA") X(PD_JUR_OTHER, "OTHER")
#define PD_ACCOUNT_STATUSES(X) X(PD_ACC_ACTIVE, "active") X(PD_ACC_CLOSED, "closed") X(PD_ACC_ERASED, "erased")
#define PD_ROLES(X) X(PD_ROLE_VIEWER, "viewer") X(PD_ROLE_AGENT, "agent") X(PD_ROLE_SUPERVISOR, "supervisor")
#define PD_HOLD_STATUSES(X) X(PD_HOLD_ACTIVE, "active") X(PD_HOLD_RELEASED, "released")
#define PD_INVENTORY_STATES(X) X(PD_INV_PRESENT, "present") X(PD_INV_ERASED, "erased") X(PD_INV_RETAINED, "retained")

/* X(enum, code, http_status, title) */
#define PD_ERROR_CODES(X) \
  X(PD_ERR_INVALID_INPUT, "invalid_input", 400, "Invalid input") \
  X(PD_ERR_UNAUTHENTICATED, "unauthenticated", 401, "Authentication required") \
  X(PD_ERR_FORBIDDEN, "forbidden", 403, "Forbidden") \
  X(PD_ERR_NOT_FOUND, "not_found", 404, "Not found") \
  X(PD_ERR_INVALID_TRANSITION, "invalid_transition", 409, "Invalid transition") \
  X(PD_ERR_HOLD_ACTIVE, "hold_active", 409, "A dispute hold is active") \
  X(PD_ERR_ALREADY_EXTENDED, "already_extended", 409, "Already extended") \
  X(PD_ERR_IDENTITY_NOT_VERIFIED, "identity_not_verified", 409, "Identity not verified") \
  X(PD_ERR_CONFIRMATION_MISMATCH, "confirmation_mismatch", 422, "Confirmation does not match") \
  X(PD_ERR_PRECONDITION_FAILED, "precondition_failed", 412, "Changed by someone else") \
  X(PD_ERR_PRECONDITION_REQUIRED, "precondition_required", 428, "If-Match required") \
  X(PD_ERR_IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused", 422, "Idempotency key reused") \
  X(PD_ERR_RATE_LIMITED, "rate_limited", 429, "Too many requests") \
  X(PD_ERR_PAYLOAD_TOO_LARGE, "payload_too_large", 413, "Payload too large") \
  X(PD_ERR_INTERNAL, "internal", 500, "Internal error")

/* Only the enum is needed; `e, ...` (not `e, name, ...`) so that two-argument
 * entries still pass at least one variadic argument, as C11 6.10.3p4 requires. */
#define PD_ENUM2(e, ...) e,
enum pd_request_type { PD_REQUEST_TYPES(PD_ENUM2) PD_TYPE_COUNT };
enum pd_status { PD_STATUSES(PD_ENUM2) PD_STATUS_COUNT };
enum pd_priority { PD_PRIORITIES(PD_ENUM2) PD_PRIORITY_COUNT };
enum pd_regime { PD_REGIMES(PD_ENUM2) PD_REGIME_COUNT };
enum pd_jurisdiction { PD_JURISDICTIONS(PD_ENUM2) PD_JURISDICTION_COUNT };
enum pd_account_status { PD_ACCOUNT_STATUSES(PD_ENUM2) PD_ACCOUNT_STATUS_COUNT };
enum pd_role { PD_ROLES(PD_ENUM2) PD_ROLE_COUNT };
enum pd_hold_status { PD_HOLD_STATUSES(PD_ENUM2) PD_HOLD_STATUS_COUNT };
enum pd_inventory_state { PD_INVENTORY_STATES(PD_ENUM2) PD_INVENTORY_STATE_COUNT };
enum pd_error_code { PD_ERROR_CODES(PD_ENUM2) PD_ERROR_CODE_COUNT };
#undef PD_ENUM2

const struct pd_category_info *pd_category(enum pd_category c);

/* name <-> enum. Parsers return -1 for an unknown name (exact, case-sensitive match). */
const char *pd_category_key(enum pd_category c);
int pd_category_parse(const char *key);
const char *pd_request_type_name(enum pd_request_type t);
int pd_request_type_parse(const char *s);
const char *pd_status_name(enum pd_status s);
int pd_status_parse(const char *s);
bool pd_status_is_open(enum pd_status s);
const char *pd_priority_name(enum pd_priority p);
int pd_priority_parse(const char *s);
const char *pd_regime_name(enum pd_regime r);
int pd_regime_parse(const char *s);
const char *pd_jurisdiction_name(enum pd_jurisdiction j);
int pd_jurisdiction_parse(const char *s);
const char *pd_account_status_name(enum pd_account_status s);
int pd_account_status_parse(const char *s);
const char *pd_role_name(enum pd_role r);
int pd_role_parse(const char *s);
const char *pd_hold_status_name(enum pd_hold_status s);
int pd_hold_status_parse(const char *s);
const char *pd_inventory_state_name(enum pd_inventory_state s);
int pd_inventory_state_parse(const char *s);
const char *pd_error_code_name(enum pd_error_code e);
int pd_error_code_parse(const char *s);
int pd_error_http_status(enum pd_error_code e);
const char *pd_error_title(enum pd_error_code e);

#endif
