#include "server/render.h"

#include <string.h>

#include "server/domain/dates.h"

json_t *json_time(int64_t t) {
  if (!t) return json_null();
  char buf[PD_RFC3339_LEN];
  return json_string(pd_format_time(t, buf));
}

json_t *json_date(int64_t t) {
  if (!t) return json_null();
  char buf[PD_DATE_LEN];
  return json_string(pd_format_date(pd_date_of(t), buf));
}

json_t *json_text(const char *s) { return s ? json_string(s) : json_null(); }

json_t *json_stored(const char *text) {
  if (!text) return json_null();
  json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
  return v ? v : json_null();
}

json_t *render_account(const struct st_account *a) {
  return json_pack("{ss ss ss ss ss so so sb sb sb so si si sI so}", "id", a->id, "email", a->email, "name",
                   a->name, "status", pd_account_status_name(a->status), "jurisdiction",
                   pd_jurisdiction_name(a->jurisdiction), "created_at", json_time(a->created_at), "closed_at",
                   json_time(a->closed_at), "is_minor", a->is_minor, "analytics_enabled", a->analytics_enabled,
                   "marketing_consent", a->marketing_consent, "marketing_consent_at",
                   json_time(a->marketing_consent_at), "active_holds", a->active_holds, "open_requests",
                   a->open_requests, "version", (json_int_t)a->version, "updated_at", json_time(a->updated_at));
}

json_t *render_request(const struct st_request *r) {
  json_t *o = json_pack("{ss ss ss ss ss ss ss ss so so sb so so sb so so so so}", "id", r->id, "account_id",
                        r->account_id, "account_email", r->account_email ? r->account_email : "", "account_name",
                        r->account_name ? r->account_name : "", "type", pd_request_type_name(r->type), "regime",
                        pd_regime_name(r->regime), "status", pd_status_name(r->status), "priority",
                        pd_priority_name(r->priority), "received_at", json_time(r->received_at), "due_at",
                        json_time(r->due_at), "extended", r->extended, "extension_reason",
                        json_text(r->extension_reason), "assignee", json_text(r->assignee), "identity_verified",
                        r->identity_verified, "identity_method", json_text(r->identity_method),
                        "acknowledged_at", json_time(r->acknowledged_at), "ack_due_at", json_time(r->ack_due_at),
                        "status_since", json_time(r->status_since));
  if (!o) return NULL;
  json_object_set_new(o, "details", json_stored(r->details));
  json_object_set_new(o, "result", json_stored(r->result));
  json_object_set_new(o, "version", json_integer(r->version));
  json_object_set_new(o, "updated_at", json_time(r->updated_at));
  return o;
}

json_t *render_timeline_event(const struct st_timeline_event *e) {
  json_t *o = json_pack("{so ss ss ss}", "at", json_time(e->at), "actor", e->actor, "kind", e->kind, "text",
                        e->text ? e->text : "");
  if (o && e->from) json_object_set_new(o, "from", json_string(e->from));
  if (o && e->to) json_object_set_new(o, "to", json_string(e->to));
  if (o && e->assignee) json_object_set_new(o, "assignee", json_string(e->assignee));
  if (o && strcmp(e->kind, "assigned") == 0 && !e->assignee) json_object_set_new(o, "assignee", json_null());
  return o;
}

json_t *render_hold(const struct st_hold *h) {
  return json_pack("{ss ss ss ss so ss so ss so so so sI}", "id", h->id, "account_id", h->account_id, "reason",
                   h->reason, "case_ref", h->case_ref, "categories", json_stored(h->categories), "placed_by",
                   h->placed_by, "placed_at", json_time(h->placed_at), "status", pd_hold_status_name(h->status),
                   "released_by", json_text(h->released_by), "released_at", json_time(h->released_at),
                   "release_reason", json_text(h->release_reason), "version", (json_int_t)h->version);
}

json_t *render_audit(const struct st_audit_entry *e) {
  return json_pack("{sI so ss ss ss so so ss ss}", "seq", (json_int_t)e->seq, "at", json_time(e->at), "actor",
                   e->actor, "action", e->action, "target", e->target, "account_id", json_text(e->account_id),
                   "details", json_stored(e->details), "prev_hash", e->prev_hash, "hash", e->hash);
}

bool hold_covers(const struct st_hold *h, enum pd_category c) {
  if (h->status != PD_HOLD_ACTIVE) return false;
  json_t *cats = json_stored(h->categories);
  bool covered = false;
  size_t i;
  json_t *v;
  json_array_foreach(cats, i, v) {
    const char *k = json_string_value(v);
    if (k && (strcmp(k, "*") == 0 || pd_category_parse(k) == (int)c)) covered = true;
  }
  json_decref(cats);
  return covered;
}

/* Splits "AWS, Google Cloud" into a JSON array. */
static json_t *split_list(const char *text) {
  json_t *a = json_array();
  const char *p = text;
  while (*p) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    json_array_append_new(a, json_stringn(p, n));
    if (!comma) break;
    p = comma + 1;
    while (*p == ' ') p++;
  }
  return a;
}

json_t *render_inventory_row(const struct st_inventory_row *row, const struct st_hold *holds, int n_holds,
                             int64_t now) {
  const struct pd_category_info *info = pd_category(row->category);
  /* What keeps the data now: active holds and unexpired legal retention. A row
   * retained by a hold that has since been released shows no reason, which is
   * exactly what tells an agent that a new erasure would remove it. */
  json_t *because = json_array();
  if (row->state != PD_INV_ERASED) {
    for (int i = 0; i < n_holds; i++)
      if (hold_covers(&holds[i], row->category))
        json_array_append_new(because, json_sprintf("hold:%s", holds[i].id));
    if (row->retained_until > now && row->records > 0) json_array_append_new(because, json_string("legal:tax"));
  }
  bool empty = row->records == 0;
  return json_pack("{ss ss ss sI sI so so so so ss ss so ss so}", "key", info->key, "group", info->group, "label",
                   info->label, "records", (json_int_t)row->records, "bytes", (json_int_t)row->bytes, "oldest",
                   empty ? json_null() : json_time(row->oldest), "newest", empty ? json_null() : json_time(row->newest),
                   "systems", split_list(info->systems), "recipients", split_list(info->recipients), "legal_basis",
                   info->legal_basis, "retention", info->retention, "retained_until",
                   json_date(row->retained_until), "state", pd_inventory_state_name(row->state),
                   "retained_because", because);
}
