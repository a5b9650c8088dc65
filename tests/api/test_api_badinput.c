/* The bad-input corpus: every case must be answered with a 4xx problem, and
 * the server must still answer /healthz afterwards. Wrong types are
 * generated per field of every write endpoint from one table.
 *
 * The one error code not provoked anywhere in tests/api is `internal` (500):
 * it means a bug or a storage failure and no input may cause it, which is
 * exactly what this corpus checks from the other side. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/api/fixture.h"

static char acc[32], req_id[32], req_etag[128], hold[32];

static void ensure_targets(void) {
  if (acc[0]) return;
  fx_fresh_account(NULL, acc);
  struct fx_req q;
  fx_create(&q, acc, "access", NULL);
  snprintf(req_id, sizeof req_id, "%s", q.id);
  snprintf(req_etag, sizeof req_etag, "%s", q.etag);
  char other[32];
  fx_fresh_account(NULL, other);
  struct hresp r;
  http_send(&r, "POST", TOK_SUPER, NULL, json_pack("{ss ss s[s]}", "reason", "r", "case_ref", "C", "categories", "*"),
            "/v1/accounts/%s/holds", other);
  assert_status(&r, 201);
  snprintf(hold, sizeof hold, "%s", jstr(r.json, "id"));
  hresp_free(&r);
}

static void healthy(void) {
  struct hresp r;
  http_do(&(struct hreq){.method = "GET", .path = "/healthz"}, &r);
  if (r.status != 200) fail_msg("the server stopped answering /healthz (%ld %s)", r.status, r.curl_error);
  hresp_free(&r);
}

/* Sends rq (token defaults to the supervisor, who may call everything) and expects the problem, then health. */
static void expect(struct hreq rq, long status, const char *code) {
  if (!rq.token && !rq.auth) rq.token = TOK_SUPER;
  struct hresp r;
  http_do(&rq, &r);
  if (r.status != status)
    fail_msg("%s %.120s%s%.60s: expected %ld %s, got %ld %.300s", rq.method, rq.path, rq.body ? " body " : "",
             rq.body ? rq.body : "", status, code, r.status, r.body);
  assert_problem(&r, status, code);
  hresp_free(&r);
  healthy();
}

static void expect_400(const char *method, const char *path, const char *body) {
  expect((struct hreq){.method = method, .path = path, .body = body}, 400, "invalid_input");
}

/* ---- the write endpoints and their fields ---- */

enum kind { STR, OPT_STR, BOOL, OBJ, CATS, ASSIGNEE };

struct field {
  const char *name;
  enum kind kind;
};

static const struct write {
  const char *method, *path; /* %A account, %R request, %H hold */
  const char *base;          /* a valid body (same markers) */
  struct field fields[7];
} writes[] = {
    {"PATCH", "/v1/accounts/%A", "{\"analytics_enabled\": true, \"marketing_consent\": false, \"reason\": \"r\"}",
     {{"analytics_enabled", BOOL}, {"marketing_consent", BOOL}, {"reason", STR}}},
    {"POST", "/v1/requests",
     "{\"account_id\": \"%A\", \"type\": \"rectification\", \"details\": {\"field\": \"name\", \"value\": \"N\"},"
     " \"priority\": \"normal\", \"received_at\": \"2024-01-01T00:00:00Z\", \"regime\": \"gdpr\"}",
     {{"account_id", STR}, {"type", STR}, {"details", OBJ}, {"priority", OPT_STR}, {"received_at", OPT_STR},
      {"regime", OPT_STR}}},
    {"POST", "/v1/requests/%R/assign", "{\"assignee\": \"sam\"}", {{"assignee", ASSIGNEE}}},
    {"POST", "/v1/requests/%R/transition", "{\"to\": \"verifying\", \"reason\": \"r\"}", {{"to", STR}, {"reason", OPT_STR}}},
    {"POST", "/v1/requests/%R/verify", "{\"method\": \"document\", \"note\": \"n\"}", {{"method", STR}, {"note", OPT_STR}}},
    {"POST", "/v1/requests/%R/extend", "{\"reason\": \"r\"}", {{"reason", STR}}},
    {"POST", "/v1/requests/%R/notes", "{\"text\": \"t\"}", {{"text", STR}}},
    {"POST", "/v1/requests/%R/complete", "{\"confirm\": \"x@example.com\"}", {{"confirm", OPT_STR}}},
    {"POST", "/v1/requests/%R/reject", "{\"reason\": \"r\"}", {{"reason", STR}}},
    {"POST", "/v1/accounts/%A/holds", "{\"reason\": \"r\", \"case_ref\": \"C\", \"categories\": [\"email\"]}",
     {{"reason", STR}, {"case_ref", STR}, {"categories", CATS}}},
    {"POST", "/v1/holds/%H/release", "{\"reason\": \"r\"}", {{"reason", STR}}},
};
enum { N_WRITES = sizeof writes / sizeof writes[0] };

/* Replaces %A, %R, %H with the test's ids. */
static void fill(const char *in, char *out, size_t outsz) {
  size_t k = 0;
  for (const char *p = in; *p && k + 40 < outsz; p++) {
    if (p[0] == '%' && (p[1] == 'A' || p[1] == 'R' || p[1] == 'H')) {
      const char *id = p[1] == 'A' ? acc : p[1] == 'R' ? req_id : hold;
      k += (size_t)snprintf(out + k, outsz - k, "%s", id);
      p++;
    } else {
      out[k++] = *p;
    }
  }
  out[k] = '\0';
}

static const char *wrong_values(enum kind kind) {
  switch (kind) {
  case STR:
  case OPT_STR: return "42|1.5|true|false|[]|[\"x\"]|{}|{\"a\": \"b\"}";
  case BOOL: return "\"true\"|1|0|\"yes\"|[]|{}";
  case OBJ: return "42|\"field\"|true|[]|[{\"field\": \"name\"}]";
  case CATS: return "\"*\"|42|true|{}|{\"0\": \"email\"}|[42]|[null]|[[\"email\"]]|[true]";
  case ASSIGNEE: return "42|true|false|[]|{}|[\"sam\"]|1.5";
  }
  return "";
}

struct field_case {
  const struct write *w;
  const struct field *f;
};
static struct field_case field_cases[64];

static void test_wrong_types_of_a_field(void **state) {
  const struct field_case *c = *state;
  ensure_targets();
  char path[160];
  fill(c->w->path, path, sizeof path);
  char base[512];
  fill(c->w->base, base, sizeof base);
  json_t *valid = json_loads(base, 0, NULL);
  assert_non_null(valid);
  char values[256];
  snprintf(values, sizeof values, "%s", wrong_values(c->f->kind));
  for (char *save = NULL, *v = strtok_r(values, "|", &save); v; v = strtok_r(NULL, "|", &save)) {
    json_t *body = json_deep_copy(valid);
    json_object_set_new(body, c->f->name, json_loads(v, JSON_DECODE_ANY, NULL));
    char *text = json_dumps(body, JSON_COMPACT);
    expect((struct hreq){.method = c->w->method, .path = path, .body = text,
                         .if_match = strcmp(c->w->method, "PATCH") == 0 ? "\"1\"" : req_etag},
           400, "invalid_input");
    free(text);
    json_decref(body);
  }
  /* a required field that is absent or null */
  if (c->f->kind == STR || c->f->kind == BOOL || c->f->kind == CATS || c->f->kind == ASSIGNEE) {
    json_t *body = json_deep_copy(valid);
    json_object_del(body, c->f->name);
    if (c->f->kind == BOOL) json_object_del(body, strcmp(c->f->name, "analytics_enabled") ? "analytics_enabled"
                                                                                          : "marketing_consent");
    char *text = json_dumps(body, JSON_COMPACT);
    expect((struct hreq){.method = c->w->method, .path = path, .body = text, .if_match = req_etag}, 400,
           "invalid_input");
    free(text);
    json_decref(body);
  }
  json_decref(valid);
}

static void test_unknown_fields_on_every_write(void **state) {
  (void)state;
  ensure_targets();
  for (int i = 0; i < N_WRITES; i++) {
    char path[160], base[512], body[600];
    fill(writes[i].path, path, sizeof path);
    fill(writes[i].base, base, sizeof base);
    static const char *const extra[] = {"\"extra\": 1", "\"Reason\": \"r\"", "\"\": null", "\"id\": \"x\""};
    for (size_t e = 0; e < sizeof extra / sizeof extra[0]; e++) {
      snprintf(body, sizeof body, "{%s, %s", extra[e], base + 1);
      expect((struct hreq){.method = writes[i].method, .path = path, .body = body, .if_match = req_etag}, 400,
             "invalid_input");
    }
  }
}

/* ---- malformed bodies ---- */

static void test_malformed_bodies(void **state) {
  (void)state;
  ensure_targets();
  char notes[96];
  snprintf(notes, sizeof notes, "/v1/requests/%s/notes", req_id);
  static const char *const bodies[] = {
      "[]", "\"text\"", "42", "null", "true", "{", "{\"text\": }", "{\"text\": \"a\"} trailing", "{'text': 'a'}",
      "{\"text\": \"a\",}", "{\"text\": \"a\", \"text\": \"b\"}", /* duplicate keys */
      "{\"text\": \"\\u0000nul\"}", "{\"text\": \"\\ud800\"}", "{\"text\": 1e999}", "{\"text\": 123456789012345678901234567890}",
      " ", "\xef\xbb\xbf{\"text\": \"bom\"}"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) expect_400("POST", notes, bodies[i]);
  /* invalid UTF-8 inside strings: a lone continuation byte, overlong, a surrogate, truncated, 0xFF */
  static const char *const utf8[] = {"{\"text\": \"a\x80\"}", "{\"text\": \"\xc0\xaf\"}", "{\"text\": \"\xed\xa0\x80\"}",
                                     "{\"text\": \"\xe2\x82\"}", "{\"text\": \"\xff\"}", "{\"te\xffxt\": \"a\"}"};
  for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++) expect_400("POST", notes, utf8[i]);
  /* an empty body where one is required */
  expect((struct hreq){.method = "POST", .path = "/v1/requests"}, 400, "invalid_input");
  expect((struct hreq){.method = "POST", .path = notes}, 400, "invalid_input");
  /* deeply nested JSON, at top level and inside a field */
  enum { DEPTH = 30000 };
  char *deep = malloc(2 * DEPTH + 64);
  memset(deep, '[', DEPTH);
  memset(deep + DEPTH, ']', DEPTH);
  deep[2 * DEPTH] = '\0';
  expect_400("POST", notes, deep);
  int k = snprintf(deep, 32, "{\"text\": ");
  for (int i = 0; i < 5000; i++) k += snprintf(deep + k, 8, "{\"a\":");
  deep[k++] = '1';
  for (int i = 0; i < 5000; i++) deep[k++] = '}';
  deep[k++] = '}';
  deep[k] = '\0';
  expect_400("POST", notes, deep);
  free(deep);
}

static void test_wrong_content_type_is_415(void **state) {
  (void)state;
  ensure_targets();
  char notes[96];
  snprintf(notes, sizeof notes, "/v1/requests/%s/notes", req_id);
  static const char *const types[] = {"text/plain", "application/x-www-form-urlencoded", "application/jsonx",
                                      "multipart/form-data; boundary=x", "", "application/xml", "json"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    expect((struct hreq){.method = "POST", .path = notes, .body = "{\"text\": \"t\"}", .content_type = types[i]}, 415,
           "invalid_input");
  /* application/json with a charset is fine */
  struct hresp r;
  http_do(&(struct hreq){.method = "POST", .path = notes, .token = TOK_AGENT, .body = "{\"text\": \"t\"}",
                         .content_type = "application/json; charset=utf-8"},
          &r);
  assert_status(&r, 201);
  hresp_free(&r);
}

/* ---- sizes ---- */

static void test_oversized_bodies_are_413(void **state) {
  (void)state;
  ensure_targets();
  char notes[96];
  snprintf(notes, sizeof notes, "/v1/requests/%s/notes", req_id);
  size_t sizes[] = {65 * 1024, 1024 * 1024, 64 * 1024 + 1};
  for (size_t s = 0; s < 3; s++) {
    char *body = malloc(sizes[s] + 1);
    memset(body, ' ', sizes[s]);
    memcpy(body, "{\"text\": \"", 10);
    memset(body + 10, 'x', sizes[s] - 12);
    memcpy(body + sizes[s] - 2, "\"}", 2);
    body[sizes[s]] = '\0';
    for (int chunked = 0; chunked < 2; chunked++)
      expect((struct hreq){.method = "POST", .path = notes, .body = body, .body_len = sizes[s], .chunked = chunked},
             413, "payload_too_large");
    free(body);
  }
  /* exactly 64 KiB is not too large: this one fails on the note's length instead */
  char *body = malloc(64 * 1024 + 1);
  memset(body, 'x', 64 * 1024);
  memcpy(body, "{\"text\": \"", 10);
  memcpy(body + 64 * 1024 - 2, "\"}", 2);
  body[64 * 1024] = '\0';
  expect_400("POST", notes, body);
  /* white space padding to 64 KiB around a valid note is accepted */
  memset(body, ' ', 64 * 1024);
  memcpy(body, "{\"text\": \"padded\"}", 18);
  struct hresp r;
  http_do(&(struct hreq){.method = "POST", .path = notes, .token = TOK_AGENT, .body = body, .body_len = 64 * 1024}, &r);
  assert_status(&r, 201);
  hresp_free(&r);
  free(body);
}

static void test_text_length_limits(void **state) {
  (void)state;
  ensure_targets();
  char path[96];
  char *big = malloc(5000);
  /* note 4001 characters (multi-byte ones count once) */
  int k = snprintf(big, 64, "{\"text\": \"");
  for (int i = 0; i < 4001; i++) big[k++] = 'n';
  snprintf(big + k, 8, "\"}");
  snprintf(path, sizeof path, "/v1/requests/%s/notes", req_id);
  expect_400("POST", path, big);
  /* reason 2001 characters on reject */
  k = snprintf(big, 64, "{\"reason\": \"");
  for (int i = 0; i < 2001; i++) big[k++] = 'r';
  snprintf(big + k, 8, "\"}");
  snprintf(path, sizeof path, "/v1/requests/%s/reject", req_id);
  expect((struct hreq){.method = "POST", .path = path, .body = big, .if_match = req_etag}, 400, "invalid_input");
  /* case_ref 129 characters */
  k = snprintf(big, 64, "{\"reason\": \"r\", \"categories\": [\"*\"], \"case_ref\": \"");
  for (int i = 0; i < 129; i++) big[k++] = 'c';
  snprintf(big + k, 8, "\"}");
  snprintf(path, sizeof path, "/v1/accounts/%s/holds", acc);
  expect_400("POST", path, big);
  /* a rectified name of 201 characters */
  k = snprintf(big, 128, "{\"account_id\": \"%s\", \"type\": \"rectification\", \"details\": {\"field\": \"name\", \"value\": \"",
               acc);
  for (int i = 0; i < 201; i++) big[k++] = 'a';
  snprintf(big + k, 8, "\"}}");
  expect_400("POST", "/v1/requests", big);
  free(big);
}

/* ---- queries ---- */

static const char *const lists[] = {"/v1/accounts", "/v1/requests", "/v1/holds", "/v1/audit"};

static void test_bad_limits_and_query_parameters(void **state) {
  (void)state;
  for (size_t l = 0; l < 4; l++) {
    static const char *const limits[] = {"0", "201", "-1", "abc", "1.5", "", "1e2", "%20"};
    char path[128];
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
      snprintf(path, sizeof path, "%s?limit=%s", lists[l], limits[i]);
      expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
    }
    snprintf(path, sizeof path, "%s?limit=1&limit=2", lists[l]); /* duplicated */
    expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
    snprintf(path, sizeof path, "%s?lmit=5", lists[l]); /* unknown */
    expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
    snprintf(path, sizeof path, "%s?cursor=%%FF%%FE", lists[l]);
    expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
    snprintf(path, sizeof path, "%s?cursor=bm90IGEgY3Vyc29y", lists[l]);
    expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
  }
  static const char *const bad[] = {"/v1/me?verbose=1", "/v1/stats?x=", "/v1/audit/verify?deep=true",
                                    "/v1/requests?status=bogus", "/v1/requests?status=open,", "/v1/requests?type=deletion",
                                    "/v1/requests?overdue=maybe", "/v1/requests?due_before=tomorrow",
                                    "/v1/requests?priority=high", "/v1/requests?sort=id", "/v1/requests?sort=due_at&sort=-due_at",
                                    "/v1/holds?status=open", "/v1/accounts?q=", "/v1/requests?q=",
                                    "/v1/requests?status=new&status=waiting", "/v1/audit?actor="};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect((struct hreq){.method = "GET", .path = bad[i]}, 400, "invalid_input");
  /* q over 254 bytes */
  char path[400];
  int k = snprintf(path, sizeof path, "/v1/accounts?q=");
  for (int i = 0; i < 255; i++) path[k++] = 'q';
  path[k] = '\0';
  expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
  /* too many parameters, and a value over 512 bytes */
  k = snprintf(path, sizeof path, "/v1/requests?status=open");
  for (int i = 0; i < 16; i++) k += snprintf(path + k, sizeof path - (size_t)k, "&p%d=1", i);
  expect((struct hreq){.method = "GET", .path = path}, 400, "invalid_input");
  char *longv = malloc(700);
  k = snprintf(longv, 64, "/v1/requests?cursor=");
  memset(longv + k, 'A', 600);
  longv[k + 600] = '\0';
  expect((struct hreq){.method = "GET", .path = longv}, 400, "invalid_input");
  free(longv);
  /* invalid UTF-8 in query values and names */
  static const char *const utf8[] = {"/v1/accounts?q=%FF", "/v1/accounts?q=%C0%AF", "/v1/requests?q=a%80",
                                     "/v1/requests?status=%ED%A0%80", "/v1/audit?actor=%E2%82", "/v1/holds?st%FFatus=active"};
  for (size_t i = 0; i < sizeof utf8 / sizeof utf8[0]; i++)
    expect((struct hreq){.method = "GET", .path = utf8[i]}, 400, "invalid_input");
}

/* SQL meta-characters are data: they match nothing they should not, and ids with them are 404. */
static void test_sql_meta_characters(void **state) {
  (void)state;
  static const char *const metas[] = {"' OR 1=1 --", "%", "_", "\"", "'; DROP TABLE accounts; --", "\\", "%_%",
                                      "acc_' OR '1'='1", "req_%", "*", "NEAR(a b)", "\" OR \"\"=\""};
  for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++) {
    const char *enc = urlenc(metas[i]);
    char path[256];
    snprintf(path, sizeof path, "/v1/accounts?q=%s", enc);
    struct hresp r;
    http_get(&r, TOK_VIEWER, "%s", path);
    assert_status(&r, 200);
    size_t n;
    json_t *a;
    json_array_foreach(jget(r.json, "items"), n, a) { /* anything found really contains the text */
      if (!strstr(jstr(a, "name"), metas[i]) && strncmp(jstr(a, "email"), metas[i], strlen(metas[i])) != 0)
        fail_msg("q=%s matched %s (%s)", metas[i], jstr(a, "email"), jstr(a, "name"));
    }
    assert_true(json_array_size(jget(r.json, "items")) < 50);
    hresp_free(&r);
    static const char *const queue[] = {"q", "account_id", "assignee"};
    for (size_t p = 0; p < 3; p++) {
      snprintf(path, sizeof path, "/v1/requests?%s=%s", queue[p], enc);
      http_get(&r, TOK_VIEWER, "%s", path);
      assert_status(&r, 200);
      assert_int_equal(json_array_size(jget(r.json, "items")), 0);
      hresp_free(&r);
    }
    snprintf(path, sizeof path, "/v1/audit?actor=%s", enc);
    http_get(&r, TOK_VIEWER, "%s", path);
    assert_status(&r, 200);
    assert_int_equal(json_array_size(jget(r.json, "items")), 0);
    hresp_free(&r);
    static const char *const ids[][2] = {{"/v1/accounts/", ""}, {"/v1/requests/", ""}, {"/v1/holds/", ""},
                                         {"/v1/accounts/", "/inventory"}};
    for (size_t p = 0; p < 4; p++) {
      snprintf(path, sizeof path, "%s%s%s", ids[p][0], enc, ids[p][1]);
      expect((struct hreq){.method = "GET", .path = path}, 404, "not_found");
    }
    char body[256];
    snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"access\"}", metas[i][0] == '"' || metas[i][0] == '\\' ? "x" : metas[i]);
    expect((struct hreq){.method = "POST", .path = "/v1/requests", .body = body}, 422, "invalid_input");
  }
  /* the tables are all still there */
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts?limit=1");
  assert_int_equal(json_array_size(jget(r.json, "items")), 1);
  hresp_free(&r);
}

static void test_overlong_ids_and_path_traversal(void **state) {
  (void)state;
  char *path = malloc(20000);
  static const char *const prefixes[] = {"/v1/accounts/", "/v1/requests/", "/v1/holds/"};
  for (size_t p = 0; p < 3; p++) {
    size_t lens[] = {65, 300, 8000};
    for (size_t l = 0; l < 3; l++) {
      int k = snprintf(path, 64, "%sacc_", prefixes[p]);
      memset(path + k, 'a', lens[l]);
      path[k + (int)lens[l]] = '\0';
      expect((struct hreq){.method = "GET", .path = path}, 404, "not_found");
    }
  }
  free(path);
  static const char *const traversal[] = {
      "/v1/accounts/../../etc/passwd", "/v1/requests/..%2F..%2Fetc%2Fpasswd", "/v1/../v1/me/..",
      "/v1/requests/%2e%2e/%2e%2e/", "/v1//requests", "/v1/requests/", "/v1/holds/./hld_aaaaaaaaaaaaaaaa",
      "//v1/me", "/v1/accounts/%00", "/v1/requests/req_x/notes/../../..", "/V1/ME", "/v1/me/"};
  for (size_t i = 0; i < sizeof traversal / sizeof traversal[0]; i++)
    expect((struct hreq){.method = "GET", .path = traversal[i]}, 404, "not_found");
}

static void test_methods_not_allowed_405_with_allow(void **state) {
  (void)state;
  ensure_targets();
  char req[96], complete[128];
  snprintf(req, sizeof req, "/v1/requests/%s", req_id);
  snprintf(complete, sizeof complete, "/v1/requests/%s/complete", req_id);
  const struct {
    const char *method, *path, *allow;
  } cases[] = {{"DELETE", "/v1/requests", "GET, POST"}, {"PUT", "/v1/requests", "GET, POST"},
               {"PATCH", req, "GET"},                   {"DELETE", req, "GET"},
               {"GET", complete, "POST"},               {"POST", "/v1/stats", "GET"},
               {"PUT", "/v1/me", "GET"},                {"POST", "/healthz", "GET"},
               {"OPTIONS", "/v1/audit", "GET"},         {"POST", "/v1/audit/verify", "GET"},
               {"DELETE", "/v1/holds", "GET"}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct hresp r;
    http_do(&(struct hreq){.method = cases[i].method, .path = cases[i].path, .token = TOK_SUPER}, &r);
    assert_problem(&r, 405, "invalid_input");
    if (strcmp(r.allow, cases[i].allow) != 0)
      fail_msg("%s %s: Allow \"%s\", expected \"%s\"", cases[i].method, cases[i].path, r.allow, cases[i].allow);
    hresp_free(&r);
    healthy();
  }
  char account[96];
  snprintf(account, sizeof account, "/v1/accounts/%s", acc);
  struct hresp r;
  http_do(&(struct hreq){.method = "DELETE", .path = account, .token = TOK_SUPER}, &r);
  assert_problem(&r, 405, "invalid_input");
  assert_string_equal(r.allow, "GET, PATCH");
  hresp_free(&r);
}

/* ---- bodies sent without waiting for an early answer ---- */

static int raw_connect(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)fx_srv.port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  struct timeval tv = {.tv_sec = 30};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

/* Writes all of data; returns the bytes written before an error. */
static size_t raw_send(int fd, const char *data, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t w = send(fd, data + done, n - done, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t)w;
  }
  return done;
}

/* Reads one response (headers and its Content-Length body); returns its
 * status, 0 when the connection ended or failed first. */
static int raw_read_response(int fd) {
  char buf[8192];
  size_t len = 0;
  for (;;) {
    buf[len] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (end) {
      const char *cl = strstr(buf, "Content-Length: ");
      size_t want = (size_t)(end + 4 - buf) + (cl && cl < end ? strtoul(cl + 16, NULL, 10) : 0);
      if (len >= want) {
        int status = 0;
        return sscanf(buf, "HTTP/1.1 %d", &status) == 1 ? status : 0;
      }
    }
    if (len == sizeof buf - 1) return 0;
    ssize_t r = recv(fd, buf + len, sizeof buf - 1 - len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    len += (size_t)r;
  }
}

/* A client that sends its whole body at once, without Expect: 100-continue,
 * still reads the answer the headers decided (413 by Content-Length, 401 for
 * a bad token): the server reads and drops the body before answering rather
 * than closing on it, which would reset the connection under the client. The
 * pause lets the server decide before the body starts, the order that used
 * to lose the answer. The connection then serves the next request. */
static void test_early_answer_reaches_a_client_that_sends_its_body(void **state) {
  (void)state;
  ensure_targets();
  const size_t size = 4 * 1024 * 1024;
  char *body = malloc(size);
  assert_non_null(body);
  memset(body, 'x', size);
  struct {
    const char *token;
    int status;
  } cases[] = {{TOK_SUPER, 413}, {"pdt_not_a_token", 401}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int fd = raw_connect();
    char head[512];
    int n = snprintf(head, sizeof head,
                     "POST /v1/requests/%s/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     req_id, cases[i].token, size);
    assert_int_equal(raw_send(fd, head, (size_t)n), (size_t)n);
    poll(&(struct pollfd){.fd = fd, .events = POLLIN}, 1, 300);
    size_t sent = raw_send(fd, body, size);
    if (sent != size) fail_msg("case %zu: the server cut the body off after %zu of %zu bytes", i, sent, size);
    int status = raw_read_response(fd);
    if (status != cases[i].status) fail_msg("case %zu: expected %d, read %d", i, cases[i].status, status);
    const char *next = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    assert_int_equal(raw_send(fd, next, strlen(next)), strlen(next));
    assert_int_equal(raw_read_response(fd), 200);
    close(fd);
  }
  free(body);
  healthy();
}

/* Draining is bounded: a chunked body that never ends is answered and cut
 * off after a few MiB, not read to its end. */
static void test_an_endless_chunked_body_is_cut_off(void **state) {
  (void)state;
  ensure_targets();
  int fd = raw_connect();
  char head[512];
  int n = snprintf(head, sizeof head,
                   "POST /v1/requests/%s/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                   req_id, TOK_SUPER);
  assert_int_equal(raw_send(fd, head, (size_t)n), (size_t)n);
  static char chunk[65536 + 16];
  int hl = snprintf(chunk, sizeof chunk, "10000\r\n");
  memset(chunk + hl, 'x', 65536);
  memcpy(chunk + hl + 65536, "\r\n", 2);
  size_t chunk_len = (size_t)hl + 65536 + 2, total = 0;
  const size_t give_up = (size_t)256 * 1024 * 1024;
  while (total < give_up && raw_send(fd, chunk, chunk_len) == chunk_len) total += chunk_len;
  if (total >= give_up) fail_msg("the server read %zu bytes of an endless body", total);
  close(fd);
  healthy();
}

int main(void) {
  fx_seed_accounts = 120;
  fx_seed_requests = 30;
  size_t n = 0;
  for (int i = 0; i < N_WRITES; i++)
    for (int f = 0; f < 7 && writes[i].fields[f].name; f++) {
      field_cases[n] = (struct field_case){&writes[i], &writes[i].fields[f]};
      fx_addf(test_wrong_types_of_a_field, &field_cases[n], "wrong types: %s %s field %s", writes[i].method,
              writes[i].path, writes[i].fields[f].name);
      n++;
    }
  fx_add("unknown fields on every write are 400", test_unknown_fields_on_every_write, NULL);
  fx_add("malformed bodies: non-objects, syntax, duplicate keys, bad UTF-8, empty, deep nesting",
         test_malformed_bodies, NULL);
  fx_add("wrong Content-Type is 415", test_wrong_content_type_is_415, NULL);
  fx_add("bodies over 64 KiB (65 KiB, 1 MiB, plain and chunked) are 413", test_oversized_bodies_are_413, NULL);
  fx_add("an early 413 or 401 reaches a client that sends its 4 MiB body without waiting",
         test_early_answer_reaches_a_client_that_sends_its_body, NULL);
  fx_add("an endless chunked body is cut off after a few MiB", test_an_endless_chunked_body_is_cut_off, NULL);
  fx_add("text fields over their length are 400", test_text_length_limits, NULL);
  fx_add("bad limits, unknown, duplicated and invalid query parameters are 400", test_bad_limits_and_query_parameters,
         NULL);
  fx_add("SQL meta-characters in q, filters and ids", test_sql_meta_characters, NULL);
  fx_add("overlong ids and path traversal are 404", test_overlong_ids_and_path_traversal, NULL);
  fx_add("methods not allowed: 405 with Allow", test_methods_not_allowed_405_with_allow, NULL);
  return fx_run("api bad input");
}
