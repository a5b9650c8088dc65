/* Helpers shared by the write handlers: the audit entry every write appends,
 * timeline events, and loading the resources a write works on. */
#ifndef PD_SERVICE_H
#define PD_SERVICE_H

#include "server/http.h"

/* Appends an audit entry (steals details, which may be NULL). 0 or a problem. */
int audit(struct req *r, const char *action, const char *target, const char *account_id, json_t *details);
/* Adds a timeline event to a request. 0 or a problem. */
int timeline(struct req *r, int64_t request_rowid, const char *kind, const char *text, const char *from,
             const char *to, const char *assignee);

/* Compact JSON text of v (stolen) in the request's arena; NULL when v is NULL. */
const char *arena_json(struct req *r, json_t *v);

/* Loads the {id} path parameter as a request / account / hold, or fills a 404. */
int load_request(struct req *r, struct st_request *out);
int load_account(struct req *r, const char *id, struct st_account *out);
int load_hold(struct req *r, struct st_hold *out);

/* The account's active holds (at most cap). */
int active_holds(struct req *r, int64_t account_rowid, struct st_hold **holds, int *n);

/* The request detail (with timeline) as the response, with its ETag. */
int reply_request(struct req *r, int status, const char *id);
/* The account detail (with holds and open requests) as the response. */
int reply_account(struct req *r, int status, const char *id);

#endif
