/* Benchmark: the queue page (GET /v1/requests?limit=50) through api/, over
 * one kept-alive connection versus a new connection per call
 * (CURLOPT_FORBID_REUSE + CURLOPT_FRESH_CONNECT), against a seeded privdeskd
 * started by the test harness. Sequential calls, as the console makes them.
 *   api_keepalive [CALLS] [ACCOUNTS] [REQUESTS]   (defaults 2000 2000 400)
 * Prints one Markdown table row per mode; /v1/me (a tiny answer) is measured
 * too, as the reference for the connection's own cost. See bench/api-keepalive.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "tests/harness/server.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Traffic on the loopback interface (bytes, packets), TCP/IP headers and
 * connection set-up/teardown included. Other loopback users add noise. */
static void loopback(unsigned long long *bytes, unsigned long long *packets) {
  FILE *b = fopen("/sys/class/net/lo/statistics/tx_bytes", "r"), *p = fopen("/sys/class/net/lo/statistics/tx_packets", "r");
  *bytes = *packets = 0;
  if (b && fscanf(b, "%llu", bytes) != 1) *bytes = 0;
  if (p && fscanf(p, "%llu", packets) != 1) *packets = 0;
  if (b) fclose(b);
  if (p) fclose(p);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The queue page (what the benchmark is about) or /v1/me (a tiny answer: the
 * connection's share of the cost shows there). */
static pd_call *start(pd_client *c, bool queue) {
  return queue ? pd_list_requests(c, &(struct pd_request_query){.limit = 50}, NULL, NULL, NULL)
               : pd_get_me(c, NULL, NULL, NULL);
}

static int run(const struct pd_test_server *srv, bool queue, bool fresh, int calls) {
  struct pd_error err;
  struct pd_client_options o = {.base_url = srv->url, .fresh_connections = fresh, .max_attempts = 1};
  pd_client *c = pd_client_new(&o, pd_token_from_string(srv->agent, &err), &err);
  if (!c) {
    fprintf(stderr, "api_keepalive: %s\n", err.message);
    return -1;
  }
  for (int i = 0; i < 20; i++) /* warm-up: caches, first connection */
    pd_result_free(pd_call_wait(c, start(c, queue)));
  struct pd_client_stats before, after;
  pd_client_get_stats(c, &before);
  unsigned long long lo_b0, lo_p0, lo_b1, lo_p1;
  loopback(&lo_b0, &lo_p0);
  double *lat = calloc((size_t)calls, sizeof *lat);
  if (!lat) return -1;
  double t0 = now_s();
  for (int i = 0; i < calls; i++) {
    double s = now_s();
    struct pd_result *r = pd_call_wait(c, start(c, queue));
    lat[i] = now_s() - s;
    if (!r->ok || (queue && r->v.request_page->count != 50)) {
      fprintf(stderr, "api_keepalive: call %d failed: %s\n", i, r->error.message);
      pd_result_free(r);
      free(lat);
      pd_client_free(c);
      return -1;
    }
    pd_result_free(r);
  }
  double wall = now_s() - t0;
  loopback(&lo_b1, &lo_p1);
  pd_client_get_stats(c, &after);
  qsort(lat, (size_t)calls, sizeof *lat, cmp_double);
  double in = (double)(after.bytes_received - before.bytes_received) / calls;
  double out = (double)(after.bytes_sent - before.bytes_sent) / calls;
  printf("| %s | %s | %d | %llu | %.0f | %.2f | %.2f | %.2f | %.0f | %.0f | %.0f | %.1f |\n",
         queue ? "GET /v1/requests?limit=50" : "GET /v1/me", fresh ? "new connection per call" : "keep-alive", calls,
         (unsigned long long)(after.connects - before.connects), calls / wall, 1000 * lat[calls / 2],
         1000 * lat[calls * 99 / 100], 1000 * wall / calls, out, in,
         (double)(lo_b1 - lo_b0) / calls, (double)(lo_p1 - lo_p0) / calls);
  free(lat);
  pd_client_free(c);
  return 0;
}

int main(int argc, char **argv) {
  int calls = argc > 1 ? atoi(argv[1]) : 2000;
  struct pd_test_server_opts opts = {.seed_accounts = argc > 2 ? atoi(argv[2]) : 2000,
                                     .seed_requests = argc > 3 ? atoi(argv[3]) : 400,
                                     .seed = 42};
  if (calls < 10) calls = 10;
  struct pd_test_server srv;
  if (pd_test_server_start(&srv, &opts) != 0) return 1;
  printf("| call | connection | calls | new connections | calls/s | p50 ms | p99 ms | mean ms | bytes sent/call | "
         "bytes received/call | loopback bytes/call | loopback packets/call |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  int rc = run(&srv, true, false, calls) || run(&srv, true, true, calls) || run(&srv, false, false, calls) ||
           run(&srv, false, true, calls);
  pd_test_server_stop(&srv);
  return rc ? 1 : 0;
}
