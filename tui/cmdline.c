/* tui/cmdline.c — see cmdline.h. */
#include "tui/cmdline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/draw.h"
#include "tui/theme.h"

void pd_cmdline_init(struct pd_cmdline *c, const struct pd_cmd_spec *specs, size_t nspecs)
{
  memset(c, 0, sizeof *c);
  pd_lineedit_init(&c->le, 512);
  pd_history_init(&c->history, 200);
  c->le.history = &c->history;
  c->specs = specs;
  c->nspecs = nspecs;
}

static void reset_completion(struct pd_cmdline *c)
{
  int i;

  for (i = 0; i < c->nmatches; i++)
    free(c->matches[i]);
  c->nmatches = 0;
  c->cycle = -1;
  c->cycling = false;
  c->hint[0] = '\0';
}

void pd_cmdline_free(struct pd_cmdline *c)
{
  reset_completion(c);
  pd_lineedit_free(&c->le);
  pd_history_free(&c->history);
}

void pd_cmdline_set_completer(struct pd_cmdline *c, pd_cmd_complete_fn fn, void *ctx)
{
  c->complete_fn = fn;
  c->complete_ctx = ctx;
}

void pd_cmdline_open(struct pd_cmdline *c)
{
  reset_completion(c);
  pd_lineedit_clear(&c->le);
}

const char *pd_cmdline_text(const struct pd_cmdline *c)
{
  return pd_lineedit_text(&c->le);
}

const char *pd_cmdline_hint(const struct pd_cmdline *c)
{
  return c->hint;
}

size_t pd_cmd_split(const char *line, char *cmd, size_t cmdsize, const char **rest)
{
  size_t n;

  while (*line == ' ' || *line == ':')
    line++;
  n = strcspn(line, " ");
  if (cmdsize) {
    size_t k = n < cmdsize - 1 ? n : cmdsize - 1;

    memcpy(cmd, line, k);
    cmd[k] = '\0';
  }
  line += n;
  while (*line == ' ')
    line++;
  if (rest)
    *rest = line;
  return n;
}

const struct pd_cmd_spec *pd_cmd_find(const struct pd_cmd_spec *specs, size_t n, const char *name)
{
  const struct pd_cmd_spec *found = NULL;
  size_t i, len = strlen(name);

  if (len == 0)
    return NULL;
  for (i = 0; i < n; i++)
    if (strcasecmp(specs[i].name, name) == 0)
      return &specs[i];
  for (i = 0; i < n; i++) {
    if (strncasecmp(specs[i].name, name, len) == 0) {
      if (found)
        return NULL;
      found = &specs[i];
    }
  }
  return found;
}

struct gather {
  struct pd_cmdline *c;
  const char *prefix;
};

static void add_match(void *ctx, const char *s)
{
  struct gather *g = ctx;
  struct pd_cmdline *c = g->c;
  int i;

  if (s == NULL || c->nmatches >= PD_CMDLINE_MAX_MATCHES)
    return;
  if (strncasecmp(s, g->prefix, strlen(g->prefix)) != 0)
    return;
  for (i = 0; i < c->nmatches; i++)
    if (strcmp(c->matches[i], s) == 0)
      return;
  if ((c->matches[c->nmatches] = strdup(s)) != NULL)
    c->nmatches++;
}

/* Replaces text[word_start, cursor) by s (+ suffix). */
static void replace_word(struct pd_cmdline *c, const char *s, const char *suffix)
{
  struct pd_lineedit *le = &c->le;
  size_t tail_len = le->len - le->cursor;
  char *tail = malloc(tail_len + 1), *line;
  size_t n;

  if (tail == NULL)
    return;
  memcpy(tail, le->buf + le->cursor, tail_len + 1);
  n = c->word_start + strlen(s) + strlen(suffix) + tail_len + 1;
  line = malloc(n);
  if (line == NULL) {
    free(tail);
    return;
  }
  memcpy(line, le->buf, c->word_start);
  snprintf(line + c->word_start, n - c->word_start, "%s%s", s, suffix);
  n = strlen(line);
  strcat(line, tail);
  pd_lineedit_set(le, line);
  le->cursor = n < le->len ? n : le->len;
  free(line);
  free(tail);
}

static void make_hint(struct pd_cmdline *c)
{
  size_t len = 0;
  int i;

  c->hint[0] = '\0';
  for (i = 0; i < c->nmatches && len + 1 < sizeof c->hint; i++) {
    int n = snprintf(c->hint + len, sizeof c->hint - len, "%s%s%s%s", i ? " " : "",
                     i == c->cycle ? "[" : "", c->matches[i], i == c->cycle ? "]" : "");

    if (n < 0)
      break;
    len += (size_t)n;
  }
  if (len >= sizeof c->hint)
    c->hint[sizeof c->hint - 1] = '\0';
}

static char fold(char ch)
{
  return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

int pd_cmdline_complete(struct pd_cmdline *c, int dir)
{
  struct pd_lineedit *le = &c->le;
  char prefix[512], cmd[128];
  const char *rest;
  size_t ws, i, common;
  bool first_word;
  struct gather g;

  if (c->cycling && c->nmatches > 0) {
    c->cycle = (c->cycle + (dir < 0 ? c->nmatches - 1 : 1)) % c->nmatches;
    replace_word(c, c->matches[c->cycle], "");
    make_hint(c);
    c->cycling = true;
    return c->nmatches;
  }
  reset_completion(c);

  /* the word before the cursor */
  ws = le->cursor;
  while (ws > 0 && le->buf[ws - 1] != ' ')
    ws--;
  first_word = true;
  for (i = 0; i < ws; i++)
    if (le->buf[i] != ' ' && le->buf[i] != ':')
      first_word = false;
  if (le->cursor - ws >= sizeof prefix)
    return 0;
  memcpy(prefix, le->buf + ws, le->cursor - ws);
  prefix[le->cursor - ws] = '\0';
  c->word_start = ws;
  g.c = c;
  g.prefix = prefix;

  if (first_word) {
    for (i = 0; i < c->nspecs; i++)
      add_match(&g, c->specs[i].name);
  } else {
    const struct pd_cmd_spec *spec;

    pd_cmd_split(le->buf, cmd, sizeof cmd, &rest);
    spec = pd_cmd_find(c->specs, c->nspecs, cmd);
    if (spec && spec->args)
      for (i = 0; spec->args[i]; i++)
        add_match(&g, spec->args[i]);
    if (spec && c->complete_fn)
      c->complete_fn(c->complete_ctx, spec->name, prefix, add_match, &g);
  }

  if (c->nmatches == 0) {
    snprintf(c->hint, sizeof c->hint, "no completions");
    return 0;
  }
  if (c->nmatches == 1) {
    const char *suffix = "";

    if (first_word) {
      const struct pd_cmd_spec *spec = pd_cmd_find(c->specs, c->nspecs, c->matches[0]);

      if (spec && (spec->args || spec->usage || c->complete_fn))
        suffix = " ";
    }
    replace_word(c, c->matches[0], suffix);
    reset_completion(c);
    return 1;
  }
  /* longest common prefix (ASCII case-insensitive, taken from the first) */
  common = strlen(c->matches[0]);
  for (int m = 1; m < c->nmatches; m++) {
    size_t k = 0;

    while (k < common && c->matches[m][k] && fold(c->matches[m][k]) == fold(c->matches[0][k]))
      k++;
    common = k;
  }
  /* do not cut a UTF-8 character */
  while (common > 0 && ((unsigned char)c->matches[0][common] & 0xC0) == 0x80)
    common--;
  if (common > strlen(prefix)) {
    char grown[512];

    snprintf(grown, sizeof grown, "%.*s", (int)common, c->matches[0]);
    replace_word(c, grown, "");
    c->cycle = -1;
    make_hint(c);
    c->cycling = true; /* the next Tab cycles */
    c->cycle = -1;
    return c->nmatches;
  }
  c->cycle = dir < 0 ? c->nmatches - 1 : 0;
  replace_word(c, c->matches[c->cycle], "");
  make_hint(c);
  c->cycling = true;
  return c->nmatches;
}

enum pd_le_result pd_cmdline_key(struct pd_cmdline *c, pd_key key)
{
  enum pd_le_result r;

  if (key == PD_KEY_TAB || key == PD_KEY_BTAB) {
    pd_cmdline_complete(c, key == PD_KEY_TAB ? 1 : -1);
    return PD_LE_CHANGED;
  }
  reset_completion(c);
  r = pd_lineedit_key(&c->le, key);
  if (r == PD_LE_SUBMIT)
    pd_history_add(&c->history, pd_lineedit_text(&c->le));
  return r;
}

int pd_cmdline_draw(struct pd_cmdline *c, WINDOW *win, int y, int x, int width, attr_t attr)
{
  if (width < 2)
    return x;
  pd_draw_text(win, y, x, 1, ":", attr, 0);
  return pd_lineedit_draw(&c->le, win, y, x + 1, width - 1, attr);
}
