/* Typed models of the privdesk REST API v1 (docs/api.md), as the decoders
 * in api/decode*.c produce them.
 *
 * Ownership: every top-level model is one heap object returned by a decoder
 * (or taken from a call's result) and released with exactly one function,
 * pd_<type>_free(), which frees it and everything it points to and accepts
 * NULL. Nested values (list items, timeline events, inventory rows, audit
 * entries, holds and requests embedded in an account detail) belong to their
 * container: never free them on their own, copy what must outlive it.
 *
 * Conventions: strings are NUL-terminated UTF-8 (validated, NUL-free) and
 * untrusted — sanitise before display. A string the contract allows to be
 * null is NULL then; a time that may be null is PD_TIME_NONE. Counts and
 * versions are int64_t >= 0. Enums come from common/vocab.h; a value outside
 * the shared vocabulary is rejected by the decoder (bad_response), unknown
 * JSON fields are ignored. */
#ifndef PD_API_MODELS_H
#define PD_API_MODELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/error.h"
#include "api/rfc3339.h"
#include "common/vocab.h"

/* Limits the decoders enforce (beyond them: bad_response). */
#define PD_PAGE_MAX 200            /* items of one list page */
#define PD_ACCOUNT_REQUESTS_MAX 50 /* open requests embedded in an account detail */
#define PD_TIMELINE_MAX 10000      /* events of one request */
#define PD_SMALL_LIST_MAX 64       /* systems, recipients, because, categories, buckets */
#define PD_ID_MAX 64               /* bytes of an id, user name, cursor-free token */
#define PD_TEXT_MAX 16384          /* bytes of a free text (reason, note, name) */
#define PD_CURSOR_MAX 1024
#define PD_HASH_HEX 64

/* A list of strings (systems, recipients, retained_because, ...). */
struct pd_strings {
  char **v;
  size_t n;
};

/* GET /v1/me */
struct pd_me {
  char *user;
  enum pd_role role;
  int64_t server_time;
};
void pd_me_free(struct pd_me *me);

/* GET /v1/stats */
struct pd_days_left {
  char *bucket; /* "overdue", "today", "1-3d", ... as sent, in the order sent */
  int64_t count;
};
struct pd_stats {
  int64_t by_status[PD_STATUS_COUNT]; /* the open.* and closed.* counts */
  int64_t open_total, overdue, due_within_7_days, urgent, unassigned, mine;
  struct pd_days_left *by_days_left;
  size_t n_by_days_left;
  int64_t generated_at;
};
void pd_stats_free(struct pd_stats *s);

/* Account (list item and the core of the detail) */
struct pd_account {
  char *id, *email, *name;
  enum pd_account_status status;
  enum pd_jurisdiction jurisdiction;
  int64_t created_at;
  int64_t closed_at; /* PD_TIME_NONE */
  bool is_minor, analytics_enabled, marketing_consent;
  int64_t marketing_consent_at; /* PD_TIME_NONE */
  int64_t active_holds, open_requests, version, updated_at;
};

/* Hold (GET /v1/holds/{id}, list items, embedded in the account detail) */
struct pd_hold {
  char *id, *account_id, *reason, *case_ref;
  bool all_categories; /* ["*"]; then categories is empty */
  enum pd_category *categories;
  size_t n_categories;
  char *placed_by;
  int64_t placed_at;
  enum pd_hold_status status;
  char *released_by;    /* NULL while active */
  int64_t released_at;  /* PD_TIME_NONE while active */
  char *release_reason; /* NULL while active */
  int64_t version;
};
void pd_hold_free(struct pd_hold *h);

/* Request details (rectification and objection only) */
enum pd_details_kind { PD_DETAILS_NONE, PD_DETAILS_RECTIFICATION, PD_DETAILS_OBJECTION };
enum pd_field { PD_FIELD_NAME, PD_FIELD_EMAIL };
enum pd_processing { PD_PROCESSING_ANALYTICS, PD_PROCESSING_MARKETING };
struct pd_request_details {
  enum pd_details_kind kind;
  enum pd_field field;           /* rectification */
  char *value;                   /* rectification: the new value */
  enum pd_processing processing; /* objection */
};

/* A category an erasure kept, and why. */
struct pd_retained {
  enum pd_category key;
  struct pd_strings because; /* "hold:hld_…", "legal:tax" */
  int64_t until;             /* a date (00:00Z) or PD_TIME_NONE */
};

/* The result of a closed request; kind follows status and type. */
enum pd_outcome_kind {
  PD_OUTCOME_NONE, /* open request: "result": null */
  PD_OUTCOME_ACCESS,
  PD_OUTCOME_RECTIFICATION,
  PD_OUTCOME_OBJECTION,
  PD_OUTCOME_ERASURE,
  PD_OUTCOME_REJECTED
};
struct pd_outcome {
  enum pd_outcome_kind kind;
  struct {
    char *export_path; /* "/v1/requests/{id}/export" */
    int64_t categories, bytes;
  } access;
  struct {
    enum pd_field field;
  } rectification;
  struct {
    enum pd_processing processing;
    bool switched_off;
  } objection;
  struct {
    enum pd_category *erased;
    size_t n_erased;
    struct pd_retained *retained;
    size_t n_retained;
    enum pd_account_status account_status;
  } erasure;
  struct {
    char *reason;
  } rejected;
};

/* Timeline events, oldest first */
#define PD_EVENT_KINDS(X)                                                                \
  X(PD_EV_CREATED, "created") X(PD_EV_ASSIGNED, "assigned") X(PD_EV_TRANSITION, "transition") \
  X(PD_EV_VERIFIED, "verified") X(PD_EV_EXTENDED, "extended") X(PD_EV_NOTE, "note")       \
  X(PD_EV_COMPLETED, "completed") X(PD_EV_REJECTED, "rejected")
enum pd_event_kind {
#define PD_X(e, name) e,
  PD_EVENT_KINDS(PD_X)
#undef PD_X
  PD_EVENT_KIND_COUNT
};
const char *pd_event_kind_name(enum pd_event_kind k);
int pd_event_kind_parse(const char *s);

struct pd_event {
  int64_t at;
  char *actor;
  enum pd_event_kind kind;
  char *text;        /* may be NULL */
  int from, to;      /* enum pd_status for transitions (required there), else -1 when absent */
  bool has_assignee; /* assignments: assignee present (NULL = unassigned) */
  char *assignee;
};

/* Request (list item; the detail adds the timeline) */
struct pd_request {
  char *id, *account_id, *account_email, *account_name;
  enum pd_request_type type;
  enum pd_regime regime;
  enum pd_status status;
  enum pd_priority priority;
  int64_t received_at, due_at;
  bool extended;
  char *extension_reason; /* NULL unless extended */
  char *assignee;         /* NULL = unassigned */
  bool identity_verified;
  char *identity_method;   /* NULL until verified */
  int64_t acknowledged_at; /* PD_TIME_NONE while new */
  int64_t ack_due_at;      /* PD_TIME_NONE unless CCPA */
  int64_t status_since;
  struct pd_request_details details;
  struct pd_outcome result;
  int64_t version, updated_at;
  bool has_timeline; /* true for the detail */
  struct pd_event *timeline;
  size_t n_timeline;
};
void pd_request_free(struct pd_request *r);

/* GET /v1/accounts/{id} (also PATCH's answer) */
struct pd_account_detail {
  struct pd_account account;
  struct pd_hold *holds; /* the active holds */
  size_t n_holds;
  struct pd_request *requests; /* open requests, by due date, at most 50 */
  size_t n_requests;
};
void pd_account_detail_free(struct pd_account_detail *a);

/* Inventory: one row per category, in the fixed order */
struct pd_inventory_row {
  enum pd_category key;
  char *group, *label;
  int64_t records, bytes;
  int64_t oldest, newest; /* PD_TIME_NONE when records is 0 */
  struct pd_strings systems, recipients;
  char *legal_basis, *retention;
  int64_t retained_until; /* a date (00:00Z) or PD_TIME_NONE */
  enum pd_inventory_state state;
  struct pd_strings retained_because;
};
struct pd_inventory {
  char *account_id;
  struct pd_inventory_row *items;
  size_t count;
};
void pd_inventory_free(struct pd_inventory *inv);

/* GET /v1/requests/{id}/erasure-preview */
struct pd_preview_item {
  enum pd_category key;
  char *label;
  int64_t records, bytes;
  struct pd_strings because; /* retain only */
  int64_t until;             /* retain only: a date or PD_TIME_NONE */
};
struct pd_erasure_preview {
  char *request_id, *account_id;
  char *confirm; /* the e-mail the agent must type */
  struct pd_preview_item *erase, *retain;
  size_t n_erase, n_retain;
  enum pd_account_status account_status_after;
  bool blocked;
};
void pd_erasure_preview_free(struct pd_erasure_preview *p);

/* Audit log */
struct pd_audit_entry {
  int64_t seq, at;
  char *actor, *action;
  char *target;       /* may be NULL */
  char *account_id;   /* may be NULL */
  char *details_json; /* the details object as compact JSON text ("{}" at least) */
  char prev_hash[PD_HASH_HEX + 1], hash[PD_HASH_HEX + 1];
};
struct pd_audit_verify {
  bool ok;
  int64_t entries;
  char head[PD_HASH_HEX + 1]; /* "" for an empty log */
  int64_t first_bad_seq;      /* when !ok; else 0 */
};
void pd_audit_verify_free(struct pd_audit_verify *v);

/* List pages: items plus the cursor of the next page (NULL on the last). */
struct pd_account_page {
  struct pd_account *items;
  size_t count;
  char *next_cursor;
};
struct pd_request_page {
  struct pd_request *items;
  size_t count;
  char *next_cursor;
};
struct pd_hold_page {
  struct pd_hold *items;
  size_t count;
  char *next_cursor;
};
struct pd_audit_page {
  struct pd_audit_entry *items;
  size_t count;
  char *next_cursor;
};
void pd_account_page_free(struct pd_account_page *p);
void pd_request_page_free(struct pd_request_page *p);
void pd_hold_page_free(struct pd_hold_page *p);
void pd_audit_page_free(struct pd_audit_page *p);

/* GET /v1/requests/{id}/export: kept as the raw JSON text the server sent
 * (validated: a JSON object with "format": "privdesk-export/1"). */
struct pd_export {
  char *json; /* NUL-terminated */
  size_t len;
  char *request_id;
};
void pd_export_free(struct pd_export *e);
/* Writes the bundle to `path` with mode 0600 (it holds personal data):
 * through a temporary file in the same directory, fsync'd and renamed, so a
 * failure never leaves a half-written file. Blocking file I/O. Returns 0, or
 * -1 with err set (PD_E_LOCAL, message naming the step and errno). */
int pd_export_save(const struct pd_export *e, const char *path, struct pd_error *err);

#endif
