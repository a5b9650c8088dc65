/* The route table: every endpoint of docs/api.md with its handler, the action
 * a role needs for it, and the query parameters it accepts. */
#ifndef PD_ROUTES_H
#define PD_ROUTES_H

#include "server/domain/roles.h"
#include "server/http.h"

enum route_flags {
  ROUTE_PUBLIC = 1, /* no token needed (/healthz) */
  ROUTE_WRITE = 2,  /* runs in a write transaction; honours Idempotency-Key */
};

struct route {
  enum http_method method;
  const char *pattern; /* "{}" matches one path segment */
  int (*handler)(struct req *r);
  enum pd_action action;
  unsigned flags;
  const char *const *query; /* accepted query parameter names, NULL-terminated; NULL = none */
};

enum route_match { ROUTE_FOUND, ROUTE_NO_PATH, ROUTE_NO_METHOD };

/* Finds the route for method and path; fills r->params. */
enum route_match route_find(struct req *r, enum http_method method, const char *path, const struct route **out);
/* Every route, for tests and docs: count in *n. */
const struct route *route_table(int *n);

/* handlers */
int h_healthz(struct req *r);
int h_me(struct req *r);
int h_stats(struct req *r);
int h_accounts_list(struct req *r);
int h_account_get(struct req *r);
int h_account_patch(struct req *r);
int h_account_inventory(struct req *r);
int h_requests_list(struct req *r);
int h_request_create(struct req *r);
int h_request_get(struct req *r);
int h_request_assign(struct req *r);
int h_request_transition(struct req *r);
int h_request_verify(struct req *r);
int h_request_extend(struct req *r);
int h_request_note(struct req *r);
int h_request_erasure_preview(struct req *r);
int h_request_complete(struct req *r);
int h_request_reject(struct req *r);
int h_request_export(struct req *r);
int h_holds_list(struct req *r);
int h_hold_get(struct req *r);
int h_hold_place(struct req *r);
int h_hold_release(struct req *r);
int h_audit_list(struct req *r);
int h_audit_verify(struct req *r);

#endif
