#include "screens/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/report.h"

struct bulk_item {
  char id[PD_ID_MAX + 1];
  char account[96];
  struct write_op w;
  bool answered, ok;
  char outcome[PD_ERROR_DETAIL_MAX + 64];
};

struct bulk {
  struct console *con;
  struct pd_screen *owner;
  struct bulk_item *items;
  size_t n, answered;
  char assignee[PD_ID_MAX + 1];
  bool unassign, running, just_done;
};

struct bulk *bulk_new(struct console *con, struct pd_screen *owner) {
  struct bulk *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->con = con;
  b->owner = owner;
  return b;
}

static void clear_items(struct bulk *b) {
  for (size_t i = 0; i < b->n; i++) write_free(&b->items[i].w);
  free(b->items);
  b->items = NULL;
  b->n = b->answered = 0;
}

void bulk_free(struct bulk *b) {
  if (!b) return;
  clear_items(b);
  free(b);
}

void bulk_start(struct bulk *b, const struct pd_request *const *targets, size_t n, const char *assignee) {
  if (b->running) {
    pd_app_message(b->con->app, PD_MSG_ERROR, "The previous bulk action is still running");
    return;
  }
  clear_items(b);
  b->items = calloc(n, sizeof *b->items);
  if (!b->items) return;
  b->n = n;
  b->unassign = !assignee;
  snprintf(b->assignee, sizeof b->assignee, "%s", assignee ? assignee : "");
  b->running = true;
  b->just_done = false;
  for (size_t i = 0; i < n; i++) {
    struct bulk_item *it = &b->items[i];
    const struct pd_request *r = targets[i];
    snprintf(it->id, sizeof it->id, "%s", r->id);
    snprintf(it->account, sizeof it->account, "%s", r->account_email);
    write_init(&it->w, b->con, b->owner, BULK_KIND_BASE + (int)i);
    pd_intent *in = write_intent(&it->w, 0, NULL);
    fetch_started(&it->w.f, pd_assign_request(b->con->client, r->id, r->version, in, assignee, fetch_callback,
                                              &it->w.f));
    if (!fetch_pending(&it->w.f)) { /* could not even start: counts as answered */
      it->answered = true;
      snprintf(it->outcome, sizeof it->outcome, "not sent: out of memory");
      b->answered++;
    }
  }
  pd_app_message(b->con->app, PD_MSG_INFO, "%s %zu request%s…", b->unassign ? "Unassigning" : "Assigning", n,
                 n == 1 ? "" : "s");
}

bool bulk_owns_reply(const struct bulk *b, const struct reply *r) {
  return b && r->kind >= BULK_KIND_BASE && (size_t)(r->kind - BULK_KIND_BASE) < b->n;
}

bool bulk_done(const struct bulk *b) { return b->just_done; }

static void report(struct bulk *b) {
  size_t ok = 0;
  for (size_t i = 0; i < b->n; i++) ok += b->items[i].ok;
  const char *verb = b->unassign ? "unassigned" : "assigned";
  if (b->n == 1) {
    struct bulk_item *it = &b->items[0];
    if (it->ok)
      pd_app_message(b->con->app, PD_MSG_INFO, "%s %s%s%s", it->id, verb, b->unassign ? "" : " to ",
                     b->assignee);
    else
      pd_app_message(b->con->app, PD_MSG_ERROR, "%s: %s", it->id, it->outcome);
    return;
  }
  char title[96];
  snprintf(title, sizeof title, "Bulk %s: %zu of %zu", verb, ok, b->n);
  struct report *rep = report_new(title);
  if (!rep) return;
  char heading[160];
  snprintf(heading, sizeof heading, "%zu of %zu requests %s%s%s", ok, b->n, verb, b->unassign ? "" : " to ",
           b->assignee);
  report_heading(rep, heading);
  for (size_t i = 0; i < b->n; i++) {
    /* one wrapped line per request: at 80 columns a two-column row would cut the id or the account */
    char line[PD_ID_MAX + sizeof b->items[i].account + sizeof b->items[i].outcome + 16];
    snprintf(line, sizeof line, "%s  %s  %s  %s", b->items[i].ok ? "OK  " : "FAIL", b->items[i].id,
             b->items[i].account, b->items[i].outcome);
    report_text(rep, line, b->items[i].ok ? PD_STYLE_OK : PD_STYLE_URGENT);
  }
  pd_app_push(b->con->app, report_screen(rep));
  pd_app_message(b->con->app, ok == b->n ? PD_MSG_INFO : PD_MSG_ERROR, "%zu of %zu requests %s", ok, b->n, verb);
}

unsigned bulk_reply(struct bulk *b, struct reply *r) {
  struct bulk_item *it = &b->items[r->kind - BULK_KIND_BASE];
  b->just_done = false;
  write_finished(&it->w, r);
  if (!it->answered) {
    it->answered = true;
    b->answered++;
  }
  it->ok = r->ok;
  if (r->ok) {
    snprintf(it->outcome, sizeof it->outcome, "%s", r->replayed ? "done (replayed)" : "done");
  } else if (r->error.kind == PD_E_PRECONDITION_FAILED) {
    snprintf(it->outcome, sizeof it->outcome, "changed by someone else meanwhile: reload and retry");
  } else {
    snprintf(it->outcome, sizeof it->outcome, "%s%s%s", pd_error_kind_sentence(r->error.kind),
             r->error.detail[0] ? ": " : "", r->error.detail);
  }
  reply_free(r);
  if (b->answered == b->n) {
    b->running = false;
    b->just_done = true;
    report(b);
  }
  return PD_REDRAW_BODY | PD_REDRAW_STATUS;
}
