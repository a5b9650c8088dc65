/* A small HTTP client for the API tests: libcurl's easy interface (one
 * handle per test program, so connections are reused) and jansson. It talks
 * to privdeskd directly, never through the api/ client library, which is a
 * separate system under test. */
#ifndef PD_TESTS_API_HTTP_H
#define PD_TESTS_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* One request. Only method and path are required. */
struct hreq {
  const char *method;        /* "GET", "POST", "PATCH", ... */
  const char *path;          /* "/v1/..." with an already encoded query, or a full http:// URL */
  const char *token;         /* Bearer token; NULL sends no Authorization header */
  const char *auth;          /* a raw Authorization value instead of token ("Basic x", "Bearer") */
  const char *body;          /* raw body; NULL = none */
  size_t body_len;           /* 0 = strlen(body) */
  json_t *json;              /* a JSON body instead of body (not stolen) */
  const char *content_type;  /* default application/json when a body is sent; "" sends none */
  const char *if_match, *if_none_match, *idem_key;
  bool chunked;              /* send the body with Transfer-Encoding: chunked */
};

struct hresp {
  long status;
  char *body; /* NUL-terminated, malloc'd; "" when empty */
  size_t body_len;
  json_t *json; /* the body parsed as JSON, or NULL */
  /* headers, "" when absent */
  char etag[128], location[256], retry_after[32], content_type[128], replayed[16], www_auth[128], allow[64],
      disposition[256];
  char curl_error[256]; /* set when the transfer failed (status 0) */
};

/* Sets the base URL paths are resolved against (the server of the test program). */
void http_set_base(const char *url);
const char *http_base(void);
/* Sends rq; fills *out (freed with hresp_free, which http_do also calls first). Returns out->status. */
long http_do(const struct hreq *rq, struct hresp *out);
void hresp_free(struct hresp *r);
/* Frees the shared handle (call from the group teardown). */
void http_cleanup(void);

/* Shorthands: http_get(&resp, token, "/v1/requests/%s", id) */
long http_get(struct hresp *out, const char *token, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A JSON body (stolen; NULL for none), with optional If-Match. */
long http_send(struct hresp *out, const char *method, const char *token, const char *if_match, json_t *body,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Percent-encodes s for a query value into a static rotating buffer. */
const char *urlenc(const char *s);

/* JSON accessors on an object; NULL/0/false when missing. */
const char *jstr(const json_t *o, const char *key);
long long jint(const json_t *o, const char *key);
bool jbool(const json_t *o, const char *key);
json_t *jget(const json_t *o, const char *key);
/* Does the JSON array of strings contain s? */
bool jarray_has(const json_t *a, const char *s);

/* Asserts an RFC 9457 problem: status, Content-Type application/problem+json,
 * code, type "urn:privdesk:problem:<code>", and the body's status field. */
#define assert_problem(resp, want_status, want_code) \
  assert_problem_at((resp), (want_status), (want_code), __FILE__, __LINE__)
void assert_problem_at(const struct hresp *r, long status, const char *code, const char *file, int line);
/* Asserts a 2xx/3xx status, printing the body on a mismatch. */
#define assert_status(resp, want_status) assert_status_at((resp), (want_status), __FILE__, __LINE__)
void assert_status_at(const struct hresp *r, long status, const char *file, int line);

#endif
