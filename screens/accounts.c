/* Account search results (`:account <e-mail prefix, id or name>`): a table
 * of the accounts GET /v1/accounts?q= finds, paged like the queue (the next
 * page is fetched as the selection nears the end of what is loaded). A
 * search that finds exactly one account opens it in place of the results;
 * `/` filters what is loaded, n/N jump between matches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/pages.h"
#include "tui/table.h"

enum { PAGE_SIZE = 100, PREFETCH_ROWS = 30 };
enum { KIND_FIRST_PAGE, KIND_NEXT_PAGE };

struct accounts {
  struct pd_screen base;
  struct console *con;
  char query[256];
  struct fetch first, next;
  struct pd_pages list; /* pages of struct pd_account_page; rows are struct pd_account * */
  char etag[PD_ERROR_ETAG_MAX];
  bool loaded;
  bool prompt_open; /* the filter prompt points at this screen */
  bool load_failed;
  char filter[128];
  size_t *view;
  size_t n_view;
  struct pd_table *table;
  char keep_id[PD_ID_MAX + 1];
};

static const struct pd_table_column columns[] = {
  {"E-mail", 20, 0, 5, 0},      {"Name", 12, 0, 3, 0},         {"Status", 6, 6, 0, 0},
  {"Juris", 5, 5, 0, 0},        {"Minor", 5, 5, 0, 0},         {"Open", 4, 4, 0, PD_COL_RIGHT},
  {"Holds", 5, 5, 0, PD_COL_RIGHT},
};

/* Copies src into dst, cut at a UTF-8 character boundary. */
static void copy_utf8(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) {
    n = size - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* The loaded row i. */
static struct pd_account *account_at(const struct accounts *a, size_t i) { return a->list.rows[i]; }

static struct pd_account *row_at(struct accounts *a, size_t view_index) {
  return view_index < a->n_view ? account_at(a, a->view[view_index]) : NULL;
}

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  const struct pd_account *acc = row_at(ctx, index);
  if (!acc) return;
  pd_table_row_set(out, 0, acc->email);
  pd_table_row_set(out, 1, acc->name);
  pd_table_row_set(out, 2, pd_account_status_name(acc->status));
  pd_table_row_set(out, 3, pd_jurisdiction_name(acc->jurisdiction));
  pd_table_row_set(out, 4, acc->is_minor ? "MINOR" : "");
  pd_table_row_setf(out, 5, "%lld", (long long)acc->open_requests);
  pd_table_row_setf(out, 6, "%lld", (long long)acc->active_holds);
  if (acc->status == PD_ACC_ERASED) pd_table_row_set_role(out, PD_STYLE_DIM);
  if (acc->status == PD_ACC_CLOSED) pd_table_row_set_cell_role(out, 2, PD_STYLE_DIM);
  if (acc->is_minor) pd_table_row_set_cell_role(out, 4, PD_STYLE_URGENT);
  if (acc->active_holds > 0) pd_table_row_set_cell_role(out, 6, PD_STYLE_DUE_SOON);
}

static bool row_matches(const struct pd_account *acc, const char *needle) {
  if (!needle[0]) return true;
  const char *fields[] = {acc->email, acc->name, acc->id, pd_account_status_name(acc->status),
                          pd_jurisdiction_name(acc->jurisdiction), acc->is_minor ? "minor" : ""};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (text_contains(fields[i], needle)) return true;
  return false;
}

static bool match_row(void *ctx, size_t index, const char *needle) {
  const struct pd_account *acc = row_at(ctx, index);
  return acc && row_matches(acc, needle);
}

static const struct pd_table_ops table_ops = {format_row, match_row};

static void rebuild_view(struct accounts *a) {
  const struct pd_account *selected = row_at(a, pd_table_cursor(a->table));
  char keep[PD_ID_MAX + 1] = "";
  if (a->keep_id[0])
    snprintf(keep, sizeof keep, "%s", a->keep_id);
  else if (selected)
    snprintf(keep, sizeof keep, "%s", selected->id);
  size_t *view = realloc(a->view, (a->list.n_rows + 1) * sizeof *view);
  if (!view) return;
  a->view = view;
  a->n_view = 0;
  size_t cursor = 0;
  for (size_t i = 0; i < a->list.n_rows; i++) {
    if (!row_matches(account_at(a, i), a->filter)) continue;
    if (keep[0] && strcmp(account_at(a, i)->id, keep) == 0) cursor = a->n_view;
    a->view[a->n_view++] = i;
  }
  pd_table_set_count(a->table, a->n_view, false);
  pd_table_set_cursor(a->table, cursor);
  pd_table_set_highlight(a->table, a->filter[0] ? a->filter : NULL);
  a->keep_id[0] = '\0';
}

static void free_page(void *page) { pd_account_page_free(page); }

static void add_page(struct accounts *a, struct pd_account_page *page) {
  pd_pages_append(&a->list, page, page->items, page->count, sizeof *page->items, page->next_cursor);
}

static void load_first(struct accounts *a, bool conditional) {
  struct pd_account_query q = {.q = a->query[0] ? a->query : NULL, .limit = PAGE_SIZE};
  fetch_cancel(&a->next);
  fetch_started(&a->first, pd_list_accounts(a->con->client, &q, conditional && a->etag[0] ? a->etag : NULL,
                                            fetch_callback, &a->first));
}

static void load_next(struct accounts *a) {
  if (!a->list.next_cursor || fetch_pending(&a->next) || fetch_pending(&a->first)) return;
  struct pd_account_query q = {.q = a->query[0] ? a->query : NULL, .limit = PAGE_SIZE, .cursor = a->list.next_cursor};
  fetch_started(&a->next, pd_list_accounts(a->con->client, &q, NULL, fetch_callback, &a->next));
}

static void maybe_prefetch(struct accounts *a) {
  if (a->n_view && pd_table_cursor(a->table) + PREFETCH_ROWS >= a->n_view) load_next(a);
}

static void update_status_right(struct accounts *a) {
  char right[64];
  snprintf(right, sizeof right, "%zu/%zu%s", a->n_view ? pd_table_cursor(a->table) + 1 : 0, a->n_view,
           a->list.next_cursor ? "+" : "");
  pd_app_set_status_right(a->con->app, right);
}

/* ---- screen callbacks ---- */

static const char hints[] = "Enter open  / filter  n/N next/prev  r reload  q back  ? help";

static void ac_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct accounts *a = (struct accounts *)s;
  if (!fetch_pending(&a->first)) load_first(a, a->loaded);
  update_status_right(a);
}

/* The first page found exactly one account: show it instead of a one-row list. */
static bool open_single(struct accounts *a, struct pd_app *app, const struct pd_account_page *page) {
  if (a->loaded || page->count != 1 || page->next_cursor || a->filter[0] || a->prompt_open) return false;
  if (pd_app_top(app) != &a->base) return false; /* covered (help ...): keep the list */
  struct pd_screen *acc = account_screen_new(a->con, page->items[0].id);
  if (!acc) return false;
  pd_app_replace(app, acc);
  return true;
}

static unsigned ac_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  struct accounts *a = (struct accounts *)s;
  struct reply *r = payload;
  if (!r->ok) {
    console_error(a->con, &r->error, "search the accounts");
    a->load_failed = !a->loaded;
    reply_free(r);
    return PD_REDRAW_STATUS | PD_REDRAW_BODY;
  }
  if (r->not_modified) {
    reply_free(r);
    return PD_REDRAW_HEADER;
  }
  struct pd_account_page *page = reply_take(r);
  if (kind == KIND_FIRST_PAGE) {
    if (open_single(a, app, page)) {
      pd_account_page_free(page);
      reply_free(r);
      return PD_OK;
    }
    const struct pd_account *sel = row_at(a, pd_table_cursor(a->table));
    if (sel && !a->keep_id[0]) snprintf(a->keep_id, sizeof a->keep_id, "%s", sel->id);
    pd_pages_clear(&a->list);
    snprintf(a->etag, sizeof a->etag, "%s", r->etag);
    a->loaded = true;
    a->load_failed = false;
  }
  reply_free(r);
  add_page(a, page);
  rebuild_view(a);
  update_status_right(a);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static void apply_filter(struct pd_app *app, const char *text, void *ctx) {
  struct accounts *a = ctx;
  snprintf(a->filter, sizeof a->filter, "%s", text ? text : "");
  rebuild_view(a);
  update_status_right(a);
  pd_app_redraw(app, PD_REDRAW_BODY | PD_REDRAW_STATUS);
}

static void filter_done(struct pd_app *app, const char *text, void *ctx) {
  struct accounts *a = ctx;
  a->prompt_open = false;
  apply_filter(app, text ? text : "", ctx); /* Esc clears the filter */
}

static unsigned ac_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct accounts *a = (struct accounts *)s;
  if (pd_table_action(a->table, action)) {
    maybe_prefetch(a);
    update_status_right(a);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  switch (action) {
  case PD_ACT_OPEN: {
    const struct pd_account *acc = row_at(a, pd_table_cursor(a->table));
    if (acc) pd_app_push(app, account_screen_new(a->con, acc->id));
    return PD_OK;
  }
  case PD_ACT_REFRESH: load_first(a, true); return PD_REDRAW_STATUS;
  case PD_ACT_FILTER: {
    struct pd_prompt_opts o = {.label = "/", .initial = a->filter, .changed = apply_filter, .done = filter_done,
                               .ctx = a};
    a->prompt_open = true;
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    if (!a->filter[0] || !pd_table_search(a->table, a->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_INFO, a->filter[0] ? "No match" : "No filter: press / first");
    update_status_right(a);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  case PD_ACT_MARK: return PD_OK; /* nothing to do with marked accounts */
  default: return PD_UNHANDLED;
  }
}

static void ac_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct accounts *a = (struct accounts *)s;
  attr_t dim = pd_theme_attr(PD_STYLE_DIM);
  if (!a->n_view) {
    wmove(win, r.y, r.x);
    wclrtobot(win);
    if (!a->loaded) {
      pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2,
                   a->load_failed ? "The search failed (the status line says why); r retries."
                                  : "Searching the accounts…",
                   dim, PD_DRAW_PAD);
      return;
    }
    char line[400];
    if (a->filter[0]) {
      pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, "No loaded account matches the filter (Esc on / clears it).",
                   dim, PD_DRAW_PAD);
      return;
    }
    snprintf(line, sizeof line, "No account matches \"%s\".", a->query);
    pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, line, pd_theme_attr(PD_STYLE_TITLE), PD_DRAW_PAD);
    pd_draw_text(win, r.y + 3, r.x + 2, r.w - 2, "Search by the start of the e-mail address, an exact acc_ id,",
                 dim, PD_DRAW_PAD);
    pd_draw_text(win, r.y + 4, r.x + 2, r.w - 2, "or at least 3 characters of the name.", dim, PD_DRAW_PAD);
    return;
  }
  pd_table_draw(a->table, win, r, full);
}

static const char *ac_help(struct pd_screen *s) {
  (void)s;
  return "Accounts found by e-mail prefix (case-insensitive), exact id, or name (3+ characters).\n"
         "MINOR marks an account believed to belong to a child under 13; Holds counts active dispute holds.";
}

static void ac_destroy(struct pd_screen *s) {
  struct accounts *a = (struct accounts *)s;
  fetch_cancel(&a->first);
  fetch_cancel(&a->next);
  pd_pages_clear(&a->list);
  free(a->view);
  pd_table_free(a->table);
  free(a);
}

static const struct pd_screen_ops accounts_ops = {
  .scope = "accounts", .enter = ac_enter, .key = ac_key, .data_arrived = ac_data, .draw = ac_draw,
  .help = ac_help, .destroy = ac_destroy,
};

struct pd_screen *accounts_screen_new(struct console *con, const char *query) {
  struct accounts *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  pd_pages_init(&a->list, free_page);
  a->base.ops = &accounts_ops;
  a->base.hints = hints;
  a->con = con;
  copy_utf8(a->query, sizeof a->query, query ? query : "");
  char title[64];
  snprintf(title, sizeof title, "Accounts: ");
  copy_utf8(title + strlen(title), sizeof title - strlen(title), a->query);
  snprintf(a->base.title, sizeof a->base.title, "%s", title);
  fetch_init(&a->first, con, &a->base, KIND_FIRST_PAGE);
  fetch_init(&a->next, con, &a->base, KIND_NEXT_PAGE);
  a->table = pd_table_new(columns, (int)(sizeof columns / sizeof *columns), PD_TABLE_HEADER, &table_ops, a);
  if (!a->table) {
    free(a);
    return NULL;
  }
  return &a->base;
}
