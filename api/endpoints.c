/* Endpoints: the reads (GET). Each builds a path and starts a call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/endpoints.h"

bool pd_ep_id_ok(const char *id) { return id && *id && strlen(id) <= PD_ID_MAX; }

pd_call *pd_ep_bad_id(pd_client *c, enum pd_value_kind kind, pd_callback cb, void *ud) {
  return pd_call_fail(c, kind, PD_E_INVALID_INPUT, "id: missing, empty or longer than 64 bytes", cb, ud);
}

void pd_ep_resource(struct pd_buf *b, const char *prefix, const char *id, const char *suffix) {
  pd_buf_add(b, prefix);
  pd_buf_add_escaped(b, id);
  if (suffix) pd_buf_add(b, suffix);
}

static pd_call *get(pd_client *c, struct pd_buf *path, enum pd_value_kind kind, const char *inm, bool auth,
                    pd_callback cb, void *ud) {
  struct pd_spec s = {.method = "GET", .if_match = PD_NO_VERSION, .kind = kind, .retry = PD_RETRY_READ, .auth = auth};
  if (!(s.path = pd_buf_take(path))) return NULL;
  if (inm && !(s.if_none_match = strdup(inm))) {
    free(s.path);
    return NULL;
  }
  return pd_call_start(c, &s, NULL, cb, ud);
}

static pd_call *get_path(pd_client *c, const char *path, enum pd_value_kind kind, const char *inm, pd_callback cb,
                         void *ud) {
  struct pd_buf b = {0};
  pd_buf_add(&b, path);
  return get(c, &b, kind, inm, true, cb, ud);
}

static pd_call *get_resource(pd_client *c, const char *prefix, const char *id, const char *suffix,
                             enum pd_value_kind kind, const char *inm, pd_callback cb, void *ud) {
  if (!pd_ep_id_ok(id)) return pd_ep_bad_id(c, kind, cb, ud);
  struct pd_buf b = {0};
  pd_ep_resource(&b, prefix, id, suffix);
  return get(c, &b, kind, inm, true, cb, ud);
}

static void page_params(struct pd_buf *b, int limit, const char *cursor) {
  char n[16];
  snprintf(n, sizeof n, "%d", limit);
  if (limit) pd_buf_param(b, "limit", n);
  pd_buf_param(b, "cursor", cursor);
}

pd_call *pd_get_health(pd_client *c, pd_callback cb, void *ud) {
  struct pd_buf b = {0};
  pd_buf_add(&b, "/healthz");
  return get(c, &b, PD_VALUE_HEALTH, NULL, false, cb, ud);
}

pd_call *pd_get_me(pd_client *c, const char *inm, pd_callback cb, void *ud) {
  return get_path(c, "/v1/me", PD_VALUE_ME, inm, cb, ud);
}

pd_call *pd_get_stats(pd_client *c, const char *inm, pd_callback cb, void *ud) {
  return get_path(c, "/v1/stats", PD_VALUE_STATS, inm, cb, ud);
}

pd_call *pd_list_accounts(pd_client *c, const struct pd_account_query *q, const char *inm, pd_callback cb,
                          void *ud) {
  struct pd_buf b = {0};
  pd_buf_add(&b, "/v1/accounts");
  if (q) {
    pd_buf_param(&b, "q", q->q);
    page_params(&b, q->limit, q->cursor);
  }
  return get(c, &b, PD_VALUE_ACCOUNT_PAGE, inm, true, cb, ud);
}

pd_call *pd_get_account(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/accounts/", id, NULL, PD_VALUE_ACCOUNT_DETAIL, inm, cb, ud);
}

pd_call *pd_get_inventory(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/accounts/", id, "/inventory", PD_VALUE_INVENTORY, inm, cb, ud);
}

/* "a,b,c" from the bits of a mask, with a vocab name function. */
static void mask_param(struct pd_buf *b, const char *name, unsigned mask, int count,
                       const char *(*name_of)(int)) {
  if (!mask) return;
  char list[256] = "";
  for (int i = 0; i < count; i++)
    if (mask & (1u << i)) {
      if (list[0]) strncat(list, ",", sizeof list - strlen(list) - 1);
      strncat(list, name_of(i), sizeof list - strlen(list) - 1);
    }
  pd_buf_param(b, name, list);
}

static const char *status_name(int i) { return pd_status_name((enum pd_status)i); }
static const char *type_name(int i) { return pd_request_type_name((enum pd_request_type)i); }

pd_call *pd_list_requests(pd_client *c, const struct pd_request_query *q, const char *inm, pd_callback cb,
                          void *ud) {
  static const char *const sorts[] = {NULL, "due_at", "-due_at", "received_at", "-received_at"};
  struct pd_buf b = {0};
  pd_buf_add(&b, "/v1/requests");
  if (q) {
    mask_param(&b, "status", q->statuses, PD_STATUS_COUNT, status_name);
    mask_param(&b, "type", q->types, PD_TYPE_COUNT, type_name);
    pd_buf_param(&b, "assignee", q->assignee);
    if (q->urgent) pd_buf_param(&b, "priority", q->urgent == PD_FLAG_TRUE ? "urgent" : "normal");
    if (q->overdue) pd_buf_param(&b, "overdue", q->overdue == PD_FLAG_TRUE ? "true" : "false");
    char when[PD_TIME_BUF];
    if (q->due_before && pd_time_format(q->due_before, when, sizeof when) == 0) pd_buf_param(&b, "due_before", when);
    pd_buf_param(&b, "account_id", q->account_id);
    pd_buf_param(&b, "q", q->q);
    if ((unsigned)q->sort < sizeof sorts / sizeof *sorts) pd_buf_param(&b, "sort", sorts[q->sort]);
    page_params(&b, q->limit, q->cursor);
  }
  return get(c, &b, PD_VALUE_REQUEST_PAGE, inm, true, cb, ud);
}

pd_call *pd_get_request(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/requests/", id, NULL, PD_VALUE_REQUEST, inm, cb, ud);
}

pd_call *pd_get_erasure_preview(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/requests/", id, "/erasure-preview", PD_VALUE_ERASURE_PREVIEW, inm, cb, ud);
}

pd_call *pd_get_export(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/requests/", id, "/export", PD_VALUE_EXPORT, inm, cb, ud);
}

pd_call *pd_list_holds(pd_client *c, const struct pd_hold_query *q, const char *inm, pd_callback cb, void *ud) {
  struct pd_buf b = {0};
  pd_buf_add(&b, "/v1/holds");
  if (q) {
    if (q->status) pd_buf_param(&b, "status", q->status == PD_HOLDS_ACTIVE ? "active" : "released");
    pd_buf_param(&b, "account_id", q->account_id);
    page_params(&b, q->limit, q->cursor);
  }
  return get(c, &b, PD_VALUE_HOLD_PAGE, inm, true, cb, ud);
}

pd_call *pd_get_hold(pd_client *c, const char *id, const char *inm, pd_callback cb, void *ud) {
  return get_resource(c, "/v1/holds/", id, NULL, PD_VALUE_HOLD, inm, cb, ud);
}

pd_call *pd_list_audit(pd_client *c, const struct pd_audit_query *q, const char *inm, pd_callback cb, void *ud) {
  struct pd_buf b = {0};
  pd_buf_add(&b, "/v1/audit");
  if (q) {
    pd_buf_param(&b, "account_id", q->account_id);
    pd_buf_param(&b, "actor", q->actor);
    pd_buf_param(&b, "action", q->action);
    page_params(&b, q->limit, q->cursor);
  }
  return get(c, &b, PD_VALUE_AUDIT_PAGE, inm, true, cb, ud);
}

pd_call *pd_verify_audit(pd_client *c, const char *inm, pd_callback cb, void *ud) {
  return get_path(c, "/v1/audit/verify", PD_VALUE_AUDIT_VERIFY, inm, cb, ud);
}
