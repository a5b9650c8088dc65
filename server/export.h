/* The access export bundle (docs/api.md, GET /v1/requests/{id}/export). */
#ifndef PD_EXPORT_H
#define PD_EXPORT_H

#include "server/store.h"

/* Builds the bundle for a completed access request as of `now`: the account,
 * every inventory category, the account's requests and its consents. Returns
 * malloc'd JSON text (caller frees) or NULL when the store fails. */
char *export_build(struct store_conn *c, struct arena *a, const struct st_request *q, int64_t now);

#endif
