/* The two stores answer alike: privdeskd on SQLite and privdeskd on
 * PostgreSQL, seeded with the same seed and --now, give byte-for-byte the
 * same JSON for every read the API has (every page of every list walked
 * through its cursors, searches with hostile and non-ASCII text, the queue
 * under every filter and sort, details, inventories, erasure previews,
 * exports, statistics, the seeded audit log). This is what "the handlers
 * and render code do not change" must mean: ordering by e-mail bytes
 * (COLLATE "C" = SQLite's BINARY), prefix ranges, name matching, keyset
 * cursors and counts are the same. Skipped when no PostgreSQL server can run
 * here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/harness/pg.h"
#include "tests/harness/server.h"
#include "tests/reliability/rclient.h"

static struct pd_test_server lite, pg; /* SQLite, PostgreSQL */
static struct rc rc_lite, rc_pg;
static long compared;

/* Drops what depends on the clock of the call, not on the data. */
static void drop_volatile(json_t *j) {
  if (json_is_object(j)) {
    json_object_del(j, "generated_at");
    json_object_del(j, "server_time");
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v) drop_volatile(v);
  } else if (json_is_array(j)) {
    size_t i;
    json_t *v;
    json_array_foreach(j, i, v) drop_volatile(v);
  }
}

/* GET path on both; both must answer `want`; the bodies must be equal. Returns the SQLite answer (caller frees). */
static json_t *same(long want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static json_t *same(long want, const char *fmt, ...) {
  char path[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  struct rc_resp a, b;
  rc_get(&rc_lite, lite.viewer, path, &a);
  rc_get(&rc_pg, pg.viewer, path, &b);
  if (a.status != want || b.status != want)
    fail_msg("GET %s: SQLite %ld, PostgreSQL %ld (want %ld): %.200s | %.200s", path, a.status, b.status, want, a.body,
             b.body);
  drop_volatile(a.json);
  drop_volatile(b.json);
  if (!json_equal(a.json, b.json)) {
    char *x = json_dumps(a.json, JSON_COMPACT | JSON_SORT_KEYS), *y = json_dumps(b.json, JSON_COMPACT | JSON_SORT_KEYS);
    size_t d = 0;
    while (x && y && x[d] && x[d] == y[d]) d++;
    print_error("GET %s differs at byte %zu:\n  SQLite:     %.240s\n  PostgreSQL: %.240s\n", path, d,
                x ? x + (d > 80 ? d - 80 : 0) : "", y ? y + (d > 80 ? d - 80 : 0) : "");
    free(x);
    free(y);
    fail_msg("the stores answer GET %s differently", path);
  }
  compared++;
  json_t *j = json_incref(a.json);
  rc_resp_free(&a);
  rc_resp_free(&b);
  return j;
}

/* Walks a list through its cursors on both stores, page by page; returns all items (caller frees). */
static json_t *walk(const char *path_with_query) {
  json_t *all = json_array();
  char cursor[1024] = "";
  const char *sep = strchr(path_with_query, '?') ? "&" : "?";
  for (int page = 0; page < 1000; page++) {
    json_t *p = cursor[0] ? same(200, "%s%scursor=%s", path_with_query, sep, cursor) : same(200, "%s", path_with_query);
    json_array_extend(all, json_object_get(p, "items"));
    const char *next = rj_str(p, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    json_decref(p);
    if (!cursor[0]) break;
  }
  return all;
}

/* A query string value: every byte but unreserved ones %-encoded. */
static void encode(const char *s, char *out, size_t outsz) {
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && k + 4 < outsz; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
      out[k++] = (char)*p;
    else
      k += (size_t)snprintf(out + k, outsz - k, "%%%02X", *p);
  }
  out[k] = '\0';
}

static json_t *accounts; /* every account (walked on both) */
static json_t *requests; /* every request */

static void test_accounts_pages(void **state) {
  (void)state;
  json_decref(walk("/v1/accounts?limit=7")); /* small pages: many cursors */
  accounts = walk("/v1/accounts?limit=200");
  assert_true(json_array_size(accounts) >= 300);
}

/* The searches, built from the seeded data itself: e-mail prefixes of
 * several lengths, name pieces (any script), exact ids, in several cases. */
static void test_account_search_from_data(void **state) {
  (void)state;
  static const char *const fixed[] = {"a", "ma", "son", "EXAMPLE.com", "Example", "z", "%", "_", "\\", "'", "\"",
                                      "a%b", "__", "ü", "é", "ß", "zh", "@", ".", "-", "O'", "李", "محمد", "😀", " ",
                                      "erased+", "acc_", "acc_nonexistent"};
  char q[512], path[700];
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    encode(fixed[i], q, sizeof q);
    snprintf(path, sizeof path, "/v1/accounts?q=%s&limit=13", q);
    json_decref(walk(path));
  }
  size_t n = json_array_size(accounts);
  for (size_t i = 0; i < n; i += n / 40 + 1) {
    json_t *a = json_array_get(accounts, i);
    const char *email = rj_str(a, "email"), *name = rj_str(a, "name"), *id = rj_str(a, "id");
    char piece[64];
    /* e-mail prefixes, upper-cased too */
    for (size_t len = 1; len <= 6 && len <= strlen(email); len += 2) {
      snprintf(piece, sizeof piece, "%.*s", (int)len, email);
      if (i % 2)
        for (char *p = piece; *p; p++)
          if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
      encode(piece, q, sizeof q);
      snprintf(path, sizeof path, "/v1/accounts?q=%s&limit=9", q);
      json_decref(walk(path));
    }
    /* a name piece of 3 to 5 characters from the middle (UTF-8 aware) */
    size_t chars = 0, start = 0, end = 0;
    for (const char *p = name; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars >= 4) {
      size_t want_start = chars / 3, want_len = 3 + i % 3, c = 0;
      for (size_t b = 0; name[b]; b++) {
        if (((unsigned char)name[b] & 0xC0) == 0x80) continue;
        if (c == want_start) start = b;
        if (c == want_start + want_len) {
          end = b;
          break;
        }
        c++;
      }
      if (!end) end = strlen(name);
      if (end > start && end - start < sizeof piece) {
        snprintf(piece, sizeof piece, "%.*s", (int)(end - start), name + start);
        encode(piece, q, sizeof q);
        snprintf(path, sizeof path, "/v1/accounts?q=%s&limit=11", q);
        json_decref(walk(path));
      }
    }
    encode(id, q, sizeof q);
    snprintf(path, sizeof path, "/v1/accounts?q=%s", q);
    json_decref(walk(path));
  }
}

static void test_account_details(void **state) {
  (void)state;
  size_t n = json_array_size(accounts);
  for (size_t i = 0; i < n; i += n / 60 + 1) {
    const char *id = rj_str(json_array_get(accounts, i), "id");
    json_decref(same(200, "/v1/accounts/%s", id));
    json_decref(same(200, "/v1/accounts/%s/inventory", id));
    char path[128];
    snprintf(path, sizeof path, "/v1/holds?account_id=%s", id);
    json_decref(walk(path));
    snprintf(path, sizeof path, "/v1/requests?account_id=%s", id);
    json_decref(walk(path));
  }
  json_decref(same(404, "/v1/accounts/acc_doesnotexist00"));
}

static void test_queue_filters_and_sorts(void **state) {
  (void)state;
  requests = walk("/v1/requests?limit=200");
  assert_true(json_array_size(requests) >= 100);
  static const char *const filters[] = {"",
                                        "status=open",
                                        "status=closed",
                                        "status=new,waiting",
                                        "status=completed",
                                        "type=erasure",
                                        "type=access,objection",
                                        "priority=urgent",
                                        "overdue=true",
                                        "overdue=false",
                                        "assignee=none",
                                        "assignee=alice",
                                        "assignee=sam&status=open",
                                        "due_before=2026-12-15",
                                        "q=a",
                                        "q=ma",
                                        "q=EXAMPLE",
                                        "q=%25",
                                        "q=z&status=open&type=erasure",
                                        "status=open&overdue=true&priority=normal"};
  static const char *const sorts[] = {"due_at", "-due_at", "received_at", "-received_at"};
  char path[300];
  for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++)
    for (size_t s = 0; s < 4; s++) {
      snprintf(path, sizeof path, "/v1/requests?%s%ssort=%s&limit=%d", filters[f], filters[f][0] ? "&" : "", sorts[s],
               f % 2 ? 17 : 50);
      json_decref(walk(path));
    }
  size_t n = json_array_size(requests);
  for (size_t i = 0; i < n; i += n / 40 + 1) {
    json_t *q = json_array_get(requests, i);
    char path2[160];
    snprintf(path2, sizeof path2, "/v1/requests?q=%s", rj_str(q, "id"));
    json_decref(walk(path2));
  }
}

static void test_request_details(void **state) {
  (void)state;
  size_t n = json_array_size(requests), previews = 0, exports = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *q = json_array_get(requests, i);
    const char *id = rj_str(q, "id"), *type = rj_str(q, "type"), *status = rj_str(q, "status");
    json_decref(same(200, "/v1/requests/%s", id));
    if (strcmp(type, "erasure") == 0 && previews < 25) {
      struct rc_resp a;
      char path[128];
      snprintf(path, sizeof path, "/v1/requests/%s/erasure-preview", id);
      rc_get(&rc_lite, lite.viewer, path, &a);
      long st = a.status;
      rc_resp_free(&a);
      json_decref(same(st, "%s", path));
      previews++;
    }
    if (strcmp(type, "access") == 0 && strcmp(status, "completed") == 0 && exports < 10) {
      json_decref(same(200, "/v1/requests/%s/export", id));
      exports++;
    }
  }
  print_message("# %zu requests, %zu erasure previews, %zu exports compared\n", n, previews, exports);
}

static void test_holds_stats_audit(void **state) {
  (void)state;
  json_decref(walk("/v1/holds?limit=5"));
  json_decref(walk("/v1/holds?status=active"));
  json_decref(walk("/v1/holds?status=released&limit=3"));
  json_t *holds = walk("/v1/holds?limit=200");
  for (size_t i = 0; i < json_array_size(holds); i++)
    json_decref(same(200, "/v1/holds/%s", rj_str(json_array_get(holds, i), "id")));
  json_decref(holds);
  json_decref(same(200, "/v1/stats"));
  /* the seeded audit log (the users added afterwards differ in time) */
  static const char *const actions[] = {"request.create", "request.complete", "hold.place", "hold.release",
                                        "seed.generate", "request.transition", "request.note"};
  char path[160];
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
    snprintf(path, sizeof path, "/v1/audit?action=%s&limit=37", actions[i]);
    json_decref(walk(path));
  }
  json_t *one = same(200, "/v1/audit?actor=sam&limit=3");
  json_decref(one);
  print_message("# %ld GETs answered alike by both stores\n", compared);
}

static int setup(void **state) {
  (void)state;
  rc_global_init();
  struct pd_test_server_opts o = {.seed_accounts = 400, .seed_requests = 160, .seed = 23, .now = "2026-11-20"};
  unsetenv("PRIVDESK_TEST_STORE");
  if (pd_test_server_start(&lite, &o) != 0) return -1;
  setenv("PRIVDESK_TEST_STORE", "postgresql", 1);
  if (pd_test_server_start(&pg, &o) != 0) return -1;
  rc_init(&rc_lite, lite.url);
  rc_init(&rc_pg, pg.url);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  json_decref(accounts);
  json_decref(requests);
  rc_cleanup(&rc_lite);
  rc_cleanup(&rc_pg);
  int reports = 0;
  struct pd_test_server *both[] = {&lite, &pg};
  for (int i = 0; i < 2; i++) {
    pd_test_server_kill(both[i], false);
    reports += pd_test_server_sanitizer_reports(both[i]);
    pd_test_server_stop(both[i]);
  }
  return reports ? -1 : 0;
}

int main(void) {
  const char *why = pd_test_pg_unavailable();
  if (why) {
    printf("1..0 # SKIP %s\n", why);
    return 0;
  }
  const struct CMUnitTest tests[] = {
      {"every page of the accounts list (7 and 200 a page): SQLite and PostgreSQL alike", test_accounts_pages, NULL,
       NULL, NULL},
      {"account search (e-mail prefixes in any case, name pieces in any script, ids, LIKE and quote characters):"
       " alike",
       test_account_search_from_data, NULL, NULL, NULL},
      {"account details, inventories, their holds and requests: alike", test_account_details, NULL, NULL, NULL},
      {"the queue under 20 filters x 4 sorts, walked through its cursors, and by request id: alike",
       test_queue_filters_and_sorts, NULL, NULL, NULL},
      {"every request's detail and timeline, erasure previews, access exports: alike", test_request_details, NULL,
       NULL, NULL},
      {"holds, statistics and the seeded audit log: alike", test_holds_stats_audit, NULL, NULL, NULL},
  };
  return cmocka_run_group_tests_name("SQLite and PostgreSQL answer alike", tests, setup, teardown);
}
