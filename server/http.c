/* Request processing, independent of any HTTP library (http_process.h):
 * checks the token, rate limit, route and role, runs the handler inside a
 * store transaction with idempotency replay, and builds the response with
 * ETag and If-None-Match handling. server/http_mhd.c feeds it from
 * libmicrohttpd; tests/fuzz/fuzz_server.c calls it directly. */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "server/http.h"
#include "server/http_process.h"
#include "server/ids.h"
#include "server/json_in.h"
#include "server/ratelimit.h"
#include "server/respcache.h"
#include "server/routes.h"

struct server {
  struct store *store;
  double rate_limit;          /* requests per second per token, 0 = off */
  struct ratelimit *limiter;  /* in this process, for a store that shares none (SQLite) */
  struct respcache_set *caches; /* GET answers, one cache per worker thread */
};

/* One request on its way through: the `struct req` handlers see, and the
 * response once built. */
struct http_exchange {
  struct req r;
  struct server *srv;
  const struct route *route;
  bool answered; /* the headers decided the answer */
  bool too_large;
  bool finished;
  size_t body_cap;
  struct http_response resp;
  char *resp_body; /* malloc'd, NULL when the response has no body */
  char allow[32], retry_after[16];
  bool cache_bypass;                  /* Cache-Control: no-cache / no-store */
  struct respcache *cache;            /* set when the answer may be kept (a miss) */
  struct respcache_key cache_key;     /* in the arena */
  const struct respcache_body *hit;   /* the kept answer sent, a reference */
};

struct server *server_new(struct store *store, double rate_limit) {
  struct server *srv = calloc(1, sizeof *srv);
  if (!srv) return NULL;
  srv->store = store;
  srv->rate_limit = rate_limit;
  srv->limiter = ratelimit_new(rate_limit);
  srv->caches = respcache_set_new();
  if (!srv->limiter || !srv->caches) {
    ratelimit_free(srv->limiter);
    respcache_set_free(srv->caches);
    free(srv);
    return NULL;
  }
  return srv;
}

void server_free(struct server *srv) {
  if (!srv) return;
  ratelimit_free(srv->limiter);
  respcache_set_free(srv->caches);
  free(srv);
}

/* ---- problems and replies (http.h) ---- */

/* Makes s valid UTF-8 in place: each byte that does not start a well-formed
 * sequence becomes '?'. A detail can echo what the client sent (a method, a
 * query name) cut at a byte count, and JSON strings must be valid UTF-8. */
static void utf8_repair(char *s) {
  for (unsigned char *p = (unsigned char *)s; *p;) {
    size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
    size_t have = 1;
    while (n > 1 && have < n && (p[have] & 0xC0) == 0x80) have++;
    if (n == 0 || have < n || !utf8_valid((const char *)p, n)) {
      *p++ = '?';
      continue;
    }
    p += n;
  }
}

static int problem_v(struct req *r, enum pd_error_code code, int status, const char *fmt, va_list ap) {
  char detail[512];
  vsnprintf(detail, sizeof detail, fmt, ap);
  utf8_repair(detail);
  json_decref(r->json);
  r->json = json_pack("{ss ss si ss ss}", "type", "", "title", pd_error_title(code), "status", status, "detail",
                      detail, "code", pd_error_code_name(code));
  if (r->json) json_object_set_new(r->json, "type", json_sprintf("urn:privdesk:problem:%s", pd_error_code_name(code)));
  r->status = status;
  r->content_type_out = "application/problem+json";
  return -1;
}

int problem(struct req *r, enum pd_error_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  problem_v(r, code, pd_error_http_status(code), fmt, ap);
  va_end(ap);
  return -1;
}

int problem_status(struct req *r, enum pd_error_code code, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  problem_v(r, code, status, fmt, ap);
  va_end(ap);
  return -1;
}

int store_problem(struct req *r, int rc, const char *what) {
  if (rc == ST_NOT_FOUND) return problem(r, PD_ERR_NOT_FOUND, "%s not found", what);
  return problem(r, PD_ERR_INTERNAL, "the store failed while handling %s", what);
}

int reply_json(struct req *r, int status, json_t *obj) {
  if (!obj) return problem(r, PD_ERR_INTERNAL, "could not build the response");
  json_decref(r->json);
  r->json = obj;
  r->status = status;
  r->content_type_out = "application/json";
  return 0;
}

void set_version_etag(struct req *r, int64_t version) {
  snprintf(r->etag, sizeof r->etag, "\"%" PRId64 "\"", version);
}

const char *query_get(const struct req *r, const char *name) {
  for (int i = 0; i < r->n_query; i++)
    if (strcmp(r->query[i].name, name) == 0) return r->query[i].value;
  return NULL;
}

/* Does a list of entity tags (If-Match / If-None-Match) name etag? Weak
 * comparison: W/ prefixes are ignored. */
static bool etag_list_matches(const char *list, const char *etag) {
  const char *p = list;
  size_t elen = strlen(etag);
  while (*p) {
    while (*p == ' ' || *p == ',' || *p == '\t') p++;
    if (*p == '*') return true;
    if (strncmp(p, "W/", 2) == 0) p += 2;
    if (*p != '"') return false;
    const char *end = strchr(p + 1, '"');
    if (!end) return false;
    if ((size_t)(end - p + 1) == elen && strncmp(p, etag, elen) == 0) return true;
    p = end + 1;
  }
  return false;
}

int check_if_match_optional(struct req *r, int64_t current_version) {
  if (!r->if_match) return 0;
  char etag[40];
  snprintf(etag, sizeof etag, "\"%" PRId64 "\"", current_version);
  /* "*" would defeat the point of the check: only explicit versions count. */
  if (strchr(r->if_match, '*') || !etag_list_matches(r->if_match, etag)) {
    set_version_etag(r, current_version);
    return problem(r, PD_ERR_PRECONDITION_FAILED,
                   "the resource changed since it was read: it is now at version %" PRId64 "; reload and retry",
                   current_version);
  }
  return 0;
}

int require_if_match(struct req *r, int64_t current_version) {
  if (!r->if_match)
    return problem(r, PD_ERR_PRECONDITION_REQUIRED, "this write needs If-Match with the version it was based on");
  return check_if_match_optional(r, current_version);
}

/* ---- request intake ---- */

static enum http_method parse_method(const char *m) {
  if (strcmp(m, "GET") == 0) return HTTP_GET;
  if (strcmp(m, "POST") == 0) return HTTP_POST;
  if (strcmp(m, "PATCH") == 0) return HTTP_PATCH;
  return HTTP_OTHER;
}

/* Takes the query's parameters into r->query: valid UTF-8, at most
 * PD_MAX_QUERY_PARAMS, none twice, values up to 512 bytes, and only names
 * the route accepts. */
static bool check_query(struct req *r, const struct http_input *in, const struct route *route) {
  for (int i = 0; i < in->n_query; i++) {
    const char *key = in->query[i].name ? in->query[i].name : "";
    const char *value = in->query[i].value ? in->query[i].value : "";
    const char *why = NULL;
    if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value)))
      why = "query parameters must be valid UTF-8";
    else if (r->n_query >= PD_MAX_QUERY_PARAMS)
      why = "too many query parameters";
    if (why) {
      problem(r, PD_ERR_INVALID_INPUT, "%s", why);
      return false;
    }
    if (query_get(r, key)) {
      problem(r, PD_ERR_INVALID_INPUT, "query parameter \"%.40s\" given twice", key);
      return false;
    }
    if (strlen(value) > 512) {
      problem(r, PD_ERR_INVALID_INPUT, "query parameter \"%.40s\" is too long", key);
      return false;
    }
    r->query[r->n_query].name = arena_strdup(&r->arena, key);
    r->query[r->n_query].value = arena_strdup(&r->arena, value);
    r->n_query++;
  }
  for (int i = 0; i < r->n_query; i++) {
    bool known = false;
    for (const char *const *q = route->query; q && *q && !known; q++) known = strcmp(*q, r->query[i].name) == 0;
    if (!known) {
      problem(r, PD_ERR_INVALID_INPUT, "unknown query parameter \"%.40s\"", r->query[i].name);
      return false;
    }
  }
  return true;
}

/* The store cannot be reached (PostgreSQL down, a file that cannot be
 * opened): 503, so that a load balancer takes this instance out of its pool
 * and a client may retry. */
static void store_unavailable(struct req *r) {
  r->retry_after = 1;
  problem_status(r, PD_ERR_INTERNAL, 503, "the store is not available; retry later");
}

/* Authenticates the bearer token; fills r->user. */
static bool authenticate(struct req *r, const char *auth) {
  if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
    problem(r, PD_ERR_UNAUTHENTICATED, "send Authorization: Bearer <token>");
    return false;
  }
  const char *token = auth + 7;
  while (*token == ' ') token++;
  size_t len = strlen(token);
  if (len == 0 || len > 256) {
    problem(r, PD_ERR_UNAUTHENTICATED, "the token is malformed");
    return false;
  }
  unsigned char hash[32];
  token_hash(token, len, hash);
  int rc = store_user_by_token_hash(r->db, hash, &r->user);
  sodium_memzero(hash, sizeof hash);
  if (rc == ST_NOT_FOUND || (rc == ST_OK && r->user.revoked_at)) {
    problem(r, PD_ERR_UNAUTHENTICATED, rc == ST_OK ? "the token was revoked" : "the token is not valid");
    return false;
  }
  if (rc != ST_OK) {
    store_unavailable(r);
    return false;
  }
  return true;
}

/* ---- responses ---- */

/* A 128-bit BLAKE2b of the body: a fingerprint, not a secret, and libsodium's
 * BLAKE2b is several times faster than its SHA-256 on a 30 KB queue page. */
static void content_etag(const char *body, size_t len, char out[80]) {
  unsigned char h[16];
  crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  snprintf(out, 80, "\"c-%s\"", hex);
}

void set_content_etag(struct req *r, const json_t *v) {
  char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
  if (text) content_etag(text, strlen(text), r->etag);
  free(text);
}

static void add(struct http_response *resp, const char *name, const char *value) {
  if (value && *value && resp->n_headers < HTTP_MAX_RESPONSE_HEADERS)
    resp->headers[resp->n_headers++] = (struct http_header){name, value};
}

/* Builds x->resp from the request's outcome. False when out of memory. */
static bool build_response(struct http_exchange *x) {
  struct req *r = &x->r;
  char *body = NULL;
  size_t len = 0;
  const char *sent = NULL; /* the body sent when it is not body (a kept answer) */
  if (x->hit) {
    sent = x->hit->data;
    len = x->hit->len;
  } else if (r->json) {
    body = json_dumps(r->json, JSON_COMPACT);
    if (!body) {
      problem(r, PD_ERR_INTERNAL, "could not encode the response");
      body = json_dumps(r->json, JSON_COMPACT);
    }
    len = body ? strlen(body) : 0;
  } else if (r->raw) {
    body = strdup(r->raw);
    len = body ? strlen(body) : 0;
  }
  if (r->status == 0) r->status = 500;
  /* GETs get a content ETag unless the handler named a version. */
  if (r->method == HTTP_GET && r->status == 200 && !r->etag[0] && body) content_etag(body, len, r->etag);
  if (x->cache && r->status == 200 && body) {
    struct respcache_body answer = {.content_type = r->content_type_out, .disposition = r->content_disposition,
                                    .len = len, .data = body};
    memcpy(answer.etag, r->etag, sizeof answer.etag);
    respcache_put(x->cache, x->cache_key, r->now, r->clock_free, &answer);
  }
  int status = r->status;
  if (r->method == HTTP_GET && status == 200 && r->if_none_match && r->etag[0] &&
      etag_list_matches(r->if_none_match, r->etag)) {
    status = 304;
    free(body);
    body = NULL;
    sent = NULL;
    len = 0;
  }
  struct http_response *resp = &x->resp;
  x->resp_body = body;
  resp->body = sent ? sent : body ? body : "";
  resp->body_len = len;
  if (len || status >= 400) add(resp, "Content-Type", r->content_type_out ? r->content_type_out : "application/json");
  add(resp, "Cache-Control", "no-store");
  add(resp, "ETag", r->etag);
  add(resp, "Location", r->location);
  add(resp, "Content-Disposition", r->content_disposition);
  add(resp, "X-Content-Type-Options", "nosniff");
  if (r->replayed) add(resp, "Idempotent-Replayed", "true");
  if (r->retry_after > 0) {
    snprintf(x->retry_after, sizeof x->retry_after, "%d", r->retry_after);
    add(resp, "Retry-After", x->retry_after);
  }
  if (status == 401) add(resp, "WWW-Authenticate", "Bearer realm=\"privdesk\"");
  if (status == 405) {
    /* the methods the path does have */
    const enum http_method ms[] = {HTTP_GET, HTTP_POST, HTTP_PATCH};
    const char *names[] = {"GET", "POST", "PATCH"};
    x->allow[0] = '\0';
    for (int i = 0; i < 3; i++) {
      const struct route *rt;
      struct arena scratch;
      arena_init(&scratch);
      struct req probe = {.arena = scratch};
      if (route_find(&probe, ms[i], r->path, &rt) == ROUTE_FOUND) {
        if (x->allow[0]) strcat(x->allow, ", ");
        strcat(x->allow, names[i]);
      }
      arena_free(&probe.arena);
    }
    add(resp, "Allow", x->allow);
  }
  r->status = status;
  resp->status = status;
  return len == 0 || body != NULL || sent != NULL;
}

/* ---- dispatch ---- */

static void fingerprint(const struct req *r, unsigned char out[32]) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, (const unsigned char *)r->method_text, strlen(r->method_text));
  crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
  crypto_hash_sha256_update(&st, (const unsigned char *)r->path, strlen(r->path));
  crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
  if (r->body_len) crypto_hash_sha256_update(&st, (const unsigned char *)r->body, r->body_len);
  crypto_hash_sha256_final(&st, out);
}

static bool idempotency_key_valid(const char *k) {
  size_t n = strlen(k);
  if (n < 1 || n > 128) return false;
  for (; *k; k++)
    if (*k < 0x21 || *k > 0x7e) return false;
  return true;
}

enum { IDEMPOTENCY_WINDOW = 24 * 3600 };

/* Forgets what a failed attempt of a write put into the response, before
 * the transaction runs again. */
static void reset_response(struct req *r) {
  json_decref(r->json);
  r->json = NULL;
  json_decref(r->body_json);
  r->body_json = NULL;
  r->status = 0;
  r->raw = NULL;
  r->content_type_out = NULL;
  r->content_disposition = NULL;
  r->etag[0] = '\0';
  r->location = NULL;
  r->retry_after = 0;
  r->replayed = false;
}

enum write_outcome { WRITE_DONE, WRITE_RETRY };

/* One attempt of a write: the handler in one transaction with idempotency
 * replay. WRITE_RETRY when the store says the transaction failed in a way
 * that running it again may fix (PostgreSQL: serialization failure,
 * deadlock, a concurrent write caught by a conditional update); nothing of
 * the attempt was committed then. */
static enum write_outcome write_once(struct http_exchange *x, const unsigned char fp[32]) {
  struct req *r = &x->r;
  const char *key = r->idempotency_key;
  if (store_begin_write(r->db) != ST_OK) {
    if (store_retryable(r->db)) return WRITE_RETRY;
    store_unavailable(r);
    return WRITE_DONE;
  }
  if (key) {
    struct st_idem rec;
    int rc = store_idem_get(r->db, &r->arena, r->user.rowid, key, &rec);
    if (rc == ST_OK && rec.created_at > r->now - IDEMPOTENCY_WINDOW) {
      store_rollback(r->db);
      if (sodium_memcmp(rec.fingerprint, fp, 32) != 0) {
        problem(r, PD_ERR_IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used for a different request; use a new key for a new action");
        return WRITE_DONE;
      }
      r->status = rec.status;
      r->raw = rec.body;
      r->content_type_out = "application/json";
      if (rec.etag) snprintf(r->etag, sizeof r->etag, "%s", rec.etag);
      r->location = rec.location;
      r->replayed = true;
      return WRITE_DONE;
    }
    if (rc != ST_OK && rc != ST_NOT_FOUND) {
      bool retry = store_retryable(r->db);
      store_rollback(r->db);
      if (retry) return WRITE_RETRY;
      problem(r, PD_ERR_INTERNAL, "could not read the idempotency key");
      return WRITE_DONE;
    }
  }
  int rc = x->route->handler(r);
  if (rc != 0 || r->status >= 300) {
    bool retry = store_retryable(r->db);
    store_rollback(r->db);
    return retry ? WRITE_RETRY : WRITE_DONE;
  }
  if (key) {
    char *body = r->json ? json_dumps(r->json, JSON_COMPACT) : NULL;
    struct st_idem rec = {.status = r->status, .etag = r->etag[0] ? r->etag : NULL, .location = r->location,
                          .body = body ? body : "", .created_at = r->now};
    memcpy(rec.fingerprint, fp, 32);
    int prc = store_idem_put(r->db, r->user.rowid, key, &rec);
    free(body);
    if (prc != ST_OK) {
      bool retry = store_retryable(r->db);
      store_rollback(r->db);
      if (retry) return WRITE_RETRY;
      problem(r, PD_ERR_INTERNAL, "could not record the idempotency key");
      return WRITE_DONE;
    }
  }
  if (store_commit(r->db) != ST_OK) {
    if (store_retryable(r->db)) return WRITE_RETRY; /* refused at commit: nothing was written */
    problem(r, PD_ERR_INTERNAL, "the store could not commit the change");
  }
  return WRITE_DONE;
}

enum { WRITE_ATTEMPTS = 5 };

/* Runs a write handler in one transaction with idempotency replay, running
 * the whole transaction again (a few times, with a short growing pause)
 * when the store reports a transient failure. */
static void run_write(struct http_exchange *x) {
  struct req *r = &x->r;
  const char *key = r->idempotency_key;
  if (key && !idempotency_key_valid(key)) {
    problem(r, PD_ERR_INVALID_INPUT, "Idempotency-Key must be 1 to 128 printable ASCII characters");
    return;
  }
  unsigned char fp[32];
  if (key) fingerprint(r, fp);
  for (int attempt = 1;; attempt++) {
    if (write_once(x, fp) == WRITE_DONE) return;
    reset_response(r);
    if (attempt == WRITE_ATTEMPTS) {
      problem_status(r, PD_ERR_INTERNAL, 503, "the write kept conflicting with others; retry it");
      r->retry_after = 1;
      return;
    }
    struct timespec pause = {0, (long)attempt * 2000000L + (long)randombytes_uniform(2000000)};
    nanosleep(&pause, NULL);
  }
}

/* The key of a GET answer in the response cache: the caller (answers such
 * as assignee=me and the stats' "mine" depend on who asks; keyed per user
 * rather than per dependency, simple and safe), the path (GET only, so the
 * route) and the query parameters as received, in order. NUL-separated:
 * none of these strings holds a NUL. */
static struct respcache_key cache_key(struct req *r) {
  size_t len = strlen(r->user.name) + 1 + strlen(r->path) + 1;
  for (int i = 0; i < r->n_query; i++) len += strlen(r->query[i].name) + 1 + strlen(r->query[i].value) + 1;
  char *key = arena_alloc(&r->arena, len), *p = key;
  const char *parts[2 + 2 * PD_MAX_QUERY_PARAMS] = {r->user.name, r->path};
  int n = 2;
  for (int i = 0; i < r->n_query; i++) {
    parts[n++] = r->query[i].name;
    parts[n++] = r->query[i].value;
  }
  for (int i = 0; i < n; i++) {
    size_t k = strlen(parts[i]) + 1;
    memcpy(p, parts[i], k);
    p += k;
  }
  return (struct respcache_key){key, len};
}

/* Answers a GET from the response cache when it holds an answer made under
 * the data version this transaction reads; else arms x->cache so that
 * build_response keeps the handler's answer. True on a hit. Public routes
 * (/healthz, /metrics: counters that move without the data) are never
 * kept, nor is anything on a store without a data version (PostgreSQL). */
static bool answer_from_cache(struct http_exchange *x) {
  struct req *r = &x->r;
  uint64_t version[2];
  if (r->method != HTTP_GET || x->cache_bypass || (x->route->flags & ROUTE_PUBLIC) ||
      store_data_version(r->db, version) != ST_OK)
    return false;
  struct respcache *c = respcache_for_thread(x->srv->caches);
  if (!c) return false;
  respcache_sync(c, r->db, version);
  x->cache_key = cache_key(r);
  x->hit = respcache_get(c, x->cache_key, r->now);
  if (!x->hit) {
    x->cache = c;
    return false;
  }
  r->status = 200;
  r->content_type_out = x->hit->content_type;
  r->content_disposition = x->hit->disposition;
  memcpy(r->etag, x->hit->etag, sizeof r->etag);
  return true;
}

static void run_read(struct http_exchange *x) {
  struct req *r = &x->r;
  if (store_begin_read(r->db) != ST_OK) {
    store_unavailable(r);
    return;
  }
  /* The version is read first thing in the transaction, so that it and
   * everything the handler reads are one snapshot. */
  if (!answer_from_cache(x)) x->route->handler(r);
  store_rollback(r->db); /* read-only: ending the snapshot */
}

static void dispatch(struct http_exchange *x) {
  struct req *r = &x->r;
  if (r->method != HTTP_GET) {
    const char *ct = r->content_type;
    if (r->body_len && (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
                        (ct[16] && ct[16] != ';' && ct[16] != ' '))) {
      problem_status(r, PD_ERR_INVALID_INPUT, 415, "send the body as application/json");
      return;
    }
  }
  if (x->route->flags & ROUTE_WRITE) {
    run_write(x);
    /* Kept answers may show what the write changed (an erased account):
     * dropped on every thread now, not when each next serves a GET. */
    if (r->status >= 200 && r->status < 300) respcache_set_purge(x->srv->caches);
  } else {
    run_read(x);
  }
}

/* Does a Cache-Control list hold the directive name (any case, any value)? */
static bool has_directive(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',') p++;
    if (strncasecmp(p, name, n) == 0 && (!p[n] || strchr(" \t,=", p[n]))) return true;
    while (*p && *p != ',') p++;
  }
  return false;
}

static const char *dup_header(struct req *r, const char *v) { return v ? arena_strdup(&r->arena, v) : NULL; }

/* Takes a token from the caller's bucket: 0 when allowed, else the seconds
 * to wait. A store that shares its buckets across instances (PostgreSQL)
 * keeps them; otherwise they live in this process. If the shared limit
 * cannot be read, the request is let through (the store failure will show
 * in the request itself). */
static int rate_limit(struct server *srv, struct req *r) {
  if (srv->rate_limit <= 0) return 0;
  int wait = 0;
  int rc = store_ratelimit_take(r->db, r->user.rowid, srv->rate_limit, RATELIMIT_BURST * srv->rate_limit, &wait);
  if (rc == ST_OK) return wait;
  if (rc == ST_ERROR) return 0;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ratelimit_take(srv->limiter, r->user.rowid, (double)ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Everything that can be decided from the headers alone, in the order
 * docs/api.md promises. False when that decided the answer. */
static bool intake(struct http_exchange *x, const struct http_input *in) {
  struct req *r = &x->r;
  const char *method = in->method ? in->method : "";
  r->method_text = arena_strdup(&r->arena, method);
  r->method = parse_method(method);
  r->path = arena_strdup(&r->arena, in->path ? in->path : "");
  r->now = (int64_t)time(NULL);
  r->if_match = dup_header(r, in->if_match);
  r->if_none_match = dup_header(r, in->if_none_match);
  r->idempotency_key = dup_header(r, in->idempotency_key);
  r->content_type = dup_header(r, in->content_type);
  x->cache_bypass = in->cache_control && (has_directive(in->cache_control, "no-cache") ||
                                          has_directive(in->cache_control, "no-store"));
  r->db = store_conn_get(x->srv->store);
  if (!r->db) {
    store_unavailable(r);
    return false;
  }
  const struct route *route = NULL;
  enum route_match m = route_find(r, r->method, r->path, &route);
  bool public_route = m == ROUTE_FOUND && (route->flags & ROUTE_PUBLIC);
  if (!public_route) {
    if (!authenticate(r, in->authorization)) return false;
    int wait = rate_limit(x->srv, r);
    if (wait) {
      r->retry_after = wait;
      problem(r, PD_ERR_RATE_LIMITED, "too many requests for this token; retry after %d s", wait);
      return false;
    }
  }
  if (m == ROUTE_NO_PATH) {
    problem(r, PD_ERR_NOT_FOUND, "no such endpoint");
    return false;
  }
  if (m == ROUTE_NO_METHOD) {
    problem_status(r, PD_ERR_INVALID_INPUT, 405, "method %.16s is not allowed here", method);
    return false;
  }
  x->route = route;
  if (!public_route && !pd_role_allows(r->user.role, route->action)) {
    problem(r, PD_ERR_FORBIDDEN, "the %s role may not %s", pd_role_name(r->user.role), pd_action_name(route->action));
    return false;
  }
  const char *cl = in->content_length;
  if (cl && strtoull(cl, NULL, 10) > PD_BODY_MAX) {
    problem(r, PD_ERR_PAYLOAD_TOO_LARGE, "the body may be at most %d bytes", PD_BODY_MAX);
    return false;
  }
  if (!check_query(r, in, route)) return false;
  return true;
}

/* ---- the exchange ---- */

struct http_exchange *http_exchange_begin(struct server *srv, const struct http_input *in) {
  struct http_exchange *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  arena_init(&x->r.arena);
  x->srv = srv;
  x->answered = !intake(x, in);
  return x;
}

bool http_exchange_answered(const struct http_exchange *x) { return x->answered; }

bool http_exchange_body(struct http_exchange *x, const char *data, size_t n) {
  struct req *r = &x->r;
  if (x->answered || n == 0) return true; /* an early answer was decided: drop whatever body follows */
  if (x->too_large || r->body_len + n > PD_BODY_MAX) {
    x->too_large = true;
    return true;
  }
  if (r->body_len + n + 1 > x->body_cap) {
    size_t cap = x->body_cap ? x->body_cap : 1024;
    while (cap < r->body_len + n + 1) cap *= 2;
    char *grown = realloc(r->body, cap);
    if (!grown) return false;
    r->body = grown;
    x->body_cap = cap;
  }
  memcpy(r->body + r->body_len, data, n);
  r->body_len += n;
  r->body[r->body_len] = '\0';
  return true;
}

struct http_response *http_exchange_finish(struct http_exchange *x) {
  if (x->finished) return &x->resp;
  x->finished = true;
  if (!x->answered) {
    if (x->too_large)
      problem(&x->r, PD_ERR_PAYLOAD_TOO_LARGE, "the body may be at most %d bytes", PD_BODY_MAX);
    else
      dispatch(x);
  }
  return build_response(x) ? &x->resp : NULL;
}

void http_exchange_free(struct http_exchange *x) {
  if (!x) return;
  json_decref(x->r.json);
  json_decref(x->r.body_json);
  free(x->r.body);
  free(x->resp_body);
  respcache_body_release(x->hit);
  arena_free(&x->r.arena);
  free(x);
}

/* A response lives inside its exchange. */
void http_response_free(struct http_response *resp) {
  if (!resp) return;
  http_exchange_free((struct http_exchange *)(void *)((char *)resp - offsetof(struct http_exchange, resp)));
}

struct http_response *http_process(struct server *srv, const struct http_input *in) {
  struct http_exchange *x = http_exchange_begin(srv, in);
  if (!x) return NULL;
  if (!x->answered && !http_exchange_body(x, in->body, in->body_len)) {
    http_exchange_free(x);
    return NULL;
  }
  struct http_response *resp = http_exchange_finish(x);
  if (!resp) http_exchange_free(x);
  return resp;
}

void http_exchange_summary(const struct http_exchange *x, struct http_summary *out) {
  const struct req *r = &x->r;
  int n_routes;
  const struct route *routes = route_table(&n_routes);
  *out = (struct http_summary){.method = r->method_text ? r->method_text : "", .path = r->path ? r->path : "",
                               .user = r->user.name, .status = r->status,
                               .bytes = x->finished ? x->resp.body_len : 0, .replayed = r->replayed,
                               .route_index = x->route ? (int)(x->route - routes) : -1};
}
