/* Account detail: status, jurisdiction, the MINOR and ERASED warnings,
 * consents with the analytics / marketing toggles, the active holds and the
 * open requests. Tabs (Tab / BTab): Overview | Holds | Requests; Enter on a
 * hold shows it in full, on a request opens it. Writes: a / m toggle a
 * consent (reason, yes/no, PATCH with If-Match), H places a dispute hold
 * (supervisors: category picker, case reference, reason, yes/no, POST with
 * an idempotency intent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/picker.h"
#include "tui/detail.h"
#include "tui/table.h"
#include "tui/tabs.h"

enum { KIND_LOAD, KIND_WRITE };
enum acc_action { AA_ANALYTICS, AA_MARKETING, AA_HOLD };
enum { TAB_OVERVIEW, TAB_HOLDS, TAB_REQUESTS, TAB_COUNT };
enum { REASON_MAX = 500, CASE_MAX = 128, HOLD_REASON_MAX = 2000 };

struct account_screen {
  struct pd_screen base;
  struct console *con;
  char id[PD_ID_MAX + 1];
  struct pd_account_detail *acc;
  char etag[PD_ERROR_ETAG_MAX];
  struct fetch load;
  struct write_op write;
  int sent_action; /* the action of the write in flight */
  bool load_failed; /* the first load failed (the status line said why) */
  int tab;
  char tab_text[TAB_COUNT][32];
  struct pd_detail *detail;
  struct pd_table *holds, *reqs;
  /* the toggle being asked for: which, to what, at which version */
  int toggle;
  bool toggle_on;
  int64_t toggle_version;
  char toggle_reason[2048];
  /* the hold being placed: kept until it is placed, so H shows it again */
  struct category_choice hold_cats;
  char hold_case[1024];
  char hold_reason[8192];
  /* a reason refused locally (blank, too long): offered again */
  int local_action;
  char local_draft[8192];
};

static const struct pd_table_column hold_cols[] = {
  {"Id", 20, 20, 0, 0}, {"Case", 8, 24, 2, 0}, {"Categories", 12, 0, 4, 0},
  {"Placed by", 9, 12, 0, 0}, {"Placed at", 16, 16, 0, 0},
};
static const struct pd_table_column req_cols[] = {
  {"Due", 11, 12, 0, 0}, {"Pri", 3, 3, 0, 0}, {"Type", 9, 13, 1, 0},
  {"Status", 11, 11, 0, 0}, {"Assignee", 8, 16, 1, 0}, {"Id", 20, 20, 0, 0},
};

static size_t utf8_chars(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static bool blank(const char *s) {
  for (; *s; s++)
    if (*s != ' ' && *s != '\t') return false;
  return true;
}

static void copy_utf8(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) {
    n = size - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static const char *label(const struct account_screen *as) { return as->acc ? as->acc->account.email : as->id; }

/* An erasure that had to keep something closes the account instead of
 * erasing it, but the e-mail is replaced by erased+<id>@invalid all the same. */
static bool email_erased(const struct pd_account *a) {
  size_t n = strlen(a->email);
  return strncmp(a->email, "erased+", 7) == 0 && n > 15 && strcmp(a->email + n - 8, "@invalid") == 0;
}

/* ---- tables ---- */

static void format_hold(void *ctx, size_t i, struct pd_table_row *out) {
  struct account_screen *as = ctx;
  if (!as->acc || i >= as->acc->n_holds) return;
  const struct pd_hold *h = &as->acc->holds[i];
  char cats[PD_TABLE_CELL_MAX], when[32];
  hold_categories_text(cats, sizeof cats, h);
  fmt_time(when, sizeof when, h->placed_at);
  pd_table_row_set(out, 0, h->id);
  pd_table_row_set(out, 1, h->case_ref);
  pd_table_row_set(out, 2, cats);
  pd_table_row_set(out, 3, h->placed_by);
  pd_table_row_set(out, 4, when);
}

static void format_req(void *ctx, size_t i, struct pd_table_row *out) {
  struct account_screen *as = ctx;
  if (!as->acc || i >= as->acc->n_requests) return;
  const struct pd_request *r = &as->acc->requests[i];
  int64_t now = (int64_t)time(NULL);
  char due[32];
  fmt_due(due, sizeof due, r, now);
  pd_table_row_set(out, 0, due);
  pd_table_row_set(out, 1, r->priority == PD_PRIO_URGENT ? "URG" : "");
  pd_table_row_set(out, 2, pd_request_type_name(r->type));
  pd_table_row_set(out, 3, status_label(r->status));
  pd_table_row_set(out, 4, r->assignee ? r->assignee : "-");
  pd_table_row_set(out, 5, r->id);
  pd_table_row_set_role(out, request_style(r, now));
}

static const struct pd_table_ops hold_ops = {format_hold, NULL};
static const struct pd_table_ops req_ops = {format_req, NULL};

/* ---- the overview ---- */

static void fill_overview(struct account_screen *as) {
  struct pd_detail *d = as->detail;
  const struct pd_account *a = &as->acc->account;
  char buf[256], when[32];
  int top = pd_detail_top(d);
  pd_detail_clear(d);
  bool gone = a->status == PD_ACC_ERASED || email_erased(a);
  pd_detail_add_fieldf(d, "E-mail", gone ? PD_STYLE_DIM : PD_STYLE_NORMAL, "%s%s", a->email,
                       gone ? " (erased)" : "");
  pd_detail_add_field(d, "Name", a->name[0] ? a->name : "(none)", a->name[0] ? PD_STYLE_NORMAL : PD_STYLE_DIM);
  if (a->status == PD_ACC_ACTIVE) {
    pd_detail_add_field(d, "Status", "active", PD_STYLE_OK);
  } else {
    fmt_date(when, sizeof when, a->closed_at);
    pd_detail_add_fieldf(d, "Status", a->status == PD_ACC_ERASED ? PD_STYLE_URGENT : PD_STYLE_DUE_SOON, "%s%s%s",
                         a->status == PD_ACC_ERASED ? "ERASED (personal data removed)" : "closed",
                         a->closed_at != PD_TIME_NONE ? " since " : "", a->closed_at != PD_TIME_NONE ? when : "");
  }
  pd_detail_add_fieldf(d, "Jurisdiction", PD_STYLE_NORMAL, "%s (%s)", pd_jurisdiction_name(a->jurisdiction),
                       a->jurisdiction == PD_JUR_US_CA ? "CCPA" : "GDPR");
  fmt_time(when, sizeof when, a->created_at);
  pd_detail_add_field(d, "Created", when, PD_STYLE_NORMAL);
  fmt_time(when, sizeof when, a->closed_at);
  pd_detail_add_field(d, "Closed", when, a->closed_at == PD_TIME_NONE ? PD_STYLE_DIM : PD_STYLE_NORMAL);
  pd_detail_add_field(d, "Minor", a->is_minor ? "YES: believed under 13" : "no",
                      a->is_minor ? PD_STYLE_URGENT : PD_STYLE_NORMAL);
  pd_detail_add_heading(d, "Consents");
  pd_detail_add_field(d, "Analytics", a->analytics_enabled ? "on (the default)" : "OFF (switched off)",
                      a->analytics_enabled ? PD_STYLE_NORMAL : PD_STYLE_DUE_SOON);
  fmt_time(when, sizeof when, a->marketing_consent_at);
  if (a->marketing_consent)
    snprintf(buf, sizeof buf, "consent given %s", when);
  else if (a->marketing_consent_at != PD_TIME_NONE)
    snprintf(buf, sizeof buf, "no consent (changed %s)", when);
  else
    snprintf(buf, sizeof buf, "no consent");
  pd_detail_add_field(d, "Marketing", buf, a->marketing_consent ? PD_STYLE_OK : PD_STYLE_NORMAL);
  snprintf(buf, sizeof buf, "Active holds (%zu)", as->acc->n_holds);
  pd_detail_add_heading(d, buf);
  if (!as->acc->n_holds) pd_detail_add_text(d, "none", PD_STYLE_DIM);
  for (size_t i = 0; i < as->acc->n_holds; i++) {
    const struct pd_hold *h = &as->acc->holds[i];
    char cats[200], line[400];
    hold_categories_text(cats, sizeof cats, h);
    fmt_date(when, sizeof when, h->placed_at);
    snprintf(line, sizeof line, "case %s: %s (by %s, %s)", h->case_ref, cats, h->placed_by, when);
    pd_detail_add_row(d, h->id, line, PD_STYLE_DUE_SOON);
  }
  snprintf(buf, sizeof buf, "Open requests (%zu)", as->acc->n_requests);
  pd_detail_add_heading(d, buf);
  if (!as->acc->n_requests) pd_detail_add_text(d, "none", PD_STYLE_DIM);
  int64_t now = (int64_t)time(NULL);
  for (size_t i = 0; i < as->acc->n_requests; i++) {
    const struct pd_request *r = &as->acc->requests[i];
    char due[32], line[256];
    fmt_due(due, sizeof due, r, now);
    snprintf(line, sizeof line, "%s %s, %s, %s", due, pd_request_type_name(r->type), status_label(r->status),
             r->assignee ? r->assignee : "unassigned");
    pd_detail_add_row(d, r->id, line, request_style(r, now));
  }
  if (as->acc->n_requests) pd_detail_add_text(d, "Tab to Requests, then Enter, opens one.", PD_STYLE_DIM);
  pd_detail_add_heading(d, "Record");
  pd_detail_add_field(d, "Id", a->id, PD_STYLE_NORMAL);
  fmt_time(when, sizeof when, a->updated_at);
  pd_detail_add_fieldf(d, "Version", PD_STYLE_DIM, "%lld (updated %s)", (long long)a->version, when);
  pd_detail_set_top(d, top);
}

static void rebuild(struct account_screen *as) {
  fill_overview(as);
  pd_table_set_count(as->holds, as->acc->n_holds, false);
  pd_table_set_count(as->reqs, as->acc->n_requests, false);
  snprintf(as->tab_text[TAB_OVERVIEW], sizeof as->tab_text[0], "Overview");
  snprintf(as->tab_text[TAB_HOLDS], sizeof as->tab_text[0], "Holds (%zu)", as->acc->n_holds);
  snprintf(as->tab_text[TAB_REQUESTS], sizeof as->tab_text[0], "Requests (%zu)", as->acc->n_requests);
  copy_utf8(as->base.title, sizeof as->base.title, as->acc->account.email);
}

static void load(struct account_screen *as, bool conditional) {
  fetch_started(&as->load, pd_get_account(as->con->client, as->id, conditional && as->etag[0] ? as->etag : NULL,
                                          fetch_callback, &as->load));
}

/* ---- writes ---- */

static bool ready_to_write(struct account_screen *as, const char *what) {
  if (!console_check_write(as->con, what)) return false;
  if (!as->acc) {
    pd_app_message(as->con->app, PD_MSG_ERROR, "The account is still loading");
    return false;
  }
  if (as->acc->account.status == PD_ACC_ERASED) {
    pd_app_message(as->con->app, PD_MSG_ERROR, "The account is erased: cannot %s", what);
    return false;
  }
  if (fetch_pending(&as->write.f)) {
    pd_app_message(as->con->app, PD_MSG_ERROR, "Still waiting for the previous action");
    return false;
  }
  return true;
}

static void keep_local(struct account_screen *as, int action, const char *text) {
  as->local_action = action;
  copy_utf8(as->local_draft, sizeof as->local_draft, text);
}

/* What a reason prompt starts with: text refused locally, else the draft of
 * a failed write of the same action and direction ("on|off <version>\n<reason>"). */
static const char *initial_reason(const struct account_screen *as, int action, bool on) {
  if (as->local_action == action && as->local_draft[0]) return as->local_draft;
  const char *d = write_draft(&as->write, action);
  const char *dir = on ? "on " : "off ";
  if (!d || strncmp(d, dir, strlen(dir)) != 0) return NULL;
  const char *nl = strchr(d, '\n');
  return nl ? nl + 1 : NULL;
}

static const char *toggle_what(const struct account_screen *as) {
  if (as->toggle == AA_ANALYTICS) return as->toggle_on ? "switch analytics on" : "switch analytics off";
  return as->toggle_on ? "record marketing consent" : "withdraw marketing consent";
}

static void toggle_confirmed(struct pd_app *app, bool yes, void *ctx) {
  struct account_screen *as = ctx;
  if (!yes) {
    keep_local(as, as->toggle, as->toggle_reason);
    pd_app_message(app, PD_MSG_INFO, "Nothing changed");
    return;
  }
  if (!ready_to_write(as, toggle_what(as))) return;
  struct pd_account_patch p = {.reason = as->toggle_reason};
  enum pd_flag v = as->toggle_on ? PD_FLAG_TRUE : PD_FLAG_FALSE;
  if (as->toggle == AA_ANALYTICS)
    p.analytics_enabled = v;
  else
    p.marketing_consent = v;
  /* the draft names direction and version, so a retry after a timeout
   * replays the same PATCH and a changed account gets a fresh intent */
  char draft[2200];
  snprintf(draft, sizeof draft, "%s %lld\n%s", as->toggle_on ? "on" : "off", (long long)as->toggle_version,
           as->toggle_reason);
  pd_intent *in = write_intent(&as->write, as->toggle, draft);
  as->local_draft[0] = '\0';
  as->sent_action = as->toggle;
  fetch_started(&as->write.f, pd_update_account(as->con->client, as->id, as->toggle_version, in, &p, fetch_callback,
                                                &as->write.f));
}

static void toggle_reason_done(struct pd_app *app, const char *text, void *ctx) {
  struct account_screen *as = ctx;
  if (!text) return;
  if (blank(text) || utf8_chars(text) > REASON_MAX) {
    keep_local(as, as->toggle, text);
    pd_app_message(app, PD_MSG_ERROR, blank(text) ? "A reason is required; nothing was sent"
                                                  : "The reason is longer than 500 characters; nothing was sent");
    return;
  }
  snprintf(as->toggle_reason, sizeof as->toggle_reason, "%s", text);
  const struct pd_account *a = &as->acc->account;
  char msg[2600];
  snprintf(msg, sizeof msg, "%s for %s?\nReason: %s",
           as->toggle == AA_ANALYTICS ? (as->toggle_on ? "Switch service analytics ON" : "Switch service analytics OFF")
                                      : (as->toggle_on ? "Record marketing consent" : "Withdraw marketing consent"),
           a->email, text);
  struct pd_confirm c;
  if (pd_confirm_init_yesno(&c, as->toggle == AA_ANALYTICS ? "Analytics" : "Marketing consent", msg, false) == 0)
    pd_app_confirm(app, &c, toggle_confirmed, as);
}

static void start_toggle(struct account_screen *as, int action) {
  const struct pd_account *a = &as->acc->account;
  as->toggle = action;
  as->toggle_on = action == AA_ANALYTICS ? !a->analytics_enabled : !a->marketing_consent;
  as->toggle_version = a->version;
  char label[64];
  snprintf(label, sizeof label, "%s %s, reason: ", action == AA_ANALYTICS ? "Analytics" : "Marketing consent",
           as->toggle_on ? "on" : "off");
  struct pd_prompt_opts o = {.label = label, .initial = initial_reason(as, action, as->toggle_on),
                             .done = toggle_reason_done, .ctx = as};
  pd_app_prompt(as->con->app, &o);
}

static void hold_confirmed(struct pd_app *app, bool yes, void *ctx) {
  struct account_screen *as = ctx;
  if (!yes) {
    pd_app_message(app, PD_MSG_INFO, "No hold placed (H again keeps what you typed)");
    return;
  }
  if (!ready_to_write(as, "place a hold")) return;
  enum pd_category cats[PD_CATEGORY_COUNT];
  struct pd_new_hold h = {.reason = as->hold_reason, .case_ref = as->hold_case, .all_categories = as->hold_cats.all,
                          .categories = cats, .n_categories = category_choice_list(as->hold_cats, cats)};
  char text[256], draft[9600];
  category_choice_text(text, sizeof text, as->hold_cats);
  snprintf(draft, sizeof draft, "%s\n%s\n%s", text, as->hold_case, as->hold_reason);
  pd_intent *in = write_intent(&as->write, AA_HOLD, draft);
  as->sent_action = AA_HOLD;
  fetch_started(&as->write.f, pd_place_hold(as->con->client, as->id, in, &h, fetch_callback, &as->write.f));
}

static void hold_reason_done(struct pd_app *app, const char *text, void *ctx) {
  struct account_screen *as = ctx;
  if (!text) return;
  copy_utf8(as->hold_reason, sizeof as->hold_reason, text);
  if (blank(text) || utf8_chars(text) > HOLD_REASON_MAX) {
    pd_app_message(app, PD_MSG_ERROR, blank(text) ? "A hold needs a reason; nothing was sent"
                                                  : "The reason is longer than 2000 characters; nothing was sent");
    return;
  }
  char cats[256], msg[2600];
  category_choice_text(cats, sizeof cats, as->hold_cats);
  snprintf(msg, sizeof msg,
           "Place a dispute hold on %s of %s, case %s?\nWhile it is active these categories are never erased.",
           cats, as->acc ? as->acc->account.email : as->id, as->hold_case);
  struct pd_confirm c;
  if (pd_confirm_init_yesno(&c, "Place dispute hold", msg, false) == 0) pd_app_confirm(app, &c, hold_confirmed, as);
}

static void hold_case_done(struct pd_app *app, const char *text, void *ctx) {
  struct account_screen *as = ctx;
  if (!text) return;
  copy_utf8(as->hold_case, sizeof as->hold_case, text);
  if (blank(text) || utf8_chars(text) > CASE_MAX) {
    pd_app_message(app, PD_MSG_ERROR, blank(text) ? "A hold needs a case reference; nothing was sent"
                                                  : "The case reference is longer than 128 characters");
    return;
  }
  struct pd_prompt_opts o = {.label = "Reason for the hold (required): ",
                             .initial = as->hold_reason[0] ? as->hold_reason : NULL, .done = hold_reason_done,
                             .ctx = as};
  pd_app_prompt(app, &o);
}

static void categories_chosen(struct pd_app *app, struct pd_screen *owner, struct category_choice c) {
  struct account_screen *as = (struct account_screen *)owner;
  as->hold_cats = c;
  struct pd_prompt_opts o = {.label = "Case reference (required): ", .initial = as->hold_case[0] ? as->hold_case : NULL,
                             .done = hold_case_done, .ctx = as};
  pd_app_prompt(app, &o);
}

static void start_hold(struct account_screen *as) {
  if (!console_is_supervisor(as->con)) {
    pd_app_message(as->con->app, PD_MSG_ERROR,
                   "Only supervisors place dispute holds (you are %s); ask a supervisor", pd_role_name(as->con->role));
    return;
  }
  char title[64];
  snprintf(title, sizeof title, "Place hold: categories");
  pd_app_push(as->con->app, picker_screen_new(&as->base, title, as->hold_cats, categories_chosen));
}

static void write_arrived(struct account_screen *as, struct reply *r) {
  write_finished(&as->write, r);
  const char *what = as->sent_action == AA_HOLD ? "place the hold" : toggle_what(as);
  if (!r->ok) {
    console_error(as->con, &r->error, what);
    if (r->error.kind == PD_E_PRECONDITION_FAILED || r->error.kind == PD_E_HOLD_ACTIVE) load(as, false);
    return;
  }
  if (as->sent_action == AA_HOLD) {
    const struct pd_hold *h = r->value;
    char cats[256];
    category_choice_text(cats, sizeof cats, as->hold_cats);
    pd_app_message(as->con->app, PD_MSG_INFO, "Placed hold %s (case %s) on %s%s", h ? h->id : "?", as->hold_case, cats,
                   r->replayed ? " (the server had it already)" : "");
    as->hold_cats = (struct category_choice){0};
    as->hold_case[0] = as->hold_reason[0] = '\0';
    load(as, false);
    return;
  }
  pd_account_detail_free(as->acc);
  as->acc = reply_take(r);
  snprintf(as->etag, sizeof as->etag, "%s", r->etag);
  rebuild(as);
  pd_app_message(as->con->app, PD_MSG_INFO, "Done: %s%s", what, r->replayed ? " (the server had it already)" : "");
}

/* ---- screen callbacks ---- */

static const char hints_sup[] = "a analytics  m marketing  H hold  i inventory  h holds  R reqs  L log  ? help";
static const char hints_agent[] = "a analytics  m marketing  i inventory  h holds  R requests  L log  ? help";
static const char hints_read[] = "Tab tabs  Enter open  i inventory  h holds  R requests  L audit log  ? help";

/* Also chosen at construction: the app copies the hints before enter(). */
static const char *choose_hints(const struct console *con) {
  return console_is_supervisor(con) ? hints_sup : console_can_write(con) ? hints_agent : hints_read;
}

static void as_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct account_screen *as = (struct account_screen *)s;
  as->base.hints = choose_hints(as->con);
  if (!fetch_pending(&as->load)) load(as, as->acc != NULL);
}

static unsigned as_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  struct account_screen *as = (struct account_screen *)s;
  struct reply *r = payload;
  if (kind == KIND_WRITE) {
    write_arrived(as, r);
  } else if (!r->ok) {
    console_error(as->con, &r->error, "load the account");
    as->load_failed = !as->acc;
  } else if (r->not_modified) {
    reply_free(r);
    return PD_REDRAW_HEADER;
  } else {
    pd_account_detail_free(as->acc);
    as->acc = reply_take(r);
    snprintf(as->etag, sizeof as->etag, "%s", r->etag);
    rebuild(as);
  }
  reply_free(r);
  return PD_REDRAW_ALL;
}

static struct pd_table *tab_table(struct account_screen *as) {
  return as->tab == TAB_HOLDS ? as->holds : as->tab == TAB_REQUESTS ? as->reqs : NULL;
}

static unsigned open_selected(struct account_screen *as, struct pd_app *app) {
  if (as->tab == TAB_OVERVIEW) {
    pd_app_message(app, PD_MSG_INFO, "Tab switches to Holds and Requests; Enter opens the selected one there");
    return PD_REDRAW_STATUS;
  }
  size_t i = pd_table_cursor(tab_table(as));
  if (as->tab == TAB_HOLDS && i < as->acc->n_holds)
    pd_app_push(app, hold_report_screen(&as->acc->holds[i], as->acc->account.email));
  if (as->tab == TAB_REQUESTS && i < as->acc->n_requests)
    pd_app_push(app, request_screen_new(as->con, as->acc->requests[i].id));
  return PD_OK;
}

static unsigned as_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct account_screen *as = (struct account_screen *)s;
  struct pd_table *t = as->acc ? tab_table(as) : NULL;
  if (action == PD_ACT_MARK) return PD_OK;
  if (t ? pd_table_action(t, action) : pd_detail_action(as->detail, action)) return PD_REDRAW_BODY;
  switch (action) {
  case PD_ACT_REFRESH: load(as, true); return PD_REDRAW_STATUS;
  case PD_ACT_ACC_INVENTORY: pd_app_push(app, inventory_screen_new(as->con, as->id, label(as))); return PD_OK;
  case PD_ACT_ACC_HOLDS: pd_app_push(app, holds_screen_new(as->con, as->id)); return PD_OK;
  case PD_ACT_ACC_REQUESTS: pd_app_push(app, queue_screen_new_for_account(as->con, as->id, label(as))); return PD_OK;
  case PD_ACT_ACC_AUDIT: pd_app_push(app, audit_screen_new(as->con, as->id, NULL, NULL)); return PD_OK;
  default: break;
  }
  if (!as->acc) return action == PD_ACT_NONE ? PD_OK : PD_UNHANDLED;
  switch (action) {
  case PD_ACT_NEXT_TAB:
  case PD_ACT_PREV_TAB:
    as->tab = pd_tabs_step(as->tab, TAB_COUNT, action == PD_ACT_NEXT_TAB ? 1 : -1);
    return PD_REDRAW_ALL;
  case PD_ACT_OPEN: return open_selected(as, app);
  case PD_ACT_ACC_ANALYTICS:
    if (ready_to_write(as, as->acc->account.analytics_enabled ? "switch analytics off" : "switch analytics on"))
      start_toggle(as, AA_ANALYTICS);
    return PD_REDRAW_STATUS;
  case PD_ACT_ACC_MARKETING:
    if (ready_to_write(as, "change the marketing consent")) start_toggle(as, AA_MARKETING);
    return PD_REDRAW_STATUS;
  case PD_ACT_ACC_PLACE_HOLD:
    if (ready_to_write(as, "place a hold")) start_hold(as);
    return PD_REDRAW_STATUS;
  default: return PD_UNHANDLED;
  }
}

/* The warning lines above the tabs; returns how many were drawn. */
static int draw_warnings(struct account_screen *as, WINDOW *win, struct pd_rect r) {
  const struct pd_account *a = &as->acc->account;
  int y = r.y;
  char line[160];
  if (a->status == PD_ACC_ERASED)
    pd_draw_text(win, y++, r.x, r.w, " ERASED: personal data removed; the e-mail and name are placeholders ",
                 pd_theme_attr(PD_STYLE_URGENT) | A_REVERSE, PD_DRAW_PAD);
  else if (email_erased(a))
    pd_draw_text(win, y++, r.x, r.w, " ERASED (account closed): some records are kept by law; i shows them ",
                 pd_theme_attr(PD_STYLE_URGENT) | A_REVERSE, PD_DRAW_PAD);
  if (a->is_minor)
    pd_draw_text(win, y++, r.x, r.w, " MINOR: this account is believed to belong to a child under 13 ",
                 pd_theme_attr(PD_STYLE_URGENT) | A_REVERSE, PD_DRAW_PAD);
  if (as->acc->n_holds) {
    snprintf(line, sizeof line, " ON HOLD: %zu active dispute hold%s; held categories are never erased ",
             as->acc->n_holds, as->acc->n_holds == 1 ? "" : "s");
    pd_draw_text(win, y++, r.x, r.w, line, pd_theme_attr(PD_STYLE_DUE_SOON), PD_DRAW_PAD);
  }
  return y - r.y;
}

static void as_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct account_screen *as = (struct account_screen *)s;
  if (!as->acc) {
    wmove(win, r.y, r.x);
    wclrtobot(win);
    pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2,
                 as->load_failed ? "The account could not be loaded (the status line says why); r retries."
                                 : "Loading the account…",
                 pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  int n = draw_warnings(as, win, r);
  const char *labels[TAB_COUNT] = {as->tab_text[0], as->tab_text[1], as->tab_text[2]};
  pd_tabs_draw(win, r.y + n, r.x, r.w, labels, TAB_COUNT, as->tab);
  struct pd_rect b = {r.y + n + 1, r.x, r.h - n - 1, r.w};
  if (b.h <= 0) return;
  struct pd_table *t = tab_table(as);
  size_t rows = as->tab == TAB_HOLDS ? as->acc->n_holds : as->acc->n_requests;
  if (t && !rows) {
    pd_draw_clear_rect(win, b, pd_theme_attr(PD_STYLE_NORMAL));
    pd_draw_text(win, b.y + 1, b.x + 2, b.w - 2, as->tab == TAB_HOLDS ? "No active holds." : "No open requests (R lists all).",
                 pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
  } else if (t) {
    pd_table_draw(t, win, b, full);
  } else {
    pd_detail_draw(as->detail, win, b);
  }
}

static const char *as_help(struct pd_screen *s) {
  (void)s;
  return "The account and what is open on it. Tab switches Overview / Holds / Requests; Enter opens the "
         "selected hold or request.\n"
         "a and m change a consent with a reason, sent with the version shown: if someone else changed the "
         "account meanwhile, nothing is applied and the screen reloads. H places a dispute hold (supervisors).";
}

static void as_destroy(struct pd_screen *s) {
  struct account_screen *as = (struct account_screen *)s;
  fetch_cancel(&as->load);
  write_free(&as->write);
  pd_account_detail_free(as->acc);
  pd_detail_free(as->detail);
  pd_table_free(as->holds);
  pd_table_free(as->reqs);
  free(as);
}

static const struct pd_screen_ops account_ops = {
  .scope = "account", .enter = as_enter, .key = as_key, .data_arrived = as_data, .draw = as_draw,
  .help = as_help, .destroy = as_destroy,
};

struct pd_screen *account_screen_new(struct console *con, const char *id) {
  struct account_screen *as = calloc(1, sizeof *as);
  if (!as) return NULL;
  as->base.ops = &account_ops;
  as->base.hints = choose_hints(con);
  as->con = con;
  as->local_action = -1;
  copy_utf8(as->id, sizeof as->id, id);
  copy_utf8(as->base.title, sizeof as->base.title, id);
  fetch_init(&as->load, con, &as->base, KIND_LOAD);
  write_init(&as->write, con, &as->base, KIND_WRITE);
  as->detail = pd_detail_new();
  as->holds = pd_table_new(hold_cols, (int)(sizeof hold_cols / sizeof *hold_cols), PD_TABLE_HEADER, &hold_ops, as);
  as->reqs = pd_table_new(req_cols, (int)(sizeof req_cols / sizeof *req_cols), PD_TABLE_HEADER, &req_ops, as);
  if (!as->detail || !as->holds || !as->reqs) {
    as_destroy(&as->base);
    return NULL;
  }
  return &as->base;
}
