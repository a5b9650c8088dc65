/* Dispute holds: list, detail, place (supervisors), release (supervisors). */
#include <string.h>

#include "server/cursor.h"
#include "server/domain/erasure.h"
#include "server/ids.h"
#include "server/json_in.h"
#include "server/render.h"
#include "server/routes.h"
#include "server/service.h"

/* Clock-free, like h_hold_get: stored holds (active is a status). */
int h_holds_list(struct req *r) {
  r->clock_free = true;
  struct st_hold_query q = {.status = -1};
  struct cursor_pos pos;
  if (!query_limit(r, &q.limit) || !cursor_decode(r, "holds", &q.has_after, &pos)) return -1;
  if (q.has_after) {
    q.after_placed_at = pos.key;
    q.after_id = pos.id;
  }
  const char *status = query_get(r, "status");
  if (status && (q.status = pd_hold_status_parse(status)) < 0)
    return problem(r, PD_ERR_INVALID_INPUT, "status must be active or released");
  const char *account_id = query_get(r, "account_id");
  if (account_id) {
    struct st_account acc;
    int rc = store_account_get(r->db, &r->arena, account_id, &acc);
    if (rc == ST_ERROR) return store_problem(r, rc, "account");
    q.account_rowid = rc == ST_OK ? acc.rowid : -1;
  }
  struct st_hold *items;
  int n;
  bool more;
  int rc = store_holds_list(r->db, &r->arena, &q, &items, &n, &more);
  if (rc != ST_OK) return store_problem(r, rc, "holds");
  json_t *a = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(a, render_hold(&items[i]));
  const char *next = more && n ? cursor_encode(r, "holds", items[n - 1].placed_at, items[n - 1].id) : NULL;
  return reply_json(r, 200, json_pack("{so so}", "items", a, "next_cursor", json_text(next)));
}

static int reply_hold(struct req *r, int status, const char *id) {
  struct st_hold h;
  int rc = store_hold_get(r->db, &r->arena, id, &h);
  if (rc != ST_OK) return store_problem(r, rc, "hold");
  set_version_etag(r, h.version);
  return reply_json(r, status, render_hold(&h));
}

int h_hold_get(struct req *r) {
  r->clock_free = true;
  return reply_hold(r, 200, r->params[0]);
}

/* Validates the category list and returns it normalised as JSON text. */
static bool parse_categories(struct req *r, json_t *v, const char **out) {
  if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > PD_CATEGORY_COUNT) {
    problem(r, PD_ERR_INVALID_INPUT, "categories must be a list of category keys, or [\"*\"] for all");
    return false;
  }
  const char *keys[PD_CATEGORY_COUNT];
  size_t i;
  json_t *k;
  json_array_foreach(v, i, k) {
    if (!json_is_string(k)) {
      problem(r, PD_ERR_INVALID_INPUT, "categories must be strings");
      return false;
    }
    keys[i] = json_string_value(k);
  }
  bool all;
  uint32_t mask;
  if (!pd_hold_categories_parse(keys, (int)json_array_size(v), &all, &mask)) {
    problem(r, PD_ERR_INVALID_INPUT, "categories must be distinct known keys (email, profile, support_tickets, "
                                     "api_keys, usage_logs, error_reports, payment_methods, transactions, "
                                     "marketing, analytics) or [\"*\"]");
    return false;
  }
  json_t *norm = json_array();
  if (all) {
    json_array_append_new(norm, json_string("*"));
  } else {
    for (int c = 0; c < PD_CATEGORY_COUNT; c++)
      if (mask & (1u << c)) json_array_append_new(norm, json_string(pd_category_key((enum pd_category)c)));
  }
  *out = arena_json(r, norm);
  return true;
}

int h_hold_place(struct req *r) {
  static const char *const allowed[] = {"reason", "case_ref", "categories", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *reason, *case_ref, *categories;
  if (!field_string(r, body, "reason", true, 1, 2000, &reason) ||
      !field_string(r, body, "case_ref", true, 1, 128, &case_ref) ||
      !parse_categories(r, json_object_get(body, "categories"), &categories))
    return -1;
  struct st_account acc;
  if (load_account(r, r->params[0], &acc)) return -1;
  if (acc.status == PD_ACC_ERASED)
    return problem_status(r, PD_ERR_INVALID_INPUT, 422, "the account is erased; nothing is left to hold");
  struct st_hold h = {.account_rowid = acc.rowid, .reason = reason, .case_ref = case_ref, .categories = categories,
                      .placed_by = r->user.name, .placed_at = r->now, .status = PD_HOLD_ACTIVE, .version = 1};
  id_new(h.id, "hld_");
  int rc = store_hold_insert(r->db, &h);
  if (rc == ST_OK) rc = store_account_touch(r->db, acc.rowid, r->now);
  if (rc != ST_OK) return store_problem(r, rc, "hold");
  if (audit(r, "hold.place", h.id, acc.id,
            json_pack("{ss ss so}", "case_ref", case_ref, "reason", reason, "categories", json_stored(categories))))
    return -1;
  r->location = arena_printf(&r->arena, "/v1/holds/%s", h.id);
  return reply_hold(r, 201, h.id);
}

int h_hold_release(struct req *r) {
  static const char *const allowed[] = {"reason", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *reason;
  if (!field_string(r, body, "reason", true, 1, 2000, &reason)) return -1;
  struct st_hold h;
  if (load_hold(r, &h) || check_if_match_optional(r, h.version)) return -1;
  if (h.status != PD_HOLD_ACTIVE)
    return problem(r, PD_ERR_INVALID_TRANSITION, "the hold was already released by %s",
                   h.released_by ? h.released_by : "someone");
  h.status = PD_HOLD_RELEASED;
  h.released_by = r->user.name;
  h.released_at = r->now;
  h.release_reason = reason;
  h.version++;
  int rc = store_hold_update(r->db, &h);
  if (rc == ST_OK) rc = store_account_touch(r->db, h.account_rowid, r->now);
  if (rc != ST_OK) return store_problem(r, rc, "hold");
  if (audit(r, "hold.release", h.id, h.account_id, json_pack("{ss}", "reason", reason))) return -1;
  return reply_hold(r, 200, h.id);
}
