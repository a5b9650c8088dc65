/* Loopback load test of privdeskd: N concurrent kept-alive connections
 * (libcurl multi interface, one transfer per connection at a time) send a mix
 * of reads and writes for a fixed time to a server it starts itself
 * (tests/harness) on a freshly seeded database; then prints per kind of call
 * the count, rate and p50/p99/max latency, and checks that:
 *   - no answer was an error other than 429 (rate_limited, when a token's
 *     limit is hit; with --rate-limit 0 there must be none either),
 *   - the server is still alive and healthy, with no sanitizer report,
 *   - every acknowledged write has its audit entry and the chain verifies.
 * Each connection writes only its own accounts and requests, so a 412 is an
 * error too. Used by bench/load.sh (60 s, results in bench/RESULTS-load.md)
 * and by tests/reliability/test_load.sh (a bounded run in CI, --tap).
 *
 * Usage: bench/load [--duration S] [--connections N] [--accounts A]
 *                   [--requests R] [--rate-limit L] [--threads T] [--reads-only]
 *                   [--seed S] [--store sqlite|postgresql] [--instances K] [--tap]
 *   defaults: 60 s, 16 connections, 20000 accounts, 4000 requests,
 *   rate limit 0 (off; privdeskd's own default is 50/s per token),
 *   privdeskd's default worker threads, seed 1, the harness's store
 *   (SQLite unless PRIVDESK_TEST_STORE=postgresql), one instance.
 * --store postgresql runs privdeskd on a throwaway PostgreSQL server
 * (tests/harness/pg.h); --instances K (PostgreSQL) starts K privdeskd on the
 * same database and spreads the connections over them round-robin
 * (connection i talks to instance i mod K), as a load balancer would.
 * The binary under test is $PRIVDESKD (else ./privdeskd). */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "tests/harness/pg.h"
#include "tests/harness/server.h"

/* ---- kinds of calls ---- */

enum kind {
  K_QUEUE, K_MINE, K_SEARCH, K_ACCOUNT, K_INVENTORY, K_REQUEST, K_STATS, K_AUDIT, /* reads */
  K_NOTE, K_PATCH, K_CREATE, K_TRANSITION,                                        /* writes */
  N_KINDS
};
static const char *const kind_names[N_KINDS] = {
    "GET /v1/requests?status=open (queue page)", "GET /v1/requests?assignee=me", "GET /v1/accounts?q= (search)",
    "GET /v1/accounts/{id}", "GET /v1/accounts/{id}/inventory", "GET /v1/requests/{id}", "GET /v1/stats",
    "GET /v1/audit", "POST /v1/requests/{id}/notes", "PATCH /v1/accounts/{id} (If-Match)", "POST /v1/requests",
    "POST /v1/requests/{id}/transition (If-Match)"};
static bool is_write(enum kind k) { return k >= K_NOTE; }
/* weights of the mix (per 1000 calls); a PATCH is never picked: it follows
 * every other GET of an account (one of the connection's own) */
static int weights[N_KINDS] = {150, 80, 120, 180, 90, 150, 40, 40, 80, 0, 40, 30};
static bool reads_only; /* --reads-only: no writes, GETs of accounts are not followed by a PATCH */

/* ---- latency samples ---- */

struct samples {
  double *ms;
  size_t n, cap;
  uint64_t count, limited, errors;
};
static struct samples stats[N_KINDS];

static void sample_add(struct samples *s, double ms) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4096;
    s->ms = realloc(s->ms, s->cap * sizeof *s->ms);
    if (!s->ms) abort();
  }
  s->ms[s->n++] = ms;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const struct samples *s, double p) {
  if (!s->n) return 0;
  size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
  return s->ms[i];
}

/* ---- errors ---- */

static uint64_t total_errors, total_limited;
static char first_errors[5][300];
static int n_first_errors;

static void error_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void error_note(const char *fmt, ...) {
  if (n_first_errors >= 5) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(first_errors[n_first_errors++], sizeof first_errors[0], fmt, ap);
  va_end(ap);
}

/* ---- the data the mix works on ---- */

static struct pd_test_server srv; /* instance 0 (seeded); set-up and checks go here */
enum { MAX_INSTANCES = 16 };
static struct pd_test_server more[MAX_INSTANCES]; /* instances 1.. on the same database */
static int n_instances = 1;
static const char *instance_url(int i) { return i % n_instances == 0 ? srv.url : more[i % n_instances].url; }
static char (*accounts)[32];
static char (*emails)[64];
static size_t n_accounts;
/* accounts without open requests: only ever written by the connection that
 * owns them (notes go to seeded open requests and touch their accounts) */
static char (*ownable)[32];
static size_t n_ownable;
static char (*open_requests)[32];
static size_t n_open;
static const char *tokens[4];

static uint64_t rng_state;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- one connection ---- */

struct conn {
  int id;
  CURL *easy;
  struct curl_slist *headers;
  char url[600], body[400], hdr_auth[200], hdr_if_match[96];
  char *resp;
  size_t resp_len, resp_cap;
  char etag[64];
  enum kind kind;
  double started;
  /* what this connection owns: accounts id, id + N, ...; the requests it created */
  char reading_own[32];                         /* the own account this GET reads, or "" */
  char pending_account[32], pending_etag[64]; /* a GET account whose PATCH comes next */
  bool pending_analytics;                       /* its analytics_enabled: the PATCH flips it */
  char own_request[32], own_etag[64];
  int own_request_step; /* 0 none, 1 new, 2 verifying */
  const char *token;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  struct conn *c = ud;
  size_t len = size * n;
  if (c->resp_len + len + 1 > c->resp_cap) {
    c->resp_cap = (c->resp_len + len + 1) * 2;
    c->resp = realloc(c->resp, c->resp_cap);
    if (!c->resp) return 0;
  }
  memcpy(c->resp + c->resp_len, p, len);
  c->resp_len += len;
  c->resp[c->resp_len] = '\0';
  return len;
}

static size_t on_header(char *b, size_t size, size_t n, void *ud) {
  struct conn *c = ud;
  size_t len = size * n;
  if (len > 5 && strncasecmp(b, "ETag:", 5) == 0) {
    const char *v = b + 5;
    size_t vl = len - 5;
    while (vl && *v == ' ') v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n')) vl--;
    if (vl >= sizeof c->etag) vl = sizeof c->etag - 1;
    memcpy(c->etag, v, vl);
    c->etag[vl] = '\0';
  }
  return len;
}

static enum kind pick_kind(struct conn *c) {
  if (c->pending_account[0]) return K_PATCH;
  int total = 0;
  for (int k = 0; k < N_KINDS; k++) total += weights[k];
  int r = (int)(rnd() % (uint64_t)total);
  for (int k = 0; k < N_KINDS; k++) {
    if (r < weights[k]) {
      if (k == K_TRANSITION && c->own_request_step == 0) return K_CREATE;
      if (k == K_CREATE && c->own_request_step != 0) return K_TRANSITION;
      return (enum kind)k;
    }
    r -= weights[k];
  }
  return K_QUEUE;
}

/* An account this connection owns (for writes): index = id (mod connections). */
static int n_conns;
static const char *own_account(struct conn *c) {
  size_t per = n_ownable / (size_t)n_conns;
  size_t i = (size_t)c->id + (size_t)n_conns * (size_t)(rnd() % (per ? per : 1));
  return ownable[i % n_ownable];
}

static void start(CURLM *m, struct conn *c) {
  c->kind = pick_kind(c);
  c->resp_len = 0;
  c->etag[0] = '\0';
  c->body[0] = '\0';
  c->hdr_if_match[0] = '\0';
  const char *method = "GET";
  const char *base = instance_url(c->id);
  size_t ai = (size_t)(rnd() % n_accounts);
  switch (c->kind) {
  case K_QUEUE: snprintf(c->url, sizeof c->url, "%s/v1/requests?status=open&limit=50", base); break;
  case K_MINE: snprintf(c->url, sizeof c->url, "%s/v1/requests?assignee=me&status=open&sort=-due_at", base); break;
  case K_SEARCH: {
    char prefix[8];
    snprintf(prefix, sizeof prefix, "%.3s", emails[ai]);
    snprintf(c->url, sizeof c->url, "%s/v1/accounts?q=%s&limit=20", base, prefix);
    break;
  }
  case K_ACCOUNT: {
    /* half the time one of our own: its PATCH follows */
    bool own = !reads_only && rnd() % 2 == 0;
    const char *id = own ? own_account(c) : accounts[ai];
    snprintf(c->url, sizeof c->url, "%s/v1/accounts/%s", base, id);
    snprintf(c->reading_own, sizeof c->reading_own, "%s", own ? id : "");
    break;
  }
  case K_INVENTORY: snprintf(c->url, sizeof c->url, "%s/v1/accounts/%s/inventory", base, accounts[ai]); break;
  case K_REQUEST:
    snprintf(c->url, sizeof c->url, "%s/v1/requests/%s", base, open_requests[rnd() % n_open]);
    break;
  case K_STATS: snprintf(c->url, sizeof c->url, "%s/v1/stats", base); break;
  case K_AUDIT: snprintf(c->url, sizeof c->url, "%s/v1/audit?limit=50", base); break;
  case K_NOTE:
    method = "POST";
    snprintf(c->url, sizeof c->url, "%s/v1/requests/%s/notes", base, open_requests[rnd() % n_open]);
    snprintf(c->body, sizeof c->body, "{\"text\": \"load test note from connection %d\"}", c->id);
    break;
  case K_PATCH:
    method = "PATCH";
    snprintf(c->url, sizeof c->url, "%s/v1/accounts/%s", base, c->pending_account);
    snprintf(c->hdr_if_match, sizeof c->hdr_if_match, "If-Match: %s", c->pending_etag);
    snprintf(c->body, sizeof c->body, "{\"analytics_enabled\": %s, \"reason\": \"load test\"}",
             c->pending_analytics ? "false" : "true"); /* a change: every PATCH writes */
    break;
  case K_CREATE:
    method = "POST";
    snprintf(c->url, sizeof c->url, "%s/v1/requests", base);
    snprintf(c->body, sizeof c->body, "{\"account_id\": \"%s\", \"type\": \"access\"}", own_account(c));
    break;
  case K_TRANSITION:
    method = "POST";
    snprintf(c->url, sizeof c->url, "%s/v1/requests/%s/transition", base, c->own_request);
    snprintf(c->hdr_if_match, sizeof c->hdr_if_match, "If-Match: %s", c->own_etag);
    snprintf(c->body, sizeof c->body, "{\"to\": \"%s\"}", c->own_request_step == 1 ? "verifying" : "in_progress");
    break;
  default: break;
  }
  curl_slist_free_all(c->headers);
  c->headers = curl_slist_append(NULL, c->hdr_auth);
  c->headers = curl_slist_append(c->headers, "Expect:");
  if (c->hdr_if_match[0]) c->headers = curl_slist_append(c->headers, c->hdr_if_match);
  if (c->body[0]) c->headers = curl_slist_append(c->headers, "Content-Type: application/json");
  curl_easy_setopt(c->easy, CURLOPT_URL, c->url);
  curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, c->headers);
  curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, strcmp(method, "GET") == 0 ? NULL : method);
  if (strcmp(method, "GET") == 0) {
    curl_easy_setopt(c->easy, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDS, c->body);
    curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(c->body));
    curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST, method);
  }
  c->started = now_ms();
  curl_multi_add_handle(m, c->easy);
}

/* Accounts for one finished call. */
static void finish(struct conn *c, CURLcode rc) {
  double ms = now_ms() - c->started;
  struct samples *s = &stats[c->kind];
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &status);
  s->count++;
  sample_add(s, ms);
  if (status == 429) {
    s->limited++;
    total_limited++;
    if (c->kind == K_PATCH) c->pending_account[0] = '\0';
    return;
  }
  bool ok = status == 200 || status == 201 || status == 304;
  if (!ok) {
    s->errors++;
    total_errors++;
    error_note("%s %s: HTTP %ld %s %.160s", kind_names[c->kind], c->url, status,
               rc == CURLE_OK ? "" : curl_easy_strerror(rc), c->resp ? c->resp : "");
    if (c->kind == K_PATCH) c->pending_account[0] = '\0';
    if (c->kind == K_CREATE || c->kind == K_TRANSITION) c->own_request_step = 0;
    return;
  }
  switch (c->kind) {
  case K_ACCOUNT:
    if (c->reading_own[0]) { /* its PATCH comes next, from what was read */
      snprintf(c->pending_account, sizeof c->pending_account, "%s", c->reading_own);
      snprintf(c->pending_etag, sizeof c->pending_etag, "%s", c->etag);
      json_t *j = json_loadb(c->resp, c->resp_len, 0, NULL);
      c->pending_analytics = json_is_true(json_object_get(j, "analytics_enabled"));
      json_decref(j);
    }
    break;
  case K_PATCH: c->pending_account[0] = '\0'; break;
  case K_CREATE: {
    json_t *j = json_loadb(c->resp, c->resp_len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));
    snprintf(c->own_request, sizeof c->own_request, "%s", id ? id : "");
    snprintf(c->own_etag, sizeof c->own_etag, "%s", c->etag);
    c->own_request_step = id ? 1 : 0;
    json_decref(j);
    break;
  }
  case K_TRANSITION:
    snprintf(c->own_etag, sizeof c->own_etag, "%s", c->etag);
    c->own_request_step = c->own_request_step == 1 ? 2 : 0; /* then a new request */
    break;
  default: break;
  }
}

/* ---- set-up: ids to work on ---- */

static json_t *get_json(CURL *h, const char *url, const char *token) {
  struct conn tmp = {0};
  char auth[200];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  struct curl_slist *hd = curl_slist_append(NULL, auth);
  curl_easy_reset(h);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &tmp);
  long status = 0;
  if (curl_easy_perform(h) == CURLE_OK) curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(hd);
  json_t *j = status == 200 && tmp.resp ? json_loadb(tmp.resp, tmp.resp_len, 0, NULL) : NULL;
  free(tmp.resp);
  return j;
}

static bool load_ids(void) {
  CURL *h = curl_easy_init();
  char url[1024], cursor[512] = "";
  size_t cap = 0;
  for (;;) {
    snprintf(url, sizeof url, "%s/v1/accounts?limit=200%s%s", srv.url, cursor[0] ? "&cursor=" : "", cursor);
    json_t *page = get_json(h, url, srv.viewer);
    if (!page) break;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(page, "items"), i, a) {
      if (strcmp(json_string_value(json_object_get(a, "status")), "erased") == 0) continue;
      if (n_accounts == cap) {
        cap = cap ? cap * 2 : 4096;
        accounts = realloc(accounts, cap * sizeof *accounts);
        emails = realloc(emails, cap * sizeof *emails);
      }
      snprintf(accounts[n_accounts], 32, "%s", json_string_value(json_object_get(a, "id")));
      snprintf(emails[n_accounts], 64, "%s", json_string_value(json_object_get(a, "email")));
      if (json_integer_value(json_object_get(a, "open_requests")) == 0) {
        ownable = realloc(ownable, cap * sizeof *ownable);
        snprintf(ownable[n_ownable++], 32, "%s", accounts[n_accounts]);
      }
      n_accounts++;
    }
    const char *next = json_string_value(json_object_get(page, "next_cursor"));
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    json_decref(page);
    if (!cursor[0]) break;
  }
  cap = 0;
  cursor[0] = '\0';
  for (;;) {
    snprintf(url, sizeof url, "%s/v1/requests?status=open&limit=200%s%s", srv.url, cursor[0] ? "&cursor=" : "",
             cursor);
    json_t *page = get_json(h, url, srv.viewer);
    if (!page) break;
    size_t i;
    json_t *q;
    json_array_foreach(json_object_get(page, "items"), i, q) {
      if (n_open == cap) {
        cap = cap ? cap * 2 : 1024;
        open_requests = realloc(open_requests, cap * sizeof *open_requests);
      }
      snprintf(open_requests[n_open++], 32, "%s", json_string_value(json_object_get(q, "id")));
    }
    const char *next = json_string_value(json_object_get(page, "next_cursor"));
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    json_decref(page);
    if (!cursor[0]) break;
  }
  curl_easy_cleanup(h);
  return n_accounts > 0 && n_open > 0 && n_ownable >= (size_t)n_conns;
}

static long long audit_entries(bool *ok) {
  CURL *h = curl_easy_init();
  char url[256];
  snprintf(url, sizeof url, "%s/v1/audit/verify", srv.url);
  json_t *v = get_json(h, url, srv.viewer);
  curl_easy_cleanup(h);
  *ok = v && json_is_true(json_object_get(v, "ok"));
  long long n = v ? (long long)json_integer_value(json_object_get(v, "entries")) : -1;
  json_decref(v);
  return n;
}

/* ---- main ---- */

int main(int argc, char **argv) {
  double duration = 60;
  int accounts_n = 20000, requests_n = 4000, rate = 0, threads = 0;
  unsigned seed = 1;
  bool tap = false;
  n_conns = 16;
  static const struct option opts[] = {{"duration", required_argument, 0, 'd'}, {"connections", required_argument, 0, 'c'},
                                       {"accounts", required_argument, 0, 'a'}, {"requests", required_argument, 0, 'r'},
                                       {"rate-limit", required_argument, 0, 'l'}, {"seed", required_argument, 0, 's'},
                                       {"threads", required_argument, 0, 'T'},   {"tap", no_argument, 0, 't'},
                                       {"reads-only", no_argument, 0, 'R'},
                                       {"store", required_argument, 0, 'S'}, {"instances", required_argument, 0, 'I'},
                                       {0, 0, 0, 0}};
  int o;
  while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (o) {
    case 'd': duration = atof(optarg); break;
    case 'c': n_conns = atoi(optarg); break;
    case 'a': accounts_n = atoi(optarg); break;
    case 'r': requests_n = atoi(optarg); break;
    case 'l': rate = atoi(optarg); break;
    case 's': seed = (unsigned)atoi(optarg); break;
    case 't': tap = true; break;
    case 'T': threads = atoi(optarg); break;
    case 'S':
      if (strcmp(optarg, "postgresql") == 0)
        setenv("PRIVDESK_TEST_STORE", "postgresql", 1);
      else if (strcmp(optarg, "sqlite") == 0)
        unsetenv("PRIVDESK_TEST_STORE");
      else
        return 2;
      break;
    case 'I': n_instances = atoi(optarg); break;
    case 'R':
      reads_only = true;
      for (int k = K_NOTE; k < N_KINDS; k++) weights[k] = 0;
      break;
    default:
      fprintf(stderr, "usage: %s [--duration S] [--connections N] [--accounts A] [--requests R] [--rate-limit L] "
                      "[--threads T] [--reads-only] [--seed S] [--store sqlite|postgresql] [--instances K] [--tap]\n",
              argv[0]);
      return 2;
    }
  }
  if (n_conns < 1 || n_conns > 512 || duration <= 0 || n_instances < 1 || n_instances > MAX_INSTANCES) return 2;
  if (n_instances > 1 && !pd_test_pg_wanted()) {
    fprintf(stderr, "%s: --instances > 1 needs --store postgresql (instances share a PostgreSQL database)\n", argv[0]);
    return 2;
  }
  rng_state = 0x9E3779B97F4A7C15ull ^ seed;
  if (tap) printf("1..4\n");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  double t_seed = now_ms();
  struct pd_test_server_opts so = {.seed_accounts = accounts_n, .seed_requests = requests_n, .seed = seed,
                                   .rate_limit = rate, .threads = threads};
  bool started = pd_test_server_start(&srv, &so) == 0;
  for (int k = 1; started && k < n_instances; k++) started = pd_test_server_start_instance(&more[k], &srv, NULL) == 0;
  if (!started || !load_ids()) {
    printf("%s - privdeskd seeded with %d accounts and %d requests started\n", tap ? "not ok 1" : "error:", accounts_n,
           requests_n);
    for (int k = 1; k < n_instances; k++) pd_test_server_stop(&more[k]);
    pd_test_server_stop(&srv);
    return 1;
  }
  char where[64] = "";
  if (pd_test_pg_wanted() || n_instances > 1)
    snprintf(where, sizeof where, " (%s, %d instance%s)", pd_test_store_name(), n_instances, n_instances > 1 ? "s" : "");
  if (tap)
    printf("ok 1 - privdeskd%s on %d accounts (%zu in the mix), %zu open requests, started in %.1f s\n", where,
           accounts_n, n_accounts, n_open, (now_ms() - t_seed) / 1e3);
  else
    fprintf(stderr, "privdeskd (%s, %d instance%s) seeded and started in %.1f s\n", pd_test_store_name(), n_instances,
            n_instances > 1 ? "s" : "", (now_ms() - t_seed) / 1e3);
  tokens[0] = srv.viewer, tokens[1] = srv.agent, tokens[2] = srv.agent2, tokens[3] = srv.supervisor;
  bool chain_ok;
  long long audit_before = audit_entries(&chain_ok);

  CURLM *m = curl_multi_init();
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)n_conns);
  struct conn *conns = calloc((size_t)n_conns, sizeof *conns);
  for (int i = 0; i < n_conns; i++) {
    struct conn *c = &conns[i];
    c->id = i;
    /* agents and the supervisor write; a viewer token would be refused (403) */
    c->token = tokens[1 + i % 3];
    snprintf(c->hdr_auth, sizeof c->hdr_auth, "Authorization: Bearer %s", c->token);
    c->easy = curl_easy_init();
    curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->easy, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->easy, CURLOPT_TCP_NODELAY, 1L);
    start(m, c);
  }
  double t0 = now_ms(), end = t0 + duration * 1e3;
  int running = n_conns;
  while (running > 0) {
    curl_multi_perform(m, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(m, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      struct conn *c;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
      CURLcode rc = msg->data.result;
      curl_multi_remove_handle(m, c->easy);
      finish(c, rc);
      if (now_ms() < end) {
        start(m, c);
        running++;
      }
    }
    if (running > 0) curl_multi_poll(m, NULL, 0, 100, NULL);
  }
  double elapsed = (now_ms() - t0) / 1e3;

  uint64_t calls = 0, writes_ok = 0;
  for (int k = 0; k < N_KINDS; k++) {
    calls += stats[k].count;
    if (is_write((enum kind)k)) writes_ok += stats[k].count - stats[k].errors - stats[k].limited;
    qsort(stats[k].ms, stats[k].n, sizeof *stats[k].ms, cmp_double);
  }
  /* the table */
  const char *pre = tap ? "# " : "";
  printf("%s| call | count | per s | p50 ms | p99 ms | max ms | 429 | errors |\n", pre);
  printf("%s|---|---|---|---|---|---|---|---|\n", pre);
  struct samples all = {0};
  for (int k = 0; k < N_KINDS; k++) {
    const struct samples *s = &stats[k];
    printf("%s| %s | %" PRIu64 " | %.0f | %.2f | %.2f | %.2f | %" PRIu64 " | %" PRIu64 " |\n", pre, kind_names[k],
           s->count, (double)s->count / elapsed, pct(s, 0.5), pct(s, 0.99), s->n ? s->ms[s->n - 1] : 0, s->limited,
           s->errors);
    for (size_t i = 0; i < s->n; i++) sample_add(&all, s->ms[i]);
  }
  qsort(all.ms, all.n, sizeof *all.ms, cmp_double);
  printf("%s| **all** | %" PRIu64 " | %.0f | %.2f | %.2f | %.2f | %" PRIu64 " | %" PRIu64 " |\n", pre, calls,
         (double)calls / elapsed, pct(&all, 0.5), pct(&all, 0.99), all.n ? all.ms[all.n - 1] : 0, total_limited,
         total_errors);
  free(all.ms);
  for (int i = 0; i < n_first_errors; i++) printf("%serror: %s\n", tap ? "# " : "", first_errors[i]);

  int rc = 0;
  bool errors_ok = total_errors == 0 && (rate > 0 || total_limited == 0);
  if (tap)
    printf("%s 2 - %.0f s, %d connections: %" PRIu64 " calls (%.0f/s), %" PRIu64 " answered 429, %" PRIu64
           " other errors\n",
           errors_ok ? "ok" : "not ok", elapsed, n_conns, calls, (double)calls / elapsed, total_limited, total_errors);
  else
    printf("%.1f s, %d connections: %" PRIu64 " calls (%.0f/s), %" PRIu64 " answered 429, %" PRIu64 " other errors\n",
           elapsed, n_conns, calls, (double)calls / elapsed, total_limited, total_errors);
  rc |= !errors_ok;
  /* still alive and healthy */
  bool alive = true;
  for (int k = 0; k < n_instances; k++) {
    CURL *h = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s/healthz", instance_url(k));
    json_t *hz = get_json(h, url, srv.viewer);
    curl_easy_cleanup(h);
    alive &= hz && strcmp(json_string_value(json_object_get(hz, "status")), "ok") == 0;
    json_decref(hz);
  }
  long long audit_after = audit_entries(&chain_ok);
  bool audit_ok = chain_ok && audit_after == audit_before + (long long)writes_ok;
  int reports = 0;
  for (int k = 1; k < n_instances; k++) {
    pd_test_server_kill(&more[k], false);
    reports += pd_test_server_sanitizer_reports(&more[k]);
    pd_test_server_stop(&more[k]);
  }
  pd_test_server_kill(&srv, false);
  reports += pd_test_server_sanitizer_reports(&srv);
  bool healthy = alive && reports == 0;
  if (tap) {
    printf("%s 3 - privdeskd alive and healthy after the run, no sanitizer report\n", healthy ? "ok" : "not ok");
    printf("%s 4 - every acknowledged write is in the audit log (%lld -> %lld, +%" PRIu64 "), the chain verifies\n",
           audit_ok ? "ok" : "not ok", audit_before, audit_after, writes_ok);
  } else if (!healthy || !audit_ok) {
    printf("error: server %s, %d sanitizer reports; audit %lld -> %lld for %" PRIu64 " writes, chain %s\n",
           alive ? "alive" : "dead", reports, audit_before, audit_after, writes_ok, chain_ok ? "ok" : "broken");
  }
  rc |= !healthy || !audit_ok;
  if (rc) srv.keep_dir = true;
  pd_test_server_stop(&srv);
  for (int i = 0; i < n_conns; i++) {
    curl_easy_cleanup(conns[i].easy);
    curl_slist_free_all(conns[i].headers);
    free(conns[i].resp);
  }
  free(conns);
  curl_multi_cleanup(m);
  for (int k = 0; k < N_KINDS; k++) free(stats[k].ms);
  free(accounts);
  free(emails);
  free(ownable);
  free(open_requests);
  curl_global_cleanup();
  return rc;
}
