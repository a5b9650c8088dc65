#include "server/json_in.h"

#include <stdlib.h>
#include <string.h>

size_t utf8_length(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

bool text_blank(const char *s) {
  if (!s) return true;
  for (; *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return false;
  return true;
}

bool utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    unsigned char c = *p;
    size_t n;
    uint32_t cp;
    if (c == 0) return false;
    if (c < 0x80) {
      p++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if ((size_t)(end - p) < n) return false;
    for (size_t i = 1; i < n; i++) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    p += n;
  }
  return true;
}

json_t *body_object(struct req *r, const char *const *allowed) {
  if (r->body_len == 0) {
    problem(r, PD_ERR_INVALID_INPUT, "a JSON object body is required");
    return NULL;
  }
  json_error_t err;
  json_t *obj = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
  if (!obj) {
    problem(r, PD_ERR_INVALID_INPUT, "the body is not valid JSON: %s (at character %d)", err.text, err.position);
    return NULL;
  }
  if (!json_is_object(obj)) {
    json_decref(obj);
    problem(r, PD_ERR_INVALID_INPUT, "the body must be a JSON object");
    return NULL;
  }
  const char *key;
  json_t *value;
  json_object_foreach(obj, key, value) {
    bool known = false;
    for (const char *const *a = allowed; *a && !known; a++) known = strcmp(*a, key) == 0;
    if (!known) {
      /* the key is valid UTF-8 (jansson checked); names are short, cap what we echo */
      problem(r, PD_ERR_INVALID_INPUT, "unknown field \"%.64s\"", key);
      json_decref(obj);
      return NULL;
    }
  }
  r->body_json = obj; /* freed with the request */
  return obj;
}

bool field_string(struct req *r, json_t *obj, const char *name, bool required, size_t min_chars,
                  size_t max_chars, const char **out) {
  json_t *v = json_object_get(obj, name);
  *out = NULL;
  if (!v || json_is_null(v)) {
    if (required) {
      problem(r, PD_ERR_INVALID_INPUT, "\"%s\" is required", name);
      return false;
    }
    return true;
  }
  if (!json_is_string(v)) {
    problem(r, PD_ERR_INVALID_INPUT, "\"%s\" must be a string", name);
    return false;
  }
  const char *s = json_string_value(v);
  size_t n = utf8_length(s);
  if (n < min_chars || n > max_chars) {
    problem(r, PD_ERR_INVALID_INPUT, "\"%s\" must have %zu to %zu characters (it has %zu)", name, min_chars,
            max_chars, n);
    return false;
  }
  if (required && min_chars > 0 && text_blank(s)) {
    problem(r, PD_ERR_INVALID_INPUT, "\"%s\" must not be blank", name);
    return false;
  }
  *out = arena_strdup(&r->arena, s);
  return true;
}

bool field_bool(struct req *r, json_t *obj, const char *name, bool *present, bool *out) {
  json_t *v = json_object_get(obj, name);
  *present = false;
  if (!v || json_is_null(v)) return true;
  if (!json_is_boolean(v)) {
    problem(r, PD_ERR_INVALID_INPUT, "\"%s\" must be true or false", name);
    return false;
  }
  *present = true;
  *out = json_is_true(v);
  return true;
}

bool query_limit(struct req *r, int *limit) {
  const char *v = query_get(r, "limit");
  *limit = 50;
  if (!v) return true;
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > 200) {
    problem(r, PD_ERR_INVALID_INPUT, "limit must be a whole number from 1 to 200");
    return false;
  }
  *limit = (int)n;
  return true;
}

bool query_bool(struct req *r, const char *name, int *out) {
  const char *v = query_get(r, name);
  *out = -1;
  if (!v) return true;
  if (strcmp(v, "true") == 0) {
    *out = 1;
  } else if (strcmp(v, "false") == 0) {
    *out = 0;
  } else {
    problem(r, PD_ERR_INVALID_INPUT, "%s must be true or false", name);
    return false;
  }
  return true;
}
