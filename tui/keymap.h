/* tui/keymap.h — actions, their default keys and help, from tui/actions.def.
 *
 * Screens never compare raw keys for commands: the app looks up the action
 * of each key (the screen's scope first, then "global") and passes both to
 * the screen's key callback. The same table drives the `?` help screen and
 * the man page (pd_keymap_write_roff). All strings returned are static. */
#ifndef PD_TUI_KEYMAP_H
#define PD_TUI_KEYMAP_H

#include <stdbool.h>
#include <stdio.h>

#include "tui/keys.h"

#define PD_SCOPE_GLOBAL "global"

enum pd_action {
  PD_ACT_NONE = 0,
#define PD_ACTION(id, name, scope, keys, help) PD_ACT_##id,
#include "tui/actions.def"
#undef PD_ACTION
  PD_ACT_COUNT
};

struct pd_keymap_entry {
  enum pd_action action;
  const char *name, *scope, *keys, *help;
  bool writes; /* declared with PD_WRITE_ACTION: changes data on the server */
};

/* The built-in table (rows of actions.def in order); *n gets its length. */
const struct pd_keymap_entry *pd_keymap_table(size_t *n);

/* Action by name ("move-down") and back; unknown: PD_ACT_NONE / NULL. */
enum pd_action pd_action_from_name(const char *name);
const char *pd_action_name(enum pd_action action);
const char *pd_action_help(enum pd_action action);
/* Does the action change data on the server (PD_WRITE_ACTION)? */
bool pd_action_writes(enum pd_action action);
/* A user's key override (configuration): every action named name (in scope,
 * or in every scope when scope is NULL) gets keys ("T <C-t>") instead of its
 * defaults. Refused, with the reason in err and nothing changed, when the
 * action is unknown, a notation is bad or a key would then be bound twice in
 * one scope. Help, lookups and pd_keymap_keys follow the override. */
int pd_keymap_override(const char *name, const char *scope, const char *keys, char *err, size_t errsize);
/* Back to the table's defaults (frees the overrides). */
void pd_keymap_reset(void);

/* Read-only sessions: pd_keymap_help (the `?` screen) leaves write actions out. */
void pd_keymap_hide_writes(bool hide);

/* The action bound to key in scope (NULL or "global": global only): the
 * scope's own binding wins over the global one. PD_ACT_NONE when unbound. */
enum pd_action pd_keymap_lookup(pd_key key, const char *scope);

/* Default keys of an action into out (up to max); returns how many. */
int pd_keymap_keys(enum pd_action action, pd_key *out, int max);

/* The keys of an action for display, "j, Down, C-n"; returns the length. */
size_t pd_keymap_keys_display(enum pd_action action, char *buf, size_t size);

/* Checks a table: every key notation parses and no key is bound twice in one
 * scope. Returns 0, or -1 with a message naming the rows in err. */
int pd_keymap_validate(const struct pd_keymap_entry *table, size_t n, char *err, size_t errsize);

/* Help for a scope: calls emit once per action, the scope's own actions
 * first (section = scope), then the global ones (section = "global").
 * keys is the display form ("j, Down"). scope NULL or "global": global only. */
typedef void (*pd_keymap_help_fn)(void *ctx, const char *section, const char *keys,
                                  const char *help);
void pd_keymap_help(const char *scope, pd_keymap_help_fn emit, void *ctx);

/* The help of a scope as plain text: a heading line per section, then one
 * "  KEYS<padding>HELP" line per action. Returns 0 or -1 on a write error. */
int pd_keymap_write_text(FILE *f, const char *scope);

/* The same as roff for a man page: ".SS <section>" then ".TP\n.B keys\nhelp"
 * per action, with roff special characters escaped. scope NULL: every scope
 * in table order, global first. Returns 0 or -1. */
int pd_keymap_write_roff(FILE *f, const char *scope);

#endif
