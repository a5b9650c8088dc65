/* Server-side latency of every kind of read privdeskd serves, at scale.
 *
 * One client, one kept-alive connection, calls in sequence (so the server is
 * never queueing: what is measured is the work of one call). Each kind of
 * call (account by id, e-mail prefix, name search, request by id, inventory,
 * stats, and the queue page for every filter x every sort, first page and a
 * later page through a cursor) runs --iterations times, interleaved round
 * by round so that machine noise spreads over all kinds alike.
 *
 * The server's own time comes from its access log: privdeskd writes one
 * line per request with "ms", measured from the first byte of the request
 * to the last of the response handed to the socket. With one connection in
 * sequence the log lines come in the order of the calls, so line i is call
 * i (the path of each line is checked against the call's). The client's
 * round trip is reported beside it. Every call sends Cache-Control:
 * no-cache, so that the server does the work rather than reuse an answer.
 *
 * Usage: bench/latency --url URL --token-file FILE --log ACCESS_LOG
 *                      [--iterations N] [--only TEXT] [--warmup N]
 * Prints a Markdown table (kind, calls, server p50/p99/max, client p50/p99,
 * bytes, target, met) on stdout; progress on stderr. Exit status 0 when
 * every targeted kind meets its target, 1 when one misses, 2 on errors.
 * Used by bench/latency.sh (docs/PERFORMANCE.md). */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

/* ---- samples ---- */

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* p in [0, 1] of a sorted array (nearest rank) */
static double pct(const double *v, size_t n, double p) {
  if (!n) return 0;
  size_t i = (size_t)(p * (double)n + 0.999999);
  if (i < 1) i = 1;
  if (i > n) i = n;
  return v[i - 1];
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("latency: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

/* ---- HTTP ---- */

static CURL *easy;
static struct curl_slist *headers;
static const char *base_url;
static char *resp;
static size_t resp_len, resp_cap;

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  (void)ud;
  size_t len = size * n;
  if (resp_len + len + 1 > resp_cap) {
    resp_cap = (resp_len + len + 1) * 2;
    resp = realloc(resp, resp_cap);
    if (!resp) die("out of memory");
  }
  memcpy(resp + resp_len, p, len);
  resp_len += len;
  resp[resp_len] = '\0';
  return len;
}

/* GET base_url + path; returns the status (0 on a transport error). */
static long get(const char *path, double *ms) {
  char url[2048];
  snprintf(url, sizeof url, "%s%s", base_url, path);
  resp_len = 0;
  if (resp) resp[0] = '\0';
  curl_easy_setopt(easy, CURLOPT_URL, url);
  double t0 = now_ms();
  CURLcode rc = curl_easy_perform(easy);
  if (ms) *ms = now_ms() - t0;
  long status = 0;
  if (rc == CURLE_OK) curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

static json_t *get_json(const char *path) {
  long status = get(path, NULL);
  if (status != 200) die("GET %s: HTTP %ld %.200s", path, status, resp ? resp : "");
  json_t *j = json_loadb(resp, resp_len, 0, NULL);
  if (!j) die("GET %s: not JSON", path);
  return j;
}

static void url_escape(const char *in, char *out, size_t outsz) {
  char *e = curl_easy_escape(easy, in, 0);
  snprintf(out, outsz, "%s", e ? e : "");
  curl_free(e);
}

/* ---- sample data, read through the API ---- */

enum { POOL = 400 };
static char acc_ids[POOL][32], acc_emails[POOL][160], acc_names[POOL][160], req_ids[POOL][32];
static size_t n_acc, n_req;
static char name_parts[POOL][16];
static size_t n_name_parts;

static void add_account(json_t *a) {
  const char *id = json_string_value(json_object_get(a, "id"));
  const char *email = json_string_value(json_object_get(a, "email"));
  const char *name = json_string_value(json_object_get(a, "name"));
  if (!id || !email || !name || n_acc >= POOL) return;
  snprintf(acc_ids[n_acc], sizeof acc_ids[0], "%s", id);
  snprintf(acc_emails[n_acc], sizeof acc_emails[0], "%s", email);
  snprintf(acc_names[n_acc], sizeof acc_names[0], "%s", name);
  n_acc++;
}

/* Accounts spread over the alphabet (two-letter e-mail prefixes, which are
 * served by the e-mail index alone), open requests from the queue. */
static void collect_samples(void) {
  for (int i = 0; i < 200 && n_acc < POOL; i++) {
    char path[128];
    snprintf(path, sizeof path, "/v1/accounts?q=%c%c&limit=5", 'a' + (int)(rnd() % 26), 'a' + (int)(rnd() % 26));
    json_t *j = get_json(path);
    size_t k;
    json_t *a;
    json_array_foreach(json_object_get(j, "items"), k, a) if (k < 2) add_account(a);
    json_decref(j);
  }
  static const char *const sorts[] = {"due_at", "-due_at", "received_at", "-received_at"};
  for (int s = 0; s < 4; s++) {
    char path[128];
    snprintf(path, sizeof path, "/v1/requests?limit=100&sort=%s", sorts[s]);
    json_t *j = get_json(path);
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(j, "items"), k, r) {
      const char *id = json_string_value(json_object_get(r, "id"));
      if (id && n_req < POOL) snprintf(req_ids[n_req++], sizeof req_ids[0], "%s", id);
      /* the accounts of requests, too: spread like the requests */
      const char *aid = json_string_value(json_object_get(r, "account_id"));
      const char *email = json_string_value(json_object_get(r, "account_email"));
      const char *name = json_string_value(json_object_get(r, "account_name"));
      if (aid && email && name && n_acc < POOL && k % 2 == 0) {
        snprintf(acc_ids[n_acc], sizeof acc_ids[0], "%s", aid);
        snprintf(acc_emails[n_acc], sizeof acc_emails[0], "%s", email);
        snprintf(acc_names[n_acc], sizeof acc_names[0], "%s", name);
        n_acc++;
      }
    }
    json_decref(j);
  }
  if (n_req < 20 || n_acc < 20) die("too few requests (%zu) or accounts (%zu): is the database seeded?", n_req, n_acc);
  /* name substrings of 4 letters, from the middle of a word (what an agent
   * remembers of a name), ASCII only */
  for (size_t i = 0; i < n_acc && n_name_parts < POOL; i++) {
    const char *n = acc_names[i];
    size_t len = strlen(n);
    for (size_t off = 1; off + 4 <= len; off += 3) {
      bool ok = true;
      for (size_t k = 0; k < 4; k++) {
        char c = n[off + k];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ok = false;
      }
      if (ok) {
        snprintf(name_parts[n_name_parts++], sizeof name_parts[0], "%.4s", n + off);
        break;
      }
    }
  }
  if (!n_name_parts) snprintf(name_parts[n_name_parts++], sizeof name_parts[0], "mari");
}

/* ---- kinds ---- */

enum gen { G_FIXED, G_ACCOUNT, G_EMAIL_PREFIX, G_EMAIL_SHORT, G_EMAIL_FIRST, G_NAME, G_REQUEST, G_INVENTORY,
           G_Q_EMAIL, G_Q_EMAIL_FIRST, G_Q_REQ, G_Q_ACC, G_ACCOUNT_ID };

struct kind {
  char label[160];
  char path[512];  /* G_FIXED: the path; queue kinds: the query without the cursor */
  enum gen gen;
  bool queue, cursor;
  double target_ms; /* 0: reported, no target */
  /* cursor kinds: later pages gathered in the warm-up */
  char **cursors;
  size_t n_cursors;
  /* results */
  double *server, *client;
  size_t n;
  long bytes_sum;
  int errors;
  bool skipped;
};

static struct kind *kinds;
static size_t n_kinds, cap_kinds;

static struct kind *kind_add(const char *label, enum gen gen, const char *path, double target) {
  if (n_kinds == cap_kinds) {
    cap_kinds = cap_kinds ? cap_kinds * 2 : 64;
    kinds = realloc(kinds, cap_kinds * sizeof *kinds);
    if (!kinds) die("out of memory");
  }
  struct kind *k = &kinds[n_kinds++];
  memset(k, 0, sizeof *k);
  snprintf(k->label, sizeof k->label, "%s", label);
  snprintf(k->path, sizeof k->path, "%s", path ? path : "");
  k->gen = gen;
  k->target_ms = target;
  return k;
}

/* The path of one call of kind k (random parameters drawn here). */
static void make_path(struct kind *k, char *out, size_t outsz) {
  char esc[256], prefix[160];
  size_t a = (size_t)(rnd() % n_acc), r = (size_t)(rnd() % n_req);
  switch (k->gen) {
  case G_FIXED: snprintf(out, outsz, "%s", k->path); return;
  case G_ACCOUNT: snprintf(out, outsz, "/v1/accounts/%s", acc_ids[a]); return;
  case G_INVENTORY: snprintf(out, outsz, "/v1/accounts/%s/inventory", acc_ids[a]); return;
  case G_REQUEST: snprintf(out, outsz, "/v1/requests/%s", req_ids[r]); return;
  case G_EMAIL_PREFIX: {
    /* the local part up to and including its first '.', plus 1 to 6 more
     * characters (an agent typing the address a customer wrote from) */
    const char *e = acc_emails[a], *dot = strchr(e, '.'), *at = strchr(e, '@');
    size_t n = dot && (!at || dot < at) ? (size_t)(dot - e) + 1 : 3;
    n += 1 + (size_t)(rnd() % 6);
    if (n > strlen(e)) n = strlen(e);
    snprintf(prefix, sizeof prefix, "%.*s", (int)n, e);
    url_escape(prefix, esc, sizeof esc);
    snprintf(out, outsz, "/v1/accounts?q=%s&limit=50", esc);
    return;
  }
  case G_EMAIL_FIRST: {
    /* 3 to 8 characters of the local part, before its first '.': what an
     * agent types first ("luk", "lukas"). Such a prefix is also a substring
     * of many names, so the name search runs beside the e-mail range. */
    const char *e = acc_emails[a], *dot = strchr(e, '.'), *at = strchr(e, '@');
    const char *end = dot && (!at || dot < at) ? dot : at ? at : e + strlen(e);
    size_t n = 3 + (size_t)(rnd() % 6);
    if (n > (size_t)(end - e)) n = (size_t)(end - e);
    snprintf(prefix, sizeof prefix, "%.*s", (int)n, e);
    url_escape(prefix, esc, sizeof esc);
    snprintf(out, outsz, "/v1/accounts?q=%s&limit=50", esc);
    return;
  }
  case G_EMAIL_SHORT:
    snprintf(prefix, sizeof prefix, "%.2s", acc_emails[a]);
    url_escape(prefix, esc, sizeof esc);
    snprintf(out, outsz, "/v1/accounts?q=%s&limit=50", esc);
    return;
  case G_NAME:
    url_escape(name_parts[rnd() % n_name_parts], esc, sizeof esc);
    snprintf(out, outsz, "/v1/accounts?q=%s&limit=50", esc);
    return;
  case G_Q_EMAIL: {
    const char *e = acc_emails[a], *dot = strchr(e, '.');
    size_t n = dot ? (size_t)(dot - e) + 2 : 4;
    snprintf(prefix, sizeof prefix, "%.*s", (int)n, e);
    url_escape(prefix, esc, sizeof esc);
    snprintf(out, outsz, "%s&q=%s", k->path, esc);
    return;
  }
  case G_Q_EMAIL_FIRST: {
    /* 3 to 8 characters before the first '.': thousands of accounts at a million */
    const char *e = acc_emails[a], *dot = strchr(e, '.'), *at = strchr(e, '@');
    const char *end = dot && (!at || dot < at) ? dot : at ? at : e + strlen(e);
    size_t n = 3 + (size_t)(rnd() % 6);
    if (n > (size_t)(end - e)) n = (size_t)(end - e);
    snprintf(prefix, sizeof prefix, "%.*s", (int)n, e);
    url_escape(prefix, esc, sizeof esc);
    snprintf(out, outsz, "%s&q=%s", k->path, esc);
    return;
  }
  case G_Q_REQ: snprintf(out, outsz, "%s&q=%s", k->path, req_ids[r]); return;
  case G_Q_ACC: snprintf(out, outsz, "%s&q=%s", k->path, acc_ids[a]); return;
  case G_ACCOUNT_ID: snprintf(out, outsz, "%s&account_id=%s", k->path, acc_ids[a]); return;
  }
}

static const char *const sorts[] = {"due_at", "-due_at", "received_at", "-received_at"};

/* Every filter the queue supports, alone and as the console's presets. */
static void add_queue_kinds(void) {
  char due_before[16];
  time_t week = time(NULL) + 7 * 86400;
  strftime(due_before, sizeof due_before, "%Y-%m-%d", gmtime(&week));
  struct {
    const char *label, *query;
    enum gen gen;
  } filters[] = {
    {"preset open", "status=open", G_FIXED},
    {"preset mine", "status=open&assignee=me", G_FIXED},
    {"preset unassigned", "status=open&assignee=none", G_FIXED},
    {"preset urgent", "status=open&priority=urgent", G_FIXED},
    {"preset overdue", "overdue=true", G_FIXED},
    {"preset closed", "status=closed", G_FIXED},
    {"preset all (no filter)", "", G_FIXED},
    {"status=new", "status=new", G_FIXED},
    {"status=verifying", "status=verifying", G_FIXED},
    {"status=in_progress", "status=in_progress", G_FIXED},
    {"status=waiting", "status=waiting", G_FIXED},
    {"status=completed", "status=completed", G_FIXED},
    {"status=rejected", "status=rejected", G_FIXED},
    {"status=new,waiting", "status=new,waiting", G_FIXED},
    {"type=access", "type=access", G_FIXED},
    {"type=erasure", "type=erasure", G_FIXED},
    {"type=rectification", "type=rectification", G_FIXED},
    {"type=objection", "type=objection", G_FIXED},
    {"type=erasure&status=open", "type=erasure&status=open", G_FIXED},
    {"assignee=me", "assignee=me", G_FIXED},
    {"assignee=none", "assignee=none", G_FIXED},
    {"assignee=bob", "assignee=bob", G_FIXED},
    {"priority=urgent", "priority=urgent", G_FIXED},
    {"priority=normal", "priority=normal", G_FIXED},
    {"overdue=false", "overdue=false", G_FIXED},
    {"due_before (+7 days)", NULL, G_FIXED},
    {"account_id", "", G_ACCOUNT_ID},
    {"q=e-mail prefix", "", G_Q_EMAIL},
    {"q=e-mail prefix before the dot", "", G_Q_EMAIL_FIRST},
    {"q=req_ id", "", G_Q_REQ},
    {"q=acc_ id", "", G_Q_ACC},
  };
  for (size_t f = 0; f < sizeof filters / sizeof *filters; f++)
    for (int s = 0; s < 4; s++)
      for (int c = 0; c < 2; c++) {
        char label[160], path[512], query[128];
        if (filters[f].query)
          snprintf(query, sizeof query, "%s", filters[f].query);
        else
          snprintf(query, sizeof query, "due_before=%s", due_before);
        snprintf(label, sizeof label, "queue %s, sort=%s, %s", filters[f].label, sorts[s],
                 c ? "later page" : "first page");
        snprintf(path, sizeof path, "/v1/requests?limit=50&sort=%s%s%s", sorts[s], query[0] ? "&" : "", query);
        struct kind *k = kind_add(label, filters[f].gen, path, 5.0);
        k->queue = true;
        k->cursor = c;
      }
}

static void add_kinds(void) {
  kind_add("account by id: GET /v1/accounts/{id}", G_ACCOUNT, NULL, 2.0);
  kind_add("account by e-mail prefix: GET /v1/accounts?q=<local part.x…>", G_EMAIL_PREFIX, NULL, 2.0);
  kind_add("account by 2-letter e-mail prefix: GET /v1/accounts?q=<2 chars>", G_EMAIL_SHORT, NULL, 2.0);
  kind_add("account by e-mail prefix before the dot (also a name substring): GET /v1/accounts?q=<3-8 chars>",
           G_EMAIL_FIRST, NULL, 2.0);
  kind_add("account name search: GET /v1/accounts?q=<4 letters of a name>", G_NAME, NULL, 0);
  kind_add("inventory: GET /v1/accounts/{id}/inventory", G_INVENTORY, NULL, 0);
  kind_add("request by id: GET /v1/requests/{id}", G_REQUEST, NULL, 0);
  kind_add("stats: GET /v1/stats", G_FIXED, "/v1/stats", 20.0);
  kind_add("accounts page: GET /v1/accounts?limit=50", G_FIXED, "/v1/accounts?limit=50", 0);
  kind_add("audit page: GET /v1/audit?limit=50", G_FIXED, "/v1/audit?limit=50", 0);
  add_queue_kinds();
}

/* Cursor kinds: walk a few pages from several first pages and keep the
 * cursors (pages 2 to 6). Kinds whose results fit one page are skipped. */
static void gather_cursors(struct kind *k) {
  for (int start = 0; start < (k->gen == G_FIXED ? 1 : 8); start++) {
    char path[1024];
    make_path(k, path, sizeof path);
    for (int page = 0; page < 5; page++) {
      json_t *j = get_json(path);
      const char *next = json_string_value(json_object_get(j, "next_cursor"));
      if (!next) {
        json_decref(j);
        break;
      }
      k->cursors = realloc(k->cursors, (k->n_cursors + 1) * sizeof *k->cursors);
      if (!k->cursors) die("out of memory");
      char esc[512], *q = strstr(path, "&cursor=");
      if (q) *q = '\0';
      url_escape(next, esc, sizeof esc);
      size_t len = strlen(path) + strlen(esc) + 16;
      k->cursors[k->n_cursors] = malloc(len);
      snprintf(k->cursors[k->n_cursors], len, "%s&cursor=%s", path, esc);
      snprintf(path, sizeof path, "%s", k->cursors[k->n_cursors]);
      k->n_cursors++;
      json_decref(j);
    }
  }
  if (!k->n_cursors) k->skipped = true;
}

/* ---- the access log ---- */


struct call {
  int kind;
  double client_ms;
  char path[96]; /* the path part, for checking against the log */
};

/* Reads the log lines written after offset and pairs them with calls. */
static void pair_log(const char *log, long offset, const struct call *calls, size_t n_calls) {
  FILE *f = fopen(log, "r");
  if (!f) die("cannot read %s", log);
  fseek(f, offset, SEEK_SET);
  char line[4096];
  size_t i = 0;
  while (fgets(line, sizeof line, f) && i < n_calls) {
    json_t *j = json_loads(line, 0, NULL);
    if (!j) continue;
    const char *path = json_string_value(json_object_get(j, "path"));
    double ms = json_number_value(json_object_get(j, "ms"));
    long status = (long)json_integer_value(json_object_get(j, "status"));
    long bytes = (long)json_integer_value(json_object_get(j, "bytes"));
    const struct call *c = &calls[i];
    if (!path || strcmp(path, c->path) != 0)
      die("access log line %zu is %s, expected %s: is another client using this server?", i, path ? path : "?",
          c->path);
    struct kind *k = &kinds[c->kind];
    if (status != 200) k->errors++;
    k->server[k->n] = ms;
    k->client[k->n] = c->client_ms;
    k->n++;
    k->bytes_sum += bytes;
    json_decref(j);
    i++;
  }
  fclose(f);
  if (i != n_calls) die("the access log has %zu lines for %zu calls", i, n_calls);
}

/* ---- main ---- */

static void usage(void) {
  fprintf(stderr, "usage: latency --url URL --token-file FILE --log ACCESS_LOG [--iterations N] [--only TEXT]"
                  " [--warmup N]\n");
  exit(2);
}

int main(int argc, char **argv) {
  const char *token_file = NULL, *log = NULL, *only = NULL;
  int iterations = 1000, warmup = 2;
  static const struct option opts[] = {{"url", required_argument, NULL, 'u'},
                                       {"token-file", required_argument, NULL, 't'},
                                       {"log", required_argument, NULL, 'l'},
                                       {"iterations", required_argument, NULL, 'n'},
                                       {"only", required_argument, NULL, 'o'},
                                       {"warmup", required_argument, NULL, 'w'},
                                       {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    switch (c) {
    case 'u': base_url = optarg; break;
    case 't': token_file = optarg; break;
    case 'l': log = optarg; break;
    case 'n': iterations = atoi(optarg); break;
    case 'o': only = optarg; break;
    case 'w': warmup = atoi(optarg); break;
    default: usage();
    }
  }
  if (!base_url || !token_file || !log || iterations < 1) usage();
  char token[256] = "";
  FILE *tf = fopen(token_file, "r");
  if (!tf || !fgets(token, sizeof token, tf)) die("cannot read the token from %s", token_file);
  fclose(tf);
  token[strcspn(token, "\r\n")] = '\0';

  curl_global_init(CURL_GLOBAL_DEFAULT);
  easy = curl_easy_init();
  char auth[320];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  headers = curl_slist_append(NULL, auth);
  /* The work of each call is what is measured: privdeskd's response cache
   * (docs/api.md "Cache-Control") would otherwise answer the repeats. */
  headers = curl_slist_append(headers, "Cache-Control: no-cache");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);

  collect_samples();
  add_kinds();
  /* --only keeps the kinds whose label contains the text */
  if (only) {
    size_t w = 0;
    for (size_t i = 0; i < n_kinds; i++)
      if (strstr(kinds[i].label, only)) kinds[w++] = kinds[i];
    n_kinds = w;
  }
  fprintf(stderr, "latency: %zu kinds, %d calls each, %zu accounts and %zu requests sampled\n", n_kinds, iterations,
          n_acc, n_req);
  for (size_t i = 0; i < n_kinds; i++)
    if (kinds[i].cursor) gather_cursors(&kinds[i]);

  /* warm-up rounds (not counted): the page cache, SQLite's cache, statements */
  char path[1024];
  for (int w = 0; w < warmup; w++)
    for (size_t i = 0; i < n_kinds; i++) {
      if (kinds[i].skipped) continue;
      if (kinds[i].cursor)
        snprintf(path, sizeof path, "%s", kinds[i].cursors[rnd() % kinds[i].n_cursors]);
      else
        make_path(&kinds[i], path, sizeof path);
      get(path, NULL);
    }

  size_t n_calls = 0, cap = (size_t)iterations * n_kinds;
  struct call *calls = calloc(cap, sizeof *calls);
  for (size_t i = 0; i < n_kinds; i++) {
    kinds[i].server = calloc((size_t)iterations, sizeof(double));
    kinds[i].client = calloc((size_t)iterations, sizeof(double));
    if (!kinds[i].server || !kinds[i].client) die("out of memory");
  }
  if (!calls) die("out of memory");
  /* privdeskd writes a request's log line when the response has gone out,
   * so the warm-up's last line may still be on its way: end the warm-up with
   * a call of its own and start counting after its line */
  long offset = -1;
  get("/v1/me", NULL);
  for (int tries = 0; tries < 500 && offset < 0; tries++) {
    FILE *f = fopen(log, "r");
    if (!f) die("no access log at %s", log);
    char line[4096], last[4096] = "";
    while (fgets(line, sizeof line, f)) snprintf(last, sizeof last, "%s", line);
    if (strstr(last, "\"path\":\"/v1/me\"")) offset = ftell(f);
    fclose(f);
    if (offset < 0) {
      struct timespec ts = {0, 10000000};
      nanosleep(&ts, NULL);
    }
  }
  if (offset < 0) die("the access log %s does not show the calls", log);
  double t0 = now_ms();
  for (int it = 0; it < iterations; it++) {
    for (size_t i = 0; i < n_kinds; i++) {
      struct kind *k = &kinds[i];
      if (k->skipped) continue;
      if (k->cursor)
        snprintf(path, sizeof path, "%s", k->cursors[(size_t)it % k->n_cursors]);
      else
        make_path(k, path, sizeof path);
      struct call *cl = &calls[n_calls++];
      cl->kind = (int)i;
      size_t plen = strcspn(path, "?");
      snprintf(cl->path, sizeof cl->path, "%.*s", (int)(plen < sizeof cl->path ? plen : sizeof cl->path - 1), path);
      long status = get(path, &cl->client_ms);
      if (status != 200) fprintf(stderr, "latency: GET %s: HTTP %ld %.200s\n", path, status, resp ? resp : "");
    }
    if ((it + 1) % 50 == 0 || it + 1 == iterations)
      fprintf(stderr, "latency: round %d of %d (%.0f s)\n", it + 1, iterations, (now_ms() - t0) / 1e3);
  }
  /* the last line may still be on its way to the log */
  for (int tries = 0; tries < 100; tries++) {
    FILE *f = fopen(log, "r");
    size_t lines = 0;
    if (f) {
      fseek(f, offset, SEEK_SET);
      int ch;
      while ((ch = fgetc(f)) != EOF) lines += ch == '\n';
      fclose(f);
    }
    if (lines >= n_calls) break;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  pair_log(log, offset, calls, n_calls);

  int missed = 0, errors = 0;
  printf("| kind | calls | server p50 ms | server p99 ms | server max ms | client p50 ms | client p99 ms |"
         " bytes | target | met |\n");
  printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < n_kinds; i++) {
    struct kind *k = &kinds[i];
    if (k->skipped) {
      printf("| %s | – | – | – | – | – | – | – | – | n/a: one page only |\n", k->label);
      continue;
    }
    qsort(k->server, k->n, sizeof(double), cmp_double);
    qsort(k->client, k->n, sizeof(double), cmp_double);
    double p99 = pct(k->server, k->n, 0.99);
    const char *met = "–";
    char target[32] = "–";
    if (k->target_ms > 0) {
      snprintf(target, sizeof target, "p99 < %g ms", k->target_ms);
      met = p99 < k->target_ms ? "yes" : "**no**";
      if (p99 >= k->target_ms) missed++;
    }
    errors += k->errors;
    printf("| %s | %zu | %.2f | %.2f | %.2f | %.2f | %.2f | %ld | %s | %s%s |\n", k->label, k->n,
           pct(k->server, k->n, 0.5), p99, k->n ? k->server[k->n - 1] : 0, pct(k->client, k->n, 0.5),
           pct(k->client, k->n, 0.99), k->n ? k->bytes_sum / (long)k->n : 0, target, met,
           k->errors ? " (errors!)" : "");
  }
  /* per target: how many kinds, how many met, the worst p99 (the kinds are sorted already) */
  printf("\n| target | kinds | met | missed | worst server p99 ms (kind) |\n|---|---|---|---|---|\n");
  const double targets[] = {2.0, 5.0, 20.0};
  for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
    int kinds_n = 0, met_n = 0;
    double worst = -1;
    const char *worst_label = "";
    for (size_t i = 0; i < n_kinds; i++) {
      struct kind *k = &kinds[i];
      if (k->skipped || k->target_ms != targets[t]) continue;
      double p99 = pct(k->server, k->n, 0.99);
      kinds_n++;
      met_n += p99 < k->target_ms;
      if (p99 > worst) {
        worst = p99;
        worst_label = k->label;
      }
    }
    if (kinds_n)
      printf("| p99 < %g ms | %d | %d | %d | %.2f (%s) |\n", targets[t], kinds_n, met_n, kinds_n - met_n, worst,
             worst_label);
  }
  fprintf(stderr, "latency: %zu calls in %.1f s; %d kinds miss their target; %d errors\n", n_calls,
          (now_ms() - t0) / 1e3, missed, errors);
  curl_slist_free_all(headers);
  curl_easy_cleanup(easy);
  curl_global_cleanup();
  return errors ? 2 : missed ? 1 : 0;
}
