/* Page-by-page lists of the list screens (pages.h). */
#include "screens/pages.h"

#include <stdlib.h>
#include <string.h>

void pd_pages_init(struct pd_pages *p, void (*page_free)(void *page)) {
  memset(p, 0, sizeof *p);
  p->page_free = page_free;
}

/* Room for one more page and extra more rows. */
static bool reserve(struct pd_pages *p, size_t extra) {
  void **pages = realloc(p->pages, (p->n_pages + 1) * sizeof *pages);
  if (pages) p->pages = pages;
  void **rows = realloc(p->rows, (p->n_rows + extra + 1) * sizeof *rows);
  if (rows) p->rows = rows;
  return pages && rows;
}

bool pd_pages_append(struct pd_pages *p, void *page, void *items, size_t count, size_t item_size,
                     const char *next_cursor) {
  char *cursor = next_cursor ? strdup(next_cursor) : NULL;
  if (!reserve(p, count) || (next_cursor && !cursor)) {
    free(cursor);
    p->page_free(page);
    return false;
  }
  p->pages[p->n_pages++] = page;
  for (size_t i = 0; i < count; i++) p->rows[p->n_rows++] = (char *)items + i * item_size;
  free(p->next_cursor);
  p->next_cursor = cursor;
  return true;
}

bool pd_pages_prepend(struct pd_pages *p, void *page, void *items, size_t k, size_t item_size) {
  if (!reserve(p, k)) return false;
  memmove(p->rows + k, p->rows, p->n_rows * sizeof *p->rows);
  for (size_t i = 0; i < k; i++) p->rows[i] = (char *)items + i * item_size;
  p->n_rows += k;
  p->pages[p->n_pages++] = page;
  return true;
}

void pd_pages_clear(struct pd_pages *p) {
  for (size_t i = 0; i < p->n_pages; i++) p->page_free(p->pages[i]);
  free(p->pages);
  free(p->rows);
  free(p->next_cursor);
  void (*page_free)(void *) = p->page_free;
  pd_pages_init(p, page_free);
}
