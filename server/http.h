/* What a request handler sees: the parsed request, the caller, the store
 * connection, and the response it fills in. Handlers never touch
 * libmicrohttpd; server/http.c does. */
#ifndef PD_HTTP_H
#define PD_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "common/vocab.h"
#include "server/arena.h"
#include "server/store.h"

#define PD_BODY_MAX (64 * 1024)
#define PD_MAX_QUERY_PARAMS 16
#define PD_MAX_PATH_PARAMS 2

enum http_method { HTTP_GET, HTTP_POST, HTTP_PATCH, HTTP_OTHER };

struct query_param {
  const char *name, *value;
};

struct req {
  struct arena arena;
  enum http_method method;
  const char *method_text;
  const char *path;
  const char *params[PD_MAX_PATH_PARAMS]; /* {id} segments of the matched route */
  struct query_param query[PD_MAX_QUERY_PARAMS];
  int n_query;
  const char *if_match, *if_none_match, *idempotency_key, *content_type;
  char *body;
  size_t body_len;
  json_t *body_json; /* parsed by body_object, freed with the request */

  struct st_user user; /* the caller */
  struct store_conn *db;
  int64_t now;
  /* Set by a GET handler whose 200 answer provably does not depend on the
   * clock (r->now): the response cache may then reuse it past the current
   * second, for as long as the data does not change (server/respcache.h).
   * Unset (the safe default) the answer is reused within its second only.
   * Clock-free: accounts list and detail, requests list without overdue=,
   * request detail, export, holds list and detail, audit list and verify.
   * Not: /v1/me (server_time), /v1/stats (generated_at, due buckets),
   * inventory and erasure preview (retained_until > now). */
  bool clock_free;

  /* response */
  int status;
  json_t *json;          /* the body, owned by the request; or raw below */
  const char *raw;       /* a ready body (arena), used when json is NULL */
  const char *content_type_out;
  const char *content_disposition;
  char etag[80];         /* explicit ETag (a version); else GETs get a content hash */
  const char *location;
  int retry_after;       /* seconds, 0 = none */
  bool replayed;
};

/* Fills an application/problem+json response; returns -1 so handlers can
 * `return problem(...)`. */
int problem(struct req *r, enum pd_error_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a specific HTTP status (400 vs 422 for invalid_input, 405, 415). */
int problem_status(struct req *r, enum pd_error_code code, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A problem for a store failure: not_found for ST_NOT_FOUND (naming `what`), internal otherwise. */
int store_problem(struct req *r, int rc, const char *what);

/* Sets a 2xx JSON response (steals obj). */
int reply_json(struct req *r, int status, json_t *obj);
void set_version_etag(struct req *r, int64_t version);
/* A strong content ETag over v (for a GET whose body also carries something
 * that changes on its own, like a generation time, which v leaves out). */
void set_content_etag(struct req *r, const json_t *v);

/* The value of a query parameter, or NULL. */
const char *query_get(const struct req *r, const char *name);

/* If-Match for a write: 428 without it, 412 (with the current ETag) when it
 * names another version. Returns 0 when the write may go ahead. */
int require_if_match(struct req *r, int64_t current_version);
/* The same, but a missing If-Match is allowed. */
int check_if_match_optional(struct req *r, int64_t current_version);

#endif
