/* faultproxy: a loopback HTTP/1.1 proxy that sits between the console and
 * privdeskd and injects faults, for the console's reliability tests
 * (tests/reliability-console/test_faults.sh).
 *
 *   faultproxy --upstream 127.0.0.1:PORT --control FILE [--listen 127.0.0.1:0]
 *              [--port-file FILE] [--log FILE]
 *
 * Every request from a client is read whole (headers and Content-Length
 * body), then the control file is read again and its first matching rule
 * decides what happens. A rule is one line:
 *
 *   MODE [ARG] [method=GET] [path=SUBSTRING] [times=N]
 *
 * (blank lines and lines starting with '#' are ignored). method= and path=
 * restrict the rule (the path is matched as a substring of the request
 * target, query included); times=N applies it to the next N matching
 * requests only. Counters start again whenever the file's content changes.
 * No matching rule, or no control file: the request is forwarded as is.
 *
 * Modes:
 *   pass                forward (an explicit rule, e.g. to end a list early)
 *   delay MS            wait MS milliseconds, then forward
 *   hang                never answer; close when the client gives up
 *   status CODE         answer CODE with an application/problem+json body
 *                       without forwarding (500, 502, 503, ...)
 *   drop-request        close the connection without forwarding: the server
 *                       never sees the request
 *   drop-response       forward (the server does the work), then close the
 *                       connection without answering: the answer is lost
 *   cut-response        forward, send the headers and half the body (the
 *                       full Content-Length announced), then close
 *   truncate            forward, answer with the first half of the body as a
 *                       complete response (valid HTTP, cut JSON)
 *   malformed           forward, answer with the server's status and
 *                       headers but a body that is not JSON
 *   slow MS             forward, then trickle the body over MS milliseconds
 * (The four modes that spoil a body forward GETs without If-None-Match, so
 * the server answers with a body rather than 304 Not Modified.)
 *
 * The log gets one line per request: "N METHOD TARGET MODE key=IDEMPOTENCY-KEY
 * status=UPSTREAM-STATUS" (key=- and status=- when there is none), flushed at
 * once so tests can read it while the proxy runs. A delayed request is
 * logged when it arrives (status=-), a forwarded one when its answer came.
 *
 * Upstream requests go out with "Connection: close" and without
 * Accept-Encoding, so the proxy sees plain bodies; it reads the answer to
 * the end (decoding a chunked one) and sends it on with a Content-Length,
 * keeping the client's connection alive. One thread per client connection. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_HEAD = 64 * 1024, MAX_BODY = 16 * 1024 * 1024, MAX_RULES = 64 };

enum mode { M_PASS, M_DELAY, M_HANG, M_STATUS, M_DROP_REQUEST, M_DROP_RESPONSE, M_CUT_RESPONSE, M_TRUNCATE,
            M_MALFORMED, M_SLOW };

static const char *const mode_names[] = {"pass", "delay", "hang", "status", "drop-request", "drop-response",
                                         "cut-response", "truncate", "malformed", "slow"};

struct rule {
  enum mode mode;
  long arg;
  char method[16];
  char path[256];
  long times; /* -1: always */
  long used;
};

static const char *control_path, *log_path;
static struct sockaddr_in upstream;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *control_text; /* the content the counters belong to */
static struct rule rules[MAX_RULES];
static int nrules;
static unsigned long seq;
static FILE *log_file;

/* ---- buffers ---- */

struct buf {
  char *p;
  size_t len, cap;
};

static int buf_add(struct buf *b, const void *p, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) return -1;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static void buf_free(struct buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

/* ---- the control file ---- */

static bool parse_rule(char *line, struct rule *r) {
  memset(r, 0, sizeof *r);
  r->times = -1;
  char *save = NULL, *tok = strtok_r(line, " \t", &save);
  if (!tok) return false;
  size_t i;
  for (i = 0; i < sizeof mode_names / sizeof *mode_names; i++)
    if (strcmp(tok, mode_names[i]) == 0) break;
  if (i == sizeof mode_names / sizeof *mode_names) return false;
  r->mode = (enum mode)i;
  while ((tok = strtok_r(NULL, " \t", &save))) {
    if (strncmp(tok, "method=", 7) == 0)
      snprintf(r->method, sizeof r->method, "%s", tok + 7);
    else if (strncmp(tok, "path=", 5) == 0)
      snprintf(r->path, sizeof r->path, "%s", tok + 5);
    else if (strncmp(tok, "times=", 6) == 0)
      r->times = strtol(tok + 6, NULL, 10);
    else
      r->arg = strtol(tok, NULL, 10);
  }
  return true;
}

static char *read_file(const char *path) {
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return NULL;
  struct buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (buf_add(&b, chunk, n) != 0) break;
  fclose(f);
  if (!b.p) buf_add(&b, "", 0);
  return b.p;
}

/* Re-reads the control file and picks the rule for this request (under lock). */
static struct rule choose(const char *method, const char *target) {
  struct rule none = {.mode = M_PASS, .times = -1};
  char *text = read_file(control_path);
  if (!text) text = strdup("");
  if (!text) return none;
  if (!control_text || strcmp(text, control_text) != 0) {
    free(control_text);
    control_text = text;
    nrules = 0;
    char *copy = strdup(text), *save = NULL;
    for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; line && nrules < MAX_RULES;
         line = strtok_r(NULL, "\n", &save)) {
      while (*line == ' ' || *line == '\t') line++;
      if (!*line || *line == '#') continue;
      line[strcspn(line, "\r")] = '\0';
      if (parse_rule(line, &rules[nrules])) nrules++;
    }
    free(copy);
  } else {
    free(text);
  }
  for (int i = 0; i < nrules; i++) {
    struct rule *r = &rules[i];
    if (r->method[0] && strcasecmp(r->method, method) != 0) continue;
    if (r->path[0] && !strstr(target, r->path)) continue;
    if (r->times >= 0 && r->used >= r->times) continue;
    r->used++;
    return *r;
  }
  return none;
}

/* ---- HTTP ---- */

/* The value of header name in the head (NUL-terminated, CRLF lines), or NULL. */
static bool header_get(const char *head, const char *name, char *out, size_t cap) {
  size_t nlen = strlen(name);
  const char *p = strstr(head, "\r\n");
  while (p) {
    p += 2;
    if (strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
      const char *v = p + nlen + 1;
      while (*v == ' ' || *v == '\t') v++;
      size_t n = strcspn(v, "\r\n");
      if (n >= cap) n = cap - 1;
      memcpy(out, v, n);
      out[n] = '\0';
      return true;
    }
    p = strstr(p, "\r\n");
  }
  return false;
}

/* Reads from fd into in until the head is complete; returns the head length
 * (up to and including the blank line), 0 on a clean EOF before any byte,
 * -1 on error. */
static long read_head(int fd, struct buf *in) {
  for (;;) {
    char *end = in->p ? strstr(in->p, "\r\n\r\n") : NULL;
    if (end) return (long)(end - in->p) + 4;
    if (in->len > MAX_HEAD) return -1;
    char chunk[8192];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return in->len == 0 && n == 0 ? 0 : -1;
    if (buf_add(in, chunk, (size_t)n) != 0) return -1;
  }
}

static int read_more(int fd, struct buf *in, size_t want) {
  while (in->len < want) {
    char chunk[8192];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    if (buf_add(in, chunk, (size_t)n) != 0) return -1;
  }
  return 0;
}

/* Decodes a chunked body in place; -1 when malformed. */
static long dechunk(char *p, size_t len) {
  size_t in = 0, out = 0;
  for (;;) {
    char *end;
    unsigned long size = strtoul(p + in, &end, 16);
    char *eol = memmem(p + in, len - in, "\r\n", 2);
    if (!eol || end == p + in) return -1;
    in = (size_t)(eol - p) + 2;
    if (size == 0) return (long)out;
    if (size > len - in) return -1;
    memmove(p + out, p + in, size);
    out += size;
    in += size + 2;
    if (in > len) return -1;
  }
}

struct response {
  int status;
  struct buf head; /* status line and headers, without Content-Length/Connection/Transfer-Encoding, no blank line */
  struct buf body;
};

/* Sends the request to the upstream and reads the whole answer. */
static int forward(const char *method, const char *target, const char *head, const char *body, size_t blen,
                   bool full_body, struct response *res) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  if (connect(fd, (struct sockaddr *)&upstream, sizeof upstream) != 0) {
    close(fd);
    return -1;
  }
  struct buf req = {0};
  char line[8192];
  snprintf(line, sizeof line, "%s %s HTTP/1.1\r\n", method, target);
  buf_add(&req, line, strlen(line));
  const char *p = strstr(head, "\r\n") + 2;
  while (*p && strncmp(p, "\r\n", 2) != 0) {
    size_t n = strcspn(p, "\r\n");
    static const char *const skip[] = {"connection:", "accept-encoding:", "keep-alive:", "proxy-connection:", "te:"};
    bool drop = full_body && strncasecmp(p, "if-none-match:", 14) == 0;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
      if (strncasecmp(p, skip[i], strlen(skip[i])) == 0) drop = true;
    if (!drop) {
      buf_add(&req, p, n);
      buf_add(&req, "\r\n", 2);
    }
    p += n;
    if (*p == '\r') p++;
    if (*p == '\n') p++;
  }
  buf_add(&req, "Connection: close\r\n\r\n", 21);
  if (blen) buf_add(&req, body, blen);
  int rc = write_all(fd, req.p, req.len);
  buf_free(&req);
  struct buf in = {0};
  if (rc == 0) {
    char chunk[16384];
    ssize_t n;
    while ((n = recv(fd, chunk, sizeof chunk, 0)) != 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 || in.len > MAX_BODY || buf_add(&in, chunk, (size_t)n) != 0) {
        rc = -1;
        break;
      }
    }
  }
  close(fd);
  char *end = in.p ? strstr(in.p, "\r\n\r\n") : NULL;
  if (rc != 0 || !end || sscanf(in.p, "HTTP/%*s %d", &res->status) != 1) {
    buf_free(&in);
    return -1;
  }
  *end = '\0';
  const char *bstart = end + 4;
  size_t bl = in.len - (size_t)(bstart - in.p);
  char te[64] = "";
  header_get(in.p, "Transfer-Encoding", te, sizeof te);
  buf_add(&res->body, bstart, bl);
  if (strcasestr(te, "chunked")) {
    long n = res->body.p ? dechunk(res->body.p, res->body.len) : 0;
    if (n < 0) {
      buf_free(&in);
      return -1;
    }
    res->body.len = (size_t)n;
  }
  /* keep the headers except the framing ones */
  for (const char *q = in.p; *q;) {
    size_t n = strcspn(q, "\r\n");
    static const char *const skip[] = {"content-length:", "connection:", "transfer-encoding:", "keep-alive:"};
    bool drop = false;
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
      if (strncasecmp(q, skip[i], strlen(skip[i])) == 0) drop = true;
    if (!drop) {
      buf_add(&res->head, q, n);
      buf_add(&res->head, "\r\n", 2);
    }
    q += n;
    if (*q == '\r') q++;
    if (*q == '\n') q++;
  }
  buf_free(&in);
  return 0;
}

static int send_response(int fd, const struct response *res, const char *body, size_t blen, size_t announce) {
  struct buf out = {0};
  char cl[64];
  buf_add(&out, res->head.p ? res->head.p : "", res->head.len);
  snprintf(cl, sizeof cl, "Content-Length: %zu\r\n\r\n", announce);
  buf_add(&out, cl, strlen(cl));
  buf_add(&out, body ? body : "", blen);
  int rc = write_all(fd, out.p, out.len);
  buf_free(&out);
  return rc;
}

static int send_problem(int fd, int status) {
  const char *title = status == 502 ? "Bad Gateway" : status == 503 ? "Service Unavailable"
                      : status == 504 ? "Gateway Timeout" : "Internal Server Error";
  char body[512], head[512];
  snprintf(body, sizeof body,
           "{\"type\":\"urn:privdesk:problem:internal\",\"title\":\"%s\",\"status\":%d,"
           "\"detail\":\"injected by the fault proxy\",\"code\":\"internal\"}",
           title, status);
  snprintf(head, sizeof head,
           "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nContent-Length: %zu\r\n\r\n", status, title,
           strlen(body));
  return write_all(fd, head, strlen(head)) == 0 && write_all(fd, body, strlen(body)) == 0 ? 0 : -1;
}

/* Waits until the client closes the connection (or sends more). */
static void hang_until_closed(int fd) {
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, 1000);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    if (n > 0) {
      char c[512];
      ssize_t r = recv(fd, c, sizeof c, 0);
      if (r <= 0) return;
    }
  }
}

static void log_line(const char *method, const char *target, enum mode m, const char *key, int status) {
  pthread_mutex_lock(&lock);
  if (log_file) {
    if (status)
      fprintf(log_file, "%lu %s %s %s key=%s status=%d\n", ++seq, method, target, mode_names[m], key[0] ? key : "-",
              status);
    else
      fprintf(log_file, "%lu %s %s %s key=%s status=-\n", ++seq, method, target, mode_names[m], key[0] ? key : "-");
    fflush(log_file);
  }
  pthread_mutex_unlock(&lock);
}

/* One request on a client connection; false: close the connection. */
static bool serve_one(int fd, struct buf *in) {
  long hlen = read_head(fd, in);
  if (hlen <= 0) return false;
  char *head = malloc((size_t)hlen + 1);
  if (!head) return false;
  memcpy(head, in->p, (size_t)hlen);
  head[hlen] = '\0';
  char method[16] = "", target[4096] = "";
  if (sscanf(head, "%15s %4095s", method, target) != 2) {
    free(head);
    return false;
  }
  char cl[32] = "", key[160] = "";
  size_t blen = header_get(head, "Content-Length", cl, sizeof cl) ? strtoul(cl, NULL, 10) : 0;
  header_get(head, "Idempotency-Key", key, sizeof key);
  if (blen > MAX_BODY || read_more(fd, in, (size_t)hlen + blen) != 0) {
    free(head);
    return false;
  }
  char *body = malloc(blen + 1);
  if (!body) {
    free(head);
    return false;
  }
  memcpy(body, in->p + hlen, blen);
  body[blen] = '\0';
  /* keep what came after this request (a pipelined next one) */
  size_t used = (size_t)hlen + blen;
  memmove(in->p, in->p + used, in->len - used);
  in->len -= used;
  in->p[in->len] = '\0';

  pthread_mutex_lock(&lock);
  struct rule r = choose(method, target);
  pthread_mutex_unlock(&lock);

  bool keep = true;
  struct response res = {0};
  switch (r.mode) {
  case M_HANG:
    log_line(method, target, r.mode, key, 0);
    hang_until_closed(fd);
    keep = false;
    break;
  case M_STATUS:
    log_line(method, target, r.mode, key, (int)r.arg);
    keep = send_problem(fd, (int)r.arg) == 0;
    break;
  case M_DROP_REQUEST:
    log_line(method, target, r.mode, key, 0);
    keep = false;
    break;
  default:
    if (r.mode == M_DELAY) { /* logged on arrival, so tests see it while it waits */
      log_line(method, target, r.mode, key, 0);
      sleep_ms(r.arg);
    }
    /* a fault in the body needs a body: no 304 to If-None-Match */
    bool full_body = r.mode == M_CUT_RESPONSE || r.mode == M_TRUNCATE || r.mode == M_MALFORMED || r.mode == M_SLOW;
    if (forward(method, target, head, body, blen, full_body, &res) != 0) {
      if (r.mode != M_DELAY) log_line(method, target, r.mode, key, 0);
      keep = send_problem(fd, 502) == 0;
      break;
    }
    if (r.mode != M_DELAY) log_line(method, target, r.mode, key, res.status);
    switch (r.mode) {
    case M_DROP_RESPONSE: keep = false; break;
    case M_CUT_RESPONSE:
      send_response(fd, &res, res.body.p, res.body.len / 2, res.body.len);
      keep = false;
      break;
    case M_TRUNCATE: keep = send_response(fd, &res, res.body.p, res.body.len / 2, res.body.len / 2) == 0; break;
    case M_MALFORMED: {
      static const char junk[] = "{\"items\": [{\"id\": \"req_\" \"oops\"}, nope]";
      keep = send_response(fd, &res, junk, sizeof junk - 1, sizeof junk - 1) == 0;
      break;
    }
    case M_SLOW: {
      keep = send_response(fd, &res, NULL, 0, res.body.len) == 0;
      size_t steps = 50, done = 0;
      for (size_t i = 1; keep && i <= steps; i++) {
        size_t upto = res.body.len * i / steps;
        sleep_ms(r.arg / (long)steps);
        if (upto > done) keep = write_all(fd, res.body.p + done, upto - done) == 0;
        done = upto;
      }
      break;
    }
    default: keep = send_response(fd, &res, res.body.p, res.body.len, res.body.len) == 0; break;
    }
    break;
  }
  buf_free(&res.head);
  buf_free(&res.body);
  char conn[32] = "";
  if (header_get(head, "Connection", conn, sizeof conn) && strcasecmp(conn, "close") == 0) keep = false;
  free(head);
  free(body);
  return keep;
}

static void *client_thread(void *arg) {
  int fd = (int)(intptr_t)arg;
  struct buf in = {0};
  while (serve_one(fd, &in)) {
  }
  buf_free(&in);
  close(fd);
  return NULL;
}

static int parse_addr(const char *s, struct sockaddr_in *a) {
  char host[64];
  const char *colon = strrchr(s, ':');
  if (!colon || (size_t)(colon - s) >= sizeof host) return -1;
  memcpy(host, s, (size_t)(colon - s));
  host[colon - s] = '\0';
  memset(a, 0, sizeof *a);
  a->sin_family = AF_INET;
  a->sin_port = htons((unsigned short)strtoul(colon + 1, NULL, 10));
  return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  const char *listen_at = "127.0.0.1:0", *port_file = NULL, *up = NULL;
  for (int i = 1; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--upstream") == 0 && v) up = argv[++i];
    else if (strcmp(argv[i], "--control") == 0 && v) control_path = argv[++i];
    else if (strcmp(argv[i], "--listen") == 0 && v) listen_at = argv[++i];
    else if (strcmp(argv[i], "--port-file") == 0 && v) port_file = argv[++i];
    else if (strcmp(argv[i], "--log") == 0 && v) log_path = argv[++i];
    else {
      fprintf(stderr, "usage: faultproxy --upstream HOST:PORT --control FILE [--listen HOST:PORT] "
                      "[--port-file FILE] [--log FILE]\n");
      return 2;
    }
  }
  struct sockaddr_in la;
  if (!up || parse_addr(up, &upstream) != 0 || parse_addr(listen_at, &la) != 0) {
    fprintf(stderr, "faultproxy: --upstream and --listen want IPv4 HOST:PORT\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  if (log_path && !(log_file = fopen(log_path, "a"))) {
    perror(log_path);
    return 1;
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ls < 0 || bind(ls, (struct sockaddr *)&la, sizeof la) != 0 || listen(ls, 64) != 0) {
    perror("faultproxy: listen");
    return 1;
  }
  socklen_t alen = sizeof la;
  getsockname(ls, (struct sockaddr *)&la, &alen);
  if (port_file) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", ntohs(la.sin_port)) < 0 || fclose(f) != 0 || rename(tmp, port_file) != 0) {
      perror(port_file);
      return 1;
    }
  }
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      perror("faultproxy: accept");
      sleep_ms(100);
      continue;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, client_thread, (void *)(intptr_t)fd) != 0) close(fd);
    pthread_attr_destroy(&attr);
  }
}
