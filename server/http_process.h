/* Request processing without a transport: everything privdeskd does with one
 * HTTP request (authentication, rate limit, route, role, body size, query
 * checks, body, idempotency, the handler in its transaction, ETag and 304),
 * as plain functions of what arrived. server/http_mhd.c is the thin
 * libmicrohttpd adapter around it; tests/fuzz/fuzz_server.c drives it
 * in-process. Nothing here includes or links libmicrohttpd.
 *
 * Two ways in:
 *  - http_process: the whole request at once (headers and body).
 *  - http_exchange_begin / _body / _finish: the same in phases, for a
 *    transport that sees the headers before the body, so that a request that
 *    fails on its headers (401, 404, 413 by Content-Length, ...) is answered
 *    at once and its body never read. Both give the same answer. */
#ifndef PD_HTTP_PROCESS_H
#define PD_HTTP_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "server/http.h"
#include "server/store.h"

/* What request processing shares between threads: the store and the rate limiter. */
struct server;
/* rate_limit: requests per second per token (bursts of twice that), 0 = none.
 * NULL when out of memory. */
struct server *server_new(struct store *store, double rate_limit);
void server_free(struct server *srv);

/* One request as the transport decoded it. Strings need to live only for
 * the call they are passed to (http_process, http_exchange_begin). */
struct http_input {
  const char *method; /* "GET", "POST", ... as sent */
  const char *path;   /* the decoded path, without the query string */
  /* the query's name/value pairs in order, decoded; a value is NULL for a
   * name without "=" */
  const struct query_param *query;
  int n_query;
  /* request headers, NULL when absent */
  const char *authorization, *if_match, *if_none_match, *idempotency_key, *content_type, *content_length;
  /* Cache-Control: no-cache or no-store has the answer made afresh, never
   * taken from the response cache (nor kept in it) */
  const char *cache_control;
  /* the body (http_process only) */
  const char *body;
  size_t body_len;
};

struct http_header {
  const char *name, *value;
};
enum { HTTP_MAX_RESPONSE_HEADERS = 12 };

/* The answer. Everything it points to lives until http_response_free. */
struct http_response {
  int status;
  const char *body; /* NUL-terminated; "" when there is none */
  size_t body_len;
  struct http_header headers[HTTP_MAX_RESPONSE_HEADERS]; /* Content-Type included */
  int n_headers;
};

/* Processes one whole request. NULL only when out of memory. */
struct http_response *http_process(struct server *srv, const struct http_input *in);

struct http_exchange;
/* Phase 1, the headers: NULL only when out of memory. */
struct http_exchange *http_exchange_begin(struct server *srv, const struct http_input *in);
/* True when the headers alone decided the answer: send http_exchange_finish's
 * response now and drop whatever body follows. */
bool http_exchange_answered(const struct http_exchange *x);
/* Phase 2, a piece of the body (past PD_BODY_MAX the rest is dropped and
 * the answer is 413). False when out of memory. */
bool http_exchange_body(struct http_exchange *x, const char *data, size_t n);
/* Phase 3: runs the request (unless already answered) and builds the
 * response, which belongs to the exchange. Call once; NULL when out of memory. */
struct http_response *http_exchange_finish(struct http_exchange *x);
/* Frees the exchange and its response (a response of http_process too:
 * http_response_free). */
void http_exchange_free(struct http_exchange *x);
void http_response_free(struct http_response *resp);

/* What the access log and the metrics record about an exchange. */
struct http_summary {
  const char *method, *path, *user; /* never NULL */
  int status;                       /* as sent; 0 when no response was built */
  size_t bytes;                     /* body bytes sent */
  bool replayed;                    /* an idempotent replay */
  int route_index;                  /* index in route_table(), -1 when no route matched */
};
void http_exchange_summary(const struct http_exchange *x, struct http_summary *out);

#endif
