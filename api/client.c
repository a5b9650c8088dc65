/* The client: one curl multi handle driven through the caller's event loop
 * (CURLMOPT_SOCKETFUNCTION + CURLMOPT_TIMERFUNCTION), the completion queue,
 * and a small poll() loop for synchronous use. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "api/internal.h"

int64_t pd_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint32_t pd_client_random(pd_client *c) {
  uint32_t x = c->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return c->rng = x;
}

int pd_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1; }

static struct pd_sock *find_sock(pd_client *c, curl_socket_t fd) {
  for (size_t i = 0; i < c->nsocks; i++)
    if (c->socks[i].fd == fd) return &c->socks[i];
  return NULL;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  (void)easy;
  (void)socketp;
  pd_client *c = userp;
  struct pd_sock *s = find_sock(c, fd);
  if (what == CURL_POLL_REMOVE) {
    if (s) *s = c->socks[--c->nsocks];
    return 0;
  }
  if (!s) {
    if (c->nsocks == c->capsocks) {
      size_t cap = c->capsocks ? c->capsocks * 2 : 8;
      struct pd_sock *n = realloc(c->socks, cap * sizeof *n);
      if (!n) return -1; /* curl fails the transfer */
      c->socks = n;
      c->capsocks = cap;
    }
    s = &c->socks[c->nsocks++];
    s->fd = fd;
  }
  s->what = what;
  return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  pd_client *c = userp;
  c->timer_at = timeout_ms < 0 ? -1 : pd_now_ms() + timeout_ms;
  return 0;
}

static char *strdup_trim_slash(const char *s) {
  size_t n = strlen(s);
  while (n && s[n - 1] == '/') n--;
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

pd_client *pd_client_new(const struct pd_client_options *opts, pd_token *token, struct pd_error *err) {
  pd_error_clear(err);
  if (!opts || !opts->base_url ||
      (strncmp(opts->base_url, "http://", 7) != 0 && strncmp(opts->base_url, "https://", 8) != 0)) {
    pd_error_set(err, PD_E_INVALID_INPUT, "the server URL must start with https:// or http://");
    pd_token_free(token);
    return NULL;
  }
  if (!token) {
    pd_error_set(err, PD_E_UNAUTHENTICATED, "no token");
    return NULL;
  }
  if (pd_global_init() != 0) {
    pd_error_set(err, PD_E_LOCAL, "libcurl could not be initialised");
    pd_token_free(token);
    return NULL;
  }
  pd_client *c = calloc(1, sizeof *c);
  if (!c) goto oom;
  c->token = token;
  c->timer_at = -1;
  c->opt = *opts;
  if (!(c->base_url = strdup_trim_slash(opts->base_url))) goto oom;
  if (opts->ca_file && !(c->ca_file = strdup(opts->ca_file))) goto oom;
  c->opt.base_url = c->base_url;
  c->opt.ca_file = c->ca_file;
  if (c->opt.connect_timeout_ms <= 0) c->opt.connect_timeout_ms = 5000;
  if (c->opt.timeout_ms <= 0) c->opt.timeout_ms = 30000;
  if (c->opt.max_response_bytes == 0) c->opt.max_response_bytes = PD_RESPONSE_MAX_DEFAULT;
  if (c->opt.max_attempts <= 0) c->opt.max_attempts = 4;
  if (c->opt.backoff_base_ms <= 0) c->opt.backoff_base_ms = 250;
  if (c->opt.backoff_max_ms <= 0) c->opt.backoff_max_ms = 4000;
  if (c->opt.retry_after_max_ms <= 0) c->opt.retry_after_max_ms = 10000;
  if (c->opt.max_host_connections <= 0) c->opt.max_host_connections = 1;
  snprintf(c->user_agent, sizeof c->user_agent, "privdesk/%s", PACKAGE_VERSION);
  if (getrandom(&c->rng, sizeof c->rng, GRND_NONBLOCK) != (ssize_t)sizeof c->rng || !c->rng)
    c->rng = (uint32_t)pd_now_ms() | 1u;
  if (!(c->multi = curl_multi_init())) goto oom;
  curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
  curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
  curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
  curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->opt.max_host_connections);
  return c;
oom:
  pd_error_set(err, PD_E_LOCAL, "out of memory");
  if (c) {
    c->token = NULL;
    free(c->base_url);
    free(c->ca_file);
    free(c);
  }
  pd_token_free(token);
  return NULL;
}

static void client_destroy(pd_client *c) {
  while (c->calls) pd_call_destroy(c->calls);
  curl_multi_cleanup(c->multi);
  pd_token_free(c->token);
  free(c->socks);
  free(c->base_url);
  free(c->ca_file);
  free(c);
}

void pd_client_free(pd_client *c) {
  if (!c) return;
  if (c->dispatching) {
    c->free_requested = true;
    return;
  }
  client_destroy(c);
}

bool pd_client_is_insecure(const pd_client *c) { return c && c->opt.insecure; }
const char *pd_client_base_url(const pd_client *c) { return c ? c->base_url : NULL; }

size_t pd_client_in_flight(const pd_client *c) {
  size_t n = 0;
  for (const pd_call *k = c->calls; k; k = k->next) n += k->state != PD_CALL_HELD;
  return n;
}

void pd_client_get_stats(const pd_client *c, struct pd_client_stats *s) { *s = c->stats; }

void pd_client_enqueue_done(pd_client *c, pd_call *call) {
  call->state = PD_CALL_DONE;
  call->done_next = NULL;
  if (c->done_tail)
    c->done_tail->done_next = call;
  else
    c->done_head = call;
  c->done_tail = call;
}

void pd_client_abort_all(pd_client *c) {
  for (pd_call *k = c->calls; k; k = k->next) {
    if (k->state != PD_CALL_RUNNING && k->state != PD_CALL_WAITING) continue;
    if (k->state == PD_CALL_RUNNING) curl_multi_remove_handle(c->multi, k->easy);
    pd_headers_wipe_free(k->headers);
    k->headers = NULL;
    pd_error_set(&k->result.error, PD_E_CANCELLED, "cancelled");
    pd_client_enqueue_done(c, k);
  }
}

int pd_client_pollfds(void *client, struct pollfd *fds, int max) {
  pd_client *c = client;
  int n = 0;
  for (size_t i = 0; i < c->nsocks && n < max; i++) {
    short ev = 0;
    if (c->socks[i].what & CURL_POLL_IN) ev |= POLLIN;
    if (c->socks[i].what & CURL_POLL_OUT) ev |= POLLOUT;
    fds[n].fd = c->socks[i].fd;
    fds[n].events = ev;
    fds[n].revents = 0;
    n++;
  }
  return n;
}

long pd_client_timeout_ms(void *client) {
  pd_client *c = client;
  if (c->done_head) return 0;
  int64_t now = pd_now_ms(), t = -1;
  if (c->timer_at >= 0) t = c->timer_at > now ? c->timer_at - now : 0;
  for (pd_call *k = c->calls; k; k = k->next)
    if (k->state == PD_CALL_WAITING) {
      int64_t w = k->wake_at > now ? k->wake_at - now : 0;
      if (t < 0 || w < t) t = w;
    }
  return t > 24L * 3600 * 1000 ? 24L * 3600 * 1000 : (long)t;
}

static void harvest(pd_client *c) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(c->multi, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    pd_call *call = NULL;
    CURL *easy = msg->easy_handle;
    CURLcode rc = msg->data.result;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&call);
    curl_multi_remove_handle(c->multi, easy);
    if (call) pd_call_attempt_done(call, rc);
  }
}

static void fire(pd_client *c) {
  pd_call *call;
  while (!c->free_requested && (call = c->done_head)) {
    c->done_head = call->done_next;
    if (!c->done_head) c->done_tail = NULL;
    call->done_next = NULL;
    if (!call->cb) {
      call->state = PD_CALL_HELD;
      continue;
    }
    call->state = PD_CALL_COMPLETING;
    call->cb(&call->result, call->ud);
    pd_call_destroy(call);
  }
}

/* One round of work; false when the client must be freed now. */
static bool dispatch(pd_client *c, const struct pollfd *fds, int n) {
  int running;
  c->dispatching = true;
  for (int i = 0; i < n; i++) {
    if (!fds[i].revents || !find_sock(c, fds[i].fd)) continue;
    int ev = 0;
    if (fds[i].revents & (POLLIN | POLLPRI | POLLHUP)) ev |= CURL_CSELECT_IN;
    if (fds[i].revents & POLLOUT) ev |= CURL_CSELECT_OUT;
    if (fds[i].revents & (POLLERR | POLLNVAL)) ev |= CURL_CSELECT_ERR;
    curl_multi_socket_action(c->multi, fds[i].fd, ev, &running);
  }
  if (c->timer_at >= 0 && pd_now_ms() >= c->timer_at) {
    c->timer_at = -1;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  }
  harvest(c);
  int64_t now = pd_now_ms();
  for (pd_call *k = c->calls, *next; k; k = next) {
    next = k->next;
    if (k->state == PD_CALL_WAITING && k->wake_at <= now) pd_call_attempt_start(k);
  }
  fire(c);
  c->dispatching = false;
  return !c->free_requested;
}

void pd_client_dispatch(void *client, const struct pollfd *fds, int n) {
  pd_client *c = client;
  if (!dispatch(c, fds, n)) client_destroy(c);
}

/* One poll() round of at most max_wait ms (-1: as long as the client needs). */
static int poll_once(pd_client *c, long max_wait) {
  struct pollfd fds[64];
  int n = pd_client_pollfds(c, fds, 64);
  long t = pd_client_timeout_ms(c);
  if (t < 0 || (max_wait >= 0 && t > max_wait)) t = max_wait;
  if (t < 0 && n == 0) t = 100; /* nothing to wait for: should not happen; do not hang */
  if (poll(fds, (nfds_t)n, t > 1000000 ? 1000000 : (int)t) < 0 && errno != EINTR) return -1;
  return dispatch(c, fds, n) ? 0 : -1;
}

int pd_client_run_until_done(pd_client *c, long timeout_ms) {
  int64_t end = timeout_ms < 0 ? -1 : pd_now_ms() + timeout_ms;
  while (pd_client_in_flight(c) > 0) {
    long left = end < 0 ? -1 : (long)(end - pd_now_ms());
    if (end >= 0 && left <= 0) return -1;
    if (poll_once(c, left) != 0) {
      if (c->free_requested) client_destroy(c);
      return -1;
    }
  }
  return 0;
}

/* Returned when not even a result can be allocated; pd_result_free ignores it. */
static struct pd_result oom_result = {.error = {.kind = PD_E_LOCAL, .retry_after_s = -1, .message = "out of memory"}};

struct pd_result *pd_call_wait(pd_client *c, pd_call *call) {
  struct pd_result *res = calloc(1, sizeof *res);
  if (!res) {
    pd_call_cancel(call);
    return &oom_result;
  }
  pd_error_clear(&res->error);
  if (!call) {
    pd_error_set(&res->error, PD_E_LOCAL, "the call could not be started (out of memory)");
    return res;
  }
  if (call->cb) { /* its callback owns the outcome; waiting here would race with it */
    pd_error_set(&res->error, PD_E_LOCAL, "pd_call_wait needs a call started without a callback");
    return res;
  }
  while (call->state != PD_CALL_HELD)
    if (poll_once(c, -1) != 0 && c->free_requested) {
      /* The client was freed from another call's callback: this call is gone too. */
      client_destroy(c);
      pd_error_set(&res->error, PD_E_CANCELLED, "the client was freed");
      return res;
    }
  *res = call->result;
  call->result.v.any = NULL;
  pd_call_destroy(call);
  return res;
}

void *pd_result_take(struct pd_result *res) {
  void *v = res->v.any;
  res->v.any = NULL;
  return v;
}

void pd_result_free(struct pd_result *res) {
  if (!res || res == &oom_result) return;
  pd_value_free(res->kind, res->v.any);
  free(res);
}
