/* Dispute holds and erasure: placing and releasing holds, the erasure preview,
 * completion with the typed e-mail, what holds and legal retention keep, and
 * the writes a hold blocks (409 hold_active). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/api/fixture.h"

static void place_hold(const char *account, json_t *categories, char id_out[32], char etag_out[128]) {
  json_t *b = json_pack("{ss ss so}", "reason", "chargeback dispute", "case_ref", "DSP-T1", "categories", categories);
  struct hresp r;
  http_send(&r, "POST", TOK_SUPER, NULL, b, "/v1/accounts/%s/holds", account);
  assert_status(&r, 201);
  snprintf(id_out, 32, "%s", jstr(r.json, "id"));
  if (etag_out) snprintf(etag_out, 128, "%s", r.etag);
  hresp_free(&r);
}

/* An erasure request for the account, in progress with a verified identity. */
static void erasure_in_progress(struct fx_req *q, const char *account) {
  fx_create(q, account, "erasure", json_pack("{ss}", "priority", "urgent"));
  fx_to_in_progress(q, true);
}

static json_t *find_key(json_t *list, const char *key) {
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) if (json_is_object(v) && strcmp(jstr(v, "key"), key) == 0) return v;
  return NULL;
}

static void inventory(const char *account, struct hresp *r) {
  http_get(r, TOK_VIEWER, "/v1/accounts/%s/inventory", account);
  assert_status(r, 200);
}

/* ---- holds ---- */

static void test_hold_place_get_list_release(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  json_t *b = json_pack("{ss ss s[ss]}", "reason", "card issuer dispute", "case_ref", "CASE-1", "categories",
                        "usage_logs", "transactions");
  struct hresp r;
  http_send(&r, "POST", TOK_SUPER, NULL, b, "/v1/accounts/%s/holds", acc);
  assert_status(&r, 201);
  char id[32], location[96];
  snprintf(id, sizeof id, "%s", jstr(r.json, "id"));
  assert_int_equal(strncmp(id, "hld_", 4), 0);
  snprintf(location, sizeof location, "/v1/holds/%s", id);
  assert_string_equal(r.location, location);
  assert_string_equal(r.etag, "\"1\"");
  assert_string_equal(jstr(r.json, "status"), "active");
  assert_string_equal(jstr(r.json, "placed_by"), "sam");
  assert_string_equal(jstr(r.json, "account_id"), acc);
  assert_string_equal(jstr(r.json, "case_ref"), "CASE-1");
  /* categories come back in category order */
  assert_string_equal(json_string_value(json_array_get(jget(r.json, "categories"), 0)), "usage_logs");
  assert_string_equal(json_string_value(json_array_get(jget(r.json, "categories"), 1)), "transactions");
  assert_true(json_is_null(jget(r.json, "released_at")));
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "%s", location);
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "id"), id);
  hresp_free(&r);
  /* the account shows it */
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_int_equal(jint(r.json, "active_holds"), 1);
  assert_string_equal(jstr(json_array_get(jget(r.json, "holds"), 0), "id"), id);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/holds?account_id=%s&status=active", acc);
  assert_int_equal(json_array_size(jget(r.json, "items")), 1);
  hresp_free(&r);
  /* release: stale If-Match 412, then without If-Match (optional) */
  json_t *rel = json_pack("{ss}", "reason", "issuer withdrew the dispute");
  http_send(&r, "POST", TOK_SUPER, "\"7\"", json_incref(rel), "/v1/holds/%s/release", id);
  assert_problem(&r, 412, "precondition_failed");
  assert_string_equal(r.etag, "\"1\"");
  hresp_free(&r);
  http_send(&r, "POST", TOK_SUPER, NULL, json_incref(rel), "/v1/holds/%s/release", id);
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "status"), "released");
  assert_string_equal(jstr(r.json, "released_by"), "sam");
  assert_string_equal(jstr(r.json, "release_reason"), "issuer withdrew the dispute");
  assert_int_equal(jint(r.json, "version"), 2);
  hresp_free(&r);
  http_send(&r, "POST", TOK_SUPER, NULL, rel, "/v1/holds/%s/release", id);
  assert_problem(&r, 409, "invalid_transition");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/holds?account_id=%s&status=released", acc);
  assert_int_equal(json_array_size(jget(r.json, "items")), 1);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/holds/hld_aaaaaaaaaaaaaaaa");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

static void test_hold_categories_are_validated(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  static const char *const bad[] = {"[]", "[\"*\", \"email\"]", "[\"email\", \"email\"]", "[\"passwords\"]",
                                    "[\"*\", \"*\"]", "\"*\"", "[1]", "null", "[\"EMAIL\"]"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char body[256], path[96];
    snprintf(body, sizeof body, "{\"reason\": \"r\", \"case_ref\": \"C\", \"categories\": %s}", bad[i]);
    snprintf(path, sizeof path, "/v1/accounts/%s/holds", acc);
    struct hresp r;
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_SUPER, .body = body}, &r);
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
  }
  struct hresp r;
  json_t *b = json_pack("{ss ss s[s]}", "reason", "r", "case_ref", "C", "categories", "*");
  http_send(&r, "POST", TOK_SUPER, NULL, b, "/v1/accounts/acc_aaaaaaaaaaaaaaaa/holds");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

/* ---- erasure with a partial hold ---- */

static void test_erasure_keeps_what_a_hold_covers(void **state) {
  (void)state;
  char acc[32], email[256], hold[32];
  fx_fresh_account("EU", acc);
  fx_account_email(acc, email, sizeof email);
  struct hresp before;
  inventory(acc, &before);
  place_hold(acc, json_pack("[ss]", "transactions", "usage_logs"), hold, NULL);
  char because[64];
  snprintf(because, sizeof because, "hold:%s", hold);

  struct fx_req q;
  erasure_in_progress(&q, acc);
  /* the preview: held categories in retain, because hold:<id>; the rest in erase */
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/requests/%s/erasure-preview", q.id);
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "request_id"), q.id);
  assert_string_equal(jstr(r.json, "account_id"), acc);
  assert_string_equal(jstr(r.json, "confirm"), email);
  assert_false(jbool(r.json, "blocked"));
  assert_string_equal(jstr(r.json, "account_status_after"), "closed");
  json_t *retain = jget(r.json, "retain"), *erase = jget(r.json, "erase");
  assert_int_equal(json_array_size(retain), 2);
  assert_int_equal(json_array_size(erase), 8);
  assert_true(jarray_has(jget(find_key(retain, "transactions"), "because"), because));
  assert_true(jarray_has(jget(find_key(retain, "usage_logs"), "because"), because));
  assert_true(json_is_null(jget(find_key(retain, "usage_logs"), "until"))); /* only the hold keeps it */
  json_t *tx_before = find_key(jget(before.json, "items"), "transactions");
  if (jint(tx_before, "records") > 0) { /* tax law keeps it too, until a date */
    assert_true(jarray_has(jget(find_key(retain, "transactions"), "because"), "legal:tax"));
    assert_string_equal(jstr(find_key(retain, "transactions"), "until"), jstr(tx_before, "retained_until"));
  }
  assert_null(find_key(erase, "transactions"));
  assert_non_null(find_key(erase, "email"));
  assert_non_null(find_key(erase, "analytics"));
  hresp_free(&r);
  /* the preview changed nothing */
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_string_equal(jstr(r.json, "status"), "active");
  hresp_free(&r);

  /* the wrong confirmation is refused */
  struct hresp c;
  http_send(&c, "POST", TOK_AGENT, q.etag, json_pack("{ss}", "confirm", "someone.else@example.com"),
            "/v1/requests/%s/complete", q.id);
  assert_problem(&c, 422, "confirmation_mismatch");
  hresp_free(&c);
  http_send(&c, "POST", TOK_AGENT, q.etag, json_object(), "/v1/requests/%s/complete", q.id);
  assert_problem(&c, 422, "confirmation_mismatch");
  hresp_free(&c);

  /* the typed e-mail, in another case, completes it */
  char shouted[256];
  size_t k;
  for (k = 0; email[k] && k < sizeof shouted - 1; k++)
    shouted[k] = (char)(email[k] >= 'a' && email[k] <= 'z' ? email[k] - 32 : email[k]);
  shouted[k] = '\0';
  json_t *confirm = json_pack("{ss}", "confirm", shouted);
  fx_write(&c, &q, TOK_AGENT, "complete", confirm, 200);
  assert_string_equal(jstr(c.json, "status"), "completed");
  json_t *result = jget(c.json, "result");
  assert_string_equal(jstr(result, "account_status"), "closed");
  assert_int_equal(json_array_size(jget(result, "erased")), 8);
  assert_true(jarray_has(jget(result, "erased"), "email"));
  assert_false(jarray_has(jget(result, "erased"), "transactions"));
  assert_int_equal(json_array_size(jget(result, "retained")), 2);
  assert_true(jarray_has(jget(find_key(jget(result, "retained"), "usage_logs"), "because"), because));
  assert_true(jarray_has(jget(find_key(jget(result, "retained"), "transactions"), "because"), because));
  hresp_free(&c);

  /* the inventory: held categories retained, untouched; the rest erased */
  struct hresp after;
  inventory(acc, &after);
  size_t i;
  json_t *row;
  json_array_foreach(jget(after.json, "items"), i, row) {
    const char *key = jstr(row, "key");
    json_t *old = find_key(jget(before.json, "items"), key);
    if (strcmp(key, "transactions") == 0 || strcmp(key, "usage_logs") == 0) {
      assert_string_equal(jstr(row, "state"), "retained");
      assert_true(jarray_has(jget(row, "retained_because"), because));
      assert_int_equal(jint(row, "records"), jint(old, "records"));
      assert_int_equal(jint(row, "bytes"), jint(old, "bytes"));
    } else {
      assert_string_equal(jstr(row, "state"), "erased");
      assert_int_equal(jint(row, "records"), 0);
    }
  }
  hresp_free(&after);
  hresp_free(&before);
  /* the account is closed, its e-mail and name gone */
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_string_equal(jstr(r.json, "status"), "closed");
  char gone[64];
  snprintf(gone, sizeof gone, "erased+%s@invalid", acc);
  assert_string_equal(jstr(r.json, "email"), gone);
  assert_string_equal(jstr(r.json, "name"), "");
  assert_true(json_is_string(jget(r.json, "closed_at")));
  hresp_free(&r);
  /* the audit log keeps its entries for the account and holds no e-mail */
  http_get(&r, TOK_VIEWER, "/v1/audit?account_id=%s&limit=200", acc);
  assert_true(json_array_size(jget(r.json, "items")) >= 6); /* hold, create, 2 transitions, verify, complete */
  assert_null(strstr(r.body, email));
  assert_string_equal(jstr(json_array_get(jget(r.json, "items"), 0), "action"), "request.complete");
  hresp_free(&r);
}

static void test_hold_on_everything_blocks_erasure(void **state) {
  (void)state;
  char acc[32], email[256], hold[32], hold_etag[128];
  fx_fresh_account(NULL, acc);
  fx_account_email(acc, email, sizeof email);
  place_hold(acc, json_pack("[s]", "*"), hold, hold_etag);
  struct fx_req q;
  erasure_in_progress(&q, acc);
  struct hresp r;
  http_get(&r, TOK_AGENT, "/v1/requests/%s/erasure-preview", q.id);
  assert_status(&r, 200);
  assert_true(jbool(r.json, "blocked"));
  assert_int_equal(json_array_size(jget(r.json, "erase")), 0);
  assert_int_equal(json_array_size(jget(r.json, "retain")), 10);
  hresp_free(&r);
  http_send(&r, "POST", TOK_AGENT, q.etag, json_pack("{ss}", "confirm", email), "/v1/requests/%s/complete", q.id);
  assert_problem(&r, 409, "hold_active");
  hresp_free(&r);
  /* nothing was erased, the request is still in progress */
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s/inventory", acc);
  size_t i;
  json_t *row;
  json_array_foreach(jget(r.json, "items"), i, row) assert_string_equal(jstr(row, "state"), "present");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/requests/%s", q.id);
  assert_string_equal(jstr(r.json, "status"), "in_progress");
  hresp_free(&r);
  /* once the hold is released the erasure goes through */
  http_send(&r, "POST", TOK_SUPER, hold_etag, json_pack("{ss}", "reason", "resolved"), "/v1/holds/%s/release", hold);
  assert_status(&r, 200);
  hresp_free(&r);
  fx_write(&r, &q, TOK_AGENT, "complete", json_pack("{ss}", "confirm", email), 200);
  assert_true(json_array_size(jget(jget(r.json, "result"), "erased")) >= 8);
  hresp_free(&r);
}

static void test_rectifying_a_held_field_is_409(void **state) {
  (void)state;
  char acc[32], hold[32];
  fx_fresh_account(NULL, acc);
  place_hold(acc, json_pack("[s]", "profile"), hold, NULL);
  struct fx_req name, mail;
  fx_create(&name, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "name", "value", "New Name"));
  fx_to_in_progress(&name, false);
  struct hresp r;
  http_send(&r, "POST", TOK_AGENT, name.etag, json_object(), "/v1/requests/%s/complete", name.id);
  assert_problem(&r, 409, "hold_active");
  assert_non_null(strstr(jstr(r.json, "detail"), hold));
  hresp_free(&r);
  /* the e-mail is not under this hold: that rectification goes through */
  char fresh[64];
  snprintf(fresh, sizeof fresh, "held.%s@example.net", acc + 4);
  fx_create(&mail, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "email", "value", fresh));
  fx_to_in_progress(&mail, false);
  fx_write(&r, &mail, TOK_AGENT, "complete", json_object(), 200);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_string_not_equal(jstr(r.json, "name"), "New Name");
  assert_string_equal(jstr(r.json, "email"), fresh);
  hresp_free(&r);
  /* a hold on the e-mail blocks an e-mail rectification too */
  char hold2[32];
  place_hold(acc, json_pack("[s]", "email"), hold2, NULL);
  fx_create(&mail, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "email", "value", "x@example.net"));
  fx_to_in_progress(&mail, false);
  http_send(&r, "POST", TOK_AGENT, mail.etag, json_object(), "/v1/requests/%s/complete", mail.id);
  assert_problem(&r, 409, "hold_active");
  hresp_free(&r);
}

/* An account with no transaction records: an erasure leaves nothing. */
static void test_full_erasure_and_what_an_erased_account_refuses(void **state) {
  (void)state;
  char acc[32] = "";
  for (int tries = 0; tries < 60 && !acc[0]; tries++) {
    char id[32];
    fx_fresh_account(NULL, id);
    struct hresp r;
    inventory(id, &r);
    if (jint(find_key(jget(r.json, "items"), "transactions"), "records") == 0) snprintf(acc, sizeof acc, "%s", id);
    hresp_free(&r);
  }
  if (!acc[0]) fail_msg("no seeded account without transactions");
  char email[256];
  fx_account_email(acc, email, sizeof email);
  struct fx_req q;
  erasure_in_progress(&q, acc);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/requests/%s/erasure-preview", q.id);
  assert_string_equal(jstr(r.json, "account_status_after"), "erased");
  assert_int_equal(json_array_size(jget(r.json, "retain")), 0);
  hresp_free(&r);
  fx_write(&r, &q, TOK_AGENT, "complete", json_pack("{ss}", "confirm", email), 200);
  json_t *result = jget(r.json, "result");
  assert_string_equal(jstr(result, "account_status"), "erased");
  assert_int_equal(json_array_size(jget(result, "erased")), 10);
  assert_int_equal(json_array_size(jget(result, "retained")), 0);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_string_equal(jstr(r.json, "status"), "erased");
  assert_false(jbool(r.json, "analytics_enabled"));
  assert_false(jbool(r.json, "marketing_consent"));
  char etag[128];
  snprintf(etag, sizeof etag, "%s", r.etag);
  hresp_free(&r);
  /* an erased account takes no new requests, holds or switches */
  http_send(&r, "POST", TOK_AGENT, NULL, json_pack("{ss ss}", "account_id", acc, "type", "access"), "/v1/requests");
  assert_problem(&r, 422, "invalid_input");
  hresp_free(&r);
  http_send(&r, "POST", TOK_SUPER, NULL, json_pack("{ss ss s[s]}", "reason", "r", "case_ref", "C", "categories", "*"),
            "/v1/accounts/%s/holds", acc);
  assert_problem(&r, 422, "invalid_input");
  hresp_free(&r);
  http_send(&r, "PATCH", TOK_AGENT, etag, json_pack("{sb ss}", "marketing_consent", true, "reason", "r"),
            "/v1/accounts/%s", acc);
  assert_problem(&r, 422, "invalid_input");
  hresp_free(&r);
}

static void test_preview_only_for_erasures(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct fx_req q;
  fx_create(&q, acc, "access", NULL);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/requests/%s/erasure-preview", q.id);
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/requests/req_aaaaaaaaaaaaaaaa/erasure-preview");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

int main(void) {
  fx_seed_accounts = 300;
  fx_seed_requests = 40;
  fx_add("holds: place (201, Location, ETag), get, list, release once", test_hold_place_get_list_release, NULL);
  fx_add("holds: categories are validated", test_hold_categories_are_validated, NULL);
  fx_add("erasure keeps what a hold covers and says why", test_erasure_keeps_what_a_hold_covers, NULL);
  fx_add("a hold on [\"*\"] blocks erasure (409 hold_active) until released", test_hold_on_everything_blocks_erasure,
         NULL);
  fx_add("rectifying a held field is 409 hold_active", test_rectifying_a_held_field_is_409, NULL);
  fx_add("full erasure; an erased account refuses requests, holds, switches (422)",
         test_full_erasure_and_what_an_erased_account_refuses, NULL);
  fx_add("erasure preview only for erasure requests", test_preview_only_for_erasures, NULL);
  return fx_run("api erasure and holds");
}
