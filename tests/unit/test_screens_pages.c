/* screens/pages.c: the page-by-page lists behind the list screens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "screens/pages.h"

struct row {
  int id;
  char text[12];
};
struct page {
  struct row *items;
  size_t count;
};

static int pages_freed;

static void page_free(void *p) {
  struct page *page = p;
  free(page->items);
  free(page);
  pages_freed++;
}

static struct page *page_new(int first, size_t count) {
  struct page *p = calloc(1, sizeof *p);
  p->items = calloc(count ? count : 1, sizeof *p->items);
  p->count = count;
  for (size_t i = 0; i < count; i++) p->items[i].id = first + (int)i;
  return p;
}

static int id_at(const struct pd_pages *l, size_t i) { return ((const struct row *)l->rows[i])->id; }

static void appended_pages_read_as_one_list(void **state) {
  (void)state;
  struct pd_pages l;
  pd_pages_init(&l, page_free);
  struct page *a = page_new(1, 3), *b = page_new(4, 2);
  assert_true(pd_pages_append(&l, a, a->items, a->count, sizeof *a->items, "c1"));
  assert_string_equal(l.next_cursor, "c1");
  assert_true(pd_pages_append(&l, b, b->items, b->count, sizeof *b->items, NULL));
  assert_null(l.next_cursor); /* the last page: nothing more to load */
  assert_int_equal(l.n_rows, 5);
  assert_int_equal(l.n_pages, 2);
  for (size_t i = 0; i < 5; i++) assert_int_equal(id_at(&l, i), (int)i + 1);
  pages_freed = 0;
  pd_pages_clear(&l);
  assert_int_equal(pages_freed, 2);
  assert_int_equal(l.n_rows, 0);
  assert_null(l.rows);
  assert_null(l.next_cursor);
}

static void an_empty_page_keeps_the_cursor_it_brings(void **state) {
  (void)state;
  struct pd_pages l;
  pd_pages_init(&l, page_free);
  struct page *a = page_new(1, 0);
  assert_true(pd_pages_append(&l, a, a->items, 0, sizeof *a->items, "next"));
  assert_int_equal(l.n_rows, 0);
  assert_string_equal(l.next_cursor, "next");
  pd_pages_clear(&l);
}

static void prepended_rows_go_on_top_and_the_cursor_stays(void **state) {
  (void)state;
  struct pd_pages l;
  pd_pages_init(&l, page_free);
  struct page *old = page_new(10, 3), *newer = page_new(7, 5);
  assert_true(pd_pages_append(&l, old, old->items, old->count, sizeof *old->items, "older"));
  /* the newer page holds 7, 8, 9 and then rows already loaded: only 3 taken */
  assert_true(pd_pages_prepend(&l, newer, newer->items, 3, sizeof *newer->items));
  assert_int_equal(l.n_rows, 6);
  int want[] = {7, 8, 9, 10, 11, 12};
  for (size_t i = 0; i < 6; i++) assert_int_equal(id_at(&l, i), want[i]);
  assert_string_equal(l.next_cursor, "older");
  pages_freed = 0;
  pd_pages_clear(&l);
  assert_int_equal(pages_freed, 2); /* the prepended page is owned too */
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(appended_pages_read_as_one_list),
    cmocka_unit_test(an_empty_page_keeps_the_cursor_it_brings),
    cmocka_unit_test(prepended_rows_go_on_top_and_the_cursor_stays),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
