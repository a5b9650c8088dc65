/* The request status machine (DESIGN.md section 2):
 *   new -> verifying -> in_progress <-> waiting -> completed | rejected
 * Completion only from in_progress; access and erasure need verified identity.
 * Rejection from any open state, with a non-empty reason. */
#ifndef PD_LIFECYCLE_H
#define PD_LIFECYCLE_H

#include <stdbool.h>

#include "common/vocab.h"

enum pd_verdict {
  PD_OK = 0,
  PD_NO_INVALID_TRANSITION,    /* 409 invalid_transition */
  PD_NO_IDENTITY_NOT_VERIFIED, /* 409 identity_not_verified */
  PD_NO_REASON_REQUIRED,       /* 400 invalid_input: a reason is required */
};

/* The transition endpoint's moves: to is verifying, in_progress or waiting. */
enum pd_verdict pd_check_transition(enum pd_status from, enum pd_status to);
enum pd_verdict pd_check_complete(enum pd_status status, enum pd_request_type type, bool identity_verified);
/* reason may be NULL; blank (only white space) counts as missing. */
enum pd_verdict pd_check_reject(enum pd_status status, const char *reason);
/* Identity may be verified once, while the request is open. */
enum pd_verdict pd_check_verify(enum pd_status status, bool identity_verified);
/* acknowledged_at is set when a request first leaves `new`. */
bool pd_transition_acknowledges(enum pd_status from, enum pd_status to);
/* true when s is NULL or has only white space: ASCII white space and the other
 * Unicode White_Space characters in UTF-8 (no-break space, U+2000..U+200A,
 * ideographic space, ...), so "\u00a0" is as blank as " ". */
bool pd_text_blank(const char *s);

#endif
