/* The console's shared machinery: replies, fetches, writes, errors,
 * connection state, periodic refresh. See console.h. */
#include "screens/console.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PROBE_INTERVAL_MS = 2000 };

/* ---- replies ---- */

void *reply_take(struct reply *r) {
  void *v = r->value;
  r->value = NULL;
  return v;
}

void reply_free(void *p) {
  struct reply *r = p;
  if (!r) return;
  pd_value_free(r->value_kind, r->value);
  free(r);
}

/* ---- connection state ---- */

static void set_conn(struct console *con, enum pd_conn_state state);

static bool is_transport_error(enum pd_error_kind k) {
  return k == PD_E_OFFLINE || k == PD_E_TIMEOUT || k == PD_E_TLS;
}

static void busy_changed(struct console *con, int delta) {
  con->in_flight += delta;
  if (con->in_flight < 0) con->in_flight = 0;
  pd_app_set_busy(con->app, con->in_flight);
}

/* ---- fetches ---- */

void fetch_init(struct fetch *f, struct console *con, struct pd_screen *screen, int kind) {
  f->con = con;
  f->screen = screen;
  f->kind = kind;
  f->call = NULL;
}

bool fetch_pending(const struct fetch *f) { return f->call != NULL; }

void fetch_cancel(struct fetch *f) {
  if (!f->call) return;
  pd_call_cancel(f->call);
  f->call = NULL;
  busy_changed(f->con, -1);
}

void fetch_started(struct fetch *f, pd_call *call) {
  fetch_cancel(f);
  if (!call) {
    pd_app_message(f->con->app, PD_MSG_ERROR, "out of memory: the request was not sent");
    return;
  }
  f->call = call;
  busy_changed(f->con, +1);
}

void fetch_callback(struct pd_result *res, void *userdata) {
  struct fetch *f = userdata;
  struct console *con = f->con;
  f->call = NULL;
  busy_changed(con, -1);
  struct reply *r = calloc(1, sizeof *r);
  if (!r) {
    pd_app_message(con->app, PD_MSG_ERROR, "out of memory");
    return;
  }
  r->kind = f->kind;
  r->ok = res->ok;
  r->not_modified = res->not_modified;
  r->replayed = res->replayed;
  r->value_kind = res->kind;
  r->value = pd_result_take(res);
  snprintf(r->etag, sizeof r->etag, "%s", res->etag);
  r->error = res->error;
  if (res->ok) {
    con->last_refresh = time(NULL);
    set_conn(con, PD_CONN_ONLINE);
  } else if (is_transport_error(res->error.kind)) {
    set_conn(con, PD_CONN_OFFLINE);
  } else if (res->error.kind != PD_E_CANCELLED) {
    set_conn(con, PD_CONN_ONLINE); /* the server answered, even if with an error */
  }
  console_update_header(con);
  pd_app_deliver(con->app, f->screen->id, f->kind, r, reply_free);
}

/* ---- writes ---- */

void write_init(struct write_op *w, struct console *con, struct pd_screen *screen, int kind) {
  fetch_init(&w->f, con, screen, kind);
  w->intent = NULL;
  w->action = -1;
  w->draft = NULL;
}

static void forget_intent(struct write_op *w) {
  pd_intent_free(w->intent);
  w->intent = NULL;
}

pd_intent *write_intent(struct write_op *w, int action, const char *draft) {
  bool same = w->intent && w->action == action &&
              ((!draft && !w->draft) || (draft && w->draft && strcmp(draft, w->draft) == 0));
  if (!same) {
    forget_intent(w);
    w->intent = pd_intent_new();
  }
  if (draft != w->draft) {
    char *copy = draft ? strdup(draft) : NULL;
    free(w->draft);
    w->draft = copy;
  }
  w->action = action;
  return w->intent;
}

const char *write_draft(const struct write_op *w, int action) {
  return w->action == action ? w->draft : NULL;
}

void write_finished(struct write_op *w, const struct reply *r) {
  if (r->ok) {
    forget_intent(w);
    free(w->draft);
    w->draft = NULL;
    w->action = -1;
    return;
  }
  /* Did the server perhaps do it? Then the same intent must be reused. */
  enum pd_error_kind k = r->error.kind;
  if (!(is_transport_error(k) || k == PD_E_SERVER)) forget_intent(w);
}

void write_free(struct write_op *w) {
  fetch_cancel(&w->f);
  forget_intent(w);
  free(w->draft);
  w->draft = NULL;
}

/* ---- permissions and errors ---- */

bool console_can_write(const struct console *con) {
  return !con->read_only_flag && con->have_me && con->role >= PD_ROLE_AGENT;
}

bool console_is_supervisor(const struct console *con) {
  return console_can_write(con) && con->role >= PD_ROLE_SUPERVISOR;
}

bool console_check_write(struct console *con, const char *what) {
  if (con->read_only_flag) {
    pd_app_message(con->app, PD_MSG_ERROR, "read-only mode: cannot %s", what);
    return false;
  }
  if (!con->have_me) {
    pd_app_message(con->app, PD_MSG_ERROR, "not signed in yet: cannot %s", what);
    return false;
  }
  if (con->role < PD_ROLE_AGENT) {
    pd_app_message(con->app, PD_MSG_ERROR, "the %s role is read-only: cannot %s", pd_role_name(con->role), what);
    return false;
  }
  return true;
}

void console_error(struct console *con, const struct pd_error *e, const char *what) {
  const char *why = pd_error_kind_sentence(e->kind);
  switch (e->kind) {
  case PD_E_PRECONDITION_FAILED:
    pd_app_message(con->app, PD_MSG_ERROR,
                   "Could not %s: changed by someone else meanwhile; nothing was applied, check and try again", what);
    return;
  case PD_E_OFFLINE:
  case PD_E_TIMEOUT:
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: %s (your input is kept; try again)", what, why);
    return;
  case PD_E_FORBIDDEN:
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: forbidden for your role (%s)%s%s", what,
                   con->have_me ? pd_role_name(con->role) : "?", e->detail[0] ? ": " : "", e->detail);
    return;
  case PD_E_TLS: {
    /* a connection problem, whatever the action: name it and what to do */
    static const char untrusted[] = "TLS: certificate not trusted";
    if (strncmp(e->message, untrusted, sizeof untrusted - 1) == 0)
      pd_app_message(con->app, PD_MSG_ERROR, "%s (use --ca-file)%s", untrusted, e->message + sizeof untrusted - 1);
    else
      pd_app_message(con->app, PD_MSG_ERROR, "%s", e->message[0] ? e->message : why);
    return;
  }
  case PD_E_SERVER: /* name it: a 5xx is the server's fault, not the input's */
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: server error (HTTP %ld)%s%s", what, e->http_status,
                   e->detail[0] ? ": " : " — try again later", e->detail);
    return;
  case PD_E_BAD_RESPONSE:
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: bad response from the server%s%s%s", what,
                   e->message[0] ? " (" : "", e->message, e->message[0] ? ")" : "");
    return;
  case PD_E_CANCELLED: return;
  default: break;
  }
  if (e->detail[0])
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: %s", what, e->detail);
  else if (e->message[0])
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: %s (%s)", what, why, e->message);
  else
    pd_app_message(con->app, PD_MSG_ERROR, "Could not %s: %s", what, why);
}

void console_update_header(struct console *con) {
  char user[PD_ID_MAX + 1];
  snprintf(user, sizeof user, "%s", con->have_me ? con->user : "");
  struct pd_header h = {.profile = con->profile[0] ? con->profile : NULL,
                        .host = con->host,
                        .user = con->have_me ? user : NULL,
                        .role = con->have_me ? pd_role_name(con->role) : NULL,
                        .conn = con->conn,
                        .conn_detail = con->conn == PD_CONN_OFFLINE ? "retrying" : NULL,
                        .tls_unverified = pd_client_is_insecure(con->client),
                        .last_refresh = con->last_refresh,
                        .production = con->production,
                        .read_only = con->have_me && !console_can_write(con)};
  pd_app_set_header(con->app, &h);
}

/* ---- refresh and the offline probe ---- */

/* Asks the top screen to reload (If-None-Match keeps it cheap). */
static void refresh_top(struct console *con) {
  struct pd_screen *top = pd_app_top(con->app);
  if (!top || !top->ops->key) return;
  unsigned reaction = top->ops->key(top, con->app, PD_KEY_NONE, PD_ACT_REFRESH);
  if (reaction & ~(unsigned)PD_UNHANDLED) pd_app_redraw(con->app, reaction & (PD_REDRAW_BODY | PD_REDRAW_STATUS | PD_REDRAW_HEADER | PD_REDRAW_ALL));
}

static void on_refresh_timer(struct pd_loop *loop, pd_timer_id id, void *ctx) {
  (void)loop;
  (void)id;
  struct console *con = ctx;
  if (con->conn != PD_CONN_OFFLINE) refresh_top(con);
}

static void on_probe_reply(struct pd_result *res, void *ud) {
  struct console *con = ud;
  con->probe = NULL;
  if (res->ok) {
    set_conn(con, PD_CONN_ONLINE);
    console_update_header(con);
    pd_app_message(con->app, PD_MSG_INFO, "Back online");
    if (!con->have_me) console_start(con);
    refresh_top(con);
  } else if (res->error.kind == PD_E_TLS) {
    console_error(con, &res->error, "connect"); /* keep saying why, it will not pass by itself */
  }
}

static void on_probe_timer(struct pd_loop *loop, pd_timer_id id, void *ctx) {
  (void)loop;
  (void)id;
  struct console *con = ctx;
  if (con->conn == PD_CONN_OFFLINE && !con->probe) con->probe = pd_get_health(con->client, on_probe_reply, con);
}

static void set_conn(struct console *con, enum pd_conn_state state) {
  if (con->conn == state) return;
  con->conn = state;
  struct pd_loop *loop = pd_app_loop(con->app);
  if (state == PD_CONN_OFFLINE && !con->probe_timer)
    con->probe_timer = pd_loop_add_timer(loop, PROBE_INTERVAL_MS, PROBE_INTERVAL_MS, on_probe_timer, con);
  if (state != PD_CONN_OFFLINE && con->probe_timer) {
    pd_loop_cancel_timer(loop, con->probe_timer);
    con->probe_timer = 0;
  }
}

static void on_me(struct pd_result *res, void *ud) {
  struct console *con = ud;
  con->me_call = NULL;
  if (res->ok && res->v.me) {
    snprintf(con->user, sizeof con->user, "%s", res->v.me->user);
    con->role = res->v.me->role;
    con->have_me = true;
    con->last_refresh = time(NULL);
    pd_keymap_hide_writes(!console_can_write(con)); /* viewers and --read-only: no write keys in help */
    set_conn(con, PD_CONN_ONLINE);
  } else if (is_transport_error(res->error.kind)) {
    set_conn(con, PD_CONN_OFFLINE);
  } else {
    console_error(con, &res->error, "sign in");
  }
  console_update_header(con);
  /* the role decides which keys a screen offers: let the top screen choose again */
  struct pd_screen *top = pd_app_top(con->app);
  if (top && top->ops->enter) top->ops->enter(top, con->app);
  pd_app_redraw(con->app, PD_REDRAW_ALL);
}

void console_start(struct console *con) {
  if (!con->me_call) con->me_call = pd_get_me(con->client, NULL, on_me, con);
  if (con->refresh_interval_s > 0 && !con->refresh_timer)
    con->refresh_timer = pd_loop_add_timer(pd_app_loop(con->app), con->refresh_interval_s * 1000L,
                                           con->refresh_interval_s * 1000L, on_refresh_timer, con);
  console_update_header(con);
}

void console_stop(struct console *con) {
  struct pd_loop *loop = pd_app_loop(con->app);
  if (con->refresh_timer) pd_loop_cancel_timer(loop, con->refresh_timer);
  if (con->probe_timer) pd_loop_cancel_timer(loop, con->probe_timer);
  con->refresh_timer = con->probe_timer = 0;
  pd_call_cancel(con->probe);
  pd_call_cancel(con->me_call);
  con->probe = con->me_call = NULL;
}
