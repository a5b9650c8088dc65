/* Working a request: the status machine, identity verification, extension,
 * notes, assignment rules, rejection and completion of each type (access
 * with its export download, rectification, objection). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/api/fixture.h"

static char acc_eu[32], acc_ca[32];

static const char *eu(void) {
  if (!acc_eu[0]) fx_fresh_account("EU", acc_eu);
  return acc_eu;
}

static const char *ca(void) {
  if (!acc_ca[0]) fx_fresh_account("US-CA", acc_ca);
  return acc_ca;
}

/* One write on q as token with body (stolen); asserts the status; frees the response. */
static void act(struct fx_req *q, const char *token, const char *action, json_t *body, long want) {
  struct hresp r;
  fx_write(&r, q, token, action, body, want);
  hresp_free(&r);
}

static void act_problem(struct fx_req *q, const char *token, const char *action, json_t *body, long status,
                        const char *code) {
  struct hresp r;
  http_send(&r, "POST", token, q->etag, body, "/v1/requests/%s/%s", q->id, action);
  assert_problem(&r, status, code);
  hresp_free(&r);
}

static json_t *to(const char *status) { return json_pack("{ss}", "to", status); }
static json_t *reason(const char *text) { return json_pack("{ss}", "reason", text); }
static json_t *verify_body(void) { return json_pack("{ss ss}", "method", "email_link", "note", "clicked"); }

static void get_request(struct hresp *r, const struct fx_req *q) {
  http_get(r, TOK_VIEWER, "/v1/requests/%s", q->id);
  assert_status(r, 200);
}

/* ---- status machine ---- */

static void test_transitions_follow_the_status_machine(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "transition", json_pack("{ss ss}", "to", "verifying", "reason", "asked for ID"), 200);
  assert_string_equal(jstr(r.json, "status"), "verifying");
  assert_string_equal(r.etag, "\"2\"");
  assert_true(json_is_string(jget(r.json, "acknowledged_at")));
  char acked[32];
  snprintf(acked, sizeof acked, "%s", jstr(r.json, "acknowledged_at"));
  json_t *last = json_array_get(jget(r.json, "timeline"), json_array_size(jget(r.json, "timeline")) - 1);
  assert_string_equal(jstr(last, "kind"), "transition");
  assert_string_equal(jstr(last, "from"), "new");
  assert_string_equal(jstr(last, "to"), "verifying");
  assert_non_null(strstr(jstr(last, "text"), "asked for ID"));
  hresp_free(&r);
  act(&q, TOK_AGENT, "transition", to("in_progress"), 200);
  act(&q, TOK_AGENT, "transition", to("waiting"), 200);
  fx_write(&r, &q, TOK_AGENT, "transition", to("in_progress"), 200);
  assert_string_equal(jstr(r.json, "status"), "in_progress");
  assert_string_equal(jstr(r.json, "acknowledged_at"), acked); /* set once, when it first left new */
  assert_string_equal(jstr(r.json, "status_since"), jstr(r.json, "updated_at")); /* entered just now */
  assert_int_equal(jint(r.json, "version"), 5);
  hresp_free(&r);
}

static void test_forbidden_moves_are_409_invalid_transition(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  act_problem(&q, TOK_AGENT, "transition", to("in_progress"), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "transition", to("waiting"), 409, "invalid_transition");
  act(&q, TOK_AGENT, "transition", to("verifying"), 200);
  act_problem(&q, TOK_AGENT, "transition", to("verifying"), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "transition", to("waiting"), 409, "invalid_transition");
  /* closing goes through complete/reject, "new" is never a target */
  act_problem(&q, TOK_AGENT, "transition", to("completed"), 400, "invalid_input");
  act_problem(&q, TOK_AGENT, "transition", to("rejected"), 400, "invalid_input");
  act_problem(&q, TOK_AGENT, "transition", to("new"), 400, "invalid_input");
  /* completion only from in_progress */
  act_problem(&q, TOK_AGENT, "complete", json_object(), 409, "invalid_transition");
  act(&q, TOK_AGENT, "reject", reason("could not verify the requester"), 200);
  /* a closed request does not move any more */
  act_problem(&q, TOK_AGENT, "transition", to("in_progress"), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "reject", reason("again"), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "verify", verify_body(), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "extend", reason("late"), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "complete", json_object(), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "assign", json_pack("{ss}", "assignee", "alice"), 409, "invalid_transition");
}

static void test_verify_identity_once(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "erasure", NULL);
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "verify", json_pack("{ss ss}", "method", "document", "note", "passport"), 200);
  assert_true(jbool(r.json, "identity_verified"));
  assert_string_equal(jstr(r.json, "identity_method"), "document");
  assert_string_equal(jstr(r.json, "status"), "new"); /* verifying identity does not move the status */
  hresp_free(&r);
  act_problem(&q, TOK_AGENT, "verify", verify_body(), 409, "invalid_transition");
  act_problem(&q, TOK_AGENT, "verify", json_pack("{ss}", "method", ""), 400, "invalid_input");
}

static void test_access_and_erasure_need_verified_identity(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  fx_to_in_progress(&q, false);
  act_problem(&q, TOK_AGENT, "complete", json_object(), 409, "identity_not_verified");
  struct fx_req e;
  fx_create(&e, ca(), "erasure", NULL);
  fx_to_in_progress(&e, false);
  char email[256];
  fx_account_email(ca(), email, sizeof email);
  act_problem(&e, TOK_AGENT, "complete", json_pack("{ss}", "confirm", email), 409, "identity_not_verified");
  /* confirm is only for erasures */
  act_problem(&q, TOK_AGENT, "complete", json_pack("{ss}", "confirm", email), 400, "invalid_input");
  act(&e, TOK_AGENT, "reject", reason("withdrawn by the customer"), 200);
}

/* ---- completion by type ---- */

static void test_access_completion_and_export_download(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  /* no export before completion */
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/requests/%s/export", q.id);
  assert_problem(&r, 409, "invalid_transition");
  hresp_free(&r);
  fx_to_in_progress(&q, true);
  fx_write(&r, &q, TOK_AGENT, "complete", NULL, 200); /* access takes {} or no body */
  assert_string_equal(jstr(r.json, "status"), "completed");
  json_t *result = jget(r.json, "result");
  char export_path[96];
  snprintf(export_path, sizeof export_path, "/v1/requests/%s/export", q.id);
  assert_string_equal(jstr(result, "export"), export_path);
  assert_int_equal(jint(result, "categories"), 10);
  long long bytes = jint(result, "bytes");
  assert_true(bytes > 0);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "%s", export_path); /* viewers may download it */
  assert_status(&r, 200);
  assert_int_equal(strncmp(r.content_type, "application/json", 16), 0);
  assert_int_equal(strncmp(r.disposition, "attachment", 10), 0);
  assert_non_null(strstr(r.disposition, q.id));
  assert_int_equal((long long)r.body_len, bytes);
  assert_string_equal(jstr(r.json, "format"), "privdesk-export/1");
  assert_string_equal(jstr(r.json, "request_id"), q.id);
  assert_string_equal(jstr(jget(r.json, "account"), "id"), eu());
  assert_int_equal(json_array_size(jget(r.json, "categories")), 10);
  assert_string_equal(jstr(json_array_get(jget(r.json, "categories"), 0), "key"), "email");
  assert_true(json_array_size(jget(r.json, "requests")) >= 1);
  assert_true(json_is_boolean(jget(jget(r.json, "consents"), "analytics_enabled")));
  hresp_free(&r);
  /* the export belongs to access requests only */
  struct fx_req other;
  fx_create(&other, eu(), "erasure", NULL);
  http_get(&r, TOK_VIEWER, "/v1/requests/%s/export", other.id);
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/requests/req_aaaaaaaaaaaaaaaa/export");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

static void test_rectification_applies_the_change(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account("EU", acc);
  struct fx_req q;
  fx_create(&q, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "name", "value", "Zoë Łukasz-Núñez"));
  fx_to_in_progress(&q, false); /* rectification needs no verified identity */
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "complete", json_object(), 200);
  assert_string_equal(jstr(jget(r.json, "result"), "field"), "name");
  assert_string_equal(jstr(r.json, "account_name"), "Zoë Łukasz-Núñez");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_string_equal(jstr(r.json, "name"), "Zoë Łukasz-Núñez");
  hresp_free(&r);
  /* an e-mail that belongs to another account: 422 */
  char other[32], taken[256];
  fx_fresh_account(NULL, other);
  fx_account_email(other, taken, sizeof taken);
  fx_create(&q, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "email", "value", taken));
  fx_to_in_progress(&q, false);
  act_problem(&q, TOK_AGENT, "complete", json_object(), 422, "invalid_input");
  /* a free address is applied; the account is found under it */
  char fresh[64];
  snprintf(fresh, sizeof fresh, "renamed.%s@example.org", acc + 4);
  fx_create(&q, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "email", "value", fresh));
  fx_to_in_progress(&q, false);
  act(&q, TOK_AGENT, "complete", json_object(), 200);
  char email[256];
  fx_account_email(acc, email, sizeof email);
  assert_string_equal(email, fresh);
}

static void test_objection_switches_processing_off(void **state) {
  (void)state;
  char acc[32];
  fx_fresh_account(NULL, acc);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  char etag[128];
  snprintf(etag, sizeof etag, "%s", r.etag);
  hresp_free(&r);
  json_t *on = json_pack("{sb ss}", "analytics_enabled", true, "reason", "test set-up");
  http_send(&r, "PATCH", TOK_AGENT, etag, on, "/v1/accounts/%s", acc);
  assert_status(&r, 200);
  assert_true(jbool(r.json, "analytics_enabled"));
  hresp_free(&r);
  struct fx_req q;
  fx_create(&q, acc, "objection", json_pack("{s{ss}}", "details", "processing", "analytics"));
  fx_to_in_progress(&q, false);
  fx_write(&r, &q, TOK_AGENT, "complete", json_object(), 200);
  assert_string_equal(jstr(jget(r.json, "result"), "processing"), "analytics");
  assert_true(jbool(jget(r.json, "result"), "switched_off"));
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", acc);
  assert_false(jbool(r.json, "analytics_enabled"));
  hresp_free(&r);
}

static void test_reject_needs_a_reason(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "erasure", NULL);
  fx_to_in_progress(&q, false);
  act(&q, TOK_AGENT, "transition", to("waiting"), 200);
  act_problem(&q, TOK_AGENT, "reject", json_object(), 400, "invalid_input");
  act_problem(&q, TOK_AGENT, "complete", json_object(), 409, "invalid_transition"); /* not from waiting */
  act_problem(&q, TOK_AGENT, "reject", reason(""), 400, "invalid_input");
  act_problem(&q, TOK_AGENT, "reject", reason(" \t\n"), 400, "invalid_input");
  act_problem(&q, TOK_AGENT, "reject", reason("\xe3\x80\x80\xc2\xa0"), 400, "invalid_input"); /* only Unicode spaces */
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "reject", reason("manifestly unfounded (Art. 12(5))"), 200);
  assert_string_equal(jstr(r.json, "status"), "rejected");
  assert_string_equal(jstr(jget(r.json, "result"), "reason"), "manifestly unfounded (Art. 12(5))");
  json_t *tl = jget(r.json, "timeline");
  assert_string_equal(jstr(json_array_get(tl, json_array_size(tl) - 1), "kind"), "rejected");
  hresp_free(&r);
}

/* ---- deadlines that move ---- */

/* GDPR: three months from receipt, clamped, weekend -> Monday. */
static void gdpr_extended_due(int64_t received_days, char out[32]) {
  int y, m, d;
  fx_civil_from_days(received_days, &y, &m, &d);
  m += 3;
  if (m > 12) m -= 12, y++;
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
  if (d > last) d = last;
  int64_t due = fx_days_from_civil(y, m, d);
  if (fx_weekday(due) == 5) due += 2;
  if (fx_weekday(due) == 6) due += 1;
  char date[11];
  fx_format_date(due, date);
  snprintf(out, 32, "%sT23:59:59Z", date);
}

static void test_extend_gdpr_three_months_once(void **state) {
  (void)state;
  int64_t received = fx_today() - 3;
  char date[11], received_at[32], want[32];
  fx_format_date(received, date);
  snprintf(received_at, sizeof received_at, "%sT12:00:00Z", date);
  gdpr_extended_due(received, want);
  struct fx_req q;
  fx_create(&q, eu(), "access", json_pack("{ss}", "received_at", received_at));
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "extend", reason("several systems to search"), 200);
  assert_true(jbool(r.json, "extended"));
  assert_string_equal(jstr(r.json, "extension_reason"), "several systems to search");
  assert_string_equal(jstr(r.json, "due_at"), want);
  json_t *tl = jget(r.json, "timeline");
  assert_string_equal(jstr(json_array_get(tl, json_array_size(tl) - 1), "kind"), "extended");
  hresp_free(&r);
  act_problem(&q, TOK_AGENT, "extend", reason("once more"), 409, "already_extended");
  act_problem(&q, TOK_AGENT, "extend", json_object(), 400, "invalid_input");
}

static void test_extend_ccpa_ninety_days(void **state) {
  (void)state;
  int64_t received = fx_today() - 10;
  char date[11], received_at[32], want_date[11], want[32];
  fx_format_date(received, date);
  snprintf(received_at, sizeof received_at, "%sT08:00:00Z", date);
  fx_format_date(received + 90, want_date);
  snprintf(want, sizeof want, "%sT23:59:59Z", want_date);
  struct fx_req q;
  fx_create(&q, ca(), "erasure", json_pack("{ss}", "received_at", received_at));
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "extend", reason("backups must be searched"), 200);
  assert_string_equal(jstr(r.json, "regime"), "ccpa");
  assert_string_equal(jstr(r.json, "due_at"), want);
  hresp_free(&r);
  act_problem(&q, TOK_AGENT, "extend", reason("again"), 409, "already_extended");
}

static void test_extend_after_the_first_deadline_is_409(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", json_pack("{ss}", "received_at", "2020-01-06T09:00:00Z"));
  act_problem(&q, TOK_AGENT, "extend", reason("too late"), 409, "invalid_transition");
  struct hresp r;
  get_request(&r, &q);
  assert_false(jbool(r.json, "extended"));
  assert_string_equal(jstr(r.json, "due_at"), "2020-02-06T23:59:59Z");
  hresp_free(&r);
}

/* ---- notes ---- */

static void test_notes_any_request_201(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  act(&q, TOK_AGENT, "reject", reason("duplicate of an earlier request"), 200);
  struct hresp r;
  json_t *note = json_pack("{ss}", "text", "Customer called: \x1b[31m red \xe2\x80\xae text, kept as given");
  http_send(&r, "POST", TOK_AGENT2, NULL, note, "/v1/requests/%s/notes", q.id);
  assert_status(&r, 201); /* closed requests take notes too; no If-Match needed */
  char want[96];
  snprintf(want, sizeof want, "/v1/requests/%s", q.id);
  assert_string_equal(r.location, want);
  assert_true(r.etag[0]);
  json_t *tl = jget(r.json, "timeline");
  json_t *last = json_array_get(tl, json_array_size(tl) - 1);
  assert_string_equal(jstr(last, "kind"), "note");
  assert_string_equal(jstr(last, "actor"), "bob");
  assert_string_equal(jstr(last, "text"), "Customer called: \x1b[31m red \xe2\x80\xae text, kept as given");
  hresp_free(&r);
  static const char *const bad[] = {"{\"text\": \"\"}", "{}", "{\"text\": null}", "{\"text\": 5}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char path[96];
    snprintf(path, sizeof path, "/v1/requests/%s/notes", q.id);
    http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .body = bad[i]}, &r);
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
  }
  char path[96];
  snprintf(path, sizeof path, "/v1/requests/req_aaaaaaaaaaaaaaaa/notes");
  http_do(&(struct hreq){.method = "POST", .path = path, .token = TOK_AGENT, .body = "{\"text\": \"x\"}"}, &r);
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

/* ---- assignment ---- */

static void test_assignment_rules(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, eu(), "access", NULL);
  /* an agent may not hand a request to someone else */
  act_problem(&q, TOK_AGENT, "assign", json_pack("{ss}", "assignee", "bob"), 403, "forbidden");
  /* ... but may take an unassigned one */
  struct hresp r;
  fx_write(&r, &q, TOK_AGENT, "assign", json_pack("{ss}", "assignee", "alice"), 200);
  assert_string_equal(jstr(r.json, "assignee"), "alice");
  json_t *tl = jget(r.json, "timeline");
  assert_string_equal(jstr(json_array_get(tl, json_array_size(tl) - 1), "kind"), "assigned");
  assert_string_equal(jstr(json_array_get(tl, json_array_size(tl) - 1), "assignee"), "alice");
  hresp_free(&r);
  /* bob may not take alice's request */
  act_problem(&q, TOK_AGENT2, "assign", json_pack("{ss}", "assignee", "bob"), 403, "forbidden");
  /* a supervisor may reassign */
  fx_write(&r, &q, TOK_SUPER, "assign", json_pack("{ss}", "assignee", "bob"), 200);
  assert_string_equal(jstr(r.json, "assignee"), "bob");
  hresp_free(&r);
  /* only active agents and supervisors can hold requests */
  act_problem(&q, TOK_SUPER, "assign", json_pack("{ss}", "assignee", "vera"), 422, "invalid_input");
  act_problem(&q, TOK_SUPER, "assign", json_pack("{ss}", "assignee", "nobody-here"), 422, "invalid_input");
  act_problem(&q, TOK_SUPER, "assign", json_pack("{si}", "assignee", 7), 400, "invalid_input");
  act_problem(&q, TOK_SUPER, "assign", json_object(), 400, "invalid_input");
  /* bob unassigns himself */
  fx_write(&r, &q, TOK_AGENT2, "assign", json_pack("{sn}", "assignee"), 200);
  assert_true(json_is_null(jget(r.json, "assignee")));
  hresp_free(&r);
}

int main(void) {
  fx_seed_accounts = 150;
  fx_seed_requests = 30;
  fx_add("transitions follow the status machine; acknowledged_at set once",
         test_transitions_follow_the_status_machine, NULL);
  fx_add("forbidden moves are 409 invalid_transition", test_forbidden_moves_are_409_invalid_transition, NULL);
  fx_add("identity is verified once", test_verify_identity_once, NULL);
  fx_add("access and erasure need a verified identity (409 identity_not_verified)",
         test_access_and_erasure_need_verified_identity, NULL);
  fx_add("access completion builds a downloadable export", test_access_completion_and_export_download, NULL);
  fx_add("rectification applies the change; taken e-mail 422", test_rectification_applies_the_change, NULL);
  fx_add("objection switches processing off", test_objection_switches_processing_off, NULL);
  fx_add("rejection needs a non-blank reason", test_reject_needs_a_reason, NULL);
  fx_add("GDPR extension: three months, once (409 already_extended)", test_extend_gdpr_three_months_once, NULL);
  fx_add("CCPA extension: 90 days", test_extend_ccpa_ninety_days, NULL);
  fx_add("extension after the first deadline is 409", test_extend_after_the_first_deadline_is_409, NULL);
  fx_add("notes: 201 on any request, text kept as given", test_notes_any_request_201, NULL);
  fx_add("assignment: agents take, supervisors reassign", test_assignment_rules, NULL);
  return fx_run("api request workflow");
}
