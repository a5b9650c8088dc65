/* The data inventory of one account (GET /v1/accounts/{id}/inventory): one
 * row per category with its records, size, age, state and what keeps it.
 * Retained rows are drawn in the due-soon style, erased rows dim. Enter
 * shows the whole row (systems, recipients, retention) in a report.
 *
 * At 80 columns the table drops columns from the right, so they are in the
 * order of what matters most: category, state, size, what keeps it, then
 * the descriptive ones (group, oldest, newest, legal basis). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/report.h"
#include "tui/table.h"

enum { KIND_LOAD };

struct inventory_screen {
  struct pd_screen base;
  struct console *con;
  char account_id[PD_ID_MAX + 1];
  char label[256];
  struct pd_inventory *inv;
  char etag[PD_ERROR_ETAG_MAX];
  struct fetch load;
  struct pd_table *table;
  char filter[128];
  bool load_failed;
};

enum { C_LABEL, C_STATE, C_RECORDS, C_BYTES, C_UNTIL, C_WHY, C_GROUP, C_OLDEST, C_NEWEST, C_BASIS, C_COUNT };

static const struct pd_table_column columns[C_COUNT] = {
  [C_LABEL] = {"Category", 20, 36, 3, 0},
  [C_STATE] = {"State", 8, 8, 0, 0},
  [C_RECORDS] = {"Records", 7, 9, 0, PD_COL_RIGHT},
  [C_BYTES] = {"Size", 10, 10, 0, PD_COL_RIGHT},
  [C_UNTIL] = {"Kept until", 10, 10, 0, 0},
  [C_WHY] = {"Why", 12, 48, 2, 0},
  [C_GROUP] = {"Group", 9, 13, 1, 0},
  [C_OLDEST] = {"Oldest", 10, 10, 0, 0},
  [C_NEWEST] = {"Newest", 10, 10, 0, 0},
  [C_BASIS] = {"Legal basis", 11, 19, 1, 0},
};

static void copy_utf8(char *dst, size_t size, const char *src) {
  size_t n = strlen(src);
  if (n >= size) {
    n = size - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
}

static void join(char *buf, size_t size, const struct pd_strings *s, const char *sep) {
  buf[0] = '\0';
  for (size_t i = 0; i < s->n; i++) {
    size_t len = strlen(buf);
    if (len + 1 >= size) break;
    snprintf(buf + len, size - len, "%s%s", i ? sep : "", s->v[i]);
  }
}

static const struct pd_inventory_row *row_at(const struct inventory_screen *is, size_t i) {
  return is->inv && i < is->inv->count ? &is->inv->items[i] : NULL;
}

static enum pd_style state_style(enum pd_inventory_state st) {
  return st == PD_INV_RETAINED ? PD_STYLE_DUE_SOON : st == PD_INV_ERASED ? PD_STYLE_DIM : PD_STYLE_NORMAL;
}

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  const struct pd_inventory_row *row = row_at(ctx, index);
  if (!row) return;
  char buf[PD_TABLE_CELL_MAX];
  pd_table_row_set(out, C_LABEL, row->label);
  pd_table_row_set(out, C_STATE, pd_inventory_state_name(row->state));
  pd_table_row_setf(out, C_RECORDS, "%lld", (long long)row->records);
  fmt_bytes(buf, sizeof buf, row->bytes);
  pd_table_row_set(out, C_BYTES, buf);
  fmt_date(buf, sizeof buf, row->retained_until);
  pd_table_row_set(out, C_UNTIL, buf);
  join(buf, sizeof buf, &row->retained_because, ", ");
  pd_table_row_set(out, C_WHY, buf[0] ? buf : "-");
  pd_table_row_set(out, C_GROUP, row->group);
  fmt_date(buf, sizeof buf, row->oldest);
  pd_table_row_set(out, C_OLDEST, buf);
  fmt_date(buf, sizeof buf, row->newest);
  pd_table_row_set(out, C_NEWEST, buf);
  pd_table_row_set(out, C_BASIS, row->legal_basis);
  pd_table_row_set_role(out, state_style(row->state));
  if (row->state == PD_INV_PRESENT && row->retained_because.n)
    pd_table_row_set_cell_role(out, C_WHY, PD_STYLE_DUE_SOON); /* an erasure would keep it */
}

static const struct pd_table_ops table_ops = {format_row, NULL};

static void load(struct inventory_screen *is, bool conditional) {
  fetch_started(&is->load, pd_get_inventory(is->con->client, is->account_id,
                                            conditional && is->etag[0] ? is->etag : NULL, fetch_callback, &is->load));
}

static void update_status_right(struct inventory_screen *is) {
  char right[64];
  size_t n = is->inv ? is->inv->count : 0;
  snprintf(right, sizeof right, "%zu/%zu", n ? pd_table_cursor(is->table) + 1 : 0, n);
  pd_app_set_status_right(is->con->app, right);
}

static struct pd_screen *row_report(const struct inventory_screen *is, const struct pd_inventory_row *row) {
  char title[64], buf[2048];
  snprintf(title, sizeof title, "%s", pd_category_key(row->key));
  struct report *r = report_new(title);
  if (!r) return NULL;
  report_heading(r, row->label);
  report_row(r, "Account", is->label, PD_STYLE_NORMAL);
  report_row(r, "Category", pd_category_key(row->key), PD_STYLE_NORMAL);
  report_row(r, "Group", row->group, PD_STYLE_NORMAL);
  report_row(r, "State", pd_inventory_state_name(row->state), state_style(row->state));
  snprintf(buf, sizeof buf, "%lld", (long long)row->records);
  report_row(r, "Records", buf, PD_STYLE_NORMAL);
  fmt_bytes(buf, sizeof buf, row->bytes);
  report_row(r, "Size", buf, PD_STYLE_NORMAL);
  fmt_time(buf, sizeof buf, row->oldest);
  report_row(r, "Oldest", buf, PD_STYLE_NORMAL);
  fmt_time(buf, sizeof buf, row->newest);
  report_row(r, "Newest", buf, PD_STYLE_NORMAL);
  report_row(r, "Legal basis", row->legal_basis, PD_STYLE_NORMAL);
  report_row(r, "Retention", row->retention, PD_STYLE_NORMAL);
  fmt_date(buf, sizeof buf, row->retained_until);
  report_row(r, "Kept until", buf, PD_STYLE_NORMAL);
  join(buf, sizeof buf, &row->retained_because, ", ");
  report_row(r, "Kept because", buf[0] ? buf : "nothing keeps it: an erasure would erase it",
             buf[0] ? PD_STYLE_DUE_SOON : PD_STYLE_NORMAL);
  join(buf, sizeof buf, &row->systems, ", ");
  report_row(r, "Systems", buf, PD_STYLE_NORMAL);
  join(buf, sizeof buf, &row->recipients, ", ");
  report_row(r, "Recipients", buf, PD_STYLE_NORMAL);
  const struct pd_category_info *info = pd_category(row->key);
  if (info) report_row(r, "On erasure", info->on_erasure, PD_STYLE_DIM);
  return report_screen(r);
}

/* ---- screen callbacks ---- */

static void is_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct inventory_screen *is = (struct inventory_screen *)s;
  if (!fetch_pending(&is->load)) load(is, is->inv != NULL);
  update_status_right(is);
}

static unsigned is_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  (void)kind;
  struct inventory_screen *is = (struct inventory_screen *)s;
  struct reply *r = payload;
  unsigned reaction = PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
  if (!r->ok) {
    console_error(is->con, &r->error, "load the inventory");
    is->load_failed = !is->inv;
  } else if (r->not_modified) {
    reaction = PD_REDRAW_HEADER;
  } else {
    pd_inventory_free(is->inv);
    is->inv = reply_take(r);
    snprintf(is->etag, sizeof is->etag, "%s", r->etag);
    pd_table_set_count(is->table, is->inv->count, false);
    update_status_right(is);
  }
  reply_free(r);
  return reaction;
}

static void apply_filter(struct pd_app *app, const char *text, void *ctx) {
  struct inventory_screen *is = ctx;
  snprintf(is->filter, sizeof is->filter, "%s", text ? text : "");
  pd_table_set_highlight(is->table, is->filter[0] ? is->filter : NULL);
  if (is->filter[0]) pd_table_search(is->table, is->filter, 1);
  update_status_right(is);
  pd_app_redraw(app, PD_REDRAW_BODY | PD_REDRAW_STATUS);
}

static void filter_done(struct pd_app *app, const char *text, void *ctx) { apply_filter(app, text ? text : "", ctx); }

static unsigned is_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct inventory_screen *is = (struct inventory_screen *)s;
  if (action == PD_ACT_MARK) return PD_OK;
  if (pd_table_action(is->table, action)) {
    update_status_right(is);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  switch (action) {
  case PD_ACT_OPEN: {
    const struct pd_inventory_row *row = row_at(is, pd_table_cursor(is->table));
    if (row) pd_app_push(app, row_report(is, row));
    return PD_OK;
  }
  case PD_ACT_REFRESH: load(is, true); return PD_REDRAW_STATUS;
  case PD_ACT_FILTER: {
    /* ten rows: / highlights and jumps (n/N) rather than hiding rows */
    struct pd_prompt_opts o = {.label = "/", .initial = is->filter, .changed = apply_filter, .done = filter_done,
                               .ctx = is};
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    if (!is->filter[0] || !pd_table_search(is->table, is->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_INFO, is->filter[0] ? "No match" : "No filter: press / first");
    update_status_right(is);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  default: return PD_UNHANDLED;
  }
}

static void is_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct inventory_screen *is = (struct inventory_screen *)s;
  if (!is->inv) {
    wmove(win, r.y, r.x);
    wclrtobot(win);
    pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2,
                 is->load_failed ? "The inventory could not be loaded (the status line says why); r retries."
                                 : "Loading the inventory…",
                 pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  pd_table_draw(is->table, win, r, full);
}

static const char *is_help(struct pd_screen *s) {
  (void)s;
  return "One row per data category. State: present, erased (dim) or retained (yellow: kept after an "
         "erasure).\n"
         "Why: what keeps the data now (hold:<id> a dispute hold, legal:tax the tax retention), also for present "
         "rows, so the table tells what an erasure would keep. Enter shows the whole row.";
}

static void is_destroy(struct pd_screen *s) {
  struct inventory_screen *is = (struct inventory_screen *)s;
  fetch_cancel(&is->load);
  pd_inventory_free(is->inv);
  pd_table_free(is->table);
  free(is);
}

static const struct pd_screen_ops inventory_ops = {
  .scope = "inventory", .enter = is_enter, .key = is_key, .data_arrived = is_data, .draw = is_draw,
  .help = is_help, .destroy = is_destroy,
};

struct pd_screen *inventory_screen_new(struct console *con, const char *account_id, const char *label) {
  struct inventory_screen *is = calloc(1, sizeof *is);
  if (!is) return NULL;
  is->base.ops = &inventory_ops;
  is->base.hints = "Enter show row  / find  n/N next/prev  r reload  q back  ? help";
  is->con = con;
  copy_utf8(is->account_id, sizeof is->account_id, account_id);
  copy_utf8(is->label, sizeof is->label, label && *label ? label : account_id);
  char title[64] = "Inventory: ";
  copy_utf8(title + strlen(title), sizeof title - strlen(title), is->label);
  snprintf(is->base.title, sizeof is->base.title, "%s", title);
  fetch_init(&is->load, con, &is->base, KIND_LOAD);
  is->table = pd_table_new(columns, C_COUNT, PD_TABLE_HEADER, &table_ops, is);
  if (!is->table) {
    free(is);
    return NULL;
  }
  return &is->base;
}
