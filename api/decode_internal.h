/* Internal to api/: the per-resource fill functions the decoders share and
 * the clear functions the public free functions are built on. A fill
 * function decodes one JSON object into a zeroed struct; after a failure the
 * struct may be partly filled and the matching clear function releases it. */
#ifndef PD_API_DECODE_INTERNAL_H
#define PD_API_DECODE_INTERNAL_H

#include "api/decode_util.h"

#define PD_USER_MAX 128  /* bytes of a staff user name */
#define PD_EMAIL_MAX 512 /* bytes of an e-mail address */
#define PD_SHORT_MAX 512 /* labels, case references, retention texts, paths */

bool pd_fill_account(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_hold(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_request(struct pd_dec *d, json_t *o, void *out);        /* list item */
bool pd_fill_request_detail(struct pd_dec *d, json_t *o, void *out); /* with timeline */

/* Top-level fills, one per enum pd_value_kind (see decode.c). */
bool pd_fill_me(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_stats(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_account_page(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_account_detail(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_inventory(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_request_page(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_erasure_preview(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_hold_page(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_audit_page(struct pd_dec *d, json_t *o, void *out);
bool pd_fill_audit_verify(struct pd_dec *d, json_t *o, void *out);

/* "next_cursor": a string or null. */
bool pd_fill_cursor(struct pd_dec *d, json_t *o, char **out);

void pd_account_clear(struct pd_account *a);
void pd_hold_clear(struct pd_hold *h);
void pd_request_clear(struct pd_request *r);

#endif
