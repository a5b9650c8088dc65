/* Completing a request, per type: access builds the export bundle,
 * rectification applies the change, objection switches processing off,
 * erasure runs the erasure plan (also shown beforehand by the preview). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server/domain/erasure.h"
#include "server/domain/lifecycle.h"
#include "server/export.h"
#include "server/json_in.h"
#include "server/render.h"
#include "server/routes.h"
#include "server/service.h"

struct erasure_view {
  struct st_account acc;
  struct st_inventory_row rows[PD_CATEGORY_COUNT];
  struct st_hold *holds;
  int n_holds;
  struct pd_plan_hold plan_holds[PD_MAX_HOLDS_PER_PLAN];
  struct pd_plan plan;
};

/* Reads the account, inventory and holds behind an erasure and computes its plan. */
static int plan_erasure(struct req *r, const struct st_request *q, struct erasure_view *v) {
  int rc = store_account_by_rowid(r->db, &r->arena, q->account_rowid, &v->acc);
  if (rc == ST_OK) rc = store_inventory_get(r->db, &r->arena, q->account_rowid, v->rows);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  if (active_holds(r, q->account_rowid, &v->holds, &v->n_holds)) return -1;
  if (v->n_holds > PD_MAX_HOLDS_PER_PLAN)
    return problem(r, PD_ERR_HOLD_ACTIVE, "the account has %d active holds; release some before erasing",
                   v->n_holds);
  for (int i = 0; i < v->n_holds; i++) {
    struct pd_plan_hold *h = &v->plan_holds[i];
    memset(h, 0, sizeof *h);
    snprintf(h->id, sizeof h->id, "%s", v->holds[i].id);
    json_t *cats = json_stored(v->holds[i].categories);
    const char *keys[PD_CATEGORY_COUNT + 1];
    int n = 0;
    size_t j;
    json_t *k;
    json_array_foreach(cats, j, k) if (n < PD_CATEGORY_COUNT + 1 && json_is_string(k)) keys[n++] = json_string_value(k);
    bool ok = pd_hold_categories_parse(keys, n, &h->all_categories, &h->category_mask);
    json_decref(cats);
    if (!ok) return problem(r, PD_ERR_INTERNAL, "hold %s has an unreadable category list", h->id);
  }
  struct pd_plan_input in[PD_CATEGORY_COUNT];
  for (int i = 0; i < PD_CATEGORY_COUNT; i++)
    in[i] = (struct pd_plan_input){.records = v->rows[i].records, .retained_until = v->rows[i].retained_until,
                                   .already_erased = v->rows[i].state == PD_INV_ERASED};
  if (!pd_erasure_plan(r->now, in, v->plan_holds, v->n_holds, &v->plan))
    return problem(r, PD_ERR_INTERNAL, "could not compute the erasure plan");
  return 0;
}

/* ["hold:hld_...", "legal:tax"] for a retained plan item. */
static json_t *retain_reasons(const struct erasure_view *v, const struct pd_plan_item *it) {
  json_t *because = json_array();
  for (int h = 0; h < it->n_holds; h++)
    json_array_append_new(because, json_sprintf("hold:%s", v->plan_holds[it->hold_index[h]].id));
  if (it->legal_tax) json_array_append_new(because, json_string("legal:tax"));
  return because;
}

int h_request_erasure_preview(struct req *r) {
  struct st_request q;
  if (load_request(r, &q)) return -1;
  if (q.type != PD_TYPE_ERASURE) return problem(r, PD_ERR_INVALID_INPUT, "this is not an erasure request");
  struct erasure_view v;
  if (plan_erasure(r, &q, &v)) return -1;
  json_t *erase = json_array(), *retain = json_array();
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    const struct pd_plan_item *it = &v.plan.items[i];
    const struct st_inventory_row *row = &v.rows[i];
    if (row->state == PD_INV_ERASED) continue;
    const struct pd_category_info *info = pd_category(it->category);
    json_t *o = json_pack("{ss ss sI sI}", "key", info->key, "label", info->label, "records", (json_int_t)row->records,
                          "bytes", (json_int_t)row->bytes);
    if (it->retain) {
      json_object_set_new(o, "because", retain_reasons(&v, it));
      json_object_set_new(o, "until", json_date(it->retained_until));
      json_array_append_new(retain, o);
    } else {
      json_array_append_new(erase, o);
    }
  }
  return reply_json(r, 200,
                    json_pack("{ss ss ss so so ss sb}", "request_id", q.id, "account_id", v.acc.id, "confirm",
                              v.acc.email, "erase", erase, "retain", retain, "account_status_after",
                              pd_account_status_name(v.plan.account_status_after), "blocked",
                              v.plan.everything_held));
}

static int complete_erasure(struct req *r, struct st_request *q, const char *confirm, json_t *details) {
  struct erasure_view v;
  if (plan_erasure(r, q, &v)) return -1;
  if (!confirm || strcasecmp(confirm, v.acc.email) != 0)
    return problem(r, PD_ERR_CONFIRMATION_MISMATCH,
                   "type the account's e-mail address exactly to confirm the erasure");
  if (v.plan.everything_held)
    return problem(r, PD_ERR_HOLD_ACTIVE, "active holds cover every category that still holds data; nothing can "
                                          "be erased until a hold is released");
  json_t *erased = json_array(), *retained = json_array();
  bool email_gone = false, profile_gone = false;
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    const struct pd_plan_item *it = &v.plan.items[i];
    struct st_inventory_row *row = &v.rows[i];
    if (row->state == PD_INV_ERASED) continue;
    const char *key = pd_category_key(it->category);
    if (it->retain) {
      json_t *because = retain_reasons(&v, it);
      row->state = PD_INV_RETAINED;
      row->retained_because = arena_json(r, json_incref(because));
      json_array_append_new(retained, json_pack("{ss so so}", "key", key, "because", because, "until",
                                                json_date(it->retained_until)));
    } else {
      *row = (struct st_inventory_row){.category = it->category, .state = PD_INV_ERASED};
      json_array_append_new(erased, json_string(key));
      email_gone |= it->category == PD_CAT_EMAIL;
      profile_gone |= it->category == PD_CAT_PROFILE;
      if (it->category == PD_CAT_MARKETING) v.acc.marketing_consent = false;
      if (it->category == PD_CAT_ANALYTICS) v.acc.analytics_enabled = false;
    }
    int rc = store_inventory_put(r->db, v.acc.rowid, row);
    if (rc != ST_OK) return store_problem(r, rc, "inventory");
  }
  if (email_gone) v.acc.email = arena_printf(&r->arena, "erased+%s@invalid", v.acc.id);
  if (profile_gone) v.acc.name = "";
  v.acc.status = v.plan.account_status_after;
  if (!v.acc.closed_at) v.acc.closed_at = r->now;
  v.acc.version++;
  v.acc.updated_at = r->now;
  int rc = store_account_update(r->db, &v.acc);
  if (rc == ST_OK && (email_gone || profile_gone)) {
    rc = store_requests_touch_account(r->db, v.acc.rowid, r->now);
    q->version++; /* the touch counted this request too */
  }
  if (rc != ST_OK) return store_problem(r, rc, "account");
  json_t *result = json_pack("{sO sO ss}", "erased", erased, "retained", retained, "account_status",
                             pd_account_status_name(v.acc.status));
  json_object_set(details, "erased", erased);
  json_object_set(details, "retained", retained);
  json_decref(erased);
  json_decref(retained);
  q->result = arena_json(r, result);
  return 0;
}

static int complete_rectification(struct req *r, struct st_request *q) {
  json_t *d = json_stored(q->details);
  const char *field = json_string_value(json_object_get(d, "field"));
  const char *value = json_string_value(json_object_get(d, "value"));
  if (!field || !value) {
    json_decref(d);
    return problem(r, PD_ERR_INTERNAL, "the request's details are unreadable");
  }
  bool is_email = strcmp(field, "email") == 0;
  field = is_email ? "email" : "name";
  value = arena_strdup(&r->arena, value);
  json_decref(d);
  struct st_account acc;
  int rc = store_account_by_rowid(r->db, &r->arena, q->account_rowid, &acc);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  if (acc.status == PD_ACC_ERASED)
    return problem_status(r, PD_ERR_INVALID_INPUT, 422, "the account is erased; there is nothing to rectify");
  struct st_hold *holds;
  int n;
  if (active_holds(r, acc.rowid, &holds, &n)) return -1;
  enum pd_category cat = is_email ? PD_CAT_EMAIL : PD_CAT_PROFILE;
  for (int i = 0; i < n; i++)
    if (hold_covers(&holds[i], cat))
      return problem(r, PD_ERR_HOLD_ACTIVE, "hold %s (case %s) covers %s; it must stay as it is until released",
                     holds[i].id, holds[i].case_ref, pd_category_key(cat));
  if (is_email)
    acc.email = value;
  else
    acc.name = value;
  acc.version++;
  acc.updated_at = r->now;
  rc = store_account_update(r->db, &acc);
  if (rc == ST_CONFLICT)
    return problem_status(r, PD_ERR_INVALID_INPUT, 422, "that e-mail address belongs to another account");
  if (rc == ST_OK) rc = store_requests_touch_account(r->db, acc.rowid, r->now);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  q->version++; /* the touch counted this request too */
  q->result = arena_json(r, json_pack("{ss}", "field", field));
  return 0;
}

static int complete_objection(struct req *r, struct st_request *q) {
  json_t *d = json_stored(q->details);
  const char *p = json_string_value(json_object_get(d, "processing"));
  bool analytics = p && strcmp(p, "analytics") == 0;
  json_decref(d);
  struct st_account acc;
  int rc = store_account_by_rowid(r->db, &r->arena, q->account_rowid, &acc);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  if (analytics) {
    acc.analytics_enabled = false;
  } else if (acc.marketing_consent) {
    acc.marketing_consent = false;
    acc.marketing_consent_at = r->now;
  }
  acc.version++;
  acc.updated_at = r->now;
  rc = store_account_update(r->db, &acc);
  if (rc != ST_OK) return store_problem(r, rc, "account");
  q->result = arena_json(r, json_pack("{ss sb}", "processing", analytics ? "analytics" : "marketing",
                                      "switched_off", 1));
  return 0;
}

static int complete_access(struct req *r, struct st_request *q) {
  char *text = export_build(r->db, &r->arena, q, r->now);
  if (!text) return problem(r, PD_ERR_INTERNAL, "could not build the export");
  size_t bytes = strlen(text);
  int rc = store_export_put(r->db, q->rowid, text);
  free(text);
  if (rc != ST_OK) return store_problem(r, rc, "export");
  q->result = arena_json(r, json_pack("{ss si sI}", "export", arena_printf(&r->arena, "/v1/requests/%s/export", q->id),
                                      "categories", PD_CATEGORY_COUNT, "bytes", (json_int_t)bytes));
  return 0;
}

int h_request_complete(struct req *r) {
  static const char *const allowed[] = {"confirm", NULL};
  json_t *body = r->body_len ? body_object(r, allowed) : json_object();
  if (!body) return -1;
  if (!r->body_len) r->body_json = body;
  const char *confirm;
  if (!field_string(r, body, "confirm", false, 0, 254, &confirm)) return -1;
  struct st_request q;
  if (load_request(r, &q) || require_if_match(r, q.version)) return -1;
  if (confirm && q.type != PD_TYPE_ERASURE)
    return problem(r, PD_ERR_INVALID_INPUT, "\"confirm\" is only for erasure requests");
  switch (pd_check_complete(q.status, q.type, q.identity_verified)) {
  case PD_OK: break;
  case PD_NO_IDENTITY_NOT_VERIFIED:
    return problem(r, PD_ERR_IDENTITY_NOT_VERIFIED, "verify the requester's identity before completing %s",
                   q.type == PD_TYPE_ACCESS ? "an access request" : "an erasure");
  default:
    return problem(r, PD_ERR_INVALID_TRANSITION, "a request completes from in_progress; this one is %s",
                   pd_status_name(q.status));
  }
  json_t *details = json_pack("{ss}", "type", pd_request_type_name(q.type));
  int rc = 0;
  switch (q.type) {
  case PD_TYPE_ACCESS: rc = complete_access(r, &q); break;
  case PD_TYPE_RECTIFICATION: rc = complete_rectification(r, &q); break;
  case PD_TYPE_OBJECTION: rc = complete_objection(r, &q); break;
  case PD_TYPE_ERASURE: rc = complete_erasure(r, &q, confirm, details); break;
  default: rc = problem(r, PD_ERR_INTERNAL, "unknown request type");
  }
  if (rc) {
    json_decref(details);
    return -1;
  }
  enum pd_status from = q.status;
  q.status = PD_ST_COMPLETED;
  q.status_since = r->now;
  if (!q.acknowledged_at) q.acknowledged_at = r->now;
  if (timeline(r, q.rowid, "completed", arena_printf(&r->arena, "%s completed", pd_request_type_name(q.type)),
               pd_status_name(from), "completed", NULL)) {
    json_decref(details);
    return -1;
  }
  q.version++;
  q.updated_at = r->now;
  rc = store_request_update(r->db, &q);
  if (rc == ST_OK) rc = store_account_touch(r->db, q.account_rowid, r->now);
  if (rc != ST_OK) {
    json_decref(details);
    return store_problem(r, rc, "request");
  }
  if (audit(r, "request.complete", q.id, q.account_id, details)) return -1;
  return reply_request(r, 200, q.id);
}
