/* The category picker (placing a dispute hold) and the hold helpers shared
 * by the account and holds screens. See picker.h. */
#include "screens/picker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "screens/format.h"
#include "screens/report.h"
#include "tui/table.h"

/* ---- category sets ---- */

size_t category_choice_count(struct category_choice c) {
  if (c.all) return PD_CATEGORY_COUNT;
  size_t n = 0;
  for (int i = 0; i < PD_CATEGORY_COUNT; i++)
    if (c.mask & (1u << i)) n++;
  return n;
}

size_t category_choice_list(struct category_choice c, enum pd_category *out) {
  size_t n = 0;
  if (c.all) return 0;
  for (int i = 0; i < PD_CATEGORY_COUNT; i++)
    if (c.mask & (1u << i)) out[n++] = (enum pd_category)i;
  return n;
}

static void append(char *buf, size_t size, const char *text) {
  size_t len = strlen(buf);
  if (len + 1 < size) snprintf(buf + len, size - len, "%s", text);
}

void category_choice_text(char *buf, size_t size, struct category_choice c) {
  if (!size) return;
  buf[0] = '\0';
  if (c.all) {
    append(buf, size, "all categories");
    return;
  }
  for (int i = 0; i < PD_CATEGORY_COUNT; i++) {
    if (!(c.mask & (1u << i))) continue;
    if (buf[0]) append(buf, size, ", ");
    append(buf, size, pd_category_key((enum pd_category)i));
  }
  if (!buf[0]) append(buf, size, "none");
}

void hold_categories_text(char *buf, size_t size, const struct pd_hold *h) {
  if (!size) return;
  buf[0] = '\0';
  if (h->all_categories) {
    append(buf, size, "all");
    return;
  }
  for (size_t i = 0; i < h->n_categories; i++) {
    if (i) append(buf, size, ", ");
    append(buf, size, pd_category_key(h->categories[i]));
  }
}

struct pd_screen *hold_report_screen(const struct pd_hold *h, const char *account_label) {
  char title[64], buf[512], when[32];
  snprintf(title, sizeof title, "Hold %s", h->id);
  struct report *r = report_new(title);
  if (!r) return NULL;
  bool active = h->status == PD_HOLD_ACTIVE;
  report_heading(r, "Dispute hold");
  report_row(r, "Hold", h->id, PD_STYLE_NORMAL);
  report_row(r, "Status", active ? "active: the categories below cannot be erased" : "released",
             active ? PD_STYLE_DUE_SOON : PD_STYLE_DIM);
  report_row(r, "Account", h->account_id, PD_STYLE_NORMAL);
  if (account_label && account_label[0] && strcmp(account_label, h->account_id) != 0)
    report_row(r, "", account_label, PD_STYLE_NORMAL);
  report_row(r, "Case reference", h->case_ref, PD_STYLE_NORMAL);
  hold_categories_text(buf, sizeof buf, h);
  report_row(r, "Categories", h->all_categories ? "all (\"*\": every category)" : buf, PD_STYLE_NORMAL);
  fmt_time(when, sizeof when, h->placed_at);
  snprintf(buf, sizeof buf, "%s by %s", when, h->placed_by);
  report_row(r, "Placed", buf, PD_STYLE_NORMAL);
  if (!active) {
    fmt_time(when, sizeof when, h->released_at);
    snprintf(buf, sizeof buf, "%s by %s", when, h->released_by ? h->released_by : "?");
    report_row(r, "Released", buf, PD_STYLE_NORMAL);
  }
  snprintf(buf, sizeof buf, "%lld", (long long)h->version);
  report_row(r, "Version", buf, PD_STYLE_DIM);
  report_heading(r, "Reason");
  report_text(r, h->reason, PD_STYLE_NORMAL);
  if (!active) {
    report_heading(r, "Release reason");
    report_text(r, h->release_reason ? h->release_reason : "", PD_STYLE_NORMAL);
  }
  return report_screen(r);
}

/* ---- the picker screen ---- */

struct picker {
  struct pd_screen base;
  uint64_t owner_id;
  picker_done_fn done;
  struct pd_table *table;
  bool all;
};

static const struct pd_table_column columns[] = {
  {"Category", 18, 40, 3, 0},
  {"Key", 10, 16, 1, 0},
  {"Group", 9, 14, 1, 0},
  {"Legal basis", 11, 20, 1, 0},
};

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  (void)ctx;
  if (index >= PD_CATEGORY_COUNT) return;
  const struct pd_category_info *c = pd_category((enum pd_category)index);
  pd_table_row_set(out, 0, c->label);
  pd_table_row_set(out, 1, c->key);
  pd_table_row_set(out, 2, c->group);
  pd_table_row_set(out, 3, c->legal_basis);
}

static const struct pd_table_ops table_ops = {format_row, NULL};

static struct category_choice current(const struct picker *p) {
  struct category_choice c = {.all = p->all, .mask = 0};
  for (int i = 0; i < PD_CATEGORY_COUNT; i++)
    if (pd_table_is_marked(p->table, (size_t)i)) c.mask |= 1u << i;
  return c;
}

static void update_right(struct picker *p, struct pd_app *app) {
  char right[48];
  struct category_choice c = current(p);
  if (c.all)
    snprintf(right, sizeof right, "all categories");
  else
    snprintf(right, sizeof right, "%zu chosen", category_choice_count(c));
  pd_app_set_status_right(app, right);
}

static void set_all(struct picker *p, bool on) {
  p->all = on;
  for (size_t i = 0; i < PD_CATEGORY_COUNT; i++) pd_table_set_mark(p->table, i, on);
  pd_table_invalidate(p->table);
}

static void pk_enter(struct pd_screen *s, struct pd_app *app) { update_right((struct picker *)s, app); }

static unsigned accept(struct picker *p, struct pd_app *app) {
  struct category_choice c = current(p);
  if (!c.all && !c.mask) {
    pd_app_message(app, PD_MSG_ERROR, "Choose at least one category (space), or * for all");
    return PD_REDRAW_STATUS;
  }
  uint64_t owner_id = p->owner_id;
  picker_done_fn done = p->done;
  pd_app_pop(app); /* destroyed later, after this callback */
  struct pd_screen *owner = pd_app_find(app, owner_id);
  if (owner && owner == pd_app_top(app) && done) done(app, owner, c);
  return PD_OK;
}

static unsigned pk_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct picker *p = (struct picker *)s;
  if (action == PD_ACT_MARK) {
    bool was_all = p->all;
    pd_table_action(p->table, action);
    /* unchoosing one category after "*" leaves the others chosen */
    if (was_all) p->all = false;
    update_right(p, app);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  if (pd_table_action(p->table, action)) return PD_REDRAW_BODY;
  switch (action) {
  case PD_ACT_PICK_ALL:
    set_all(p, !p->all);
    update_right(p, app);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  case PD_ACT_OPEN: return accept(p, app);
  case PD_ACT_BACK:
    pd_app_message(app, PD_MSG_INFO, "Cancelled: no hold was placed");
    return PD_POP;
  case PD_ACT_REFRESH:
  case PD_ACT_FILTER:
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
  case PD_ACT_NEXT_TAB:
  case PD_ACT_PREV_TAB: return PD_OK;
  default: return PD_UNHANDLED;
  }
}

static void pk_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct picker *p = (struct picker *)s;
  if (r.h < 4) return;
  pd_draw_text(win, r.y, r.x, r.w, " Categories the hold covers: space chooses, * all, Enter accepts, Esc cancels",
               pd_theme_attr(PD_STYLE_NORMAL), PD_DRAW_PAD);
  pd_draw_text(win, r.y + 1, r.x, r.w,
               p->all ? " ALL categories (\"*\"): nothing of this account is erased while the hold is active" : "",
               pd_theme_attr(p->all ? PD_STYLE_DUE_SOON : PD_STYLE_NORMAL), PD_DRAW_PAD);
  struct pd_rect tr = {r.y + 2, r.x, r.h - 2, r.w};
  pd_table_draw(p->table, win, tr, full);
}

static const char *pk_help(struct pd_screen *s) {
  (void)s;
  return "Choose the data categories the dispute hold covers. While the hold is active, an erasure keeps "
         "these categories. * chooses every category (the hold is stored as [\"*\"]).";
}

static void pk_destroy(struct pd_screen *s) {
  struct picker *p = (struct picker *)s;
  pd_table_free(p->table);
  free(p);
}

static const struct pd_screen_ops picker_ops = {
  .scope = "picker", .enter = pk_enter, .key = pk_key, .draw = pk_draw, .help = pk_help, .destroy = pk_destroy,
};

struct pd_screen *picker_screen_new(const struct pd_screen *owner, const char *title,
                                    struct category_choice initial, picker_done_fn done) {
  struct picker *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->base.ops = &picker_ops;
  p->base.hints = "space choose  * all  Enter accept  Esc cancel  ? help";
  snprintf(p->base.title, sizeof p->base.title, "%s", title ? title : "Categories");
  p->owner_id = owner ? owner->id : 0;
  p->done = done;
  p->table = pd_table_new(columns, (int)(sizeof columns / sizeof *columns), PD_TABLE_HEADER | PD_TABLE_MARKS,
                          &table_ops, p);
  if (!p->table) {
    free(p);
    return NULL;
  }
  pd_table_set_count(p->table, PD_CATEGORY_COUNT, false);
  if (initial.all)
    set_all(p, true);
  else
    for (size_t i = 0; i < PD_CATEGORY_COUNT; i++)
      if (initial.mask & (1u << i)) pd_table_set_mark(p->table, i, true);
  return &p->base;
}
