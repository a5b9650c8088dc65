/* api/ decoders over the corpus in tests/unit/api_corpus: every good sample
 * decodes to exactly the values it holds. The bad samples, requests and the
 * other unit tests live in test_api_decode_req.c and test_api_misc.c; main()
 * runs them all as one TAP plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/decode.h"

/* Shared with the other test_api_*.c files. */
char *corpus_load(const char *rel, size_t *len);
void *corpus_decode(enum pd_value_kind kind, const char *rel);
extern const struct CMUnitTest pd_test_req[], pd_test_misc[];
extern const size_t pd_test_req_n, pd_test_misc_n;

#define T_2026_11_29_164312 INT64_C(1795970592)
#define T_2025_03_01_110000 INT64_C(1740826800)
#define T_2024_01_15_093000 INT64_C(1705311000)
#define T_2026_10_01_080000 INT64_C(1790841600)
#define D_2036_11_01 INT64_C(2109110400)
#define D_2036_03_01 INT64_C(2087942400)

char *corpus_load(const char *rel, size_t *len) {
  const char *top = getenv("TOP_SRCDIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/unit/api_corpus/%s", top && *top ? top : ".", rel);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n + 4096 > cap) {
      cap = cap ? cap * 2 : 65536;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

void *corpus_decode(enum pd_value_kind kind, const char *rel) {
  size_t len;
  char *buf = corpus_load(rel, &len);
  struct pd_error err;
  void *v = NULL;
  int rc = pd_decode(kind, buf, len, &v, &err);
  free(buf);
  if (rc != 0) fail_msg("%s: %s", rel, err.message);
  return v;
}

static void test_me(void **state) {
  (void)state;
  struct pd_me *me = corpus_decode(PD_VALUE_ME, "good/me.json");
  assert_string_equal(me->user, "alice");
  assert_int_equal(me->role, PD_ROLE_AGENT);
  assert_true(me->server_time == T_2026_11_29_164312);
  pd_me_free(me);
}

static void test_stats(void **state) {
  (void)state;
  struct pd_stats *s = corpus_decode(PD_VALUE_STATS, "good/stats.json");
  assert_int_equal(s->by_status[PD_ST_NEW], 3);
  assert_int_equal(s->by_status[PD_ST_VERIFYING], 1);
  assert_int_equal(s->by_status[PD_ST_IN_PROGRESS], 4);
  assert_int_equal(s->by_status[PD_ST_WAITING], 2);
  assert_int_equal(s->by_status[PD_ST_COMPLETED], 40);
  assert_int_equal(s->by_status[PD_ST_REJECTED], 3);
  assert_int_equal(s->open_total, 10);
  assert_int_equal(s->overdue, 2);
  assert_int_equal(s->due_within_7_days, 5);
  assert_int_equal(s->urgent, 1);
  assert_int_equal(s->unassigned, 6);
  assert_int_equal(s->mine, 2);
  assert_int_equal(s->n_by_days_left, 7);
  static const char *const buckets[] = {"overdue", "today", "1-3d", "4-7d", "8-14d", "15-30d", "31d+"};
  static const int counts[] = {2, 1, 2, 2, 1, 1, 1};
  for (size_t i = 0; i < 7; i++) {
    assert_string_equal(s->by_days_left[i].bucket, buckets[i]);
    assert_int_equal(s->by_days_left[i].count, counts[i]);
  }
  assert_true(s->generated_at == T_2026_11_29_164312);
  pd_stats_free(s);
}

static void check_account_ana(const struct pd_account *a) {
  assert_string_equal(a->id, "acc_abcdefghijklmnop");
  assert_string_equal(a->email, "ana@example.com");
  /* control characters and non-ASCII text arrive untouched (the console sanitises) */
  assert_string_equal(a->name, "Ana \x1b[31mRed\x1b[0m \xc5\x81ukasz \xe6\x97\xa5\xe6\x9c\xac");
  assert_int_equal(a->status, PD_ACC_ACTIVE);
  assert_int_equal(a->jurisdiction, PD_JUR_EU);
  assert_true(a->created_at == T_2024_01_15_093000);
  assert_true(a->closed_at == PD_TIME_NONE);
  assert_false(a->is_minor);
  assert_true(a->analytics_enabled);
  assert_true(a->marketing_consent);
  assert_true(a->marketing_consent_at == T_2025_03_01_110000); /* "+01:00" applied */
  assert_int_equal(a->active_holds, 1);
  assert_int_equal(a->open_requests, 1);
  assert_int_equal(a->version, 3);
  assert_true(a->updated_at == T_2026_11_29_164312);
}

static void check_hold_active(const struct pd_hold *h) {
  assert_string_equal(h->id, "hld_aaaabbbbccccdddd");
  assert_string_equal(h->account_id, "acc_abcdefghijklmnop");
  assert_string_equal(h->reason, "chargeback dispute");
  assert_string_equal(h->case_ref, "CASE-1");
  assert_false(h->all_categories);
  assert_int_equal(h->n_categories, 2);
  assert_int_equal(h->categories[0], PD_CAT_TRANSACTIONS);
  assert_int_equal(h->categories[1], PD_CAT_USAGE_LOGS);
  assert_string_equal(h->placed_by, "sam");
  assert_int_equal(h->status, PD_HOLD_ACTIVE);
  assert_null(h->released_by);
  assert_true(h->released_at == PD_TIME_NONE);
  assert_null(h->release_reason);
  assert_int_equal(h->version, 1);
}

static void check_hold_released(const struct pd_hold *h) {
  assert_string_equal(h->id, "hld_eeeeffffgggghhhh");
  assert_true(h->all_categories);
  assert_int_equal(h->n_categories, 0);
  assert_int_equal(h->status, PD_HOLD_RELEASED);
  assert_string_equal(h->released_by, "sam");
  assert_true(h->released_at != PD_TIME_NONE);
  assert_string_equal(h->release_reason, "resolved");
  assert_int_equal(h->version, 2);
}

static void test_account_page(void **state) {
  (void)state;
  struct pd_account_page *p = corpus_decode(PD_VALUE_ACCOUNT_PAGE, "good/account_page.json");
  assert_int_equal(p->count, 2);
  check_account_ana(&p->items[0]);
  const struct pd_account *b = &p->items[1];
  assert_string_equal(b->email, "erased+acc_qrstuvwxyz234567@invalid");
  assert_string_equal(b->name, "");
  assert_int_equal(b->status, PD_ACC_ERASED);
  assert_int_equal(b->jurisdiction, PD_JUR_US_CA);
  assert_true(b->closed_at == T_2026_10_01_080000); /* ".123" fraction dropped */
  assert_true(b->is_minor);
  assert_false(b->analytics_enabled);
  assert_true(b->marketing_consent_at == PD_TIME_NONE);
  assert_int_equal(b->version, 12);
  assert_null(p->next_cursor);
  pd_account_page_free(p);
}

static void test_account_page_forward_compatible(void **state) {
  (void)state;
  struct pd_account_page *p = corpus_decode(PD_VALUE_ACCOUNT_PAGE, "good/account_page_unknown_fields.json");
  assert_int_equal(p->count, 2);
  check_account_ana(&p->items[0]);
  pd_account_page_free(p);
}

static void test_account_page_full(void **state) {
  (void)state;
  struct pd_account_page *p = corpus_decode(PD_VALUE_ACCOUNT_PAGE, "good/account_page_full.json");
  assert_int_equal(p->count, PD_PAGE_MAX);
  assert_string_equal(p->items[199].id, "acc_0000000000000199");
  assert_string_equal(p->next_cursor, "more");
  pd_account_page_free(p);
}

static void test_account_detail(void **state) {
  (void)state;
  struct pd_account_detail *a = corpus_decode(PD_VALUE_ACCOUNT_DETAIL, "good/account_detail.json");
  check_account_ana(&a->account);
  assert_int_equal(a->n_holds, 1);
  check_hold_active(&a->holds[0]);
  assert_int_equal(a->n_requests, 1);
  assert_string_equal(a->requests[0].id, "req_aaaaaaaaaaaaaaaa");
  assert_int_equal(a->requests[0].status, PD_ST_IN_PROGRESS);
  assert_false(a->requests[0].has_timeline);
  pd_account_detail_free(a);
}

static void test_inventory(void **state) {
  (void)state;
  struct pd_inventory *inv = corpus_decode(PD_VALUE_INVENTORY, "good/inventory.json");
  assert_string_equal(inv->account_id, "acc_abcdefghijklmnop");
  assert_int_equal(inv->count, PD_CATEGORY_COUNT);
  for (size_t i = 0; i < inv->count; i++) {
    const struct pd_inventory_row *r = &inv->items[i];
    const struct pd_category_info *ci = pd_category((enum pd_category)i);
    assert_int_equal(r->key, i);
    assert_string_equal(r->group, ci->group);
    assert_string_equal(r->label, ci->label);
    assert_string_equal(r->legal_basis, ci->legal_basis);
    assert_string_equal(r->retention, ci->retention);
  }
  const struct pd_inventory_row *email = &inv->items[PD_CAT_EMAIL], *tx = &inv->items[PD_CAT_TRANSACTIONS];
  assert_int_equal(email->records, 0);
  assert_true(email->oldest == PD_TIME_NONE && email->newest == PD_TIME_NONE);
  assert_int_equal(email->systems.n, 1);
  assert_string_equal(email->systems.v[0], "accounts-db");
  assert_int_equal(tx->records, 21);
  assert_int_equal(tx->bytes, 7 * 1024);
  assert_true(tx->oldest == T_2024_01_15_093000);
  assert_true(tx->retained_until == D_2036_11_01);
  assert_int_equal(tx->retained_because.n, 1);
  assert_string_equal(tx->retained_because.v[0], "legal:tax");
  assert_int_equal(tx->recipients.n, 2);
  assert_string_equal(tx->recipients.v[1], "PayPal");
  const struct pd_inventory_row *logs = &inv->items[PD_CAT_USAGE_LOGS];
  assert_int_equal(logs->systems.n, 2);
  assert_string_equal(logs->systems.v[1], "bigquery");
  assert_string_equal(logs->retained_because.v[0], "hold:hld_aaaabbbbccccdddd");
  assert_true(logs->retained_until == PD_TIME_NONE);
  assert_int_equal(inv->items[PD_CAT_MARKETING].state, PD_INV_ERASED);
  assert_int_equal(inv->items[PD_CAT_ANALYTICS].state, PD_INV_PRESENT);
  pd_inventory_free(inv);
}

static void test_holds(void **state) {
  (void)state;
  struct pd_hold *h = corpus_decode(PD_VALUE_HOLD, "good/hold.json");
  check_hold_active(h);
  pd_hold_free(h);
  h = corpus_decode(PD_VALUE_HOLD, "good/hold_released.json");
  check_hold_released(h);
  pd_hold_free(h);
  struct pd_hold_page *p = corpus_decode(PD_VALUE_HOLD_PAGE, "good/hold_page.json");
  assert_int_equal(p->count, 2);
  check_hold_active(&p->items[0]);
  check_hold_released(&p->items[1]);
  assert_null(p->next_cursor);
  pd_hold_page_free(p);
}

static void test_erasure_preview(void **state) {
  (void)state;
  struct pd_erasure_preview *p = corpus_decode(PD_VALUE_ERASURE_PREVIEW, "good/erasure_preview.json");
  assert_string_equal(p->request_id, "req_cccccccccccccccc");
  assert_string_equal(p->account_id, "acc_abcdefghijklmnop");
  assert_string_equal(p->confirm, "ana@example.com");
  assert_int_equal(p->n_erase, 2);
  assert_int_equal(p->erase[1].key, PD_CAT_PROFILE);
  assert_string_equal(p->erase[1].label, "Basic account information");
  assert_int_equal(p->erase[1].records, 1);
  assert_int_equal(p->erase[1].bytes, 200);
  assert_int_equal(p->n_retain, 2);
  assert_int_equal(p->retain[0].key, PD_CAT_TRANSACTIONS);
  assert_int_equal(p->retain[0].records, 12);
  assert_string_equal(p->retain[0].because.v[0], "legal:tax");
  assert_true(p->retain[0].until == D_2036_03_01);
  assert_int_equal(p->retain[1].key, PD_CAT_USAGE_LOGS);
  assert_true(p->retain[1].until == PD_TIME_NONE);
  assert_int_equal(p->account_status_after, PD_ACC_CLOSED);
  assert_false(p->blocked);
  pd_erasure_preview_free(p);
}

static void test_audit(void **state) {
  (void)state;
  struct pd_audit_page *p = corpus_decode(PD_VALUE_AUDIT_PAGE, "good/audit_page.json");
  assert_int_equal(p->count, 2);
  const struct pd_audit_entry *e = &p->items[0];
  assert_int_equal(e->seq, 42);
  assert_true(e->at == T_2026_11_29_164312);
  assert_string_equal(e->actor, "alice");
  assert_string_equal(e->action, "request.complete");
  assert_string_equal(e->target, "req_cccccccccccccccc");
  assert_string_equal(e->account_id, "acc_abcdefghijklmnop");
  assert_string_equal(e->details_json, "{\"a\":{\"b\":true},\"erased\":[\"email\"],\"type\":\"erasure\",\"z\":1}");
  assert_string_equal(e->hash, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  assert_null(p->items[1].target);
  assert_null(p->items[1].account_id);
  assert_string_equal(p->items[1].details_json, "{}");
  assert_string_equal(p->items[1].prev_hash, "0000000000000000000000000000000000000000000000000000000000000000");
  assert_string_equal(p->next_cursor, "eyJzZXEiOjF9");
  pd_audit_page_free(p);

  struct pd_audit_verify *v = corpus_decode(PD_VALUE_AUDIT_VERIFY, "good/audit_verify.json");
  assert_true(v->ok);
  assert_int_equal(v->entries, 1234);
  assert_string_equal(v->head, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  assert_int_equal(v->first_bad_seq, 0);
  pd_audit_verify_free(v);
  v = corpus_decode(PD_VALUE_AUDIT_VERIFY, "good/audit_verify_broken.json");
  assert_false(v->ok);
  assert_int_equal(v->first_bad_seq, 17);
  pd_audit_verify_free(v);
}

static void test_export(void **state) {
  (void)state;
  size_t len;
  char *raw = corpus_load("good/export.json", &len);
  struct pd_export *e = corpus_decode(PD_VALUE_EXPORT, "good/export.json");
  assert_string_equal(e->request_id, "req_dddddddddddddddd");
  assert_int_equal(e->len, len);
  assert_memory_equal(e->json, raw, len); /* kept byte for byte */
  assert_int_equal(e->json[len], '\0');
  pd_export_free(e);
  free(raw);
}

static void test_health_and_kinds(void **state) {
  (void)state;
  void *v = (void *)1;
  struct pd_error err;
  assert_int_equal(pd_decode(PD_VALUE_HEALTH, "{\"status\":\"ok\"}", 15, &v, &err), 0);
  assert_null(v);
  assert_int_equal(pd_decode(PD_VALUE_NONE, "{}", 2, &v, &err), -1);
  assert_int_equal(err.kind, PD_E_LOCAL);
  assert_string_equal(pd_value_kind_name(PD_VALUE_REQUEST_PAGE), "request_page");
  assert_string_equal(pd_value_kind_name(PD_VALUE_HEALTH), "health");
  pd_value_free(PD_VALUE_ME, NULL);
}

static const struct CMUnitTest good_tests[] = {
    cmocka_unit_test(test_me),
    cmocka_unit_test(test_stats),
    cmocka_unit_test(test_account_page),
    cmocka_unit_test(test_account_page_forward_compatible),
    cmocka_unit_test(test_account_page_full),
    cmocka_unit_test(test_account_detail),
    cmocka_unit_test(test_inventory),
    cmocka_unit_test(test_holds),
    cmocka_unit_test(test_erasure_preview),
    cmocka_unit_test(test_audit),
    cmocka_unit_test(test_export),
    cmocka_unit_test(test_health_and_kinds),
};

int main(void) {
  size_t ng = sizeof good_tests / sizeof *good_tests, n = ng + pd_test_req_n + pd_test_misc_n;
  struct CMUnitTest *all = calloc(n, sizeof *all);
  if (!all) return 1;
  memcpy(all, good_tests, sizeof good_tests);
  memcpy(all + ng, pd_test_req, pd_test_req_n * sizeof *all);
  memcpy(all + ng + pd_test_req_n, pd_test_misc, pd_test_misc_n * sizeof *all);
  int rc = _cmocka_run_group_tests("api_decode", all, n, NULL, NULL);
  free(all);
  return rc;
}
