/* The dashboard, the console's first (root) screen: the queue counts of
 * GET /v1/stats as a selectable list (Enter opens the queue with the
 * matching preset) and a bar chart of the open requests by days to their
 * deadline. The chart sits below the counts on narrow terminals (80x24)
 * and beside them from 100 columns. Reloads with If-None-Match: the
 * periodic refresh costs a 304 while nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "screens/console.h"
#include "screens/format.h"
#include "tui/table.h"
#include "tui/tabs.h"

enum { KIND_STATS };
enum { WIDE_COLS = 100, LEFT_MAX = 46, CHART_MAX = 110, GAP = 3 };

/* One selectable count: its label, where its number comes from and the
 * queue preset Enter opens. */
enum dash_count {
  DC_OPEN, DC_NEW, DC_VERIFYING, DC_IN_PROGRESS, DC_WAITING, DC_OVERDUE, DC_DUE_7,
  DC_URGENT, DC_UNASSIGNED, DC_MINE, DC_COMPLETED, DC_REJECTED, DC_COUNT
};

static const struct dash_row {
  const char *label;
  enum queue_preset preset;
} dash_rows[DC_COUNT] = {
  [DC_OPEN] = {"Open requests", QUEUE_OPEN},
  [DC_NEW] = {"  new", QUEUE_OPEN},
  [DC_VERIFYING] = {"  verifying", QUEUE_OPEN},
  [DC_IN_PROGRESS] = {"  in progress", QUEUE_OPEN},
  [DC_WAITING] = {"  waiting", QUEUE_OPEN},
  [DC_OVERDUE] = {"Overdue", QUEUE_OVERDUE},
  [DC_DUE_7] = {"Due within 7 days", QUEUE_OPEN},
  [DC_URGENT] = {"Urgent", QUEUE_URGENT},
  [DC_UNASSIGNED] = {"Unassigned", QUEUE_UNASSIGNED},
  [DC_MINE] = {"Assigned to me", QUEUE_MINE},
  [DC_COMPLETED] = {"Closed: completed", QUEUE_CLOSED},
  [DC_REJECTED] = {"Closed: rejected", QUEUE_CLOSED},
};

static const struct pd_table_column columns[] = {
  {"Requests", 17, 22, 1, 0},
  {"Count", 5, 8, 0, PD_COL_RIGHT},
  {"Enter opens", 11, 18, 1, 0},
};

struct dashboard {
  struct pd_screen base;
  struct console *con;
  struct fetch load;
  struct pd_stats *stats;
  char etag[PD_ERROR_ETAG_MAX];
  char error[256]; /* why the counts could not be loaded (shown while there are none) */
  struct pd_table *table;
};

static int64_t count_of(const struct pd_stats *s, enum dash_count c) {
  switch (c) {
  case DC_OPEN: return s->open_total;
  case DC_NEW: return s->by_status[PD_ST_NEW];
  case DC_VERIFYING: return s->by_status[PD_ST_VERIFYING];
  case DC_IN_PROGRESS: return s->by_status[PD_ST_IN_PROGRESS];
  case DC_WAITING: return s->by_status[PD_ST_WAITING];
  case DC_OVERDUE: return s->overdue;
  case DC_DUE_7: return s->due_within_7_days;
  case DC_URGENT: return s->urgent;
  case DC_UNASSIGNED: return s->unassigned;
  case DC_MINE: return s->mine;
  case DC_COMPLETED: return s->by_status[PD_ST_COMPLETED];
  case DC_REJECTED: return s->by_status[PD_ST_REJECTED];
  default: return 0;
  }
}

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  struct dashboard *d = ctx;
  if (!d->stats || index >= DC_COUNT) return;
  enum dash_count c = (enum dash_count)index;
  int64_t n = count_of(d->stats, c);
  pd_table_row_set(out, 0, dash_rows[c].label);
  pd_table_row_setf(out, 1, "%lld", (long long)n); /* zero is a count too: shown as 0 */
  pd_table_row_setf(out, 2, "queue %s", queue_preset_name(dash_rows[c].preset));
  pd_table_row_set_cell_role(out, 2, PD_STYLE_DIM);
  if (c == DC_COMPLETED || c == DC_REJECTED) pd_table_row_set_role(out, PD_STYLE_DIM);
  if (n > 0 && (c == DC_OVERDUE || c == DC_URGENT)) pd_table_row_set_role(out, PD_STYLE_URGENT);
  if (n > 0 && c == DC_DUE_7) pd_table_row_set_role(out, PD_STYLE_DUE_SOON);
}

static const struct pd_table_ops table_ops = {format_row, NULL};

static void load(struct dashboard *d, bool conditional) {
  fetch_started(&d->load, pd_get_stats(d->con->client, conditional && d->etag[0] ? d->etag : NULL, fetch_callback,
                                       &d->load));
}

static void update_status_right(struct dashboard *d) {
  char right[64] = "";
  char at[PD_TIME_BUF];
  if (d->stats && d->stats->generated_at != PD_TIME_NONE && pd_time_format(d->stats->generated_at, at, sizeof at) == 0)
    snprintf(right, sizeof right, "as of %.8s UTC", at + 11); /* "2026-11-29T17:28:24Z" -> 17:28:24 */
  pd_app_set_status_right(d->con->app, right);
}

/* ---- the chart ---- */

static enum pd_style bucket_style(const char *bucket) {
  if (strcmp(bucket, "overdue") == 0 || strcmp(bucket, "today") == 0) return PD_STYLE_URGENT;
  if (strcmp(bucket, "1-3d") == 0) return PD_STYLE_DUE_SOON;
  return PD_STYLE_BAR;
}

/* Draws a titled bar chart into r: the title, then one bar per row, or
 * with a blank row before the bars and between them when r has the rows.
 * Returns the rows used. */
static int draw_bars(WINDOW *win, struct pd_rect r, const char *title, const struct pd_bar *bars, int n) {
  if (r.h < 1 || r.w < 1) return 0;
  pd_draw_text(win, r.y, r.x, r.w, title, pd_theme_attr(PD_STYLE_TITLE), PD_DRAW_PAD);
  struct pd_rect chart = {r.y + 1, r.x, r.h - 1, r.w};
  if (chart.h < 1 || n < 1) return 1;
  if (chart.h < 2 * n) {
    pd_barchart_draw(win, chart, bars, n);
    return 1 + (n < chart.h ? n : chart.h);
  }
  /* one bar at a time, each drawn with every bar so that all share one scale
   * and one label width: bar i first, the others are not drawn (h = 1) */
  struct pd_bar order[PD_SMALL_LIST_MAX];
  for (int i = 0; i < n; i++) {
    order[0] = bars[i];
    for (int j = 0, k = 1; j < n; j++)
      if (j != i) order[k++] = bars[j];
    pd_barchart_draw(win, (struct pd_rect){chart.y + 1 + 2 * i, chart.x, 1, chart.w}, order, n);
  }
  return 2 * n + 1;
}

/* The deadline chart, and below it (when there is room) the open requests
 * by status. */
static void draw_charts(struct dashboard *d, WINDOW *win, struct pd_rect r) {
  pd_draw_clear_rect(win, r, pd_theme_attr(PD_STYLE_NORMAL));
  const struct pd_stats *s = d->stats;
  int n = (int)(s->n_by_days_left < PD_SMALL_LIST_MAX ? s->n_by_days_left : PD_SMALL_LIST_MAX);
  struct pd_bar bars[PD_SMALL_LIST_MAX];
  for (int i = 0; i < n; i++)
    bars[i] = (struct pd_bar){s->by_days_left[i].bucket, s->by_days_left[i].count > 0 ? s->by_days_left[i].count : 0,
                              bucket_style(s->by_days_left[i].bucket)};
  int used = draw_bars(win, r, "Open requests by days to deadline", bars, n);
  if (!n && r.h > 1)
    pd_draw_text(win, r.y + 1, r.x, r.w, "(the server sent no deadline buckets)", pd_theme_attr(PD_STYLE_DIM), 0);
  static const enum pd_status open[] = {PD_ST_NEW, PD_ST_VERIFYING, PD_ST_IN_PROGRESS, PD_ST_WAITING};
  enum { NOPEN = sizeof open / sizeof *open };
  if (r.h - used - 1 < 2 * NOPEN + 1) return; /* only when it fits with its spacing */
  struct pd_bar by_status[NOPEN];
  for (int i = 0; i < NOPEN; i++)
    by_status[i] = (struct pd_bar){status_label(open[i]), s->by_status[open[i]], PD_STYLE_BAR};
  draw_bars(win, (struct pd_rect){r.y + used + 1, r.x, r.h - used - 1, r.w}, "Open requests by status", by_status,
            NOPEN);
}

/* ---- screen callbacks ---- */

static void d_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct dashboard *d = (struct dashboard *)s;
  /* first visit loads; coming back from a queue revalidates (a 304 keeps it) */
  if (!fetch_pending(&d->load)) load(d, d->stats != NULL);
  update_status_right(d);
}

static unsigned d_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  (void)app;
  (void)kind;
  struct dashboard *d = (struct dashboard *)s;
  struct reply *r = payload;
  if (!r->ok) {
    console_error(d->con, &r->error, "load the queue counts");
    if (r->error.kind != PD_E_CANCELLED)
      snprintf(d->error, sizeof d->error, "Could not load the queue counts (%s). Press r to try again.",
               pd_error_kind_sentence(r->error.kind));
    reply_free(r);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  if (r->not_modified) { /* nothing changed: keep what is shown */
    reply_free(r);
    return PD_REDRAW_HEADER;
  }
  pd_stats_free(d->stats);
  d->stats = reply_take(r);
  snprintf(d->etag, sizeof d->etag, "%s", r->etag);
  d->error[0] = '\0';
  reply_free(r);
  pd_table_set_count(d->table, DC_COUNT, false);
  pd_table_invalidate(d->table);
  update_status_right(d);
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static unsigned d_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct dashboard *d = (struct dashboard *)s;
  if (action == PD_ACT_REFRESH) {
    load(d, true);
    return PD_REDRAW_STATUS;
  }
  if (!d->stats) return action == PD_ACT_NONE ? PD_OK : PD_UNHANDLED;
  if (pd_table_action(d->table, action)) return PD_REDRAW_BODY;
  if (action == PD_ACT_OPEN) {
    size_t c = pd_table_cursor(d->table);
    if (c < DC_COUNT) pd_app_push(app, queue_screen_new(d->con, dash_rows[c].preset));
    return PD_OK;
  }
  return PD_UNHANDLED;
}

/* Rows the counts need: the header and one per count. */
#define TABLE_ROWS (DC_COUNT + 1)

static void d_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct dashboard *d = (struct dashboard *)s;
  if (!d->stats) {
    pd_draw_clear_rect(win, r, pd_theme_attr(PD_STYLE_NORMAL));
    if (d->error[0])
      pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, d->error, pd_theme_attr(PD_STYLE_URGENT), 0);
    else
      pd_draw_text(win, r.y + 1, r.x + 2, r.w - 2, "Loading the queue counts...", pd_theme_attr(PD_STYLE_DIM), 0);
    return;
  }
  if (full) pd_draw_clear_rect(win, r, pd_theme_attr(PD_STYLE_NORMAL));
  int nbars = (int)d->stats->n_by_days_left;
  int chart_rows = 1 + (nbars ? nbars : 1);
  struct pd_rect table = r, chart;
  if (r.w >= WIDE_COLS || (r.h < TABLE_ROWS + chart_rows && r.w >= 60)) {
    /* beside: the counts on the left, the charts take the rest */
    table.w = r.w / 2 < LEFT_MAX ? r.w / 2 : LEFT_MAX;
    table.h = r.h < TABLE_ROWS ? r.h : TABLE_ROWS;
    chart = (struct pd_rect){r.y, r.x + table.w + GAP, r.h, r.w - table.w - GAP};
  } else {
    /* below: the counts first (scrolling if they must), then the charts */
    table.h = r.h - chart_rows < TABLE_ROWS ? r.h - chart_rows : TABLE_ROWS;
    if (table.h < 4) table.h = r.h < 4 ? r.h : 4;
    int gap = r.h - table.h > chart_rows ? 1 : 0;
    chart = (struct pd_rect){r.y + table.h + gap, r.x, r.h - table.h - gap, r.w};
  }
  pd_table_draw(d->table, win, table, full);
  if (chart.w > CHART_MAX) chart.w = CHART_MAX;
  if (chart.h > 0 && chart.w > 0) draw_charts(d, win, chart);
}

static const char *d_help(struct pd_screen *s) {
  (void)s;
  return "The queue at a glance: counts of open requests (by status, overdue, due within 7 days,\n"
         "urgent, unassigned, yours) and of closed ones; Enter opens the queue with that preset.\n"
         "The chart shows open requests by days to their deadline: red overdue or due today, yellow 1-3 days.\n"
         "r reloads now; the console also reloads every --refresh seconds.";
}

static void d_destroy(struct pd_screen *s) {
  struct dashboard *d = (struct dashboard *)s;
  fetch_cancel(&d->load);
  pd_stats_free(d->stats);
  pd_table_free(d->table);
  free(d);
}

static const struct pd_screen_ops dashboard_ops = {
  .scope = NULL, .enter = d_enter, .key = d_key, .data_arrived = d_data, .draw = d_draw, .help = d_help,
  .destroy = d_destroy,
};

struct pd_screen *dashboard_screen_new(struct console *con) {
  struct dashboard *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->base.ops = &dashboard_ops;
  d->base.hints = "Enter open queue  r refresh  : command  ? help  Q quit";
  snprintf(d->base.title, sizeof d->base.title, "Dashboard");
  d->con = con;
  fetch_init(&d->load, con, &d->base, KIND_STATS);
  d->table = pd_table_new(columns, (int)(sizeof columns / sizeof *columns), PD_TABLE_HEADER, &table_ops, d);
  if (!d->table) {
    free(d);
    return NULL;
  }
  return &d->base;
}
