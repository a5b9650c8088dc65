/* tui/script.h — key scripts for the headless test mode.
 *
 * A script is a text file, one item per line:
 *
 *   # comment                 ignored (also blank lines)
 *   :queue mine<Enter>        plain text: every character is typed as a key;
 *                             key notations (tui/keys.h) may be mixed in:
 *                             <Enter> <Esc> <Tab> <BTab> <Up> <Down> <Left>
 *                             <Right> <PgUp> <PgDn> <Home> <End> <Space> <BS>
 *                             <Del> <C-x> <M-x> <F1>..<F12> <U+hhhh>, and
 *                             <lt> for '<'. The end of the line types nothing
 *                             (use <Enter>). To type a line that starts with
 *                             '!' or '#', begin it with <U+21> or <U+23>.
 *   !dump FILE                render, then write the screen as text to FILE
 *                             (tui/term.h: one line per row, UTF-8, trailing
 *                             spaces trimmed); relative to the current directory
 *   !dump-roles FILE          the same with one role letter per cell
 *   !resize ROWS COLS         resize the virtual terminal (like SIGWINCH)
 *   !wait [MS]                hand control to the application until its
 *                             "is idle" callback says so (network replies
 *                             arrived ...); fails after MS ms (default 10000)
 *   !sleep MS                 let the loop run for MS ms (timers fire)
 *
 * Keys are delivered one per loop iteration, so the application renders
 * between keys exactly as it does on a real terminal. When the script ends,
 * the player reports it (the app quits). An unknown directive or bad key
 * notation is a parse error with the line number. */
#ifndef PD_TUI_SCRIPT_H
#define PD_TUI_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/keys.h"
#include "tui/loop.h"

enum pd_script_op {
  PD_SCRIPT_KEY,
  PD_SCRIPT_DUMP,
  PD_SCRIPT_DUMP_ROLES,
  PD_SCRIPT_RESIZE,
  PD_SCRIPT_WAIT,
  PD_SCRIPT_SLEEP,
};

#define PD_SCRIPT_WAIT_DEFAULT_MS 10000

struct pd_script_item {
  enum pd_script_op op;
  int line;          /* 1-based source line */
  pd_key key;        /* KEY */
  int rows, cols;    /* RESIZE */
  long ms;           /* WAIT (timeout), SLEEP */
  char *path;        /* DUMP, DUMP_ROLES (owned by the script) */
};

struct pd_script;

/* Parses a script. Returns NULL with "line N: ..." in err on a syntax error
 * or when out of memory. The caller frees the result with pd_script_free. */
struct pd_script *pd_script_parse(const char *text, char *err, size_t errsize);
struct pd_script *pd_script_load(const char *path, char *err, size_t errsize);
void pd_script_free(struct pd_script *script);

size_t pd_script_count(const struct pd_script *script);
const struct pd_script_item *pd_script_item(const struct pd_script *script, size_t i);

/* What the player needs from the application. Only key is required. */
struct pd_script_hooks {
  void (*key)(void *ctx, pd_key key);
  void (*resize)(void *ctx, int rows, int cols);
  /* render pending changes, then dump the screen (pd_term_dump); 0 or -1 */
  int (*dump)(void *ctx, const char *path, unsigned dump_flags);
  bool (*is_idle)(void *ctx); /* NULL: always idle */
  /* the script ended (status 0) or failed (status -1, msg says why) */
  void (*finished)(void *ctx, int status, const char *msg);
};

struct pd_script_player;

/* Plays script in loop (attached as a pd_loop_source); the player does not
 * own the script or hooks (both must outlive it). NULL when out of memory. */
struct pd_script_player *pd_script_player_new(struct pd_loop *loop, const struct pd_script *script,
                                              const struct pd_script_hooks *hooks, void *ctx);
/* Detaches from the loop and frees. */
void pd_script_player_free(struct pd_script_player *player);
bool pd_script_player_done(const struct pd_script_player *player);

#endif
