/* Dispute holds (GET /v1/holds): all of them, or one account's, newest
 * first, with tabs active | released | all and pages fetched as the
 * selection nears the end. x releases the selected active hold
 * (supervisors: reason, yes/no naming hold and case, POST .../release with
 * If-Match and an idempotency intent); A opens the hold's account; Enter
 * shows the whole hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/picker.h"
#include "screens/pages.h"
#include "tui/table.h"
#include "tui/tabs.h"

enum { PAGE_SIZE = 100, PREFETCH_ROWS = 30 };
enum { KIND_FIRST_PAGE, KIND_NEXT_PAGE, KIND_WRITE };
enum { HA_RELEASE };
enum { REASON_MAX = 2000 };

static const char *const tab_names[] = {"active", "released", "all"};
static const enum pd_hold_filter tab_filters[] = {PD_HOLDS_ACTIVE, PD_HOLDS_RELEASED, PD_HOLDS_ANY};
#define TAB_COUNT 3

struct holds_screen {
  struct pd_screen base;
  struct console *con;
  char account_id[PD_ID_MAX + 1]; /* "": every account */
  int tab;
  struct fetch first, next;
  struct write_op write;
  struct pd_pages list; /* pages of struct pd_hold_page; rows are struct pd_hold * */
  char etag[PD_ERROR_ETAG_MAX];
  bool loaded;
  char filter[128];
  size_t *view;
  size_t n_view;
  struct pd_table *table;
  char keep_id[PD_ID_MAX + 1];
  bool placed_full; /* the Placed at column is wide enough for the time */
  bool load_failed;
  /* the release being asked for */
  char rel_id[PD_ID_MAX + 1], rel_case[200];
  int64_t rel_version;
  char rel_reason[8192];
  char local_draft[8192]; /* a reason refused locally or a cancelled one */
};

/* Every account: the account column; one account's: without it. At 80
 * columns "Placed at" shows the date only (the full time when it is wider,
 * and always in the hold's report); wider terminals show the rest. */
static const struct pd_table_column columns_all[] = {
  {"Id", 20, 20, 0, 0},         {"Account", 20, 20, 0, 0},  {"Case", 8, 24, 1, 0},
  {"Categories", 18, 80, 6, 0}, {"Status", 8, 8, 0, 0},     {"Placed by", 9, 12, 0, 0},
  {"Placed at", 10, 16, 1, 0},  {"Released", 20, 30, 1, 0},
};
static const struct pd_table_column columns_one[] = {
  {"Id", 20, 20, 0, 0},        {"Case", 8, 24, 1, 0},       {"Categories", 18, 80, 6, 0},
  {"Status", 8, 8, 0, 0},      {"Placed by", 9, 12, 0, 0},  {"Placed at", 10, 16, 1, 0},
  {"Released", 20, 30, 1, 0},
};

/* The loaded row i. */
static struct pd_hold *hold_at(const struct holds_screen *hs, size_t i) { return hs->list.rows[i]; }

static struct pd_hold *row_at(struct holds_screen *hs, size_t view_index) {
  return view_index < hs->n_view ? hold_at(hs, hs->view[view_index]) : NULL;
}

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

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  struct holds_screen *hs = ctx;
  const struct pd_hold *h = row_at(hs, index);
  if (!h) return;
  char buf[PD_TABLE_CELL_MAX], when[32];
  int c = 0;
  pd_table_row_set(out, c++, h->id);
  if (!hs->account_id[0]) pd_table_row_set(out, c++, h->account_id);
  pd_table_row_set(out, c++, h->case_ref);
  hold_categories_text(buf, sizeof buf, h);
  pd_table_row_set(out, c++, buf);
  int status_col = c;
  pd_table_row_set(out, c++, pd_hold_status_name(h->status));
  pd_table_row_set(out, c++, h->placed_by);
  if (hs->placed_full)
    fmt_time(when, sizeof when, h->placed_at);
  else
    fmt_date(when, sizeof when, h->placed_at);
  pd_table_row_set(out, c++, when);
  if (h->status == PD_HOLD_RELEASED) {
    fmt_time(when, sizeof when, h->released_at);
    pd_table_row_setf(out, c, "%s %s", h->released_by ? h->released_by : "?", when);
    pd_table_row_set_role(out, PD_STYLE_DIM);
  } else {
    pd_table_row_set(out, c, "-");
    pd_table_row_set_cell_role(out, status_col, PD_STYLE_DUE_SOON);
  }
}

static bool row_matches(const struct pd_hold *h, const char *needle) {
  if (!needle[0]) return true;
  char cats[512];
  hold_categories_text(cats, sizeof cats, h);
  const char *fields[] = {h->id, h->account_id, h->case_ref, cats, h->placed_by,
                          h->released_by ? h->released_by : "", pd_hold_status_name(h->status)};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (text_contains(fields[i], needle)) return true;
  return false;
}

static bool match_row(void *ctx, size_t index, const char *needle) {
  const struct pd_hold *h = row_at(ctx, index);
  return h && row_matches(h, needle);
}

static const struct pd_table_ops table_ops = {format_row, match_row};

static void rebuild_view(struct holds_screen *hs) {
  const struct pd_hold *selected = row_at(hs, pd_table_cursor(hs->table));
  char keep[PD_ID_MAX + 1] = "";
  if (hs->keep_id[0])
    snprintf(keep, sizeof keep, "%s", hs->keep_id);
  else if (selected)
    snprintf(keep, sizeof keep, "%s", selected->id);
  size_t *view = realloc(hs->view, (hs->list.n_rows + 1) * sizeof *view);
  if (!view) return;
  hs->view = view;
  hs->n_view = 0;
  size_t cursor = 0;
  for (size_t i = 0; i < hs->list.n_rows; i++) {
    if (!row_matches(hold_at(hs, i), hs->filter)) continue;
    if (keep[0] && strcmp(hold_at(hs, i)->id, keep) == 0) cursor = hs->n_view;
    hs->view[hs->n_view++] = i;
  }
  pd_table_set_count(hs->table, hs->n_view, false);
  pd_table_set_cursor(hs->table, cursor);
  pd_table_set_highlight(hs->table, hs->filter[0] ? hs->filter : NULL);
  hs->keep_id[0] = '\0';
}

static void free_page(void *page) { pd_hold_page_free(page); }

static void add_page(struct holds_screen *hs, struct pd_hold_page *page) {
  pd_pages_append(&hs->list, page, page->items, page->count, sizeof *page->items, page->next_cursor);
}

static void fill_query(const struct holds_screen *hs, struct pd_hold_query *q, const char *cursor) {
  memset(q, 0, sizeof *q);
  q->status = tab_filters[hs->tab];
  q->account_id = hs->account_id[0] ? hs->account_id : NULL;
  q->limit = PAGE_SIZE;
  q->cursor = cursor;
}

static void load_first(struct holds_screen *hs, bool conditional) {
  struct pd_hold_query q;
  fill_query(hs, &q, NULL);
  fetch_cancel(&hs->next);
  fetch_started(&hs->first, pd_list_holds(hs->con->client, &q, conditional && hs->etag[0] ? hs->etag : NULL,
                                          fetch_callback, &hs->first));
}

static void load_next(struct holds_screen *hs) {
  if (!hs->list.next_cursor || fetch_pending(&hs->next) || fetch_pending(&hs->first)) return;
  struct pd_hold_query q;
  fill_query(hs, &q, hs->list.next_cursor);
  fetch_started(&hs->next, pd_list_holds(hs->con->client, &q, NULL, fetch_callback, &hs->next));
}

static void update_status_right(struct holds_screen *hs) {
  char right[64];
  snprintf(right, sizeof right, "%zu/%zu%s", hs->n_view ? pd_table_cursor(hs->table) + 1 : 0, hs->n_view,
           hs->list.next_cursor ? "+" : "");
  pd_app_set_status_right(hs->con->app, right);
}

/* ---- release ---- */

static bool ready_to_release(struct holds_screen *hs) {
  if (!console_check_write(hs->con, "release holds")) return false;
  if (!console_is_supervisor(hs->con)) {
    pd_app_message(hs->con->app, PD_MSG_ERROR, "Only supervisors release dispute holds (you are %s)",
                   pd_role_name(hs->con->role));
    return false;
  }
  if (fetch_pending(&hs->write.f)) {
    pd_app_message(hs->con->app, PD_MSG_ERROR, "Still waiting for the previous release");
    return false;
  }
  return true;
}

static void release_confirmed(struct pd_app *app, bool yes, void *ctx) {
  struct holds_screen *hs = ctx;
  if (!yes) {
    snprintf(hs->local_draft, sizeof hs->local_draft, "%s", hs->rel_reason);
    pd_app_message(app, PD_MSG_INFO, "The hold stays active");
    return;
  }
  if (!ready_to_release(hs)) return;
  char draft[8400];
  snprintf(draft, sizeof draft, "%s %lld\n%s", hs->rel_id, (long long)hs->rel_version, hs->rel_reason);
  pd_intent *in = write_intent(&hs->write, HA_RELEASE, draft);
  hs->local_draft[0] = '\0';
  fetch_started(&hs->write.f, pd_release_hold(hs->con->client, hs->rel_id, hs->rel_version, in, hs->rel_reason,
                                              fetch_callback, &hs->write.f));
}

static void release_reason_done(struct pd_app *app, const char *text, void *ctx) {
  struct holds_screen *hs = ctx;
  if (!text) return;
  snprintf(hs->local_draft, sizeof hs->local_draft, "%s", text);
  if (blank(text) || utf8_chars(text) > REASON_MAX) {
    pd_app_message(app, PD_MSG_ERROR, blank(text) ? "Releasing a hold needs a reason; nothing was sent"
                                                  : "The reason is longer than 2000 characters; nothing was sent");
    return;
  }
  snprintf(hs->rel_reason, sizeof hs->rel_reason, "%s", text);
  char msg[9000];
  snprintf(msg, sizeof msg,
           "Release hold %s (case %s)?\nIts categories can then be erased.\nReason: %s", hs->rel_id, hs->rel_case,
           text);
  struct pd_confirm c;
  if (pd_confirm_init_yesno(&c, "Release dispute hold", msg, false) == 0)
    pd_app_confirm(app, &c, release_confirmed, hs);
}

/* The reason typed for this hold before (refused, cancelled or failed). */
static const char *initial_reason(const struct holds_screen *hs, const struct pd_hold *h) {
  const char *d = write_draft(&hs->write, HA_RELEASE);
  size_t n = strlen(h->id);
  if (d && strncmp(d, h->id, n) == 0 && d[n] == ' ') {
    const char *nl = strchr(d, '\n');
    if (nl) return nl + 1;
  }
  if (hs->local_draft[0] && strcmp(hs->rel_id, h->id) == 0) return hs->local_draft;
  return NULL;
}

static void start_release(struct holds_screen *hs, const struct pd_hold *h) {
  if (!ready_to_release(hs)) return;
  if (h->status != PD_HOLD_ACTIVE) {
    pd_app_message(hs->con->app, PD_MSG_ERROR, "Hold %s is already released", h->id);
    return;
  }
  const char *initial = initial_reason(hs, h);
  if (strcmp(hs->rel_id, h->id) != 0 && !initial) hs->local_draft[0] = '\0';
  snprintf(hs->rel_id, sizeof hs->rel_id, "%s", h->id);
  snprintf(hs->rel_case, sizeof hs->rel_case, "%s", h->case_ref);
  hs->rel_version = h->version;
  struct pd_prompt_opts o = {.label = "Reason for releasing the hold (required): ", .initial = initial,
                             .done = release_reason_done, .ctx = hs};
  pd_app_prompt(hs->con->app, &o);
}

static void write_arrived(struct holds_screen *hs, struct reply *r) {
  write_finished(&hs->write, r);
  if (!r->ok) {
    console_error(hs->con, &r->error, "release the hold");
    if (r->error.kind == PD_E_PRECONDITION_FAILED || r->error.kind == PD_E_INVALID_TRANSITION) load_first(hs, false);
    return;
  }
  const struct pd_hold *h = r->value;
  pd_app_message(hs->con->app, PD_MSG_INFO, "Released hold %s (case %s)%s", h ? h->id : hs->rel_id,
                 h ? h->case_ref : hs->rel_case, r->replayed ? " (the server had it already)" : "");
  hs->local_draft[0] = '\0';
  load_first(hs, false);
}

/* ---- screen callbacks ---- */

static const char hints_sup[] = "Enter show  x release  A account  Tab active/released/all  / filter  ? help";
static const char hints_read[] = "Enter show  A account  Tab active/released/all  / filter  r reload  ? help";

static void hs_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct holds_screen *hs = (struct holds_screen *)s;
  hs->base.hints = console_is_supervisor(hs->con) ? hints_sup : hints_read;
  if (!fetch_pending(&hs->first)) load_first(hs, hs->loaded);
  update_status_right(hs);
}

static unsigned hs_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  struct holds_screen *hs = (struct holds_screen *)s;
  struct reply *r = payload;
  if (kind == KIND_WRITE) {
    write_arrived(hs, r);
    reply_free(r);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
  }
  if (!r->ok || r->not_modified) {
    if (!r->ok) console_error(hs->con, &r->error, "load the holds");
    if (!r->ok) hs->load_failed = !hs->loaded;
    reply_free(r);
    return PD_REDRAW_STATUS | PD_REDRAW_HEADER;
  }
  struct pd_hold_page *page = reply_take(r);
  if (kind == KIND_FIRST_PAGE) {
    const struct pd_hold *sel = row_at(hs, pd_table_cursor(hs->table));
    if (sel && !hs->keep_id[0]) snprintf(hs->keep_id, sizeof hs->keep_id, "%s", sel->id);
    pd_pages_clear(&hs->list);
    snprintf(hs->etag, sizeof hs->etag, "%s", r->etag);
    hs->loaded = true;
    hs->load_failed = false;
  }
  reply_free(r);
  add_page(hs, page);
  rebuild_view(hs);
  update_status_right(hs);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static void apply_filter(struct pd_app *app, const char *text, void *ctx) {
  struct holds_screen *hs = ctx;
  snprintf(hs->filter, sizeof hs->filter, "%s", text ? text : "");
  rebuild_view(hs);
  update_status_right(hs);
  pd_app_redraw(app, PD_REDRAW_BODY | PD_REDRAW_STATUS);
}

static void filter_done(struct pd_app *app, const char *text, void *ctx) { apply_filter(app, text ? text : "", ctx); }

static unsigned hs_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct holds_screen *hs = (struct holds_screen *)s;
  if (action == PD_ACT_MARK) return PD_OK;
  if (pd_table_action(hs->table, action)) {
    if (hs->n_view && pd_table_cursor(hs->table) + PREFETCH_ROWS >= hs->n_view) load_next(hs);
    update_status_right(hs);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  const struct pd_hold *h = row_at(hs, pd_table_cursor(hs->table));
  switch (action) {
  case PD_ACT_OPEN:
    if (h) pd_app_push(app, hold_report_screen(h, NULL));
    return PD_OK;
  case PD_ACT_HOLD_ACCOUNT:
    if (h) pd_app_push(app, account_screen_new(hs->con, h->account_id));
    return PD_OK;
  case PD_ACT_HOLD_RELEASE:
    if (!h) {
      pd_app_message(app, PD_MSG_ERROR, "No hold selected");
      return PD_REDRAW_STATUS;
    }
    start_release(hs, h);
    return PD_REDRAW_STATUS;
  case PD_ACT_REFRESH: load_first(hs, true); return PD_REDRAW_STATUS;
  case PD_ACT_NEXT_TAB:
  case PD_ACT_PREV_TAB:
    hs->tab = pd_tabs_step(hs->tab, TAB_COUNT, action == PD_ACT_NEXT_TAB ? 1 : -1);
    hs->etag[0] = '\0';
    hs->loaded = false;
    hs->n_view = 0; /* the view points into the pages */
    pd_pages_clear(&hs->list);
    pd_table_set_count(hs->table, 0, false);
    load_first(hs, false);
    update_status_right(hs);
    return PD_REDRAW_ALL;
  case PD_ACT_FILTER: {
    struct pd_prompt_opts o = {.label = "/", .initial = hs->filter, .changed = apply_filter, .done = filter_done,
                               .ctx = hs};
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    if (!hs->filter[0] || !pd_table_search(hs->table, hs->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_INFO, hs->filter[0] ? "No match" : "No filter: press / first");
    update_status_right(hs);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  default: return PD_UNHANDLED;
  }
}

static void hs_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct holds_screen *hs = (struct holds_screen *)s;
  if (full) {
    wmove(win, r.y, r.x);
    wclrtoeol(win);
  }
  pd_tabs_draw(win, r.y, r.x, r.w, tab_names, TAB_COUNT, hs->tab);
  struct pd_rect tr = {r.y + 1, r.x, r.h - 1, r.w};
  if (!hs->n_view) {
    wmove(win, tr.y, tr.x);
    wclrtobot(win);
    const char *text = hs->load_failed  ? "The holds could not be loaded (the status line says why); r retries."
                       : !hs->loaded      ? "Loading the holds…"
                       : hs->filter[0] ? "No hold matches the filter (Esc on / clears it)."
                       : hs->tab == 0  ? "No active holds."
                       : hs->tab == 1  ? "No released holds."
                                       : "No holds.";
    pd_draw_text(win, tr.y + 1, tr.x + 2, tr.w - 2, text, pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  int widths[PD_TABLE_MAX_COLS];
  pd_table_layout(hs->table, tr.w, widths);
  bool placed_full = widths[hs->account_id[0] ? 5 : 6] >= 16;
  if (placed_full != hs->placed_full) {
    hs->placed_full = placed_full;
    full = true;
  }
  pd_table_draw(hs->table, win, tr, full);
}

static const char *hs_help(struct pd_screen *s) {
  (void)s;
  return "Dispute holds, newest first. While a hold is active its categories are never erased.\n"
         "Supervisors release an active hold with x (a reason is required and recorded in the audit log).";
}

static void hs_destroy(struct pd_screen *s) {
  struct holds_screen *hs = (struct holds_screen *)s;
  fetch_cancel(&hs->first);
  fetch_cancel(&hs->next);
  write_free(&hs->write);
  pd_pages_clear(&hs->list);
  free(hs->view);
  pd_table_free(hs->table);
  free(hs);
}

static const struct pd_screen_ops holds_ops = {
  .scope = "holds", .enter = hs_enter, .key = hs_key, .data_arrived = hs_data, .draw = hs_draw,
  .help = hs_help, .destroy = hs_destroy,
};

struct pd_screen *holds_screen_new(struct console *con, const char *account_id) {
  struct holds_screen *hs = calloc(1, sizeof *hs);
  if (!hs) return NULL;
  pd_pages_init(&hs->list, free_page);
  hs->base.ops = &holds_ops;
  hs->base.hints = console_is_supervisor(con) ? hints_sup : hints_read; /* the app copies them before enter() */
  hs->con = con;
  if (account_id && *account_id) {
    snprintf(hs->account_id, sizeof hs->account_id, "%.*s", PD_ID_MAX, account_id);
    snprintf(hs->base.title, sizeof hs->base.title, "Holds: %.40s", hs->account_id);
  } else {
    snprintf(hs->base.title, sizeof hs->base.title, "Holds");
  }
  fetch_init(&hs->first, con, &hs->base, KIND_FIRST_PAGE);
  fetch_init(&hs->next, con, &hs->base, KIND_NEXT_PAGE);
  write_init(&hs->write, con, &hs->base, KIND_WRITE);
  if (hs->account_id[0])
    hs->table = pd_table_new(columns_one, (int)(sizeof columns_one / sizeof *columns_one), PD_TABLE_HEADER,
                             &table_ops, hs);
  else
    hs->table = pd_table_new(columns_all, (int)(sizeof columns_all / sizeof *columns_all), PD_TABLE_HEADER,
                             &table_ops, hs);
  if (!hs->table) {
    free(hs);
    return NULL;
  }
  return &hs->base;
}
