/* One call: its easy handle, the headers of each attempt (the Authorization
 * header is built per attempt and wiped after it), the response capture with
 * its size cap, the outcome (decode / problem / transport error) and the
 * retry decision. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/internal.h"
#include "api/retry.h"

void pd_spec_clear(struct pd_spec *s) {
  free(s->path);
  free(s->body);
  free(s->if_none_match);
  memset(s, 0, sizeof *s);
  s->if_match = PD_NO_VERSION;
}

int pd_spec_copy(struct pd_spec *dst, const struct pd_spec *src) {
  *dst = *src;
  dst->path = src->path ? strdup(src->path) : NULL;
  dst->body = src->body ? strdup(src->body) : NULL;
  dst->if_none_match = src->if_none_match ? strdup(src->if_none_match) : NULL;
  if ((src->path && !dst->path) || (src->body && !dst->body) || (src->if_none_match && !dst->if_none_match)) {
    pd_spec_clear(dst);
    return -1;
  }
  return 0;
}

static bool same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

bool pd_spec_same_request(const struct pd_spec *a, const struct pd_spec *b) {
  return same_str(a->method, b->method) && same_str(a->path, b->path) && same_str(a->body, b->body) &&
         a->if_match == b->if_match && a->kind == b->kind;
}

static pd_call *call_new(pd_client *c, enum pd_value_kind kind, pd_callback cb, void *ud) {
  pd_call *call = calloc(1, sizeof *call);
  if (!call) return NULL;
  call->client = c;
  call->cb = cb;
  call->ud = ud;
  call->spec.if_match = PD_NO_VERSION;
  call->result.kind = kind;
  pd_error_clear(&call->result.error);
  call->next = c->calls;
  if (c->calls) c->calls->prev = call;
  c->calls = call;
  c->stats.calls++;
  return call;
}

pd_call *pd_call_fail(pd_client *c, enum pd_value_kind kind, enum pd_error_kind ek, const char *msg,
                      pd_callback cb, void *ud) {
  pd_call *call = call_new(c, kind, cb, ud);
  if (!call) return NULL;
  pd_error_set(&call->result.error, ek, "%s", msg);
  pd_client_enqueue_done(c, call);
  return call;
}

/* An ETag the caller hands back must be a header-safe token. */
static bool header_safe(const char *s) {
  if (!s || !*s || strlen(s) >= PD_ERROR_ETAG_MAX) return false;
  for (; *s; s++)
    if (*s < ' ' || *s > '~') return false;
  return true;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
  pd_call *call = ud;
  size_t len = size * nmemb, max = call->client->opt.max_response_bytes;
  if (len > max - call->body_len) {
    call->too_large = true;
    return 0; /* aborts the transfer */
  }
  if (call->body_len + len + 1 > call->body_cap) {
    size_t cap = call->body_cap ? call->body_cap : 4096;
    while (cap < call->body_len + len + 1) cap *= 2;
    if (cap > max + 1) cap = max + 1;
    char *n = realloc(call->body_in, cap);
    if (!n) return 0;
    call->body_in = n;
    call->body_cap = cap;
  }
  memcpy(call->body_in + call->body_len, p, len);
  call->body_len += len;
  call->body_in[call->body_len] = '\0';
  return len;
}

/* Copies a header value without surrounding blanks and the line end. */
static void header_value(const char *v, size_t n, char *out, size_t cap) {
  while (n && (*v == ' ' || *v == '\t')) v++, n--;
  while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
  if (n >= cap) n = cap - 1;
  memcpy(out, v, n);
  out[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
  pd_call *call = ud;
  size_t len = size * nmemb;
  if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) { /* a new response (after 1xx) */
    call->etag[0] = call->retry_after[0] = '\0';
    call->replayed = false;
    return len;
  }
  const char *colon = memchr(p, ':', len);
  if (!colon) return len;
  size_t nlen = (size_t)(colon - p), vlen = len - nlen - 1;
  if (nlen == 4 && strncasecmp(p, "etag", 4) == 0) {
    header_value(colon + 1, vlen, call->etag, sizeof call->etag);
  } else if (nlen == 11 && strncasecmp(p, "retry-after", 11) == 0) {
    header_value(colon + 1, vlen, call->retry_after, sizeof call->retry_after);
  } else if (nlen == 19 && strncasecmp(p, "idempotent-replayed", 19) == 0) {
    char v[16];
    header_value(colon + 1, vlen, v, sizeof v);
    call->replayed = strcasecmp(v, "true") == 0;
  }
  return len;
}

static bool easy_setup(pd_call *call) {
  pd_client *c = call->client;
  CURL *e = call->easy = curl_easy_init();
  if (!e) return false;
  bool ok = true;
#define SET(opt, val) (ok = ok && curl_easy_setopt(e, opt, val) == CURLE_OK)
  SET(CURLOPT_URL, call->url);
  SET(CURLOPT_PRIVATE, (char *)call);
  SET(CURLOPT_WRITEFUNCTION, on_body);
  SET(CURLOPT_WRITEDATA, call);
  SET(CURLOPT_HEADERFUNCTION, on_header);
  SET(CURLOPT_HEADERDATA, call);
  SET(CURLOPT_ERRORBUFFER, call->errbuf);
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_USERAGENT, c->user_agent);
  SET(CURLOPT_ACCEPT_ENCODING, ""); /* every encoding this libcurl decodes */
  SET(CURLOPT_CONNECTTIMEOUT_MS, c->opt.connect_timeout_ms);
  SET(CURLOPT_TIMEOUT_MS, c->opt.timeout_ms);
  SET(CURLOPT_TCP_KEEPALIVE, 1L);
  SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->opt.max_response_bytes);
#if LIBCURL_VERSION_NUM >= 0x075500
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
  SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  SET(CURLOPT_SSL_VERIFYPEER, c->opt.insecure ? 0L : 1L);
  SET(CURLOPT_SSL_VERIFYHOST, c->opt.insecure ? 0L : 2L);
  if (c->ca_file) SET(CURLOPT_CAINFO, c->ca_file);
  if (c->opt.fresh_connections) {
    SET(CURLOPT_FORBID_REUSE, 1L);
    SET(CURLOPT_FRESH_CONNECT, 1L);
  }
  if (strcmp(call->spec.method, "GET") == 0) {
    SET(CURLOPT_HTTPGET, 1L);
  } else {
    if (strcmp(call->spec.method, "POST") != 0) SET(CURLOPT_CUSTOMREQUEST, call->spec.method);
    const char *body = call->spec.body ? call->spec.body : "";
    SET(CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    SET(CURLOPT_POSTFIELDS, body);
  }
#undef SET
  /* HTTP/2 when the server offers it over TLS; wait to multiplex rather than
   * open a second connection. Not fatal when this libcurl lacks HTTP/2. */
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  return ok;
}

static struct curl_slist *add(struct curl_slist *l, bool *ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static struct curl_slist *add(struct curl_slist *l, bool *ok, const char *fmt, ...) {
  char line[PD_IDEMPOTENCY_KEY_MAX + 64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  struct curl_slist *n = *ok ? curl_slist_append(l, line) : NULL;
  if (!n) *ok = false;
  return n ? n : l;
}

static bool build_headers(pd_call *call) {
  const struct pd_spec *s = &call->spec;
  bool ok = true;
  struct curl_slist *l = NULL;
  if (s->auth) l = pd_token_append_auth(call->client->token, l, &ok);
  l = add(l, &ok, "Accept: application/json");
  if (s->body) {
    l = add(l, &ok, "Content-Type: application/json");
    l = add(l, &ok, "Expect:"); /* no 100-continue round trip */
  }
  if (s->if_match != PD_NO_VERSION) l = add(l, &ok, "If-Match: \"%lld\"", (long long)s->if_match);
  if (s->if_none_match) l = add(l, &ok, "If-None-Match: %s", s->if_none_match);
  if (s->idem_key[0]) l = add(l, &ok, "Idempotency-Key: %s", s->idem_key);
  call->headers = l;
  return ok;
}

static void complete(pd_call *call) {
  struct pd_result *r = &call->result;
  snprintf(r->etag, sizeof r->etag, "%s", call->etag);
  r->replayed = call->replayed;
  pd_client_enqueue_done(call->client, call);
}

void pd_call_attempt_start(pd_call *call) {
  pd_client *c = call->client;
  call->body_len = 0;
  call->too_large = false;
  call->etag[0] = call->retry_after[0] = call->errbuf[0] = '\0';
  call->replayed = false;
  pd_error_clear(&call->result.error);
  if (!build_headers(call)) {
    pd_headers_wipe_free(call->headers);
    call->headers = NULL;
    pd_error_set(&call->result.error, PD_E_LOCAL, "out of memory");
    complete(call);
    return;
  }
  curl_easy_setopt(call->easy, CURLOPT_HTTPHEADER, call->headers);
  if (curl_multi_add_handle(c->multi, call->easy) != CURLM_OK) {
    pd_headers_wipe_free(call->headers);
    call->headers = NULL;
    pd_error_set(&call->result.error, PD_E_LOCAL, "libcurl refused the transfer");
    complete(call);
    return;
  }
  call->state = PD_CALL_RUNNING;
}

pd_call *pd_call_start(pd_client *c, struct pd_spec *spec, pd_intent *in, pd_callback cb, void *ud) {
  enum pd_value_kind kind = spec->kind;
  const char *bad = NULL;
  if (spec->if_none_match && !header_safe(spec->if_none_match)) bad = "if_none_match: not a header-safe ETag";
  bool post = strcmp(spec->method, "POST") == 0;
  if (!bad && in) {
    if (post) memcpy(spec->idem_key, in->key, sizeof spec->idem_key);
    if (in->bound && !pd_spec_same_request(&in->spec, spec))
      bad = "this intent was sent with another request; create one intent per user action";
    else if (!in->bound) {
      if (pd_spec_copy(&in->spec, spec) != 0) {
        pd_spec_clear(spec);
        return NULL;
      }
      in->bound = true;
    }
  } else if (!bad && post) {
    pd_intent *once = pd_intent_new();
    if (once) memcpy(spec->idem_key, once->key, sizeof spec->idem_key);
    pd_intent_free(once);
    if (!spec->idem_key[0]) spec->retry = PD_RETRY_UNSENT_ONLY; /* no key: never risk a second write */
  }
  if (bad) {
    pd_spec_clear(spec);
    return pd_call_fail(c, kind, PD_E_INVALID_INPUT, bad, cb, ud);
  }
  pd_call *call = call_new(c, kind, cb, ud);
  if (!call) {
    pd_spec_clear(spec);
    return NULL;
  }
  call->spec = *spec;
  memset(spec, 0, sizeof *spec);
  size_t n = strlen(c->base_url) + strlen(call->spec.path) + 1;
  if (!(call->url = malloc(n)) || (snprintf(call->url, n, "%s%s", c->base_url, call->spec.path), !easy_setup(call))) {
    pd_error_set(&call->result.error, PD_E_LOCAL, "could not set up the transfer");
    pd_client_enqueue_done(c, call);
    return call;
  }
  pd_call_attempt_start(call);
  return call;
}

/* Transport failures: the error kind, and whether the request may have
 * reached the server (then only keyed writes and reads are retried). */
static enum pd_error_kind transport_kind(CURLcode rc, bool started, bool *retry_unsent, bool *retry_sent) {
  *retry_unsent = *retry_sent = false;
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
    *retry_unsent = true;
    return PD_E_OFFLINE;
  case CURLE_OPERATION_TIMEDOUT:
    *retry_unsent = !started; /* a connect timeout: nothing was sent */
    return PD_E_TIMEOUT;
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    *retry_sent = true;
    return PD_E_OFFLINE;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_ENGINE_NOTFOUND:
  case CURLE_SSL_ENGINE_SETFAILED:
  case CURLE_SSL_ENGINE_INITFAILED:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_USE_SSL_FAILED:
    return PD_E_TLS;
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_TOO_MANY_REDIRECTS:
    return PD_E_BAD_RESPONSE;
  case CURLE_OUT_OF_MEMORY:
  case CURLE_URL_MALFORMAT:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_FAILED_INIT:
  case CURLE_WRITE_ERROR:
    return PD_E_LOCAL;
  default:
    return PD_E_OFFLINE;
  }
}

/* A TLS failure in words a person can act on: a certificate whose chain
 * does not lead to a trusted CA ("not trusted"; the console suggests
 * --ca-file), a certificate for another host name, an unusable CA file, or
 * another handshake failure; curl's explanation follows. */
static void tls_message(pd_call *call, CURLcode rc, struct pd_error *err) {
  const char *curl_msg = call->errbuf[0] ? call->errbuf : curl_easy_strerror(rc);
  long verify = 0;
  curl_easy_getinfo(call->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
  static const char problem[] = "SSL certificate problem: ";
  /* OpenSSL's X509_V_ERR_HOSTNAME_MISMATCH (62) and _IP_ADDRESS_MISMATCH (64),
   * or curl's own host check ("no alternative certificate subject name ...") */
  bool wrong_host = verify == 62 || verify == 64 || strstr(curl_msg, "subject name") ||
                    strstr(curl_msg, "host name") || strstr(curl_msg, "hostname");
  if (rc == CURLE_PEER_FAILED_VERIFICATION && wrong_host) {
    /* the host of the URL: after "://", up to the port or path */
    const char *h = strstr(call->client->base_url, "://");
    h = h ? h + 3 : call->client->base_url;
    size_t n = *h == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/");
    pd_error_set(err, PD_E_TLS, "TLS: host name does not match the certificate (%.*s)", (int)n, h);
  } else if (rc == CURLE_PEER_FAILED_VERIFICATION) { /* the chain does not lead to a trusted CA */
    const char *reason = strncmp(curl_msg, problem, sizeof problem - 1) == 0 ? curl_msg + sizeof problem - 1 : curl_msg;
    pd_error_set(err, PD_E_TLS, "TLS: certificate not trusted: %s", reason);
  } else if (rc == CURLE_SSL_CACERT_BADFILE) {
    pd_error_set(err, PD_E_TLS, "TLS: the CA file could not be read (%s)", curl_msg);
  } else {
    pd_error_set(err, PD_E_TLS, "TLS: %s", curl_msg);
  }
}

static void account(pd_call *call) {
  pd_client *c = call->client;
  long nconn = 0, hsize = 0, reqsize = 0;
  curl_off_t down = 0, up = 0;
  curl_easy_getinfo(call->easy, CURLINFO_NUM_CONNECTS, &nconn);
  curl_easy_getinfo(call->easy, CURLINFO_HEADER_SIZE, &hsize);
  curl_easy_getinfo(call->easy, CURLINFO_REQUEST_SIZE, &reqsize);
  curl_easy_getinfo(call->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
  curl_easy_getinfo(call->easy, CURLINFO_SIZE_UPLOAD_T, &up);
  call->result.attempts++;
  call->result.new_connections += nconn;
  c->stats.attempts++;
  c->stats.connects += (uint64_t)nconn;
  c->stats.bytes_received += (uint64_t)hsize + (uint64_t)down;
  c->stats.bytes_sent += (uint64_t)reqsize + (uint64_t)up;
}

void pd_call_attempt_done(pd_call *call, CURLcode rc) {
  pd_client *c = call->client;
  struct pd_result *r = &call->result;
  struct pd_error *err = &r->error;
  pd_headers_wipe_free(call->headers);
  call->headers = NULL;
  curl_easy_setopt(call->easy, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
  account(call);
  long status = 0;
  curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &status);
  r->http_status = status;
  pd_error_clear(err);
  bool retry = false;
  long delay = -1;
  if (call->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    pd_error_set(err, PD_E_BAD_RESPONSE, "the response is larger than %zu bytes", c->opt.max_response_bytes);
  } else if (rc != CURLE_OK) {
    /* Could the request have reached the server? Not if the transfer never
     * started (still connecting) and no request byte went out. (The connect
     * time says nothing on a reused connection.) */
    curl_off_t pretransfer_us = 0;
    long request_bytes = 0;
    curl_easy_getinfo(call->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
    curl_easy_getinfo(call->easy, CURLINFO_REQUEST_SIZE, &request_bytes);
    bool unsent, sent;
    enum pd_error_kind k = transport_kind(rc, pretransfer_us > 0 || request_bytes > 0, &unsent, &sent);
    if (k == PD_E_TLS)
      tls_message(call, rc, err);
    else
      pd_error_set(err, k, "%s", call->errbuf[0] ? call->errbuf : curl_easy_strerror(rc));
    retry = unsent || (sent && call->spec.retry != PD_RETRY_UNSENT_ONLY);
  } else if (status == 304) {
    if (call->spec.if_none_match)
      r->ok = r->not_modified = true;
    else
      pd_error_set(err, PD_E_BAD_RESPONSE, "304 Not Modified without If-None-Match");
  } else if (status >= 200 && status <= 299) {
    if (r->kind == PD_VALUE_NONE || pd_decode(r->kind, call->body_in, call->body_len, &r->v.any, err) == 0)
      r->ok = true;
  } else {
    pd_error_from_problem(err, status, call->body_in, call->body_len, call->etag);
    if (status == 429) {
      long ra = pd_retry_after_s(call->retry_after, (int64_t)time(NULL));
      err->retry_after_s = ra;
      retry = ra < 0 || ra * 1000 <= c->opt.retry_after_max_ms;
      if (ra >= 0) delay = ra * 1000;
    } else if (status == 502 || status == 503 || status == 504) {
      retry = call->spec.retry != PD_RETRY_UNSENT_ONLY;
    }
  }
  err->http_status = status;
  if (retry && r->attempts < c->opt.max_attempts) {
    if (delay < 0)
      delay = pd_backoff_ms(r->attempts, c->opt.backoff_base_ms, c->opt.backoff_max_ms, pd_client_random(c));
    call->state = PD_CALL_WAITING;
    call->wake_at = pd_now_ms() + delay;
    c->stats.retries++;
    return;
  }
  complete(call);
}

void pd_call_destroy(pd_call *call) {
  pd_client *c = call->client;
  if (call->state == PD_CALL_RUNNING) curl_multi_remove_handle(c->multi, call->easy);
  if (call->state == PD_CALL_DONE) {
    pd_call **p = &c->done_head;
    pd_call *last = NULL;
    while (*p && *p != call) last = *p, p = &(*p)->done_next;
    if (*p) {
      *p = call->done_next;
      if (c->done_tail == call) c->done_tail = last;
    }
  }
  if (call->prev)
    call->prev->next = call->next;
  else
    c->calls = call->next;
  if (call->next) call->next->prev = call->prev;
  pd_headers_wipe_free(call->headers);
  if (call->easy) curl_easy_cleanup(call->easy);
  free(call->url);
  free(call->body_in);
  pd_spec_clear(&call->spec);
  pd_value_free(call->result.kind, call->result.v.any);
  free(call);
}

void pd_call_cancel(pd_call *call) {
  if (!call || call->state == PD_CALL_COMPLETING) return;
  pd_call_destroy(call);
}
