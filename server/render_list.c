#include "server/render_list.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server/domain/dates.h"
#include "server/render.h"

struct jw {
  char *data;
  size_t len, cap;
  bool oom;
};

static bool jw_reserve(struct jw *w, size_t more) {
  if (w->oom) return false;
  if (w->len + more <= w->cap) return true;
  size_t cap = w->cap ? w->cap : 4096;
  while (cap < w->len + more) cap *= 2;
  char *p = realloc(w->data, cap);
  if (!p) {
    w->oom = true;
    return false;
  }
  w->data = p;
  w->cap = cap;
  return true;
}

static void jw_raw(struct jw *w, const char *s, size_t n) {
  if (!jw_reserve(w, n)) return;
  memcpy(w->data + w->len, s, n);
  w->len += n;
}

#define JW_LIT(w, lit) jw_raw((w), (lit), sizeof(lit) - 1)

/* The length of the UTF-8 sequence at p (before end), or 0 when jansson's
 * utf8_check_first/utf8_check_full would refuse it: stray continuation
 * bytes, overlong forms, surrogates, code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end) {
  unsigned u = p[0];
  size_t n;
  unsigned value;
  if (u < 0x80) return 1;
  if (u < 0xC2) return 0;
  if (u <= 0xDF) {
    n = 2;
    value = u & 0x1F;
  } else if (u <= 0xEF) {
    n = 3;
    value = u & 0x0F;
  } else if (u <= 0xF4) {
    n = 4;
    value = u & 0x07;
  } else {
    return 0;
  }
  if ((size_t)(end - p) < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    value = (value << 6) | (p[i] & 0x3F);
  }
  if (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  if ((n == 3 && value < 0x800) || (n == 4 && value < 0x10000)) return 0;
  return n;
}

/* A JSON string as jansson's dump_string writes it without JSON_ENSURE_ASCII
 * or JSON_ESCAPE_SLASH. False for NULL or invalid UTF-8, where json_string
 * (and so json_pack "s") fails. */
static bool jw_string(struct jw *w, const char *s) {
  if (!s) return false;
  size_t n = strlen(s);
  if (!jw_reserve(w, 6 * n + 2)) return false;
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  char *o = w->data + w->len;
  *o++ = '"';
  while (p < end) {
    unsigned c = *p;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      *o++ = (char)c;
      p++;
    } else if (c >= 0x80) {
      size_t k = utf8_seq(p, end);
      if (!k) return false; /* w->len is untouched: nothing was appended */
      memcpy(o, p, k);
      o += k;
      p += k;
    } else {
      *o++ = '\\';
      switch (c) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '\b': *o++ = 'b'; break;
      case '\f': *o++ = 'f'; break;
      case '\n': *o++ = 'n'; break;
      case '\r': *o++ = 'r'; break;
      case '\t': *o++ = 't'; break;
      default:
        memcpy(o, "u00", 3);
        o[3] = hex[c >> 4];
        o[4] = hex[c & 0xF];
        o += 5;
      }
      p++;
    }
  }
  *o++ = '"';
  w->len = (size_t)(o - w->data);
  return true;
}

/* Keys are literals that need no escaping, written with their separators. */
#define JW_KEY(w, k) JW_LIT((w), ",\"" k "\":")
#define JW_FIRST_KEY(w, k) JW_LIT((w), "{\"" k "\":")

static void jw_int(struct jw *w, int64_t v) {
  char buf[24], *e = buf + sizeof buf, *p = e;
  /* unsigned arithmetic so that INT64_MIN negates cleanly */
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  jw_raw(w, p, (size_t)(e - p));
}

static void jw_bool(struct jw *w, bool b) {
  if (b)
    JW_LIT(w, "true");
  else
    JW_LIT(w, "false");
}

/* json_time: an RFC 3339 string, null for 0 (always ASCII, nothing to escape). */
static void jw_time(struct jw *w, int64_t t) {
  if (!t) {
    JW_LIT(w, "null");
    return;
  }
  char buf[PD_RFC3339_LEN];
  pd_format_time(t, buf);
  JW_LIT(w, "\"");
  jw_raw(w, buf, strlen(buf));
  JW_LIT(w, "\"");
}

/* json_text: a string, or null for NULL. */
static bool jw_text(struct jw *w, const char *s) {
  if (!s) {
    JW_LIT(w, "null");
    return true;
  }
  return jw_string(w, s);
}

/* Stored JSON text goes through json_stored and jansson's own dump: the text
 * is a compact dump when this server wrote it, but a row edited by hand, a
 * real number or a \u escape would come out differently if copied. */
static bool jw_stored(struct jw *w, const char *text) {
  if (!text) {
    JW_LIT(w, "null");
    return true;
  }
  json_t *v = json_stored(text);
  size_t room = w->cap - w->len;
  size_t need = json_dumpb(v, w->data + w->len, room, JSON_COMPACT | JSON_ENCODE_ANY);
  if (need > room) {
    if (!jw_reserve(w, need)) {
      json_decref(v);
      return false;
    }
    need = json_dumpb(v, w->data + w->len, need, JSON_COMPACT | JSON_ENCODE_ANY);
  }
  json_decref(v);
  if (!need) return false;
  w->len += need;
  return true;
}

/* Same keys, order and forms as render_account. */
static bool jw_account(struct jw *w, const struct st_account *a) {
  bool ok = true;
  JW_FIRST_KEY(w, "id");
  ok = ok && jw_string(w, a->id);
  JW_KEY(w, "email");
  ok = ok && jw_string(w, a->email);
  JW_KEY(w, "name");
  ok = ok && jw_string(w, a->name);
  JW_KEY(w, "status");
  ok = ok && jw_string(w, pd_account_status_name(a->status));
  JW_KEY(w, "jurisdiction");
  ok = ok && jw_string(w, pd_jurisdiction_name(a->jurisdiction));
  JW_KEY(w, "created_at");
  jw_time(w, a->created_at);
  JW_KEY(w, "closed_at");
  jw_time(w, a->closed_at);
  JW_KEY(w, "is_minor");
  jw_bool(w, a->is_minor);
  JW_KEY(w, "analytics_enabled");
  jw_bool(w, a->analytics_enabled);
  JW_KEY(w, "marketing_consent");
  jw_bool(w, a->marketing_consent);
  JW_KEY(w, "marketing_consent_at");
  jw_time(w, a->marketing_consent_at);
  JW_KEY(w, "active_holds");
  jw_int(w, a->active_holds);
  JW_KEY(w, "open_requests");
  jw_int(w, a->open_requests);
  JW_KEY(w, "version");
  jw_int(w, a->version);
  JW_KEY(w, "updated_at");
  jw_time(w, a->updated_at);
  JW_LIT(w, "}");
  return ok;
}

/* Same keys, order and forms as render_request. */
static bool jw_request(struct jw *w, const struct st_request *r) {
  bool ok = true;
  JW_FIRST_KEY(w, "id");
  ok = ok && jw_string(w, r->id);
  JW_KEY(w, "account_id");
  ok = ok && jw_string(w, r->account_id);
  JW_KEY(w, "account_email");
  ok = ok && jw_string(w, r->account_email ? r->account_email : "");
  JW_KEY(w, "account_name");
  ok = ok && jw_string(w, r->account_name ? r->account_name : "");
  JW_KEY(w, "type");
  ok = ok && jw_string(w, pd_request_type_name(r->type));
  JW_KEY(w, "regime");
  ok = ok && jw_string(w, pd_regime_name(r->regime));
  JW_KEY(w, "status");
  ok = ok && jw_string(w, pd_status_name(r->status));
  JW_KEY(w, "priority");
  ok = ok && jw_string(w, pd_priority_name(r->priority));
  JW_KEY(w, "received_at");
  jw_time(w, r->received_at);
  JW_KEY(w, "due_at");
  jw_time(w, r->due_at);
  JW_KEY(w, "extended");
  jw_bool(w, r->extended);
  JW_KEY(w, "extension_reason");
  ok = ok && jw_text(w, r->extension_reason);
  JW_KEY(w, "assignee");
  ok = ok && jw_text(w, r->assignee);
  JW_KEY(w, "identity_verified");
  jw_bool(w, r->identity_verified);
  JW_KEY(w, "identity_method");
  ok = ok && jw_text(w, r->identity_method);
  JW_KEY(w, "acknowledged_at");
  jw_time(w, r->acknowledged_at);
  JW_KEY(w, "ack_due_at");
  jw_time(w, r->ack_due_at);
  JW_KEY(w, "status_since");
  jw_time(w, r->status_since);
  JW_KEY(w, "details");
  ok = ok && jw_stored(w, r->details);
  JW_KEY(w, "result");
  ok = ok && jw_stored(w, r->result);
  JW_KEY(w, "version");
  jw_int(w, r->version);
  JW_KEY(w, "updated_at");
  jw_time(w, r->updated_at);
  JW_LIT(w, "}");
  return ok;
}

/* One page; row(w, item) writes an item and says whether it could. */
static char *render_page(const void *items, size_t item_size, int n, bool (*row)(struct jw *, const void *),
                         const char *next_cursor, size_t *len) {
  struct jw w = {0};
  jw_reserve(&w, (size_t)(n > 0 ? n : 0) * 640 + 64); /* a queue row is ~600 bytes */
  JW_LIT(&w, "{\"items\":[");
  bool first = true;
  for (int i = 0; i < n; i++) {
    size_t mark = w.len;
    if (!first) JW_LIT(&w, ",");
    if (row(&w, (const char *)items + (size_t)i * item_size))
      first = false;
    else if (!w.oom)
      w.len = mark; /* the row json_pack could not build is left out */
  }
  JW_LIT(&w, "],\"next_cursor\":");
  /* A cursor json_string refuses failed the whole json_pack of the page. */
  if (!jw_text(&w, next_cursor) || !jw_reserve(&w, 2)) {
    free(w.data);
    return NULL;
  }
  w.data[w.len++] = '}';
  w.data[w.len] = '\0';
  *len = w.len;
  return w.data;
}

static bool account_row(struct jw *w, const void *item) { return jw_account(w, item); }
static bool request_row(struct jw *w, const void *item) { return jw_request(w, item); }

char *render_accounts_page(const struct st_account *items, int n, const char *next_cursor, size_t *len) {
  return render_page(items, sizeof *items, n, account_row, next_cursor, len);
}

char *render_requests_page(const struct st_request *items, int n, const char *next_cursor, size_t *len) {
  return render_page(items, sizeof *items, n, request_row, next_cursor, len);
}

int reply_page(struct req *r, char *text, size_t len) {
  if (!text) return problem(r, PD_ERR_INTERNAL, "could not build the response");
  r->raw = arena_strndup(&r->arena, text, len);
  free(text);
  r->status = 200;
  r->content_type_out = "application/json";
  return 0;
}
