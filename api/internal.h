/* Internal to api/: the client, call and intent structures and the helpers
 * the endpoint files share. Not installed, not for the console. */
#ifndef PD_API_INTERNAL_H
#define PD_API_INTERNAL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"

/* When a failed attempt may be sent again automatically. */
enum pd_retry_policy {
  PD_RETRY_READ,       /* GET: connect errors, lost connections, 502/503/504, 429 */
  PD_RETRY_KEYED,      /* POST with an Idempotency-Key: as GET (the server replays) */
  PD_RETRY_UNSENT_ONLY /* PATCH (If-Match only): only when the request surely was not processed:
                          connect errors and 429 (the rate limit is checked before anything) */
};

/* What a call sends. Owned strings are freed by pd_spec_clear. */
struct pd_spec {
  const char *method; /* static: "GET", "POST", "PATCH" */
  char *path;         /* "/v1/..." with query, escaped */
  char *body;         /* JSON or NULL */
  int64_t if_match;   /* PD_NO_VERSION: none */
  char *if_none_match;
  char idem_key[PD_IDEMPOTENCY_KEY_MAX + 1]; /* "" for none */
  enum pd_value_kind kind;
  enum pd_retry_policy retry;
  bool auth; /* send the token (all but /healthz) */
};

struct pd_intent {
  char key[PD_IDEMPOTENCY_KEY_MAX + 1];
  bool bound;
  struct pd_spec spec; /* the bound request (idem_key included) */
};

enum pd_call_state {
  PD_CALL_RUNNING,    /* handle in the multi */
  PD_CALL_WAITING,    /* between attempts, until wake_at */
  PD_CALL_DONE,       /* result ready, in the completion queue */
  PD_CALL_COMPLETING, /* its callback is running */
  PD_CALL_HELD        /* done, no callback: waiting for pd_call_wait */
};

struct pd_call {
  pd_client *client;
  struct pd_call *prev, *next; /* all calls of the client */
  struct pd_call *done_next;   /* completion queue */
  enum pd_call_state state;
  struct pd_spec spec;
  pd_callback cb;
  void *ud;
  CURL *easy;
  struct curl_slist *headers; /* wiped and freed after every attempt */
  char *url;
  char *body_in;
  size_t body_len, body_cap;
  bool too_large;
  char etag[PD_ERROR_ETAG_MAX];
  char retry_after[64];
  bool replayed;
  int64_t wake_at; /* monotonic ms */
  struct pd_result result;
  char errbuf[CURL_ERROR_SIZE];
};

struct pd_sock {
  curl_socket_t fd;
  int what; /* CURL_POLL_IN / OUT / INOUT */
};

struct pd_client {
  CURLM *multi;
  pd_token *token;
  char *base_url; /* without trailing '/' */
  char *ca_file;
  struct pd_client_options opt; /* defaults filled in; strings point to the copies above */
  struct pd_sock *socks;
  size_t nsocks, capsocks;
  int64_t timer_at; /* monotonic ms, -1 none */
  struct pd_call *calls;
  struct pd_call *done_head, *done_tail;
  bool dispatching, free_requested;
  struct pd_client_stats stats;
  uint32_t rng; /* xorshift state for jitter */
  char user_agent[48];
};

int64_t pd_now_ms(void);
uint32_t pd_client_random(pd_client *c);

/* Starts a call from a spec (moved into the call: the caller's copy is
 * zeroed). With an intent, binds it or checks it is the same request. */
pd_call *pd_call_start(pd_client *c, struct pd_spec *spec, pd_intent *in, pd_callback cb, void *ud);
/* A call that fails without touching the network (bad argument): the error
 * is delivered on the next dispatch. */
pd_call *pd_call_fail(pd_client *c, enum pd_value_kind kind, enum pd_error_kind ek, const char *msg,
                      pd_callback cb, void *ud);
/* Called from the client when curl finished an attempt. */
void pd_call_attempt_done(pd_call *call, CURLcode rc);
/* Adds the call's handle to the multi for its next attempt; on failure the
 * call is completed with an error. */
void pd_call_attempt_start(pd_call *call);
/* Puts a finished call in the completion queue. */
void pd_client_enqueue_done(pd_client *c, pd_call *call);
/* Unlinks and frees a call (removing its handle from the multi first). */
void pd_call_destroy(pd_call *call);

void pd_spec_clear(struct pd_spec *s);
int pd_spec_copy(struct pd_spec *dst, const struct pd_spec *src);
bool pd_spec_same_request(const struct pd_spec *a, const struct pd_spec *b);

/* Token internals (token.c). */
struct curl_slist *pd_token_append_auth(const pd_token *t, struct curl_slist *list, bool *ok);
void pd_headers_wipe_free(struct curl_slist *list);

/* A growable string for paths, queries and headers. */
struct pd_buf {
  char *s;
  size_t len, cap;
  bool oom;
};
void pd_buf_add(struct pd_buf *b, const char *s);
void pd_buf_addf(struct pd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pd_buf_add_escaped(struct pd_buf *b, const char *s); /* percent-encodes all but unreserved */
/* Appends "?name=value" or "&name=value" (value escaped); NULL value: nothing. */
void pd_buf_param(struct pd_buf *b, const char *name, const char *value);
/* The string (owned by the caller) or NULL after an allocation failure. */
char *pd_buf_take(struct pd_buf *b);

#endif
