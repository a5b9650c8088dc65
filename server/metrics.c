#include "server/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/respcache.h"
#include "server/routes.h"

enum { MAX_ROUTES = 40, N_BUCKETS = 11 };

/* The statuses privdeskd sends; anything else is counted as "other". */
static const int statuses[] = {200, 201, 304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500, 503};
enum { N_STATUSES = sizeof statuses / sizeof statuses[0], OTHER_STATUS = N_STATUSES };

static const double bucket_le[N_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};

/* row MAX_ROUTES is "no route" */
static atomic_uint_fast64_t requests[MAX_ROUTES + 1][N_STATUSES + 1];
static atomic_uint_fast64_t buckets[MAX_ROUTES + 1][N_BUCKETS + 1]; /* last: +Inf */
static atomic_uint_fast64_t duration_us[MAX_ROUTES + 1];

void metrics_observe(int route_index, int status, double seconds) {
  int row = route_index >= 0 && route_index < MAX_ROUTES ? route_index : MAX_ROUTES;
  int col = OTHER_STATUS;
  for (int i = 0; i < N_STATUSES; i++)
    if (statuses[i] == status) col = i;
  atomic_fetch_add_explicit(&requests[row][col], 1, memory_order_relaxed);
  int b = 0;
  while (b < N_BUCKETS && seconds > bucket_le[b]) b++;
  atomic_fetch_add_explicit(&buckets[row][b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&duration_us[row], (uint_fast64_t)(seconds * 1e6), memory_order_relaxed);
}

struct text {
  char *p;
  size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if (t->p && t->len + (size_t)n < t->cap) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = t->cap ? t->cap * 2 : 16384;
    while (cap < t->len + (size_t)n + 1) cap *= 2;
    char *grown = realloc(t->p, cap);
    if (!grown) return;
    t->p = grown;
    t->cap = cap;
  }
}

static const char *method_name(enum http_method m) {
  return m == HTTP_GET ? "GET" : m == HTTP_POST ? "POST" : m == HTTP_PATCH ? "PATCH" : "OTHER";
}

int h_metrics(struct req *r) {
  int n_routes;
  const struct route *routes = route_table(&n_routes);
  if (n_routes > MAX_ROUTES) n_routes = MAX_ROUTES;
  struct text t = {0};
  add(&t, "# HELP privdesk_http_requests_total HTTP requests answered, by route and status.\n"
          "# TYPE privdesk_http_requests_total counter\n");
  for (int row = 0; row <= MAX_ROUTES; row++) {
    if (row >= n_routes && row != MAX_ROUTES) continue;
    const char *method = row == MAX_ROUTES ? "OTHER" : method_name(routes[row].method);
    const char *route = row == MAX_ROUTES ? "unmatched" : routes[row].pattern;
    for (int col = 0; col <= N_STATUSES; col++) {
      uint64_t v = atomic_load_explicit(&requests[row][col], memory_order_relaxed);
      if (!v) continue;
      if (col == OTHER_STATUS)
        add(&t, "privdesk_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n", method, route,
            (unsigned long long)v);
      else
        add(&t, "privdesk_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n", method, route,
            statuses[col], (unsigned long long)v);
    }
  }
  add(&t, "# HELP privdesk_http_request_duration_seconds Time from the first byte of a request to its answer.\n"
          "# TYPE privdesk_http_request_duration_seconds histogram\n");
  for (int row = 0; row <= MAX_ROUTES; row++) {
    if (row >= n_routes && row != MAX_ROUTES) continue;
    const char *method = row == MAX_ROUTES ? "OTHER" : method_name(routes[row].method);
    const char *route = row == MAX_ROUTES ? "unmatched" : routes[row].pattern;
    uint64_t cumulative = 0;
    for (int b = 0; b <= N_BUCKETS; b++) cumulative += atomic_load_explicit(&buckets[row][b], memory_order_relaxed);
    if (!cumulative) continue;
    uint64_t total = cumulative;
    cumulative = 0;
    for (int b = 0; b <= N_BUCKETS; b++) {
      cumulative += atomic_load_explicit(&buckets[row][b], memory_order_relaxed);
      if (b < N_BUCKETS)
        add(&t, "privdesk_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
            method, route, bucket_le[b], (unsigned long long)cumulative);
      else
        add(&t, "privdesk_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
            method, route, (unsigned long long)cumulative);
    }
    add(&t, "privdesk_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", method, route,
        (double)atomic_load_explicit(&duration_us[row], memory_order_relaxed) / 1e6);
    add(&t, "privdesk_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", method, route,
        (unsigned long long)total);
  }
  add(&t, "# HELP privdesk_response_cache_hits_total GET answers served from the response cache.\n"
          "# TYPE privdesk_response_cache_hits_total counter\nprivdesk_response_cache_hits_total %llu\n",
      (unsigned long long)respcache_hits());
  add(&t, "# HELP privdesk_response_cache_misses_total GET answers looked up in the response cache and made afresh.\n"
          "# TYPE privdesk_response_cache_misses_total counter\nprivdesk_response_cache_misses_total %llu\n",
      (unsigned long long)respcache_misses());
  add(&t, "# HELP privdesk_response_cache_entries GET answers kept in the response cache now.\n"
          "# TYPE privdesk_response_cache_entries gauge\nprivdesk_response_cache_entries %lld\n",
      (long long)respcache_entries());
  struct st_stats s;
  if (store_stats(r->db, r->now, "", &s) == ST_OK) {
    add(&t, "# HELP privdesk_requests_open Open rights requests by status.\n# TYPE privdesk_requests_open gauge\n");
    for (int i = 0; i < PD_STATUS_COUNT; i++)
      if (pd_status_is_open((enum pd_status)i))
        add(&t, "privdesk_requests_open{status=\"%s\"} %lld\n", pd_status_name((enum pd_status)i),
            (long long)s.open_by_status[i]);
    add(&t, "# HELP privdesk_requests_overdue Open requests past their deadline.\n"
            "# TYPE privdesk_requests_overdue gauge\nprivdesk_requests_overdue %lld\n", (long long)s.overdue);
    add(&t, "# HELP privdesk_requests_unassigned Open requests nobody has taken.\n"
            "# TYPE privdesk_requests_unassigned gauge\nprivdesk_requests_unassigned %lld\n",
        (long long)s.unassigned);
    add(&t, "# HELP privdesk_requests_urgent Open urgent requests.\n"
            "# TYPE privdesk_requests_urgent gauge\nprivdesk_requests_urgent %lld\n", (long long)s.urgent);
  }
  if (!t.p) return problem(r, PD_ERR_INTERNAL, "out of memory");
  r->status = 200;
  r->raw = arena_strndup(&r->arena, t.p, t.len);
  r->content_type_out = "text/plain; version=0.0.4; charset=utf-8";
  free(t.p);
  return 0;
}
