/* Decoders: rights requests (item, detail with timeline, page): details and
 * result variants by type and status. */
#include <stdlib.h>
#include <string.h>

#include "api/decode_internal.h"

static const char *const event_names[PD_EVENT_KIND_COUNT] = {
#define PD_X(e, name) [e] = name,
    PD_EVENT_KINDS(PD_X)
#undef PD_X
};

const char *pd_event_kind_name(enum pd_event_kind k) {
  return (unsigned)k < PD_EVENT_KIND_COUNT ? event_names[k] : NULL;
}

int pd_event_kind_parse(const char *s) {
  for (int i = 0; s && i < PD_EVENT_KIND_COUNT; i++)
    if (strcmp(event_names[i], s) == 0) return i;
  return -1;
}

static int field_parse(const char *s) {
  return !s ? -1 : strcmp(s, "name") == 0 ? PD_FIELD_NAME : strcmp(s, "email") == 0 ? PD_FIELD_EMAIL : -1;
}

static int processing_parse(const char *s) {
  return !s                              ? -1
         : strcmp(s, "analytics") == 0   ? PD_PROCESSING_ANALYTICS
         : strcmp(s, "marketing") == 0   ? PD_PROCESSING_MARKETING
                                         : -1;
}

/* "details": an object for rectification and objection, null otherwise. */
static bool fill_details(struct pd_dec *d, json_t *o, struct pd_request *r) {
  bool wanted = r->type == PD_TYPE_RECTIFICATION || r->type == PD_TYPE_OBJECTION;
  json_t *v;
  if (!dec_object(d, o, "details", wanted ? 0 : DEC_NULLABLE, &v)) return false;
  if (!wanted) return v ? dec_fail(d, "details", "must be null for %s", pd_request_type_name(r->type)) : true;
  struct pd_request_details *x = &r->details;
  size_t mark = dec_push(d, "details");
  bool ok;
  if (r->type == PD_TYPE_RECTIFICATION) {
    x->kind = PD_DETAILS_RECTIFICATION;
    ok = DEC_ENUM(d, v, "field", 0, field_parse, &x->field) && dec_str(d, v, "value", DEC_TEXT, PD_TEXT_MAX, &x->value);
  } else {
    x->kind = PD_DETAILS_OBJECTION;
    ok = DEC_ENUM(d, v, "processing", 0, processing_parse, &x->processing);
  }
  if (ok) dec_pop(d, mark);
  return ok;
}

static bool fill_retained(struct pd_dec *d, json_t *o, void *out) {
  struct pd_retained *x = out;
  return DEC_ENUM(d, o, "key", 0, pd_category_parse, &x->key) &&
         dec_strings(d, o, "because", PD_SMALL_LIST_MAX, PD_SHORT_MAX, &x->because) &&
         dec_date(d, o, "until", DEC_NULLABLE, &x->until);
}

static bool fill_erasure_outcome(struct pd_dec *d, json_t *v, struct pd_outcome *x) {
  size_t n;
  json_t *arr;
  return dec_categories(d, v, "erased", &x->erasure.erased, &x->erasure.n_erased) &&
         (arr = dec_array(d, v, "retained", PD_CATEGORY_COUNT, &n)) &&
         dec_alloc(d, "retained", n, sizeof *x->erasure.retained, (void **)&x->erasure.retained) &&
         ((x->erasure.n_retained = n), true) &&
         dec_items(d, arr, "retained", x->erasure.retained, sizeof *x->erasure.retained, fill_retained) &&
         DEC_ENUM(d, v, "account_status", 0, pd_account_status_parse, &x->erasure.account_status);
}

/* "result": null while open; the variant of the type when completed; {reason} when rejected. */
static bool fill_outcome(struct pd_dec *d, json_t *o, struct pd_request *r) {
  bool open = pd_status_is_open(r->status);
  json_t *v;
  if (!dec_object(d, o, "result", open ? DEC_NULLABLE : 0, &v)) return false;
  if (open) return v ? dec_fail(d, "result", "must be null while the request is open") : true;
  struct pd_outcome *x = &r->result;
  size_t mark = dec_push(d, "result");
  bool ok = false;
  if (r->status == PD_ST_REJECTED) {
    x->kind = PD_OUTCOME_REJECTED;
    ok = dec_str(d, v, "reason", DEC_NONEMPTY | DEC_TEXT, PD_TEXT_MAX, &x->rejected.reason);
  } else if (r->type == PD_TYPE_ACCESS) {
    x->kind = PD_OUTCOME_ACCESS;
    ok = dec_str(d, v, "export", DEC_NONEMPTY, PD_SHORT_MAX, &x->access.export_path) &&
         dec_int(d, v, "categories", 0, PD_INT_MAX, &x->access.categories) &&
         dec_int(d, v, "bytes", 0, PD_INT_MAX, &x->access.bytes);
  } else if (r->type == PD_TYPE_RECTIFICATION) {
    x->kind = PD_OUTCOME_RECTIFICATION;
    ok = DEC_ENUM(d, v, "field", 0, field_parse, &x->rectification.field);
  } else if (r->type == PD_TYPE_OBJECTION) {
    x->kind = PD_OUTCOME_OBJECTION;
    ok = DEC_ENUM(d, v, "processing", 0, processing_parse, &x->objection.processing) &&
         dec_bool(d, v, "switched_off", &x->objection.switched_off);
  } else {
    x->kind = PD_OUTCOME_ERASURE;
    ok = fill_erasure_outcome(d, v, x);
  }
  if (ok) dec_pop(d, mark);
  return ok;
}

bool pd_fill_request(struct pd_dec *d, json_t *o, void *out) {
  struct pd_request *r = out;
  return dec_str(d, o, "id", DEC_ID, PD_ID_MAX, &r->id) &&
         dec_str(d, o, "account_id", DEC_ID, PD_ID_MAX, &r->account_id) &&
         dec_str(d, o, "account_email", DEC_NONEMPTY, PD_EMAIL_MAX, &r->account_email) &&
         dec_str(d, o, "account_name", DEC_TEXT, PD_TEXT_MAX, &r->account_name) &&
         DEC_ENUM(d, o, "type", 0, pd_request_type_parse, &r->type) &&
         DEC_ENUM(d, o, "regime", 0, pd_regime_parse, &r->regime) &&
         DEC_ENUM(d, o, "status", 0, pd_status_parse, &r->status) &&
         DEC_ENUM(d, o, "priority", 0, pd_priority_parse, &r->priority) &&
         dec_time(d, o, "received_at", 0, &r->received_at) && dec_time(d, o, "due_at", 0, &r->due_at) &&
         dec_bool(d, o, "extended", &r->extended) &&
         dec_str(d, o, "extension_reason", DEC_NULLABLE | DEC_TEXT, PD_TEXT_MAX, &r->extension_reason) &&
         dec_str(d, o, "assignee", DEC_NULLABLE | DEC_NONEMPTY, PD_USER_MAX, &r->assignee) &&
         dec_bool(d, o, "identity_verified", &r->identity_verified) &&
         dec_str(d, o, "identity_method", DEC_NULLABLE, PD_SHORT_MAX, &r->identity_method) &&
         dec_time(d, o, "acknowledged_at", DEC_NULLABLE, &r->acknowledged_at) &&
         dec_time(d, o, "ack_due_at", DEC_NULLABLE, &r->ack_due_at) &&
         dec_time(d, o, "status_since", 0, &r->status_since) && fill_details(d, o, r) &&
         fill_outcome(d, o, r) && dec_int(d, o, "version", 0, PD_INT_MAX, &r->version) &&
         dec_time(d, o, "updated_at", 0, &r->updated_at);
}

static bool fill_event(struct pd_dec *d, json_t *o, void *out) {
  struct pd_event *e = out;
  e->from = e->to = -1;
  if (!(dec_time(d, o, "at", 0, &e->at) && dec_str(d, o, "actor", DEC_NONEMPTY, PD_USER_MAX, &e->actor) &&
        DEC_ENUM(d, o, "kind", 0, pd_event_kind_parse, &e->kind) &&
        dec_str(d, o, "text", DEC_NULLABLE | DEC_TEXT, PD_TEXT_MAX, &e->text)))
    return false;
  unsigned need = e->kind == PD_EV_TRANSITION ? 0 : DEC_OPTIONAL;
  if (!DEC_ENUM(d, o, "from", need, pd_status_parse, &e->from) ||
      !DEC_ENUM(d, o, "to", need, pd_status_parse, &e->to))
    return false;
  if (e->kind == PD_EV_ASSIGNED || json_object_get(o, "assignee")) {
    e->has_assignee = true;
    return dec_str(d, o, "assignee", DEC_NULLABLE | DEC_NONEMPTY, PD_USER_MAX, &e->assignee);
  }
  return true;
}

bool pd_fill_request_detail(struct pd_dec *d, json_t *o, void *out) {
  struct pd_request *r = out;
  size_t n;
  json_t *arr;
  return pd_fill_request(d, o, r) && (arr = dec_array(d, o, "timeline", PD_TIMELINE_MAX, &n)) &&
         dec_alloc(d, "timeline", n, sizeof *r->timeline, (void **)&r->timeline) &&
         ((r->n_timeline = n), (r->has_timeline = true)) &&
         dec_items(d, arr, "timeline", r->timeline, sizeof *r->timeline, fill_event);
}

bool pd_fill_request_page(struct pd_dec *d, json_t *o, void *out) {
  struct pd_request_page *p = out;
  size_t n;
  json_t *items;
  return (items = dec_array(d, o, "items", PD_PAGE_MAX, &n)) &&
         dec_alloc(d, "items", n, sizeof *p->items, (void **)&p->items) && ((p->count = n), true) &&
         dec_items(d, items, "items", p->items, sizeof *p->items, pd_fill_request) &&
         pd_fill_cursor(d, o, &p->next_cursor);
}

void pd_request_clear(struct pd_request *r) {
  free(r->id);
  free(r->account_id);
  free(r->account_email);
  free(r->account_name);
  free(r->extension_reason);
  free(r->assignee);
  free(r->identity_method);
  free(r->details.value);
  free(r->result.access.export_path);
  free(r->result.erasure.erased);
  for (size_t i = 0; i < r->result.erasure.n_retained; i++) pd_strings_clear(&r->result.erasure.retained[i].because);
  free(r->result.erasure.retained);
  free(r->result.rejected.reason);
  for (size_t i = 0; i < r->n_timeline; i++) {
    free(r->timeline[i].actor);
    free(r->timeline[i].text);
    free(r->timeline[i].assignee);
  }
  free(r->timeline);
  memset(r, 0, sizeof *r);
}

void pd_request_free(struct pd_request *r) {
  if (!r) return;
  pd_request_clear(r);
  free(r);
}

void pd_request_page_free(struct pd_request_page *p) {
  if (!p) return;
  for (size_t i = 0; i < p->count; i++) pd_request_clear(&p->items[i]);
  free(p->items);
  free(p->next_cursor);
  free(p);
}
