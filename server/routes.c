#include "server/routes.h"

#include <string.h>

#include "server/metrics.h"

static const char *const q_accounts[] = {"q", "limit", "cursor", NULL};
static const char *const q_requests[] = {"status", "type", "assignee", "priority", "overdue", "due_before",
                                         "account_id", "q", "sort", "limit", "cursor", NULL};
static const char *const q_holds[] = {"status", "account_id", "limit", "cursor", NULL};
static const char *const q_audit[] = {"account_id", "actor", "action", "limit", "cursor", NULL};

static const struct route routes[] = {
  {HTTP_GET, "/healthz", h_healthz, PD_ACT_READ, ROUTE_PUBLIC, NULL},
  /* counts only, no personal data: scraped without a token, like /healthz */
  {HTTP_GET, "/metrics", h_metrics, PD_ACT_READ, ROUTE_PUBLIC, NULL},
  {HTTP_GET, "/v1/me", h_me, PD_ACT_READ, 0, NULL},
  {HTTP_GET, "/v1/stats", h_stats, PD_ACT_READ, 0, NULL},
  {HTTP_GET, "/v1/accounts", h_accounts_list, PD_ACT_READ, 0, q_accounts},
  {HTTP_GET, "/v1/accounts/{}", h_account_get, PD_ACT_READ, 0, NULL},
  {HTTP_PATCH, "/v1/accounts/{}", h_account_patch, PD_ACT_PATCH_ACCOUNT, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/accounts/{}/inventory", h_account_inventory, PD_ACT_READ, 0, NULL},
  {HTTP_POST, "/v1/accounts/{}/holds", h_hold_place, PD_ACT_PLACE_HOLD, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/requests", h_requests_list, PD_ACT_READ, 0, q_requests},
  {HTTP_POST, "/v1/requests", h_request_create, PD_ACT_CREATE_REQUEST, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/requests/{}", h_request_get, PD_ACT_READ, 0, NULL},
  {HTTP_POST, "/v1/requests/{}/assign", h_request_assign, PD_ACT_ASSIGN, ROUTE_WRITE, NULL},
  {HTTP_POST, "/v1/requests/{}/transition", h_request_transition, PD_ACT_TRANSITION, ROUTE_WRITE, NULL},
  {HTTP_POST, "/v1/requests/{}/verify", h_request_verify, PD_ACT_VERIFY, ROUTE_WRITE, NULL},
  {HTTP_POST, "/v1/requests/{}/extend", h_request_extend, PD_ACT_EXTEND, ROUTE_WRITE, NULL},
  {HTTP_POST, "/v1/requests/{}/notes", h_request_note, PD_ACT_NOTE, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/requests/{}/erasure-preview", h_request_erasure_preview, PD_ACT_READ, 0, NULL},
  {HTTP_POST, "/v1/requests/{}/complete", h_request_complete, PD_ACT_COMPLETE, ROUTE_WRITE, NULL},
  {HTTP_POST, "/v1/requests/{}/reject", h_request_reject, PD_ACT_REJECT, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/requests/{}/export", h_request_export, PD_ACT_READ, 0, NULL},
  {HTTP_GET, "/v1/holds", h_holds_list, PD_ACT_READ, 0, q_holds},
  {HTTP_GET, "/v1/holds/{}", h_hold_get, PD_ACT_READ, 0, NULL},
  {HTTP_POST, "/v1/holds/{}/release", h_hold_release, PD_ACT_RELEASE_HOLD, ROUTE_WRITE, NULL},
  {HTTP_GET, "/v1/audit", h_audit_list, PD_ACT_READ, 0, q_audit},
  {HTTP_GET, "/v1/audit/verify", h_audit_verify, PD_ACT_READ, 0, NULL},
};

const struct route *route_table(int *n) {
  *n = (int)(sizeof routes / sizeof routes[0]);
  return routes;
}

/* Matches path against pattern, capturing {} segments into params. */
static bool match(struct req *r, const char *pattern, const char *path, const char **params) {
  int np = 0;
  while (*pattern && *path) {
    if (pattern[0] == '{' && pattern[1] == '}') {
      const char *end = strchr(path, '/');
      size_t n = end ? (size_t)(end - path) : strlen(path);
      if (n == 0 || n > 64 || np >= PD_MAX_PATH_PARAMS) return false;
      params[np++] = arena_strndup(&r->arena, path, n);
      path += n;
      pattern += 2;
    } else if (*pattern++ != *path++) {
      return false;
    }
  }
  return !*pattern && !*path;
}

enum route_match route_find(struct req *r, enum http_method method, const char *path, const struct route **out) {
  bool path_known = false;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
    const char *params[PD_MAX_PATH_PARAMS] = {NULL};
    if (!match(r, routes[i].pattern, path, params)) continue;
    path_known = true;
    if (routes[i].method != method) continue;
    memcpy(r->params, params, sizeof params);
    *out = &routes[i];
    return ROUTE_FOUND;
  }
  return path_known ? ROUTE_NO_METHOD : ROUTE_NO_PATH;
}
