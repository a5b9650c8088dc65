/* api/ against a live privdeskd (tests/harness): every endpoint of
 * docs/api.md through the library, asynchronously (a tiny poll() loop over
 * pd_client_pollfds / pd_client_timeout_ms / pd_client_dispatch) and
 * synchronously (pd_call_wait); keep-alive, conditional requests, stale
 * If-Match, idempotent replay, cancellation, the response cap, offline,
 * timeout, 429 with Retry-After, and 503 retries with the same key (the
 * transport cases, against fake servers or a rate-limited privdeskd of their
 * own, are in tests/unit/test_api_transport.c, linked into this program). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api.h"
#include "tests/harness/server.h"

static struct pd_test_server srv;
extern const struct CMUnitTest pd_test_transport[];
extern const size_t pd_test_transport_n;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static pd_client *client_opts(const char *url, const char *token, struct pd_client_options o) {
  struct pd_error err;
  o.base_url = url;
  pd_client *c = pd_client_new(&o, pd_token_from_string(token, &err), &err);
  if (!c) fail_msg("pd_client_new: %s", err.message);
  return c;
}

static pd_client *client(const char *token) { return client_opts(srv.url, token, (struct pd_client_options){0}); }

/* The event loop the console has, in miniature: only the three functions. */
static void run_async(pd_client *c, const int *pending, long limit_ms) {
  int64_t end = now_ms() + limit_ms;
  while (*pending > 0) {
    if (now_ms() > end) fail_msg("calls still pending after %ld ms", limit_ms);
    struct pollfd fds[16];
    int n = pd_client_pollfds(c, fds, 16);
    long t = pd_client_timeout_ms(c);
    poll(fds, (nfds_t)n, t < 0 || t > 200 ? 200 : (int)t);
    pd_client_dispatch(c, fds, n);
  }
}

/* What an async callback saw. */
struct slot {
  int *pending, called;
  bool ok, not_modified, replayed;
  struct pd_error err;
  enum pd_value_kind kind;
  void *value;
  int attempts;
  char etag[PD_ERROR_ETAG_MAX];
};

static void on_done(struct pd_result *r, void *ud) {
  struct slot *s = ud;
  s->called++;
  s->ok = r->ok;
  s->not_modified = r->not_modified;
  s->replayed = r->replayed;
  s->err = r->error;
  s->kind = r->kind;
  s->attempts = r->attempts;
  snprintf(s->etag, sizeof s->etag, "%s", r->etag);
  s->value = pd_result_take(r);
  if (s->pending) (*s->pending)--;
}

static void slot_clear(struct slot *s) {
  pd_value_free(s->kind, s->value);
  s->value = NULL;
}

/* Synchronous helpers: the value (taken) on success, else the test fails. */
static void *ok_value(pd_client *c, pd_call *call, char *etag) {
  struct pd_result *r = pd_call_wait(c, call);
  if (!r->ok) fail_msg("call failed: %s (%s) %s", pd_error_kind_name(r->error.kind), r->error.message, r->error.detail);
  if (etag) strcpy(etag, r->etag);
  void *v = pd_result_take(r);
  pd_result_free(r);
  return v;
}

static struct pd_error expect_error(pd_client *c, pd_call *call, enum pd_error_kind kind) {
  struct pd_result *r = pd_call_wait(c, call);
  struct pd_error e = r->error;
  if (r->ok || e.kind != kind)
    fail_msg("expected %s, got %s (%s)", pd_error_kind_name(kind), r->ok ? "success" : pd_error_kind_name(e.kind),
             e.message);
  pd_result_free(r);
  return e;
}

/* ---- ids used by the read sweep ------------------------------------------ */

struct ids {
  char account[32], request[32], erasure[32], access_done[32], hold[32];
};
static struct ids ids;

static void find_ids(void) {
  pd_client *c = client(srv.agent);
  struct pd_request_page *p =
      ok_value(c, pd_list_requests(c, &(struct pd_request_query){.limit = 200}, NULL, NULL, NULL), NULL);
  for (size_t i = 0; i < p->count; i++) {
    const struct pd_request *r = &p->items[i];
    if (!ids.request[0]) strcpy(ids.request, r->id), strcpy(ids.account, r->account_id);
    if (r->type == PD_TYPE_ERASURE && !ids.erasure[0]) strcpy(ids.erasure, r->id);
    if (r->type == PD_TYPE_ACCESS && r->status == PD_ST_COMPLETED && !ids.access_done[0]) strcpy(ids.access_done, r->id);
  }
  pd_request_page_free(p);
  struct pd_hold_page *h = ok_value(c, pd_list_holds(c, NULL, NULL, NULL, NULL), NULL);
  if (h->count) strcpy(ids.hold, h->items[0].id);
  pd_hold_page_free(h);
  pd_client_free(c);
  assert_true(ids.erasure[0] && ids.access_done[0] && ids.hold[0]);
}

enum { R_HEALTH, R_ME, R_STATS, R_ACCOUNTS, R_ACCOUNT, R_INVENTORY, R_REQUESTS, R_REQUEST, R_PREVIEW,
       R_EXPORT, R_HOLDS, R_HOLD, R_AUDIT, R_VERIFY, R_COUNT };

static pd_call *start_read(pd_client *c, int which, pd_callback cb, void *ud) {
  switch (which) {
  case R_HEALTH: return pd_get_health(c, cb, ud);
  case R_ME: return pd_get_me(c, NULL, cb, ud);
  case R_STATS: return pd_get_stats(c, NULL, cb, ud);
  case R_ACCOUNTS: return pd_list_accounts(c, &(struct pd_account_query){.limit = 10}, NULL, cb, ud);
  case R_ACCOUNT: return pd_get_account(c, ids.account, NULL, cb, ud);
  case R_INVENTORY: return pd_get_inventory(c, ids.account, NULL, cb, ud);
  case R_REQUESTS:
    return pd_list_requests(c, &(struct pd_request_query){.statuses = 1u << PD_ST_COMPLETED, .types = 1u << PD_TYPE_ACCESS,
                                                           .sort = PD_SORT_RECEIVED_AT_DESC, .limit = 5},
                            NULL, cb, ud);
  case R_REQUEST: return pd_get_request(c, ids.request, NULL, cb, ud);
  case R_PREVIEW: return pd_get_erasure_preview(c, ids.erasure, NULL, cb, ud);
  case R_EXPORT: return pd_get_export(c, ids.access_done, NULL, cb, ud);
  case R_HOLDS: return pd_list_holds(c, &(struct pd_hold_query){.limit = 5}, NULL, cb, ud);
  case R_HOLD: return pd_get_hold(c, ids.hold, NULL, cb, ud);
  case R_AUDIT: return pd_list_audit(c, &(struct pd_audit_query){.limit = 20}, NULL, cb, ud);
  default: return pd_verify_audit(c, NULL, cb, ud);
  }
}

static void check_read(int which, void *v) {
  switch (which) {
  case R_HEALTH: assert_null(v); break;
  case R_ME: assert_string_equal(((struct pd_me *)v)->user, "alice"); break;
  case R_STATS: assert_int_equal(((struct pd_stats *)v)->n_by_days_left, 7); break;
  case R_ACCOUNTS: assert_int_equal(((struct pd_account_page *)v)->count, 10); break;
  case R_ACCOUNT: assert_string_equal(((struct pd_account_detail *)v)->account.id, ids.account); break;
  case R_INVENTORY: assert_int_equal(((struct pd_inventory *)v)->count, PD_CATEGORY_COUNT); break;
  case R_REQUESTS: {
    struct pd_request_page *p = v;
    assert_true(p->count > 0);
    for (size_t i = 0; i < p->count; i++) assert_int_equal(p->items[i].result.kind, PD_OUTCOME_ACCESS);
    break;
  }
  case R_REQUEST: assert_true(((struct pd_request *)v)->has_timeline); break;
  case R_PREVIEW: assert_string_equal(((struct pd_erasure_preview *)v)->request_id, ids.erasure); break;
  case R_EXPORT: assert_string_equal(((struct pd_export *)v)->request_id, ids.access_done); break;
  case R_HOLDS: assert_true(((struct pd_hold_page *)v)->count > 0); break;
  case R_HOLD: assert_string_equal(((struct pd_hold *)v)->id, ids.hold); break;
  case R_AUDIT: assert_true(((struct pd_audit_page *)v)->count > 0); break;
  default: assert_true(((struct pd_audit_verify *)v)->ok); break;
  }
}

static void test_reads_async(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  int pending = R_COUNT;
  struct slot slots[R_COUNT] = {{0}};
  for (int i = 0; i < R_COUNT; i++) {
    slots[i].pending = &pending;
    assert_non_null(start_read(c, i, on_done, &slots[i]));
    assert_int_equal(slots[i].called, 0); /* never from inside the starting function */
  }
  run_async(c, &pending, 20000);
  for (int i = 0; i < R_COUNT; i++) {
    if (!slots[i].ok) fail_msg("read %d: %s: %s", i, pd_error_kind_name(slots[i].err.kind), slots[i].err.message);
    assert_int_equal(slots[i].called, 1);
    check_read(i, slots[i].value);
    slot_clear(&slots[i]);
  }
  pd_client_free(c);
}

static void test_reads_sync(void **state) {
  (void)state;
  pd_client *c = client(srv.viewer);
  for (int i = 0; i < R_COUNT; i++) {
    struct pd_result *r = pd_call_wait(c, start_read(c, i, NULL, NULL));
    if (!r->ok) fail_msg("read %d: %s: %s", i, pd_error_kind_name(r->error.kind), r->error.message);
    if (i == R_ME)
      assert_string_equal(r->v.me->user, "vera");
    else
      check_read(i, r->v.any);
    pd_result_free(r);
  }
  pd_client_free(c);
}

/* The queue, page by page: open requests by due date add up to the stats. */
static void test_queue_paging(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  struct pd_stats *st = ok_value(c, pd_get_stats(c, NULL, NULL, NULL), NULL);
  unsigned open = 1u << PD_ST_NEW | 1u << PD_ST_VERIFYING | 1u << PD_ST_IN_PROGRESS | 1u << PD_ST_WAITING;
  char cursor[PD_CURSOR_MAX + 1] = "";
  int64_t total = 0, last_due = INT64_MIN;
  do {
    struct pd_request_query q = {.statuses = open, .sort = PD_SORT_DUE_AT, .limit = 7, .cursor = cursor[0] ? cursor : NULL};
    struct pd_request_page *p = ok_value(c, pd_list_requests(c, &q, NULL, NULL, NULL), NULL);
    for (size_t i = 0; i < p->count; i++) {
      assert_true(pd_status_is_open(p->items[i].status));
      assert_true(p->items[i].due_at >= last_due);
      last_due = p->items[i].due_at;
    }
    total += (int64_t)p->count;
    snprintf(cursor, sizeof cursor, "%s", p->next_cursor ? p->next_cursor : "");
    pd_request_page_free(p);
  } while (cursor[0]);
  assert_int_equal(total, st->open_total);
  struct pd_request_page *mine = ok_value(
      c, pd_list_requests(c, &(struct pd_request_query){.assignee = "me", .limit = 200}, NULL, NULL, NULL), NULL);
  for (size_t i = 0; i < mine->count; i++) assert_string_equal(mine->items[i].assignee, "alice");
  pd_request_page_free(mine);
  pd_stats_free(st);
  pd_client_free(c);
}

static void test_keepalive(void **state) {
  (void)state;
  pd_client *c = client(srv.agent), *fresh = client_opts(srv.url, srv.agent, (struct pd_client_options){.fresh_connections = true});
  for (int i = 0; i < 25; i++) {
    pd_me_free(ok_value(c, pd_get_me(c, NULL, NULL, NULL), NULL));
    pd_me_free(ok_value(fresh, pd_get_me(fresh, NULL, NULL, NULL), NULL));
  }
  struct pd_client_stats a, b;
  pd_client_get_stats(c, &a);
  pd_client_get_stats(fresh, &b);
  assert_int_equal(a.calls, 25);
  assert_int_equal(a.connects, 1); /* one connection for all 25 calls */
  assert_int_equal(b.connects, 25);
  pd_client_free(c);
  pd_client_free(fresh);
}

static void test_not_modified(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  char etag[PD_ERROR_ETAG_MAX], etag2[PD_ERROR_ETAG_MAX];
  pd_request_free(ok_value(c, pd_get_request(c, ids.request, NULL, NULL, NULL), etag));
  assert_true(etag[0]);
  struct pd_result *r = pd_call_wait(c, pd_get_request(c, ids.request, etag, NULL, NULL));
  assert_true(r->ok && r->not_modified);
  assert_null(r->v.request);
  assert_int_equal(r->http_status, 304);
  pd_result_free(r);
  pd_stats_free(ok_value(c, pd_get_stats(c, NULL, NULL, NULL), etag2));
  r = pd_call_wait(c, pd_get_stats(c, etag2, NULL, NULL));
  assert_true(r->ok && r->not_modified);
  pd_result_free(r);
  /* After a change the old ETag no longer matches. */
  pd_request_free(ok_value(c, pd_add_note(c, ids.request, NULL, "etag check", NULL, NULL), NULL));
  r = pd_call_wait(c, pd_get_request(c, ids.request, etag, NULL, NULL));
  assert_true(r->ok && !r->not_modified);
  assert_non_null(r->v.request);
  assert_string_not_equal(r->etag, etag);
  pd_result_free(r);
  pd_client_free(c);
}

/* An active account with no holds and no open requests, taken once. */
static void fresh_account(pd_client *c, char *id, char *email, size_t skip) {
  struct pd_account_page *p = ok_value(c, pd_list_accounts(c, &(struct pd_account_query){.limit = 200}, NULL, NULL, NULL), NULL);
  for (size_t i = 0; i < p->count; i++) {
    const struct pd_account *a = &p->items[i];
    if (a->status == PD_ACC_ACTIVE && !a->active_holds && !a->open_requests && strcmp(a->id, ids.account) && !skip--) {
      strcpy(id, a->id);
      strcpy(email, a->email);
      pd_account_page_free(p);
      return;
    }
  }
  fail_msg("no fresh account left");
}

static void test_stale_if_match(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  char id[32], email[600];
  fresh_account(c, id, email, 0);
  struct pd_account_detail *a = ok_value(c, pd_get_account(c, id, NULL, NULL, NULL), NULL);
  int64_t v1 = a->account.version;
  pd_account_detail_free(a);
  struct pd_account_patch off = {.analytics_enabled = PD_FLAG_FALSE, .reason = "customer asked by phone"};
  a = ok_value(c, pd_update_account(c, id, v1, NULL, &off, NULL, NULL), NULL);
  assert_false(a->account.analytics_enabled);
  int64_t v2 = a->account.version;
  assert_true(v2 > v1);
  pd_account_detail_free(a);
  struct pd_error e = expect_error(c, pd_update_account(c, id, v1, NULL, &off, NULL, NULL), PD_E_PRECONDITION_FAILED);
  long long cur;
  assert_int_equal(e.http_status, 412);
  assert_int_equal(pd_etag_version(e.etag, &cur), 0);
  assert_int_equal(cur, v2); /* the current version, to reload */
  expect_error(c, pd_update_account(c, id, PD_NO_VERSION, NULL, &off, NULL, NULL), PD_E_PRECONDITION_REQUIRED);
  pd_client_free(c);
}

/* Walks a new request to in_progress with its identity verified; returns its version. */
static int64_t to_in_progress(pd_client *c, const char *id, int64_t v, bool verify) {
  struct pd_request *r = ok_value(c, pd_assign_request(c, id, v, NULL, "alice", NULL, NULL), NULL);
  assert_string_equal(r->assignee, "alice");
  v = r->version;
  pd_request_free(r);
  r = ok_value(c, pd_transition_request(c, id, v, NULL, PD_ST_VERIFYING, "asked for ID", NULL, NULL), NULL);
  assert_int_equal(r->status, PD_ST_VERIFYING);
  v = r->version;
  pd_request_free(r);
  if (verify) {
    r = ok_value(c, pd_verify_identity(c, id, v, NULL, "document", "passport seen", NULL, NULL), NULL);
    assert_true(r->identity_verified);
    v = r->version;
    pd_request_free(r);
  }
  r = ok_value(c, pd_transition_request(c, id, v, NULL, PD_ST_IN_PROGRESS, NULL, NULL, NULL), NULL);
  assert_int_equal(r->status, PD_ST_IN_PROGRESS);
  v = r->version;
  pd_request_free(r);
  return v;
}

static struct pd_request *create(pd_client *c, const char *account, enum pd_request_type type) {
  pd_intent *in = pd_intent_new();
  struct pd_request *r = ok_value(c, pd_create_request(c, in, &(struct pd_new_request){.account_id = account, .type = type}, NULL, NULL), NULL);
  /* Sending the same action again replays it: no second request. */
  struct pd_result *again = pd_call_wait(c, pd_intent_resubmit(c, in, NULL, NULL));
  assert_true(again->ok && again->replayed);
  assert_string_equal(again->v.request->id, r->id);
  pd_result_free(again);
  pd_intent_free(in);
  assert_int_equal(r->status, PD_ST_NEW);
  return r;
}

static void test_erasure_replayed_not_applied_twice(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  char acc[32], email[600];
  fresh_account(c, acc, email, 1);
  struct pd_request *r = create(c, acc, PD_TYPE_ERASURE);
  char id[32];
  strcpy(id, r->id);
  int64_t v = to_in_progress(c, id, r->version, true);
  pd_request_free(r);
  r = ok_value(c, pd_extend_request(c, id, v, NULL, "complex case", NULL, NULL), NULL);
  assert_true(r->extended);
  v = r->version;
  pd_request_free(r);
  expect_error(c, pd_extend_request(c, id, v, NULL, "again", NULL, NULL), PD_E_ALREADY_EXTENDED);
  r = ok_value(c, pd_add_note(c, id, NULL, "customer called \x1b[31m twice", NULL, NULL), NULL);
  assert_string_equal(r->timeline[r->n_timeline - 1].text, "customer called \x1b[31m twice");
  assert_true(r->version > v); /* the timeline is part of the representation */
  v = r->version;
  pd_request_free(r);
  struct pd_erasure_preview *p = ok_value(c, pd_get_erasure_preview(c, id, NULL, NULL, NULL), NULL);
  assert_false(p->blocked);
  assert_string_equal(p->confirm, email);
  size_t n_erase = p->n_erase;
  pd_erasure_preview_free(p);
  expect_error(c, pd_complete_request(c, id, v, NULL, "someone@else.example", NULL, NULL), PD_E_CONFIRMATION_MISMATCH);

  /* The user confirms once; the console sends it, loses the answer, sends it again. */
  pd_intent *in = pd_intent_new();
  int pending = 1;
  struct slot first = {.pending = &pending};
  assert_non_null(pd_complete_request(c, id, v, in, email, on_done, &first));
  run_async(c, &pending, 10000);
  assert_true(first.ok);
  r = first.value;
  assert_int_equal(r->status, PD_ST_COMPLETED);
  assert_int_equal(r->result.kind, PD_OUTCOME_ERASURE);
  assert_int_equal(r->result.erasure.n_erased, n_erase);
  struct pd_result *again = pd_call_wait(c, pd_intent_resubmit(c, in, NULL, NULL));
  assert_true(again->ok);
  assert_true(again->replayed);
  assert_int_equal(again->v.request->version, r->version);
  assert_int_equal(again->v.request->result.erasure.n_erased, n_erase);
  pd_result_free(again);
  slot_clear(&first);
  pd_intent_free(in);
  /* Applied once: one audit entry. */
  struct pd_audit_page *log = ok_value(
      c, pd_list_audit(c, &(struct pd_audit_query){.account_id = acc, .action = "request.complete"}, NULL, NULL, NULL), NULL);
  assert_int_equal(log->count, 1);
  assert_string_equal(log->items[0].target, id);
  pd_audit_page_free(log);
  struct pd_audit_verify *ok = ok_value(c, pd_verify_audit(c, NULL, NULL, NULL), NULL);
  assert_true(ok->ok);
  pd_audit_verify_free(ok);
  pd_client_free(c);
}

static void test_access_export_reject(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  char acc[32], email[600];
  fresh_account(c, acc, email, 2);
  struct pd_request *r = create(c, acc, PD_TYPE_ACCESS);
  char id[32];
  strcpy(id, r->id);
  pd_request_free(r);
  expect_error(c, pd_get_export(c, id, NULL, NULL, NULL), PD_E_INVALID_TRANSITION); /* before completion */
  r = ok_value(c, pd_get_request(c, id, NULL, NULL, NULL), NULL);
  int64_t v = to_in_progress(c, id, r->version, false);
  pd_request_free(r);
  expect_error(c, pd_complete_request(c, id, v, NULL, NULL, NULL, NULL), PD_E_IDENTITY_NOT_VERIFIED);
  expect_error(c, pd_transition_request(c, id, v, NULL, PD_ST_VERIFYING, NULL, NULL, NULL), PD_E_INVALID_TRANSITION);
  r = ok_value(c, pd_verify_identity(c, id, v, NULL, "email_link", NULL, NULL, NULL), NULL);
  v = r->version;
  pd_request_free(r);
  r = ok_value(c, pd_complete_request(c, id, v, NULL, NULL, NULL, NULL), NULL);
  assert_int_equal(r->result.kind, PD_OUTCOME_ACCESS);
  assert_int_equal(r->result.access.categories, PD_CATEGORY_COUNT);
  pd_request_free(r);
  struct pd_export *e = ok_value(c, pd_get_export(c, id, NULL, NULL, NULL), NULL);
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/export-%s.json", srv.dir, id);
  struct pd_error err;
  assert_int_equal(pd_export_save(e, path, &err), 0);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_size, (off_t)e->len);
  assert_int_equal(st.st_mode & 0777, 0600);
  pd_export_free(e);

  /* A rectification rejected with (and without) a reason. */
  pd_intent *in = pd_intent_new();
  r = ok_value(c, pd_create_request(c, in, &(struct pd_new_request){.account_id = acc, .type = PD_TYPE_RECTIFICATION,
               .field = PD_FIELD_NAME, .value = "Ana \xe2\x80\xae", .urgent = PD_FLAG_TRUE}, NULL, NULL), NULL);
  pd_intent_free(in);
  assert_int_equal(r->details.kind, PD_DETAILS_RECTIFICATION);
  assert_string_equal(r->details.value, "Ana \xe2\x80\xae");
  assert_int_equal(r->priority, PD_PRIO_URGENT);
  strcpy(id, r->id);
  v = r->version;
  pd_request_free(r);
  expect_error(c, pd_reject_request(c, id, v, NULL, "   ", NULL, NULL), PD_E_INVALID_INPUT);
  r = ok_value(c, pd_reject_request(c, id, v, NULL, "duplicate of an earlier request", NULL, NULL), NULL);
  assert_int_equal(r->result.kind, PD_OUTCOME_REJECTED);
  pd_request_free(r);
  pd_client_free(c);
}

static void test_holds_and_roles(void **state) {
  (void)state;
  pd_client *c = client(srv.agent), *sup = client(srv.supervisor), *viewer = client(srv.viewer);
  char acc[32], email[600];
  fresh_account(c, acc, email, 3);
  struct pd_new_hold all = {.reason = "chargeback", .case_ref = "DSP-42", .all_categories = true};
  expect_error(c, pd_place_hold(c, acc, NULL, &all, NULL, NULL), PD_E_FORBIDDEN);
  struct pd_hold *h = ok_value(sup, pd_place_hold(sup, acc, NULL, &all, NULL, NULL), NULL);
  assert_true(h->all_categories);
  char hid[32];
  strcpy(hid, h->id);
  pd_hold_free(h);
  h = ok_value(c, pd_get_hold(c, hid, NULL, NULL, NULL), NULL);
  int64_t hv = h->version;
  pd_hold_free(h);
  struct pd_hold_page *hp = ok_value(
      c, pd_list_holds(c, &(struct pd_hold_query){.status = PD_HOLDS_ACTIVE, .account_id = acc}, NULL, NULL, NULL), NULL);
  assert_int_equal(hp->count, 1);
  pd_hold_page_free(hp);
  struct pd_request *r = create(c, acc, PD_TYPE_ERASURE);
  char id[32];
  strcpy(id, r->id);
  expect_error(viewer, pd_assign_request(viewer, id, r->version, NULL, NULL, NULL, NULL), PD_E_FORBIDDEN);
  int64_t v = to_in_progress(c, id, r->version, true);
  pd_request_free(r);
  struct pd_erasure_preview *p = ok_value(c, pd_get_erasure_preview(c, id, NULL, NULL, NULL), NULL);
  assert_true(p->blocked);
  pd_erasure_preview_free(p);
  expect_error(c, pd_complete_request(c, id, v, NULL, email, NULL, NULL), PD_E_HOLD_ACTIVE);
  expect_error(sup, pd_release_hold(sup, hid, hv + 5, NULL, "resolved", NULL, NULL), PD_E_PRECONDITION_FAILED);
  h = ok_value(sup, pd_release_hold(sup, hid, hv, NULL, "resolved", NULL, NULL), NULL);
  assert_int_equal(h->status, PD_HOLD_RELEASED);
  assert_string_equal(h->released_by, "sam");
  pd_hold_free(h);
  expect_error(sup, pd_release_hold(sup, hid, PD_NO_VERSION, NULL, "again", NULL, NULL), PD_E_INVALID_TRANSITION);
  /* A supervisor places a hold on some categories only. */
  enum pd_category cats[] = {PD_CAT_TRANSACTIONS, PD_CAT_USAGE_LOGS};
  h = ok_value(sup, pd_place_hold(sup, acc, NULL, &(struct pd_new_hold){.reason = "fraud check", .case_ref = "F-1",
               .categories = cats, .n_categories = 2}, NULL, NULL), NULL);
  assert_int_equal(h->n_categories, 2); /* in the fixed category order */
  assert_int_equal(h->categories[0], PD_CAT_USAGE_LOGS);
  assert_int_equal(h->categories[1], PD_CAT_TRANSACTIONS);
  pd_hold_free(h);
  pd_client_free(c);
  pd_client_free(sup);
  pd_client_free(viewer);
}

static void test_errors(void **state) {
  (void)state;
  pd_client *c = client(srv.agent), *bad = client("not-a-real-token");
  expect_error(c, pd_get_request(c, "req_aaaaaaaaaaaaaaaa", NULL, NULL, NULL), PD_E_NOT_FOUND);
  expect_error(bad, pd_get_me(bad, NULL, NULL, NULL), PD_E_UNAUTHENTICATED);
  assert_null(ok_value(bad, pd_get_health(bad, NULL, NULL), NULL)); /* no token needed */
  /* The same key with another body: refused by the server. */
  char key[64];
  snprintf(key, sizeof key, "fixed-key-%ld", (long)now_ms());
  pd_intent *a = pd_intent_from_key(key), *b = pd_intent_from_key(key);
  pd_request_free(ok_value(c, pd_add_note(c, ids.request, a, "first", NULL, NULL), NULL));
  struct pd_error e = expect_error(c, pd_add_note(c, ids.request, b, "second", NULL, NULL), PD_E_IDEMPOTENCY_KEY_REUSED);
  assert_int_equal(e.http_status, 422);
  assert_string_equal(e.code, "idempotency_key_reused");
  pd_intent_free(a);
  pd_intent_free(b);
  pd_client_free(c);
  pd_client_free(bad);
}

static void count_call(struct pd_result *r, void *ud) {
  (void)r;
  (*(int *)ud)++;
}

/* Cancelled calls never call back; freeing the client with calls in flight leaks nothing. */
static void test_cancel(void **state) {
  (void)state;
  pd_client *c = client(srv.agent);
  int pending = 2, cancelled_called = 0;
  struct slot keep[2] = {{.pending = &pending}, {.pending = &pending}};
  pd_call *x1 = pd_list_requests(c, &(struct pd_request_query){.limit = 200}, NULL, count_call, &cancelled_called);
  assert_non_null(pd_get_me(c, NULL, on_done, &keep[0]));
  pd_call *x2 = pd_get_stats(c, NULL, count_call, &cancelled_called);
  assert_non_null(pd_get_request(c, ids.request, NULL, on_done, &keep[1]));
  pd_call_cancel(x1);
  /* Cancelled before any dispatch: no round may complete it first (a call
   * already answered cannot be cancelled, so a race here would make this test
   * flaky). Cancelling a transfer in flight is test_cancel_held_request. */
  pd_call_cancel(x2);
  run_async(c, &pending, 10000);
  assert_int_equal(cancelled_called, 0);
  assert_true(keep[0].ok && keep[1].ok);
  slot_clear(&keep[0]);
  slot_clear(&keep[1]);
  assert_int_equal(pd_client_in_flight(c), 0);
  /* Still usable after cancellations. */
  pd_me_free(ok_value(c, pd_get_me(c, NULL, NULL, NULL), NULL));
  /* abort_all: every call completes with cancelled. */
  pending = 2;
  struct slot ab[2] = {{.pending = &pending}, {.pending = &pending}};
  pd_get_stats(c, NULL, on_done, &ab[0]);
  pd_verify_audit(c, NULL, on_done, &ab[1]);
  pd_client_abort_all(c);
  run_async(c, &pending, 1000);
  assert_int_equal(ab[0].err.kind, PD_E_CANCELLED);
  assert_int_equal(ab[1].err.kind, PD_E_CANCELLED);
  pd_get_stats(c, NULL, count_call, &cancelled_called);
  pd_client_free(c); /* with a call in flight */
  assert_int_equal(cancelled_called, 0);
}

static int group_setup(void **state) {
  (void)state;
  if (pd_test_server_start(&srv, &(struct pd_test_server_opts){.seed_accounts = 80, .seed_requests = 150, .seed = 7}))
    return -1;
  find_ids();
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  pd_test_server_kill(&srv, false);
  int reports = pd_test_server_sanitizer_reports(&srv);
  pd_test_server_stop(&srv);
  return reports ? -1 : 0;
}

int main(void) {
  static const struct CMUnitTest live[] = {
      cmocka_unit_test(test_reads_async),
      cmocka_unit_test(test_reads_sync),
      cmocka_unit_test(test_queue_paging),
      cmocka_unit_test(test_keepalive),
      cmocka_unit_test(test_not_modified),
      cmocka_unit_test(test_stale_if_match),
      cmocka_unit_test(test_erasure_replayed_not_applied_twice),
      cmocka_unit_test(test_access_export_reject),
      cmocka_unit_test(test_holds_and_roles),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_cancel),
  };
  size_t nl = sizeof live / sizeof *live, n = nl + pd_test_transport_n;
  struct CMUnitTest *all = calloc(n, sizeof *all);
  if (!all) return 1;
  memcpy(all, live, sizeof live);
  memcpy(all + nl, pd_test_transport, pd_test_transport_n * sizeof *all);
  int rc = _cmocka_run_group_tests("api_client", all, n, group_setup, group_teardown);
  free(all);
  return rc;
}
