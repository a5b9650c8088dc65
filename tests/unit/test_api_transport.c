/* api/ transport behaviour against local fake servers (a thread speaking
 * just enough HTTP/1.1): retries of 503 with the same Idempotency-Key, no
 * retry of the PATCH, offline after bounded retries, timeout, cancellation
 * of a request the server is holding, the response size cap, undecodable
 * bodies, the headers every request carries; and 429 + Retry-After against a
 * privdeskd of its own started with --rate-limit 1. Linked into
 * tests/api/test_client (see tests/unit/api.mk). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "api/api.h"
#include "config.h"
#include "tests/harness/server.h"

extern const struct CMUnitTest pd_test_transport[];
extern const size_t pd_test_transport_n;

#define FAKE_MAX 8

struct fake {
  int lfd, port;
  pthread_t thread;
  int fail_first;     /* answer 503 to this many requests first */
  bool silent;        /* read the request, never answer */
  bool keep_alive;    /* serve several requests per connection */
  int answer_n;       /* with keep_alive: answer this many, then hold the next one */
  bool no_length;     /* close-delimited body */
  bool eager;         /* answer at once, without reading (a plain-HTTP reply to a TLS hello) */
  const char *body;   /* the 200 body */
  size_t body_len;
  atomic_int requests, got_request, peer_closed, stop;
  char head[FAKE_MAX][1024]; /* request heads as received */
};

/* strcasestr is a GNU extension. */
static const char *find_ci(const char *hay, const char *needle) {
  for (size_t n = strlen(needle); *hay; hay++)
    if (strncasecmp(hay, needle, n) == 0) return hay;
  return NULL;
}

static int64_t ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int listen_local(int *port, bool do_listen) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || (do_listen && listen(fd, 8) != 0) ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0)
    fail_msg("cannot set up a local socket");
  *port = ntohs(a.sin_port);
  return fd;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

/* Holds the connection until the client closes it or the fake stops. */
static void hold(struct fake *f, int fd) {
  struct pollfd p = {.fd = fd, .events = POLLIN};
  while (!atomic_load(&f->stop))
    if (poll(&p, 1, 20) == 1) {
      char c;
      if (recv(fd, &c, 1, 0) <= 0) {
        atomic_store(&f->peer_closed, 1);
        return;
      }
    }
}

/* One request (head and body) into f->head; false when the peer is gone. */
static bool read_request(struct fake *f, int fd, int *index) {
  char req[8192];
  size_t n = 0;
  char *end = NULL;
  while (!end && n < sizeof req - 1) {
    ssize_t r = recv(fd, req + n, sizeof req - 1 - n, 0);
    if (r <= 0) return false;
    n += (size_t)r;
    req[n] = '\0';
    end = strstr(req, "\r\n\r\n");
  }
  if (!end) return false;
  const char *cl = find_ci(req, "\r\nContent-Length:");
  size_t want = (size_t)(end + 4 - req) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
  while (n < want && n < sizeof req - 1) {
    ssize_t r = recv(fd, req + n, sizeof req - 1 - n, 0);
    if (r <= 0) return false;
    n += (size_t)r;
  }
  int i = *index = atomic_fetch_add(&f->requests, 1);
  if (i < FAKE_MAX) snprintf(f->head[i], sizeof f->head[i], "%.*s", (int)(end - req), req);
  atomic_store(&f->got_request, 1);
  return true;
}

static void serve_one(struct fake *f, int fd) {
  if (f->eager) {
    static const char reply[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send_all(fd, reply, sizeof reply - 1);
    atomic_fetch_add(&f->requests, 1);
    return;
  }
  for (int served = 0;; served++) {
    int i;
    if (!read_request(f, fd, &i)) return;
    if (f->silent || (f->keep_alive && f->answer_n && served >= f->answer_n)) {
      hold(f, fd);
      return;
    }
    const char *conn = f->keep_alive ? "" : "Connection: close\r\n";
    char hdr[256];
    if (i < f->fail_first) {
      static const char problem[] = "{\"type\":\"about:blank\",\"title\":\"Unavailable\",\"status\":503,\"code\":\"internal\"}";
      snprintf(hdr, sizeof hdr, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
               "Content-Length: %zu\r\n%s\r\n", sizeof problem - 1, conn);
      send_all(fd, hdr, strlen(hdr));
      send_all(fd, problem, sizeof problem - 1);
    } else {
      if (f->no_length)
        snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n");
      else
        snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"4\"\r\n"
                 "Content-Length: %zu\r\n%s\r\n", f->body_len, conn);
      send_all(fd, hdr, strlen(hdr));
      send_all(fd, f->body, f->body_len);
    }
    if (!f->keep_alive || f->no_length) return;
  }
}

static void *fake_main(void *arg) {
  struct fake *f = arg;
  while (!atomic_load(&f->stop)) {
    struct pollfd p = {.fd = f->lfd, .events = POLLIN};
    if (poll(&p, 1, 20) != 1) continue;
    int fd = accept(f->lfd, NULL, NULL);
    if (fd < 0) continue;
    serve_one(f, fd);
    close(fd);
  }
  return NULL;
}

static void fake_start(struct fake *f, const char *body) {
  f->body = body;
  f->body_len = strlen(body);
  f->lfd = listen_local(&f->port, true);
  if (pthread_create(&f->thread, NULL, fake_main, f) != 0) fail_msg("pthread_create");
}

static void fake_stop(struct fake *f) {
  atomic_store(&f->stop, 1);
  pthread_join(f->thread, NULL);
  close(f->lfd);
}

static pd_client *url_client(const char *url, const char *token, struct pd_client_options o) {
  struct pd_error err;
  o.base_url = url;
  pd_client *c = pd_client_new(&o, pd_token_from_string(token, &err), &err);
  assert_non_null(c);
  return c;
}

static pd_client *fake_client(int port, struct pd_client_options o) {
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
  if (!o.backoff_base_ms) o.backoff_base_ms = 10;
  return url_client(url, "fake-token", o);
}

static const char hold_json[] =
    "{\"id\":\"hld_aaaabbbbccccdddd\",\"account_id\":\"acc_abcdefghijklmnop\",\"reason\":\"r\",\"case_ref\":\"C\","
    "\"categories\":[\"*\"],\"placed_by\":\"sam\",\"placed_at\":\"2026-11-01T10:00:00Z\",\"status\":\"released\","
    "\"released_by\":\"sam\",\"released_at\":\"2026-11-02T10:00:00Z\",\"release_reason\":\"resolved\",\"version\":4}";

static const char *header_of(const char *head, const char *name, char *out, size_t cap) {
  char needle[64];
  snprintf(needle, sizeof needle, "\r\n%s:", name);
  const char *p = find_ci(head, needle);
  if (!p) return NULL;
  p += strlen(needle);
  while (*p == ' ') p++;
  size_t n = strcspn(p, "\r");
  snprintf(out, cap, "%.*s", (int)n, p);
  return out;
}

static void test_retry_503_same_key(void **state) {
  (void)state;
  struct fake f = {.fail_first = 2};
  fake_start(&f, hold_json);
  pd_client *c = fake_client(f.port, (struct pd_client_options){0});
  pd_intent *in = pd_intent_new();
  struct pd_result *r = pd_call_wait(c, pd_release_hold(c, "hld_aaaabbbbccccdddd", 3, in, "resolved", NULL, NULL));
  assert_true(r->ok);
  assert_int_equal(r->attempts, 3);
  assert_string_equal(r->v.hold->release_reason, "resolved");
  assert_string_equal(r->etag, "\"4\"");
  pd_result_free(r);
  assert_int_equal(atomic_load(&f.requests), 3);
  for (int i = 0; i < 3; i++) { /* the same key, If-Match and body on every attempt */
    char v[128];
    assert_non_null(header_of(f.head[i], "Idempotency-Key", v, sizeof v));
    assert_string_equal(v, pd_intent_key(in));
    assert_non_null(header_of(f.head[i], "If-Match", v, sizeof v));
    assert_string_equal(v, "\"3\"");
    assert_non_null(header_of(f.head[i], "User-Agent", v, sizeof v));
    assert_string_equal(v, "privdesk/" PACKAGE_VERSION);
    assert_non_null(header_of(f.head[i], "Accept-Encoding", v, sizeof v));
    assert_non_null(strstr(v, "gzip"));
    assert_non_null(header_of(f.head[i], "Authorization", v, sizeof v));
    assert_string_equal(v, "Bearer fake-token");
    assert_non_null(header_of(f.head[i], "Content-Type", v, sizeof v));
    assert_string_equal(v, "application/json");
  }
  pd_intent_free(in);
  /* The PATCH is not retried on 503: it may have been applied. */
  atomic_store(&f.requests, 0);
  f.fail_first = 1;
  struct pd_account_patch p = {.marketing_consent = PD_FLAG_FALSE, .reason = "r"};
  r = pd_call_wait(c, pd_update_account(c, "acc_abcdefghijklmnop", 2, NULL, &p, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_SERVER);
  assert_int_equal(r->attempts, 1);
  assert_null(strstr(f.head[0], "Idempotency-Key"));
  pd_result_free(r);
  /* Bounded: 503 every time gives up after max_attempts. */
  atomic_store(&f.requests, 0);
  f.fail_first = 100;
  r = pd_call_wait(c, pd_get_health(c, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_SERVER);
  assert_int_equal(r->error.http_status, 503);
  assert_int_equal(r->attempts, 4);
  pd_result_free(r);
  pd_client_free(c);
  fake_stop(&f);
}

/* A whole-attempt timeout is not retried, also on a reused connection
 * (where no connect happens): the PATCH may be in progress on the server. */
static void test_timeout_on_reused_connection(void **state) {
  (void)state;
  struct fake f = {.keep_alive = true, .answer_n = 1};
  fake_start(&f, "{\"status\":\"ok\"}");
  pd_client *c = fake_client(f.port, (struct pd_client_options){.timeout_ms = 300});
  struct pd_result *r = pd_call_wait(c, pd_get_health(c, NULL, NULL));
  assert_true(r->ok);
  assert_int_equal(r->new_connections, 1);
  pd_result_free(r);
  struct pd_account_patch p = {.analytics_enabled = PD_FLAG_FALSE, .reason = "r"};
  r = pd_call_wait(c, pd_update_account(c, "acc_abcdefghijklmnop", 2, NULL, &p, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_TIMEOUT);
  assert_int_equal(r->new_connections, 0); /* it went over the kept-alive connection */
  assert_int_equal(r->attempts, 1);
  assert_int_equal(atomic_load(&f.requests), 2);
  pd_result_free(r);
  pd_client_free(c);
  fake_stop(&f);
}

static void never(struct pd_result *r, void *ud) {
  (void)r;
  (*(int *)ud)++;
}

static void test_offline(void **state) {
  (void)state;
  int port;
  close(listen_local(&port, false)); /* a port nobody listens on */
  pd_client *c = fake_client(port, (struct pd_client_options){.max_attempts = 3, .backoff_base_ms = 20});
  int64_t t0 = ms();
  struct pd_result *r = pd_call_wait(c, pd_get_me(c, NULL, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_OFFLINE);
  assert_int_equal(r->attempts, 3);
  assert_int_equal(r->error.http_status, 0);
  assert_true(ms() - t0 >= 10 + 20); /* two backoffs of at least base/2 and base */
  assert_string_equal(pd_error_kind_sentence(r->error.kind), "offline: the server does not answer");
  pd_result_free(r);
  /* Cancelling while it waits for the next attempt. */
  pd_client *slow = fake_client(port, (struct pd_client_options){.backoff_base_ms = 60000});
  int called = 0;
  pd_call *call = pd_get_me(slow, NULL, never, &called);
  while (pd_client_timeout_ms(slow) < 1000) {
    struct pollfd fds[4];
    int n = pd_client_pollfds(slow, fds, 4);
    poll(fds, (nfds_t)n, 10);
    pd_client_dispatch(slow, fds, n);
  }
  struct pd_client_stats st;
  pd_client_get_stats(slow, &st);
  assert_int_equal(st.attempts, 1);
  pd_call_cancel(call);
  pd_client_dispatch(slow, NULL, 0);
  assert_int_equal(called, 0);
  assert_int_equal(pd_client_in_flight(slow), 0);
  assert_int_equal(pd_client_timeout_ms(slow), -1);
  pd_client_free(slow);
  pd_client_free(c);
}

static void test_timeout(void **state) {
  (void)state;
  int port;
  int fd = listen_local(&port, true); /* the kernel accepts; nobody answers */
  pd_client *c = fake_client(port, (struct pd_client_options){.timeout_ms = 300});
  int64_t t0 = ms();
  struct pd_result *r = pd_call_wait(c, pd_get_stats(c, NULL, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_TIMEOUT);
  assert_int_equal(r->attempts, 1); /* the request was sent: not repeated */
  assert_true(ms() - t0 >= 290 && ms() - t0 < 3000);
  pd_result_free(r);
  pd_client_free(c);
  close(fd);
}

static void test_cancel_held_request(void **state) {
  (void)state;
  struct fake f = {.silent = true};
  fake_start(&f, "");
  pd_client *c = fake_client(f.port, (struct pd_client_options){0});
  int called = 0;
  pd_call *call = pd_get_request(c, "req_aaaaaaaaaaaaaaaa", NULL, never, &called);
  int64_t end = ms() + 5000;
  while (!atomic_load(&f.got_request) && ms() < end) {
    struct pollfd fds[4];
    int n = pd_client_pollfds(c, fds, 4);
    long t = pd_client_timeout_ms(c);
    poll(fds, (nfds_t)n, t < 0 || t > 20 ? 20 : (int)t);
    pd_client_dispatch(c, fds, n);
  }
  assert_true(atomic_load(&f.got_request)); /* the server holds it now */
  pd_call_cancel(call);
  while (!atomic_load(&f.peer_closed) && ms() < end) usleep(5000);
  assert_true(atomic_load(&f.peer_closed)); /* the transfer was really aborted */
  for (int i = 0; i < 5; i++) pd_client_dispatch(c, NULL, 0);
  assert_int_equal(called, 0);
  assert_int_equal(pd_client_in_flight(c), 0);
  pd_client_free(c);
  fake_stop(&f);
}

static char *big_health(size_t size) {
  char *b = malloc(size + 1);
  assert_non_null(b);
  memset(b, 'x', size);
  memcpy(b, "{\"status\":\"ok\",\"pad\":\"", 22);
  memcpy(b + size - 2, "\"}", 2);
  b[size] = '\0';
  return b;
}

static void test_response_cap(void **state) {
  (void)state;
  char *body = big_health(100000);
  for (int close_delimited = 0; close_delimited < 2; close_delimited++) {
    struct fake f = {.no_length = close_delimited};
    fake_start(&f, body);
    pd_client *small = fake_client(f.port, (struct pd_client_options){.max_response_bytes = 65536});
    struct pd_result *r = pd_call_wait(small, pd_get_health(small, NULL, NULL));
    assert_int_equal(r->error.kind, PD_E_BAD_RESPONSE);
    assert_non_null(strstr(r->error.message, "larger than 65536 bytes"));
    assert_int_equal(r->attempts, 1);
    pd_result_free(r);
    pd_client *big = fake_client(f.port, (struct pd_client_options){.max_response_bytes = 100000});
    r = pd_call_wait(big, pd_get_health(big, NULL, NULL));
    assert_true(r->ok); /* exactly at the cap is fine */
    pd_result_free(r);
    pd_client_free(small);
    pd_client_free(big);
    fake_stop(&f);
  }
  free(body);
}

static void test_undecodable(void **state) {
  (void)state;
  static const char *const bodies[] = {"<html>oops</html>", "{\"user\":\"\xff\",\"role\":\"agent\"}",
                                       "{\"user\":\"alice\",\"role\":\"agent\"}"};
  static const char *const says[] = {"body: invalid JSON", "body: invalid JSON", "server_time: missing"};
  for (int i = 0; i < 3; i++) {
    struct fake f = {0};
    fake_start(&f, bodies[i]);
    pd_client *c = fake_client(f.port, (struct pd_client_options){0});
    struct pd_result *r = pd_call_wait(c, pd_get_me(c, NULL, NULL, NULL));
    assert_int_equal(r->error.kind, PD_E_BAD_RESPONSE);
    assert_int_equal(r->http_status, 200);
    assert_non_null(strstr(r->error.message, says[i]));
    assert_int_equal(r->attempts, 1);
    pd_result_free(r);
    pd_client_free(c);
    fake_stop(&f);
  }
}

static void note_error(struct pd_result *r, void *ud) { *(struct pd_error *)ud = r->error; }

/* TLS failures are their own kind and are not retried; a missing CA file too. */
static void test_tls(void **state) {
  (void)state;
  struct fake f = {.eager = true};
  fake_start(&f, "");
  char url[64];
  snprintf(url, sizeof url, "https://127.0.0.1:%d", f.port);
  pd_client *c = url_client(url, "t", (struct pd_client_options){0});
  assert_false(pd_client_is_insecure(c));
  struct pd_result *r = pd_call_wait(c, pd_get_me(c, NULL, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_TLS);
  assert_int_equal(r->attempts, 1);
  pd_result_free(r);
  pd_client_free(c);
  c = url_client(url, "t", (struct pd_client_options){.ca_file = "/nonexistent/ca.pem"});
  r = pd_call_wait(c, pd_get_me(c, NULL, NULL, NULL));
  assert_int_equal(r->error.kind, PD_E_TLS);
  pd_result_free(r);
  pd_client_free(c);
  fake_stop(&f);
}

/* 429: Retry-After is waited out within the limit, else delivered. */
static void test_rate_limited(void **state) {
  (void)state;
  struct pd_test_server rl;
  assert_int_equal(pd_test_server_start(&rl, &(struct pd_test_server_opts){.rate_limit = 1}), 0);
  pd_client *c = url_client(rl.url, rl.agent, (struct pd_client_options){.max_attempts = 10});
  struct pd_error errs[6];
  for (int i = 0; i < 6; i++) pd_get_me(c, NULL, note_error, &errs[i]);
  assert_int_equal(pd_client_run_until_done(c, 30000), 0);
  struct pd_client_stats st;
  pd_client_get_stats(c, &st);
  for (int i = 0; i < 6; i++)
    if (errs[i].kind != PD_E_NONE) fail_msg("call %d: %s", i, errs[i].message);
  assert_true(st.retries >= 1);
  pd_client *impatient = url_client(rl.url, rl.agent, (struct pd_client_options){.retry_after_max_ms = 1});
  int limited = 0;
  for (int i = 0; i < 6; i++) {
    struct pd_result *r = pd_call_wait(impatient, pd_get_me(impatient, NULL, NULL, NULL));
    if (!r->ok) {
      assert_int_equal(r->error.kind, PD_E_RATE_LIMITED);
      assert_int_equal(r->error.http_status, 429);
      assert_true(r->error.retry_after_s >= 1);
      assert_int_equal(r->attempts, 1);
      limited++;
    }
    pd_result_free(r);
  }
  assert_true(limited >= 1);
  pd_client_free(c);
  pd_client_free(impatient);
  pd_test_server_kill(&rl, false);
  int reports = pd_test_server_sanitizer_reports(&rl);
  pd_test_server_stop(&rl);
  assert_int_equal(reports, 0);
}

const struct CMUnitTest pd_test_transport[] = {
    cmocka_unit_test(test_retry_503_same_key),  cmocka_unit_test(test_offline),
    cmocka_unit_test(test_timeout),             cmocka_unit_test(test_timeout_on_reused_connection),
    cmocka_unit_test(test_cancel_held_request),
    cmocka_unit_test(test_response_cap),        cmocka_unit_test(test_undecodable),
    cmocka_unit_test(test_tls),                 cmocka_unit_test(test_rate_limited),
};
const size_t pd_test_transport_n = sizeof pd_test_transport / sizeof *pd_test_transport;
