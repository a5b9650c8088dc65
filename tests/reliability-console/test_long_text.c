/* Oversized free text from the server (a 100 kB name written into the
 * database, a long note) must not make a whole answer unreadable: the
 * client cuts free text (names, reasons, notes) at PD_TEXT_MAX bytes, at a
 * character boundary, ending in "…", and keeps every other row. Ids and
 * other bounded fields stay strict. Corpus: tests/unit/api_corpus/good. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/decode.h"
#include "api/models.h"

static json_t *corpus(const char *name) {
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/unit/api_corpus/good/%s", top ? top : ".", name);
  json_error_t e;
  json_t *j = json_load_file(path, 0, &e);
  if (!j) fail_msg("%s: %s", path, e.text);
  return j;
}

/* ESC, "x", then two-byte characters ("ä"): n bytes (n - 1 when n is odd).
 * The characters start at even offsets, so a cut at an odd offset would
 * split one. */
static char *long_text(size_t n) {
  char *s = malloc(n + 1);
  assert_non_null(s);
  memcpy(s, "\x1bx", 2);
  size_t i = 2;
  for (; i + 1 < n; i += 2) memcpy(s + i, "\xc3\xa4", 2);
  s[i] = '\0';
  return s;
}

static void *decode(enum pd_value_kind kind, json_t *j, struct pd_error *err) {
  char *text = json_dumps(j, JSON_COMPACT);
  assert_non_null(text);
  void *out = NULL;
  int rc = pd_decode(kind, text, strlen(text), &out, err);
  free(text);
  return rc == 0 ? out : NULL;
}

static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    size_t n = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3 : (*p >> 3) == 30 ? 4 : 0;
    if (!n) return false;
    for (size_t i = 1; i < n; i++)
      if ((p[i] & 0xC0) != 0x80) return false;
    p += n;
  }
  return true;
}

static void assert_cut(const char *got, const char *orig) {
  size_t n = strlen(got);
  assert_true(n <= PD_TEXT_MAX);
  assert_true(n > PD_TEXT_MAX - 8);
  assert_memory_equal(got + n - 3, "\xe2\x80\xa6", 3); /* … */
  assert_memory_equal(got, orig, n - 3);              /* the start, unchanged */
  assert_true(valid_utf8(got));                        /* never half a character */
}

static void test_page_with_a_100kb_name(void **state) {
  (void)state;
  json_t *j = corpus("account_page.json");
  char *big = long_text(100000);
  json_object_set_new(json_array_get(json_object_get(j, "items"), 0), "name", json_string(big));
  struct pd_error err;
  struct pd_account_page *p = decode(PD_VALUE_ACCOUNT_PAGE, j, &err);
  if (!p) fail_msg("refused: %s", err.message);
  assert_int_equal(p->count, json_array_size(json_object_get(j, "items")));
  assert_cut(p->items[0].name, big);
  assert_string_equal(p->items[1].name,
                      json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 1), "name")));
  pd_account_page_free(p);
  free(big);
  json_decref(j);
}

static void test_request_with_long_texts(void **state) {
  (void)state;
  json_t *j = corpus("request_detail.json");
  char *big = long_text(40001);
  json_object_set_new(j, "account_name", json_string(big));
  json_t *ev = json_pack("{ss ss ss ss}", "at", "2026-11-05T10:00:00Z", "actor", "alice", "kind", "note", "text", big);
  json_array_append_new(json_object_get(j, "timeline"), ev);
  struct pd_error err;
  struct pd_request *r = decode(PD_VALUE_REQUEST, j, &err);
  if (!r) fail_msg("refused: %s", err.message);
  assert_cut(r->account_name, big);
  assert_cut(r->timeline[r->n_timeline - 1].text, big);
  pd_request_free(r);
  free(big);
  json_decref(j);
}

static void test_text_at_the_cap_is_kept_whole(void **state) {
  (void)state;
  json_t *j = corpus("account_page.json");
  char *exact = long_text(PD_TEXT_MAX);
  assert_int_equal(strlen(exact), PD_TEXT_MAX);
  json_object_set_new(json_array_get(json_object_get(j, "items"), 0), "name", json_string(exact));
  struct pd_error err;
  struct pd_account_page *p = decode(PD_VALUE_ACCOUNT_PAGE, j, &err);
  assert_non_null(p);
  assert_string_equal(p->items[0].name, exact);
  pd_account_page_free(p);
  free(exact);
  json_decref(j);
}

static void test_ids_stay_strict(void **state) {
  (void)state;
  json_t *j = corpus("account_page.json");
  char id[PD_ID_MAX + 8];
  memset(id, 'a', sizeof id - 1);
  memcpy(id, "acc_", 4);
  id[sizeof id - 1] = '\0';
  json_object_set_new(json_array_get(json_object_get(j, "items"), 0), "id", json_string(id));
  struct pd_error err;
  assert_null(decode(PD_VALUE_ACCOUNT_PAGE, j, &err));
  assert_int_equal(err.kind, PD_E_BAD_RESPONSE);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_page_with_a_100kb_name),
    cmocka_unit_test(test_request_with_long_texts),
    cmocka_unit_test(test_text_at_the_cap_is_kept_whole),
    cmocka_unit_test(test_ids_stay_strict),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
