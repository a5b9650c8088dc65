/* privdesk api/: the console's asynchronous C client of the privacy backend
 * (REST API v1, docs/api.md). libcurl multi + jansson; no ncurses, never
 * blocks: the caller's event loop drives it through pd_client_pollfds(),
 * pd_client_timeout_ms() and pd_client_dispatch(). See api/README.md.
 *
 * Threading: a client, its calls and intents belong to one thread (the
 * event loop's); separate clients may live in separate threads. Callbacks
 * run only inside pd_client_dispatch() (or the sync helpers built on it),
 * never inside the function that started the call.
 *
 * Calls: every endpoint function starts one call and returns its handle, or
 * NULL when memory ran out (then nothing happens and the callback is never
 * called). Any other failure, also a bad argument, is delivered through the
 * callback. The handle stays valid until the callback has returned or until
 * pd_call_cancel(); cancelling guarantees the callback is never called and
 * frees everything the call held. */
#ifndef PD_API_API_H
#define PD_API_API_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/decode.h"
#include "api/error.h"
#include "api/models.h"
#include "api/token.h"

typedef struct pd_client pd_client;
typedef struct pd_call pd_call;
typedef struct pd_intent pd_intent;

/* ---- client ---------------------------------------------------------- */

/* Zero means "default" for every field. */
struct pd_client_options {
  const char *base_url;      /* required: "https://host[:port]" (no path); a trailing "/" is fine */
  const char *ca_file;       /* PEM bundle trusted instead of the system store */
  bool insecure;             /* no TLS verification: only when explicitly asked; see pd_client_is_insecure */
  long connect_timeout_ms;   /* 5000 */
  long timeout_ms;           /* whole attempt, 30000 */
  size_t max_response_bytes; /* PD_RESPONSE_MAX_DEFAULT (8 MiB); a larger body aborts the transfer */
  int max_attempts;          /* attempts per call including the first, 4 (1 = never retry) */
  long backoff_base_ms;      /* 250: first retry after 125..250 ms, doubling */
  long backoff_max_ms;       /* 4000 */
  long retry_after_max_ms;   /* longest Retry-After waited out automatically, 10000; longer: rate_limited */
  long max_host_connections; /* 1: one kept-alive connection (HTTP/2 multiplexes, HTTP/1.1 queues) */
  bool fresh_connections;    /* a new connection per call (benchmarks only) */
};

/* Takes ownership of token (also on failure). NULL with err on failure. */
pd_client *pd_client_new(const struct pd_client_options *opts, pd_token *token, struct pd_error *err);
/* Frees the client and every call still in flight (their callbacks are not
 * called; their handles become invalid). Inside a callback the client is
 * freed when pd_client_dispatch() returns. NULL is fine. */
void pd_client_free(pd_client *c);
/* True when TLS verification is off (the console shows it in its header). */
bool pd_client_is_insecure(const pd_client *c);
const char *pd_client_base_url(const pd_client *c);
/* Calls started and not yet delivered (held sync results excluded). */
size_t pd_client_in_flight(const pd_client *c);

struct pd_client_stats {
  uint64_t calls, attempts, retries; /* calls started, HTTP attempts made, attempts that were retries */
  uint64_t connects;                 /* new connections opened */
  uint64_t bytes_received, bytes_sent; /* HTTP headers + bodies as libcurl counts them (no TCP/TLS overhead) */
};
void pd_client_get_stats(const pd_client *c, struct pd_client_stats *s);

/* Every call still in flight completes with PD_E_CANCELLED (delivered on the
 * next dispatch), e.g. when the console leaves a screen or switches server. */
void pd_client_abort_all(pd_client *c);

/* ---- event loop (struct pd_loop_source compatible: pass the client as void *) ---- */

/* Fills fds with the sockets libcurl wants watched; returns how many (<= max). */
int pd_client_pollfds(void *client, struct pollfd *fds, int max);
/* Milliseconds until the client needs pd_client_dispatch() without socket
 * activity: -1 = no timer, 0 = now (timers, retries, queued completions). */
long pd_client_timeout_ms(void *client);
/* Acts on ready sockets and due timers, then fires completed callbacks.
 * fds may contain other sources' descriptors; those are ignored. */
void pd_client_dispatch(void *client, const struct pollfd *fds, int n);
/* Runs its own poll() loop until no call is in flight (0) or timeout_ms
 * passes (-1; timeout_ms < 0 = no limit). Not from inside a callback. */
int pd_client_run_until_done(pd_client *c, long timeout_ms);

/* ---- results --------------------------------------------------------- */

struct pd_result {
  bool ok;                 /* success: value set, or not_modified */
  bool not_modified;       /* 304 to If-None-Match: no value, keep what you have */
  bool replayed;           /* Idempotent-Replayed: true (the server did not do the work again) */
  enum pd_value_kind kind; /* what the call returns */
  union {                  /* the decoded value (NULL on error / not modified) */
    void *any;
#define PD_X(e, name, type) type *name;
    PD_VALUE_KINDS(PD_X)
#undef PD_X
  } v;
  long http_status;               /* last HTTP status, 0 without a response */
  char etag[PD_ERROR_ETAG_MAX];   /* the response's ETag (send it as If-None-Match next time), "" if none */
  int attempts;                   /* HTTP attempts made */
  long new_connections;           /* connections this call had to open (0: a kept-alive one was reused) */
  struct pd_error error;          /* kind PD_E_NONE when ok */
};

/* The callback gets the result for the duration of the call: the library
 * frees it (and its value) when the callback returns, unless the callback
 * takes the value with pd_result_take(). */
typedef void (*pd_callback)(struct pd_result *res, void *userdata);
/* Transfers ownership of res->v to the caller (free it with the type's
 * free function) and returns it; the result no longer refers to it. */
void *pd_result_take(struct pd_result *res);
/* Frees a result returned by pd_call_wait() (and its value, unless taken). */
void pd_result_free(struct pd_result *res);

/* Cancels a call: the callback is never called, everything is freed. NULL,
 * or a call whose callback is running, is a no-op. */
void pd_call_cancel(pd_call *call);
/* Synchronous use (tests, scripting): start a call with a NULL callback and
 * wait for it here; runs the client's own poll() loop (other calls progress
 * and their callbacks fire meanwhile). Consumes the call; never returns
 * NULL (NULL call = "could not start": a PD_E_LOCAL result). */
struct pd_result *pd_call_wait(pd_client *c, pd_call *call);

/* ---- write intents ----------------------------------------------------- */

/* One per user action: an Idempotency-Key of 32 random bytes (getrandom,
 * base64url) created once and reused whenever the same action is sent
 * again. The first write started with an intent binds it to that request
 * (method, path, body, If-Match); later writes with the same intent must be
 * the same request (else an invalid_input error is delivered), and
 * pd_intent_resubmit() sends it again. A replayed response has
 * res->replayed set. Calls copy what they need: an intent may be freed while
 * its call is in flight. Wherever an intent is taken, NULL means a one-off
 * key for this call only. */
#define PD_IDEMPOTENCY_KEY_MAX 128
pd_intent *pd_intent_new(void); /* NULL: no memory or no randomness */
/* An intent with a given key (1..128 printable ASCII), e.g. a console that
 * keeps a draft's key across restarts. NULL when invalid. */
pd_intent *pd_intent_from_key(const char *key);
const char *pd_intent_key(const pd_intent *in);
bool pd_intent_is_bound(const pd_intent *in);
/* Sends the bound request again (with its key). An unbound intent delivers
 * invalid_input. */
pd_call *pd_intent_resubmit(pd_client *c, pd_intent *in, pd_callback cb, void *userdata);
void pd_intent_free(pd_intent *in);

/* ---- endpoints --------------------------------------------------------- */
/* Reads take the ETag the caller holds as if_none_match (NULL: none); a 304
 * arrives as ok + not_modified. Writes take the version the resource was
 * read at (sent as If-Match "<version>"; PD_NO_VERSION sends none, which
 * the server answers with precondition_required where it needs one). */
#define PD_NO_VERSION ((int64_t)-1)

enum pd_flag { PD_FLAG_UNSET = 0, PD_FLAG_TRUE, PD_FLAG_FALSE };

struct pd_account_query {
  const char *q; /* id, e-mail prefix or name substring; NULL = all */
  int limit;     /* 1..200, 0 = server default (50) */
  const char *cursor;
};

enum pd_sort { PD_SORT_DEFAULT = 0, PD_SORT_DUE_AT, PD_SORT_DUE_AT_DESC, PD_SORT_RECEIVED_AT, PD_SORT_RECEIVED_AT_DESC };

struct pd_request_query {
  unsigned statuses;    /* bits 1u << enum pd_status; 0 = any */
  unsigned types;       /* bits 1u << enum pd_request_type; 0 = any */
  const char *assignee; /* "me", "none", a user name, or NULL */
  enum pd_flag urgent;  /* TRUE: priority=urgent, FALSE: priority=normal */
  enum pd_flag overdue;
  int64_t due_before;   /* 0 = none */
  const char *account_id, *q;
  enum pd_sort sort;
  int limit;
  const char *cursor;
};

enum pd_hold_filter { PD_HOLDS_ANY = 0, PD_HOLDS_ACTIVE, PD_HOLDS_RELEASED };
struct pd_hold_query {
  enum pd_hold_filter status;
  const char *account_id;
  int limit;
  const char *cursor;
};

struct pd_audit_query {
  const char *account_id, *actor, *action;
  int limit;
  const char *cursor;
};

struct pd_account_patch {
  enum pd_flag analytics_enabled, marketing_consent; /* at least one set */
  const char *reason;                                /* 1..500 characters */
};

struct pd_new_request {
  const char *account_id;
  enum pd_request_type type;
  enum pd_field field;           /* rectification: which field ... */
  const char *value;             /* ... and its new value */
  enum pd_processing processing; /* objection */
  enum pd_flag urgent;           /* UNSET: server default (normal) */
  int64_t received_at;           /* 0: now */
  bool has_regime;               /* false: from the account's jurisdiction */
  enum pd_regime regime;
};

struct pd_new_hold {
  const char *reason, *case_ref;
  bool all_categories; /* ["*"] */
  const enum pd_category *categories;
  size_t n_categories;
};

/* GET /healthz (no token needed; no value) */
pd_call *pd_get_health(pd_client *c, pd_callback cb, void *ud);
/* GET /v1/me -> v.me */
pd_call *pd_get_me(pd_client *c, const char *if_none_match, pd_callback cb, void *ud);
/* GET /v1/stats -> v.stats */
pd_call *pd_get_stats(pd_client *c, const char *if_none_match, pd_callback cb, void *ud);
/* GET /v1/accounts -> v.account_page */
pd_call *pd_list_accounts(pd_client *c, const struct pd_account_query *q, const char *if_none_match,
                          pd_callback cb, void *ud);
/* GET /v1/accounts/{id} -> v.account_detail */
pd_call *pd_get_account(pd_client *c, const char *id, const char *if_none_match, pd_callback cb, void *ud);
/* PATCH /v1/accounts/{id} (If-Match) -> v.account_detail */
pd_call *pd_update_account(pd_client *c, const char *id, int64_t version, pd_intent *in,
                           const struct pd_account_patch *p, pd_callback cb, void *ud);
/* GET /v1/accounts/{id}/inventory -> v.inventory */
pd_call *pd_get_inventory(pd_client *c, const char *id, const char *if_none_match, pd_callback cb, void *ud);
/* GET /v1/requests -> v.request_page */
pd_call *pd_list_requests(pd_client *c, const struct pd_request_query *q, const char *if_none_match,
                          pd_callback cb, void *ud);
/* POST /v1/requests -> v.request */
pd_call *pd_create_request(pd_client *c, pd_intent *in, const struct pd_new_request *r, pd_callback cb, void *ud);
/* GET /v1/requests/{id} -> v.request (with timeline) */
pd_call *pd_get_request(pd_client *c, const char *id, const char *if_none_match, pd_callback cb, void *ud);
/* POST /v1/requests/{id}/assign (If-Match); assignee NULL unassigns -> v.request */
pd_call *pd_assign_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *assignee,
                           pd_callback cb, void *ud);
/* POST /v1/requests/{id}/transition (If-Match); to: verifying, in_progress, waiting; reason may be NULL */
pd_call *pd_transition_request(pd_client *c, const char *id, int64_t version, pd_intent *in, enum pd_status to,
                               const char *reason, pd_callback cb, void *ud);
/* POST /v1/requests/{id}/verify (If-Match) -> v.request */
pd_call *pd_verify_identity(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *method,
                            const char *note, pd_callback cb, void *ud);
/* POST /v1/requests/{id}/extend (If-Match) -> v.request */
pd_call *pd_extend_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                           pd_callback cb, void *ud);
/* POST /v1/requests/{id}/notes -> v.request */
pd_call *pd_add_note(pd_client *c, const char *id, pd_intent *in, const char *text, pd_callback cb, void *ud);
/* GET /v1/requests/{id}/erasure-preview -> v.erasure_preview */
pd_call *pd_get_erasure_preview(pd_client *c, const char *id, const char *if_none_match, pd_callback cb,
                                void *ud);
/* POST /v1/requests/{id}/complete (If-Match); confirm: the account e-mail for erasure, else NULL -> v.request */
pd_call *pd_complete_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *confirm,
                             pd_callback cb, void *ud);
/* POST /v1/requests/{id}/reject (If-Match) -> v.request */
pd_call *pd_reject_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                           pd_callback cb, void *ud);
/* GET /v1/requests/{id}/export -> v.export (save with pd_export_save) */
pd_call *pd_get_export(pd_client *c, const char *id, const char *if_none_match, pd_callback cb, void *ud);
/* GET /v1/holds -> v.hold_page */
pd_call *pd_list_holds(pd_client *c, const struct pd_hold_query *q, const char *if_none_match, pd_callback cb,
                       void *ud);
/* GET /v1/holds/{id} -> v.hold */
pd_call *pd_get_hold(pd_client *c, const char *id, const char *if_none_match, pd_callback cb, void *ud);
/* POST /v1/accounts/{id}/holds -> v.hold */
pd_call *pd_place_hold(pd_client *c, const char *account_id, pd_intent *in, const struct pd_new_hold *h,
                       pd_callback cb, void *ud);
/* POST /v1/holds/{id}/release (If-Match optional: PD_NO_VERSION) -> v.hold */
pd_call *pd_release_hold(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                         pd_callback cb, void *ud);
/* GET /v1/audit -> v.audit_page */
pd_call *pd_list_audit(pd_client *c, const struct pd_audit_query *q, const char *if_none_match, pd_callback cb,
                       void *ud);
/* GET /v1/audit/verify -> v.audit_verify */
pd_call *pd_verify_audit(pd_client *c, const char *if_none_match, pd_callback cb, void *ud);

/* libcurl's global set-up; pd_client_new calls it too. Call it once at
 * start-up before any thread exists if clients are used from threads. */
int pd_global_init(void);

#endif
