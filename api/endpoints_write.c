/* Endpoints: the writes. POSTs carry the intent's Idempotency-Key and are
 * retried automatically like reads (the server replays a repeated key);
 * the PATCH of accounts carries If-Match only and is retried only when the
 * request surely did not reach the server (see internal.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/endpoints.h"

/* A JSON body under construction; the first bad argument is remembered. */
struct body {
  json_t *o;
  const char *bad, *why;
};

static struct body body_new(void) { return (struct body){.o = json_object()}; }

static void put(struct body *b, const char *key, json_t *v, const char *why) {
  if (b->bad || !b->o) {
    json_decref(v);
    return;
  }
  if (!v) {
    b->bad = key;
    b->why = why;
    return;
  }
  json_object_set_new(b->o, key, v);
}

/* A required string. */
static void put_str(struct body *b, const char *key, const char *v) {
  if (!v && !b->bad) {
    b->bad = key;
    b->why = "missing";
    return;
  }
  put(b, key, v ? json_string(v) : NULL, "not valid UTF-8");
}

static void put_name(struct body *b, const char *key, const char *name) {
  put(b, key, name ? json_string(name) : NULL, "unknown value");
}

static pd_call *send_write(pd_client *c, const char *method, char *path, struct body *b, int64_t version,
                           pd_intent *in, enum pd_value_kind kind, pd_callback cb, void *ud) {
  if (!b->o || !path) {
    json_decref(b->o);
    free(path);
    return NULL;
  }
  if (b->bad) {
    char msg[128];
    snprintf(msg, sizeof msg, "%s: %s", b->bad, b->why);
    json_decref(b->o);
    free(path);
    return pd_call_fail(c, kind, PD_E_INVALID_INPUT, msg, cb, ud);
  }
  bool post = strcmp(method, "POST") == 0;
  struct pd_spec s = {.method = method,
                      .path = path,
                      .if_match = version >= 0 ? version : PD_NO_VERSION,
                      .kind = kind,
                      .retry = post ? PD_RETRY_KEYED : PD_RETRY_UNSENT_ONLY,
                      .auth = true};
  s.body = json_dumps(b->o, JSON_COMPACT);
  json_decref(b->o);
  if (!s.body) {
    free(path);
    return NULL;
  }
  return pd_call_start(c, &s, in, cb, ud);
}

static pd_call *write_resource(pd_client *c, const char *method, const char *prefix, const char *id,
                               const char *suffix, struct body *b, int64_t version, pd_intent *in,
                               enum pd_value_kind kind, pd_callback cb, void *ud) {
  if (!pd_ep_id_ok(id)) {
    json_decref(b->o);
    return pd_ep_bad_id(c, kind, cb, ud);
  }
  struct pd_buf p = {0};
  pd_ep_resource(&p, prefix, id, suffix);
  return send_write(c, method, pd_buf_take(&p), b, version, in, kind, cb, ud);
}

pd_call *pd_update_account(pd_client *c, const char *id, int64_t version, pd_intent *in,
                           const struct pd_account_patch *p, pd_callback cb, void *ud) {
  struct body b = body_new();
  if (!p || (!p->analytics_enabled && !p->marketing_consent)) {
    b.bad = "analytics_enabled/marketing_consent";
    b.why = "set at least one";
  } else {
    if (p->analytics_enabled) put(&b, "analytics_enabled", json_boolean(p->analytics_enabled == PD_FLAG_TRUE), "");
    if (p->marketing_consent) put(&b, "marketing_consent", json_boolean(p->marketing_consent == PD_FLAG_TRUE), "");
    put_str(&b, "reason", p->reason);
  }
  return write_resource(c, "PATCH", "/v1/accounts/", id, NULL, &b, version, in, PD_VALUE_ACCOUNT_DETAIL, cb, ud);
}

pd_call *pd_create_request(pd_client *c, pd_intent *in, const struct pd_new_request *r, pd_callback cb, void *ud) {
  struct body b = body_new();
  if (!r) {
    b.bad = "request";
    b.why = "missing";
  } else {
    put_str(&b, "account_id", r->account_id);
    put_name(&b, "type", pd_request_type_name(r->type));
    if (r->type == PD_TYPE_RECTIFICATION) {
      const char *field = r->field == PD_FIELD_EMAIL ? "email" : r->field == PD_FIELD_NAME ? "name" : NULL;
      json_t *d = field && r->value ? json_pack("{s:s, s:s}", "field", field, "value", r->value) : NULL;
      put(&b, "details", d, field ? (r->value ? "value: not valid UTF-8" : "value: missing") : "field: unknown");
    } else if (r->type == PD_TYPE_OBJECTION) {
      const char *what = r->processing == PD_PROCESSING_ANALYTICS   ? "analytics"
                         : r->processing == PD_PROCESSING_MARKETING ? "marketing"
                                                                    : NULL;
      put(&b, "details", what ? json_pack("{s:s}", "processing", what) : NULL, "processing: unknown");
    }
    if (r->urgent) put(&b, "priority", json_string(r->urgent == PD_FLAG_TRUE ? "urgent" : "normal"), "");
    char when[PD_TIME_BUF];
    if (r->received_at)
      put(&b, "received_at", pd_time_format(r->received_at, when, sizeof when) == 0 ? json_string(when) : NULL,
          "out of range");
    if (r->has_regime) put_name(&b, "regime", pd_regime_name(r->regime));
  }
  return send_write(c, "POST", strdup("/v1/requests"), &b, PD_NO_VERSION, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_assign_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *assignee,
                           pd_callback cb, void *ud) {
  struct body b = body_new();
  put(&b, "assignee", assignee ? json_string(assignee) : json_null(), "not valid UTF-8");
  return write_resource(c, "POST", "/v1/requests/", id, "/assign", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_transition_request(pd_client *c, const char *id, int64_t version, pd_intent *in, enum pd_status to,
                               const char *reason, pd_callback cb, void *ud) {
  struct body b = body_new();
  put_name(&b, "to", pd_status_name(to));
  if (reason) put_str(&b, "reason", reason);
  return write_resource(c, "POST", "/v1/requests/", id, "/transition", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_verify_identity(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *method,
                            const char *note, pd_callback cb, void *ud) {
  struct body b = body_new();
  put_str(&b, "method", method);
  put_str(&b, "note", note ? note : "");
  return write_resource(c, "POST", "/v1/requests/", id, "/verify", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_extend_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                           pd_callback cb, void *ud) {
  struct body b = body_new();
  put_str(&b, "reason", reason);
  return write_resource(c, "POST", "/v1/requests/", id, "/extend", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_add_note(pd_client *c, const char *id, pd_intent *in, const char *text, pd_callback cb, void *ud) {
  struct body b = body_new();
  put_str(&b, "text", text);
  return write_resource(c, "POST", "/v1/requests/", id, "/notes", &b, PD_NO_VERSION, in, PD_VALUE_REQUEST, cb,
                        ud);
}

pd_call *pd_complete_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *confirm,
                             pd_callback cb, void *ud) {
  struct body b = body_new();
  if (confirm) put_str(&b, "confirm", confirm);
  return write_resource(c, "POST", "/v1/requests/", id, "/complete", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_reject_request(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                           pd_callback cb, void *ud) {
  struct body b = body_new();
  put_str(&b, "reason", reason);
  return write_resource(c, "POST", "/v1/requests/", id, "/reject", &b, version, in, PD_VALUE_REQUEST, cb, ud);
}

pd_call *pd_place_hold(pd_client *c, const char *account_id, pd_intent *in, const struct pd_new_hold *h,
                       pd_callback cb, void *ud) {
  struct body b = body_new();
  if (!h) {
    b.bad = "hold";
    b.why = "missing";
  } else {
    put_str(&b, "reason", h->reason);
    put_str(&b, "case_ref", h->case_ref);
    json_t *cats = json_array();
    if (h->all_categories) {
      json_array_append_new(cats, json_string("*"));
    } else {
      for (size_t i = 0; cats && i < h->n_categories; i++) {
        const char *key = pd_category_key(h->categories[i]);
        if (!key) {
          json_decref(cats);
          cats = NULL;
          break;
        }
        json_array_append_new(cats, json_string(key));
      }
    }
    put(&b, "categories", cats, "unknown category");
  }
  return write_resource(c, "POST", "/v1/accounts/", account_id, "/holds", &b, PD_NO_VERSION, in, PD_VALUE_HOLD,
                        cb, ud);
}

pd_call *pd_release_hold(pd_client *c, const char *id, int64_t version, pd_intent *in, const char *reason,
                         pd_callback cb, void *ud) {
  struct body b = body_new();
  put_str(&b, "reason", reason);
  return write_resource(c, "POST", "/v1/holds/", id, "/release", &b, version, in, PD_VALUE_HOLD, cb, ud);
}
