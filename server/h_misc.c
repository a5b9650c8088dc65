/* Health, identity, queue statistics and the audit log endpoints. */
#include <inttypes.h>
#include <string.h>

#include "server/cursor.h"
#include "server/json_in.h"
#include "server/render.h"
#include "server/routes.h"

int h_healthz(struct req *r) {
  if (store_ping(r->db) != ST_OK) {
    reply_json(r, 503, json_pack("{ss}", "status", "unavailable"));
    return 0;
  }
  return reply_json(r, 200, json_pack("{ss}", "status", "ok"));
}

/* h_me and h_stats read the clock (server_time; generated_at and the
 * due-date buckets): left as they are, their answers are reused only within
 * the second they were made in. */
int h_me(struct req *r) {
  return reply_json(r, 200, json_pack("{ss ss so}", "user", r->user.name, "role", pd_role_name(r->user.role),
                                      "server_time", json_time(r->now)));
}

int h_stats(struct req *r) {
  struct st_stats s;
  int rc = store_stats(r->db, r->now, r->user.name, &s);
  if (rc != ST_OK) return store_problem(r, rc, "statistics");
  json_t *open = json_object(), *closed = json_object();
  int64_t open_total = 0;
  for (int i = 0; i < PD_STATUS_COUNT; i++) {
    json_t *into = pd_status_is_open((enum pd_status)i) ? open : closed;
    json_object_set_new(into, pd_status_name((enum pd_status)i), json_integer(s.open_by_status[i]));
    if (into == open) open_total += s.open_by_status[i];
  }
  static const char *const bucket_names[7] = {"overdue", "today", "1-3d", "4-7d", "8-14d", "15-30d", "31d+"};
  json_t *buckets = json_array();
  for (int i = 0; i < 7; i++)
    json_array_append_new(buckets, json_pack("{ss sI}", "bucket", bucket_names[i], "count", (json_int_t)s.buckets[i]));
  json_t *o = json_pack("{so sI sI sI sI sI sI so so}", "open", open, "open_total", (json_int_t)open_total,
                        "overdue", (json_int_t)s.overdue, "due_within_7_days", (json_int_t)s.due_within_7_days,
                        "urgent", (json_int_t)s.urgent, "unassigned", (json_int_t)s.unassigned, "mine",
                        (json_int_t)s.mine, "closed", closed, "by_days_left", buckets);
  if (!o) return problem(r, PD_ERR_INTERNAL, "could not build the statistics");
  /* The ETag covers the counts, not generated_at: If-None-Match gets 304 until a count changes. */
  set_content_etag(r, o);
  json_object_set_new(o, "generated_at", json_time(r->now));
  return reply_json(r, 200, o);
}

/* Reply with a list page: {"items": [...], "next_cursor": ...}. */
static int reply_page(struct req *r, json_t *items, const char *next_cursor) {
  return reply_json(r, 200, json_pack("{so so}", "items", items, "next_cursor", json_text(next_cursor)));
}

static bool audit_filter(struct req *r, const char *name, size_t max, const char **out) {
  *out = query_get(r, name);
  if (*out && (!**out || strlen(*out) > max)) {
    problem(r, PD_ERR_INVALID_INPUT, "%s must be 1 to %zu bytes", name, max);
    return false;
  }
  return true;
}

/* Clock-free, like h_audit_verify: stored entries and the hash chain over them. */
int h_audit_list(struct req *r) {
  r->clock_free = true;
  struct st_audit_query q = {0};
  bool has_cursor;
  struct cursor_pos pos;
  if (!query_limit(r, &q.limit) || !audit_filter(r, "account_id", 64, &q.account_id) ||
      !audit_filter(r, "actor", 64, &q.actor) || !audit_filter(r, "action", 64, &q.action) ||
      !cursor_decode(r, "audit", &has_cursor, &pos))
    return -1;
  if (has_cursor) {
    if (pos.key < 1) return problem(r, PD_ERR_INVALID_INPUT, "the cursor is malformed");
    q.before_seq = pos.key;
  }
  struct st_audit_entry *items;
  int n;
  bool more;
  int rc = store_audit_list(r->db, &r->arena, &q, &items, &n, &more);
  if (rc != ST_OK) return store_problem(r, rc, "audit log");
  json_t *a = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(a, render_audit(&items[i]));
  return reply_page(r, a, more && n ? cursor_encode(r, "audit", items[n - 1].seq, "") : NULL);
}

int h_audit_verify(struct req *r) {
  r->clock_free = true;
  struct st_audit_verify v;
  int rc = store_audit_verify(r->db, &v);
  if (rc != ST_OK) return store_problem(r, rc, "audit log");
  json_t *o = json_pack("{sb sI ss}", "ok", v.ok, "entries", (json_int_t)v.entries, "head", v.head);
  if (!v.ok) json_object_set_new(o, "first_bad_seq", json_integer(v.first_bad_seq));
  return reply_json(r, 200, o);
}
