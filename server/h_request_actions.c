/* Working a request: assign, transition, verify identity, extend, note, reject. */
#include <string.h>

#include "server/domain/deadline.h"
#include "server/domain/lifecycle.h"
#include "server/domain/roles.h"
#include "server/json_in.h"
#include "server/routes.h"
#include "server/service.h"

/* Loads the request named in the path and checks If-Match (after the body was
 * parsed: docs/api.md's order is syntax, existence, precondition, rules). */
static int load_for_write(struct req *r, struct st_request *q) {
  if (load_request(r, q)) return -1;
  return require_if_match(r, q->version);
}

/* Saves a changed request: new version, the account's embedded list follows,
 * then the audit entry (steals details) and the updated detail as response. */
static int save(struct req *r, struct st_request *q, const char *action, json_t *details, int status) {
  q->version++;
  q->updated_at = r->now;
  int rc = store_request_update(r->db, q);
  if (rc == ST_OK) rc = store_account_touch(r->db, q->account_rowid, r->now);
  if (rc != ST_OK) {
    json_decref(details);
    return store_problem(r, rc, "request");
  }
  if (audit(r, action, q->id, q->account_id, details)) return -1;
  return reply_request(r, status, q->id);
}

static int closed_problem(struct req *r, const struct st_request *q) {
  return problem(r, PD_ERR_INVALID_TRANSITION, "the request is %s; it can no longer be changed",
                 pd_status_name(q->status));
}

int h_request_assign(struct req *r) {
  static const char *const allowed[] = {"assignee", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  json_t *v = json_object_get(body, "assignee");
  if (!v) return problem(r, PD_ERR_INVALID_INPUT, "\"assignee\" is required (null unassigns)");
  if (!json_is_null(v) && !json_is_string(v))
    return problem(r, PD_ERR_INVALID_INPUT, "\"assignee\" must be a user name or null");
  const char *next = json_is_string(v) ? json_string_value(v) : NULL;
  if (next && (!*next || strlen(next) >= ST_NAME_MAX))
    return problem(r, PD_ERR_INVALID_INPUT, "\"assignee\" must be a user name or null");
  struct st_request q;
  if (load_for_write(r, &q)) return -1;
  if (!pd_status_is_open(q.status)) return closed_problem(r, &q);
  if (!pd_assign_allowed(r->user.role, r->user.name, q.assignee, next))
    return problem(r, PD_ERR_FORBIDDEN,
                   next && strcmp(next, r->user.name) != 0
                       ? "only a supervisor may assign a request to someone else"
                       : "the request is assigned to %s; only a supervisor may take it over",
                   q.assignee ? q.assignee : "someone");
  if (next) {
    struct st_user who;
    int rc = store_user_by_name(r->db, next, &who);
    if (rc == ST_ERROR) return store_problem(r, rc, "user");
    if (rc == ST_NOT_FOUND || who.revoked_at || who.role == PD_ROLE_VIEWER)
      return problem_status(r, PD_ERR_INVALID_INPUT, 422, "%s is not an active agent or supervisor", next);
  }
  if ((q.assignee && next && strcmp(q.assignee, next) == 0) || (!q.assignee && !next))
    return reply_request(r, 200, q.id); /* already so: nothing changes */
  const char *text = next ? arena_printf(&r->arena, "assigned to %s", next) : "unassigned";
  if (timeline(r, q.rowid, "assigned", text, NULL, NULL, next)) return -1;
  json_t *details = json_pack("{so so}", "from", q.assignee ? json_string(q.assignee) : json_null(), "to",
                              next ? json_string(next) : json_null());
  q.assignee = next ? arena_strdup(&r->arena, next) : NULL;
  return save(r, &q, "request.assign", details, 200);
}

int h_request_transition(struct req *r) {
  static const char *const allowed[] = {"to", "reason", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *to_s, *reason;
  if (!field_string(r, body, "to", true, 1, 32, &to_s) || !field_string(r, body, "reason", false, 0, 2000, &reason))
    return -1;
  int to = pd_status_parse(to_s);
  if (to != PD_ST_VERIFYING && to != PD_ST_IN_PROGRESS && to != PD_ST_WAITING)
    return problem(r, PD_ERR_INVALID_INPUT,
                   "\"to\" must be verifying, in_progress or waiting (use complete or reject to close)");
  struct st_request q;
  if (load_for_write(r, &q)) return -1;
  if (pd_check_transition(q.status, (enum pd_status)to) != PD_OK)
    return problem(r, PD_ERR_INVALID_TRANSITION, "a request cannot move from %s to %s", pd_status_name(q.status),
                   to_s);
  enum pd_status from = q.status;
  if (pd_transition_acknowledges(from, (enum pd_status)to) && !q.acknowledged_at) q.acknowledged_at = r->now;
  q.status = (enum pd_status)to;
  q.status_since = r->now;
  const char *text = reason && *reason ? arena_printf(&r->arena, "%s -> %s: %s", pd_status_name(from), to_s, reason)
                                       : arena_printf(&r->arena, "%s -> %s", pd_status_name(from), to_s);
  if (timeline(r, q.rowid, "transition", text, pd_status_name(from), to_s, NULL)) return -1;
  json_t *details = json_pack("{ss ss}", "from", pd_status_name(from), "to", to_s);
  if (reason && *reason) json_object_set_new(details, "reason", json_string(reason));
  return save(r, &q, "request.transition", details, 200);
}

int h_request_verify(struct req *r) {
  static const char *const allowed[] = {"method", "note", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *method, *note;
  if (!field_string(r, body, "method", true, 1, 64, &method) || !field_string(r, body, "note", false, 0, 2000, &note))
    return -1;
  struct st_request q;
  if (load_for_write(r, &q)) return -1;
  if (pd_check_verify(q.status, q.identity_verified) != PD_OK)
    return problem(r, PD_ERR_INVALID_TRANSITION, q.identity_verified ? "identity is already verified"
                                                                     : "the request is closed");
  q.identity_verified = true;
  q.identity_method = method;
  const char *text = note && *note ? arena_printf(&r->arena, "identity verified (%s): %s", method, note)
                                   : arena_printf(&r->arena, "identity verified (%s)", method);
  if (timeline(r, q.rowid, "verified", text, NULL, NULL, NULL)) return -1;
  return save(r, &q, "request.verify", json_pack("{ss}", "method", method), 200);
}

int h_request_extend(struct req *r) {
  static const char *const allowed[] = {"reason", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *reason;
  if (!field_string(r, body, "reason", true, 1, 2000, &reason)) return -1;
  struct st_request q;
  if (load_for_write(r, &q)) return -1;
  switch (pd_can_extend(q.regime, q.status, q.received_at, q.extended, r->now)) {
  case PD_EXTEND_OK: break;
  case PD_EXTEND_CLOSED: return closed_problem(r, &q);
  case PD_EXTEND_ALREADY_EXTENDED:
    return problem(r, PD_ERR_ALREADY_EXTENDED, "the request was already extended once; the law allows one extension");
  case PD_EXTEND_DEADLINE_PASSED:
    return problem(r, PD_ERR_INVALID_TRANSITION,
                   "the first deadline has passed; an extension must be decided before it");
  }
  q.extended = true;
  q.extension_reason = reason;
  q.due_at = pd_due_at(q.regime, q.received_at, true);
  if (timeline(r, q.rowid, "extended", arena_printf(&r->arena, "deadline extended: %s", reason), NULL, NULL, NULL))
    return -1;
  return save(r, &q, "request.extend", json_pack("{ss}", "reason", reason), 200);
}

int h_request_note(struct req *r) {
  static const char *const allowed[] = {"text", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *text;
  if (!field_string(r, body, "text", true, 1, 4000, &text)) return -1;
  struct st_request q;
  if (load_request(r, &q)) return -1;
  if (timeline(r, q.rowid, "note", text, NULL, NULL, NULL)) return -1;
  /* A 201 names what it created: a note has no URL of its own, so Location
   * names the request, whose timeline now holds it (and whose detail is the body). */
  r->location = arena_printf(&r->arena, "/v1/requests/%s", q.id);
  /* the note text may name the customer: the audit entry records only its size */
  return save(r, &q, "request.note", json_pack("{sI}", "length", (json_int_t)utf8_length(text)), 201);
}

int h_request_reject(struct req *r) {
  static const char *const allowed[] = {"reason", NULL};
  json_t *body = body_object(r, allowed);
  if (!body) return -1;
  const char *reason;
  if (!field_string(r, body, "reason", false, 0, 2000, &reason)) return -1;
  if (pd_text_blank(reason))
    return problem(r, PD_ERR_INVALID_INPUT, "a rejection needs a reason (GDPR Art. 12(4))");
  struct st_request q;
  if (load_for_write(r, &q)) return -1;
  if (pd_check_reject(q.status, reason) != PD_OK) return closed_problem(r, &q);
  enum pd_status from = q.status;
  q.status = PD_ST_REJECTED;
  q.status_since = r->now;
  if (!q.acknowledged_at) q.acknowledged_at = r->now;
  q.result = arena_json(r, json_pack("{ss}", "reason", reason));
  if (timeline(r, q.rowid, "rejected", arena_printf(&r->arena, "rejected: %s", reason), pd_status_name(from),
               "rejected", NULL))
    return -1;
  return save(r, &q, "request.reject", json_pack("{ss}", "reason", reason), 200);
}
