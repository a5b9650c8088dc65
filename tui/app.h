/* tui/app.h — the console frame: screen stack, layout, key routing,
 * rendering, and the glue between terminal, loop and scripts.
 *
 * Layout (every row is its own curses window, redrawn only when dirty):
 *   row 0          header: name, profile, server host, user (role),
 *                  connection state, time of last refresh, PRODUCTION badge
 *   row 1          breadcrumb built from the titles of the stacked screens
 *   rows 2..L-2    body: the top screen draws here (and dialogs over it)
 *   row L-1        status line: hints or a message, spinner, `:` and prompts
 *
 * Screens are structs of callbacks (tig's view_ops). A screen embeds struct
 * pd_screen as its FIRST member and is allocated by its own constructor;
 * pd_app_push() hands ownership to the app, which calls destroy() after
 * the screen was popped (never during one of the screen's own callbacks).
 *
 * Keys: the app looks the key up in the keymap (the top screen's scope,
 * then global) and calls key(screen, key, action). The screen returns a
 * reaction bitmask; PD_UNHANDLED lets the app apply the global default:
 *   back (Esc, q) pops (q on the root screen quits), quit (Q), help (?)
 *   pushes the help screen generated from the key table, command (:) opens
 *   the command line, redraw (C-l) repaints the whole terminal.
 * While a dialog, the command line or a prompt is open it gets every key.
 *
 * Rendering happens once per loop iteration, before the loop sleeps: each
 * dirty region is drawn and wnoutrefresh'ed, then one doupdate(). An idle
 * console draws nothing. Full repaints happen on resize and Ctrl-L only.
 *
 * Data: the network layer (not known to tui/) completes requests in loop
 * callbacks and passes results with pd_app_deliver(screen id, kind,
 * payload): the screen, if still on the stack, gets data_arrived() and owns
 * the payload from then on; if it is gone the payload is freed with the
 * given function. That is how navigation cancels the interest in a reply. */
#ifndef PD_TUI_APP_H
#define PD_TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tui/cmdline.h"
#include "tui/chrome.h"
#include "tui/confirm.h"
#include "tui/draw.h"
#include "tui/keymap.h"
#include "tui/loop.h"
#include "tui/status.h"
#include "tui/term.h"

/* Reactions returned by screen callbacks. */
enum pd_reaction {
  PD_OK = 0,                  /* handled; nothing to redraw */
  PD_REDRAW_BODY = 1u << 0,   /* draw the body (the screen repaints what changed) */
  PD_REDRAW_STATUS = 1u << 1, /* the status line (hints, right text) */
  PD_REDRAW_HEADER = 1u << 2, /* header and breadcrumb (title changed ...) */
  PD_REDRAW_ALL = 1u << 3,    /* every region, and the body with full = true */
  PD_POP = 1u << 4,           /* close this screen */
  PD_QUIT = 1u << 5,          /* leave the application */
  PD_UNHANDLED = 1u << 6,     /* key(): not mine, apply the global default */
};

struct pd_app;
struct pd_screen;

struct pd_screen_ops {
  /* Keymap scope of this screen (tui/actions.def); NULL: global keys only. */
  const char *scope;
  /* Became the top screen: pushed, or uncovered by a pop. Optional. */
  void (*enter)(struct pd_screen *s, struct pd_app *app);
  /* Stops being the top screen: covered by a push, or popped. Optional. */
  void (*leave)(struct pd_screen *s, struct pd_app *app);
  /* A key, with its action (PD_ACT_NONE when unbound). Returns reactions. */
  unsigned (*key)(struct pd_screen *s, struct pd_app *app, pd_key key, enum pd_action action);
  /* Data for this screen (kind and payload are the screen's own
   * convention); the screen owns payload from now on. Optional. */
  unsigned (*data_arrived)(struct pd_screen *s, struct pd_app *app, int kind, void *payload);
  /* Draws into r of win. full: repaint everything (first draw, resize,
   * Ctrl-L, a dialog closed); otherwise only what changed. Required. */
  void (*draw)(struct pd_screen *s, struct pd_app *app, WINDOW *win, struct pd_rect r, bool full);
  /* The body changed size (rows x cols); called before the next draw. Optional. */
  void (*resize)(struct pd_screen *s, struct pd_app *app, int rows, int cols);
  /* Extra help text shown above the key table on the `?` screen. Optional. */
  const char *(*help)(struct pd_screen *s);
  /* Frees the screen. Required (the app owns pushed screens). */
  void (*destroy)(struct pd_screen *s);
};

struct pd_screen {
  const struct pd_screen_ops *ops;
  char title[64];     /* breadcrumb segment (any text: drawn sanitised) */
  const char *hints;  /* status line hints while on top (static), NULL: default */
  uint64_t id;        /* set by the app on push; for pd_app_deliver */
};

struct pd_app_opts {
  struct pd_term_opts term;  /* real or headless (see pd_term_opts_from_env) */
  const char *name;          /* first header field, default "privdesk" */
  /* The `:` commands, for completion; the table must outlive the app. */
  const struct pd_cmd_spec *commands;
  size_t ncommands;
  /* Runs a submitted `:` line (without the colon). Returns reactions. */
  unsigned (*command)(struct pd_app *app, const char *line, void *ctx);
  /* Dynamic argument completion for the command line. Optional. */
  pd_cmd_complete_fn complete;
  /* For `!wait` in scripts. NULL: idle when nothing is in flight
   * (pd_app_set_busy(app, 0)). */
  bool (*is_idle)(void *ctx);
  void *ctx;
};

/* Opens the terminal (real or headless) and builds the frame. NULL with a
 * message in err on failure (the terminal is left as it was). */
struct pd_app *pd_app_new(const struct pd_app_opts *opts, char *err, size_t errsize);
/* Pops and destroys every screen, closes the terminal, frees. */
void pd_app_free(struct pd_app *app);

/* Runs until quit (Q, a signal, PD_QUIT, or the end of the headless script).
 * Returns 0, or 1 when the headless script failed; pd_app_script_error()
 * then says why (print it after pd_app_free restored the terminal: copy it
 * first). */
int pd_app_run(struct pd_app *app);
void pd_app_quit(struct pd_app *app);
const char *pd_app_script_error(const struct pd_app *app);

/* The loop, to attach sources (the network library) and timers. */
struct pd_loop *pd_app_loop(struct pd_app *app);

/* Screen stack. push takes ownership; pop/replace are deferred until the
 * current callback returns when called from inside one. */
void pd_app_push(struct pd_app *app, struct pd_screen *s);
void pd_app_pop(struct pd_app *app);
void pd_app_replace(struct pd_app *app, struct pd_screen *s);
struct pd_screen *pd_app_top(const struct pd_app *app);
int pd_app_depth(const struct pd_app *app);
/* The screen with this id, if it is still on the stack. */
struct pd_screen *pd_app_find(const struct pd_app *app, uint64_t id);

/* "Queue > req_1 > Account" (" › " in UTF-8) into buf; returns the length. */
size_t pd_app_breadcrumb(const struct pd_app *app, char *buf, size_t size);

/* Hands payload to screen id (see the top of this file). free_payload may be
 * NULL when payload needs no freeing. */
void pd_app_deliver(struct pd_app *app, uint64_t screen_id, int kind, void *payload,
                    void (*free_payload)(void *));

/* Marks regions dirty (PD_REDRAW_* bits). Redrawing the status line also
 * picks up the top screen's current hints. */
void pd_app_redraw(struct pd_app *app, unsigned what);

/* A message in the status line: info for 4 s, errors for 10 s. */
void pd_app_message(struct pd_app *app, enum pd_severity sev, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* Requests in flight: > 0 runs the spinner (a 100 ms timer, only then). */
void pd_app_set_busy(struct pd_app *app, int in_flight);
int pd_app_busy(const struct pd_app *app);
/* Header fields (copied; call again whenever one changes). */
void pd_app_set_header(struct pd_app *app, const struct pd_header *h);
/* Right-aligned status text ("12/400"); cleared whenever the stack changes,
 * so a screen sets it in enter() and after moves. Copied. */
void pd_app_set_status_right(struct pd_app *app, const char *text);

/* A yes/no or typed confirmation over the body. c was set up with
 * pd_confirm_init_*; the app takes it over (copies the struct, frees it
 * when the dialog closes). done gets yes = true when confirmed. */
typedef void (*pd_confirm_done_fn)(struct pd_app *app, bool yes, void *ctx);
void pd_app_confirm(struct pd_app *app, struct pd_confirm *c, pd_confirm_done_fn done, void *ctx);
/* Inside done: the text a confirmed typed confirmation received ("" else),
 * so a caller can send what the person typed, not what was expected. */
const char *pd_app_confirm_typed(const struct pd_app *app);

/* A one-line prompt in the status line (filters, notes, reasons). */
struct pd_prompt_opts {
  const char *label;             /* "/" or "Note: " */
  const char *initial;           /* initial text or NULL */
  char mask;                     /* 0 or the character to show (secrets) */
  struct pd_history *history;    /* optional, caller-owned */
  /* every edit (live filtering); optional */
  void (*changed)(struct pd_app *app, const char *text, void *ctx);
  /* Enter (text) or Esc (text NULL) */
  void (*done)(struct pd_app *app, const char *text, void *ctx);
  void *ctx;
};
void pd_app_prompt(struct pd_app *app, const struct pd_prompt_opts *opts);

/* Opens the `:` command line. */
void pd_app_open_command(struct pd_app *app);
/* Pushes the `?` help screen for the top screen. */
void pd_app_show_help(struct pd_app *app);

/* Feeds one key as if typed (the keyboard and scripts call this). */
void pd_app_key(struct pd_app *app, pd_key key);
/* Draws what is dirty and updates the terminal (the loop does this before
 * sleeping; scripts before a dump). */
void pd_app_render(struct pd_app *app);
/* The terminal changed size (rows/cols <= 0: ask the terminal). */
void pd_app_resize(struct pd_app *app, int rows, int cols);

/* The body rectangle (in the body window's coordinates) and size. */
struct pd_rect pd_app_body_rect(const struct pd_app *app);

/* Minimum terminal size; below it the app shows a notice only. */
#define PD_APP_MIN_ROWS 6
#define PD_APP_MIN_COLS 30

/* Renders counters for tests: how many times each region was drawn. */
struct pd_app_stats {
  unsigned long frames, header, crumb, body, body_full, status, doupdates;
};
const struct pd_app_stats *pd_app_stats(const struct pd_app *app);

#endif
