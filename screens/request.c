/* Request detail: every field, the countdown, the timeline, and the actions
 * that work a request (take, assign, status, verify, extend, note, complete,
 * reject). Each action is one write with the version the screen shows; a
 * 412 reloads the request and says someone else changed it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/request_view.h"
#include "tui/detail.h"

enum { KIND_LOAD, KIND_WRITE, KIND_EXPORT };

/* which user action a write belongs to (write_op.action) */
enum req_action { RA_TAKE, RA_ASSIGN, RA_STATUS, RA_VERIFY, RA_EXTEND, RA_NOTE, RA_COMPLETE, RA_REJECT };

struct request_screen {
  struct pd_screen base;
  struct console *con;
  char id[PD_ID_MAX + 1];
  struct pd_request *req;
  char etag[PD_ERROR_ETAG_MAX];
  struct fetch load, export_fetch;
  struct write_op write;
  const char *write_what; /* "take the request", for messages */
  struct pd_detail *detail;
  /* multi-step prompts */
  char verify_method[65];
  char export_path[1024];
};

static void rebuild(struct request_screen *rs) {
  int top = pd_detail_top(rs->detail);
  pd_detail_clear(rs->detail);
  if (rs->req) request_view_fill(rs->detail, rs->req, (int64_t)time(NULL));
  pd_detail_set_top(rs->detail, top);
}

static void load(struct request_screen *rs, bool conditional) {
  fetch_started(&rs->load, pd_get_request(rs->con->client, rs->id, conditional && rs->etag[0] ? rs->etag : NULL,
                                          fetch_callback, &rs->load));
}

/* ---- writes ---- */

static bool ready_to_write(struct request_screen *rs, const char *what) {
  if (!console_check_write(rs->con, what)) return false;
  if (!rs->req) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "The request is still loading");
    return false;
  }
  if (fetch_pending(&rs->write.f)) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "Still waiting for the previous action");
    return false;
  }
  return true;
}

static void sent(struct request_screen *rs, const char *what, pd_call *call) {
  rs->write_what = what;
  fetch_started(&rs->write.f, call);
}

static void do_assign(struct request_screen *rs, const char *assignee, const char *what, int action) {
  pd_intent *in = write_intent(&rs->write, action, assignee);
  sent(rs, what, pd_assign_request(rs->con->client, rs->id, rs->req->version, in, assignee, fetch_callback,
                                   &rs->write.f));
}

static void assign_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text || !ready_to_write(rs, "assign the request")) return;
  const char *who = text[0] ? text : NULL;
  if (!console_is_supervisor(rs->con) && who && strcmp(who, rs->con->user) != 0) {
    pd_app_message(app, PD_MSG_ERROR, "Only supervisors assign requests to others; press t to take it yourself");
    return;
  }
  do_assign(rs, who, who ? "assign the request" : "unassign the request", RA_ASSIGN);
}

/* The one status a request may move to from here with the transition endpoint. */
static int next_status(enum pd_status s) {
  switch (s) {
  case PD_ST_NEW: return PD_ST_VERIFYING;
  case PD_ST_VERIFYING: return PD_ST_IN_PROGRESS;
  case PD_ST_IN_PROGRESS: return PD_ST_WAITING;
  case PD_ST_WAITING: return PD_ST_IN_PROGRESS;
  default: return -1;
  }
}

static void status_done(struct pd_app *app, const char *text, void *ctx) {
  (void)app;
  struct request_screen *rs = ctx;
  if (!text || !ready_to_write(rs, "change the status")) return;
  int to = next_status(rs->req->status);
  if (to < 0) return;
  pd_intent *in = write_intent(&rs->write, RA_STATUS, text);
  sent(rs, "change the status", pd_transition_request(rs->con->client, rs->id, rs->req->version, in,
                                                      (enum pd_status)to, text[0] ? text : NULL, fetch_callback,
                                                      &rs->write.f));
}

static void verify_note_done(struct pd_app *app, const char *text, void *ctx) {
  (void)app;
  struct request_screen *rs = ctx;
  if (!text || !ready_to_write(rs, "record the identity check")) return;
  char draft[2200];
  snprintf(draft, sizeof draft, "%s\n%s", rs->verify_method, text);
  pd_intent *in = write_intent(&rs->write, RA_VERIFY, draft);
  sent(rs, "record the identity check", pd_verify_identity(rs->con->client, rs->id, rs->req->version, in,
                                                           rs->verify_method, text, fetch_callback, &rs->write.f));
}

static void verify_method_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text) return;
  if (!text[0]) {
    pd_app_message(app, PD_MSG_ERROR, "Say how the identity was verified (e.g. email_link, document)");
    return;
  }
  snprintf(rs->verify_method, sizeof rs->verify_method, "%s", text);
  struct pd_prompt_opts o = {.label = "Note on the check (optional): ", .done = verify_note_done, .ctx = rs};
  pd_app_prompt(app, &o);
}

static void extend_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text) return;
  if (!text[0]) {
    pd_app_message(app, PD_MSG_ERROR, "An extension needs a reason (it is told to the requester)");
    return;
  }
  if (!ready_to_write(rs, "extend the deadline")) return;
  pd_intent *in = write_intent(&rs->write, RA_EXTEND, text);
  sent(rs, "extend the deadline", pd_extend_request(rs->con->client, rs->id, rs->req->version, in, text,
                                                    fetch_callback, &rs->write.f));
}

static void note_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text || !text[0]) return;
  if (!ready_to_write(rs, "add the note")) return;
  (void)app;
  pd_intent *in = write_intent(&rs->write, RA_NOTE, text);
  sent(rs, "add the note", pd_add_note(rs->con->client, rs->id, in, text, fetch_callback, &rs->write.f));
}

static void reject_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text) return;
  bool blank = true;
  for (const char *p = text; *p; p++) blank &= *p == ' ' || *p == '\t';
  if (blank) {
    pd_app_message(app, PD_MSG_ERROR, "A rejection needs a reason (GDPR Art. 12(4)); nothing was sent");
    return;
  }
  if (!ready_to_write(rs, "reject the request")) return;
  pd_intent *in = write_intent(&rs->write, RA_REJECT, text);
  sent(rs, "reject the request", pd_reject_request(rs->con->client, rs->id, rs->req->version, in, text,
                                                   fetch_callback, &rs->write.f));
}

static void complete_confirmed(struct pd_app *app, bool yes, void *ctx) {
  (void)app;
  struct request_screen *rs = ctx;
  if (!yes || !ready_to_write(rs, "complete the request")) return;
  pd_intent *in = write_intent(&rs->write, RA_COMPLETE, NULL);
  sent(rs, "complete the request", pd_complete_request(rs->con->client, rs->id, rs->req->version, in, NULL,
                                                       fetch_callback, &rs->write.f));
}

/* Explains locally what the backend would refuse, before anything is sent. */
static bool completion_possible(struct request_screen *rs) {
  const struct pd_request *r = rs->req;
  if (r->status != PD_ST_IN_PROGRESS) {
    pd_app_message(rs->con->app, PD_MSG_ERROR,
                   pd_status_is_open(r->status)
                       ? "A request completes from \"in progress\"; it is %s (press s to move it)"
                       : "The request is already %s",
                   status_label(r->status));
    return false;
  }
  if ((r->type == PD_TYPE_ACCESS || r->type == PD_TYPE_ERASURE) && !r->identity_verified) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "Verify the requester's identity first (press v)");
    return false;
  }
  return true;
}

static void start_complete(struct request_screen *rs) {
  const struct pd_request *r = rs->req;
  if (!completion_possible(rs)) return;
  if (r->type == PD_TYPE_ERASURE) {
    pd_app_push(rs->con->app, erasure_screen_new(rs->con, rs->id, r, rs->etag));
    return;
  }
  char message[512];
  if (r->type == PD_TYPE_ACCESS)
    snprintf(message, sizeof message, "Build the access export of %s and complete the request?", r->account_email);
  else if (r->type == PD_TYPE_RECTIFICATION)
    snprintf(message, sizeof message, "Set the account's %s to \"%s\" and complete the request?",
             r->details.field == PD_FIELD_EMAIL ? "e-mail" : "name", r->details.value ? r->details.value : "");
  else
    snprintf(message, sizeof message, "Switch %s off for %s and complete the request?",
             r->details.processing == PD_PROCESSING_ANALYTICS ? "analytics" : "marketing mail", r->account_email);
  struct pd_confirm c;
  if (pd_confirm_init_yesno(&c, "Complete request", message, false) == 0)
    pd_app_confirm(rs->con->app, &c, complete_confirmed, rs);
}

static void start_extend(struct request_screen *rs) {
  const struct pd_request *r = rs->req;
  int64_t now = (int64_t)time(NULL);
  char due[32];
  fmt_date(due, sizeof due, r->due_at);
  if (!pd_status_is_open(r->status)) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "The request is closed; there is no deadline to extend");
  } else if (r->extended) {
    pd_app_message(rs->con->app, PD_MSG_ERROR,
                   "Already extended once (the law allows one extension); the deadline stays %s", due);
  } else if (now > r->due_at) {
    pd_app_message(rs->con->app, PD_MSG_ERROR,
                   "The first deadline passed on %s: an extension had to be decided before it", due);
  } else {
    struct pd_prompt_opts o = {.label = "Reason for the extension: ", .initial = write_draft(&rs->write, RA_EXTEND),
                               .done = extend_done, .ctx = rs};
    pd_app_prompt(rs->con->app, &o);
  }
}

/* ---- export ---- */

static void save_export_done(struct pd_app *app, const char *text, void *ctx) {
  struct request_screen *rs = ctx;
  if (!text || !text[0]) return;
  snprintf(rs->export_path, sizeof rs->export_path, "%s", text);
  fetch_started(&rs->export_fetch, pd_get_export(rs->con->client, rs->id, NULL, fetch_callback, &rs->export_fetch));
  pd_app_message(app, PD_MSG_INFO, "Downloading the export…");
}

static void start_save_export(struct request_screen *rs) {
  const struct pd_request *r = rs->req;
  if (!r || r->type != PD_TYPE_ACCESS || r->status != PD_ST_COMPLETED) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "Only a completed access request has an export");
    return;
  }
  char initial[128];
  snprintf(initial, sizeof initial, "export-%s.json", rs->id);
  struct pd_prompt_opts o = {.label = "Save the export to: ", .initial = initial, .done = save_export_done,
                             .ctx = rs};
  pd_app_prompt(rs->con->app, &o);
}

static void export_arrived(struct request_screen *rs, struct reply *r) {
  if (!r->ok) {
    console_error(rs->con, &r->error, "download the export");
    return;
  }
  struct pd_export *e = r->value;
  struct pd_error err;
  if (pd_export_save(e, rs->export_path, &err) != 0) {
    pd_app_message(rs->con->app, PD_MSG_ERROR, "Could not save the export: %s", err.message);
    return;
  }
  pd_app_message(rs->con->app, PD_MSG_INFO, "Saved the export (%zu bytes) to %s, readable by you only", e->len,
                 rs->export_path);
}

/* ---- screen callbacks ---- */

static const char hints_write[] = "t take  s status  v verify  c note  d complete  x reject  e extend  A account  ? help";
static const char hints_read[] = "A account  E erasure plan  S save export  r reload  ? help";

static void rs_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct request_screen *rs = (struct request_screen *)s;
  rs->base.hints = console_can_write(rs->con) ? hints_write : hints_read;
  /* first visit: load; coming back (from an erasure, an account): revalidate */
  if (!fetch_pending(&rs->load)) load(rs, rs->req != NULL);
}

static void write_arrived(struct request_screen *rs, struct reply *r) {
  write_finished(&rs->write, r);
  if (!r->ok) {
    console_error(rs->con, &r->error, rs->write_what ? rs->write_what : "save");
    if (r->error.kind == PD_E_PRECONDITION_FAILED) load(rs, false);
    return;
  }
  pd_request_free(rs->req);
  rs->req = reply_take(r);
  snprintf(rs->etag, sizeof rs->etag, "%s", r->etag);
  rebuild(rs);
  const struct pd_request *q = rs->req;
  if (q->status == PD_ST_COMPLETED && q->type == PD_TYPE_ACCESS && q->result.kind == PD_OUTCOME_ACCESS)
    pd_app_message(rs->con->app, PD_MSG_INFO, "Completed: the export (%lld bytes) is ready; press S to save it",
                   (long long)q->result.access.bytes);
  else
    pd_app_message(rs->con->app, PD_MSG_INFO, "Done%s: %s", r->replayed ? " (the server had it already)" : "",
                   rs->write_what ? rs->write_what : "saved");
}

static unsigned rs_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  struct request_screen *rs = (struct request_screen *)s;
  struct reply *r = payload;
  switch (kind) {
  case KIND_LOAD:
    if (!r->ok) {
      console_error(rs->con, &r->error, "load the request");
    } else if (!r->not_modified) {
      pd_request_free(rs->req);
      rs->req = reply_take(r);
      snprintf(rs->etag, sizeof rs->etag, "%s", r->etag);
      rebuild(rs);
    }
    break;
  case KIND_WRITE: write_arrived(rs, r); break;
  case KIND_EXPORT: export_arrived(rs, r); break;
  default: break;
  }
  reply_free(r);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static unsigned rs_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct request_screen *rs = (struct request_screen *)s;
  if (pd_detail_action(rs->detail, action)) return PD_REDRAW_BODY;
  if (action == PD_ACT_REFRESH) {
    load(rs, true);
    return PD_REDRAW_STATUS;
  }
  if (!rs->req) return action == PD_ACT_NONE ? PD_OK : PD_UNHANDLED;
  const struct pd_request *r = rs->req;
  switch (action) {
  case PD_ACT_REQ_ACCOUNT: pd_app_push(app, account_screen_new(rs->con, r->account_id)); return PD_OK;
  case PD_ACT_REQ_PREVIEW:
    if (r->type != PD_TYPE_ERASURE) {
      pd_app_message(app, PD_MSG_ERROR, "Only erasure requests have an erasure plan");
      return PD_REDRAW_STATUS;
    }
    pd_app_push(app, erasure_screen_new(rs->con, rs->id, r, rs->etag));
    return PD_OK;
  case PD_ACT_REQ_SAVE_EXPORT: start_save_export(rs); return PD_REDRAW_STATUS;
  default: break;
  }
  if (!pd_action_writes(action)) return PD_UNHANDLED;
  if (!ready_to_write(rs, "change the request")) return PD_REDRAW_STATUS;
  bool open = pd_status_is_open(r->status);
  if (!open && action != PD_ACT_REQ_NOTE) {
    pd_app_message(app, PD_MSG_ERROR, "The request is %s; only notes can still be added", status_label(r->status));
    return PD_REDRAW_STATUS;
  }
  switch (action) {
  case PD_ACT_REQ_TAKE:
    if (r->assignee && strcmp(r->assignee, rs->con->user) == 0) {
      pd_app_message(app, PD_MSG_INFO, "It is already yours");
    } else if (r->assignee && !console_is_supervisor(rs->con)) {
      pd_app_message(app, PD_MSG_ERROR, "Assigned to %s: only a supervisor may take it over", r->assignee);
    } else {
      do_assign(rs, rs->con->user, "take the request", RA_TAKE);
    }
    break;
  case PD_ACT_REQ_ASSIGN: {
    struct pd_prompt_opts o = {.label = "Assign to (empty: unassign): ", .initial = r->assignee,
                               .done = assign_done, .ctx = rs};
    pd_app_prompt(app, &o);
    break;
  }
  case PD_ACT_REQ_STATUS: {
    int to = next_status(r->status);
    char label[96];
    snprintf(label, sizeof label, "Move to %s; reason (optional): ", status_label((enum pd_status)to));
    struct pd_prompt_opts o = {.label = label, .initial = write_draft(&rs->write, RA_STATUS), .done = status_done,
                               .ctx = rs};
    pd_app_prompt(app, &o);
    break;
  }
  case PD_ACT_REQ_VERIFY: {
    if (r->identity_verified) {
      pd_app_message(app, PD_MSG_INFO, "Identity is already verified (%s)", r->identity_method ? r->identity_method : "");
      break;
    }
    struct pd_prompt_opts o = {.label = "Verified how (email_link, document, account_login): ",
                               .initial = "email_link", .done = verify_method_done, .ctx = rs};
    pd_app_prompt(app, &o);
    break;
  }
  case PD_ACT_REQ_EXTEND: start_extend(rs); break;
  case PD_ACT_REQ_NOTE: {
    struct pd_prompt_opts o = {.label = "Note: ", .initial = write_draft(&rs->write, RA_NOTE), .done = note_done,
                               .ctx = rs};
    pd_app_prompt(app, &o);
    break;
  }
  case PD_ACT_REQ_COMPLETE: start_complete(rs); break;
  case PD_ACT_REQ_REJECT: {
    struct pd_prompt_opts o = {.label = "Reason for rejecting (required): ",
                               .initial = write_draft(&rs->write, RA_REJECT), .done = reject_done, .ctx = rs};
    pd_app_prompt(app, &o);
    break;
  }
  default: return PD_UNHANDLED;
  }
  return PD_REDRAW_STATUS;
}

static void rs_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  (void)full;
  struct request_screen *rs = (struct request_screen *)s;
  if (!rs->req) {
    wmove(win, r.y, r.x);
    wclrtobot(win);
    pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, "Loading the request…", pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  pd_detail_draw(rs->detail, win, r);
}

static const char *rs_help(struct pd_screen *s) {
  (void)s;
  return "A request moves new -> verifying -> in progress <-> waiting, and completes from in progress.\n"
         "Access and erasure need a verified identity. Writes send the version shown: if someone else changed\n"
         "the request meanwhile, nothing is applied and the screen reloads.";
}

static void rs_destroy(struct pd_screen *s) {
  struct request_screen *rs = (struct request_screen *)s;
  fetch_cancel(&rs->load);
  fetch_cancel(&rs->export_fetch);
  write_free(&rs->write);
  pd_request_free(rs->req);
  pd_detail_free(rs->detail);
  free(rs);
}

static const struct pd_screen_ops request_ops = {
  .scope = "request", .enter = rs_enter, .key = rs_key, .data_arrived = rs_data, .draw = rs_draw,
  .help = rs_help, .destroy = rs_destroy,
};

struct pd_screen *request_screen_new(struct console *con, const char *id) {
  struct request_screen *rs = calloc(1, sizeof *rs);
  if (!rs) return NULL;
  rs->base.ops = &request_ops;
  rs->base.hints = hints_read;
  rs->con = con;
  snprintf(rs->id, sizeof rs->id, "%s", id);
  snprintf(rs->base.title, sizeof rs->base.title, "%.*s", (int)sizeof rs->base.title - 1, id);
  fetch_init(&rs->load, con, &rs->base, KIND_LOAD);
  fetch_init(&rs->export_fetch, con, &rs->base, KIND_EXPORT);
  write_init(&rs->write, con, &rs->base, KIND_WRITE);
  rs->detail = pd_detail_new();
  if (!rs->detail) {
    free(rs);
    return NULL;
  }
  return &rs->base;
}
