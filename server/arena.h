/* A per-request arena: every allocation made while serving one HTTP request
 * (rows read from the store, strings, scratch) comes from it and is released
 * at once when the request ends. Nothing allocated here is freed on its own. */
#ifndef PD_ARENA_H
#define PD_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
  struct arena_block *head;
  size_t total;
};

void arena_init(struct arena *a);
/* Releases every block. The arena may be used again afterwards. */
void arena_free(struct arena *a);
/* Zeroed, 16-byte aligned memory; aborts on out-of-memory (the server cannot
 * serve a request without memory, and a partial answer would be worse). */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
