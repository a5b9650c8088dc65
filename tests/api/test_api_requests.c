/* Opening rights requests: POST /v1/requests (201, Location, ETag, regime
 * defaults, validation) and the legal deadlines computed from received_at
 * (DESIGN.md section 2), one test case per row of the deadline table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/api/fixture.h"

static char acc_eu[32], acc_ca[32], acc_other[32];

static const char *account_for(const char *jurisdiction) {
  char *slot = strcmp(jurisdiction, "EU") == 0 ? acc_eu : strcmp(jurisdiction, "US-CA") == 0 ? acc_ca : acc_other;
  if (!slot[0]) fx_fresh_account(jurisdiction, slot);
  return slot;
}

/* POST /v1/requests with body; returns the response (caller frees). */
static void post_request(struct hresp *r, json_t *body) {
  http_send(r, "POST", TOK_AGENT, NULL, body, "/v1/requests");
}

/* ---- creation ---- */

static void test_create_201_with_location_and_etag(void **state) {
  (void)state;
  const char *acc = account_for("EU");
  struct hresp r;
  post_request(&r, json_pack("{ss ss}", "account_id", acc, "type", "access"));
  assert_status(&r, 201);
  const char *id = jstr(r.json, "id");
  assert_non_null(id);
  assert_int_equal(strncmp(id, "req_", 4), 0);
  assert_int_equal(strlen(id), 20);
  char want[96];
  snprintf(want, sizeof want, "/v1/requests/%s", id);
  assert_string_equal(r.location, want);
  assert_string_equal(r.etag, "\"1\"");
  assert_int_equal(jint(r.json, "version"), 1);
  assert_string_equal(jstr(r.json, "account_id"), acc);
  assert_string_equal(jstr(r.json, "status"), "new");
  assert_string_equal(jstr(r.json, "priority"), "normal");
  assert_string_equal(jstr(r.json, "regime"), "gdpr");
  assert_false(jbool(r.json, "extended"));
  assert_false(jbool(r.json, "identity_verified"));
  assert_true(json_is_null(jget(r.json, "assignee")));
  assert_true(json_is_null(jget(r.json, "acknowledged_at")));
  assert_true(json_is_null(jget(r.json, "ack_due_at")));
  assert_true(json_is_null(jget(r.json, "details")));
  assert_true(json_is_null(jget(r.json, "result")));
  assert_non_null(jstr(r.json, "account_email"));
  assert_non_null(jstr(r.json, "status_since"));
  json_t *tl = jget(r.json, "timeline");
  assert_int_equal(json_array_size(tl), 1);
  assert_string_equal(jstr(json_array_get(tl, 0), "kind"), "created");
  assert_string_equal(jstr(json_array_get(tl, 0), "actor"), "alice");
  /* the Location names the resource */
  struct hresp g;
  http_get(&g, TOK_VIEWER, "%s", r.location);
  assert_status(&g, 200);
  assert_string_equal(jstr(g.json, "id"), id);
  assert_string_equal(g.etag, "\"1\"");
  hresp_free(&g);
  hresp_free(&r);
}

static void test_create_regime_defaults_from_jurisdiction(void **state) {
  (void)state;
  const struct {
    const char *jurisdiction, *given, *want;
  } rows[] = {{"EU", NULL, "gdpr"}, {"US-CA", NULL, "ccpa"}, {"OTHER", NULL, "gdpr"},
              {"EU", "ccpa", "ccpa"}, {"US-CA", "gdpr", "gdpr"}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    json_t *b = json_pack("{ss ss}", "account_id", account_for(rows[i].jurisdiction), "type", "erasure");
    if (rows[i].given) json_object_set_new(b, "regime", json_string(rows[i].given));
    struct hresp r;
    post_request(&r, b);
    assert_status(&r, 201);
    assert_string_equal(jstr(r.json, "regime"), rows[i].want);
    /* CCPA requests carry an acknowledgement deadline, GDPR ones do not */
    assert_int_equal(json_is_null(jget(r.json, "ack_due_at")), strcmp(rows[i].want, "gdpr") == 0);
    hresp_free(&r);
  }
}

static void test_create_details_by_type(void **state) {
  (void)state;
  const char *acc = account_for("EU");
  struct hresp r;
  post_request(&r, json_pack("{ss ss s{ss ss}}", "account_id", acc, "type", "rectification", "details", "field",
                             "name", "value", "Ana María"));
  assert_status(&r, 201);
  assert_string_equal(jstr(jget(r.json, "details"), "field"), "name");
  assert_string_equal(jstr(jget(r.json, "details"), "value"), "Ana María");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss s{ss}}", "account_id", acc, "type", "objection", "details", "processing",
                             "analytics"));
  assert_status(&r, 201);
  assert_string_equal(jstr(jget(r.json, "details"), "processing"), "analytics");
  hresp_free(&r);
  /* details are required for rectification and objection, refused for the others */
  post_request(&r, json_pack("{ss ss}", "account_id", acc, "type", "rectification"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss s{ss}}", "account_id", acc, "type", "access", "details", "processing",
                             "analytics"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss s{ss ss}}", "account_id", acc, "type", "rectification", "details", "field",
                             "status", "value", "active"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss s{ss ss}}", "account_id", acc, "type", "rectification", "details", "field",
                             "email", "value", "not an address"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss s{ss}}", "account_id", acc, "type", "objection", "details", "processing",
                             "profiling"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  /* details: null is the same as absent */
  post_request(&r, json_pack("{ss ss so}", "account_id", acc, "type", "erasure", "details", json_null()));
  assert_status(&r, 201);
  hresp_free(&r);
}

static void test_create_received_at_bounds(void **state) {
  (void)state;
  const char *acc = account_for("EU");
  static const char *const bad[] = {"2099-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2024-02-30T00:00:00Z",
                                    "2024-01-01",           "yesterday",            "2024-01-01T25:00:00Z",
                                    "2024-01-01T00:00:00",  "2016-12-31T23:59:60Z", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct hresp r;
    post_request(&r, json_pack("{ss ss ss}", "account_id", acc, "type", "access", "received_at", bad[i]));
    assert_problem(&r, 400, "invalid_input");
    hresp_free(&r);
  }
  /* the first second of 2000 is allowed */
  struct hresp r;
  post_request(&r, json_pack("{ss ss ss}", "account_id", acc, "type", "access", "received_at", "2000-01-01T00:00:00Z"));
  assert_status(&r, 201);
  assert_string_equal(jstr(r.json, "received_at"), "2000-01-01T00:00:00Z");
  hresp_free(&r);
}

static void test_create_unknown_account_and_values(void **state) {
  (void)state;
  struct hresp r;
  post_request(&r, json_pack("{ss ss}", "account_id", "acc_aaaaaaaaaaaaaaaa", "type", "access"));
  assert_problem(&r, 422, "invalid_input");
  hresp_free(&r);
  const char *acc = account_for("EU");
  post_request(&r, json_pack("{ss ss}", "account_id", acc, "type", "deletion"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss ss}", "account_id", acc, "type", "access", "priority", "high"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss ss ss}", "account_id", acc, "type", "access", "regime", "lgpd"));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
  post_request(&r, json_pack("{ss}", "account_id", acc));
  assert_problem(&r, 400, "invalid_input");
  hresp_free(&r);
}

static void test_request_detail_and_404(void **state) {
  (void)state;
  struct fx_req q;
  fx_create(&q, account_for("US-CA"), "access", NULL);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/requests/%s", q.id);
  assert_status(&r, 200);
  static const char *const fields[] = {"id", "account_id", "account_email", "account_name", "type", "regime",
                                       "status", "priority", "received_at", "due_at", "extended",
                                       "extension_reason", "assignee", "identity_verified", "identity_method",
                                       "acknowledged_at", "ack_due_at", "status_since", "details", "result",
                                       "version", "updated_at", "timeline"};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (!jget(r.json, fields[i])) fail_msg("request field %s missing", fields[i]);
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v1/requests/req_aaaaaaaaaaaaaaaa");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
  /* list items carry no timeline */
  http_get(&r, TOK_VIEWER, "/v1/requests?q=%s", q.id);
  assert_status(&r, 200);
  assert_int_equal(json_array_size(jget(r.json, "items")), 1);
  assert_null(jget(json_array_get(jget(r.json, "items"), 0), "timeline"));
  hresp_free(&r);
}

/* ---- the queue's filters ---- */

/* GET /v1/requests?<query>&limit=200 and checks every item with ok(). Returns the count. */
static size_t each_item(const char *query, bool (*ok)(json_t *item, const void *arg), const void *arg) {
  struct hresp r;
  http_get(&r, TOK_AGENT, "/v1/requests?limit=200&%s", query);
  assert_status(&r, 200);
  size_t i;
  json_t *it;
  json_array_foreach(jget(r.json, "items"), i, it) if (!ok(it, arg)) fail_msg("%s: %s does not belong", query,
                                                                                jstr(it, "id"));
  size_t n = json_array_size(jget(r.json, "items"));
  hresp_free(&r);
  return n;
}

static bool in_list(const char *v, const char *list) {
  char item[40];
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, ",");
    snprintf(item, sizeof item, "%.*s", (int)n, p);
    if (strcmp(item, v) == 0) return true;
    p += n + (p[n] == ',');
  }
  return false;
}

static bool status_in(json_t *it, const void *arg) { return in_list(jstr(it, "status"), arg); }
static bool type_in(json_t *it, const void *arg) { return in_list(jstr(it, "type"), arg); }
static bool assignee_is(json_t *it, const void *arg) {
  return arg ? jstr(it, "assignee") && strcmp(jstr(it, "assignee"), arg) == 0 : json_is_null(jget(it, "assignee"));
}
static bool priority_is(json_t *it, const void *arg) { return strcmp(jstr(it, "priority"), arg) == 0; }
static bool due_by(json_t *it, const void *arg) { return strcmp(jstr(it, "due_at"), arg) <= 0; }
static bool account_is(json_t *it, const void *arg) { return strcmp(jstr(it, "account_id"), arg) == 0; }
static bool id_is(json_t *it, const void *arg) { return strcmp(jstr(it, "id"), arg) == 0; }
static bool email_starts(json_t *it, const void *arg) {
  return strncasecmp(jstr(it, "account_email"), arg, strlen(arg)) == 0;
}
static bool overdue_now(json_t *it, const void *arg) {
  bool open = in_list(jstr(it, "status"), "new,verifying,in_progress,waiting");
  bool past = strcmp(jstr(it, "due_at"), arg) < 0;
  return open && past;
}
static bool not_overdue_now(json_t *it, const void *arg) { return !overdue_now(it, arg); }

static void test_queue_filters(void **state) {
  (void)state;
  assert_true(each_item("status=new,verifying", status_in, "new,verifying") > 0);
  assert_true(each_item("status=open", status_in, "new,verifying,in_progress,waiting") > 0);
  assert_true(each_item("status=closed", status_in, "completed,rejected") > 0);
  assert_true(each_item("type=erasure,access", type_in, "erasure,access") > 0);
  assert_true(each_item("assignee=bob", assignee_is, "bob") > 0);
  assert_true(each_item("assignee=none", assignee_is, NULL) > 0);
  each_item("assignee=me", assignee_is, "alice");
  assert_true(each_item("priority=urgent", priority_is, "urgent") > 0);
  assert_true(each_item("due_before=2026-01-15", due_by, "2026-01-15T23:59:59Z") > 0);
  assert_true(each_item("due_before=2024-03-01T12:00:00Z", due_by, "2024-03-01T12:00:00Z") > 0);
  /* overdue: compared with the server's clock, taken just before */
  struct hresp r;
  http_get(&r, TOK_AGENT, "/v1/me");
  char now[32];
  snprintf(now, sizeof now, "%s", jstr(r.json, "server_time"));
  hresp_free(&r);
  assert_true(each_item("overdue=true", overdue_now, now) > 0);
  assert_true(each_item("overdue=false", not_overdue_now, now) > 0);
  /* account, request id, account id and e-mail prefix (any case) */
  struct fx_req q;
  fx_create(&q, account_for("EU"), "objection", json_pack("{s{ss}}", "details", "processing", "marketing"));
  char query[128], email[256];
  snprintf(query, sizeof query, "account_id=%s", acc_eu);
  assert_true(each_item(query, account_is, acc_eu) >= 1);
  snprintf(query, sizeof query, "q=%s", q.id);
  assert_int_equal(each_item(query, id_is, q.id), 1);
  snprintf(query, sizeof query, "q=%s", acc_eu);
  assert_true(each_item(query, account_is, acc_eu) >= 1);
  fx_account_email(acc_eu, email, sizeof email);
  char prefix[16];
  size_t k;
  for (k = 0; k < 6 && email[k]; k++) prefix[k] = (char)(email[k] >= 'a' && email[k] <= 'z' ? email[k] - 32 : email[k]);
  prefix[k] = '\0';
  snprintf(query, sizeof query, "q=%s", urlenc(prefix));
  assert_true(each_item(query, email_starts, prefix) >= 1);
  /* filters combine with AND */
  snprintf(query, sizeof query, "account_id=%s&type=objection&status=new", acc_eu);
  assert_true(each_item(query, type_in, "objection") >= 1);
  snprintf(query, sizeof query, "account_id=%s&type=objection&status=closed", acc_eu);
  assert_int_equal(each_item(query, type_in, "objection"), 0);
  assert_int_equal(each_item("account_id=acc_aaaaaaaaaaaaaaaa", account_is, ""), 0);
}

/* The ids of GET /v1/requests?<query>, limit per page, through next_cursor,
 * comma-separated into out. */
static void walk_ids(const char *query, int limit, char *out, size_t outsz) {
  char path[1024];
  snprintf(path, sizeof path, "/v1/requests?limit=%d&%s", limit, query);
  out[0] = '\0';
  for (int page = 0; page < 500; page++) {
    struct hresp r;
    http_get(&r, TOK_AGENT, "%s", path);
    assert_status(&r, 200);
    size_t i;
    json_t *it;
    json_array_foreach(jget(r.json, "items"), i, it) {
      strncat(out, jstr(it, "id"), outsz - strlen(out) - 2);
      strncat(out, ",", outsz - strlen(out) - 1);
    }
    const char *next = json_is_string(jget(r.json, "next_cursor")) ? jstr(r.json, "next_cursor") : NULL;
    if (next) snprintf(path, sizeof path, "/v1/requests?limit=%d&%s&cursor=%s", limit, query, urlenc(next));
    hresp_free(&r);
    if (!next) return;
  }
  fail_msg("%s: more than 500 pages", query);
}

static void test_queue_email_prefix_pages(void **state) {
  (void)state;
  /* pages of 3 through the cursor list exactly the one page of 200, for
   * prefixes of every size, each sort and with other filters */
  static const char *const prefixes[] = {"a", "e", "ma", "J", "zz-none", "l"};
  static const char *const sorts[] = {"due_at", "-due_at", "received_at", "-received_at"};
  static const char *const filters[] = {"", "&status=open", "&status=new,waiting", "&type=erasure,access",
                                        "&overdue=true", "&due_before=2026-01-15"};
  static char paged[16384], whole[16384];
  for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++)
    for (size_t s = 0; s < 4; s++)
      for (size_t f = 0; f < sizeof filters / sizeof *filters; f++) {
        char query[256];
        snprintf(query, sizeof query, "q=%s&sort=%s%s", prefixes[p], sorts[s], filters[f]);
        walk_ids(query, 3, paged, sizeof paged);
        walk_ids(query, 200, whole, sizeof whole);
        if (strcmp(paged, whole) != 0) fail_msg("%s: pages list %s\nthe whole list is %s", query, paged, whole);
      }
}

static void test_queue_email_prefix_follows_rectification(void **state) {
  (void)state;
  /* the queue finds an account's requests by its e-mail as it is now: after
   * a rectification of the e-mail, by the new one, never by the old */
  char acc[32], old_email[256], query[320], fresh[64];
  fx_fresh_account("EU", acc);
  fx_account_email(acc, old_email, sizeof old_email);
  struct fx_req access, mail;
  fx_create(&access, acc, "access", NULL);
  snprintf(fresh, sizeof fresh, "Rectified.%s@Example.net", acc + 4);
  fx_create(&mail, acc, "rectification", json_pack("{s{ss ss}}", "details", "field", "email", "value", fresh));
  snprintf(query, sizeof query, "q=%s", urlenc(old_email));
  assert_int_equal(each_item(query, account_is, acc), 2);
  snprintf(query, sizeof query, "q=%s", urlenc(fresh));
  assert_int_equal(each_item(query, account_is, acc), 0);
  fx_to_in_progress(&mail, false);
  struct hresp r;
  fx_write(&r, &mail, TOK_AGENT, "complete", json_object(), 200);
  hresp_free(&r);
  /* the new e-mail, any case, and a prefix of it */
  snprintf(query, sizeof query, "q=%s", urlenc(fresh));
  assert_int_equal(each_item(query, account_is, acc), 2);
  snprintf(query, sizeof query, "q=rectified.%.6s", acc + 4);
  assert_int_equal(each_item(query, email_starts, "rectified."), 2);
  snprintf(query, sizeof query, "q=%s&sort=-received_at&status=open", urlenc(fresh));
  assert_int_equal(each_item(query, account_is, acc), 1);
  snprintf(query, sizeof query, "q=%s", urlenc(old_email));
  assert_int_equal(each_item(query, account_is, acc), 0);
}

/* ---- the deadline table ---- */

struct deadline_row {
  const char *received_at;  /* as sent */
  const char *jurisdiction; /* of the account */
  const char *regime;       /* sent, or NULL for the default */
  const char *want_received, *want_regime, *want_due, *want_ack; /* ack NULL = null */
  const char *why;
};

static const struct deadline_row deadlines[] = {
    /* GDPR: same day next month, clamped to the month's end; Saturday/Sunday -> Monday */
    {"2024-01-31T10:00:00Z", "EU", NULL, "2024-01-31T10:00:00Z", "gdpr", "2024-02-29", NULL, "leap-year February end"},
    {"2023-01-31T10:00:00Z", "EU", NULL, "2023-01-31T10:00:00Z", "gdpr", "2023-02-28", NULL, "common-year February end"},
    {"2000-01-31T00:00:00Z", "EU", NULL, "2000-01-31T00:00:00Z", "gdpr", "2000-02-29", NULL, "2000 is a leap year"},
    {"2024-03-31T12:00:00Z", "EU", NULL, "2024-03-31T12:00:00Z", "gdpr", "2024-04-30", NULL, "31st into a 30-day month"},
    {"2024-05-31T12:00:00Z", "EU", NULL, "2024-05-31T12:00:00Z", "gdpr", "2024-07-01", NULL, "month end on a Sunday"},
    {"2023-12-15T09:30:00Z", "EU", NULL, "2023-12-15T09:30:00Z", "gdpr", "2024-01-15", NULL, "across the year end"},
    {"2014-12-31T23:59:59Z", "EU", NULL, "2014-12-31T23:59:59Z", "gdpr", "2015-02-02", NULL, "year end, due Saturday"},
    {"2024-08-14T08:00:00Z", "EU", NULL, "2024-08-14T08:00:00Z", "gdpr", "2024-09-16", NULL, "Saturday -> Monday"},
    {"2024-08-15T08:00:00Z", "EU", NULL, "2024-08-15T08:00:00Z", "gdpr", "2024-09-16", NULL, "Sunday -> Monday"},
    {"2024-06-01T08:00:00Z", "EU", NULL, "2024-06-01T08:00:00Z", "gdpr", "2024-07-01", NULL, "received on a Saturday"},
    {"2020-02-29T12:00:00Z", "EU", NULL, "2020-02-29T12:00:00Z", "gdpr", "2020-03-30", NULL, "leap day, due Sunday"},
    {"2019-01-29T12:00:00Z", "OTHER", NULL, "2019-01-29T12:00:00Z", "gdpr", "2019-02-28", NULL,
     "OTHER gets GDPR; 29th clamped"},
    {"2024-01-31T23:30:00-02:00", "EU", NULL, "2024-02-01T01:30:00Z", "gdpr", "2024-03-01", NULL,
     "offset moves receipt to the next day"},
    {"2024-02-01T00:30:00+01:00", "EU", NULL, "2024-01-31T23:30:00Z", "gdpr", "2024-02-29", NULL,
     "offset moves receipt to the previous day"},
    {"2022-08-31T12:00:00.123Z", "EU", NULL, "2022-08-31T12:00:00Z", "gdpr", "2022-09-30", NULL,
     "fractions are dropped"},
    {"2015-01-31T08:00:00Z", "OTHER", NULL, "2015-01-31T08:00:00Z", "gdpr", "2015-03-02", NULL,
     "received Saturday; Feb 28 2015 is a Saturday"},
    {"2000-02-29T12:00:00+01:00", "US-CA", "gdpr", "2000-02-29T11:00:00Z", "gdpr", "2000-03-29", NULL,
     "GDPR asked for a US-CA account"},
    /* CCPA: 45 calendar days (no weekend rule); acknowledgement within 10 business days */
    {"2024-01-01T12:00:00Z", "US-CA", NULL, "2024-01-01T12:00:00Z", "ccpa", "2024-02-15", "2024-01-15", "CCPA basic"},
    {"2024-02-01T12:00:00Z", "US-CA", NULL, "2024-02-01T12:00:00Z", "ccpa", "2024-03-17", "2024-02-15",
     "leap February; due on a Sunday stays"},
    {"2023-02-01T12:00:00Z", "US-CA", NULL, "2023-02-01T12:00:00Z", "ccpa", "2023-03-18", "2023-02-15",
     "common-year February"},
    {"2014-12-20T12:00:00Z", "US-CA", NULL, "2014-12-20T12:00:00Z", "ccpa", "2015-02-03", "2015-01-02",
     "received Saturday, across the year end"},
    {"2024-05-31T12:00:00Z", "US-CA", NULL, "2024-05-31T12:00:00Z", "ccpa", "2024-07-15", "2024-06-14",
     "received Friday"},
    {"2000-03-01T00:00:00Z", "US-CA", NULL, "2000-03-01T00:00:00Z", "ccpa", "2000-04-15", "2000-03-15", "year 2000"},
    {"2016-02-29T12:00:00Z", "US-CA", NULL, "2016-02-29T12:00:00Z", "ccpa", "2016-04-14", "2016-03-14",
     "received on a leap day"},
    {"2024-12-25T12:00:00Z", "EU", "ccpa", "2024-12-25T12:00:00Z", "ccpa", "2025-02-08", "2025-01-08",
     "CCPA asked for an EU account; due Saturday stays"},
    {"2021-11-27T12:00:00Z", "US-CA", NULL, "2021-11-27T12:00:00Z", "ccpa", "2022-01-11", "2021-12-10",
     "received Saturday"},
};
enum { N_DEADLINES = sizeof deadlines / sizeof deadlines[0] };

static void test_deadline_row(void **state) {
  const struct deadline_row *row = *state;
  json_t *b = json_pack("{ss ss ss}", "account_id", account_for(row->jurisdiction), "type", "access", "received_at",
                        row->received_at);
  if (row->regime) json_object_set_new(b, "regime", json_string(row->regime));
  struct hresp r;
  post_request(&r, b);
  assert_status(&r, 201);
  assert_string_equal(jstr(r.json, "received_at"), row->want_received);
  assert_string_equal(jstr(r.json, "regime"), row->want_regime);
  char due[32];
  snprintf(due, sizeof due, "%sT23:59:59Z", row->want_due);
  assert_string_equal(jstr(r.json, "due_at"), due);
  if (row->want_ack) {
    char ack[32];
    snprintf(ack, sizeof ack, "%sT23:59:59Z", row->want_ack);
    assert_string_equal(jstr(r.json, "ack_due_at"), ack);
  } else {
    assert_true(json_is_null(jget(r.json, "ack_due_at")));
  }
  assert_false(jbool(r.json, "extended"));
  hresp_free(&r);
}

static void test_deadline_table_is_big_enough(void **state) {
  (void)state;
  assert_true(N_DEADLINES >= 20);
  int gdpr = 0, ccpa = 0;
  for (int i = 0; i < N_DEADLINES; i++) {
    if (strcmp(deadlines[i].want_regime, "gdpr") == 0)
      gdpr++;
    else
      ccpa++;
  }
  assert_true(gdpr >= 10);
  assert_true(ccpa >= 8);
}

int main(void) {
  fx_seed_accounts = 150;
  fx_seed_requests = 100;
  fx_add("create: 201 with Location, ETag and the detail", test_create_201_with_location_and_etag, NULL);
  fx_add("create: regime defaults from the jurisdiction", test_create_regime_defaults_from_jurisdiction, NULL);
  fx_add("create: details required/refused by type", test_create_details_by_type, NULL);
  fx_add("create: received_at not in the future, not before 2000, RFC 3339",
         test_create_received_at_bounds, NULL);
  fx_add("create: unknown account 422, unknown values 400", test_create_unknown_account_and_values, NULL);
  fx_add("request detail has every field; unknown id 404", test_request_detail_and_404, NULL);
  fx_add("queue filters: status, type, assignee, priority, due_before, overdue, account, q", test_queue_filters,
         NULL);
  fx_add("queue q=e-mail prefix: pages through the cursor list the whole result", test_queue_email_prefix_pages,
         NULL);
  fx_add("queue q=e-mail prefix follows a rectified e-mail", test_queue_email_prefix_follows_rectification, NULL);
  fx_add("deadline table has 20+ rows, both regimes", test_deadline_table_is_big_enough, NULL);
  for (int i = 0; i < N_DEADLINES; i++)
    fx_addf(test_deadline_row, (void *)&deadlines[i], "deadline: %s %s received %s -> due %s (%s)",
            deadlines[i].want_regime, deadlines[i].jurisdiction, deadlines[i].received_at, deadlines[i].want_due,
            deadlines[i].why);
  return fx_run("api requests and deadlines");
}
