/* Accounts: search, detail, consent toggles, inventory. */
#include <string.h>

#include "server/cursor.h"
#include "server/json_in.h"
#include "server/render.h"
#include "server/render_list.h"
#include "server/routes.h"
#include "server/service.h"

/* Clock-free (r->clock_free): renders stored rows and the cursor only. */
int h_accounts_list(struct req *r) {
  r->clock_free = true;
  struct st_account_query q = {0};
  bool has_cursor;
  struct cursor_pos pos;
  if (!query_limit(r, &q.limit) || !cursor_decode(r, "accounts", &has_cursor, &pos)) return -1;
  q.q = query_get(r, "q");
  if (q.q && (!*q.q || strlen(q.q) > 254))
    return problem(r, PD_ERR_INVALID_INPUT, "q must be 1 to 254 bytes");
  if (has_cursor) q.after_email = pos.id;
  struct st_account *items;
  int n;
  bool more;
  int rc = store_accounts_list(r->db, &r->arena, &q, &items, &n, &more);
  if (rc != ST_OK) return store_problem(r, rc, "accounts");
  const char *next = NULL;
  if (more && n) {
    char folded[512];
    store_email_fold(items[n - 1].email, folded, sizeof folded);
    next = cursor_encode(r, "accounts", 0, folded);
  }
  size_t len = 0;
  char *page = render_accounts_page(items, n, next, &len);
  return reply_page(r, page, len);
}

/* Clock-free: the account, its active holds and its open requests (open is
 * a status, not a deadline), all stored (service.c reply_account). */
int h_account_get(struct req *r) {
  r->clock_free = true;
  return reply_account(r, 200, r->params[0]);
}

int h_account_patch(struct req *r) {
  static const char *const allowed[] = {"analytics_enabled", "marketing_consent", "reason", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  bool has_analytics, analytics = false, has_marketing, marketing = false;
  const char *reason;
  if (!field_bool(r, body, "analytics_enabled", &has_analytics, &analytics) ||
      !field_bool(r, body, "marketing_consent", &has_marketing, &marketing) ||
      !field_string(r, body, "reason", true, 1, 500, &reason))
    return -1;
  if (!has_analytics && !has_marketing)
    return problem(r, PD_ERR_INVALID_INPUT, "give analytics_enabled or marketing_consent (or both)");
  struct st_account acc;
  if (load_account(r, r->params[0], &acc) || require_if_match(r, acc.version)) return -1;
  if (acc.status == PD_ACC_ERASED)
    return problem_status(r, PD_ERR_INVALID_INPUT, 422, "the account is erased; there is nothing left to switch");
  json_t *details = json_object();
  if (has_analytics && analytics != acc.analytics_enabled) {
    acc.analytics_enabled = analytics;
    json_object_set_new(details, "analytics_enabled", json_boolean(analytics));
  }
  if (has_marketing && marketing != acc.marketing_consent) {
    acc.marketing_consent = marketing;
    acc.marketing_consent_at = r->now;
    json_object_set_new(details, "marketing_consent", json_boolean(marketing));
  }
  if (json_object_size(details) == 0) { /* nothing changes: no new version, no audit entry */
    json_decref(details);
    return reply_account(r, 200, acc.id);
  }
  json_object_set_new(details, "reason", json_string(reason));
  acc.version++;
  acc.updated_at = r->now;
  int rc = store_account_update(r->db, &acc);
  if (rc != ST_OK) {
    json_decref(details);
    return store_problem(r, rc, "account");
  }
  if (audit(r, "account.update", acc.id, acc.id, details)) return -1;
  return reply_account(r, 200, acc.id);
}

int h_account_inventory(struct req *r) {
  struct st_account acc;
  if (load_account(r, r->params[0], &acc)) return -1;
  struct st_inventory_row rows[PD_CATEGORY_COUNT];
  int rc = store_inventory_get(r->db, &r->arena, acc.rowid, rows);
  if (rc != ST_OK) return store_problem(r, rc, "inventory");
  struct st_hold *holds;
  int n_holds;
  if (active_holds(r, acc.rowid, &holds, &n_holds)) return -1;
  json_t *items = json_array();
  for (int i = 0; i < PD_CATEGORY_COUNT; i++)
    json_array_append_new(items, render_inventory_row(&rows[i], holds, n_holds, r->now));
  return reply_json(r, 200, json_pack("{ss so}", "account_id", acc.id, "items", items));
}
