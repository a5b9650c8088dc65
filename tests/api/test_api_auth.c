/* Authentication, roles and the rate limit: who may call what (DESIGN.md
 * section 3, docs/api.md "Errors" and "Endpoints"). The authorization
 * matrix is generated from the server's route table (route_table()) and one
 * table of expectations: every route x {viewer, agent, supervisor, no token,
 * unknown token, revoked token}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "server/routes.h"
#include "tests/api/fixture.h"
#include "tests/harness/pg.h"

/* ---- authentication ---- */

static void check_unauthenticated(const struct hreq *rq) {
  struct hresp r;
  http_do(rq, &r);
  assert_problem(&r, 401, "unauthenticated");
  assert_true(strncmp(r.www_auth, "Bearer", 6) == 0);
  hresp_free(&r);
}

static void test_no_token_is_401(void **state) {
  (void)state;
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me"});
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/stats"});
  check_unauthenticated(&(struct hreq){.method = "POST", .path = "/v1/requests", .body = "{}"});
}

static void test_malformed_authorization_is_401(void **state) {
  (void)state;
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .auth = "Basic YWxpY2U6c2VjcmV0"});
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .auth = "Bearer"});
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .auth = "Bearer    "});
  char long_token[400];
  memset(long_token, 'x', sizeof long_token - 1);
  long_token[sizeof long_token - 1] = '\0';
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .token = long_token});
}

static void test_unknown_token_is_401(void **state) {
  (void)state;
  check_unauthenticated(
      &(struct hreq){.method = "GET", .path = "/v1/me", .token = "pdt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
  /* a real token with one character changed */
  char bent[PD_TEST_TOKEN_MAX];
  snprintf(bent, sizeof bent, "%s", TOK_AGENT);
  bent[strlen(bent) - 1] = bent[strlen(bent) - 1] == 'A' ? 'B' : 'A';
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .token = bent});
}

static void test_revoked_token_is_401(void **state) {
  (void)state;
  char token[PD_TEST_TOKEN_MAX];
  const char *add[] = {"user", "add", "rita", "--role", "agent", "--quiet", NULL};
  assert_int_equal(pd_test_privdeskd_run(&fx_srv, token, sizeof token, add), 0);
  struct hresp r;
  http_get(&r, token, "/v1/me");
  assert_status(&r, 200);
  assert_string_equal(jstr(r.json, "user"), "rita");
  hresp_free(&r);
  char out[256];
  const char *revoke[] = {"user", "revoke", "rita", NULL};
  assert_int_equal(pd_test_privdeskd_run(&fx_srv, out, sizeof out, revoke), 0);
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/me", .token = token});
  check_unauthenticated(&(struct hreq){.method = "POST", .path = "/v1/requests", .token = token, .body = "{}"});
}

static void test_auth_comes_before_routing(void **state) {
  (void)state;
  /* docs/api.md: authentication (401) is checked before the route (404) */
  check_unauthenticated(&(struct hreq){.method = "GET", .path = "/v1/no-such-thing"});
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/no-such-thing");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
  http_get(&r, TOK_VIEWER, "/v2/me");
  assert_problem(&r, 404, "not_found");
  hresp_free(&r);
}

static void test_healthz_needs_no_token(void **state) {
  (void)state;
  struct hresp r;
  http_do(&(struct hreq){.method = "GET", .path = "/healthz"}, &r);
  assert_status(&r, 200);
  assert_true(strncmp(r.content_type, "application/json", 16) == 0);
  assert_string_equal(jstr(r.json, "status"), "ok");
  hresp_free(&r);
  /* a bad token does not matter there either */
  http_do(&(struct hreq){.method = "GET", .path = "/healthz", .token = "nonsense"}, &r);
  assert_status(&r, 200);
  hresp_free(&r);
}

static void test_me_names_user_and_role(void **state) {
  (void)state;
  const struct {
    const char *token, *user, *role;
  } who[] = {{TOK_VIEWER, "vera", "viewer"}, {TOK_AGENT, "alice", "agent"}, {TOK_AGENT2, "bob", "agent"},
             {TOK_SUPER, "sam", "supervisor"}};
  for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
    struct hresp r;
    http_get(&r, who[i].token, "/v1/me");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "user"), who[i].user);
    assert_string_equal(jstr(r.json, "role"), who[i].role);
    const char *t = jstr(r.json, "server_time");
    assert_non_null(t);
    assert_int_equal(strlen(t), 20);
    assert_int_equal(t[19], 'Z');
    hresp_free(&r);
  }
}

/* Does the file contain needle? */
static bool file_contains(const char *path, const char *needle) {
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  size_t n = strlen(needle), cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  bool found = false;
  for (size_t i = 0; i + n <= len && !found; i++) found = memcmp(buf + i, needle, n) == 0;
  free(buf);
  return found;
}

/* The PostgreSQL store: the same checks on a dump of the whole database. */
static void tokens_are_stored_hashed_pg(void) {
  char out[256];
  assert_int_equal(pd_test_server_sql(&fx_srv,
                                      "SELECT count(*) FILTER (WHERE octet_length(token_hash) = 32"
                                      " AND pg_typeof(token_hash) = 'bytea'::regtype) || ' ' || count(*) FROM users",
                                      out, sizeof out), 0);
  long hashed = 0, users = 0;
  assert_int_equal(sscanf(out, "%ld %ld", &hashed, &users), 2);
  assert_true(users >= 4);
  assert_int_equal(hashed, users);
  char dump[PATH_MAX + 32];
  snprintf(dump, sizeof dump, "%s/dump.sql", fx_srv.dir);
  assert_int_equal(pd_test_pg_dump(fx_srv.db, dump), 0);
  const char *tokens[] = {TOK_VIEWER, TOK_AGENT, TOK_AGENT2, TOK_SUPER};
  for (size_t i = 0; i < 4; i++) {
    assert_true(strlen(tokens[i]) >= 32);
    assert_true(file_contains(dump, "alice")); /* the dump has the data */
    assert_false(file_contains(dump, tokens[i]));
  }
}

/* Tokens are stored hashed: the database (and its write-ahead log) never holds one. */
static void test_tokens_are_stored_hashed(void **state) {
  (void)state;
  if (fx_srv.pg) {
    tokens_are_stored_hashed_pg();
    return;
  }
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(fx_srv.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, length(token_hash), typeof(token_hash) FROM users", -1, &st, NULL),
                   SQLITE_OK);
  int users = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    users++;
    assert_int_equal(sqlite3_column_int(st, 1), 32);
    assert_string_equal((const char *)sqlite3_column_text(st, 2), "blob");
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  assert_true(users >= 4);
  const char *tokens[] = {TOK_VIEWER, TOK_AGENT, TOK_AGENT2, TOK_SUPER};
  char wal[PATH_MAX + 32];
  snprintf(wal, sizeof wal, "%s-wal", fx_srv.db);
  for (size_t i = 0; i < 4; i++) {
    assert_true(strlen(tokens[i]) >= 32); /* random enough to be long */
    assert_false(file_contains(fx_srv.db, tokens[i]));
    assert_false(file_contains(wal, tokens[i]));
  }
}

/* ---- the authorization matrix: one table, every route x every caller ---- */

enum { VIEWER, AGENT, SUPERVISOR, N_ROLES };
static const char *const role_names[N_ROLES] = {"viewer", "agent", "supervisor"};
static const char *const user_names[N_ROLES] = {"vera", "alice", "sam"};

static const char *role_token(int role) {
  return role == VIEWER ? TOK_VIEWER : role == AGENT ? TOK_AGENT : TOK_SUPER;
}

/* What one call of the matrix sends. */
struct call {
  const char *method;
  char path[160];
  json_t *body;
  char if_match[128];
};

static char matrix_account[32];

static void matrix_request(struct fx_req *q, const char *type, bool in_progress) {
  if (!matrix_account[0]) fx_fresh_account("EU", matrix_account);
  json_t *extra = strcmp(type, "objection") == 0 ? json_pack("{s{ss}}", "details", "processing", "marketing") : NULL;
  fx_create(q, matrix_account, type, extra);
  if (in_progress) fx_to_in_progress(q, false);
}

static void on_request(struct call *c, const struct fx_req *q, const char *action, json_t *body) {
  c->method = "POST";
  snprintf(c->path, sizeof c->path, "/v1/requests/%s/%s", q->id, action);
  snprintf(c->if_match, sizeof c->if_match, "%s", q->etag);
  c->body = body;
}

static void prep_patch_account(struct call *c, int role) {
  (void)role;
  char id[32];
  fx_fresh_account(NULL, id);
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", id);
  c->method = "PATCH";
  snprintf(c->path, sizeof c->path, "/v1/accounts/%s", id);
  snprintf(c->if_match, sizeof c->if_match, "%s", r.etag);
  c->body = json_pack("{sb ss}", "analytics_enabled", !jbool(r.json, "analytics_enabled"), "reason",
                      "customer asked by phone");
  hresp_free(&r);
}

static void prep_place_hold(struct call *c, int role) {
  (void)role;
  char id[32];
  fx_fresh_account(NULL, id);
  c->method = "POST";
  snprintf(c->path, sizeof c->path, "/v1/accounts/%s/holds", id);
  c->body = json_pack("{ss ss s[s]}", "reason", "chargeback", "case_ref", "CASE-M", "categories", "transactions");
}

static void prep_release_hold(struct call *c, int role) {
  (void)role;
  char id[32];
  fx_fresh_account(NULL, id);
  struct hresp r;
  json_t *b = json_pack("{ss ss s[s]}", "reason", "chargeback", "case_ref", "CASE-R", "categories", "*");
  http_send(&r, "POST", TOK_SUPER, NULL, b, "/v1/accounts/%s/holds", id);
  assert_status(&r, 201);
  c->method = "POST";
  snprintf(c->path, sizeof c->path, "/v1/holds/%s/release", jstr(r.json, "id"));
  snprintf(c->if_match, sizeof c->if_match, "%s", r.etag);
  c->body = json_pack("{ss}", "reason", "resolved");
  hresp_free(&r);
}

static void prep_create_request(struct call *c, int role) {
  (void)role;
  if (!matrix_account[0]) fx_fresh_account("EU", matrix_account);
  c->method = "POST";
  snprintf(c->path, sizeof c->path, "/v1/requests");
  c->body = json_pack("{ss ss}", "account_id", matrix_account, "type", "access");
}

static void prep_assign(struct call *c, int role) {
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "assign", json_pack("{ss}", "assignee", user_names[role]));
}

static void prep_transition(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "transition", json_pack("{ss}", "to", "verifying"));
}

static void prep_verify(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "verify", json_pack("{ss ss}", "method", "email_link", "note", ""));
}

static void prep_extend(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "extend", json_pack("{ss}", "reason", "several systems to search"));
}

static void prep_note(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "notes", json_pack("{ss}", "text", "called the customer"));
  c->if_match[0] = '\0'; /* notes need no If-Match */
}

static void prep_complete(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "objection", true);
  on_request(c, &q, "complete", json_object());
}

static void prep_reject(struct call *c, int role) {
  (void)role;
  struct fx_req q;
  matrix_request(&q, "access", false);
  on_request(c, &q, "reject", json_pack("{ss}", "reason", "not the account holder"));
}

/* Reads: a resource of each kind, made once. */
static char read_account[32], read_request[32], read_erasure[32], read_export[32], read_hold[32];

static void prep_reads(void) {
  if (read_account[0]) return;
  fx_fresh_account(NULL, read_account);
  struct fx_req q;
  matrix_request(&q, "access", false);
  snprintf(read_request, sizeof read_request, "%s", q.id);
  matrix_request(&q, "erasure", false);
  snprintf(read_erasure, sizeof read_erasure, "%s", q.id);
  /* a completed access request has an export */
  matrix_request(&q, "access", true);
  struct hresp r;
  http_send(&r, "POST", TOK_AGENT, q.etag, json_pack("{ss ss}", "method", "document", "note", ""),
            "/v1/requests/%s/verify", q.id);
  assert_status(&r, 200);
  snprintf(q.etag, sizeof q.etag, "%s", r.etag);
  hresp_free(&r);
  http_send(&r, "POST", TOK_AGENT, q.etag, json_object(), "/v1/requests/%s/complete", q.id);
  assert_status(&r, 200);
  hresp_free(&r);
  snprintf(read_export, sizeof read_export, "%s", q.id);
  char acc[32];
  fx_fresh_account(NULL, acc);
  json_t *b = json_pack("{ss ss s[s]}", "reason", "chargeback", "case_ref", "CASE-G", "categories", "email");
  http_send(&r, "POST", TOK_SUPER, NULL, b, "/v1/accounts/%s/holds", acc);
  assert_status(&r, 201);
  snprintf(read_hold, sizeof read_hold, "%s", jstr(r.json, "id"));
  hresp_free(&r);
}

/* GET pattern with its {} replaced by id. */
static void get_path(struct call *c, const char *pattern, const char *id) {
  prep_reads();
  c->method = "GET";
  const char *brace = strstr(pattern, "{}");
  snprintf(c->path, sizeof c->path, "%.*s%s%s", (int)(brace - pattern), pattern, id, brace + 2);
}

static void prep_plain_get(struct call *c, int role) { (void)c, (void)role; }
static void prep_get_account(struct call *c, int role) { (void)role, get_path(c, "/v1/accounts/{}", read_account); }
static void prep_get_inventory(struct call *c, int role) {
  (void)role, get_path(c, "/v1/accounts/{}/inventory", read_account);
}
static void prep_get_request(struct call *c, int role) { (void)role, get_path(c, "/v1/requests/{}", read_request); }
static void prep_get_preview(struct call *c, int role) {
  (void)role, get_path(c, "/v1/requests/{}/erasure-preview", read_erasure);
}
static void prep_get_export(struct call *c, int role) { (void)role, get_path(c, "/v1/requests/{}/export", read_export); }
static void prep_get_hold(struct call *c, int role) { (void)role, get_path(c, "/v1/holds/{}", read_hold); }

/* THE expectation table: every route of server/routes.c (the coverage test
 * fails on a route without a row here, or a row without a route), the
 * least role DESIGN.md gives it (PUBLIC: no token needed), the status of an
 * allowed call, and how to make a call that succeeds. Each row is tried by
 * every role and without a token, with an unknown token and with a revoked
 * supervisor's token. */
enum { PUBLIC = -1 };
static const struct endpoint {
  const char *method, *pattern; /* as in server/routes.c */
  int min_role;
  long ok_status;
  void (*prepare)(struct call *c, int role);
} endpoints[] = {
    {"GET", "/healthz", PUBLIC, 200, prep_plain_get},
    {"GET", "/metrics", PUBLIC, 200, prep_plain_get},
    {"GET", "/v1/me", VIEWER, 200, prep_plain_get},
    {"GET", "/v1/stats", VIEWER, 200, prep_plain_get},
    {"GET", "/v1/accounts", VIEWER, 200, prep_plain_get},
    {"GET", "/v1/accounts/{}", VIEWER, 200, prep_get_account},
    {"PATCH", "/v1/accounts/{}", AGENT, 200, prep_patch_account},
    {"GET", "/v1/accounts/{}/inventory", VIEWER, 200, prep_get_inventory},
    {"POST", "/v1/accounts/{}/holds", SUPERVISOR, 201, prep_place_hold},
    {"GET", "/v1/requests", VIEWER, 200, prep_plain_get},
    {"POST", "/v1/requests", AGENT, 201, prep_create_request},
    {"GET", "/v1/requests/{}", VIEWER, 200, prep_get_request},
    {"POST", "/v1/requests/{}/assign", AGENT, 200, prep_assign},
    {"POST", "/v1/requests/{}/transition", AGENT, 200, prep_transition},
    {"POST", "/v1/requests/{}/verify", AGENT, 200, prep_verify},
    {"POST", "/v1/requests/{}/extend", AGENT, 200, prep_extend},
    {"POST", "/v1/requests/{}/notes", AGENT, 201, prep_note},
    {"GET", "/v1/requests/{}/erasure-preview", VIEWER, 200, prep_get_preview},
    {"POST", "/v1/requests/{}/complete", AGENT, 200, prep_complete},
    {"POST", "/v1/requests/{}/reject", AGENT, 200, prep_reject},
    {"GET", "/v1/requests/{}/export", VIEWER, 200, prep_get_export},
    {"GET", "/v1/holds", VIEWER, 200, prep_plain_get},
    {"GET", "/v1/holds/{}", VIEWER, 200, prep_get_hold},
    {"POST", "/v1/holds/{}/release", SUPERVISOR, 200, prep_release_hold},
    {"GET", "/v1/audit", VIEWER, 200, prep_plain_get},
    {"GET", "/v1/audit/verify", VIEWER, 200, prep_plain_get},
};
enum { N_ENDPOINTS = sizeof endpoints / sizeof endpoints[0] };

static const char *method_name(enum http_method m) {
  return m == HTTP_GET ? "GET" : m == HTTP_POST ? "POST" : m == HTTP_PATCH ? "PATCH" : "?";
}

static const struct endpoint *endpoint_of(const struct route *rt) {
  for (int e = 0; e < N_ENDPOINTS; e++)
    if (strcmp(endpoints[e].method, method_name(rt->method)) == 0 && strcmp(endpoints[e].pattern, rt->pattern) == 0)
      return &endpoints[e];
  return NULL;
}

/* Who calls: a role, or a caller without a valid token. */
enum { NO_TOKEN = N_ROLES, BAD_TOKEN, REVOKED_TOKEN, N_CALLERS };
static const char *const caller_names[N_CALLERS] = {"viewer", "agent", "supervisor", "no token", "unknown token",
                                                    "revoked token"};

static char revoked_token[PD_TEST_TOKEN_MAX];

/* A supervisor's token, revoked: the role would allow everything; the revocation must not. */
static const char *revoked(void) {
  if (!revoked_token[0]) {
    const char *add[] = {"user", "add", "rex", "--role", "supervisor", "--quiet", NULL};
    assert_int_equal(pd_test_privdeskd_run(&fx_srv, revoked_token, sizeof revoked_token, add), 0);
    char out[256];
    const char *revoke[] = {"user", "revoke", "rex", NULL};
    assert_int_equal(pd_test_privdeskd_run(&fx_srv, out, sizeof out, revoke), 0);
  }
  return revoked_token;
}

struct matrix_cell {
  int route; /* index in route_table() */
  int caller;
};
static struct matrix_cell *cells;

static void test_role_matrix_cell(void **state) {
  const struct matrix_cell *cell = *state;
  int n;
  const struct route *rt = &route_table(&n)[cell->route];
  const struct endpoint *ep = endpoint_of(rt);
  if (!ep) fail_msg("route %s %s has no row in the expectation table", method_name(rt->method), rt->pattern);
  struct call c = {.method = ep->method};
  snprintf(c.path, sizeof c.path, "%s", ep->pattern);
  int role = cell->caller < N_ROLES ? cell->caller : SUPERVISOR;
  ep->prepare(&c, role);
  const char *token = cell->caller < N_ROLES      ? role_token(cell->caller)
                      : cell->caller == BAD_TOKEN ? "pdt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
                      : cell->caller == REVOKED_TOKEN ? revoked()
                                                      : NULL;
  long long before = fx_audit_entries();
  struct hresp r;
  http_do(&(struct hreq){.method = c.method, .path = c.path, .token = token, .json = c.body,
                         .if_match = c.if_match[0] ? c.if_match : NULL},
          &r);
  json_decref(c.body);
  bool write = rt->method != HTTP_GET;
  if (ep->min_role == PUBLIC) {
    assert_status(&r, ep->ok_status);
  } else if (cell->caller >= N_ROLES) {
    assert_problem(&r, 401, "unauthenticated");
    assert_true(strncmp(r.www_auth, "Bearer", 6) == 0);
  } else if (cell->caller < ep->min_role) {
    assert_problem(&r, 403, "forbidden");
  } else {
    assert_status(&r, ep->ok_status);
  }
  bool succeeded = r.status >= 200 && r.status < 300;
  assert_int_equal(fx_audit_entries(), before + (write && succeeded ? 1 : 0)); /* a refused call writes nothing */
  hresp_free(&r);
}

/* The table and the server's route table are the same set, and each row's
 * least role is what the server's role rules allow. */
static void test_role_matrix_covers_every_route(void **state) {
  (void)state;
  int n;
  const struct route *routes = route_table(&n);
  for (int i = 0; i < n; i++) {
    const struct endpoint *ep = endpoint_of(&routes[i]);
    if (!ep) fail_msg("route %s %s has no row in the expectation table", method_name(routes[i].method), routes[i].pattern);
    if (routes[i].flags & ROUTE_PUBLIC) {
      assert_int_equal(ep->min_role, PUBLIC);
      continue;
    }
    assert_true(ep->min_role >= VIEWER);
    static const enum pd_role roles[N_ROLES] = {PD_ROLE_VIEWER, PD_ROLE_AGENT, PD_ROLE_SUPERVISOR};
    for (int role = 0; role < N_ROLES; role++)
      if (pd_role_allows(roles[role], routes[i].action) != (role >= ep->min_role))
        fail_msg("%s %s: the table says %s and up, the server's rules differ for %s", ep->method, ep->pattern,
                 role_names[ep->min_role], role_names[role]);
  }
  assert_int_equal(n, N_ENDPOINTS);
}

/* ---- rate limit ---- */

static void test_rate_limit_429_with_retry_after(void **state) {
  (void)state;
  struct pd_test_server limited;
  struct pd_test_server_opts o = {.rate_limit = 2}; /* 2/s, bursts of 4 */
  assert_int_equal(fx_server_start(&limited, &o), 0);
  char me[128];
  snprintf(me, sizeof me, "%s/v1/me", limited.url);
  int ok = 0, limited_count = 0;
  struct hresp r = {0};
  for (int i = 0; i < 40 && !limited_count; i++) { /* 4 of burst, refilled at 2/s: a 429 comes soon */
    http_get(&r, limited.agent, "%s", me);
    if (r.status == 200) {
      ok++;
    } else {
      assert_problem(&r, 429, "rate_limited");
      assert_true(r.retry_after[0]);
      assert_true(atoi(r.retry_after) >= 1);
      limited_count++;
    }
    hresp_free(&r);
  }
  assert_int_equal(limited_count, 1);
  assert_true(ok >= 4); /* the burst went through */
  /* the limit is per token: another user is not affected */
  http_get(&r, limited.viewer, "%s", me);
  assert_status(&r, 200);
  hresp_free(&r);
  /* and it recovers */
  struct timespec ts = {1, 200000000L};
  nanosleep(&ts, NULL);
  http_get(&r, limited.agent, "%s", me);
  assert_status(&r, 200);
  hresp_free(&r);
  assert_int_equal(fx_server_finish(&limited), 0);
}

int main(void) {
  fx_seed_accounts = 150;
  fx_seed_requests = 30;
  fx_add("no token is 401 with WWW-Authenticate", test_no_token_is_401, NULL);
  fx_add("malformed Authorization is 401", test_malformed_authorization_is_401, NULL);
  fx_add("unknown token is 401", test_unknown_token_is_401, NULL);
  fx_add("revoked token is 401", test_revoked_token_is_401, NULL);
  fx_add("authentication comes before routing", test_auth_comes_before_routing, NULL);
  fx_add("healthz needs no token", test_healthz_needs_no_token, NULL);
  fx_add("me names user and role", test_me_names_user_and_role, NULL);
  fx_add("tokens are stored hashed, never in the database", test_tokens_are_stored_hashed, NULL);
  fx_add("role matrix: the expectation table covers every route of route_table()", test_role_matrix_covers_every_route,
         NULL);
  int n_routes;
  const struct route *routes = route_table(&n_routes);
  cells = calloc((size_t)(n_routes * N_CALLERS), sizeof *cells);
  for (int i = 0; i < n_routes; i++) {
    const struct endpoint *ep = endpoint_of(&routes[i]);
    for (int caller = 0; caller < N_CALLERS; caller++) {
      struct matrix_cell *cell = &cells[i * N_CALLERS + caller];
      *cell = (struct matrix_cell){i, caller};
      const char *want = !ep                          ? "no expectation"
                         : ep->min_role == PUBLIC     ? "allowed (public)"
                         : caller >= N_ROLES          ? "401"
                         : caller < ep->min_role      ? "403"
                                                      : "allowed";
      fx_addf(test_role_matrix_cell, cell, "role matrix: %s %s %s -> %s", caller_names[caller],
              method_name(routes[i].method), routes[i].pattern, want);
    }
  }
  fx_add("rate limit: 429 rate_limited with Retry-After >= 1", test_rate_limit_429_with_retry_after, NULL);
  return fx_run("api auth and roles");
}
