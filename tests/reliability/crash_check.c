/* test_crash: reading every workflow back after a kill and judging it
 * against the guarantees of crash.h (acknowledged writes applied, in-doubt
 * writes all or nothing, one audit chain), and PRAGMA integrity_check. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tests/reliability/crash.h"
#include "tests/reliability/rclient.h"

/* ---- the checks ---- */

static int count_action_steps(const char *action, int upto) {
  int n = 0;
  for (int s = 0; s < upto; s++) n += strcmp(step_action[s], action) == 0;
  return n;
}

static json_t *get_json(struct rc *c, const char *path, long *status) {
  struct rc_resp r;
  rc_get(c, srv.viewer, path, &r);
  *status = r.status;
  json_t *j = r.status == 200 ? json_incref(r.json) : NULL;
  if (r.status != 200) violation(V_INFRA, "GET %s: HTTP %ld %s%.200s", path, r.status, r.error, r.body);
  rc_resp_free(&r);
  return j;
}

static bool timeline_has(const json_t *req, const char *text) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(req, "timeline"), i, e) if (rj_str(e, "text") && strcmp(rj_str(e, "text"), text) == 0) return true;
  return false;
}

/* Checks one workflow against the store (server up, clients paused).
 * Returns how many of its writes are applied, or -1 when it could not tell. */
static int check_workflow(struct rc *c, struct wf *w, bool after_kill) {
  char path[200];
  long st;
  /* the audit entries of the account, by action */
  snprintf(path, sizeof path, "/v1/audit?account_id=%s&limit=200", w->account);
  json_t *audit = get_json(c, path, &st);
  if (!audit) return -1;
  int n[N_ACTIONS] = {0};
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(audit, "items"), i, e) {
    int a = action_index(rj_str(e, "action"));
    if (a >= 0) n[a]++;
  }
  json_decref(audit);
  /* whether the in-doubt step is applied, from its audit entry */
  int d = 0;
  if (w->in_doubt) {
    int a = action_index(step_action[w->next]);
    d = n[a] - w->audit_base[a] - count_action_steps(step_action[w->next], w->next);
    if (d < 0 || d > 1) {
      violation(d < 0 ? V_ACKED : V_DOUBLE, "workflow %d: %d %s audit entries for the in-doubt step %s", w->idx, d,
                step_action[w->next], step_names[w->next]);
      return -1;
    }
  }
  int applied = w->next + d;
  bool done[N_STEPS];
  for (int s = 0; s < N_STEPS; s++) done[s] = s < applied;
  /* every other action: exactly one entry per applied step */
  for (int a = 0; a < N_ACTIONS; a++) {
    int want = w->audit_base[a] + count_action_steps(actions[a], applied);
    if (n[a] != want)
      violation(n[a] < want ? V_ACKED : V_DOUBLE, "workflow %d: %d %s audit entries, want %d (%d writes applied)",
                w->idx, n[a], actions[a], want, applied);
  }
  enum vkind k = w->in_doubt ? V_HALF : V_ACKED; /* a mismatch on the in-doubt step is a half write */
  /* the request (the account's own seeded requests, all closed, aside) */
  snprintf(path, sizeof path, "/v1/requests?account_id=%s&limit=200", w->account);
  json_t *list = get_json(c, path, &st);
  if (!list) return -1;
  size_t n_req = 0;
  const char *found = NULL;
  json_array_foreach(json_object_get(list, "items"), i, e) {
    bool old = false;
    for (int k2 = 0; k2 < w->n_old_requests; k2++) old |= strcmp(w->old_requests[k2], rj_str(e, "id")) == 0;
    if (old) continue;
    n_req++;
    found = rj_str(e, "id");
  }
  if (n_req != (done[S_CREATE] ? 1u : 0u))
    violation(n_req > 1 ? V_DOUBLE : k, "workflow %d: %zu requests on the account, create %s", w->idx, n_req,
              done[S_CREATE] ? "applied" : "not applied");
  if (n_req == 1 && !w->request[0]) snprintf(w->request, sizeof w->request, "%s", found);
  json_decref(list);
  if (done[S_CREATE] && w->request[0]) {
    snprintf(path, sizeof path, "/v1/requests/%s", w->request);
    json_t *q = get_json(c, path, &st);
    if (!q) return -1;
    const char *status = rj_str(q, "status");
    const char *want_status = done[S_COMPLETE]           ? "completed"
                              : done[S_TO_IN_PROGRESS]   ? "in_progress"
                              : done[S_TO_VERIFYING]     ? "verifying"
                                                         : "new";
    if (!status || strcmp(status, want_status) != 0)
      violation(k, "workflow %d: request %s is %s, want %s", w->idx, w->request, status ? status : "?", want_status);
    const char *assignee = rj_str(q, "assignee");
    if ((assignee && strcmp(assignee, "alice") == 0) != done[S_ASSIGN])
      violation(k, "workflow %d: assignee %s with assign %s", w->idx, assignee ? assignee : "null",
                done[S_ASSIGN] ? "applied" : "not applied");
    if (json_is_true(json_object_get(q, "identity_verified")) != done[S_VERIFY])
      violation(k, "workflow %d: identity_verified disagrees with verify %s", w->idx,
                done[S_VERIFY] ? "applied" : "not applied");
    for (int note = 1; note <= 2; note++) {
      char text[128];
      snprintf(text, sizeof text, "crash test %s workflow %d note %d", run_tag, w->idx, note);
      if (timeline_has(q, text) != done[note == 1 ? S_NOTE1 : S_NOTE2])
        violation(k, "workflow %d: note %d %s the timeline but %s", w->idx, note,
                  timeline_has(q, text) ? "is in" : "is missing from",
                  done[note == 1 ? S_NOTE1 : S_NOTE2] ? "applied" : "not applied");
    }
    json_decref(q);
  }
  /* the account: consent (until the erasure switches it off) and status */
  snprintf(path, sizeof path, "/v1/accounts/%s", w->account);
  json_t *acc = get_json(c, path, &st);
  if (!acc) return -1;
  const char *acc_status = rj_str(acc, "status");
  if ((acc_status && strcmp(acc_status, "active") != 0) != done[S_COMPLETE])
    violation(k, "workflow %d: account %s with the erasure %s", w->idx, acc_status ? acc_status : "?",
              done[S_COMPLETE] ? "applied" : "not applied");
  if (!done[S_COMPLETE]) {
    bool marketing = json_is_true(json_object_get(acc, "marketing_consent"));
    if (marketing != (done[S_PATCH] ? !w->marketing_before : w->marketing_before))
      violation(k, "workflow %d: marketing_consent %d with the PATCH %s", w->idx, marketing,
                done[S_PATCH] ? "applied" : "not applied");
  }
  json_decref(acc);
  /* the hold */
  snprintf(path, sizeof path, "/v1/holds?account_id=%s&limit=200", w->account);
  json_t *holds = get_json(c, path, &st);
  if (!holds) return -1;
  char case_ref[64];
  snprintf(case_ref, sizeof case_ref, "CR-%s-%d", run_tag, w->idx);
  size_t n_holds = 0;
  json_t *ours = NULL;
  json_array_foreach(json_object_get(holds, "items"), i, e) {
    if (!rj_str(e, "case_ref") || strcmp(rj_str(e, "case_ref"), case_ref) != 0) continue; /* seeded, released */
    n_holds++;
    ours = e;
  }
  if (n_holds != (done[S_HOLD] ? 1u : 0u))
    violation(n_holds > 1 ? V_DOUBLE : k, "workflow %d: %zu holds, placing %s", w->idx, n_holds,
              done[S_HOLD] ? "applied" : "not applied");
  if (n_holds == 1) {
    if (!w->hold[0]) snprintf(w->hold, sizeof w->hold, "%s", rj_str(ours, "id"));
    bool released = rj_str(ours, "status") && strcmp(rj_str(ours, "status"), "released") == 0;
    if (released != done[S_RELEASE])
      violation(k, "workflow %d: hold %s with the release %s", w->idx, released ? "released" : "active",
                done[S_RELEASE] ? "applied" : "not applied");
  }
  json_decref(holds);
  /* the inventory: all present before the erasure, nothing present after */
  snprintf(path, sizeof path, "/v1/accounts/%s/inventory", w->account);
  json_t *inv = get_json(c, path, &st);
  if (!inv) return -1;
  int present = 0, rows = 0;
  json_array_foreach(json_object_get(inv, "items"), i, e) {
    rows++;
    present += rj_str(e, "state") && strcmp(rj_str(e, "state"), "present") == 0;
  }
  json_decref(inv);
  if (rows != 10 || present != (done[S_COMPLETE] ? 0 : 10))
    violation(k, "workflow %d: %d of %d inventory rows present with the erasure %s", w->idx, present, rows,
              done[S_COMPLETE] ? "applied" : "not applied");
  if (w->in_doubt && after_kill) {
    w->checked = true;
    w->doubt_applied = d == 1;
    if (d)
      doubt_applied++;
    else
      doubt_not_applied++;
  }
  return applied;
}

/* The audit chain verifies and counts the set-up entries plus one per applied write. */
static void check_chain(struct rc *c, long long applied_total) {
  long st;
  json_t *v = get_json(c, "/v1/audit/verify", &st);
  if (!v) return;
  if (!json_is_true(json_object_get(v, "ok")))
    violation(V_CHAIN, "GET /v1/audit/verify: not ok, first_bad_seq %lld", rj_int(v, "first_bad_seq"));
  if (applied_total >= 0 && rj_int(v, "entries") != audit_entries0 + applied_total)
    violation(V_CHAIN, "the audit log has %lld entries, want %lld set-up + %lld applied writes", rj_int(v, "entries"),
              audit_entries0, applied_total);
  json_decref(v);
}

/* Checks every workflow touched since the last check (all when `all`). */
void check_all(struct rc *c, bool all, bool after_kill) {
  checks++;
  long long total = 0;
  bool exact = true;
  for (int i = 0; i < n_wfs; i++) {
    struct wf *w = &wfs[i];
    pthread_mutex_lock(&mu); /* a client sets it after its last read */
    bool started = w->started;
    pthread_mutex_unlock(&mu);
    if (!started) continue;
    if (all || w->touched || w->in_doubt) {
      int applied = check_workflow(c, w, after_kill);
      if (applied < 0) exact = false;
      total += applied;
      w->touched = false;
    } else {
      total += w->next;
    }
  }
  check_chain(c, exact ? total : -1);
}

/* PRAGMA integrity_check on the database, with the server down. The WAL is
 * left as the kill left it (no checkpoint on close): the server recovers it. */
void integrity_check(const char *when) {
  sqlite3 *db;
  integrity_checks++;
  if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    violation(V_INTEGRITY, "%s: cannot open %s: %s", when, srv.db, sqlite3_errmsg(db));
    sqlite3_close(db);
    return;
  }
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
    violation(V_INTEGRITY, "%s: integrity_check: %s", when, sqlite3_errmsg(db));
  } else {
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *t = (const char *)sqlite3_column_text(st, 0);
      if (rows++ == 0 && t && strcmp(t, "ok") == 0) continue;
      violation(V_INTEGRITY, "%s: integrity_check: %s", when, t ? t : "?");
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
}
