/* The accounts and queue pages written as JSON text directly: the same bytes
 * as json_dumps(JSON_COMPACT) of render_account / render_request, without
 * building a jansson tree per row (that was a third of a page's cost).
 * render.c stays the reference for single objects; tests/unit/test_render_list.c
 * proves both agree, field by field, on hostile rows. */
#ifndef PD_RENDER_LIST_H
#define PD_RENDER_LIST_H

#include <stddef.h>

#include "server/http.h"
#include "server/store.h"

/* {"items":[...],"next_cursor":...} as json_dumps(..., JSON_COMPACT) of the
 * tree the handlers built before; next_cursor NULL gives null. A row that
 * render_account / render_request cannot build (a string that is not valid
 * UTF-8) is left out, as json_array_append_new of NULL did. Returns malloc'd
 * text (length in *len), or NULL when out of memory (or when next_cursor is
 * not valid UTF-8: json_pack of the whole page failed then). */
char *render_accounts_page(const struct st_account *items, int n, const char *next_cursor, size_t *len);
char *render_requests_page(const struct st_request *items, int n, const char *next_cursor, size_t *len);

/* A 200 application/json answer with the page as its ready body (copied
 * into the request's arena; text is freed). A NULL text answers 500, as
 * reply_json does for a tree it could not build. */
int reply_page(struct req *r, char *text, size_t len);

#endif
