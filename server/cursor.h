/* Opaque pagination cursors: base64url of a small JSON array naming the list
 * and sort they belong to and the keyset position after the last row. */
#ifndef PD_CURSOR_H
#define PD_CURSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "server/http.h"

struct cursor_pos {
  int64_t key;     /* a time or sequence number */
  const char *id;  /* tie-breaker or text key; arena string */
};

/* Encodes [kind, key, id] into an arena string. */
const char *cursor_encode(struct req *r, const char *kind, int64_t key, const char *id);
/* Decodes the "cursor" query value. Returns true with *present false when
 * there is none; false after a 400 problem when it is malformed or belongs to
 * another kind of list. */
bool cursor_decode(struct req *r, const char *kind, bool *present, struct cursor_pos *pos);

#endif
