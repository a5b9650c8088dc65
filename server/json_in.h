/* Strict reading of request bodies and query values. Every getter fills a
 * problem response on the request and returns false when the input is not
 * acceptable, so handlers read as a list of checks. */
#ifndef PD_JSON_IN_H
#define PD_JSON_IN_H

#include <stdbool.h>
#include <stdint.h>

#include "server/http.h"

/* Parses the body as one JSON object (400 on anything else). Only names in
 * `allowed` (NULL-terminated) may appear. Returns NULL after a problem. */
json_t *body_object(struct req *r, const char *const *allowed);

/* A string field of 1..max_chars characters (0..max when min_chars is 0).
 * Absent: *out = NULL and true unless required. null counts as absent. */
bool field_string(struct req *r, json_t *obj, const char *name, bool required, size_t min_chars,
                  size_t max_chars, const char **out);
/* A boolean field; *present tells whether it was given. */
bool field_bool(struct req *r, json_t *obj, const char *name, bool *present, bool *out);

/* Query values. */
bool query_limit(struct req *r, int *limit);
bool query_bool(struct req *r, const char *name, int *out); /* -1 absent, 0, 1 */

size_t utf8_length(const char *s);
/* true when s has only white space or is empty */
bool text_blank(const char *s);
/* true for a well-formed UTF-8 string with no NUL */
bool utf8_valid(const char *s, size_t len);

#endif
