#include "api/decode_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dec_init(struct pd_dec *d, struct pd_error *err) {
  d->err = err;
  d->path[0] = '\0';
  d->len = 0;
  d->tmp = 0;
  pd_error_clear(err);
}

static size_t append(struct pd_dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t append(struct pd_dec *d, const char *fmt, ...) {
  size_t mark = d->len;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(d->path + d->len, sizeof d->path - d->len, fmt, ap);
  va_end(ap);
  if (n > 0) d->len += (size_t)n < sizeof d->path - d->len ? (size_t)n : sizeof d->path - d->len - 1;
  return mark;
}

size_t dec_push(struct pd_dec *d, const char *key) { return append(d, d->len ? ".%s" : "%s", key); }
size_t dec_push_index(struct pd_dec *d, size_t i) { return append(d, "[%zu]", i); }

void dec_pop(struct pd_dec *d, size_t mark) {
  d->len = mark;
  d->path[mark] = '\0';
}

bool dec_fail(struct pd_dec *d, const char *key, const char *fmt, ...) {
  char what[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  const char *sep = d->len && key ? "." : "";
  const char *path = d->len ? d->path : (key ? "" : "body");
  pd_error_set(d->err, PD_E_BAD_RESPONSE, "%s%s%s: %s", path, sep, key ? key : "", what);
  return false;
}

json_t *dec_parse(struct pd_dec *d, const char *buf, size_t len) {
  json_error_t je;
  json_t *root = json_loadb(buf ? buf : "", buf ? len : 0, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    dec_fail(d, NULL, "invalid JSON at line %d column %d: %.80s", je.line, je.column, je.text);
    return NULL;
  }
  if (!json_is_object(root)) {
    json_decref(root);
    dec_fail(d, NULL, "expected a JSON object");
    return NULL;
  }
  return root;
}

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "object";
  case JSON_ARRAY: return "array";
  case JSON_STRING: return "string";
  case JSON_INTEGER: return "integer";
  case JSON_REAL: return "number";
  case JSON_TRUE:
  case JSON_FALSE: return "boolean";
  default: return "null";
  }
}

int dec_lookup(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, json_t **v) {
  *v = json_object_get(obj, key);
  if (!*v) {
    if (flags & DEC_OPTIONAL) return 0;
    dec_fail(d, key, "missing");
    return -1;
  }
  if (json_is_null(*v)) {
    *v = NULL;
    if (flags & (DEC_NULLABLE | DEC_OPTIONAL)) return 0;
    dec_fail(d, key, "null is not allowed");
    return -1;
  }
  return 1;
}

static bool wrong_type(struct pd_dec *d, const char *key, const char *want, const json_t *v) {
  return dec_fail(d, key, "expected %s, got %s", want, type_name(v));
}

/* A string value with its checks; *s points into the JSON (not copied). */
static int get_string(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, size_t max,
                      const char **s) {
  json_t *v;
  int r = dec_lookup(d, obj, key, flags, &v);
  *s = NULL;
  if (r <= 0) return r;
  if (!json_is_string(v)) return wrong_type(d, key, "a string", v) ? 0 : -1;
  size_t n = json_string_length(v);
  *s = json_string_value(v);
  if (n > max && !(flags & DEC_TEXT)) return dec_fail(d, key, "longer than %zu bytes", max) ? 0 : -1;
  if (n == 0 && (flags & (DEC_NONEMPTY | DEC_ID))) return dec_fail(d, key, "empty") ? 0 : -1;
  if (flags & DEC_ID)
    for (const char *p = *s; *p; p++)
      if (*p <= ' ' || *p > '~') return dec_fail(d, key, "not a printable ASCII token") ? 0 : -1;
  return 1;
}

bool dec_str(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, size_t max, char **out) {
  const char *s;
  int r = get_string(d, obj, key, flags, max, &s);
  *out = NULL;
  if (r < 0) return false;
  if (r == 0) return true;
  size_t n = strlen(s);
  if (n > max && max >= 4) { /* DEC_TEXT: the first max - 3 bytes, whole characters only, then "…" */
    size_t cut = max - 3;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    if ((*out = malloc(cut + 4))) {
      memcpy(*out, s, cut);
      memcpy(*out + cut, "\xe2\x80\xa6", 4);
    }
  } else {
    *out = strdup(s);
  }
  return *out ? true : dec_fail(d, key, "out of memory");
}

bool dec_int(struct pd_dec *d, json_t *obj, const char *key, int64_t min, int64_t max, int64_t *out) {
  json_t *v;
  if (dec_lookup(d, obj, key, 0, &v) < 0) return false;
  if (!json_is_integer(v)) return wrong_type(d, key, "an integer", v);
  json_int_t i = json_integer_value(v);
  if (i < min || i > max) return dec_fail(d, key, "%lld is out of range", (long long)i);
  *out = i;
  return true;
}

bool dec_bool(struct pd_dec *d, json_t *obj, const char *key, bool *out) {
  json_t *v;
  if (dec_lookup(d, obj, key, 0, &v) < 0) return false;
  if (!json_is_boolean(v)) return wrong_type(d, key, "a boolean", v);
  *out = json_is_true(v);
  return true;
}

static bool get_when(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int64_t *out,
                     int (*parse)(const char *, int64_t *), const char *what) {
  const char *s;
  int r = get_string(d, obj, key, flags, 64, &s);
  *out = PD_TIME_NONE;
  if (r < 0) return false;
  if (r == 0) return true;
  if (parse(s, out) != 0) {
    *out = PD_TIME_NONE;
    return dec_fail(d, key, "not %s", what);
  }
  return true;
}

bool dec_time(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int64_t *out) {
  return get_when(d, obj, key, flags, out, pd_time_parse, "an RFC 3339 time");
}

bool dec_date(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int64_t *out) {
  return get_when(d, obj, key, flags, out, pd_date_parse, "a YYYY-MM-DD date");
}

bool dec_enum(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, int (*parse)(const char *),
              int *out) {
  const char *s;
  int r = get_string(d, obj, key, flags, 64, &s);
  *out = -1;
  if (r < 0) return false;
  if (r == 0) return true;
  *out = parse(s);
  return *out >= 0 ? true : dec_fail(d, key, "unknown value \"%.40s\"", s);
}

json_t *dec_array(struct pd_dec *d, json_t *obj, const char *key, size_t max, size_t *n) {
  json_t *v;
  *n = 0;
  if (dec_lookup(d, obj, key, 0, &v) < 0) return NULL;
  if (!json_is_array(v)) {
    wrong_type(d, key, "an array", v);
    return NULL;
  }
  *n = json_array_size(v);
  if (*n > max) {
    dec_fail(d, key, "more than %zu items", max);
    *n = 0;
    return NULL;
  }
  return v;
}

bool dec_object(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, json_t **v) {
  int r = dec_lookup(d, obj, key, flags, v);
  if (r < 0) return false;
  if (r == 0) return true;
  if (!json_is_object(*v)) return wrong_type(d, key, "an object", *v);
  return true;
}

bool dec_alloc(struct pd_dec *d, const char *key, size_t n, size_t size, void **out) {
  *out = NULL;
  if (n == 0) return true;
  *out = calloc(n, size);
  return *out ? true : dec_fail(d, key, "out of memory");
}

bool dec_items(struct pd_dec *d, json_t *arr, const char *key, void *base, size_t size, dec_item_fn fn) {
  size_t mark = dec_push(d, key);
  for (size_t i = 0; i < json_array_size(arr); i++) {
    size_t m2 = dec_push_index(d, i);
    json_t *item = json_array_get(arr, i);
    if (!json_is_object(item)) return wrong_type(d, NULL, "an object", item);
    if (!fn(d, item, (char *)base + i * size)) return false;
    dec_pop(d, m2);
  }
  dec_pop(d, mark);
  return true;
}

bool dec_strings(struct pd_dec *d, json_t *obj, const char *key, size_t max_items, size_t max_len,
                 struct pd_strings *out) {
  size_t n;
  json_t *arr = dec_array(d, obj, key, max_items, &n);
  if (!arr || !dec_alloc(d, key, n, sizeof(char *), (void **)&out->v)) return false;
  out->n = n;
  size_t mark = dec_push(d, key);
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_array_get(arr, i);
    size_t m2 = dec_push_index(d, i);
    if (!json_is_string(v)) return wrong_type(d, NULL, "a string", v);
    size_t len = json_string_length(v);
    if (len == 0) return dec_fail(d, NULL, "empty");
    if (len > max_len) return dec_fail(d, NULL, "longer than %zu bytes", max_len);
    if (!(out->v[i] = strdup(json_string_value(v)))) return dec_fail(d, NULL, "out of memory");
    dec_pop(d, m2);
  }
  dec_pop(d, mark);
  return true;
}

bool dec_categories(struct pd_dec *d, json_t *obj, const char *key, enum pd_category **out, size_t *n) {
  json_t *arr = dec_array(d, obj, key, PD_CATEGORY_COUNT, n);
  if (!arr || !dec_alloc(d, key, *n, sizeof **out, (void **)out)) return false;
  size_t mark = dec_push(d, key);
  for (size_t i = 0; i < *n; i++) {
    json_t *v = json_array_get(arr, i);
    size_t m2 = dec_push_index(d, i);
    if (!json_is_string(v)) return wrong_type(d, NULL, "a category key", v);
    int c = pd_category_parse(json_string_value(v));
    if (c < 0) return dec_fail(d, NULL, "unknown category \"%.40s\"", json_string_value(v));
    (*out)[i] = (enum pd_category)c;
    dec_pop(d, m2);
  }
  dec_pop(d, mark);
  return true;
}

bool dec_hash(struct pd_dec *d, json_t *obj, const char *key, unsigned flags, char out[PD_HASH_HEX + 1]) {
  const char *s;
  int r = get_string(d, obj, key, flags, PD_HASH_HEX, &s);
  out[0] = '\0';
  if (r < 0) return false;
  if (r == 0) return true;
  if (strlen(s) != PD_HASH_HEX || strspn(s, "0123456789abcdef") != PD_HASH_HEX)
    return dec_fail(d, key, "not 64 lowercase hex digits");
  memcpy(out, s, PD_HASH_HEX + 1);
  return true;
}

void pd_strings_clear(struct pd_strings *s) {
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}
