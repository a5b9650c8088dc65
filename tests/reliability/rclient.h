/* A thread-safe HTTP client for the reliability tests: one libcurl easy
 * handle per `struct rc` (one per thread), kept-alive connections, and the
 * few response headers the tests look at. tests/api/http.c is the
 * single-threaded helper of the API suite; this one may run in 32 threads. */
#ifndef PD_TESTS_RELIABILITY_RCLIENT_H
#define PD_TESTS_RELIABILITY_RCLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct rc {
  void *curl; /* CURL * */
  char base[128];
  long timeout_ms; /* 0: 30 s */
};

struct rc_resp {
  long status;          /* 0 when the transfer failed: see error */
  char *body;           /* malloc'd, NUL-terminated, "" when empty */
  size_t body_len;
  json_t *json;         /* the body parsed, or NULL */
  char etag[64], location[160], replayed[8], retry_after[16];
  char error[256];      /* curl's message when status is 0 */
};

/* Process-wide libcurl set-up; call once before starting threads. */
void rc_global_init(void);
void rc_init(struct rc *c, const char *base_url);
void rc_cleanup(struct rc *c);
/* Drops the kept-alive connection (after the server was restarted). */
void rc_reset(struct rc *c);

struct rc_req {
  const char *method, *path, *token;
  const char *auth; /* a raw Authorization value instead of "Bearer <token>" */
  const char *body; /* JSON text or NULL */
  const char *if_match, *idem_key, *if_none_match;
};
/* Sends one request; fills *out (free with rc_resp_free). Returns out->status. */
long rc_do(struct rc *c, const struct rc_req *rq, struct rc_resp *out);
void rc_resp_free(struct rc_resp *r);

/* Shorthands. body is JSON text (may be NULL). */
long rc_get(struct rc *c, const char *token, const char *path, struct rc_resp *out);
long rc_send(struct rc *c, const char *method, const char *token, const char *path, const char *if_match,
             const char *idem_key, const char *body, struct rc_resp *out);

/* JSON accessors: NULL / 0 / false when missing. */
const char *rj_str(const json_t *o, const char *key);
long long rj_int(const json_t *o, const char *key);

/* A monotonic clock in seconds. */
double rc_now(void);
void rc_sleep_ms(long ms);

#endif
