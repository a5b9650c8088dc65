#include "server/service.h"

#include <stdlib.h>
#include <string.h>

#include "server/render.h"

int audit(struct req *r, const char *action, const char *target, const char *account_id, json_t *details) {
  if (!details) details = json_object();
  char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(details);
  if (!text) return problem(r, PD_ERR_INTERNAL, "could not encode the audit entry");
  struct st_audit_entry e = {.at = r->now, .actor = r->user.name, .action = action, .target = target,
                             .account_id = account_id, .details = arena_strdup(&r->arena, text)};
  free(text);
  int rc = store_audit_append(r->db, &e);
  return rc == ST_OK ? 0 : store_problem(r, rc, "the audit log");
}

int timeline(struct req *r, int64_t request_rowid, const char *kind, const char *text, const char *from,
             const char *to, const char *assignee) {
  struct st_timeline_event e = {.at = r->now, .actor = r->user.name, .kind = kind, .text = text, .from = from,
                                .to = to, .assignee = assignee};
  int rc = store_timeline_add(r->db, request_rowid, &e);
  return rc == ST_OK ? 0 : store_problem(r, rc, "the request timeline");
}

int load_request(struct req *r, struct st_request *out) {
  int rc = store_request_get(r->db, &r->arena, r->params[0], out);
  return rc == ST_OK ? 0 : store_problem(r, rc, "request");
}

int load_account(struct req *r, const char *id, struct st_account *out) {
  int rc = store_account_get(r->db, &r->arena, id, out);
  return rc == ST_OK ? 0 : store_problem(r, rc, "account");
}

int load_hold(struct req *r, struct st_hold *out) {
  int rc = store_hold_get(r->db, &r->arena, r->params[0], out);
  return rc == ST_OK ? 0 : store_problem(r, rc, "hold");
}

int active_holds(struct req *r, int64_t account_rowid, struct st_hold **holds, int *n) {
  struct st_hold_query q = {.status = PD_HOLD_ACTIVE, .account_rowid = account_rowid, .limit = 200};
  bool more;
  int rc = store_holds_list(r->db, &r->arena, &q, holds, n, &more);
  return rc == ST_OK ? 0 : store_problem(r, rc, "holds");
}

int reply_request(struct req *r, int status, const char *id) {
  struct st_request req;
  int rc = store_request_get(r->db, &r->arena, id, &req);
  if (rc != ST_OK) return store_problem(r, rc, "request");
  struct st_timeline_event *events;
  int n;
  rc = store_timeline_list(r->db, &r->arena, req.rowid, &events, &n);
  if (rc != ST_OK) return store_problem(r, rc, "request timeline");
  json_t *o = render_request(&req);
  json_t *tl = json_array();
  for (int i = 0; i < n; i++) json_array_append_new(tl, render_timeline_event(&events[i]));
  json_object_set_new(o, "timeline", tl);
  set_version_etag(r, req.version);
  return reply_json(r, status, o);
}

int reply_account(struct req *r, int status, const char *id) {
  struct st_account acc;
  if (load_account(r, id, &acc)) return -1;
  struct st_hold *holds;
  int n_holds;
  if (active_holds(r, acc.rowid, &holds, &n_holds)) return -1;
  struct st_request_query q = {.status_mask = 0, .priority = -1, .overdue = -1, .account_rowid = acc.rowid,
                               .sort = ST_SORT_DUE_ASC, .limit = 50};
  for (int s = 0; s < PD_STATUS_COUNT; s++)
    if (pd_status_is_open((enum pd_status)s)) q.status_mask |= 1u << s;
  struct st_request *reqs;
  int n_reqs;
  bool more;
  int rc = store_requests_list(r->db, &r->arena, &q, &reqs, &n_reqs, &more);
  if (rc != ST_OK) return store_problem(r, rc, "requests");
  json_t *o = render_account(&acc);
  json_t *ha = json_array(), *ra = json_array();
  for (int i = 0; i < n_holds; i++) json_array_append_new(ha, render_hold(&holds[i]));
  for (int i = 0; i < n_reqs; i++) json_array_append_new(ra, render_request(&reqs[i]));
  json_object_set_new(o, "holds", ha);
  json_object_set_new(o, "requests", ra);
  set_version_etag(r, acc.version);
  return reply_json(r, status, o);
}

const char *arena_json(struct req *r, json_t *v) {
  if (!v) return NULL;
  char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(v);
  const char *out = text ? arena_strdup(&r->arena, text) : NULL;
  free(text);
  return out;
}
