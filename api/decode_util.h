/* Internal to api/: field getters for the decoders. Each checks presence,
 * type and bounds, and on failure records PD_E_BAD_RESPONSE with a message
 * "<path>.<key>: <what>" and returns false, so decoders read as chains:
 *   return dec_str(d, o, "id", DEC_ID, PD_ID_MAX, &a->id) && dec_int(...) && ...;
 * Strings are copied (malloc); the caller's clear function frees them. */
#ifndef PD_API_DECODE_UTIL_H
#define PD_API_DECODE_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/models.h"

struct pd_dec {
  struct pd_error *err;
  char path[160];
  size_t len;
  int tmp; /* scratch for DEC_ENUM */
};

enum {
  DEC_NULLABLE = 1u << 0, /* JSON null accepted: NULL / PD_TIME_NONE / -1 */
  DEC_NONEMPTY = 1u << 1, /* "" refused */
  DEC_ID = 1u << 2,       /* non-empty printable ASCII without spaces */
  DEC_OPTIONAL = 1u << 3, /* may be absent (treated like null) */
  /* free text (names, reasons, notes): longer than max is cut at a character
   * boundary and ends in "…" instead of failing the whole response, so one
   * oversized value cannot make a page or a request unreadable */
  DEC_TEXT = 1u << 4
};

#define PD_INT_MAX ((int64_t)1 << 53) /* what JSON numbers carry exactly */

void dec_init(struct pd_dec *d, struct pd_error *err);
/* Appends ".key" / "[i]" to the path; dec_pop() restores a mark. */
size_t dec_push(struct pd_dec *d, const char *key);
size_t dec_push_index(struct pd_dec *d, size_t i);
void dec_pop(struct pd_dec *d, size_t mark);
/* Records the error for `key` (NULL: the current path itself). Returns false. */
bool dec_fail(struct pd_dec *d, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses the body: valid UTF-8 JSON, no duplicate keys, an object on top. */
json_t *dec_parse(struct pd_dec *d, const char *buf, size_t len);

/* 1: *v is a non-null value; 0: null or (with DEC_OPTIONAL) absent, allowed by
 * flags; -1: error recorded (missing, or null without DEC_NULLABLE). */
int dec_lookup(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, json_t **v);

bool dec_str(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, size_t max, char **out);
bool dec_int(struct pd_dec *d, json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out);
bool dec_bool(struct pd_dec *d, json_t *obj, const char *key, bool *out);
bool dec_time(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int64_t *out);
bool dec_date(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int64_t *out);
/* Enum by name with a vocab parser; null (when allowed) gives -1. */
bool dec_enum(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int (*parse)(const char *),
              int *out);
#define DEC_ENUM(d, o, key, flags, parse, dst) \
  (dec_enum((d), (o), (key), (flags), (parse), &(d)->tmp) && ((*(dst) = (d)->tmp), true))
bool dec_strings(struct pd_dec *d, json_t *obj, const char *key, size_t max_items, size_t max_len,
                 struct pd_strings *out);
bool dec_categories(struct pd_dec *d, json_t *obj, const char *key, enum pd_category **out, size_t *n);
bool dec_hash(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, char out[PD_HASH_HEX + 1]);
/* An array of at most max items (its length in *n); NULL after an error. */
json_t *dec_array(struct pd_dec *d, json_t *obj, const char *key, size_t max, size_t *n);
/* An object; with DEC_NULLABLE, *v = NULL for null. */
bool dec_object(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, json_t **v);

/* Allocates n zeroed elements (n may be 0: returns NULL without error). */
bool dec_alloc(struct pd_dec *d, const char *key, size_t n, size_t size, void **out);

/* Decodes `count` array elements with fn, under "key[i]". */
typedef bool (*dec_item_fn)(struct pd_dec *d, json_t *item, void *out);
bool dec_items(struct pd_dec *d, json_t *arr, const char *key, void *base, size_t size, dec_item_fn fn);

void pd_strings_clear(struct pd_strings *s);

#endif
