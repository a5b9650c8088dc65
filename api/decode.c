/* Decoders: the entry point (pd_decode), me, stats, erasure preview, audit,
 * export bundle, health; and pd_value_free. */
#include "api/decode.h"

#include <stdlib.h>
#include <string.h>

#include "api/decode_internal.h"

bool pd_fill_me(struct pd_dec *d, json_t *o, void *out) {
  struct pd_me *m = out;
  return dec_str(d, o, "user", DEC_NONEMPTY, PD_USER_MAX, &m->user) &&
         DEC_ENUM(d, o, "role", 0, pd_role_parse, &m->role) && dec_time(d, o, "server_time", 0, &m->server_time);
}

static bool fill_bucket(struct pd_dec *d, json_t *o, void *out) {
  struct pd_days_left *b = out;
  return dec_str(d, o, "bucket", DEC_NONEMPTY, PD_ID_MAX, &b->bucket) &&
         dec_int(d, o, "count", 0, PD_INT_MAX, &b->count);
}

/* The counts of open (or closed) statuses inside "open" (or "closed"). */
static bool fill_status_counts(struct pd_dec *d, json_t *o, const char *key, bool open, int64_t *counts) {
  json_t *v;
  if (!dec_object(d, o, key, 0, &v)) return false;
  size_t mark = dec_push(d, key);
  for (int st = 0; st < PD_STATUS_COUNT; st++)
    if (pd_status_is_open((enum pd_status)st) == open &&
        !dec_int(d, v, pd_status_name((enum pd_status)st), 0, PD_INT_MAX, &counts[st]))
      return false;
  dec_pop(d, mark);
  return true;
}

bool pd_fill_stats(struct pd_dec *d, json_t *o, void *out) {
  struct pd_stats *s = out;
  size_t n;
  json_t *arr;
  return fill_status_counts(d, o, "open", true, s->by_status) &&
         fill_status_counts(d, o, "closed", false, s->by_status) &&
         dec_int(d, o, "open_total", 0, PD_INT_MAX, &s->open_total) &&
         dec_int(d, o, "overdue", 0, PD_INT_MAX, &s->overdue) &&
         dec_int(d, o, "due_within_7_days", 0, PD_INT_MAX, &s->due_within_7_days) &&
         dec_int(d, o, "urgent", 0, PD_INT_MAX, &s->urgent) &&
         dec_int(d, o, "unassigned", 0, PD_INT_MAX, &s->unassigned) &&
         dec_int(d, o, "mine", 0, PD_INT_MAX, &s->mine) &&
         (arr = dec_array(d, o, "by_days_left", PD_SMALL_LIST_MAX, &n)) &&
         dec_alloc(d, "by_days_left", n, sizeof *s->by_days_left, (void **)&s->by_days_left) &&
         ((s->n_by_days_left = n), true) &&
         dec_items(d, arr, "by_days_left", s->by_days_left, sizeof *s->by_days_left, fill_bucket) &&
         dec_time(d, o, "generated_at", 0, &s->generated_at);
}

static bool fill_erase_item(struct pd_dec *d, json_t *o, void *out) {
  struct pd_preview_item *x = out;
  x->until = PD_TIME_NONE;
  return DEC_ENUM(d, o, "key", 0, pd_category_parse, &x->key) &&
         dec_str(d, o, "label", DEC_NONEMPTY, PD_SHORT_MAX, &x->label) &&
         dec_int(d, o, "records", 0, PD_INT_MAX, &x->records) && dec_int(d, o, "bytes", 0, PD_INT_MAX, &x->bytes);
}

static bool fill_retain_item(struct pd_dec *d, json_t *o, void *out) {
  struct pd_preview_item *x = out;
  return fill_erase_item(d, o, out) &&
         dec_strings(d, o, "because", PD_SMALL_LIST_MAX, PD_SHORT_MAX, &x->because) &&
         dec_date(d, o, "until", DEC_NULLABLE, &x->until);
}

bool pd_fill_erasure_preview(struct pd_dec *d, json_t *o, void *out) {
  struct pd_erasure_preview *p = out;
  size_t ne, nr;
  json_t *erase, *retain;
  return dec_str(d, o, "request_id", DEC_ID, PD_ID_MAX, &p->request_id) &&
         dec_str(d, o, "account_id", DEC_ID, PD_ID_MAX, &p->account_id) &&
         dec_str(d, o, "confirm", DEC_NONEMPTY, PD_EMAIL_MAX, &p->confirm) &&
         (erase = dec_array(d, o, "erase", PD_CATEGORY_COUNT, &ne)) &&
         dec_alloc(d, "erase", ne, sizeof *p->erase, (void **)&p->erase) && ((p->n_erase = ne), true) &&
         dec_items(d, erase, "erase", p->erase, sizeof *p->erase, fill_erase_item) &&
         (retain = dec_array(d, o, "retain", PD_CATEGORY_COUNT, &nr)) &&
         dec_alloc(d, "retain", nr, sizeof *p->retain, (void **)&p->retain) && ((p->n_retain = nr), true) &&
         dec_items(d, retain, "retain", p->retain, sizeof *p->retain, fill_retain_item) &&
         DEC_ENUM(d, o, "account_status_after", 0, pd_account_status_parse, &p->account_status_after) &&
         dec_bool(d, o, "blocked", &p->blocked);
}

static bool fill_audit_entry(struct pd_dec *d, json_t *o, void *out) {
  struct pd_audit_entry *e = out;
  json_t *details;
  if (!(dec_int(d, o, "seq", 1, PD_INT_MAX, &e->seq) && dec_time(d, o, "at", 0, &e->at) &&
        dec_str(d, o, "actor", DEC_NONEMPTY, PD_USER_MAX, &e->actor) &&
        dec_str(d, o, "action", DEC_NONEMPTY, PD_ID_MAX, &e->action) &&
        dec_str(d, o, "target", DEC_NULLABLE, PD_SHORT_MAX, &e->target) &&
        dec_str(d, o, "account_id", DEC_NULLABLE | DEC_ID, PD_ID_MAX, &e->account_id) &&
        dec_object(d, o, "details", 0, &details) && dec_hash(d, o, "prev_hash", 0, e->prev_hash) &&
        dec_hash(d, o, "hash", 0, e->hash)))
    return false;
  e->details_json = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
  return e->details_json ? true : dec_fail(d, "details", "out of memory");
}

bool pd_fill_audit_page(struct pd_dec *d, json_t *o, void *out) {
  struct pd_audit_page *p = out;
  size_t n;
  json_t *items;
  return (items = dec_array(d, o, "items", PD_PAGE_MAX, &n)) &&
         dec_alloc(d, "items", n, sizeof *p->items, (void **)&p->items) && ((p->count = n), true) &&
         dec_items(d, items, "items", p->items, sizeof *p->items, fill_audit_entry) &&
         pd_fill_cursor(d, o, &p->next_cursor);
}

bool pd_fill_audit_verify(struct pd_dec *d, json_t *o, void *out) {
  struct pd_audit_verify *v = out;
  if (!(dec_bool(d, o, "ok", &v->ok) && dec_int(d, o, "entries", 0, PD_INT_MAX, &v->entries) &&
        dec_hash(d, o, "head", DEC_NULLABLE, v->head)))
    return false;
  if (v->ok) return true;
  return dec_int(d, o, "first_bad_seq", 1, PD_INT_MAX, &v->first_bad_seq);
}

/* The export bundle is kept as text; the envelope is checked. */
static bool fill_export(struct pd_dec *d, json_t *o, const char *buf, size_t len, struct pd_export *e) {
  const char *fmt = json_string_value(json_object_get(o, "format"));
  json_t *v;
  int64_t t;
  size_t n;
  if (!dec_str(d, o, "request_id", DEC_ID, PD_ID_MAX, &e->request_id)) return false;
  if (!fmt) return dec_fail(d, "format", json_object_get(o, "format") ? "expected a string" : "missing");
  if (strcmp(fmt, "privdesk-export/1") != 0) return dec_fail(d, "format", "unknown format \"%.40s\"", fmt);
  if (!(dec_time(d, o, "generated_at", 0, &t) && dec_object(d, o, "account", 0, &v) &&
        dec_array(d, o, "categories", PD_SMALL_LIST_MAX, &n) && dec_array(d, o, "requests", SIZE_MAX, &n) &&
        dec_object(d, o, "consents", 0, &v)))
    return false;
  if (!(e->json = malloc(len + 1))) return dec_fail(d, NULL, "out of memory");
  memcpy(e->json, buf, len);
  e->json[len] = '\0';
  e->len = len;
  return true;
}

static bool fill_health(struct pd_dec *d, json_t *o) {
  const char *s = json_string_value(json_object_get(o, "status"));
  if (!s) return dec_fail(d, "status", json_object_get(o, "status") ? "expected a string" : "missing");
  return strcmp(s, "ok") == 0 ? true : dec_fail(d, "status", "not \"ok\"");
}

void pd_me_free(struct pd_me *me) {
  if (!me) return;
  free(me->user);
  free(me);
}

void pd_stats_free(struct pd_stats *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n_by_days_left; i++) free(s->by_days_left[i].bucket);
  free(s->by_days_left);
  free(s);
}

static void preview_items_free(struct pd_preview_item *items, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(items[i].label);
    pd_strings_clear(&items[i].because);
  }
  free(items);
}

void pd_erasure_preview_free(struct pd_erasure_preview *p) {
  if (!p) return;
  free(p->request_id);
  free(p->account_id);
  free(p->confirm);
  preview_items_free(p->erase, p->n_erase);
  preview_items_free(p->retain, p->n_retain);
  free(p);
}

void pd_audit_page_free(struct pd_audit_page *p) {
  if (!p) return;
  for (size_t i = 0; i < p->count; i++) {
    free(p->items[i].actor);
    free(p->items[i].action);
    free(p->items[i].target);
    free(p->items[i].account_id);
    free(p->items[i].details_json);
  }
  free(p->items);
  free(p->next_cursor);
  free(p);
}

void pd_audit_verify_free(struct pd_audit_verify *v) { free(v); }

void pd_export_free(struct pd_export *e) {
  if (!e) return;
  free(e->json);
  free(e->request_id);
  free(e);
}

static const char *const kind_names[PD_VALUE_COUNT] = {
    [PD_VALUE_NONE] = "none",
#define PD_X(e, name, type) [e] = #name,
    PD_VALUE_KINDS(PD_X)
#undef PD_X
    [PD_VALUE_HEALTH] = "health",
};

static const size_t kind_sizes[PD_VALUE_COUNT] = {
#define PD_X(e, name, type) [e] = sizeof(type),
    PD_VALUE_KINDS(PD_X)
#undef PD_X
};

static bool (*const kind_fills[PD_VALUE_COUNT])(struct pd_dec *, json_t *, void *) = {
    [PD_VALUE_ME] = pd_fill_me,
    [PD_VALUE_STATS] = pd_fill_stats,
    [PD_VALUE_ACCOUNT_PAGE] = pd_fill_account_page,
    [PD_VALUE_ACCOUNT_DETAIL] = pd_fill_account_detail,
    [PD_VALUE_INVENTORY] = pd_fill_inventory,
    [PD_VALUE_REQUEST_PAGE] = pd_fill_request_page,
    [PD_VALUE_REQUEST] = pd_fill_request_detail,
    [PD_VALUE_ERASURE_PREVIEW] = pd_fill_erasure_preview,
    [PD_VALUE_HOLD] = pd_fill_hold,
    [PD_VALUE_HOLD_PAGE] = pd_fill_hold_page,
    [PD_VALUE_AUDIT_PAGE] = pd_fill_audit_page,
    [PD_VALUE_AUDIT_VERIFY] = pd_fill_audit_verify,
};

const char *pd_value_kind_name(enum pd_value_kind k) {
  return (unsigned)k < PD_VALUE_COUNT ? kind_names[k] : "?";
}

void pd_value_free(enum pd_value_kind kind, void *value) {
  if (!value) return;
  switch (kind) {
#define PD_X(e, name, type)        \
  case e:                          \
    pd_##name##_free(value);       \
    break;
    PD_VALUE_KINDS(PD_X)
#undef PD_X
  default: break;
  }
}

int pd_decode(enum pd_value_kind kind, const char *buf, size_t len, void **out, struct pd_error *err) {
  struct pd_dec d;
  dec_init(&d, err);
  *out = NULL;
  if ((unsigned)kind >= PD_VALUE_COUNT || kind == PD_VALUE_NONE) {
    pd_error_set(err, PD_E_LOCAL, "no decoder for value kind %d", (int)kind);
    return -1;
  }
  json_t *root = dec_parse(&d, buf, len);
  if (!root) return -1;
  bool ok;
  void *v = NULL;
  if (kind == PD_VALUE_HEALTH) {
    ok = fill_health(&d, root);
  } else if (!(v = calloc(1, kind_sizes[kind]))) {
    ok = dec_fail(&d, NULL, "out of memory");
  } else if (kind == PD_VALUE_EXPORT) {
    ok = fill_export(&d, root, buf, len, v);
  } else {
    ok = kind_fills[kind](&d, root, v);
  }
  json_decref(root);
  if (!ok) {
    pd_value_free(kind, v);
    return -1;
  }
  *out = v;
  return 0;
}
