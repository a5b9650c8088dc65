/* Bulk take/assign on the queue's marked rows: one write per request, each
 * with its own idempotency intent and the version it was listed at, sent
 * together; the outcome of every row is reported when the last one answers. */
#ifndef PD_SCREENS_BULK_H
#define PD_SCREENS_BULK_H

#include <stdbool.h>

#include "screens/console.h"

#define BULK_MAX 200
/* Replies of bulk writes use fetch kinds from here up. */
#define BULK_KIND_BASE 1000

struct bulk;

struct bulk *bulk_new(struct console *con, struct pd_screen *owner);
void bulk_free(struct bulk *b);
/* Assigns every target to assignee (NULL: unassign). Ignored while a bulk
 * action is still running (a message says so). */
void bulk_start(struct bulk *b, const struct pd_request *const *targets, size_t n, const char *assignee);
bool bulk_owns_reply(const struct bulk *b, const struct reply *r);
/* Consumes a reply; when it was the last, reports per row. Returns reactions. */
unsigned bulk_reply(struct bulk *b, struct reply *r);
/* True right after the last reply of a run arrived. */
bool bulk_done(const struct bulk *b);

#endif
