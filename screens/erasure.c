/* The erasure preview and its typed confirmation.
 *
 * Shows the plan (GET /v1/requests/{id}/erasure-preview): what will be
 * erased, what will be kept and why in words, the account's status
 * afterwards, and when holds cover everything a red explanation that
 * nothing can be erased. The screen also knows the request's status, version
 * and identity check, and refuses locally (with the reason) what the backend
 * would refuse: from the request screen that opened it (which has just
 * fetched or revalidated it), so opening the plan costs one round trip
 * (issue 6); r reloads both, and a stale version is a 412 that reloads.
 *
 * d asks for the account's e-mail address (typed, case-insensitive), then
 * sends POST /complete {confirm} with If-Match and one idempotency intent:
 * when the outcome is unknown (offline, timeout, 5xx) the intent is kept and
 * d offers to send the very same request again, which the server replays
 * instead of erasing twice. After success the result stays on this screen;
 * q goes back to the request, which revalidates when it is uncovered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "screens/console.h"
#include "screens/format.h"
#include "tui/detail.h"

enum { KIND_PREVIEW, KIND_REQUEST, KIND_HOLDS, KIND_ERASE };
enum { EA_ERASE = 1 }; /* the write action (write_op.action) */

struct erasure {
  struct pd_screen base;
  struct console *con;
  char id[PD_ID_MAX + 1];
  struct pd_erasure_preview *preview;
  struct pd_request *req;   /* current status, version, identity; after success: the result */
  struct pd_hold_page *holds; /* the account's active holds: case refs for the reasons */
  char preview_etag[PD_ERROR_ETAG_MAX], req_etag[PD_ERROR_ETAG_MAX];
  struct fetch f_preview, f_request, f_holds;
  struct write_op write;
  bool erased_here; /* this screen did the erasure (or the server replayed it) */
  bool req_from_opener; /* req came with the screen: the first load skips it */
  char load_error[PD_ERROR_DETAIL_MAX + 64]; /* why the plan could not be loaded, while there is none */
  struct pd_detail *detail;
};

static const char hints_write[] = "d erase (type the e-mail)  j/k scroll  r reload  q back  ? help";
static const char hints_read[] = "j/k scroll  r reload  q back  ? help";

/* ---- words ---- */

static bool is_done(const struct erasure *e) {
  return e->req && e->req->status == PD_ST_COMPLETED && e->req->result.kind == PD_OUTCOME_ERASURE;
}

static const struct pd_hold *find_hold(const struct erasure *e, const char *id) {
  for (size_t i = 0; e->holds && i < e->holds->count; i++)
    if (strcmp(e->holds->items[i].id, id) == 0) return &e->holds->items[i];
  return NULL;
}

static void append(char *buf, size_t size, const char *text) {
  size_t len = strlen(buf);
  if (len < size) snprintf(buf + len, size - len, "%s", text);
}

/* "dispute hold hld_x (case C-1); tax law: kept until 2036-03-01" */
static void reasons_in_words(const struct erasure *e, const struct pd_strings *because, int64_t until, char *out,
                             size_t size) {
  out[0] = '\0';
  for (size_t i = 0; i < because->n; i++) {
    const char *b = because->v[i];
    char one[PD_ID_MAX + 200];
    if (strncmp(b, "hold:", 5) == 0) {
      const struct pd_hold *h = find_hold(e, b + 5);
      if (h)
        snprintf(one, sizeof one, "dispute hold %s (case %.120s)", b + 5, h->case_ref);
      else
        snprintf(one, sizeof one, "dispute hold %.*s", PD_ID_MAX, b + 5);
    } else if (strcmp(b, "legal:tax") == 0) {
      char date[16];
      fmt_date(date, sizeof date, until);
      if (until != PD_TIME_NONE)
        snprintf(one, sizeof one, "tax law: kept until %s", date);
      else
        snprintf(one, sizeof one, "tax law");
    } else {
      snprintf(one, sizeof one, "%.*s", (int)sizeof one - 1, b);
    }
    if (i) append(out, size, "; ");
    append(out, size, one);
  }
  if (!because->n) snprintf(out, size, "kept (no reason given)");
}

static void size_words(char *out, size_t size, int64_t records, int64_t bytes) {
  char b[32];
  fmt_bytes(b, sizeof b, bytes);
  if (!records && !bytes)
    snprintf(out, size, "no records");
  else
    snprintf(out, size, "%lld record%s, %s", (long long)records, records == 1 ? "" : "s", b);
}

/* The distinct hold ids the plan names, "hld_a, hld_b". */
static void hold_ids(const struct pd_erasure_preview *p, char *out, size_t size) {
  out[0] = '\0';
  for (size_t i = 0; i < p->n_retain; i++)
    for (size_t j = 0; j < p->retain[i].because.n; j++) {
      const char *b = p->retain[i].because.v[j];
      if (strncmp(b, "hold:", 5) != 0 || strstr(out, b + 5)) continue;
      if (out[0]) append(out, size, ", ");
      append(out, size, b + 5);
    }
}

/* Why d cannot erase now ("the request is waiting; ..."), or NULL when it
 * can as far as the screen knows (the backend checks everything again). */
static const char *refusal(const struct erasure *e, char *buf, size_t size) {
  const struct pd_request *r = e->req;
  if (is_done(e)) return "this erasure is done already (q goes back to the request)";
  if (!e->preview || !r) return "the plan is still loading";
  if (r->type != PD_TYPE_ERASURE) return "this is not an erasure request";
  if (r->status != PD_ST_IN_PROGRESS) {
    if (pd_status_is_open(r->status))
      snprintf(buf, size,
               "the request is %s; an erasure completes from \"in progress\" (q, then s on the request moves it)",
               status_label(r->status));
    else
      snprintf(buf, size, "the request is %s already", status_label(r->status));
    return buf;
  }
  if (!r->identity_verified)
    return "the requester's identity is not verified (q, then v on the request records the check)";
  if (e->preview->blocked)
    return "dispute holds cover every category that still holds data; a supervisor must release a hold first";
  return NULL;
}

/* ---- the view ---- */

static void fill_plan(struct erasure *e) {
  struct pd_detail *d = e->detail;
  const struct pd_erasure_preview *p = e->preview;
  const struct pd_request *r = e->req;
  char buf[1024], why[512];
  if (!p) {
    if (e->load_error[0])
      pd_detail_add_text(d, e->load_error, PD_STYLE_URGENT);
    else
      pd_detail_add_text(d, "Loading the erasure plan...", PD_STYLE_DIM);
    return;
  }
  pd_detail_add_heading(d, "Erasure plan (nothing has been changed yet)");
  if (r) {
    pd_detail_add_fieldf(d, "Request", r->status == PD_ST_IN_PROGRESS ? PD_STYLE_NORMAL : PD_STYLE_DUE_SOON,
                         "%s, %s, version %lld", r->id, status_label(r->status), (long long)r->version);
    pd_detail_add_fieldf(d, "Identity", r->identity_verified ? PD_STYLE_OK : PD_STYLE_URGENT, "%s%s%s%s",
                         r->identity_verified ? "verified" : "NOT verified", r->identity_method ? " (" : "",
                         r->identity_method ? r->identity_method : "", r->identity_method ? ")" : "");
  } else {
    pd_detail_add_fieldf(d, "Request", PD_STYLE_DIM, "%s (loading...)", e->id);
  }
  pd_detail_add_fieldf(d, "Account", PD_STYLE_NORMAL, "%s (%s)", p->confirm, p->account_id);
  pd_detail_add_fieldf(d, "Afterwards", PD_STYLE_NORMAL, "the account will be %s%s",
                       pd_account_status_name(p->account_status_after),
                       p->account_status_after == PD_ACC_ERASED ? " (nothing is kept)" : " (some data is kept)");
  char reason[512];
  const char *no = refusal(e, reason, sizeof reason);
  if (!console_can_write(e->con))
    pd_detail_add_fieldf(d, "Erase now", PD_STYLE_DIM, "no: %s (the plan only)",
                         e->con->read_only_flag ? "read-only session"
                         : e->con->have_me      ? "your role cannot erase"
                                                : "not signed in yet");
  else if (no)
    pd_detail_add_fieldf(d, "Erase now", PD_STYLE_URGENT, "no: %s", no);
  else if (e->write.intent && e->write.action == EA_ERASE)
    pd_detail_add_field(d, "Erase now", "outcome of the last attempt unknown: d sends the same request again "
                        "(the server never erases twice)", PD_STYLE_DUE_SOON);
  else
    pd_detail_add_field(d, "Erase now", "yes: press d, then type the account's e-mail address", PD_STYLE_OK);
  if (p->blocked) {
    hold_ids(p, why, sizeof why);
    pd_detail_add_blank(d);
    snprintf(buf, sizeof buf,
             "BLOCKED: active dispute holds (%s) cover every category that still holds data. "
             "Nothing can be erased until a supervisor releases a hold; d is refused until then.",
             why[0] ? why : "see the account");
    pd_detail_add_text(d, buf, PD_STYLE_ERROR);
  }
  int64_t bytes = 0;
  for (size_t i = 0; i < p->n_erase; i++) bytes += p->erase[i].bytes;
  char total[32];
  fmt_bytes(total, sizeof total, bytes);
  pd_detail_add_blank(d);
  if (p->n_erase)
    snprintf(buf, sizeof buf, "Will be ERASED: %zu categor%s, %s", p->n_erase, p->n_erase == 1 ? "y" : "ies", total);
  else
    snprintf(buf, sizeof buf, "Will be ERASED: nothing");
  pd_detail_add_heading(d, buf);
  for (size_t i = 0; i < p->n_erase; i++) {
    const struct pd_preview_item *it = &p->erase[i];
    size_words(why, sizeof why, it->records, it->bytes);
    snprintf(buf, sizeof buf, "%s (%s)", it->label, why);
    pd_detail_add_row(d, pd_category_key(it->key), buf, p->blocked ? PD_STYLE_DIM : PD_STYLE_NORMAL);
  }
  pd_detail_add_blank(d);
  if (p->n_retain)
    snprintf(buf, sizeof buf, "Will be RETAINED: %zu categor%s", p->n_retain, p->n_retain == 1 ? "y" : "ies");
  else
    snprintf(buf, sizeof buf, "Will be RETAINED: nothing");
  pd_detail_add_heading(d, buf);
  for (size_t i = 0; i < p->n_retain; i++) {
    const struct pd_preview_item *it = &p->retain[i];
    char size_text[64];
    size_words(size_text, sizeof size_text, it->records, it->bytes);
    reasons_in_words(e, &it->because, it->until, why, sizeof why);
    snprintf(buf, sizeof buf, "%s (%s) -- %s", it->label, size_text, why);
    pd_detail_add_row(d, pd_category_key(it->key), buf, PD_STYLE_DUE_SOON);
  }
}

static void fill_result(struct erasure *e) {
  struct pd_detail *d = e->detail;
  const struct pd_request *r = e->req;
  const struct pd_outcome *o = &r->result;
  char buf[1024], when[32];
  fmt_time(when, sizeof when, r->status_since);
  pd_detail_add_heading(d, "Erasure completed");
  snprintf(buf, sizeof buf, "%s: %zu categor%s erased, %zu retained; the account is now %s.",
           e->erased_here ? "Done" : "This request was completed earlier", o->erasure.n_erased,
           o->erasure.n_erased == 1 ? "y" : "ies", o->erasure.n_retained,
           pd_account_status_name(o->erasure.account_status));
  pd_detail_add_text(d, buf, PD_STYLE_OK);
  pd_detail_add_blank(d);
  pd_detail_add_fieldf(d, "Request", PD_STYLE_NORMAL, "%s, completed %s UTC", r->id, when);
  pd_detail_add_fieldf(d, "Account", PD_STYLE_NORMAL, "%s, now %s", r->account_id,
                       pd_account_status_name(o->erasure.account_status));
  pd_detail_add_blank(d);
  pd_detail_add_heading(d, "ERASED");
  if (!o->erasure.n_erased) pd_detail_add_text(d, "  nothing", PD_STYLE_DIM);
  for (size_t i = 0; i < o->erasure.n_erased; i++)
    pd_detail_add_row(d, pd_category_key(o->erasure.erased[i]), pd_category(o->erasure.erased[i])->label,
                      PD_STYLE_OK);
  pd_detail_add_blank(d);
  pd_detail_add_heading(d, "RETAINED");
  if (!o->erasure.n_retained) pd_detail_add_text(d, "  nothing", PD_STYLE_DIM);
  for (size_t i = 0; i < o->erasure.n_retained; i++) {
    const struct pd_retained *k = &o->erasure.retained[i];
    char why[512];
    reasons_in_words(e, &k->because, k->until, why, sizeof why);
    snprintf(buf, sizeof buf, "%s -- %s", pd_category(k->key)->label, why);
    pd_detail_add_row(d, pd_category_key(k->key), buf, PD_STYLE_DUE_SOON);
  }
  pd_detail_add_blank(d);
  pd_detail_add_text(d, "Press q to go back to the request (it reloads and shows the completed state).",
                     PD_STYLE_DIM);
}

static void rebuild(struct erasure *e) {
  int top = pd_detail_top(e->detail);
  pd_detail_clear(e->detail);
  if (is_done(e))
    fill_result(e);
  else
    fill_plan(e);
  pd_detail_set_top(e->detail, top);
}

/* ---- loading ---- */

static void load_holds(struct erasure *e) {
  if (!e->preview) return;
  struct pd_hold_query q = {.status = PD_HOLDS_ACTIVE, .account_id = e->preview->account_id, .limit = PD_PAGE_MAX};
  fetch_started(&e->f_holds, pd_list_holds(e->con->client, &q, NULL, fetch_callback, &e->f_holds));
}

static void load(struct erasure *e, bool conditional) {
  if (!e->req_from_opener)
    fetch_started(&e->f_request, pd_get_request(e->con->client, e->id,
                                                conditional && e->req_etag[0] ? e->req_etag : NULL, fetch_callback,
                                                &e->f_request));
  e->req_from_opener = false;
  if (is_done(e)) return; /* the plan of an erasure that is done has nothing left to say */
  fetch_started(&e->f_preview,
                pd_get_erasure_preview(e->con->client, e->id,
                                       conditional && e->preview_etag[0] ? e->preview_etag : NULL, fetch_callback,
                                       &e->f_preview));
}

/* ---- erasing ---- */

/* typed: the e-mail the person typed, or NULL to resend the last attempt. */
static void send_erasure(struct erasure *e, const char *typed) {
  /* a reload still in flight would answer with the state before the erasure */
  fetch_cancel(&e->f_request);
  fetch_cancel(&e->f_preview);
  const char *confirm = typed ? typed : write_draft(&e->write, EA_ERASE);
  if (!confirm) confirm = e->preview->confirm;
  pd_intent *in = write_intent(&e->write, EA_ERASE, confirm);
  pd_call *call;
  if (in && pd_intent_is_bound(in)) /* the same request again, with the same key */
    call = pd_intent_resubmit(e->con->client, in, fetch_callback, &e->write.f);
  else
    call = pd_complete_request(e->con->client, e->id, e->req->version, in, confirm, fetch_callback, &e->write.f);
  fetch_started(&e->write.f, call);
  pd_app_message(e->con->app, PD_MSG_INFO, "Erasing...");
}

static bool ready_to_erase(struct erasure *e) {
  char buf[512];
  if (!console_check_write(e->con, "erase personal data")) return false;
  if (fetch_pending(&e->write.f)) {
    pd_app_message(e->con->app, PD_MSG_ERROR, "Still waiting for the server's answer to the erasure");
    return false;
  }
  const char *no = refusal(e, buf, sizeof buf);
  if (no) {
    pd_app_message(e->con->app, PD_MSG_ERROR, "Cannot erase: %s", no);
    return false;
  }
  return true;
}

static void erase_confirmed(struct pd_app *app, bool yes, void *ctx) {
  struct erasure *e = ctx;
  if (!yes) {
    pd_app_message(app, PD_MSG_INFO, "Cancelled: nothing was erased");
    return;
  }
  /* the backend checks the confirmation too: send what the person typed */
  const char *typed = pd_app_confirm_typed(app);
  if (ready_to_erase(e)) send_erasure(e, typed[0] ? typed : NULL);
}

static void start_erase(struct erasure *e) {
  if (!ready_to_erase(e)) return;
  const struct pd_erasure_preview *p = e->preview;
  struct pd_confirm c;
  char message[1024];
  if (e->write.intent && e->write.action == EA_ERASE && pd_intent_is_bound(e->write.intent) &&
      write_draft(&e->write, EA_ERASE) && strcasecmp(write_draft(&e->write, EA_ERASE), p->confirm) == 0) {
    snprintf(message, sizeof message,
             "The last erasure of %s was sent, but its outcome is unknown. Send the same request again? "
             "If the server did it already, it only reports the result.", p->confirm);
    if (pd_confirm_init_yesno(&c, "Resend the erasure", message, false) == 0)
      pd_app_confirm(e->con->app, &c, erase_confirmed, e);
    return;
  }
  int64_t bytes = 0;
  for (size_t i = 0; i < p->n_erase; i++) bytes += p->erase[i].bytes;
  char total[32];
  fmt_bytes(total, sizeof total, bytes);
  snprintf(message, sizeof message,
           "This erases %zu categor%s of personal data (%s) for good and keeps %zu. The account will be %s. "
           "It cannot be undone.", p->n_erase, p->n_erase == 1 ? "y" : "ies", total, p->n_retain,
           pd_account_status_name(p->account_status_after));
  if (pd_confirm_init_typed(&c, "Erase personal data", message, p->confirm, true) == 0)
    pd_app_confirm(e->con->app, &c, erase_confirmed, e);
}

static void erase_arrived(struct erasure *e, struct reply *r) {
  write_finished(&e->write, r);
  if (r->ok) {
    pd_request_free(e->req);
    e->req = reply_take(r);
    snprintf(e->req_etag, sizeof e->req_etag, "%s", r->etag);
    e->erased_here = true;
    if (is_done(e))
      pd_app_message(e->con->app, PD_MSG_INFO, "Erased%s: %zu categories erased, %zu retained; the account is now %s",
                     r->replayed ? " (the server had done it already)" : "", e->req->result.erasure.n_erased,
                     e->req->result.erasure.n_retained, pd_account_status_name(e->req->result.erasure.account_status));
    else
      pd_app_message(e->con->app, PD_MSG_INFO, "The request is %s", status_label(e->req->status));
    return;
  }
  switch (r->error.kind) {
  case PD_E_PRECONDITION_FAILED:
    pd_app_message(e->con->app, PD_MSG_ERROR, "Could not erase: changed by someone else; nothing erased, plan reloaded");
    load(e, false);
    break;
  case PD_E_CONFIRMATION_MISMATCH:
  case PD_E_HOLD_ACTIVE:
  case PD_E_IDENTITY_NOT_VERIFIED:
  case PD_E_INVALID_TRANSITION:
    console_error(e->con, &r->error, "erase");
    load(e, false); /* the plan, the e-mail or the request changed: show what holds now */
    break;
  default: console_error(e->con, &r->error, "erase"); break;
  }
}

/* ---- screen callbacks ---- */

static bool preview_names_holds(const struct pd_erasure_preview *p) {
  for (size_t i = 0; i < p->n_retain; i++)
    for (size_t j = 0; j < p->retain[i].because.n; j++)
      if (strncmp(p->retain[i].because.v[j], "hold:", 5) == 0) return true;
  return false;
}

static unsigned e_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  struct erasure *e = (struct erasure *)s;
  struct reply *r = payload;
  if (kind == KIND_ERASE) {
    erase_arrived(e, r);
  } else if (!r->ok) {
    console_error(e->con, &r->error,
                  kind == KIND_PREVIEW ? "load the erasure plan" : kind == KIND_REQUEST ? "load the request"
                                                                                       : "load the holds");
    if (kind == KIND_PREVIEW && r->error.kind != PD_E_CANCELLED)
      snprintf(e->load_error, sizeof e->load_error, "Could not load the erasure plan: %s. r tries again.",
               r->error.detail[0] ? r->error.detail : pd_error_kind_sentence(r->error.kind));
  } else if (!r->not_modified) {
    switch (kind) {
    case KIND_PREVIEW:
      pd_erasure_preview_free(e->preview);
      e->preview = reply_take(r);
      e->load_error[0] = '\0';
      snprintf(e->preview_etag, sizeof e->preview_etag, "%s", r->etag);
      if (preview_names_holds(e->preview)) load_holds(e);
      break;
    case KIND_REQUEST:
      pd_request_free(e->req);
      e->req = reply_take(r);
      snprintf(e->req_etag, sizeof e->req_etag, "%s", r->etag);
      break;
    case KIND_HOLDS:
      pd_hold_page_free(e->holds);
      e->holds = reply_take(r);
      break;
    default: break;
    }
  }
  reply_free(r);
  rebuild(e);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static unsigned e_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  (void)app;
  struct erasure *e = (struct erasure *)s;
  if (pd_detail_action(e->detail, action)) return PD_REDRAW_BODY;
  switch (action) {
  case PD_ACT_REFRESH:
    if (!fetch_pending(&e->write.f)) load(e, true); /* never change the plan under an erasure in flight */
    return PD_REDRAW_STATUS;
  case PD_ACT_ERASE_CONFIRM: start_erase(e); return PD_REDRAW_STATUS | PD_REDRAW_BODY;
  default: return PD_UNHANDLED;
  }
}

static void e_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct erasure *e = (struct erasure *)s;
  e->base.hints = console_can_write(e->con) ? hints_write : hints_read;
  if (!e->preview && !fetch_pending(&e->f_preview)) load(e, false);
}

static void e_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  (void)full;
  pd_detail_draw(((struct erasure *)s)->detail, win, r);
}

static const char *e_help(struct pd_screen *s) {
  (void)s;
  return "The erasure plan: what would be erased and what kept, and why (dispute holds, tax law).\n"
         "d erases: type the account's e-mail address to confirm. The backend checks it again, refuses\n"
         "while holds cover everything, and never erases held data. If the answer is lost (offline),\n"
         "d sends the same request again, which the server does not carry out twice.";
}

static void e_destroy(struct pd_screen *s) {
  struct erasure *e = (struct erasure *)s;
  fetch_cancel(&e->f_preview);
  fetch_cancel(&e->f_request);
  fetch_cancel(&e->f_holds);
  write_free(&e->write);
  pd_erasure_preview_free(e->preview);
  pd_request_free(e->req);
  pd_hold_page_free(e->holds);
  pd_detail_free(e->detail);
  free(e);
}

static const struct pd_screen_ops erasure_ops = {
  .scope = "erasure", .enter = e_enter, .key = e_key, .data_arrived = e_data, .draw = e_draw, .help = e_help,
  .destroy = e_destroy,
};

/* What the screen reads of an open request, copied from the opener's. */
static struct pd_request *known_copy(const struct pd_request *r) {
  struct pd_request *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->id = strdup(r->id);
  c->identity_method = r->identity_method ? strdup(r->identity_method) : NULL;
  if (!c->id || (r->identity_method && !c->identity_method)) {
    pd_request_free(c);
    return NULL;
  }
  c->type = r->type;
  c->regime = r->regime;
  c->status = r->status;
  c->priority = r->priority;
  c->identity_verified = r->identity_verified;
  c->version = r->version;
  c->status_since = r->status_since;
  c->acknowledged_at = c->ack_due_at = PD_TIME_NONE;
  return c;
}

/* known: the request as the opener has it (NULL: fetched here), with its
 * ETag; an open request's copy saves a round trip. */
struct pd_screen *erasure_screen_new(struct console *con, const char *request_id, const struct pd_request *known,
                                     const char *known_etag) {
  struct erasure *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->base.ops = &erasure_ops;
  /* hints are chosen again in enter(); the role is known by the time a request screen opens this one */
  e->base.hints = console_can_write(con) ? hints_write : hints_read;
  snprintf(e->base.title, sizeof e->base.title, "Erasure");
  e->con = con;
  snprintf(e->id, sizeof e->id, "%s", request_id ? request_id : "");
  fetch_init(&e->f_preview, con, &e->base, KIND_PREVIEW);
  fetch_init(&e->f_request, con, &e->base, KIND_REQUEST);
  fetch_init(&e->f_holds, con, &e->base, KIND_HOLDS);
  write_init(&e->write, con, &e->base, KIND_ERASE);
  e->detail = pd_detail_new();
  if (!e->detail) {
    free(e);
    return NULL;
  }
  if (known && known->id && strcmp(known->id, e->id) == 0 && pd_status_is_open(known->status) &&
      (e->req = known_copy(known)) != NULL) {
    e->req_from_opener = true;
    snprintf(e->req_etag, sizeof e->req_etag, "%s", known_etag ? known_etag : "");
  }
  rebuild(e);
  return &e->base;
}
