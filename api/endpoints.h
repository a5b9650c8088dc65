/* Internal to api/: helpers shared by endpoints.c (reads) and
 * endpoints_write.c (writes). */
#ifndef PD_API_ENDPOINTS_H
#define PD_API_ENDPOINTS_H

#include "api/internal.h"

/* An id the caller passes: non-empty, at most PD_ID_MAX bytes (escaped in the path). */
bool pd_ep_id_ok(const char *id);
/* The invalid_input call for a bad id. */
pd_call *pd_ep_bad_id(pd_client *c, enum pd_value_kind kind, pd_callback cb, void *ud);
/* prefix + escaped id + suffix. */
void pd_ep_resource(struct pd_buf *b, const char *prefix, const char *id, const char *suffix);

#endif
