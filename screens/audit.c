/* The audit log: GET /v1/audit, newest first, with server-side filters by
 * actor, action and account (a / t / c take them from the selected entry,
 * x clears them), a local filter (/ n N), the hash chain check (V), the
 * entry's target (o) and the whole entry with its hashes (Enter). Pages of
 * 200 are fetched as the selection nears the end of what is loaded. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/console.h"
#include "screens/format.h"
#include "screens/report.h"
#include "screens/pages.h"
#include "tui/table.h"

enum { PAGE_SIZE = 200, PREFETCH_ROWS = 40 };
enum { KIND_FIRST_PAGE, KIND_NEXT_PAGE, KIND_VERIFY };

struct audit {
  struct pd_screen base;
  struct console *con;
  /* server-side filters; "" = none */
  char actor[PD_ID_MAX + 1], action[PD_ID_MAX + 1], account_id[PD_ID_MAX + 1];
  struct fetch first, next, verify;
  struct pd_pages list; /* pages of struct pd_audit_page; rows are struct pd_audit_entry * */
  char etag[PD_ERROR_ETAG_MAX];
  bool loaded;
  int64_t keep_seq; /* re-select this entry after a reload; 0: the selected one */
  /* the local filter: view[] indexes rows[] */
  char filter[128];
  size_t *view;
  size_t n_view;
  struct pd_table *table;        /* the one in use: wide_table or narrow_table */
  struct pd_table *wide_table, *narrow_table;
  bool short_time; /* narrow terminal: "11-29 17:43" without the year */
  bool table_switched;
  /* the last chain check, shown above the table */
  char verdict[256];
  enum pd_style verdict_style;
  int64_t bad_seq;
};

enum { COL_TIME = 1, NARROW_COLS = 110 };
static const struct pd_table_column columns[] = {
  {"Seq", 4, 8, 0, PD_COL_RIGHT}, {"Time", 16, 16, 0, 0},   {"Actor", 5, 14, 1, 0},
  {"Action", 12, 18, 3, 0},       {"Target", 10, 20, 2, 0}, {"Account", 10, 20, 2, 0},
  {"Details", 8, 0, 4, 0},
};
/* the same with the short time, for terminals narrower than NARROW_COLS */
static const struct pd_table_column columns_narrow[] = {
  {"Seq", 4, 8, 0, PD_COL_RIGHT}, {"Time", 11, 11, 0, 0},   {"Actor", 5, 14, 1, 0},
  {"Action", 12, 18, 3, 0},       {"Target", 10, 20, 2, 0}, {"Account", 10, 20, 2, 0},
  {"Details", 8, 0, 4, 0},
};

/* The loaded row i. */
static struct pd_audit_entry *entry_at(const struct audit *a, size_t i) { return a->list.rows[i]; }

static struct pd_audit_entry *row_at(struct audit *a, size_t view_index) {
  return view_index < a->n_view ? entry_at(a, a->view[view_index]) : NULL;
}

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  struct audit *a = ctx;
  const struct pd_audit_entry *e = row_at(a, index);
  if (!e) return;
  char at[32];
  fmt_time(at, sizeof at, e->at);
  pd_table_row_setf(out, 0, "%lld", (long long)e->seq);
  if (a->short_time && strlen(at) == 16) memmove(at, at + 5, 12); /* "2026-11-29 16:43" -> "11-29 16:43" */
  pd_table_row_set(out, 1, at);
  pd_table_row_set(out, 2, e->actor);
  pd_table_row_set(out, 3, e->action);
  pd_table_row_set(out, 4, e->target ? e->target : "-");
  pd_table_row_set(out, 5, e->account_id ? e->account_id : "-");
  pd_table_row_set(out, 6, e->details_json ? e->details_json : "");
  pd_table_row_set_cell_role(out, 6, PD_STYLE_DIM);
  if (a->bad_seq && e->seq == a->bad_seq) pd_table_row_set_role(out, PD_STYLE_URGENT);
}

static bool row_matches(const struct pd_audit_entry *e, const char *needle) {
  if (!needle[0]) return true;
  char seq[32];
  snprintf(seq, sizeof seq, "%lld", (long long)e->seq);
  const char *fields[] = {seq, e->actor, e->action, e->target ? e->target : "", e->account_id ? e->account_id : "",
                          e->details_json ? e->details_json : ""};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (text_contains(fields[i], needle)) return true;
  return false;
}

static bool match_row(void *ctx, size_t index, const char *needle) {
  const struct pd_audit_entry *e = row_at(ctx, index);
  return e && row_matches(e, needle);
}

static const struct pd_table_ops table_ops = {format_row, match_row};

static void rebuild_view(struct audit *a) {
  const struct pd_audit_entry *selected = row_at(a, pd_table_cursor(a->table));
  int64_t keep = a->keep_seq ? a->keep_seq : selected ? selected->seq : 0;
  size_t *view = realloc(a->view, (a->list.n_rows + 1) * sizeof *view);
  if (!view) return;
  a->view = view;
  a->n_view = 0;
  size_t cursor = 0;
  for (size_t i = 0; i < a->list.n_rows; i++) {
    if (!row_matches(entry_at(a, i), a->filter)) continue;
    if (keep && entry_at(a, i)->seq == keep) cursor = a->n_view;
    a->view[a->n_view++] = i;
  }
  pd_table_set_count(a->table, a->n_view, false);
  pd_table_set_cursor(a->table, cursor);
  pd_table_set_highlight(a->table, a->filter[0] ? a->filter : NULL);
  pd_table_invalidate(a->table);
  a->keep_seq = 0;
}

static void free_page(void *page) { pd_audit_page_free(page); }

static void add_page(struct audit *a, struct pd_audit_page *page) {
  pd_pages_append(&a->list, page, page->items, page->count, sizeof *page->items, page->next_cursor);
}

/* A reloaded first page while more is loaded: the log only grows (entries
 * are never changed), so the entries newer than the loaded ones go on top
 * and whatever was scrolled to stays loaded. Returns false (nothing taken)
 * when the page does not reach the loaded entries: then it replaces them. */
static bool prepend_newer(struct audit *a, struct pd_audit_page *page) {
  if (!a->list.n_rows) return false;
  int64_t top = entry_at(a, 0)->seq;
  size_t k = 0;
  while (k < page->count && page->items[k].seq > top) k++;
  if (k == page->count || page->items[k].seq != top) return false;
  /* owned for its first k items; the cursor stays the old one */
  return pd_pages_prepend(&a->list, page, page->items, k, sizeof *page->items);
}

static void fill_query(const struct audit *a, struct pd_audit_query *q) {
  memset(q, 0, sizeof *q);
  q->actor = a->actor[0] ? a->actor : NULL;
  q->action = a->action[0] ? a->action : NULL;
  q->account_id = a->account_id[0] ? a->account_id : NULL;
  q->limit = PAGE_SIZE;
}

static void load_first(struct audit *a, bool conditional) {
  struct pd_audit_query q;
  fill_query(a, &q);
  fetch_cancel(&a->next);
  fetch_started(&a->first, pd_list_audit(a->con->client, &q, conditional && a->etag[0] ? a->etag : NULL,
                                         fetch_callback, &a->first));
}

static void load_next(struct audit *a) {
  if (!a->list.next_cursor || fetch_pending(&a->next) || fetch_pending(&a->first)) return;
  struct pd_audit_query q;
  fill_query(a, &q);
  q.cursor = a->list.next_cursor;
  fetch_started(&a->next, pd_list_audit(a->con->client, &q, NULL, fetch_callback, &a->next));
}

static void maybe_prefetch(struct audit *a) {
  if (a->n_view && pd_table_cursor(a->table) + PREFETCH_ROWS >= a->n_view) load_next(a);
}

static void update_status_right(struct audit *a) {
  char right[64];
  snprintf(right, sizeof right, "%zu/%zu%s", a->n_view ? pd_table_cursor(a->table) + 1 : 0, a->n_view,
           a->list.next_cursor ? "+" : "");
  pd_app_set_status_right(a->con->app, right);
}

/* "actor=alice action=hold.place account=acc_x", or "" */
static void filters_text(const struct audit *a, char *buf, size_t size) {
  snprintf(buf, size, "%s%s%s%s%s%s%s%s", a->actor[0] ? "actor=" : "", a->actor,
           a->actor[0] && (a->action[0] || a->account_id[0]) ? " " : "", a->action[0] ? "action=" : "", a->action,
           a->action[0] && a->account_id[0] ? " " : "", a->account_id[0] ? "account=" : "", a->account_id);
}

/* The breadcrumb segment: "Audit log", or "Audit: actor=alice ..." cut to
 * fit (at a character boundary). */
static void set_title(struct audit *a) {
  char f[3 * PD_ID_MAX + 40], t[sizeof f + 16];
  filters_text(a, f, sizeof f);
  snprintf(t, sizeof t, "Audit%s%s", f[0] ? ": " : " log", f);
  size_t n = strlen(t);
  if (n >= sizeof a->base.title) {
    n = sizeof a->base.title - 1;
    while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80) n--;
  }
  memcpy(a->base.title, t, n);
  a->base.title[n] = '\0';
}

/* A new server-side filter: reload from the newest entry. */
static void refilter(struct audit *a) {
  set_title(a);
  a->etag[0] = '\0';
  a->loaded = false;
  pd_pages_clear(&a->list);
  a->n_view = 0;
  pd_table_set_count(a->table, 0, false);
  pd_table_set_cursor(a->table, 0);
  load_first(a, false);
}

/* ---- actions ---- */

static void show_entry(struct audit *a, const struct pd_audit_entry *e) {
  char title[64], buf[64];
  snprintf(title, sizeof title, "Audit entry #%lld", (long long)e->seq);
  struct report *r = report_new(title);
  if (!r) return;
  report_heading(r, title);
  snprintf(buf, sizeof buf, "%lld", (long long)e->seq);
  report_row(r, "Seq", buf, PD_STYLE_NORMAL);
  char at[PD_TIME_BUF];
  if (pd_time_format(e->at, at, sizeof at) != 0) snprintf(at, sizeof at, "?");
  report_row(r, "Time", at, PD_STYLE_NORMAL);
  report_row(r, "Actor", e->actor, PD_STYLE_NORMAL);
  report_row(r, "Action", e->action, PD_STYLE_NORMAL);
  report_row(r, "Target", e->target ? e->target : "-", e->target ? PD_STYLE_NORMAL : PD_STYLE_DIM);
  report_row(r, "Account", e->account_id ? e->account_id : "-", e->account_id ? PD_STYLE_NORMAL : PD_STYLE_DIM);
  report_heading(r, "Details");
  json_error_t jerr;
  json_t *details = e->details_json ? json_loads(e->details_json, JSON_DECODE_ANY, &jerr) : NULL;
  char *pretty = details ? json_dumps(details, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
  report_text(r, pretty ? pretty : e->details_json ? e->details_json : "{}", PD_STYLE_NORMAL);
  free(pretty);
  json_decref(details);
  report_heading(r, "Hash chain");
  report_row(r, "Previous", e->prev_hash, PD_STYLE_DIM);
  report_row(r, "Hash", e->hash, PD_STYLE_NORMAL);
  report_text(r, "hash = SHA-256(previous hash + newline + the entry's canonical JSON). "
                 "V on the audit log verifies the whole chain.", PD_STYLE_DIM);
  pd_app_push(a->con->app, report_screen(r));
}

static void open_target(struct audit *a, const struct pd_audit_entry *e) {
  const char *t = e->target;
  struct pd_app *app = a->con->app;
  if (t && strncmp(t, "req_", 4) == 0) {
    pd_app_push(app, request_screen_new(a->con, t));
  } else if (t && strncmp(t, "acc_", 4) == 0) {
    pd_app_push(app, account_screen_new(a->con, t));
  } else if (t && strncmp(t, "hld_", 4) == 0) {
    /* hold entries name the hold's account: its holds list has the hold */
    pd_app_push(app, holds_screen_new(a->con, e->account_id));
  } else if (e->account_id) {
    pd_app_push(app, account_screen_new(a->con, e->account_id));
  } else {
    pd_app_message(app, PD_MSG_ERROR, "Nothing to open: the target \"%s\" is not a request, account or hold",
                   t ? t : "-");
  }
}

/* a / t / c: filter by a field of the selected entry */
static unsigned filter_by(struct audit *a, enum pd_action action) {
  const struct pd_audit_entry *e = row_at(a, pd_table_cursor(a->table));
  if (!e) {
    pd_app_message(a->con->app, PD_MSG_ERROR, "No entry selected");
    return PD_REDRAW_STATUS;
  }
  if (action == PD_ACT_AUDIT_BY_ACTOR) {
    snprintf(a->actor, sizeof a->actor, "%s", e->actor);
  } else if (action == PD_ACT_AUDIT_BY_ACTION) {
    snprintf(a->action, sizeof a->action, "%s", e->action);
  } else {
    if (!e->account_id) {
      pd_app_message(a->con->app, PD_MSG_ERROR, "Entry #%lld is not about an account", (long long)e->seq);
      return PD_REDRAW_STATUS;
    }
    snprintf(a->account_id, sizeof a->account_id, "%s", e->account_id);
  }
  a->keep_seq = e->seq;
  refilter(a);
  return PD_REDRAW_ALL;
}

static void verify_arrived(struct audit *a, struct reply *r) {
  if (!r->ok) {
    console_error(a->con, &r->error, "verify the audit chain");
    return;
  }
  if (r->not_modified) return;
  const struct pd_audit_verify *v = r->value;
  char now[32];
  fmt_time(now, sizeof now, (int64_t)time(NULL));
  if (v->ok) {
    a->bad_seq = 0;
    a->verdict_style = PD_STYLE_OK;
    snprintf(a->verdict, sizeof a->verdict, "Chain intact: %lld entries, head %.12s... (checked %s UTC)",
             (long long)v->entries, v->head[0] ? v->head : "(empty log)", now);
    pd_app_message(a->con->app, PD_MSG_INFO, "Chain intact: %lld entries, head %.12s...", (long long)v->entries,
                   v->head);
  } else {
    a->bad_seq = v->first_bad_seq;
    a->verdict_style = PD_STYLE_ERROR;
    snprintf(a->verdict, sizeof a->verdict,
             "CHAIN BROKEN at entry #%lld: its hash or link does not match (of %lld entries; checked %s UTC)",
             (long long)v->first_bad_seq, (long long)v->entries, now);
    pd_app_message(a->con->app, PD_MSG_ERROR, "CHAIN BROKEN at entry #%lld", (long long)v->first_bad_seq);
    for (size_t i = 0; i < a->n_view; i++)
      if (row_at(a, i)->seq == v->first_bad_seq) pd_table_set_cursor(a->table, i);
  }
  pd_table_invalidate(a->table);
}

/* ---- screen callbacks ---- */

/* Narrow terminals get the table with the short time column; the other
 * table takes over the rows, the selection and the highlight. */
static void use_table(struct audit *a, bool narrow) {
  struct pd_table *want = narrow ? a->narrow_table : a->wide_table;
  a->short_time = narrow;
  if (want == a->table) return;
  pd_table_set_count(want, a->n_view, false);
  pd_table_set_cursor(want, pd_table_cursor(a->table));
  pd_table_set_highlight(want, pd_table_highlight(a->table));
  a->table = want;
  a->table_switched = true;
}

static void au_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct audit *a = (struct audit *)s;
  if (!fetch_pending(&a->first)) load_first(a, a->loaded); /* coming back: revalidate */
  update_status_right(a);
}

static unsigned au_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  struct audit *a = (struct audit *)s;
  struct reply *r = payload;
  if (kind == KIND_VERIFY) {
    verify_arrived(a, r);
    reply_free(r);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
  }
  if (!r->ok) {
    console_error(a->con, &r->error, "load the audit log");
    reply_free(r);
    return PD_REDRAW_STATUS;
  }
  if (r->not_modified) {
    reply_free(r);
    return PD_REDRAW_HEADER;
  }
  struct pd_audit_page *page = reply_take(r);
  if (kind == KIND_FIRST_PAGE) {
    const struct pd_audit_entry *sel = row_at(a, pd_table_cursor(a->table));
    if (sel && !a->keep_seq) a->keep_seq = sel->seq;
    snprintf(a->etag, sizeof a->etag, "%s", r->etag);
    if (a->loaded && prepend_newer(a, page)) {
      page = NULL;
    } else {
      pd_pages_clear(&a->list);
      a->loaded = true;
    }
  }
  reply_free(r);
  if (page) add_page(a, page);
  rebuild_view(a);
  update_status_right(a);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static void apply_filter(struct pd_app *app, const char *text, void *ctx) {
  struct audit *a = ctx;
  snprintf(a->filter, sizeof a->filter, "%s", text ? text : "");
  rebuild_view(a);
  update_status_right(a);
  pd_app_redraw(app, PD_REDRAW_BODY | PD_REDRAW_STATUS);
}

static unsigned au_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct audit *a = (struct audit *)s;
  if (pd_table_action(a->table, action)) {
    maybe_prefetch(a);
    update_status_right(a);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  const struct pd_audit_entry *e = row_at(a, pd_table_cursor(a->table));
  switch (action) {
  case PD_ACT_REFRESH: load_first(a, true); return PD_REDRAW_STATUS;
  case PD_ACT_OPEN:
    if (e) show_entry(a, e);
    return PD_OK;
  case PD_ACT_AUDIT_OPEN_TARGET:
    if (e) open_target(a, e);
    return PD_REDRAW_STATUS;
  case PD_ACT_AUDIT_BY_ACTOR:
  case PD_ACT_AUDIT_BY_ACTION:
  case PD_ACT_AUDIT_BY_ACCOUNT: return filter_by(a, action);
  case PD_ACT_AUDIT_CLEAR:
    if (!a->actor[0] && !a->action[0] && !a->account_id[0] && !a->filter[0]) {
      pd_app_message(app, PD_MSG_INFO, "No filter to clear");
      return PD_REDRAW_STATUS;
    }
    a->actor[0] = a->action[0] = a->account_id[0] = a->filter[0] = '\0';
    a->keep_seq = e ? e->seq : 0;
    refilter(a);
    pd_app_message(app, PD_MSG_INFO, "Showing every entry");
    return PD_REDRAW_ALL;
  case PD_ACT_AUDIT_VERIFY:
    fetch_started(&a->verify, pd_verify_audit(a->con->client, NULL, fetch_callback, &a->verify));
    pd_app_message(app, PD_MSG_INFO, "Verifying the hash chain...");
    return PD_REDRAW_STATUS;
  case PD_ACT_FILTER: {
    struct pd_prompt_opts o = {.label = "/", .initial = a->filter, .changed = apply_filter, .done = apply_filter,
                               .ctx = a};
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    if (!a->filter[0] || !pd_table_search(a->table, a->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_INFO, a->filter[0] ? "No match" : "No filter: press / first");
    update_status_right(a);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  default: return PD_UNHANDLED;
  }
}

static void au_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct audit *a = (struct audit *)s;
  struct pd_rect tr = r;
  /* a line naming the filters, then the last chain check if any */
  char f[3 * PD_ID_MAX + 40], line[3 * PD_ID_MAX + 200];
  filters_text(a, f, sizeof f);
  if (f[0])
    snprintf(line, sizeof line, "Filter: %s%s%s  (x clears)", f, a->filter[0] ? "  /" : "", a->filter);
  else
    snprintf(line, sizeof line, "All entries, newest first%s%s", a->filter[0] ? "; find /" : "", a->filter);
  pd_draw_text(win, tr.y, tr.x, tr.w, line, pd_theme_attr(f[0] ? PD_STYLE_KEY : PD_STYLE_DIM), PD_DRAW_PAD);
  tr.y++;
  tr.h--;
  if (a->verdict[0] && tr.h > 2) {
    pd_draw_text(win, tr.y, tr.x, tr.w, a->verdict, pd_theme_attr(a->verdict_style), PD_DRAW_PAD);
    tr.y++;
    tr.h--;
  }
  if (tr.h <= 0) return;
  if (!a->n_view) {
    pd_draw_clear_rect(win, tr, pd_theme_attr(PD_STYLE_NORMAL));
    const char *text = !a->loaded  ? "Loading the audit log..."
                       : a->filter[0] ? "No entry matches the filter (Esc on / clears it)."
                       : f[0]         ? "No entry matches these filters (x clears them)."
                                      : "The audit log is empty.";
    pd_draw_text(win, tr.y + 1, tr.x + 2, tr.w - 2, text, pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  use_table(a, tr.w < NARROW_COLS);
  pd_table_draw(a->table, win, tr, full || a->table_switched);
  a->table_switched = false;
}

static const char *au_help(struct pd_screen *s) {
  (void)s;
  return "Every write appends an entry; entries are chained by SHA-256 and never changed or deleted.\n"
         "a, t and c show only entries with the selected entry's actor, action or account (they add up);\n"
         "x clears them. V asks the server to verify the whole chain. o opens what the entry is about.";
}

static void au_destroy(struct pd_screen *s) {
  struct audit *a = (struct audit *)s;
  fetch_cancel(&a->first);
  fetch_cancel(&a->next);
  fetch_cancel(&a->verify);
  pd_pages_clear(&a->list);
  free(a->view);
  pd_table_free(a->wide_table);
  pd_table_free(a->narrow_table);
  free(a);
}

static const struct pd_screen_ops audit_ops = {
  .scope = "audit", .enter = au_enter, .key = au_key, .data_arrived = au_data, .draw = au_draw, .help = au_help,
  .destroy = au_destroy,
};

struct pd_screen *audit_screen_new(struct console *con, const char *account_id, const char *actor,
                                   const char *action) {
  struct audit *a = calloc(1, sizeof *a);
  if (!a) return NULL;
  pd_pages_init(&a->list, free_page);
  a->base.ops = &audit_ops;
  a->base.hints = "Enter entry  o open  a/t/c filter  x clear  V verify  / find  ? help";
  a->con = con;
  snprintf(a->account_id, sizeof a->account_id, "%s", account_id ? account_id : "");
  snprintf(a->actor, sizeof a->actor, "%s", actor ? actor : "");
  snprintf(a->action, sizeof a->action, "%s", action ? action : "");
  set_title(a);
  fetch_init(&a->first, con, &a->base, KIND_FIRST_PAGE);
  fetch_init(&a->next, con, &a->base, KIND_NEXT_PAGE);
  fetch_init(&a->verify, con, &a->base, KIND_VERIFY);
  a->wide_table = pd_table_new(columns, (int)(sizeof columns / sizeof *columns), PD_TABLE_HEADER, &table_ops, a);
  a->narrow_table =
    pd_table_new(columns_narrow, (int)(sizeof columns_narrow / sizeof *columns_narrow), PD_TABLE_HEADER, &table_ops, a);
  a->table = a->wide_table;
  if (!a->wide_table || !a->narrow_table) {
    au_destroy(&a->base);
    return NULL;
  }
  return &a->base;
}
