/* A list read from the server page by page, as the list screens keep it
 * (accounts, holds, audit): the pages own the rows; rows[] points into
 * them in list order, so a screen indexes rows without knowing the pages. */
#ifndef PD_SCREENS_PAGES_H
#define PD_SCREENS_PAGES_H

#include <stdbool.h>
#include <stddef.h>

struct pd_pages {
  void **pages;
  size_t n_pages;
  void **rows;
  size_t n_rows;
  char *next_cursor; /* where the next page starts; NULL when all is loaded */
  void (*page_free)(void *page);
};

void pd_pages_init(struct pd_pages *p, void (*page_free)(void *page));
/* Takes page, whose count items of item_size bytes start at items, and
 * appends its rows; the next cursor becomes a copy of next_cursor. Out of
 * memory: the page is freed, nothing else changes, false. */
bool pd_pages_append(struct pd_pages *p, void *page, void *items, size_t count, size_t item_size,
                     const char *next_cursor);
/* Takes page and puts its first k items above the loaded rows (newer
 * entries of a log); the next cursor stays. Out of memory: false, and the
 * page is still the caller's. */
bool pd_pages_prepend(struct pd_pages *p, void *page, void *items, size_t k, size_t item_size);
/* Frees every page and the next cursor: an empty list again. */
void pd_pages_clear(struct pd_pages *p);

#endif
