#include "tests/reliability/rclient.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

void rc_global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

void rc_init(struct rc *c, const char *base_url) {
  memset(c, 0, sizeof *c);
  c->curl = curl_easy_init();
  snprintf(c->base, sizeof c->base, "%s", base_url);
}

void rc_cleanup(struct rc *c) {
  if (c->curl) curl_easy_cleanup(c->curl);
  c->curl = NULL;
}

void rc_reset(struct rc *c) {
  if (c->curl) curl_easy_cleanup(c->curl);
  c->curl = curl_easy_init();
}

void rc_resp_free(struct rc_resp *r) {
  free(r->body);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

struct sink {
  char *p;
  size_t len, cap;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud) {
  struct sink *s = ud;
  size_t n = size * nmemb;
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + n + 1) cap *= 2;
    char *g = realloc(s->p, cap);
    if (!g) return 0;
    s->p = g;
    s->cap = cap;
  }
  memcpy(s->p + s->len, ptr, n);
  s->len += n;
  s->p[s->len] = '\0';
  return n;
}

static void header_value(char *dst, size_t dstsz, const char *v, size_t n) {
  while (n && (*v == ' ' || *v == '\t')) v++, n--;
  while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) n--;
  if (n >= dstsz) n = dstsz - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud) {
  struct rc_resp *r = ud;
  size_t n = size * nitems;
  const char *colon = memchr(buf, ':', n);
  if (!colon) return n;
  size_t name = (size_t)(colon - buf);
  const char *v = colon + 1;
  size_t vlen = n - name - 1;
  if (name == 4 && strncasecmp(buf, "ETag", 4) == 0) header_value(r->etag, sizeof r->etag, v, vlen);
  if (name == 8 && strncasecmp(buf, "Location", 8) == 0) header_value(r->location, sizeof r->location, v, vlen);
  if (name == 19 && strncasecmp(buf, "Idempotent-Replayed", 19) == 0)
    header_value(r->replayed, sizeof r->replayed, v, vlen);
  if (name == 11 && strncasecmp(buf, "Retry-After", 11) == 0)
    header_value(r->retry_after, sizeof r->retry_after, v, vlen);
  return n;
}

long rc_do(struct rc *c, const struct rc_req *rq, struct rc_resp *out) {
  memset(out, 0, sizeof *out);
  CURL *h = c->curl;
  curl_easy_reset(h);
  char url[1024], line[512];
  snprintf(url, sizeof url, "%s%s", c->base, rq->path);
  struct curl_slist *hd = NULL;
  if (rq->auth) {
    snprintf(line, sizeof line, "Authorization: %s", rq->auth);
    hd = curl_slist_append(hd, line);
  } else if (rq->token) {
    snprintf(line, sizeof line, "Authorization: Bearer %s", rq->token);
    hd = curl_slist_append(hd, line);
  }
  if (rq->if_match) {
    snprintf(line, sizeof line, "If-Match: %s", rq->if_match);
    hd = curl_slist_append(hd, line);
  }
  if (rq->if_none_match) {
    snprintf(line, sizeof line, "If-None-Match: %s", rq->if_none_match);
    hd = curl_slist_append(hd, line);
  }
  if (rq->idem_key) {
    snprintf(line, sizeof line, "Idempotency-Key: %s", rq->idem_key);
    hd = curl_slist_append(hd, line);
  }
  hd = curl_slist_append(hd, rq->body ? "Content-Type: application/json" : "Content-Type:");
  hd = curl_slist_append(hd, "Expect:");
  struct sink s = {0};
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, rq->method);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms ? c->timeout_ms : 30000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (strcmp(rq->method, "GET") == 0) {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    const char *b = rq->body ? rq->body : "";
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, b);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(b));
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
  } else {
    out->status = 0;
    snprintf(out->error, sizeof out->error, "%s", curl_easy_strerror(rc));
  }
  curl_slist_free_all(hd);
  out->body = s.p ? s.p : calloc(1, 1);
  out->body_len = s.len;
  if (out->body_len && out->status) out->json = json_loadb(out->body, out->body_len, 0, NULL);
  return out->status;
}

long rc_get(struct rc *c, const char *token, const char *path, struct rc_resp *out) {
  return rc_do(c, &(struct rc_req){.method = "GET", .path = path, .token = token}, out);
}

long rc_send(struct rc *c, const char *method, const char *token, const char *path, const char *if_match,
             const char *idem_key, const char *body, struct rc_resp *out) {
  return rc_do(c,
               &(struct rc_req){.method = method, .path = path, .token = token, .body = body, .if_match = if_match,
                                .idem_key = idem_key},
               out);
}

const char *rj_str(const json_t *o, const char *key) {
  return json_is_object(o) ? json_string_value(json_object_get(o, key)) : NULL;
}

long long rj_int(const json_t *o, const char *key) {
  return json_is_object(o) ? (long long)json_integer_value(json_object_get(o, key)) : 0;
}

double rc_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void rc_sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}
