/* libmicrohttpd in front of the request processing of server/http.c
 * (http_process.h): collects a request's headers and query, answers at once
 * when the headers decide (auth, route, role, Content-Length, ...) — after
 * reading and dropping a body the client sends regardless — else feeds the
 * capped body and sends the answer. One access-log line per
 * request. Also starting, serving and stopping the daemon. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

#include "server/http_process.h"
#include "server/json_in.h"
#include "server/metrics.h"
#include "server/server.h"

struct daemon_ctx {
  struct server *core;
  int log_fd;
  atomic_int in_flight;
};

/* A client that sends its body without waiting (no `Expect: 100-continue`)
 * must be able to read an early answer (401, 413, ...). Closing on it while
 * its body is still arriving makes the kernel reset the connection, and the
 * client sees the reset instead of the answer. So the rest of the body is
 * read and dropped first, up to this many bytes; past it, closing at once
 * is cheaper than reading on, and the client may see a reset. */
#define DRAIN_MAX (4 * 1024 * 1024)

/* Per-connection request state, the `con_cls` of libmicrohttpd. */
struct pending {
  struct http_exchange *x;
  int64_t started_ns;
  uint64_t body_bytes; /* received so far, kept or dropped */
  bool draining;       /* the answer is decided; the body is read and dropped */
  bool sent;
};

static int64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- request intake ---- */

struct query_vec {
  struct query_param *items;
  int n, cap;
  bool oom;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  struct query_vec *v = cls;
  if (v->n == v->cap) {
    int cap = v->cap ? v->cap * 2 : 16;
    struct query_param *grown = realloc(v->items, (size_t)cap * sizeof *grown);
    if (!grown) {
      v->oom = true;
      return MHD_NO;
    }
    v->items = grown;
    v->cap = cap;
  }
  v->items[v->n++] = (struct query_param){key, value};
  return MHD_YES;
}

static const char *header(struct MHD_Connection *conn, const char *name) {
  return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

/* True when a body follows the headers and the client sends it without
 * waiting for a 100 Continue, and it is not declared larger than we drain. */
static bool body_follows_unasked(struct MHD_Connection *conn) {
  const char *expect = header(conn, MHD_HTTP_HEADER_EXPECT);
  if (expect && strcasecmp(expect, "100-continue") == 0) return false; /* it waits for our answer */
  const char *te = header(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (te && strcasecmp(te, "identity") != 0) return true; /* chunked: length unknown until the end */
  const char *cl = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (!cl) return false;
  errno = 0;
  char *end;
  unsigned long long n = strtoull(cl, &end, 10);
  return errno == 0 && end != cl && n > 0 && n <= (unsigned long long)PD_BODY_MAX + DRAIN_MAX;
}

static enum MHD_Result send_response(struct pending *p, struct MHD_Connection *conn) {
  struct http_response *resp = http_exchange_finish(p->x);
  if (!resp) return MHD_NO;
  struct MHD_Response *mr = MHD_create_response_from_buffer(resp->body_len, (void *)resp->body, MHD_RESPMEM_PERSISTENT);
  if (!mr) return MHD_NO;
  for (int i = 0; i < resp->n_headers; i++) MHD_add_response_header(mr, resp->headers[i].name, resp->headers[i].value);
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, mr);
  MHD_destroy_response(mr);
  p->sent = true;
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  struct daemon_ctx *ctx = cls;
  struct pending *p = *con_cls;
  if (!p) {
    p = calloc(1, sizeof *p);
    if (!p) return MHD_NO;
    p->started_ns = mono_ns();
    struct query_vec q = {0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
    struct http_input in = {.method = method,
                            .path = url,
                            .query = q.items,
                            .n_query = q.n,
                            .authorization = header(conn, MHD_HTTP_HEADER_AUTHORIZATION),
                            .if_match = header(conn, MHD_HTTP_HEADER_IF_MATCH),
                            .if_none_match = header(conn, MHD_HTTP_HEADER_IF_NONE_MATCH),
                            .idempotency_key = header(conn, "Idempotency-Key"),
                            .content_type = header(conn, MHD_HTTP_HEADER_CONTENT_TYPE),
                            .content_length = header(conn, MHD_HTTP_HEADER_CONTENT_LENGTH),
                            .cache_control = header(conn, MHD_HTTP_HEADER_CACHE_CONTROL)};
    p->x = q.oom ? NULL : http_exchange_begin(ctx->core, &in);
    free(q.items);
    if (!p->x) {
      free(p);
      return MHD_NO;
    }
    atomic_fetch_add(&ctx->in_flight, 1);
    *con_cls = p;
    if (http_exchange_answered(p->x)) {
      if (!body_follows_unasked(conn)) return send_response(p, conn);
      p->draining = true;
    }
    return MHD_YES;
  }
  if (p->sent) { /* the answer went out before the body ended: drop the rest */
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    p->body_bytes += n;
    if (!p->draining && !http_exchange_body(p->x, upload_data, n)) return MHD_NO;
    /* Kept bytes are capped by PD_BODY_MAX; dropped ones by DRAIN_MAX. */
    if (p->body_bytes > (uint64_t)PD_BODY_MAX + DRAIN_MAX) return send_response(p, conn);
    return MHD_YES;
  }
  return send_response(p, conn);
}

/* ---- access log ---- */

/* Room for every field at its longest: five strings of at most
 * LOG_STRING_MAX characters, each escaped to at most 6 bytes, and numbers. */
enum { LOG_STRING_MAX = 1000 };
struct line_buf {
  char text[5 * 6 * LOG_STRING_MAX + 256];
  size_t len;
};

static void lb_add(struct line_buf *b, const char *s, size_t n) {
  if (n > sizeof b->text - 1 - b->len) n = sizeof b->text - 1 - b->len;
  memcpy(b->text + b->len, s, n);
  b->len += n;
}

/* A string literal, its length counted by the compiler. */
#define lb_lit(b, lit) lb_add((b), "" lit, sizeof(lit) - 1)

/* s as a JSON string: quotes, backslashes and control characters escaped,
 * a byte that does not start a well-formed UTF-8 sequence written as '?'
 * (a path comes from the client; the line must stay valid JSON). Long
 * values are cut at a character boundary. */
static void lb_string(struct line_buf *b, const char *s) {
  lb_lit(b, "\"");
  const unsigned char *p = (const unsigned char *)s;
  size_t budget = LOG_STRING_MAX;
  while (*p && budget > 0) {
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      lb_add(b, esc, 2);
      p++;
    } else if (c < 0x20 || c == 0x7f) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", c);
      lb_add(b, esc, 6);
      p++;
    } else if (c < 0x80) {
      lb_add(b, (const char *)p, 1);
      p++;
    } else {
      size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0, have = 1;
      while (n > 1 && have < n && (p[have] & 0xC0) == 0x80) have++;
      if (n == 0 || have < n || !utf8_valid((const char *)p, n)) {
        lb_lit(b, "?");
        p++;
      } else {
        lb_add(b, (const char *)p, n);
        p += n;
      }
    }
    budget--;
  }
  lb_lit(b, "\"");
}

static void lb_printf(struct line_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lb_printf(struct line_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->text + b->len, sizeof b->text - 1 - b->len, fmt, ap);
  va_end(ap);
  if (n > 0) b->len += (size_t)n < sizeof b->text - 1 - b->len ? (size_t)n : sizeof b->text - 1 - b->len;
}

static void log_request(struct daemon_ctx *ctx, const struct http_summary *s, int64_t started_ns,
                        struct MHD_Connection *conn) {
  if (ctx->log_fd < 0) return;
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
  /* The path only: query strings may carry e-mail prefixes, which are personal
   * data. Written by hand, not through jansson: this runs for every request
   * (docs/PERFORMANCE.md). */
  struct line_buf b = {.len = 0};
  lb_lit(&b, "{\"time\":");
  lb_string(&b, ts);
  lb_lit(&b, ",\"remote\":");
  lb_string(&b, addr);
  lb_lit(&b, ",\"method\":");
  lb_string(&b, s->method);
  lb_lit(&b, ",\"path\":");
  lb_string(&b, s->path);
  lb_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"user\":", s->status, s->bytes,
            (double)(mono_ns() - started_ns) / 1e6);
  lb_string(&b, s->user);
  if (s->replayed) lb_lit(&b, ",\"replayed\":true");
  lb_lit(&b, "}\n");
  /* One write(2) per line on an O_APPEND descriptor: lines never interleave. */
  ssize_t w = write(ctx->log_fd, b.text, b.len);
  (void)w;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)toe;
  struct daemon_ctx *ctx = cls;
  struct pending *p = *con_cls;
  if (!p) return;
  struct http_summary s;
  http_exchange_summary(p->x, &s);
  log_request(ctx, &s, p->started_ns, conn);
  metrics_observe(s.route_index, s.status, (double)(mono_ns() - p->started_ns) / 1e9);
  http_exchange_free(p->x);
  free(p);
  *con_cls = NULL;
  atomic_fetch_sub(&ctx->in_flight, 1);
}

/* ---- start and stop ---- */

/* libmicrohttpd's own messages: on stderr with our prefix, and noted while
 * the daemon starts, so that a refused certificate or key is reported as
 * such rather than as a failure to listen. */
struct mhd_log {
  atomic_bool starting, tls_refused, said_something;
};

__attribute__((format(printf, 2, 0))) static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  struct mhd_log *log = cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = '\0';
  fprintf(stderr, "privdeskd: libmicrohttpd: %s\n", msg);
  if (atomic_load(&log->starting)) {
    atomic_store(&log->said_something, true);
    if (strstr(msg, "TLS") || strstr(msg, "x509") || strstr(msg, "certificate") || strstr(msg, "key"))
      atomic_store(&log->tls_refused, true);
  }
}

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

/* `privdeskd serve --check`: everything serve would need, without serving. */
static int check_config(const struct server_config *cfg) {
  int bad = 0;
  if (cfg->log_path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", cfg->log_path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
    const char *d = slash ? dir : ".";
    if (access(cfg->log_path, F_OK) == 0 ? access(cfg->log_path, W_OK) != 0 : access(d, W_OK) != 0) {
      fprintf(stderr, "privdeskd: cannot write the access log %s: %s\n", cfg->log_path, strerror(errno));
      bad = 1;
    }
  }
  if ((cfg->tls_cert != NULL) != (cfg->tls_key != NULL)) {
    fprintf(stderr, "privdeskd: HTTPS needs both --tls-cert and --tls-key\n");
    bad = 1;
  } else if (cfg->tls_cert) {
    char *cert = read_pem(cfg->tls_cert, "certificate"), *key = read_pem(cfg->tls_key, "private key");
    bad |= !cert || !key;
    if (key) sodium_memzero(key, strlen(key));
    free(cert);
    free(key);
  }
  if (!bad)
    printf("privdeskd: configuration ok: would serve %s on %s%s, access log %s\n", cfg->tls_cert ? "HTTPS" : "HTTP",
           cfg->listen, cfg->rate_limit > 0 ? "" : " without a rate limit", cfg->log_path ? cfg->log_path : "off");
  return bad;
}

int server_run(struct store *store, const struct server_config *cfg) {
  struct sockaddr_storage addr;
  socklen_t addrlen;
  char err[256];
  if (!parse_listen(cfg->listen, &addr, &addrlen, err, sizeof err)) {
    fprintf(stderr, "privdeskd: %s\n", err);
    return 1;
  }
  if (cfg->check_only) return check_config(cfg);
  struct daemon_ctx ctx = {.log_fd = -1};
  atomic_init(&ctx.in_flight, 0);
  if (cfg->log_path) {
    ctx.log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (ctx.log_fd < 0) {
      fprintf(stderr, "privdeskd: cannot open the access log %s: %s\n", cfg->log_path, strerror(errno));
      return 1;
    }
  }
  ctx.core = server_new(store, cfg->rate_limit);
  if (!ctx.core) {
    fprintf(stderr, "privdeskd: out of memory\n");
    if (ctx.log_fd >= 0) close(ctx.log_fd);
    return 1;
  }
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
  struct mhd_log mlog;
  atomic_init(&mlog.starting, true);
  atomic_init(&mlog.tls_refused, false);
  atomic_init(&mlog.said_something, false);
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_logger, &mlog}; /* first */
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL};
  options[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, &ctx};
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
  errno = 0;
  struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &ctx, MHD_OPTION_ARRAY, options,
                                          MHD_OPTION_END);
  int start_errno = errno;
  atomic_store(&mlog.starting, false);
  /* the key lives on in the TLS library; our copy goes */
  if (key) sodium_memzero(key, strlen(key));
  free(key);
  free(cert);
  if (!d) {
    if (cfg->tls_cert && atomic_load(&mlog.tls_refused))
      fprintf(stderr,
              "privdeskd: cannot serve HTTPS: the TLS certificate %s or the private key %s is not usable (is the "
              "key the certificate's, both in PEM?)\n",
              cfg->tls_cert, cfg->tls_key);
    else
      fprintf(stderr, "privdeskd: cannot listen on %s: %s\n", cfg->listen,
              start_errno                         ? strerror(start_errno)
              : atomic_load(&mlog.said_something) ? "see the message above"
                                                  : "libmicrohttpd gave no reason");
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
  for (int i = 0; i < 1000 && atomic_load(&ctx.in_flight) > 0; i++) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(d);
  server_free(ctx.core);
  if (ctx.log_fd >= 0) close(ctx.log_fd);
  fprintf(stderr, "privdeskd: stopped\n");
  return 0;
fail:
  server_free(ctx.core);
  if (ctx.log_fd >= 0) close(ctx.log_fd);
  return 1;
}
