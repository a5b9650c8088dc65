/* api/ decoders: rights requests (every details/result variant, timeline),
 * problem documents, and the bad corpus: every file in api_corpus/bad fails
 * with bad_response and a message naming the field. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/decode.h"

char *corpus_load(const char *rel, size_t *len);
void *corpus_decode(enum pd_value_kind kind, const char *rel);
extern const struct CMUnitTest pd_test_req[];
extern const size_t pd_test_req_n;

static void test_request_erasure_detail(void **state) {
  (void)state;
  struct pd_request *r = corpus_decode(PD_VALUE_REQUEST, "good/request_detail.json");
  assert_string_equal(r->id, "req_cccccccccccccccc");
  assert_string_equal(r->account_id, "acc_abcdefghijklmnop");
  assert_string_equal(r->account_email, "ana@example.com");
  assert_string_equal(r->account_name, "Ana");
  assert_int_equal(r->type, PD_TYPE_ERASURE);
  assert_int_equal(r->regime, PD_REGIME_GDPR);
  assert_int_equal(r->status, PD_ST_COMPLETED);
  assert_int_equal(r->priority, PD_PRIO_URGENT);
  assert_true(r->received_at == INT64_C(1793613600));
  assert_true(r->due_at == INT64_C(1796255999));
  assert_true(r->extended);
  assert_string_equal(r->extension_reason, "complex case");
  assert_string_equal(r->assignee, "alice");
  assert_true(r->identity_verified);
  assert_string_equal(r->identity_method, "document");
  assert_true(r->acknowledged_at != PD_TIME_NONE);
  assert_true(r->ack_due_at == PD_TIME_NONE);
  assert_int_equal(r->details.kind, PD_DETAILS_NONE);
  assert_int_equal(r->result.kind, PD_OUTCOME_ERASURE);
  assert_int_equal(r->result.erasure.n_erased, 8);
  assert_int_equal(r->result.erasure.erased[0], PD_CAT_EMAIL);
  assert_int_equal(r->result.erasure.erased[7], PD_CAT_ANALYTICS);
  assert_int_equal(r->result.erasure.n_retained, 2);
  const struct pd_retained *tx = &r->result.erasure.retained[0], *logs = &r->result.erasure.retained[1];
  assert_int_equal(tx->key, PD_CAT_TRANSACTIONS);
  assert_int_equal(tx->because.n, 1);
  assert_string_equal(tx->because.v[0], "legal:tax");
  assert_true(tx->until == INT64_C(2087942400));
  assert_int_equal(logs->key, PD_CAT_USAGE_LOGS);
  assert_string_equal(logs->because.v[0], "hold:hld_aaaabbbbccccdddd");
  assert_true(logs->until == PD_TIME_NONE);
  assert_int_equal(r->result.erasure.account_status, PD_ACC_CLOSED);
  assert_int_equal(r->version, 11);
  assert_true(r->has_timeline);
  assert_int_equal(r->n_timeline, 9);
  const struct pd_event *ev = r->timeline;
  assert_int_equal(ev[0].kind, PD_EV_CREATED);
  assert_null(ev[0].text);
  assert_int_equal(ev[0].from, -1);
  assert_false(ev[0].has_assignee);
  assert_int_equal(ev[1].kind, PD_EV_TRANSITION);
  assert_int_equal(ev[1].from, PD_ST_NEW);
  assert_int_equal(ev[1].to, PD_ST_VERIFYING);
  assert_int_equal(ev[2].kind, PD_EV_ASSIGNED);
  assert_string_equal(ev[2].actor, "sam");
  assert_true(ev[2].has_assignee);
  assert_string_equal(ev[2].assignee, "alice");
  assert_int_equal(ev[3].kind, PD_EV_VERIFIED);
  assert_string_equal(ev[3].text, "passport checked");
  assert_int_equal(ev[5].kind, PD_EV_EXTENDED);
  assert_int_equal(ev[6].kind, PD_EV_NOTE);
  assert_string_equal(ev[6].text, "called \x1b]0;x\x07 the customer");
  assert_true(ev[7].has_assignee);
  assert_null(ev[7].assignee); /* unassigned */
  assert_int_equal(ev[8].kind, PD_EV_COMPLETED);
  assert_int_equal(ev[8].to, PD_ST_COMPLETED);
  pd_request_free(r);
}

static void test_request_variants(void **state) {
  (void)state;
  struct pd_request *r = corpus_decode(PD_VALUE_REQUEST, "good/request_access.json");
  assert_int_equal(r->type, PD_TYPE_ACCESS);
  assert_int_equal(r->result.kind, PD_OUTCOME_ACCESS);
  assert_string_equal(r->result.access.export_path, "/v1/requests/req_dddddddddddddddd/export");
  assert_int_equal(r->result.access.categories, 10);
  assert_int_equal(r->result.access.bytes, 12345);
  pd_request_free(r);

  r = corpus_decode(PD_VALUE_REQUEST, "good/request_rejected.json");
  assert_int_equal(r->status, PD_ST_REJECTED);
  assert_int_equal(r->regime, PD_REGIME_CCPA);
  assert_int_equal(r->result.kind, PD_OUTCOME_REJECTED);
  assert_string_equal(r->result.rejected.reason, "manifestly unfounded (Art. 12(5))");
  assert_int_equal(r->details.kind, PD_DETAILS_OBJECTION);
  assert_int_equal(r->details.processing, PD_PROCESSING_MARKETING);
  assert_null(r->assignee);
  assert_null(r->identity_method);
  assert_true(r->acknowledged_at == PD_TIME_NONE);
  assert_true(r->ack_due_at != PD_TIME_NONE);
  assert_int_equal(r->n_timeline, 2);
  assert_int_equal(r->timeline[1].kind, PD_EV_REJECTED);
  pd_request_free(r);

  r = corpus_decode(PD_VALUE_REQUEST, "good/request_objection.json");
  assert_int_equal(r->result.kind, PD_OUTCOME_OBJECTION);
  assert_int_equal(r->result.objection.processing, PD_PROCESSING_MARKETING);
  assert_true(r->result.objection.switched_off);
  assert_true(r->has_timeline);
  assert_int_equal(r->n_timeline, 0);
  pd_request_free(r);

  r = corpus_decode(PD_VALUE_REQUEST, "good/request_rectification.json");
  assert_int_equal(r->details.kind, PD_DETAILS_RECTIFICATION);
  assert_int_equal(r->details.field, PD_FIELD_EMAIL);
  assert_string_equal(r->details.value, "new@example.com");
  assert_int_equal(r->result.kind, PD_OUTCOME_RECTIFICATION);
  assert_int_equal(r->result.rectification.field, PD_FIELD_EMAIL);
  pd_request_free(r);
}

static void test_request_page(void **state) {
  (void)state;
  struct pd_request_page *p = corpus_decode(PD_VALUE_REQUEST_PAGE, "good/request_page.json");
  assert_int_equal(p->count, 3);
  const struct pd_request *a = &p->items[0], *b = &p->items[1];
  assert_string_equal(a->id, "req_aaaaaaaaaaaaaaaa");
  assert_int_equal(a->type, PD_TYPE_RECTIFICATION);
  assert_int_equal(a->details.kind, PD_DETAILS_RECTIFICATION);
  assert_int_equal(a->details.field, PD_FIELD_NAME);
  assert_string_equal(a->details.value, "Ana Maria");
  assert_int_equal(a->result.kind, PD_OUTCOME_NONE);
  assert_int_equal(a->version, 7);
  assert_false(a->has_timeline);
  assert_int_equal(b->status, PD_ST_NEW);
  assert_int_equal(b->priority, PD_PRIO_NORMAL);
  assert_int_equal(p->items[2].result.kind, PD_OUTCOME_REJECTED);
  assert_string_equal(p->next_cursor, "c1");
  pd_request_page_free(p);

  p = corpus_decode(PD_VALUE_REQUEST_PAGE, "good/request_page_empty.json");
  assert_int_equal(p->count, 0);
  assert_null(p->items);
  assert_null(p->next_cursor);
  pd_request_page_free(p);
}

static void test_problem(void **state) {
  (void)state;
  size_t len;
  char *raw = corpus_load("good/problem.json", &len);
  struct pd_error e;
  pd_error_from_problem(&e, 409, raw, len, NULL);
  assert_int_equal(e.kind, PD_E_HOLD_ACTIVE);
  assert_int_equal(e.http_status, 409);
  assert_string_equal(e.code, "hold_active");
  assert_string_equal(e.title, "A dispute hold is active");
  assert_string_equal(e.detail, "hold hld_aaaabbbbccccdddd covers every category");
  free(raw);
  /* Not a problem document: the status decides, nothing is copied. */
  pd_error_from_problem(&e, 503, "<html>", 6, NULL);
  assert_int_equal(e.kind, PD_E_SERVER);
  assert_string_equal(e.code, "");
  pd_error_from_problem(&e, 412, "{\"code\":\"precondition_failed\"}", 30, "\"8\"");
  assert_int_equal(e.kind, PD_E_PRECONDITION_FAILED);
  assert_string_equal(e.etag, "\"8\"");
  /* Long untrusted text is capped at a character boundary. */
  char big[4096];
  int n = snprintf(big, sizeof big, "{\"code\":\"invalid_input\",\"detail\":\"");
  while (n < 3000) n += snprintf(big + n, sizeof big - (size_t)n, "\xe6\x97\xa5");
  n += snprintf(big + n, sizeof big - (size_t)n, "\"}");
  pd_error_from_problem(&e, 400, big, (size_t)n, NULL);
  assert_int_equal(e.kind, PD_E_INVALID_INPUT);
  assert_true(strlen(e.detail) < PD_ERROR_DETAIL_MAX);
  assert_int_equal(strlen(e.detail) % 3, 0); /* whole characters only */
}

/* The bad corpus: file, decoder, what the message must name. */
static const struct bad_case {
  const char *file;
  enum pd_value_kind kind;
  const char *names;
} bad_cases[] = {
    {"request_missing_status.json", PD_VALUE_REQUEST, "status: missing"},
    {"account_wrong_type_version.json", PD_VALUE_ACCOUNT_DETAIL, "version: expected an integer, got string"},
    {"invalid_utf8.json", PD_VALUE_ME, "body: invalid JSON"},
    {"invalid_utf8_overlong.json", PD_VALUE_ME, "body: invalid JSON"},
    {"invalid_utf8_surrogate.json", PD_VALUE_ME, "body: invalid JSON"},
    {"too_many_items.json", PD_VALUE_REQUEST_PAGE, "items: more than 200 items"},
    {"account_null_email.json", PD_VALUE_ACCOUNT_DETAIL, "email: null is not allowed"},
    {"account_missing_is_minor.json", PD_VALUE_ACCOUNT_DETAIL, "is_minor: missing"},
    {"account_detail_too_many_requests.json", PD_VALUE_ACCOUNT_DETAIL, "requests: more than 50 items"},
    {"account_page_bad_cursor.json", PD_VALUE_ACCOUNT_PAGE, "next_cursor: empty"},
    {"request_bad_time.json", PD_VALUE_REQUEST, "received_at: not an RFC 3339 time"},
    {"request_time_no_zone.json", PD_VALUE_REQUEST, "due_at: not an RFC 3339 time"},
    {"request_page_unknown_status.json", PD_VALUE_REQUEST_PAGE, "items[0].status: unknown value \"archived\""},
    {"request_open_with_result.json", PD_VALUE_REQUEST, "result: must be null while the request is open"},
    {"request_details_missing_value.json", PD_VALUE_REQUEST, "details.value: missing"},
    {"request_erasure_bad_until.json", PD_VALUE_REQUEST, "result.retained[0].until: not a YYYY-MM-DD date"},
    {"request_missing_timeline.json", PD_VALUE_REQUEST, "timeline: missing"},
    {"request_transition_without_to.json", PD_VALUE_REQUEST, "timeline[1].to: missing"},
    {"request_version_real.json", PD_VALUE_REQUEST, "version: expected an integer, got number"},
    {"request_version_huge.json", PD_VALUE_REQUEST, "body: invalid JSON"},
    {"request_negative_version.json", PD_VALUE_REQUEST, "version: -1 is out of range"},
    {"request_assignee_empty.json", PD_VALUE_REQUEST, "assignee: empty"},
    {"stats_missing_waiting.json", PD_VALUE_STATS, "open.waiting: missing"},
    {"stats_negative_overdue.json", PD_VALUE_STATS, "overdue: -1 is out of range"},
    {"stats_bucket_not_object.json", PD_VALUE_STATS, "by_days_left[0]: expected an object, got integer"},
    {"inventory_unknown_category.json", PD_VALUE_INVENTORY, "items[2].key: unknown value \"biometrics\""},
    {"inventory_systems_not_strings.json", PD_VALUE_INVENTORY, "items[0].systems[1]: expected a string"},
    {"hold_bad_category.json", PD_VALUE_HOLD, "categories[1]: unknown category \"biometrics\""},
    {"hold_released_without_time.json", PD_VALUE_HOLD, "released_at: null on a released hold"},
    {"hold_page_item_not_object.json", PD_VALUE_HOLD_PAGE, "items[0]: expected an object, got string"},
    {"audit_bad_hash.json", PD_VALUE_AUDIT_PAGE, "items[0].hash: not 64 lowercase hex digits"},
    {"audit_details_not_object.json", PD_VALUE_AUDIT_PAGE, "items[0].details: expected an object"},
    {"audit_verify_missing_first_bad.json", PD_VALUE_AUDIT_VERIFY, "first_bad_seq: missing"},
    {"preview_missing_blocked.json", PD_VALUE_ERASURE_PREVIEW, "blocked: missing"},
    {"export_wrong_format.json", PD_VALUE_EXPORT, "format: unknown format"},
    {"export_missing_account.json", PD_VALUE_EXPORT, "account: missing"},
    {"me_unknown_role.json", PD_VALUE_ME, "role: unknown value \"admin\""},
    {"me_missing_server_time.json", PD_VALUE_ME, "server_time: missing"},
    {"not_object.json", PD_VALUE_ME, "body: expected a JSON object"},
    {"duplicate_key.json", PD_VALUE_ME, "body: invalid JSON"},
    {"nul_escape.json", PD_VALUE_ME, "body: invalid JSON"},
    {"truncated.json", PD_VALUE_STATS, "body: invalid JSON"},
    {"empty.json", PD_VALUE_ME, "body: invalid JSON"},
    {"health_not_ok.json", PD_VALUE_HEALTH, "status: not \"ok\""},
};

static void test_bad_corpus(void **state) {
  (void)state;
  size_t ncases = sizeof bad_cases / sizeof *bad_cases;
  for (size_t i = 0; i < ncases; i++) {
    char rel[256];
    snprintf(rel, sizeof rel, "bad/%s", bad_cases[i].file);
    size_t len;
    char *buf = corpus_load(rel, &len);
    struct pd_error err;
    void *v = (void *)1;
    int rc = pd_decode(bad_cases[i].kind, buf, len, &v, &err);
    free(buf);
    if (rc == 0) {
      pd_value_free(bad_cases[i].kind, v);
      fail_msg("%s decoded but must fail", rel);
    }
    assert_null(v);
    if (err.kind != PD_E_BAD_RESPONSE) fail_msg("%s: kind %s", rel, pd_error_kind_name(err.kind));
    if (!strstr(err.message, bad_cases[i].names))
      fail_msg("%s: message \"%s\" does not name \"%s\"", rel, err.message, bad_cases[i].names);
  }
  /* Every file in bad/ is listed above, so none goes untested. */
  const char *top = getenv("TOP_SRCDIR");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/tests/unit/api_corpus/bad", top && *top ? top : ".");
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *de;
  size_t files = 0;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    files++;
    bool listed = false;
    for (size_t i = 0; i < ncases; i++) listed |= strcmp(bad_cases[i].file, de->d_name) == 0;
    if (!listed) fail_msg("bad/%s is not in bad_cases", de->d_name);
  }
  closedir(d);
  assert_int_equal(files, ncases);
}

/* Mistyping any top-level field of a good sample (its value replaced by
 * {"x":[]}, a shape no field has) fails, naming that field. */
static void test_every_field_checked(void **state) {
  (void)state;
  static const struct {
    const char *file;
    enum pd_value_kind kind;
  } samples[] = {{"good/me.json", PD_VALUE_ME},
                 {"good/hold.json", PD_VALUE_HOLD},
                 {"good/erasure_preview.json", PD_VALUE_ERASURE_PREVIEW},
                 {"good/request_detail.json", PD_VALUE_REQUEST},
                 {"good/account_detail.json", PD_VALUE_ACCOUNT_DETAIL},
                 {"good/inventory.json", PD_VALUE_INVENTORY},
                 {"good/audit_verify_broken.json", PD_VALUE_AUDIT_VERIFY},
                 {"good/stats.json", PD_VALUE_STATS}};
  int mutated = 0;
  for (size_t s = 0; s < sizeof samples / sizeof *samples; s++) {
    size_t len;
    char *raw = corpus_load(samples[s].file, &len);
    /* The samples are indented by one space per level: "\n \"key\": value". */
    for (char *k = strstr(raw, "\n \""); k; k = strstr(k + 1, "\n \"")) {
      char key[64];
      const char *q = strchr(k + 3, '"');
      size_t kl = (size_t)(q - (k + 3));
      assert_true(kl < sizeof key);
      memcpy(key, k + 3, kl);
      key[kl] = '\0';
      const char *vstart = q + 3, *vend = strstr(vstart, ",\n \"");
      if (!vend) vend = strstr(vstart, "\n}");
      assert_non_null(vend);
      char *mut = malloc(len + 16);
      assert_non_null(mut);
      size_t pre = (size_t)(vstart - raw);
      memcpy(mut, raw, pre);
      memcpy(mut + pre, "{\"x\":[]}", 8);
      strcpy(mut + pre + 8, vend);
      struct pd_error err;
      void *v;
      if (pd_decode(samples[s].kind, mut, strlen(mut), &v, &err) == 0) {
        pd_value_free(samples[s].kind, v);
        fail_msg("%s: mistyped \"%s\" was accepted", samples[s].file, key);
      }
      if (!strstr(err.message, key)) fail_msg("%s: mistyped \"%s\" gave \"%s\"", samples[s].file, key, err.message);
      free(mut);
      mutated++;
    }
    free(raw);
  }
  assert_true(mutated > 60);
}

const struct CMUnitTest pd_test_req[] = {
    cmocka_unit_test(test_request_erasure_detail),
    cmocka_unit_test(test_request_variants),
    cmocka_unit_test(test_request_page),
    cmocka_unit_test(test_problem),
    cmocka_unit_test(test_bad_corpus),
    cmocka_unit_test(test_every_field_checked),
};
const size_t pd_test_req_n = sizeof pd_test_req / sizeof *pd_test_req;
