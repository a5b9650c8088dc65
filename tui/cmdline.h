/* tui/cmdline.h — the `:` command line: a line editor with its own history
 * and Tab completion from a caller-supplied command table.
 *
 * Completion (Tab; BTab cycles backwards):
 *   - in the first word, command names complete; after a space, the
 *     argument candidates of that command complete (the last word);
 *   - one candidate: the word is replaced by it (plus a space after a
 *     command that takes arguments);
 *   - several: the word grows to their longest common prefix and the
 *     candidates are listed (pd_cmdline_hint); a Tab that cannot grow the
 *     word cycles through the candidates, one per Tab;
 *   - matching ignores ASCII case.
 * Candidates are either static (args) or produced on demand (complete_fn),
 * e.g. recent account e-mails. */
#ifndef PD_TUI_CMDLINE_H
#define PD_TUI_CMDLINE_H

#include "tui/lineedit.h"

struct pd_cmd_spec {
  const char *name;              /* "queue" */
  const char *const *args;       /* NULL-terminated argument candidates, or NULL */
  const char *help;              /* one line: "show the queue (mine, urgent ...)" */
  const char *usage;             /* argument synopsis: "[mine|unassigned|...]", or NULL */
};

/* Optional dynamic candidates for cmd's arguments: calls add(cb_ctx, s) for
 * each (add copies s). */
typedef void (*pd_cmd_complete_fn)(void *ctx, const char *cmd, const char *prefix,
                                   void (*add)(void *cb_ctx, const char *s), void *cb_ctx);

#define PD_CMDLINE_MAX_MATCHES 256

struct pd_cmdline {
  struct pd_lineedit le;
  struct pd_history history;
  const struct pd_cmd_spec *specs; /* not owned */
  size_t nspecs;
  pd_cmd_complete_fn complete_fn;
  void *complete_ctx;
  /* completion state */
  char *matches[PD_CMDLINE_MAX_MATCHES];
  int nmatches, cycle;
  size_t word_start;
  bool cycling;
  char hint[512];
};

/* specs must outlive the command line. */
void pd_cmdline_init(struct pd_cmdline *c, const struct pd_cmd_spec *specs, size_t nspecs);
void pd_cmdline_free(struct pd_cmdline *c);
void pd_cmdline_set_completer(struct pd_cmdline *c, pd_cmd_complete_fn fn, void *ctx);

/* Empties the line for a new command (history is kept). */
void pd_cmdline_open(struct pd_cmdline *c);

/* Handles a key. Tab/BTab complete. On PD_LE_SUBMIT the text is added to
 * the history; read it with pd_cmdline_text before the next open. */
enum pd_le_result pd_cmdline_key(struct pd_cmdline *c, pd_key key);
const char *pd_cmdline_text(const struct pd_cmdline *c);

/* Completes at the cursor as Tab does (dir +1) or BTab (-1); returns the
 * number of candidates. */
int pd_cmdline_complete(struct pd_cmdline *c, int dir);

/* The candidates shown after an ambiguous completion, "" otherwise. */
const char *pd_cmdline_hint(const struct pd_cmdline *c);

/* Draws ":" and the text at y,x in width columns; returns the cursor column. */
int pd_cmdline_draw(struct pd_cmdline *c, WINDOW *win, int y, int x, int width, attr_t attr);

/* Splits "queue  mine" into the command word (copied into cmd) and a pointer
 * to the rest with leading blanks skipped. Returns the length of the command
 * word (0 for a blank line). */
size_t pd_cmd_split(const char *line, char *cmd, size_t cmdsize, const char **rest);

/* The spec named name exactly, else the only spec it is a prefix of; NULL
 * when unknown or ambiguous. */
const struct pd_cmd_spec *pd_cmd_find(const struct pd_cmd_spec *specs, size_t n, const char *name);

#endif
