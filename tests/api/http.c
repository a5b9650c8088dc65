#include "tests/api/http.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <curl/curl.h>

static CURL *handle;
static char base_url[256];

void http_set_base(const char *url) { snprintf(base_url, sizeof base_url, "%s", url); }
const char *http_base(void) { return base_url; }

void http_cleanup(void) {
  if (handle) curl_easy_cleanup(handle);
  handle = NULL;
}

void hresp_free(struct hresp *r) {
  free(r->body);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

struct sink {
  char *data;
  size_t len, cap;
};

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata) {
  struct sink *s = userdata;
  size_t n = size * nmemb;
  if (s->len + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < s->len + n + 1) cap *= 2;
    char *grown = realloc(s->data, cap);
    if (!grown) return 0;
    s->data = grown;
    s->cap = cap;
  }
  memcpy(s->data + s->len, ptr, n);
  s->len += n;
  s->data[s->len] = '\0';
  return n;
}

static void copy_value(char *dst, size_t dstsz, const char *v, size_t n) {
  while (n && (*v == ' ' || *v == '\t')) v++, n--;
  while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')) n--;
  if (n >= dstsz) n = dstsz - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *userdata) {
  struct hresp *r = userdata;
  size_t n = size * nitems;
  if (n > 5 && strncmp(buf, "HTTP/", 5) == 0) { /* a new response (after 100 Continue): start over */
    r->etag[0] = r->location[0] = r->retry_after[0] = r->content_type[0] = r->replayed[0] = r->www_auth[0] =
        r->allow[0] = r->disposition[0] = '\0';
    return n;
  }
  const char *colon = memchr(buf, ':', n);
  if (!colon) return n;
  size_t name_len = (size_t)(colon - buf);
  const char *v = colon + 1;
  size_t vlen = n - name_len - 1;
  static const struct {
    const char *name;
    size_t off, sz;
  } wanted[] = {
      {"ETag", offsetof(struct hresp, etag), sizeof((struct hresp *)0)->etag},
      {"Location", offsetof(struct hresp, location), sizeof((struct hresp *)0)->location},
      {"Retry-After", offsetof(struct hresp, retry_after), sizeof((struct hresp *)0)->retry_after},
      {"Content-Type", offsetof(struct hresp, content_type), sizeof((struct hresp *)0)->content_type},
      {"Idempotent-Replayed", offsetof(struct hresp, replayed), sizeof((struct hresp *)0)->replayed},
      {"WWW-Authenticate", offsetof(struct hresp, www_auth), sizeof((struct hresp *)0)->www_auth},
      {"Allow", offsetof(struct hresp, allow), sizeof((struct hresp *)0)->allow},
      {"Content-Disposition", offsetof(struct hresp, disposition), sizeof((struct hresp *)0)->disposition},
  };
  for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
    if (strlen(wanted[i].name) == name_len && strncasecmp(buf, wanted[i].name, name_len) == 0)
      copy_value((char *)r + wanted[i].off, wanted[i].sz, v, vlen);
  return n;
}

struct upload {
  const char *data;
  size_t len, pos;
};

static size_t on_read(char *buf, size_t size, size_t nitems, void *userdata) {
  struct upload *u = userdata;
  size_t n = size * nitems;
  if (n > u->len - u->pos) n = u->len - u->pos;
  if (n > 16384) n = 16384; /* several chunks */
  memcpy(buf, u->data + u->pos, n);
  u->pos += n;
  return n;
}

long http_do(const struct hreq *rq, struct hresp *out) {
  memset(out, 0, sizeof *out);
  if (!handle) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    handle = curl_easy_init();
  }
  CURL *c = handle;
  curl_easy_reset(c);
  char url[8192];
  if (strncmp(rq->path, "http://", 7) == 0)
    snprintf(url, sizeof url, "%s", rq->path);
  else
    snprintf(url, sizeof url, "%s%s", base_url, rq->path);

  char *json_text = rq->json ? json_dumps(rq->json, JSON_COMPACT) : NULL;
  const char *body = json_text ? json_text : rq->body;
  size_t body_len = json_text ? strlen(json_text) : rq->body ? (rq->body_len ? rq->body_len : strlen(rq->body)) : 0;

  struct curl_slist *h = NULL;
  char line[8400];
  if (rq->auth) {
    snprintf(line, sizeof line, "Authorization: %s", rq->auth);
    h = curl_slist_append(h, line);
  } else if (rq->token) {
    snprintf(line, sizeof line, "Authorization: Bearer %s", rq->token);
    h = curl_slist_append(h, line);
  }
  if (body) {
    const char *ct = rq->content_type ? rq->content_type : "application/json";
    if (*ct) {
      snprintf(line, sizeof line, "Content-Type: %s", ct);
      h = curl_slist_append(h, line);
    } else {
      h = curl_slist_append(h, "Content-Type:"); /* curl would add a form type otherwise */
    }
  }
  if (rq->if_match) {
    snprintf(line, sizeof line, "If-Match: %s", rq->if_match);
    h = curl_slist_append(h, line);
  }
  if (rq->if_none_match) {
    snprintf(line, sizeof line, "If-None-Match: %s", rq->if_none_match);
    h = curl_slist_append(h, line);
  }
  if (rq->idem_key) {
    snprintf(line, sizeof line, "Idempotency-Key: %s", rq->idem_key);
    h = curl_slist_append(h, line);
  }
  h = curl_slist_append(h, "Expect:"); /* send bodies at once, no 100-continue round trip */

  struct sink sink = {0};
  struct upload up = {body, body_len, 0};
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* keep ../ for the traversal tests */
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (body && rq->chunked) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    h = curl_slist_append(h, "Transfer-Encoding: chunked");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
  } else if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  } else if (strcmp(rq->method, "POST") == 0 || strcmp(rq->method, "PATCH") == 0) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, ""); /* Content-Length: 0 */
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    h = curl_slist_append(h, "Content-Type:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  } else if (strcmp(rq->method, "GET") == 0) {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (strcmp(rq->method, "HEAD") == 0) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
  } else {
    snprintf(out->curl_error, sizeof out->curl_error, "%s", curl_easy_strerror(rc));
    out->status = 0;
  }
  curl_slist_free_all(h);
  free(json_text);
  out->body = sink.data ? sink.data : calloc(1, 1);
  out->body_len = sink.len;
  if (out->body_len) out->json = json_loadb(out->body, out->body_len, JSON_DECODE_ANY, NULL);
  return out->status;
}

static const char *vformat(char *buf, size_t n, const char *fmt, va_list ap) {
  vsnprintf(buf, n, fmt, ap);
  return buf;
}

long http_get(struct hresp *out, const char *token, const char *fmt, ...) {
  char path[4096];
  va_list ap;
  va_start(ap, fmt);
  vformat(path, sizeof path, fmt, ap);
  va_end(ap);
  return http_do(&(struct hreq){.method = "GET", .path = path, .token = token}, out);
}

long http_send(struct hresp *out, const char *method, const char *token, const char *if_match, json_t *body,
               const char *fmt, ...) {
  char path[4096];
  va_list ap;
  va_start(ap, fmt);
  vformat(path, sizeof path, fmt, ap);
  va_end(ap);
  long status = http_do(
      &(struct hreq){.method = method, .path = path, .token = token, .if_match = if_match, .json = body}, out);
  json_decref(body);
  return status;
}

const char *urlenc(const char *s) {
  static char ring[4][3 * 1024 + 1];
  static int next;
  char *out = ring[next++ % 4];
  static const char hex[] = "0123456789ABCDEF";
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && k + 4 < sizeof ring[0]; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
      out[k++] = (char)*p;
    } else {
      out[k++] = '%';
      out[k++] = hex[*p >> 4];
      out[k++] = hex[*p & 15];
    }
  }
  out[k] = '\0';
  return out;
}

json_t *jget(const json_t *o, const char *key) { return json_is_object(o) ? json_object_get(o, key) : NULL; }
const char *jstr(const json_t *o, const char *key) { return json_string_value(jget(o, key)); }
long long jint(const json_t *o, const char *key) { return (long long)json_integer_value(jget(o, key)); }
bool jbool(const json_t *o, const char *key) { return json_is_true(jget(o, key)); }

bool jarray_has(const json_t *a, const char *s) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
  return false;
}

void assert_status_at(const struct hresp *r, long status, const char *file, int line) {
  if (r->status == status) return;
  print_error("expected HTTP %ld, got %ld%s%s: %.600s\n", status, r->status, r->curl_error[0] ? " " : "",
              r->curl_error, r->body ? r->body : "");
  _fail(file, line);
}

void assert_problem_at(const struct hresp *r, long status, const char *code, const char *file, int line) {
  char type[96];
  snprintf(type, sizeof type, "urn:privdesk:problem:%s", code);
  const char *why = NULL;
  if (r->status != status)
    why = "status";
  else if (strncmp(r->content_type, "application/problem+json", 24) != 0)
    why = "Content-Type";
  else if (!json_is_object(r->json))
    why = "body is not a JSON object";
  else if (!jstr(r->json, "code") || strcmp(jstr(r->json, "code"), code) != 0)
    why = "code";
  else if (!jstr(r->json, "type") || strcmp(jstr(r->json, "type"), type) != 0)
    why = "type";
  else if (jint(r->json, "status") != status)
    why = "status field";
  else if (!jstr(r->json, "title") || !jstr(r->json, "detail"))
    why = "title/detail";
  if (!why) return;
  print_error("expected problem %ld %s; %s differs: got HTTP %ld, Content-Type \"%s\", body %.600s\n", status, code,
              why, r->status, r->content_type, r->body ? r->body : "");
  _fail(file, line);
}
