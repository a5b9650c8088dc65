/* The request status machine; see lifecycle.h and DESIGN.md section 2. */
#include "server/domain/lifecycle.h"

#include <stddef.h>

static bool valid_status(enum pd_status s) { return (unsigned)s < PD_STATUS_COUNT; }

enum pd_verdict pd_check_transition(enum pd_status from, enum pd_status to) {
  /* The only moves the transition endpoint makes; completion and rejection
   * have their own checks below. */
  static const struct {
    enum pd_status from, to;
  } moves[] = {
      {PD_ST_NEW, PD_ST_VERIFYING},
      {PD_ST_VERIFYING, PD_ST_IN_PROGRESS},
      {PD_ST_IN_PROGRESS, PD_ST_WAITING},
      {PD_ST_WAITING, PD_ST_IN_PROGRESS},
  };
  for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
    if (moves[i].from == from && moves[i].to == to) return PD_OK;
  return PD_NO_INVALID_TRANSITION;
}

static bool needs_identity(enum pd_request_type type) {
  /* Handing out or destroying someone's data requires knowing it is theirs. */
  return type == PD_TYPE_ACCESS || type == PD_TYPE_ERASURE;
}

enum pd_verdict pd_check_complete(enum pd_status status, enum pd_request_type type, bool identity_verified) {
  if (status != PD_ST_IN_PROGRESS || (unsigned)type >= PD_TYPE_COUNT) return PD_NO_INVALID_TRANSITION;
  if (needs_identity(type) && !identity_verified) return PD_NO_IDENTITY_NOT_VERIFIED;
  return PD_OK;
}

enum pd_verdict pd_check_reject(enum pd_status status, const char *reason) {
  if (!valid_status(status) || !pd_status_is_open(status)) return PD_NO_INVALID_TRANSITION;
  /* GDPR Art. 12(4): a refusal must state its reasons. */
  if (pd_text_blank(reason)) return PD_NO_REASON_REQUIRED;
  return PD_OK;
}

enum pd_verdict pd_check_verify(enum pd_status status, bool identity_verified) {
  if (!valid_status(status) || !pd_status_is_open(status) || identity_verified)
    return PD_NO_INVALID_TRANSITION;
  return PD_OK;
}

bool pd_transition_acknowledges(enum pd_status from, enum pd_status to) {
  return from == PD_ST_NEW && valid_status(to) && to != PD_ST_NEW;
}

/* ---- blank text ---------------------------------------------------------- */

/* Length of the Unicode White_Space character encoded in UTF-8 at s, or 0.
 * Covers ASCII white space and the non-ASCII White_Space code points, so a
 * reason made only of no-break or ideographic spaces is still blank. */
static size_t white_space_len(const unsigned char *s) {
  switch (s[0]) {
  case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': return 1;
  case 0xC2: /* U+0085 NEL, U+00A0 NO-BREAK SPACE */
    return s[1] == 0x85 || s[1] == 0xA0 ? 2 : 0;
  case 0xE1: /* U+1680 OGHAM SPACE MARK */
    return s[1] == 0x9A && s[2] == 0x80 ? 3 : 0;
  case 0xE2:
    if (s[1] == 0x80) /* U+2000..U+200A, U+2028, U+2029, U+202F */
      return (s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF ? 3 : 0;
    return s[1] == 0x81 && s[2] == 0x9F ? 3 : 0; /* U+205F MEDIUM MATHEMATICAL SPACE */
  case 0xE3: /* U+3000 IDEOGRAPHIC SPACE */
    return s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
  default: return 0;
  }
}

bool pd_text_blank(const char *s) {
  if (s == NULL) return true;
  /* The byte checks stop at a NUL, so a truncated sequence never reads past it. */
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
    size_t n = white_space_len(p);
    if (n == 0) return false;
    p += n;
  }
  return true;
}
