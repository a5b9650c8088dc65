#include "server/cursor.h"

#include <string.h>

#include <sodium.h>

enum { CURSOR_MAX = 1024 };

const char *cursor_encode(struct req *r, const char *kind, int64_t key, const char *id) {
  json_t *a = json_pack("[s I s]", kind, (json_int_t)key, id ? id : "");
  char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
  json_decref(a);
  if (!text) return NULL;
  size_t len = strlen(text);
  size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  char *out = arena_alloc(&r->arena, cap);
  sodium_bin2base64(out, cap, (const unsigned char *)text, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  free(text);
  return out;
}

bool cursor_decode(struct req *r, const char *kind, bool *present, struct cursor_pos *pos) {
  const char *v = query_get(r, "cursor");
  *present = false;
  if (!v) return true;
  unsigned char raw[CURSOR_MAX];
  size_t len = 0;
  json_t *a = NULL;
  if (strlen(v) < 2 * CURSOR_MAX &&
      sodium_base642bin(raw, sizeof raw - 1, v, strlen(v), NULL, &len, NULL,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0)
    a = json_loadb((const char *)raw, len, 0, NULL);
  const char *k = NULL, *id = NULL;
  json_int_t key = 0;
  if (!a || json_unpack(a, "[sIs!]", &k, &key, &id) != 0 || strcmp(k, kind) != 0) {
    json_decref(a);
    problem(r, PD_ERR_INVALID_INPUT, "the cursor is malformed or belongs to another list");
    return false;
  }
  pos->key = (int64_t)key;
  pos->id = arena_strdup(&r->arena, id);
  json_decref(a);
  *present = true;
  return true;
}
