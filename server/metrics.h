/* Prometheus metrics (text exposition format 0.0.4), served at GET /metrics:
 * requests by route and status, a latency histogram by route, the response
 * cache's hits and misses, and queue gauges read from the store at scrape
 * time. Counters are lock-free. */
#ifndef PD_METRICS_H
#define PD_METRICS_H

#include <stdint.h>

#include "server/http.h"

/* Records one finished request. route_index: index in the route table, or -1
 * when no route matched; status: the HTTP status sent. */
void metrics_observe(int route_index, int status, double seconds);

/* The handler of GET /metrics. */
int h_metrics(struct req *r);

#endif
