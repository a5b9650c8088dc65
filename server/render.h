/* Store rows -> the JSON representations of docs/api.md. */
#ifndef PD_RENDER_H
#define PD_RENDER_H

#include <jansson.h>

#include "server/store.h"

json_t *json_time(int64_t t);   /* RFC 3339 string, or null for 0 */
json_t *json_date(int64_t t);   /* YYYY-MM-DD of t, or null for 0 */
json_t *json_text(const char *s); /* string, or null for NULL */
/* Parses stored JSON text (details, result, categories); null when NULL or broken. */
json_t *json_stored(const char *text);

json_t *render_account(const struct st_account *a);
json_t *render_request(const struct st_request *r);
json_t *render_timeline_event(const struct st_timeline_event *e);
json_t *render_hold(const struct st_hold *h);
json_t *render_audit(const struct st_audit_entry *e);
/* holds: the account's active holds (their categories decide retained_because). */
json_t *render_inventory_row(const struct st_inventory_row *row, const struct st_hold *holds, int n_holds,
                             int64_t now);
/* true when an active hold covers the category */
bool hold_covers(const struct st_hold *h, enum pd_category c);

#endif
