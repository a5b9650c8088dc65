/* libmicrohttpd glue: receives a request (headers, capped body), checks the
 * token, rate limit, route and role, runs the handler inside a store
 * transaction with idempotency replay, and sends the response with ETag and
 * If-None-Match handling. One access-log line per request. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "server/http.h"
#include "server/ids.h"
#include "server/json_in.h"
#include "server/metrics.h"
#include "server/ratelimit.h"
#include "server/routes.h"
#include "server/server.h"

struct server {
  struct store *store;
  struct ratelimit *limiter;
  int log_fd;
  atomic_int in_flight;
};

/* Per-connection request state, the `con_cls` of libmicrohttpd. */
struct pending {
  struct req r;
  struct server *srv;
  const struct route *route;
  bool answered;   /* a response was queued early (auth, size, ...) */
  bool too_large;
  size_t body_cap;
  int64_t started_ns;
  size_t bytes_out;
};

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- problems and replies (http.h) ---- */

static int problem_v(struct req *r, enum pd_error_code code, int status, const char *fmt, va_list ap) {
  char detail[512];
  vsnprintf(detail, sizeof detail, fmt, ap);
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

struct query_scan {
  struct req *r;
  bool bad;
  char why[160];
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  struct query_scan *qs = cls;
  struct req *r = qs->r;
  if (qs->bad) return MHD_NO;
  if (!value) value = "";
  if (!utf8_valid(key, strlen(key)) || !utf8_valid(value, strlen(value))) {
    snprintf(qs->why, sizeof qs->why, "query parameters must be valid UTF-8");
    qs->bad = true;
  } else if (r->n_query >= PD_MAX_QUERY_PARAMS) {
    snprintf(qs->why, sizeof qs->why, "too many query parameters");
    qs->bad = true;
  } else if (query_get(r, key)) {
    snprintf(qs->why, sizeof qs->why, "query parameter \"%.40s\" given twice", key);
    qs->bad = true;
  } else if (strlen(value) > 512) {
    snprintf(qs->why, sizeof qs->why, "query parameter \"%.40s\" is too long", key);
    qs->bad = true;
  } else {
    r->query[r->n_query].name = arena_strdup(&r->arena, key);
    r->query[r->n_query].value = arena_strdup(&r->arena, value);
    r->n_query++;
  }
  return qs->bad ? MHD_NO : MHD_YES;
}

static bool check_query(struct req *r, struct MHD_Connection *conn, const struct route *route) {
  struct query_scan qs = {.r = r};
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &qs);
  if (qs.bad) {
    problem(r, PD_ERR_INVALID_INPUT, "%s", qs.why);
    return false;
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

static const char *header(struct MHD_Connection *conn, const char *name) {
  return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* Authenticates the bearer token; fills r->user. */
static bool authenticate(struct req *r, struct MHD_Connection *conn) {
  const char *auth = header(conn, MHD_HTTP_HEADER_AUTHORIZATION);
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
    problem(r, PD_ERR_INTERNAL, "could not check the token");
    return false;
  }
  return true;
}

/* ---- responses ---- */

static void content_etag(const char *body, size_t len, char out[80]) {
  unsigned char h[32];
  crypto_hash_sha256(h, (const unsigned char *)body, len);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, h, 16);
  snprintf(out, 80, "\"c-%s\"", hex);
}

void set_content_etag(struct req *r, const json_t *v) {
  char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
  if (text) content_etag(text, strlen(text), r->etag);
  free(text);
}

static void add(struct MHD_Response *resp, const char *name, const char *value) {
  if (value && *value) MHD_add_response_header(resp, name, value);
}

static enum MHD_Result send_response(struct pending *p, struct MHD_Connection *conn) {
  struct req *r = &p->r;
  char *body = NULL;
  size_t len = 0;
  if (r->json) {
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
  int status = r->status;
  if (r->method == HTTP_GET && status == 200 && r->if_none_match && r->etag[0] &&
      etag_list_matches(r->if_none_match, r->etag)) {
    status = 304;
    free(body);
    body = NULL;
    len = 0;
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
  if (!resp) {
    free(body);
    return MHD_NO;
  }
  if (len || status >= 400) add(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type_out ? r->content_type_out : "application/json");
  add(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  add(resp, MHD_HTTP_HEADER_ETAG, r->etag);
  add(resp, MHD_HTTP_HEADER_LOCATION, r->location);
  add(resp, "Content-Disposition", r->content_disposition);
  add(resp, "X-Content-Type-Options", "nosniff");
  if (r->replayed) add(resp, "Idempotent-Replayed", "true");
  if (r->retry_after > 0) {
    char ra[16];
    snprintf(ra, sizeof ra, "%d", r->retry_after);
    add(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
  }
  if (status == 401) add(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"privdesk\"");
  if (status == 405) {
    /* the methods the path does have */
    char allow[32] = "";
    const enum http_method ms[] = {HTTP_GET, HTTP_POST, HTTP_PATCH};
    const char *names[] = {"GET", "POST", "PATCH"};
    for (int i = 0; i < 3; i++) {
      const struct route *rt;
      struct arena scratch;
      arena_init(&scratch);
      struct req probe = {.arena = scratch};
      if (route_find(&probe, ms[i], r->path, &rt) == ROUTE_FOUND) {
        if (*allow) strcat(allow, ", ");
        strcat(allow, names[i]);
      }
      arena_free(&probe.arena);
    }
    add(resp, MHD_HTTP_HEADER_ALLOW, allow);
  }
  p->bytes_out = len;
  r->status = status;
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  p->answered = true;
  return ret;
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

/* Runs a write handler in one transaction with idempotency replay. */
static void run_write(struct pending *p) {
  struct req *r = &p->r;
  const char *key = r->idempotency_key;
  if (key && !idempotency_key_valid(key)) {
    problem(r, PD_ERR_INVALID_INPUT, "Idempotency-Key must be 1 to 128 printable ASCII characters");
    return;
  }
  if (store_begin_write(r->db) != ST_OK) {
    problem(r, PD_ERR_INTERNAL, "the store is not available");
    return;
  }
  unsigned char fp[32];
  if (key) {
    fingerprint(r, fp);
    struct st_idem rec;
    int rc = store_idem_get(r->db, &r->arena, r->user.rowid, key, &rec);
    if (rc == ST_OK && rec.created_at > r->now - IDEMPOTENCY_WINDOW) {
      store_rollback(r->db);
      if (sodium_memcmp(rec.fingerprint, fp, 32) != 0) {
        problem(r, PD_ERR_IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used for a different request; use a new key for a new action");
        return;
      }
      r->status = rec.status;
      r->raw = rec.body;
      r->content_type_out = "application/json";
      if (rec.etag) snprintf(r->etag, sizeof r->etag, "%s", rec.etag);
      r->location = rec.location;
      r->replayed = true;
      return;
    }
    if (rc != ST_OK && rc != ST_NOT_FOUND) {
      store_rollback(r->db);
      problem(r, PD_ERR_INTERNAL, "could not read the idempotency key");
      return;
    }
  }
  int rc = p->route->handler(r);
  if (rc != 0 || r->status >= 300) {
    store_rollback(r->db);
    return;
  }
  if (key) {
    char *body = r->json ? json_dumps(r->json, JSON_COMPACT) : NULL;
    struct st_idem rec = {.status = r->status, .etag = r->etag[0] ? r->etag : NULL, .location = r->location,
                          .body = body ? body : "", .created_at = r->now};
    memcpy(rec.fingerprint, fp, 32);
    int prc = store_idem_put(r->db, r->user.rowid, key, &rec);
    free(body);
    if (prc != ST_OK) {
      store_rollback(r->db);
      problem(r, PD_ERR_INTERNAL, "could not record the idempotency key");
      return;
    }
  }
  if (store_commit(r->db) != ST_OK) problem(r, PD_ERR_INTERNAL, "the store could not commit the change");
}

static void run_read(struct pending *p) {
  struct req *r = &p->r;
  if (store_begin_read(r->db) != ST_OK) {
    problem(r, PD_ERR_INTERNAL, "the store is not available");
    return;
  }
  p->route->handler(r);
  store_rollback(r->db); /* read-only: ending the snapshot */
}

static void dispatch(struct pending *p) {
  struct req *r = &p->r;
  if (r->method != HTTP_GET) {
    const char *ct = r->content_type;
    if (r->body_len && (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
                        (ct[16] && ct[16] != ';' && ct[16] != ' '))) {
      problem_status(r, PD_ERR_INVALID_INPUT, 415, "send the body as application/json");
      return;
    }
  }
  if (p->route->flags & ROUTE_WRITE)
    run_write(p);
  else
    run_read(p);
}

/* The first call for a request: everything that can be decided from the
 * headers alone, in the order docs/api.md promises. */
static bool intake(struct pending *p, struct MHD_Connection *conn, const char *url, const char *method) {
  struct req *r = &p->r;
  r->method_text = arena_strdup(&r->arena, method);
  r->method = parse_method(method);
  r->path = arena_strdup(&r->arena, url);
  r->now = (int64_t)time(NULL);
  r->if_match = header(conn, MHD_HTTP_HEADER_IF_MATCH);
  r->if_none_match = header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH);
  r->idempotency_key = header(conn, "Idempotency-Key");
  r->content_type = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE);
  r->db = store_conn_get(p->srv->store);
  if (!r->db) {
    problem(r, PD_ERR_INTERNAL, "the store is not available");
    return false;
  }
  const struct route *route = NULL;
  enum route_match m = route_find(r, r->method, r->path, &route);
  bool public_route = m == ROUTE_FOUND && (route->flags & ROUTE_PUBLIC);
  if (!public_route) {
    if (!authenticate(r, conn)) return false;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int wait = ratelimit_take(p->srv->limiter, r->user.rowid, (double)ts.tv_sec + ts.tv_nsec / 1e9);
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
  p->route = route;
  if (!public_route && !pd_role_allows(r->user.role, route->action)) {
    problem(r, PD_ERR_FORBIDDEN, "the %s role may not %s", pd_role_name(r->user.role), pd_action_name(route->action));
    return false;
  }
  const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl && strtoull(cl, NULL, 10) > PD_BODY_MAX) {
    problem(r, PD_ERR_PAYLOAD_TOO_LARGE, "the body may be at most %d bytes", PD_BODY_MAX);
    return false;
  }
  if (!check_query(r, conn, route)) return false;
  return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  struct server *srv = cls;
  struct pending *p = *con_cls;
  if (!p) {
    p = calloc(1, sizeof *p);
    if (!p) return MHD_NO;
    arena_init(&p->r.arena);
    p->srv = srv;
    p->started_ns = mono_ns();
    atomic_fetch_add(&srv->in_flight, 1);
    *con_cls = p;
    if (!intake(p, conn, url, method)) return send_response(p, conn);
    return MHD_YES;
  }
  if (p->answered) { /* an early answer was sent: drop whatever body follows */
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (p->too_large || p->r.body_len + n > PD_BODY_MAX) {
      p->too_large = true;
      return MHD_YES;
    }
    if (p->r.body_len + n + 1 > p->body_cap) {
      size_t cap = p->body_cap ? p->body_cap : 1024;
      while (cap < p->r.body_len + n + 1) cap *= 2;
      char *grown = realloc(p->r.body, cap);
      if (!grown) return MHD_NO;
      p->r.body = grown;
      p->body_cap = cap;
    }
    memcpy(p->r.body + p->r.body_len, upload_data, n);
    p->r.body_len += n;
    p->r.body[p->r.body_len] = '\0';
    return MHD_YES;
  }
  if (p->too_large)
    problem(&p->r, PD_ERR_PAYLOAD_TOO_LARGE, "the body may be at most %d bytes", PD_BODY_MAX);
  else
    dispatch(p);
  return send_response(p, conn);
}

/* ---- access log ---- */

static void log_request(struct server *srv, struct pending *p, struct MHD_Connection *conn) {
  if (srv->log_fd < 0) return;
  struct req *r = &p->r;
  char ts[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char addr[INET6_ADDRSTRLEN] = "";
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr) {
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
    else if (sa->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
  }
  /* The path only: query strings may carry e-mail prefixes, which are personal data. */
  json_t *line = json_pack("{ss ss ss ss si sI sf ss}", "time", ts, "remote", addr, "method",
                           r->method_text ? r->method_text : "", "path", r->path ? r->path : "", "status", r->status,
                           "bytes", (json_int_t)p->bytes_out, "ms", (double)(mono_ns() - p->started_ns) / 1e6,
                           "user", r->user.name);
  if (r->replayed && line) json_object_set_new(line, "replayed", json_true());
  char *text = line ? json_dumps(line, JSON_COMPACT) : NULL;
  json_decref(line);
  if (!text) return;
  size_t n = strlen(text);
  text[n] = '\n'; /* replaces the NUL: write exactly n + 1 bytes */
  /* One write(2) per line on an O_APPEND descriptor: lines never interleave. */
  ssize_t w = write(srv->log_fd, text, n + 1);
  (void)w;
  free(text);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)toe;
  struct server *srv = cls;
  struct pending *p = *con_cls;
  if (!p) return;
  log_request(srv, p, conn);
  int n_routes;
  const struct route *routes = route_table(&n_routes);
  metrics_observe(p->route ? (int)(p->route - routes) : -1, p->r.status, (double)(mono_ns() - p->started_ns) / 1e9);
  json_decref(p->r.json);
  json_decref(p->r.body_json);
  free(p->r.body);
  arena_free(&p->r.arena);
  free(p);
  *con_cls = NULL;
  atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- start and stop ---- */

static bool parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *err, size_t errsz) {
  memset(ss, 0, sizeof *ss);
  char host[128];
  const char *colon;
  if (spec[0] == '[') {
    const char *close = strchr(spec, ']');
    if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host) goto bad;
    memcpy(host, spec + 1, (size_t)(close - spec - 1));
    host[close - spec - 1] = '\0';
    colon = close + 1;
  } else {
    colon = strrchr(spec, ':');
    if (!colon || (size_t)(colon - spec) >= sizeof host) goto bad;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (!colon[1] || *end || port < 0 || port > 65535) goto bad;
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    *len = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    *len = sizeof *v6;
    return true;
  }
bad:
  snprintf(err, errsz, "--listen wants ADDRESS:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got \"%s\"", spec);
  return false;
}

/* A PEM file into memory (at most 1 MiB). NULL with a message on failure. */
static char *read_pem(const char *path, const char *what) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "privdeskd: cannot read the TLS %s %s: %s\n", what, path, strerror(errno));
    return NULL;
  }
  enum { PEM_MAX = 1 << 20 };
  char *buf = malloc(PEM_MAX + 1);
  size_t n = buf ? fread(buf, 1, PEM_MAX + 1, f) : 0;
  fclose(f);
  if (buf) buf[n <= PEM_MAX ? n : PEM_MAX] = '\0';
  if (!buf || n == 0 || n > PEM_MAX || !strstr(buf, "-----BEGIN ")) {
    if (buf) sodium_memzero(buf, n);
    free(buf);
    fprintf(stderr, "privdeskd: the TLS %s %s is not a PEM file\n", what, path);
    return NULL;
  }
  return buf;
}

static void write_port_file(const char *path, unsigned port) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "privdeskd: cannot write %s: %s\n", tmp, strerror(errno));
    return;
  }
  fprintf(f, "%u\n", port);
  fclose(f);
  rename(tmp, path); /* readers never see a half-written file */
}

int server_run(struct store *store, const struct server_config *cfg) {
  struct sockaddr_storage addr;
  socklen_t addrlen;
  char err[256];
  if (!parse_listen(cfg->listen, &addr, &addrlen, err, sizeof err)) {
    fprintf(stderr, "privdeskd: %s\n", err);
    return 1;
  }
  struct server srv = {.store = store, .log_fd = -1};
  atomic_init(&srv.in_flight, 0);
  if (cfg->log_path) {
    srv.log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (srv.log_fd < 0) {
      fprintf(stderr, "privdeskd: cannot open the access log %s: %s\n", cfg->log_path, strerror(errno));
      return 1;
    }
  }
  srv.limiter = ratelimit_new(cfg->rate_limit);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)(cpus > 0 ? cpus * 2 : 4);
  if (threads < 4 && cfg->threads <= 0) threads = 4;

  /* SIGINT/SIGTERM are taken with sigwait below; workers must not see them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  char *cert = NULL, *key = NULL;
  if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL)) {
    fprintf(stderr, "privdeskd: HTTPS needs both --tls-cert and --tls-key\n");
    goto fail;
  }
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (cfg->tls_cert) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      fprintf(stderr, "privdeskd: this libmicrohttpd was built without TLS support\n");
      goto fail;
    }
    if (!(cert = read_pem(cfg->tls_cert, "certificate")) || !(key = read_pem(cfg->tls_key, "private key"))) goto fail;
    flags |= MHD_USE_TLS;
  }
  struct MHD_OptionItem options[16];
  int n = 0;
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, &srv};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 1000, NULL};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL};
  if (cert) {
    options[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
    options[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, key};
    /* TLS 1.2 and 1.3 only */
    options[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
                                           (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"};
  }
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
  struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv, MHD_OPTION_ARRAY, options,
                                          MHD_OPTION_END);
  /* the key lives on in the TLS library; our copy goes */
  if (key) sodium_memzero(key, strlen(key));
  free(key);
  free(cert);
  if (!d) {
    fprintf(stderr, "privdeskd: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
    goto fail;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = info ? info->port : 0;
  char host[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET)
    inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, host, sizeof host);
  else
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, host, sizeof host);
  fprintf(stderr, "privdeskd: listening on %s://%s%s%s:%u (%u threads)\n", cfg->tls_cert ? "https" : "http",
          addr.ss_family == AF_INET6 ? "[" : "", host, addr.ss_family == AF_INET6 ? "]" : "", port, threads);
  if (cfg->port_file) write_port_file(cfg->port_file, port);

  int sig = 0;
  sigwait(&stop, &sig);
  fprintf(stderr, "privdeskd: %s: finishing in-flight requests\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  /* Stop accepting, let running requests finish (10 s at most), then stop. */
  MHD_socket listen_fd = MHD_quiesce_daemon(d);
  if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
  for (int i = 0; i < 1000 && atomic_load(&srv.in_flight) > 0; i++) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(d);
  ratelimit_free(srv.limiter);
  if (srv.log_fd >= 0) close(srv.log_fd);
  fprintf(stderr, "privdeskd: stopped\n");
  return 0;
fail:
  ratelimit_free(srv.limiter);
  if (srv.log_fd >= 0) close(srv.log_fd);
  return 1;
}
