/* The console: what every screen shares — the app frame (tui/), the API
 * client (api/), who is logged in, the connection state — and the two ways
 * a screen talks to the backend:
 *
 *   fetch  a read owned by a screen. The reply reaches the screen's
 *          data_arrived() as a struct reply (the screen frees it). Leaving
 *          or destroying the screen cancels it (fetch_cancel), so a slow
 *          request never outlives the screen that wanted it.
 *   write  a user action (take, note, erase, ...). It carries one
 *          idempotency intent per action and the draft text the action
 *          sends; when the outcome is unknown (offline, timeout, 5xx) both
 *          are kept, so doing the action again with the same draft replays
 *          instead of repeating it, and nothing typed is lost.
 *
 * Every in-flight call runs the spinner; the header shows online/offline
 * (an offline console probes /healthz and refreshes the screen when the
 * server is back) and the time of the last successful reply. */
#ifndef PD_SCREENS_CONSOLE_H
#define PD_SCREENS_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "api/api.h"
#include "tui/app.h"

struct console {
  struct pd_app *app;
  pd_client *client;
  char user[PD_ID_MAX + 1];
  enum pd_role role;
  bool have_me;
  bool read_only_flag; /* --read-only */
  bool production;
  char profile[64];
  char host[128];
  enum pd_conn_state conn;
  time_t last_refresh;
  int in_flight;
  int refresh_interval_s; /* 0: no automatic refresh */
  pd_timer_id refresh_timer, probe_timer;
  pd_call *probe;
  pd_call *me_call;
};

/* ---- replies ---- */

struct reply {
  int kind;                /* the screen's fetch kind */
  bool ok, not_modified, replayed;
  enum pd_value_kind value_kind;
  void *value;             /* owned by the reply until reply_take */
  char etag[PD_ERROR_ETAG_MAX];
  struct pd_error error;
};
void *reply_take(struct reply *r);
void reply_free(void *reply);

/* ---- fetches ---- */

struct fetch {
  struct console *con;
  struct pd_screen *screen;
  int kind;
  pd_call *call;
};

void fetch_init(struct fetch *f, struct console *con, struct pd_screen *screen, int kind);
/* Records the call just started with fetch_callback and f as userdata
 * (a NULL call, out of memory, is reported at once). Cancels any earlier
 * call of the same fetch. */
void fetch_started(struct fetch *f, pd_call *call);
bool fetch_pending(const struct fetch *f);
void fetch_cancel(struct fetch *f);
/* The pd_callback for fetches and writes: userdata is the struct fetch. */
void fetch_callback(struct pd_result *res, void *userdata);

/* ---- writes ---- */

struct write_op {
  struct fetch f;
  pd_intent *intent;
  int action; /* which user action the intent and draft belong to */
  char *draft;
};

void write_init(struct write_op *w, struct console *con, struct pd_screen *screen, int kind);
/* The intent for doing `action` with `draft` (may be NULL): the kept one when
 * the same action is repeated with the same draft after an unknown outcome,
 * else a fresh one. Remembers the draft. */
pd_intent *write_intent(struct write_op *w, int action, const char *draft);
/* The draft kept for action (after a failure), or NULL. */
const char *write_draft(const struct write_op *w, int action);
/* After the reply: success forgets intent and draft; a failure keeps the
 * draft, and the intent only when the server may have done the work. */
void write_finished(struct write_op *w, const struct reply *r);
void write_free(struct write_op *w);

/* ---- the console ---- */

bool console_can_write(const struct console *con);
bool console_is_supervisor(const struct console *con);
/* "read-only mode" / "the viewer role cannot ..." when writes are not allowed; true when they are. */
bool console_check_write(struct console *con, const char *what);
/* Shows an error reply in the status line: "Could not <what>: <why>". */
void console_error(struct console *con, const struct pd_error *e, const char *what);
/* Header fields from the console's state. */
void console_update_header(struct console *con);
/* Starts the periodic refresh, GET /v1/me, and the offline probe machinery. */
void console_start(struct console *con);
void console_stop(struct console *con);

/* ---- navigation (screens/navigate.c) ---- */

enum queue_preset {
  QUEUE_OPEN, QUEUE_MINE, QUEUE_UNASSIGNED, QUEUE_URGENT, QUEUE_OVERDUE, QUEUE_CLOSED, QUEUE_ALL,
  QUEUE_PRESET_COUNT
};
const char *queue_preset_name(enum queue_preset p);
int queue_preset_parse(const char *s); /* -1 when unknown */

struct pd_screen *dashboard_screen_new(struct console *con);
struct pd_screen *queue_screen_new(struct console *con, enum queue_preset preset);
/* Requests of one account (no preset). */
struct pd_screen *queue_screen_new_for_account(struct console *con, const char *account_id, const char *label);
struct pd_screen *request_screen_new(struct console *con, const char *id);
struct pd_screen *erasure_screen_new(struct console *con, const char *request_id, const struct pd_request *known,
                                     const char *known_etag);
struct pd_screen *accounts_screen_new(struct console *con, const char *query);
struct pd_screen *account_screen_new(struct console *con, const char *id);
struct pd_screen *inventory_screen_new(struct console *con, const char *account_id, const char *label);
struct pd_screen *holds_screen_new(struct console *con, const char *account_id);
struct pd_screen *audit_screen_new(struct console *con, const char *account_id, const char *actor,
                                   const char *action);

/* The `:` commands (screens/command_table.c, dispatched in screens/commands.c). */
#include "screens/command_table.h"
unsigned console_command(struct pd_app *app, const char *line, void *ctx);

#endif
