#include "tests/api/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pd_test_server fx_srv;
int fx_seed_accounts = 300, fx_seed_requests = 120;

int fx_server_start(struct pd_test_server *s, const struct pd_test_server_opts *opts) {
  if (pd_test_server_start(s, opts) != 0) {
    fprintf(stderr, "fixture: the server did not start\n");
    pd_test_server_stop(s);
    return -1;
  }
  return 0;
}

int fx_server_finish(struct pd_test_server *s) {
  pd_test_server_kill(s, false);
  int reports = pd_test_server_sanitizer_reports(s);
  if (reports) {
    s->keep_dir = true; /* keep stderr.log for whoever reads the failure */
    fprintf(stderr, "fixture: %d sanitizer report(s); the server's files stay in %s\n", reports, s->dir);
  }
  pd_test_server_stop(s);
  return reports ? -1 : 0;
}

int fx_group_setup(void **state) {
  (void)state;
  struct pd_test_server_opts o = {.seed_accounts = fx_seed_accounts, .seed_requests = fx_seed_requests, .seed = 7};
  if (fx_server_start(&fx_srv, &o) != 0) return -1;
  http_set_base(fx_srv.url);
  return 0;
}

static int teardown_failed;

int fx_group_teardown(void **state) {
  (void)state;
  http_cleanup();
  int rc = fx_server_finish(&fx_srv);
  if (rc) teardown_failed = 1;
  return rc;
}

/* ---- tests from tables ---- */

static struct CMUnitTest *tests;
static size_t n_tests, cap_tests;
static char **names;

void fx_add(const char *name, void (*fn)(void **state), void *initial_state) {
  if (n_tests == cap_tests) {
    cap_tests = cap_tests ? cap_tests * 2 : 64;
    tests = realloc(tests, cap_tests * sizeof *tests);
    names = realloc(names, cap_tests * sizeof *names);
    if (!tests || !names) abort();
  }
  names[n_tests] = strdup(name);
  tests[n_tests] = (struct CMUnitTest){.name = names[n_tests], .test_func = fn, .initial_state = initial_state};
  n_tests++;
}

void fx_addf(void (*fn)(void **state), void *initial_state, const char *fmt, ...) {
  char name[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(name, sizeof name, fmt, ap);
  va_end(ap);
  fx_add(name, fn, initial_state);
}

int fx_run(const char *group_name) {
  int rc = _cmocka_run_group_tests(group_name, tests, n_tests, fx_group_setup, fx_group_teardown);
  for (size_t i = 0; i < n_tests; i++) free(names[i]);
  free(names);
  free(tests);
  /* cmocka 1.1 reports a failed group teardown (a sanitizer report) in TAP but still exits 0 */
  return rc ? rc : teardown_failed;
}

/* ---- accounts ---- */

struct known_account {
  char id[32], jurisdiction[8];
  bool usable, handed_out;
};
static struct known_account *known;
static size_t n_known;

static void load_accounts(void) {
  char cursor[512] = "";
  size_t cap = 0;
  for (;;) {
    struct hresp r;
    http_get(&r, TOK_VIEWER, "/v1/accounts?limit=200%s%s", cursor[0] ? "&cursor=" : "", cursor);
    assert_status(&r, 200);
    size_t i;
    json_t *a;
    json_array_foreach(jget(r.json, "items"), i, a) {
      if (n_known == cap) {
        cap = cap ? cap * 2 : 256;
        known = realloc(known, cap * sizeof *known);
        assert_non_null(known);
      }
      struct known_account *k = &known[n_known++];
      memset(k, 0, sizeof *k);
      snprintf(k->id, sizeof k->id, "%s", jstr(a, "id"));
      snprintf(k->jurisdiction, sizeof k->jurisdiction, "%s", jstr(a, "jurisdiction"));
      k->usable = strcmp(jstr(a, "status"), "active") == 0 && jint(a, "active_holds") == 0 &&
                  jint(a, "open_requests") == 0;
    }
    const char *next = jstr(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    hresp_free(&r);
    if (!cursor[0]) break;
  }
}

void fx_fresh_account(const char *jurisdiction, char out[32]) {
  if (!known) load_accounts();
  for (size_t i = 0; i < n_known; i++) {
    struct known_account *k = &known[i];
    if (!k->usable || k->handed_out || (jurisdiction && strcmp(k->jurisdiction, jurisdiction) != 0)) continue;
    k->handed_out = true;
    snprintf(out, 32, "%s", k->id);
    return;
  }
  fail_msg("no unused account left (jurisdiction %s); seed more accounts", jurisdiction ? jurisdiction : "any");
}

void fx_account_email(const char *account_id, char *out, size_t outsz) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/accounts/%s", account_id);
  assert_status(&r, 200);
  snprintf(out, outsz, "%s", jstr(r.json, "email"));
  hresp_free(&r);
}

/* ---- requests ---- */

void fx_create(struct fx_req *q, const char *account_id, const char *type, json_t *body_extra) {
  json_t *body = json_pack("{ss ss}", "account_id", account_id, "type", type);
  if (body_extra) json_object_update(body, body_extra);
  json_decref(body_extra);
  struct hresp r;
  http_send(&r, "POST", TOK_AGENT, NULL, body, "/v1/requests");
  assert_status(&r, 201);
  snprintf(q->id, sizeof q->id, "%s", jstr(r.json, "id"));
  snprintf(q->etag, sizeof q->etag, "%s", r.etag);
  hresp_free(&r);
}

void fx_write(struct hresp *out, struct fx_req *q, const char *token, const char *action, json_t *body,
              long want_status) {
  http_send(out, "POST", token, q->etag, body, "/v1/requests/%s/%s", q->id, action);
  assert_status(out, want_status);
  if (out->status >= 200 && out->status < 300 && out->etag[0]) snprintf(q->etag, sizeof q->etag, "%s", out->etag);
}

static void step(struct fx_req *q, const char *action, json_t *body) {
  struct hresp r;
  fx_write(&r, q, TOK_AGENT, action, body, 200);
  hresp_free(&r);
}

void fx_to_in_progress(struct fx_req *q, bool verify) {
  step(q, "transition", json_pack("{ss}", "to", "verifying"));
  if (verify) step(q, "verify", json_pack("{ss ss}", "method", "document", "note", "passport seen"));
  step(q, "transition", json_pack("{ss}", "to", "in_progress"));
}

/* ---- dates (Howard Hinnant's civil-date algorithms) ---- */

int64_t fx_days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void fx_civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

int fx_weekday(int64_t days) { return (int)(((days % 7) + 7 + 3) % 7); } /* 1970-01-01 was a Thursday */

int64_t fx_today(void) { return (int64_t)time(NULL) / 86400; }

void fx_format_date(int64_t days, char out[11]) {
  int y, m, d;
  fx_civil_from_days(days, &y, &m, &d);
  snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

long long fx_audit_entries(void) {
  struct hresp r;
  http_get(&r, TOK_VIEWER, "/v1/audit/verify");
  assert_status(&r, 200);
  long long n = jint(r.json, "entries");
  hresp_free(&r);
  return n;
}
