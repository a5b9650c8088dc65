#include "api/error.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vocab.h"

static const char *const kind_names[PD_E_COUNT] = {
#define PD_X(e, name) [e] = name,
    PD_ERROR_KINDS(PD_X)
#undef PD_X
};

static const char *const sentences[PD_E_COUNT] = {
    [PD_E_NONE] = "done",
    [PD_E_OFFLINE] = "offline: the server does not answer",
    [PD_E_TIMEOUT] = "the server took too long to answer",
    [PD_E_TLS] = "secure connection failed: the server's certificate was not accepted",
    [PD_E_UNAUTHENTICATED] = "not signed in: the token is missing, wrong or revoked",
    [PD_E_FORBIDDEN] = "your role does not allow this",
    [PD_E_NOT_FOUND] = "not found: it may have been removed",
    [PD_E_INVALID_TRANSITION] = "not possible in its current state — reload",
    [PD_E_HOLD_ACTIVE] = "a dispute hold blocks this",
    [PD_E_ALREADY_EXTENDED] = "the deadline was already extended once",
    [PD_E_IDENTITY_NOT_VERIFIED] = "verify the requester's identity first",
    [PD_E_CONFIRMATION_MISMATCH] = "the confirmation does not match the account's e-mail",
    [PD_E_IDEMPOTENCY_KEY_REUSED] = "this action was already sent with other content — start it again",
    [PD_E_INVALID_INPUT] = "the server refused the input",
    [PD_E_PAYLOAD_TOO_LARGE] = "too large for the server",
    [PD_E_PRECONDITION_FAILED] = "changed by someone else — reload",
    [PD_E_PRECONDITION_REQUIRED] = "the server needs the version this was read at — reload",
    [PD_E_RATE_LIMITED] = "too many requests: wait a moment",
    [PD_E_SERVER] = "the server failed — try again later",
    [PD_E_BAD_RESPONSE] = "the server sent an answer the console does not understand",
    [PD_E_CANCELLED] = "cancelled",
    [PD_E_LOCAL] = "the console could not send the request",
};

const char *pd_error_kind_name(enum pd_error_kind k) {
  return (unsigned)k < PD_E_COUNT ? kind_names[k] : "?";
}

const char *pd_error_kind_sentence(enum pd_error_kind k) {
  return (unsigned)k < PD_E_COUNT ? sentences[k] : "unknown error";
}

static enum pd_error_kind kind_from_status(long status) {
  switch (status) {
  case 401: return PD_E_UNAUTHENTICATED;
  case 403: return PD_E_FORBIDDEN;
  case 404: return PD_E_NOT_FOUND;
  case 409: return PD_E_INVALID_TRANSITION;
  case 412: return PD_E_PRECONDITION_FAILED;
  case 413: return PD_E_PAYLOAD_TOO_LARGE;
  case 428: return PD_E_PRECONDITION_REQUIRED;
  case 429: return PD_E_RATE_LIMITED;
  default: break;
  }
  if (status >= 500 && status <= 599) return PD_E_SERVER;
  if (status >= 400 && status <= 499) return PD_E_INVALID_INPUT;
  return PD_E_BAD_RESPONSE;
}

enum pd_error_kind pd_error_kind_from_problem(const char *code, long http_status) {
  switch (pd_error_code_parse(code)) {
  case PD_ERR_INVALID_INPUT: return PD_E_INVALID_INPUT;
  case PD_ERR_UNAUTHENTICATED: return PD_E_UNAUTHENTICATED;
  case PD_ERR_FORBIDDEN: return PD_E_FORBIDDEN;
  case PD_ERR_NOT_FOUND: return PD_E_NOT_FOUND;
  case PD_ERR_INVALID_TRANSITION: return PD_E_INVALID_TRANSITION;
  case PD_ERR_HOLD_ACTIVE: return PD_E_HOLD_ACTIVE;
  case PD_ERR_ALREADY_EXTENDED: return PD_E_ALREADY_EXTENDED;
  case PD_ERR_IDENTITY_NOT_VERIFIED: return PD_E_IDENTITY_NOT_VERIFIED;
  case PD_ERR_CONFIRMATION_MISMATCH: return PD_E_CONFIRMATION_MISMATCH;
  case PD_ERR_PRECONDITION_FAILED: return PD_E_PRECONDITION_FAILED;
  case PD_ERR_PRECONDITION_REQUIRED: return PD_E_PRECONDITION_REQUIRED;
  case PD_ERR_IDEMPOTENCY_KEY_REUSED: return PD_E_IDEMPOTENCY_KEY_REUSED;
  case PD_ERR_RATE_LIMITED: return PD_E_RATE_LIMITED;
  case PD_ERR_PAYLOAD_TOO_LARGE: return PD_E_PAYLOAD_TOO_LARGE;
  case PD_ERR_INTERNAL: return PD_E_SERVER;
  default: return kind_from_status(http_status);
  }
}

/* Replaces every byte that is not part of a complete, valid UTF-8 sequence
 * with '?', so truncated copies never end in half a character. */
static void utf8_repair(char *s) {
  unsigned char *p = (unsigned char *)s;
  while (*p) {
    size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
    bool ok = n > 0;
    for (size_t i = 1; ok && i < n; i++) ok = (p[i] & 0xC0) == 0x80;
    if (ok && n == 2) ok = *p >= 0xC2;
    if (ok && n == 3) ok = !(*p == 0xE0 && p[1] < 0xA0) && !(*p == 0xED && p[1] >= 0xA0);
    if (ok && n == 4) ok = *p <= 0xF4 && !(*p == 0xF0 && p[1] < 0x90) && !(*p == 0xF4 && p[1] >= 0x90);
    if (!ok) {
      *p++ = '?';
      continue;
    }
    p += n;
  }
}

/* Drops an incomplete sequence at the end (left by a cut), then repairs. */
static void utf8_clean(char *s) {
  size_t n = strlen(s), i = n, back = 0;
  while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--, back++;
  if (i > 0 && (unsigned char)s[i - 1] >= 0xC0) {
    unsigned char lead = (unsigned char)s[i - 1];
    size_t want = (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
    if (want && back + 1 < want) s[i - 1] = '\0';
  }
  utf8_repair(s);
}

static void copy_capped(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
  utf8_clean(dst);
}

void pd_error_clear(struct pd_error *e) {
  memset(e, 0, sizeof *e);
  e->kind = PD_E_NONE;
  e->retry_after_s = -1;
}

void pd_error_set(struct pd_error *e, enum pd_error_kind kind, const char *fmt, ...) {
  e->kind = kind;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  utf8_clean(e->message);
}

void pd_error_from_problem(struct pd_error *e, long http_status, const char *body, size_t len,
                           const char *etag) {
  pd_error_clear(e);
  e->http_status = http_status;
  json_t *root = body && len ? json_loadb(body, len, 0, NULL) : NULL;
  const char *code = NULL;
  if (json_is_object(root)) {
    code = json_string_value(json_object_get(root, "code"));
    copy_capped(e->code, sizeof e->code, code);
    copy_capped(e->title, sizeof e->title, json_string_value(json_object_get(root, "title")));
    copy_capped(e->detail, sizeof e->detail, json_string_value(json_object_get(root, "detail")));
  }
  e->kind = pd_error_kind_from_problem(code, http_status);
  if (etag) copy_capped(e->etag, sizeof e->etag, etag);
  snprintf(e->message, sizeof e->message, "HTTP %ld%s%s", http_status, e->code[0] ? " " : "", e->code);
  utf8_clean(e->message);
  json_decref(root);
}

int pd_etag_version(const char *etag, long long *version) {
  if (!etag || etag[0] != '"') return -1;
  const char *p = etag + 1;
  long long v = 0;
  if (*p < '0' || *p > '9') return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (1LL << 53) / 10) return -1;
    v = v * 10 + (*p - '0');
  }
  if (p[0] != '"' || p[1] != '\0') return -1;
  *version = v;
  return 0;
}
