/* Decoders: response body bytes -> typed models (api/models.h).
 *
 * Every decoder is strict about what the contract promises and lenient about
 * what it does not mention: the body must be valid UTF-8 JSON (jansson
 * refuses invalid UTF-8 and "\u0000"; duplicate keys are refused too) whose
 * top level is an object; every documented field must be present with the
 * documented type and within bounds (a missing field is an error, never a
 * zero); null is accepted only where the contract allows it; lists are
 * capped (PD_PAGE_MAX items per page); unknown fields are ignored.
 * A failure is PD_E_BAD_RESPONSE with a message naming the field path,
 * e.g. "items[3].status: unknown value \"archived\"". No I/O, no globals:
 * safe from any thread. */
#ifndef PD_API_DECODE_H
#define PD_API_DECODE_H

#include <stddef.h>

#include "api/error.h"
#include "api/models.h"

/* X(enum, name, C type) — what a call's result value points to; `name` is the
 * member of pd_result.v and the stem of the type's free function. */
#define PD_VALUE_KINDS(X)                                              \
  X(PD_VALUE_ME, me, struct pd_me)                                   \
  X(PD_VALUE_STATS, stats, struct pd_stats)                          \
  X(PD_VALUE_ACCOUNT_PAGE, account_page, struct pd_account_page)     \
  X(PD_VALUE_ACCOUNT_DETAIL, account_detail, struct pd_account_detail) \
  X(PD_VALUE_INVENTORY, inventory, struct pd_inventory)              \
  X(PD_VALUE_REQUEST_PAGE, request_page, struct pd_request_page)     \
  X(PD_VALUE_REQUEST, request, struct pd_request)                    \
  X(PD_VALUE_ERASURE_PREVIEW, erasure_preview, struct pd_erasure_preview) \
  X(PD_VALUE_EXPORT, export, struct pd_export)                       \
  X(PD_VALUE_HOLD, hold, struct pd_hold)                             \
  X(PD_VALUE_HOLD_PAGE, hold_page, struct pd_hold_page)              \
  X(PD_VALUE_AUDIT_PAGE, audit_page, struct pd_audit_page)           \
  X(PD_VALUE_AUDIT_VERIFY, audit_verify, struct pd_audit_verify)

enum pd_value_kind {
  PD_VALUE_NONE = 0,
#define PD_X(e, name, type) e,
  PD_VALUE_KINDS(PD_X)
#undef PD_X
  PD_VALUE_HEALTH, /* GET /healthz: {"status": "ok"} is checked, no value */
  PD_VALUE_COUNT
};

/* Largest body the library accepts by default (pd_client_options). */
#define PD_RESPONSE_MAX_DEFAULT ((size_t)8 << 20)

const char *pd_value_kind_name(enum pd_value_kind k);

/* Decodes `len` bytes (need not be NUL-terminated). On success returns 0 and
 * stores a new model in *out (NULL for PD_VALUE_HEALTH, which only checks
 * {"status": "ok"}); the caller frees it with pd_value_free() or the type's
 * own free function. On failure returns -1, *out = NULL, err set. */
int pd_decode(enum pd_value_kind kind, const char *buf, size_t len, void **out, struct pd_error *err);

/* Frees a value of the given kind (NULL is fine). */
void pd_value_free(enum pd_value_kind kind, void *value);

#endif
