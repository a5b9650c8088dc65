/* The queue: rights requests by deadline, with presets as tabs, a local
 * filter, sorting, colour by urgency, and bulk take/assign on marked rows.
 * Pages of 200 are fetched as the selection nears the end of what is loaded,
 * so a queue of any length opens with one round trip.
 *
 * Memory: a loaded page is packed into one chunk of compact rows (what the
 * queue shows, filters on and acts on: about 170 bytes a row instead of the
 * ~500 of a decoded struct pd_request with its separately allocated strings),
 * so 10,000 loaded rows keep the console under 16 MB (bench/console.sh).
 *
 * The filter is lazy, like less's: a keystroke examines at most SCAN_SLICE
 * loaded rows, the rest is examined a slice per loop iteration (keys go
 * first), and a move past what is examined (j, PgDn, G, n, N) examines as
 * far as the move needs. So typing a filter costs the same with 1,000 or
 * 100,000 rows loaded; until the scan ends the count shows a "+". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "screens/bulk.h"
#include "screens/console.h"
#include "screens/format.h"
#include "tui/table.h"
#include "tui/tabs.h"

enum { PAGE_SIZE = 200, PREFETCH_ROWS = 40, SCAN_SLICE = 512 };
enum { KIND_FIRST_PAGE, KIND_NEXT_PAGE };

static const char *const preset_names[QUEUE_PRESET_COUNT] = {"open", "mine", "unassigned", "urgent",
                                                              "overdue", "closed", "all"};
static const char *const sort_labels[] = {"due date", "due date, latest first", "received", "received, newest first"};
static const enum pd_sort sorts[] = {PD_SORT_DUE_AT, PD_SORT_DUE_AT_DESC, PD_SORT_RECEIVED_AT,
                                     PD_SORT_RECEIVED_AT_DESC};

const char *queue_preset_name(enum queue_preset p) {
  return (unsigned)p < QUEUE_PRESET_COUNT ? preset_names[p] : "open";
}

int queue_preset_parse(const char *s) {
  for (int i = 0; s && i < QUEUE_PRESET_COUNT; i++)
    if (strcasecmp(s, preset_names[i]) == 0) return i;
  return -1;
}

/* A loaded row; the strings live in the chunk's block. */
struct qrow {
  const char *id, *account_id, *email, *name, *assignee; /* assignee NULL: unassigned */
  int64_t due_at, status_since, version;
  unsigned char type, status, priority;
};

/* One loaded page: the rows, then their strings, in one allocation. */
struct qchunk {
  size_t count;
  struct qrow rows[];
};

struct queue {
  struct pd_screen base;
  struct console *con;
  enum queue_preset preset;
  char account_id[PD_ID_MAX + 1]; /* "": the whole queue (presets shown as tabs) */
  int sort;
  struct fetch first, next;
  struct bulk *bulk;
  /* loaded pages and the rows they hold (in server order) */
  struct qchunk **pages;
  size_t n_pages;
  struct qrow **rows;
  size_t n_rows;
  char *next_cursor;
  char etag[PD_ERROR_ETAG_MAX];
  bool loaded;
  /* the local filter: view[] indexes rows[] (unused without a filter: the
   * view is then the rows themselves) */
  char filter[128];
  size_t *view, view_cap;
  size_t n_view;
  size_t scanned;       /* rows examined for the filter */
  bool user_moved;      /* since the scan started (then keep is dropped) */
  pd_timer_id scan_timer;
  struct pd_table *table;
  size_t keep_row;              /* re-select this row when the scan reaches it (SIZE_MAX: none) */
  char keep_id[PD_ID_MAX + 1]; /* re-select this request after a reload */
  char **marked_ids;            /* marks to restore, by id, as the scan finds them (owned) */
  size_t n_marked_ids, marks_left;
};

static const struct pd_table_column columns[] = {
  {"Due", 11, 12, 0, 0},       {"Pri", 3, 3, 0, 0},      {"Type", 9, 13, 1, 0},
  {"Status", 11, 11, 0, 0},    {"Account", 14, 0, 6, 0}, {"Assignee", 6, 16, 1, 0},
  {"Since", 5, 6, 0, PD_COL_RIGHT}, {"Id", 20, 20, 0, 0},
};

static size_t view_row(const struct queue *q, size_t v) { return q->filter[0] ? q->view[v] : v; }

static const struct qrow *row_at(struct queue *q, size_t view_index) {
  return view_index < q->n_view ? q->rows[view_row(q, view_index)] : NULL;
}

static bool scan_done(const struct queue *q) { return q->scanned >= q->n_rows; }

static void format_row(void *ctx, size_t index, struct pd_table_row *out) {
  struct queue *q = ctx;
  const struct qrow *r = row_at(q, index);
  if (!r) return;
  int64_t now = (int64_t)time(NULL);
  char due[32], age[16];
  fmt_due_of(due, sizeof due, (enum pd_status)r->status, r->due_at, now);
  fmt_age(age, sizeof age, r->status_since, now);
  pd_table_row_set(out, 0, due);
  pd_table_row_set(out, 1, r->priority == PD_PRIO_URGENT ? "URG" : "");
  pd_table_row_set(out, 2, pd_request_type_name((enum pd_request_type)r->type));
  pd_table_row_set(out, 3, status_label((enum pd_status)r->status));
  pd_table_row_setf(out, 4, "%s%s%s", r->email, r->name[0] ? " " : "", r->name);
  pd_table_row_set(out, 5, r->assignee ? r->assignee : "-");
  pd_table_row_set(out, 6, age);
  pd_table_row_set(out, 7, r->id);
  pd_table_row_set_role(out, due_style((enum pd_status)r->status, r->due_at, now));
  if (r->priority == PD_PRIO_URGENT) pd_table_row_set_cell_role(out, 1, PD_STYLE_URGENT);
}

static bool row_matches(const struct qrow *r, const char *needle) {
  if (!needle[0]) return true;
  const char *fields[] = {r->id, r->email, r->name, r->assignee ? r->assignee : "",
                          pd_request_type_name((enum pd_request_type)r->type), status_label((enum pd_status)r->status),
                          r->account_id};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
    if (text_contains(fields[i], needle)) return true;
  return false;
}

static bool match_row(void *ctx, size_t index, const char *needle) {
  const struct qrow *r = row_at(ctx, index);
  return r && row_matches(r, needle);
}

static const struct pd_table_ops table_ops = {format_row, match_row};

/* The ids of the marked rows (a reload may reorder rows; marks follow ids). */
static char **collect_marked_ids(struct queue *q, size_t *n) {
  *n = pd_table_marked_count(q->table);
  char **ids = *n ? calloc(*n, sizeof *ids) : NULL;
  size_t k = 0;
  for (size_t i = pd_table_next_marked(q->table, 0); ids && i != (size_t)-1 && k < *n;
       i = pd_table_next_marked(q->table, i + 1)) {
    const struct qrow *r = row_at(q, i);
    if (r) ids[k++] = strdup(r->id);
  }
  *n = k;
  return ids;
}

static void drop_pending(struct queue *q) {
  for (size_t m = 0; m < q->n_marked_ids; m++) free(q->marked_ids[m]);
  free(q->marked_ids);
  q->marked_ids = NULL;
  q->n_marked_ids = q->marks_left = 0;
}

/* Rows [old, n_view) just joined the view: select the kept one, restore marks. */
static void settle_new_rows(struct queue *q, size_t old) {
  if (q->keep_row != SIZE_MAX && !q->filter[0]) {
    if (q->keep_row >= old && q->keep_row < q->n_view) {
      if (!q->user_moved) pd_table_set_cursor(q->table, q->keep_row);
      q->keep_row = SIZE_MAX;
    }
  } else if (q->keep_row != SIZE_MAX || q->keep_id[0]) {
    for (size_t v = old; v < q->n_view; v++) {
      size_t row = view_row(q, v);
      if (row == q->keep_row || (q->keep_id[0] && strcmp(q->rows[row]->id, q->keep_id) == 0)) {
        if (!q->user_moved) pd_table_set_cursor(q->table, v);
        q->keep_row = SIZE_MAX;
        q->keep_id[0] = '\0';
        break;
      }
    }
  }
  for (size_t v = old; v < q->n_view && q->marks_left; v++)
    for (size_t m = 0; m < q->n_marked_ids; m++)
      if (q->marked_ids[m] && strcmp(q->rows[view_row(q, v)]->id, q->marked_ids[m]) == 0) {
        pd_table_set_mark(q->table, v, true);
        free(q->marked_ids[m]);
        q->marked_ids[m] = NULL;
        q->marks_left--;
        break;
      }
}

static void scan_tick(struct pd_loop *loop, pd_timer_id id, void *ctx);

/* Examines loaded rows for the filter: at least max_rows of them (0: none
 * needed) and on until the view holds need rows, or to the end. */
static void extend(struct queue *q, size_t max_rows, size_t need) {
  size_t old = q->n_view;
  if (!q->filter[0]) {
    q->n_view = q->scanned = q->n_rows;
  } else {
    if (q->view_cap < q->n_rows) {
      size_t cap = q->view_cap ? q->view_cap : PAGE_SIZE;
      while (cap < q->n_rows) cap *= 2;
      size_t *view = realloc(q->view, cap * sizeof *view);
      if (!view) return;
      q->view = view;
      q->view_cap = cap;
    }
    for (size_t examined = 0; q->scanned < q->n_rows && (examined < max_rows || q->n_view < need); examined++) {
      size_t i = q->scanned++;
      if (row_matches(q->rows[i], q->filter)) q->view[q->n_view++] = i;
    }
  }
  if (q->n_view > old) {
    pd_table_grow(q->table, q->n_view);
    settle_new_rows(q, old);
  }
  if (scan_done(q)) {
    q->keep_row = SIZE_MAX;
    q->keep_id[0] = '\0';
    drop_pending(q);
  } else if (!q->scan_timer) {
    q->scan_timer = pd_loop_add_timer(pd_app_loop(q->con->app), 0, 0, scan_tick, q);
  }
}

/* Starts the view over (the filter changed, the rows were reloaded), keeping
 * keep_row (an index into rows) or q->keep_id selected and q->marked_ids
 * marked as the scan finds them. */
static void restart_view(struct queue *q, size_t keep_row) {
  q->keep_row = keep_row;
  q->n_view = q->scanned = 0;
  q->user_moved = false;
  q->marks_left = 0;
  for (size_t m = 0; m < q->n_marked_ids; m++) q->marks_left += q->marked_ids[m] != NULL;
  pd_table_set_count(q->table, 0, false);
  pd_table_set_highlight(q->table, q->filter[0] ? q->filter : NULL);
  extend(q, SCAN_SLICE, 0);
}

/* Gathers the marks (by id) before the view starts over; marks an
 * unfinished scan has not found yet are found first. */
static void take_marks(struct queue *q) {
  if (q->marks_left) extend(q, 0, SIZE_MAX);
  drop_pending(q);
  q->marked_ids = collect_marked_ids(q, &q->n_marked_ids);
}

static void free_pages(struct queue *q) {
  for (size_t i = 0; i < q->n_pages; i++) free(q->pages[i]);
  free(q->pages);
  free(q->rows);
  q->pages = NULL;
  q->rows = NULL;
  q->n_pages = q->n_rows = 0;
  q->n_view = q->scanned = 0; /* the view indexes the rows just freed */
}

static size_t str_size(const char *s) { return s ? strlen(s) + 1 : 0; }

static const char *pack_str(char **block, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *out = memcpy(*block, s, n);
  *block += n;
  return out;
}

/* Packs a decoded page into a chunk of compact rows (one allocation). */
static struct qchunk *pack_page(const struct pd_request_page *page) {
  size_t strings = 0;
  for (size_t i = 0; i < page->count; i++) {
    const struct pd_request *r = &page->items[i];
    strings += str_size(r->id) + str_size(r->account_id) + str_size(r->account_email) +
               str_size(r->account_name ? r->account_name : "") + str_size(r->assignee);
  }
  struct qchunk *c = malloc(sizeof *c + page->count * sizeof c->rows[0] + strings);
  if (!c) return NULL;
  c->count = page->count;
  char *block = (char *)&c->rows[page->count];
  for (size_t i = 0; i < page->count; i++) {
    const struct pd_request *r = &page->items[i];
    struct qrow *o = &c->rows[i];
    o->id = pack_str(&block, r->id ? r->id : "");
    o->account_id = pack_str(&block, r->account_id ? r->account_id : "");
    o->email = pack_str(&block, r->account_email ? r->account_email : "");
    o->name = pack_str(&block, r->account_name ? r->account_name : "");
    o->assignee = pack_str(&block, r->assignee);
    o->due_at = r->due_at;
    o->status_since = r->status_since;
    o->version = r->version;
    o->type = (unsigned char)r->type;
    o->status = (unsigned char)r->status;
    o->priority = (unsigned char)r->priority;
  }
  return c;
}

/* Takes the page (frees it). */
static void add_page(struct queue *q, struct pd_request_page *page) {
  struct qchunk **pages = realloc(q->pages, (q->n_pages + 1) * sizeof *pages);
  struct qrow **rows = realloc(q->rows, (q->n_rows + page->count + 1) * sizeof *rows);
  struct qchunk *c = pages && rows ? pack_page(page) : NULL;
  if (pages) q->pages = pages;
  if (rows) q->rows = rows;
  if (!c) {
    pd_request_page_free(page);
    return;
  }
  q->pages[q->n_pages++] = c;
  for (size_t i = 0; i < c->count; i++) q->rows[q->n_rows++] = &c->rows[i];
  free(q->next_cursor);
  q->next_cursor = page->next_cursor ? strdup(page->next_cursor) : NULL;
  pd_request_page_free(page);
}

static void fill_query(const struct queue *q, struct pd_request_query *rq) {
  memset(rq, 0, sizeof *rq);
  rq->sort = sorts[q->sort];
  rq->limit = PAGE_SIZE;
  if (q->account_id[0]) {
    rq->account_id = q->account_id;
    return;
  }
  unsigned open = 0, closed = 0;
  for (int s = 0; s < PD_STATUS_COUNT; s++) {
    if (pd_status_is_open((enum pd_status)s))
      open |= 1u << s;
    else
      closed |= 1u << s;
  }
  switch (q->preset) {
  case QUEUE_OPEN: rq->statuses = open; break;
  case QUEUE_MINE: rq->statuses = open; rq->assignee = "me"; break;
  case QUEUE_UNASSIGNED: rq->statuses = open; rq->assignee = "none"; break;
  case QUEUE_URGENT: rq->statuses = open; rq->urgent = PD_FLAG_TRUE; break;
  case QUEUE_OVERDUE: rq->overdue = PD_FLAG_TRUE; break;
  case QUEUE_CLOSED: rq->statuses = closed; break;
  default: break;
  }
}

static void load_first(struct queue *q, bool conditional) {
  struct pd_request_query rq;
  fill_query(q, &rq);
  fetch_cancel(&q->next);
  fetch_started(&q->first, pd_list_requests(q->con->client, &rq, conditional && q->etag[0] ? q->etag : NULL,
                                            fetch_callback, &q->first));
}

static void load_next(struct queue *q) {
  if (!q->next_cursor || fetch_pending(&q->next) || fetch_pending(&q->first)) return;
  struct pd_request_query rq;
  fill_query(q, &rq);
  rq.cursor = q->next_cursor;
  fetch_started(&q->next, pd_list_requests(q->con->client, &rq, NULL, fetch_callback, &q->next));
}

static void update_status_right(struct queue *q) {
  char right[96];
  snprintf(right, sizeof right, "%zu/%zu%s  %s", q->n_view ? pd_table_cursor(q->table) + 1 : 0, q->n_view,
           q->next_cursor || !scan_done(q) ? "+" : "", sort_labels[q->sort]);
  pd_app_set_status_right(q->con->app, right);
}

static void set_title(struct queue *q) {
  if (q->account_id[0]) return;
  snprintf(q->base.title, sizeof q->base.title, "Queue: %s", preset_names[q->preset]);
}

static void maybe_prefetch(struct queue *q) {
  if (q->n_view && scan_done(q) && pd_table_cursor(q->table) + PREFETCH_ROWS >= q->n_view) load_next(q);
}

/* One slice of the filter's scan per loop iteration, until it is done. */
static void scan_tick(struct pd_loop *loop, pd_timer_id id, void *ctx) {
  (void)loop;
  (void)id;
  struct queue *q = ctx;
  q->scan_timer = 0;
  size_t old = q->n_view, cursor = pd_table_cursor(q->table);
  extend(q, SCAN_SLICE, 0);
  if (pd_app_top(q->con->app) != &q->base) return; /* drawn when uncovered */
  unsigned what = 0;
  if ((q->n_view > old && old < pd_table_top(q->table) + (size_t)pd_table_page_rows(q->table)) ||
      pd_table_cursor(q->table) != cursor)
    what |= PD_REDRAW_BODY; /* rows appeared on screen, or the kept row was found */
  if (what || scan_done(q)) {
    update_status_right(q);
    what |= PD_REDRAW_STATUS;
  }
  if (what) pd_app_redraw(q->con->app, what);
}

/* ---- screen callbacks ---- */

static const char hints_write[] = "Enter open  t take  a assign  space mark  / filter  Tab preset  s sort  ? help";
static const char hints_read[] = "Enter open  / filter  n/N next/prev  Tab preset  s sort  r reload  ? help";

static void q_enter(struct pd_screen *s, struct pd_app *app) {
  (void)app;
  struct queue *q = (struct queue *)s;
  q->base.hints = console_can_write(q->con) ? hints_write : hints_read;
  /* first visit: load; coming back from a request: revalidate (304 when unchanged) */
  if (!fetch_pending(&q->first)) load_first(q, q->loaded);
  update_status_right(q);
}

static unsigned q_data(struct pd_screen *s, struct pd_app *app, int kind, void *payload) {
  struct queue *q = (struct queue *)s;
  struct reply *r = payload;
  if (bulk_owns_reply(q->bulk, r)) {
    unsigned reaction = bulk_reply(q->bulk, r);
    if (bulk_done(q->bulk)) load_first(q, false); /* show what the bulk action changed */
    return reaction;
  }
  if (!r->ok) {
    console_error(q->con, &r->error, "load the queue");
    reply_free(r);
    return PD_REDRAW_STATUS;
  }
  if (r->not_modified) {
    reply_free(r);
    return PD_REDRAW_HEADER;
  }
  struct pd_request_page *page = reply_take(r);
  bool first = kind == KIND_FIRST_PAGE;
  if (first) {
    const struct qrow *sel = row_at(q, pd_table_cursor(q->table));
    if (sel && !q->keep_id[0]) snprintf(q->keep_id, sizeof q->keep_id, "%s", sel->id);
    take_marks(q); /* the rows are about to go */
    free_pages(q);
    snprintf(q->etag, sizeof q->etag, "%s", r->etag);
    q->loaded = true;
  }
  reply_free(r);
  add_page(q, page);
  if (first)
    restart_view(q, SIZE_MAX);
  else
    extend(q, SCAN_SLICE, 0); /* the rows so far keep their places */
  update_status_right(q);
  (void)app;
  return PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER;
}

static void apply_filter(struct pd_app *app, const char *text, void *ctx) {
  struct queue *q = ctx;
  if (!text) text = "";
  if (strcmp(text, q->filter) == 0) return; /* Enter after the live edits: nothing new */
  size_t cursor = pd_table_cursor(q->table);
  size_t keep_row = cursor < q->n_view ? view_row(q, cursor) : SIZE_MAX;
  take_marks(q);
  snprintf(q->filter, sizeof q->filter, "%s", text);
  restart_view(q, keep_row);
  update_status_right(q);
  pd_app_redraw(app, PD_REDRAW_BODY | PD_REDRAW_STATUS);
}

static void filter_done(struct pd_app *app, const char *text, void *ctx) {
  apply_filter(app, text ? text : "", ctx); /* Esc clears the filter */
}

/* The requests a bulk action applies to: the marked rows, else the selected one. */
static size_t collect_targets(struct queue *q, const struct qrow **out, size_t max) {
  size_t n = 0;
  if (pd_table_marked_count(q->table)) {
    for (size_t i = pd_table_next_marked(q->table, 0); i != (size_t)-1 && n < max;
         i = pd_table_next_marked(q->table, i + 1))
      out[n++] = row_at(q, i);
  } else if (q->n_view) {
    out[n++] = row_at(q, pd_table_cursor(q->table));
  }
  return n;
}

static void start_bulk(struct queue *q, const char *assignee) {
  if (q->marks_left) extend(q, 0, SIZE_MAX); /* marks the scan has not found yet */
  const struct qrow *rows[BULK_MAX];
  size_t n = collect_targets(q, rows, BULK_MAX);
  if (!n) return;
  /* what bulk_start reads of a request: id, e-mail, version */
  struct pd_request *reqs = calloc(n, sizeof *reqs);
  const struct pd_request *targets[BULK_MAX];
  if (!reqs) {
    pd_app_message(q->con->app, PD_MSG_ERROR, "out of memory");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    reqs[i].id = (char *)rows[i]->id;
    reqs[i].account_id = (char *)rows[i]->account_id;
    reqs[i].account_email = (char *)rows[i]->email;
    reqs[i].account_name = (char *)rows[i]->name;
    reqs[i].assignee = (char *)rows[i]->assignee;
    reqs[i].version = rows[i]->version;
    targets[i] = &reqs[i];
  }
  bulk_start(q->bulk, targets, n, assignee);
  free(reqs);
  pd_table_clear_marks(q->table);
}

static void assign_done(struct pd_app *app, const char *text, void *ctx) {
  (void)app;
  if (!text) return;
  struct queue *q = ctx;
  start_bulk(q, text[0] ? text : NULL);
}

static unsigned q_key(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action) {
  (void)key;
  struct queue *q = (struct queue *)s;
  /* a move past what the filter examined examines as far as it needs */
  size_t cursor = pd_table_cursor(q->table), page = (size_t)pd_table_page_rows(q->table);
  switch (action) {
  case PD_ACT_MOVE_DOWN:
  case PD_ACT_MARK:
  case PD_ACT_NEXT_MATCH: extend(q, 0, cursor + 2); break;
  case PD_ACT_PAGE_DOWN: extend(q, 0, pd_table_top(q->table) + 2 * page + 1); break;
  case PD_ACT_MOVE_LAST: extend(q, 0, SIZE_MAX); break;
  case PD_ACT_PREV_MATCH: extend(q, 0, cursor == 0 ? SIZE_MAX : 0); break; /* wraps to the last */
  default: break;
  }
  if (pd_table_action(q->table, action)) {
    q->user_moved = true;
    maybe_prefetch(q);
    update_status_right(q);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  }
  switch (action) {
  case PD_ACT_OPEN: {
    const struct qrow *r = row_at(q, pd_table_cursor(q->table));
    if (r) pd_app_push(app, request_screen_new(q->con, r->id));
    return PD_OK;
  }
  case PD_ACT_REFRESH: load_first(q, true); return PD_REDRAW_STATUS;
  case PD_ACT_NEXT_TAB:
  case PD_ACT_PREV_TAB:
    if (q->account_id[0]) return PD_OK;
    q->preset = (enum queue_preset)pd_tabs_step((int)q->preset, QUEUE_PRESET_COUNT, action == PD_ACT_NEXT_TAB ? 1 : -1);
    set_title(q);
    q->etag[0] = '\0';
    load_first(q, false);
    return PD_REDRAW_ALL;
  case PD_ACT_QUEUE_SORT:
    q->sort = (q->sort + 1) % 4;
    q->etag[0] = '\0';
    load_first(q, false);
    update_status_right(q);
    pd_app_message(app, PD_MSG_INFO, "Sorted by %s", sort_labels[q->sort]);
    return PD_REDRAW_STATUS;
  case PD_ACT_QUEUE_UNMARK: pd_table_clear_marks(q->table); return PD_REDRAW_BODY;
  case PD_ACT_FILTER: {
    struct pd_prompt_opts o = {.label = "/", .initial = q->filter, .changed = apply_filter,
                               .done = filter_done, .ctx = q};
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  case PD_ACT_NEXT_MATCH:
  case PD_ACT_PREV_MATCH:
    q->user_moved = true;
    if (!q->filter[0] || !pd_table_search(q->table, q->filter, action == PD_ACT_NEXT_MATCH ? 1 : -1))
      pd_app_message(app, PD_MSG_INFO, q->filter[0] ? "No match" : "No filter: press / first");
    update_status_right(q);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  case PD_ACT_QUEUE_TAKE:
    if (!console_check_write(q->con, "take requests")) return PD_REDRAW_STATUS;
    start_bulk(q, q->con->user);
    return PD_REDRAW_BODY | PD_REDRAW_STATUS;
  case PD_ACT_QUEUE_ASSIGN: {
    if (!console_check_write(q->con, "assign requests")) return PD_REDRAW_STATUS;
    if (!console_is_supervisor(q->con)) {
      pd_app_message(app, PD_MSG_ERROR, "Only supervisors assign requests to others; press t to take them yourself");
      return PD_REDRAW_STATUS;
    }
    struct pd_prompt_opts o = {.label = "Assign to (empty: unassign): ", .done = assign_done, .ctx = q};
    pd_app_prompt(app, &o);
    return PD_REDRAW_STATUS;
  }
  default: return PD_UNHANDLED;
  }
}

static void q_draw(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full) {
  (void)app;
  struct queue *q = (struct queue *)s;
  struct pd_rect tr = r;
  if (!q->account_id[0]) {
    if (full) {
      wmove(win, r.y, r.x);
      wclrtoeol(win);
    }
    pd_tabs_draw(win, r.y, r.x, r.w, preset_names, QUEUE_PRESET_COUNT, (int)q->preset);
    tr.y++;
    tr.h--;
  }
  if (!q->loaded && !q->n_view) {
    wmove(win, tr.y + 1, tr.x);
    wclrtobot(win);
    pd_draw_text(win, tr.y + 1, tr.x + 2, tr.w - 2, "Loading the queue…", pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  if (q->loaded && !q->n_view) {
    wmove(win, tr.y, tr.x);
    wclrtobot(win);
    pd_draw_text(win, tr.y + 1, tr.x + 2, tr.w - 2,
                 !scan_done(q) ? "Filtering…"
                 : q->filter[0] ? "No request matches the filter (Esc on / clears it)." : "No requests here.",
                 pd_theme_attr(PD_STYLE_DIM), PD_DRAW_PAD);
    return;
  }
  pd_table_draw(q->table, win, tr, full);
}

static void q_leave(struct pd_screen *s, struct pd_app *app) {
  (void)s;
  (void)app;
}

static const char *q_help(struct pd_screen *s) {
  (void)s;
  return "Requests by deadline. Red: overdue or due today; yellow: due within 3 days; dim: closed.\n"
         "Tab switches the preset; / filters what is loaded; space marks rows for t (take) and a (assign).";
}

static void q_destroy(struct pd_screen *s) {
  struct queue *q = (struct queue *)s;
  fetch_cancel(&q->first);
  fetch_cancel(&q->next);
  if (q->scan_timer) pd_loop_cancel_timer(pd_app_loop(q->con->app), q->scan_timer);
  bulk_free(q->bulk);
  drop_pending(q);
  free_pages(q);
  free(q->next_cursor);
  free(q->view);
  pd_table_free(q->table);
  free(q);
}

static const struct pd_screen_ops queue_ops = {
  .scope = "queue", .enter = q_enter, .leave = q_leave, .key = q_key, .data_arrived = q_data,
  .draw = q_draw, .help = q_help, .destroy = q_destroy,
};

static struct queue *queue_alloc(struct console *con) {
  struct queue *q = calloc(1, sizeof *q);
  if (!q) return NULL;
  q->base.ops = &queue_ops;
  q->base.hints = hints_read;
  q->con = con;
  q->keep_row = SIZE_MAX;
  fetch_init(&q->first, con, &q->base, KIND_FIRST_PAGE);
  fetch_init(&q->next, con, &q->base, KIND_NEXT_PAGE);
  q->table = pd_table_new(columns, (int)(sizeof columns / sizeof *columns), PD_TABLE_HEADER | PD_TABLE_MARKS,
                          &table_ops, q);
  q->bulk = bulk_new(con, &q->base);
  if (!q->table || !q->bulk) {
    q_destroy(&q->base);
    return NULL;
  }
  return q;
}

struct pd_screen *queue_screen_new(struct console *con, enum queue_preset preset) {
  struct queue *q = queue_alloc(con);
  if (!q) return NULL;
  q->preset = preset;
  set_title(q);
  return &q->base;
}

struct pd_screen *queue_screen_new_for_account(struct console *con, const char *account_id, const char *label) {
  struct queue *q = queue_alloc(con);
  if (!q) return NULL;
  q->preset = QUEUE_ALL;
  snprintf(q->account_id, sizeof q->account_id, "%s", account_id);
  snprintf(q->base.title, sizeof q->base.title, "Requests of %s", label && *label ? label : account_id);
  return &q->base;
}
