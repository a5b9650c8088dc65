#include "server/export.h"

#include "server/render.h"

char *export_build(struct store_conn *c, struct arena *a, const struct st_request *q, int64_t now) {
  struct st_account acc;
  struct st_inventory_row rows[PD_CATEGORY_COUNT];
  if (store_account_by_rowid(c, a, q->account_rowid, &acc) != ST_OK ||
      store_inventory_get(c, a, acc.rowid, rows) != ST_OK)
    return NULL;
  json_t *cats = json_array();
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    const struct pd_category_info *info = pd_category((enum pd_category)i);
    bool empty = rows[i].records == 0;
    json_array_append_new(
        cats, json_pack("{ss ss ss ss ss ss sI sI so so ss}", "key", info->key, "label", info->label, "group",
                        info->group, "legal_basis", info->legal_basis, "recipients", info->recipients, "retention",
                        info->retention, "records", (json_int_t)rows[i].records, "bytes",
                        (json_int_t)rows[i].bytes, "oldest", empty ? json_null() : json_time(rows[i].oldest),
                        "newest", empty ? json_null() : json_time(rows[i].newest), "state",
                        pd_inventory_state_name(rows[i].state)));
  }
  struct st_request_query rq = {.priority = -1, .overdue = -1, .account_rowid = acc.rowid,
                                .sort = ST_SORT_RECEIVED_ASC, .limit = 200};
  struct st_request *reqs;
  int n;
  bool more;
  if (store_requests_list(c, a, &rq, &reqs, &n, &more) != ST_OK) {
    json_decref(cats);
    return NULL;
  }
  json_t *history = json_array();
  for (int i = 0; i < n; i++)
    json_array_append_new(history, json_pack("{ss ss ss so}", "id", reqs[i].id, "type",
                                             pd_request_type_name(reqs[i].type), "status",
                                             pd_status_name(reqs[i].status), "received_at",
                                             json_time(reqs[i].received_at)));
  json_t *account = render_account(&acc);
  /* bookkeeping of ours, not data about the person */
  json_object_del(account, "version");
  json_object_del(account, "active_holds");
  json_object_del(account, "open_requests");
  json_t *bundle = json_pack("{ss ss so so so so s{sb sb so}}", "format", "privdesk-export/1", "request_id", q->id,
                             "generated_at", json_time(now), "account", account, "categories", cats, "requests",
                             history, "consents", "analytics_enabled", acc.analytics_enabled, "marketing_consent",
                             acc.marketing_consent, "marketing_consent_at", json_time(acc.marketing_consent_at));
  char *text = bundle ? json_dumps(bundle, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
  json_decref(bundle);
  return text;
}
