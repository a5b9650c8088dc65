/* tui/keymap.c — see keymap.h. */
#include "tui/keymap.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct pd_keymap_entry table[] = {
#define PD_ACTION(id, name, scope, keys, help) {PD_ACT_##id, name, scope, keys, help, false},
#define PD_WRITE_ACTION(id, name, scope, keys, help) {PD_ACT_##id, name, scope, keys, help, true},
#include "tui/actions.def"
#undef PD_WRITE_ACTION
#undef PD_ACTION
};

#define TABLE_LEN (sizeof table / sizeof table[0])
#define MAX_BINDINGS (TABLE_LEN * 4 + 8)

struct binding {
  pd_key key;
  enum pd_action action;
  const char *scope;
};

static bool hide_writes;

/* The keys in effect per row: the table's defaults, or a user's override
 * (pd_keymap_override). Help and lookups use these. */
static const char *row_keys[TABLE_LEN];
static char *override_keys[TABLE_LEN];

static const char *keys_of(size_t row)
{
  return row_keys[row] ? row_keys[row] : table[row].keys;
}

static size_t row_of(const struct pd_keymap_entry *e)
{
  return (size_t)(e - table);
}

static struct binding bindings[MAX_BINDINGS];
static size_t nbindings;
static bool parsed;

const struct pd_keymap_entry *pd_keymap_table(size_t *n)
{
  if (n)
    *n = TABLE_LEN;
  return table;
}

static const struct pd_keymap_entry *entry(enum pd_action action)
{
  size_t i;

  for (i = 0; i < TABLE_LEN; i++)
    if (table[i].action == action)
      return &table[i];
  return NULL;
}

enum pd_action pd_action_from_name(const char *name)
{
  size_t i;

  for (i = 0; name && i < TABLE_LEN; i++)
    if (strcmp(table[i].name, name) == 0)
      return table[i].action;
  return PD_ACT_NONE;
}

const char *pd_action_name(enum pd_action action)
{
  const struct pd_keymap_entry *e = entry(action);

  return e ? e->name : NULL;
}

const char *pd_action_help(enum pd_action action)
{
  const struct pd_keymap_entry *e = entry(action);

  return e ? e->help : NULL;
}

/* Splits a keys string; calls fn for each key; returns -1 on a bad notation
 * (and sets *bad to its start). */
static int each_key(const char *keys, void (*fn)(void *, pd_key), void *ctx, const char **bad)
{
  const char *p = keys;

  while (*p) {
    pd_key k;
    size_t n;

    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    n = pd_key_parse(p, &k);
    if (n == 0 || (p[n] != ' ' && p[n] != '\0')) {
      if (bad)
        *bad = p;
      return -1;
    }
    fn(ctx, k);
    p += n;
  }
  return 0;
}

struct add_ctx {
  const struct pd_keymap_entry *e;
};

static void add_binding(void *ctx, pd_key k)
{
  struct add_ctx *a = ctx;

  if (nbindings < MAX_BINDINGS)
    bindings[nbindings++] = (struct binding){k, a->e->action, a->e->scope};
}

static void parse_table(void)
{
  size_t i;

  if (parsed)
    return;
  nbindings = 0;
  for (i = 0; i < TABLE_LEN; i++) {
    struct add_ctx a = {&table[i]};

    each_key(keys_of(i), add_binding, &a, NULL);
  }
  parsed = true;
}

enum pd_action pd_keymap_lookup(pd_key key, const char *scope)
{
  enum pd_action global = PD_ACT_NONE;
  size_t i;

  parse_table();
  for (i = 0; i < nbindings; i++) {
    if (bindings[i].key != key)
      continue;
    if (scope && strcmp(scope, PD_SCOPE_GLOBAL) != 0 && strcmp(bindings[i].scope, scope) == 0)
      return bindings[i].action;
    if (global == PD_ACT_NONE && strcmp(bindings[i].scope, PD_SCOPE_GLOBAL) == 0)
      global = bindings[i].action;
  }
  return global;
}

struct collect_ctx {
  pd_key *out;
  int n, max;
};

static void collect(void *ctx, pd_key k)
{
  struct collect_ctx *c = ctx;

  if (c->n < c->max)
    c->out[c->n] = k;
  c->n++;
}

int pd_keymap_keys(enum pd_action action, pd_key *out, int max)
{
  const struct pd_keymap_entry *e = entry(action);
  struct collect_ctx c = {out, 0, max};

  if (e == NULL)
    return 0;
  each_key(keys_of(row_of(e)), collect, &c, NULL);
  return c.n < max ? c.n : max;
}

static size_t keys_display(const char *keys, char *buf, size_t size)
{
  pd_key k[16];
  struct collect_ctx c = {k, 0, 16};
  size_t len = 0;
  int i;

  if (size == 0)
    return 0;
  buf[0] = '\0';
  each_key(keys, collect, &c, NULL);
  for (i = 0; i < c.n && i < 16; i++) {
    char one[32];

    pd_key_display(k[i], one, sizeof one);
    len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", one);
    if (len >= size) {
      len = size - 1;
      break;
    }
  }
  return len;
}

size_t pd_keymap_keys_display(enum pd_action action, char *buf, size_t size)
{
  const struct pd_keymap_entry *e = entry(action);

  if (e == NULL) {
    if (size)
      buf[0] = '\0';
    return 0;
  }
  return keys_display(keys_of(row_of(e)), buf, size);
}

struct check_ctx {
  pd_key keys[256];
  size_t rows[256];
  size_t n, row;
  const struct pd_keymap_entry *t;
  char *err;
  size_t errsize;
  int failed;
};

static void check_key(void *ctx, pd_key k)
{
  struct check_ctx *c = ctx;
  size_t i;

  for (i = 0; i < c->n; i++) {
    if (c->keys[i] == k && strcmp(c->t[c->rows[i]].scope, c->t[c->row].scope) == 0 && !c->failed) {
      char name[32];

      pd_key_notation(k, name, sizeof name);
      snprintf(c->err, c->errsize, "key %s bound twice in scope %s: %s and %s", name,
               c->t[c->row].scope, c->t[c->rows[i]].name, c->t[c->row].name);
      c->failed = 1;
    }
  }
  if (c->n < 256) {
    c->keys[c->n] = k;
    c->rows[c->n++] = c->row;
  }
}

int pd_keymap_validate(const struct pd_keymap_entry *t, size_t n, char *err, size_t errsize)
{
  static struct check_ctx c; /* large; validation is not reentrant */
  char dummy[1];

  memset(&c, 0, sizeof c);
  c.t = t;
  c.err = err && errsize ? err : dummy;
  c.errsize = err && errsize ? errsize : sizeof dummy;
  c.err[0] = '\0';
  for (c.row = 0; c.row < n; c.row++) {
    const char *bad = NULL;

    if (each_key(t[c.row].keys, check_key, &c, &bad) != 0) {
      snprintf(c.err, c.errsize, "action %s: bad key notation at \"%s\"", t[c.row].name, bad);
      return -1;
    }
    if (c.failed)
      return -1;
  }
  return 0;
}

void pd_keymap_help(const char *scope, pd_keymap_help_fn emit, void *ctx)
{
  int pass;
  size_t i;

  for (pass = 0; pass < 2; pass++) {
    const char *want = pass == 0 ? scope : PD_SCOPE_GLOBAL;

    if (want == NULL || (pass == 0 && strcmp(want, PD_SCOPE_GLOBAL) == 0))
      continue;
    for (i = 0; i < TABLE_LEN; i++) {
      char keys[128];

      if (strcmp(table[i].scope, want) != 0 || (hide_writes && table[i].writes))
        continue;
      keys_display(keys_of(i), keys, sizeof keys);
      emit(ctx, want, keys, table[i].help);
    }
  }
}

struct write_ctx {
  FILE *f;
  const char *section;
  int roff, err;
};

static void roff_escaped(FILE *f, const char *s, int line_start)
{
  for (; *s; s++) {
    if (line_start && (*s == '.' || *s == '\''))
      fputs("\\&", f);
    line_start = 0;
    if (*s == '\\')
      fputs("\\e", f);
    else if (*s == '-')
      fputs("\\-", f);
    else
      fputc(*s, f);
  }
}

static void write_one(void *ctx, const char *section, const char *keys, const char *help)
{
  struct write_ctx *w = ctx;

  if (w->section == NULL || strcmp(w->section, section) != 0) {
    w->section = section;
    if (w->roff) {
      fputs(".SS ", w->f);
      roff_escaped(w->f, strcmp(section, PD_SCOPE_GLOBAL) == 0 ? "Global keys" : section, 0);
      fputs(strcmp(section, PD_SCOPE_GLOBAL) == 0 ? "\n" : " screen\n", w->f);
    } else {
      fprintf(w->f, "%s%s\n", strcmp(section, PD_SCOPE_GLOBAL) == 0 ? "Global keys" : section,
              strcmp(section, PD_SCOPE_GLOBAL) == 0 ? "" : " screen");
    }
  }
  if (w->roff) {
    fputs(".TP\n.B ", w->f);
    roff_escaped(w->f, keys, 0);
    fputc('\n', w->f);
    roff_escaped(w->f, help, 1);
    fputc('\n', w->f);
  } else {
    fprintf(w->f, "  %-18s %s\n", keys, help);
  }
}

int pd_keymap_write_text(FILE *f, const char *scope)
{
  struct write_ctx w = {f, NULL, 0, 0};

  pd_keymap_help(scope, write_one, &w);
  return ferror(f) ? -1 : 0;
}

int pd_keymap_write_roff(FILE *f, const char *scope)
{
  struct write_ctx w = {f, NULL, 1, 0};
  size_t i, j;

  if (scope) {
    pd_keymap_help(scope, write_one, &w);
    return ferror(f) ? -1 : 0;
  }
  /* every scope: global first, then the others in order of appearance */
  pd_keymap_help(NULL, write_one, &w);
  for (i = 0; i < TABLE_LEN; i++) {
    bool seen = strcmp(table[i].scope, PD_SCOPE_GLOBAL) == 0;

    for (j = 0; j < i && !seen; j++)
      seen = strcmp(table[j].scope, table[i].scope) == 0;
    if (seen)
      continue;
    for (j = i; j < TABLE_LEN; j++) {
      char keys[128];

      if (strcmp(table[j].scope, table[i].scope) != 0)
        continue;
      keys_display(table[j].keys, keys, sizeof keys);
      write_one(&w, table[j].scope, keys, table[j].help);
    }
  }
  return ferror(f) ? -1 : 0;
}

bool pd_action_writes(enum pd_action action)
{
  const struct pd_keymap_entry *e = entry(action);

  return e && e->writes;
}

void pd_keymap_hide_writes(bool hide)
{
  hide_writes = hide;
}

int pd_keymap_override(const char *name, const char *scope, const char *keys, char *err, size_t errsize)
{
  static struct pd_keymap_entry trial[TABLE_LEN];
  char dummy[1];
  size_t i, matched = 0;

  if (!err || !errsize) {
    err = dummy;
    errsize = sizeof dummy;
  }
  for (i = 0; i < TABLE_LEN; i++) {
    trial[i] = table[i];
    trial[i].keys = keys_of(i);
    if (strcmp(table[i].name, name) == 0 && (!scope || strcmp(table[i].scope, scope) == 0)) {
      trial[i].keys = keys;
      matched++;
    }
  }
  if (matched == 0) {
    snprintf(err, errsize, "no action %s%s%s", scope ? scope : "", scope ? "." : "", name);
    return -1;
  }
  if (pd_keymap_validate(trial, TABLE_LEN, err, errsize) != 0)
    return -1;
  for (i = 0; i < TABLE_LEN; i++) {
    if (trial[i].keys != keys)
      continue;
    free(override_keys[i]);
    override_keys[i] = strdup(keys);
    row_keys[i] = override_keys[i];
  }
  parsed = false; /* rebuild the bindings */
  return 0;
}

void pd_keymap_reset(void)
{
  size_t i;

  for (i = 0; i < TABLE_LEN; i++) {
    free(override_keys[i]);
    override_keys[i] = NULL;
    row_keys[i] = NULL;
  }
  parsed = false;
}
