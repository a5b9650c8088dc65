/* The one error type of the api/ library: every failure of a call, of a
 * decoder or of loading a token is a struct pd_error whose kind comes from
 * enum pd_error_kind. A pd_error is a plain value (fixed-size, capped text
 * fields): copy it freely, it owns nothing and needs no free function. */
#ifndef PD_API_ERROR_H
#define PD_API_ERROR_H

#include <stddef.h>

/* X(enum, name) — `name` is the problem `code` where the server has one. */
#define PD_ERROR_KINDS(X)                                                    \
  X(PD_E_NONE, "none")                                                       \
  X(PD_E_OFFLINE, "offline")               /* no connection / reset */       \
  X(PD_E_TIMEOUT, "timeout")               /* connect or total timeout */    \
  X(PD_E_TLS, "tls")                       /* handshake or verification */   \
  X(PD_E_UNAUTHENTICATED, "unauthenticated")                                 \
  X(PD_E_FORBIDDEN, "forbidden")                                             \
  X(PD_E_NOT_FOUND, "not_found")                                             \
  X(PD_E_INVALID_TRANSITION, "invalid_transition")                           \
  X(PD_E_HOLD_ACTIVE, "hold_active")                                         \
  X(PD_E_ALREADY_EXTENDED, "already_extended")                               \
  X(PD_E_IDENTITY_NOT_VERIFIED, "identity_not_verified")                     \
  X(PD_E_CONFIRMATION_MISMATCH, "confirmation_mismatch")                     \
  X(PD_E_IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused")                   \
  X(PD_E_INVALID_INPUT, "invalid_input")  /* server 400/415/422, or a bad argument */ \
  X(PD_E_PAYLOAD_TOO_LARGE, "payload_too_large")                             \
  X(PD_E_PRECONDITION_FAILED, "precondition_failed") /* 412: see etag */     \
  X(PD_E_PRECONDITION_REQUIRED, "precondition_required")                     \
  X(PD_E_RATE_LIMITED, "rate_limited")     /* 429: see retry_after_s */      \
  X(PD_E_SERVER, "server")                 /* 5xx, `internal` */             \
  X(PD_E_BAD_RESPONSE, "bad_response")     /* undecodable or oversized */    \
  X(PD_E_CANCELLED, "cancelled")           /* pd_client_abort_all() */       \
  X(PD_E_LOCAL, "local")                   /* out of memory, curl set-up, no randomness */

enum pd_error_kind {
#define PD_X(e, name) e,
  PD_ERROR_KINDS(PD_X)
#undef PD_X
  PD_E_COUNT
};

/* Caps on the text copied from a response (bytes including the NUL; longer
 * text is cut at a UTF-8 character boundary). */
#define PD_ERROR_CODE_MAX 48
#define PD_ERROR_TITLE_MAX 160
#define PD_ERROR_DETAIL_MAX 512
#define PD_ERROR_ETAG_MAX 80
#define PD_ERROR_MESSAGE_MAX 256

struct pd_error {
  enum pd_error_kind kind;
  long http_status;                  /* 0 when no HTTP response was received */
  char code[PD_ERROR_CODE_MAX];      /* problem `code` as received, "" if none */
  char title[PD_ERROR_TITLE_MAX];    /* problem `title` (untrusted text: sanitise before display) */
  char detail[PD_ERROR_DETAIL_MAX];  /* problem `detail` (untrusted text) */
  char etag[PD_ERROR_ETAG_MAX];      /* 412: the current ETag as sent, e.g. "\"8\"" */
  long retry_after_s;                /* 429: Retry-After in seconds, -1 unknown */
  /* The library's own explanation: for bad_response the field path and what
   * is wrong ("items[3].status: unknown value"), for transport errors curl's
   * message. Never contains the token. */
  char message[PD_ERROR_MESSAGE_MAX];
};

/* "precondition_failed" etc.; "?" for an out-of-range kind. */
const char *pd_error_kind_name(enum pd_error_kind k);
/* A short sentence for the status line, e.g. "changed by someone else — reload". */
const char *pd_error_kind_sentence(enum pd_error_kind k);
/* Maps a problem `code` to a kind; falls back to the HTTP status when the
 * code is NULL or unknown. `internal` and 5xx map to PD_E_SERVER. */
enum pd_error_kind pd_error_kind_from_problem(const char *code, long http_status);

/* Resets to kind PD_E_NONE with empty text. */
void pd_error_clear(struct pd_error *e);
/* Sets kind and a printf-style message (truncated at a character boundary). */
void pd_error_set(struct pd_error *e, enum pd_error_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills e from an error response: kind from the problem's code (or the
 * status), code/title/detail capped. A body that is not a problem object
 * leaves those empty; it never fails. `etag` may be NULL. */
void pd_error_from_problem(struct pd_error *e, long http_status, const char *body, size_t len,
                           const char *etag);

/* Parses an ETag of the form "\"<digits>\"" (as sent for versioned
 * resources) into a version. Returns 0 on success, -1 otherwise. */
int pd_etag_version(const char *etag, long long *version);

#endif
