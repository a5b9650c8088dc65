/* tui/script.c — see script.h. */
#include "tui/script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/term.h"

struct pd_script {
  struct pd_script_item *items;
  size_t n, cap;
};

static struct pd_script_item *add_item(struct pd_script *s, enum pd_script_op op, int line)
{
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 32;
    struct pd_script_item *p = realloc(s->items, ncap * sizeof *p);

    if (p == NULL)
      return NULL;
    s->items = p;
    s->cap = ncap;
  }
  memset(&s->items[s->n], 0, sizeof s->items[s->n]);
  s->items[s->n].op = op;
  s->items[s->n].line = line;
  return &s->items[s->n++];
}

void pd_script_free(struct pd_script *s)
{
  size_t i;

  if (s == NULL)
    return;
  for (i = 0; i < s->n; i++)
    free(s->items[i].path);
  free(s->items);
  free(s);
}

/* "!word args" */
static int parse_directive(struct pd_script *s, char *line, int lineno, char *err, size_t errsize)
{
  char *word = line + 1, *args, *end;
  struct pd_script_item *it;
  size_t wl = strcspn(word, " \t");

  args = word + wl;
  while (*args == ' ' || *args == '\t')
    args++;
  end = args + strlen(args);
  while (end > args && (end[-1] == ' ' || end[-1] == '\t'))
    *--end = '\0';
  word[wl] = '\0';

  if (strcmp(word, "dump") == 0 || strcmp(word, "dump-roles") == 0) {
    if (*args == '\0') {
      snprintf(err, errsize, "line %d: !%s needs a file name", lineno, word);
      return -1;
    }
    it = add_item(s, word[4] ? PD_SCRIPT_DUMP_ROLES : PD_SCRIPT_DUMP, lineno);
    if (it == NULL || (it->path = strdup(args)) == NULL)
      goto oom;
    return 0;
  }
  if (strcmp(word, "resize") == 0) {
    int r, c;
    char extra;

    if (sscanf(args, "%d %d %c", &r, &c, &extra) != 2 || r < 1 || c < 1 || r > 1000 || c > 1000) {
      snprintf(err, errsize, "line %d: usage: !resize ROWS COLS", lineno);
      return -1;
    }
    if ((it = add_item(s, PD_SCRIPT_RESIZE, lineno)) == NULL)
      goto oom;
    it->rows = r;
    it->cols = c;
    return 0;
  }
  if (strcmp(word, "wait") == 0 || strcmp(word, "sleep") == 0) {
    bool is_wait = word[0] == 'w';
    long ms = PD_SCRIPT_WAIT_DEFAULT_MS;

    if (*args || !is_wait) {
      char *e;

      errno = 0;
      ms = strtol(args, &e, 10);
      if (*args == '\0' || *e != '\0' || errno || ms < 0 || ms > 3600000) {
        snprintf(err, errsize, "line %d: usage: !%s%s", lineno, word, is_wait ? " [MS]" : " MS");
        return -1;
      }
    }
    if ((it = add_item(s, is_wait ? PD_SCRIPT_WAIT : PD_SCRIPT_SLEEP, lineno)) == NULL)
      goto oom;
    it->ms = ms;
    return 0;
  }
  snprintf(err, errsize, "line %d: unknown directive !%s", lineno, word);
  return -1;
oom:
  snprintf(err, errsize, "line %d: out of memory", lineno);
  return -1;
}

static int parse_keys(struct pd_script *s, const char *line, int lineno, char *err, size_t errsize)
{
  const char *p = line;

  while (*p) {
    pd_key k;
    size_t n = pd_key_parse(p, &k);
    struct pd_script_item *it;

    if (n == 0) {
      snprintf(err, errsize, "line %d: bad key at \"%.20s\" (write <lt> for '<')", lineno, p);
      return -1;
    }
    if ((it = add_item(s, PD_SCRIPT_KEY, lineno)) == NULL) {
      snprintf(err, errsize, "line %d: out of memory", lineno);
      return -1;
    }
    it->key = k;
    p += n;
  }
  return 0;
}

struct pd_script *pd_script_parse(const char *text, char *err, size_t errsize)
{
  struct pd_script *s = calloc(1, sizeof *s);
  const char *p = text ? text : "";
  int lineno = 0;
  char buf[4096];

  if (s == NULL) {
    snprintf(err, errsize, "out of memory");
    return NULL;
  }
  while (*p) {
    size_t len = strcspn(p, "\n");
    int rc;

    lineno++;
    if (len >= sizeof buf) {
      snprintf(err, errsize, "line %d: longer than %zu bytes", lineno, sizeof buf - 1);
      pd_script_free(s);
      return NULL;
    }
    memcpy(buf, p, len);
    buf[len] = '\0';
    p += len;
    if (*p == '\n')
      p++;
    if (len > 0 && buf[len - 1] == '\r')
      buf[--len] = '\0';
    if (len == 0 || buf[0] == '#')
      continue;
    rc = buf[0] == '!' ? parse_directive(s, buf, lineno, err, errsize)
                       : parse_keys(s, buf, lineno, err, errsize);
    if (rc != 0) {
      pd_script_free(s);
      return NULL;
    }
  }
  return s;
}

struct pd_script *pd_script_load(const char *path, char *err, size_t errsize)
{
  FILE *f = fopen(path, "r");
  struct pd_script *s;
  char *text = NULL;
  size_t len = 0, cap = 0, n;

  if (f == NULL) {
    snprintf(err, errsize, "%s: %s", path, strerror(errno));
    return NULL;
  }
  do {
    if (len + 4096 + 1 > cap) {
      char *t = realloc(text, cap = cap ? cap * 2 : 8192);

      if (t == NULL) {
        free(text);
        fclose(f);
        snprintf(err, errsize, "%s: out of memory", path);
        return NULL;
      }
      text = t;
    }
    n = fread(text + len, 1, 4096, f);
    len += n;
  } while (n > 0);
  fclose(f);
  text[len] = '\0';
  if (strlen(text) != len) {
    free(text);
    snprintf(err, errsize, "%s: contains a NUL byte", path);
    return NULL;
  }
  s = pd_script_parse(text, err, errsize);
  free(text);
  return s;
}

size_t pd_script_count(const struct pd_script *s)
{
  return s ? s->n : 0;
}

const struct pd_script_item *pd_script_item(const struct pd_script *s, size_t i)
{
  return s && i < s->n ? &s->items[i] : NULL;
}

/* ---- the player ---- */

enum player_state { READY, SLEEPING, WAITING, DONE };

struct pd_script_player {
  struct pd_loop *loop;
  const struct pd_script *script;
  const struct pd_script_hooks *hooks;
  void *ctx;
  int source;
  size_t pos;
  enum player_state state;
  uint64_t deadline;
  int wait_line;
};

static int player_pollfds(void *ctx, struct pollfd *fds, int max)
{
  (void)ctx;
  (void)fds;
  (void)max;
  return 0;
}

static bool app_idle(struct pd_script_player *p)
{
  return p->hooks->is_idle == NULL || p->hooks->is_idle(p->ctx);
}

static long player_timeout(void *ctx)
{
  struct pd_script_player *p = ctx;
  uint64_t now = pd_loop_now_ms();

  switch (p->state) {
  case READY: return 0;
  case SLEEPING: return p->deadline <= now ? 0 : (long)(p->deadline - now);
  case WAITING:
    if (app_idle(p))
      return 0;
    return p->deadline <= now ? 0 : (long)(p->deadline - now);
  default: return -1;
  }
}

static void finish(struct pd_script_player *p, int status, const char *msg)
{
  p->state = DONE;
  if (p->hooks->finished)
    p->hooks->finished(p->ctx, status, msg);
}

static void step(struct pd_script_player *p)
{
  const struct pd_script_item *it = pd_script_item(p->script, p->pos);
  char msg[256];

  if (it == NULL) {
    finish(p, 0, "end of script");
    return;
  }
  p->pos++;
  switch (it->op) {
  case PD_SCRIPT_KEY:
    p->hooks->key(p->ctx, it->key);
    break;
  case PD_SCRIPT_DUMP:
  case PD_SCRIPT_DUMP_ROLES: {
    unsigned flags = it->op == PD_SCRIPT_DUMP_ROLES ? PD_DUMP_ROLES : PD_DUMP_TEXT;
    int rc = p->hooks->dump ? p->hooks->dump(p->ctx, it->path, flags) : pd_term_dump(it->path, flags);

    if (rc != 0) {
      snprintf(msg, sizeof msg, "line %d: cannot write %s", it->line, it->path);
      finish(p, -1, msg);
    }
    break;
  }
  case PD_SCRIPT_RESIZE:
    if (p->hooks->resize)
      p->hooks->resize(p->ctx, it->rows, it->cols);
    break;
  case PD_SCRIPT_WAIT:
    p->state = WAITING;
    p->deadline = pd_loop_now_ms() + (uint64_t)it->ms;
    p->wait_line = it->line;
    break;
  case PD_SCRIPT_SLEEP:
    p->state = SLEEPING;
    p->deadline = pd_loop_now_ms() + (uint64_t)it->ms;
    break;
  }
}

static void player_dispatch(void *ctx, const struct pollfd *fds, int n)
{
  struct pd_script_player *p = ctx;
  uint64_t now = pd_loop_now_ms();
  char msg[128];

  (void)fds;
  (void)n;
  switch (p->state) {
  case SLEEPING:
    if (now < p->deadline)
      return;
    p->state = READY;
    break;
  case WAITING:
    if (app_idle(p)) {
      p->state = READY;
      break;
    }
    if (now >= p->deadline) {
      snprintf(msg, sizeof msg, "line %d: !wait timed out (the application never became idle)",
               p->wait_line);
      finish(p, -1, msg);
    }
    return;
  case DONE: return;
  case READY: break;
  }
  step(p);
}

static const struct pd_loop_source player_source = {player_pollfds, player_timeout, player_dispatch};

struct pd_script_player *pd_script_player_new(struct pd_loop *loop, const struct pd_script *script,
                                              const struct pd_script_hooks *hooks, void *ctx)
{
  struct pd_script_player *p = calloc(1, sizeof *p);

  if (p == NULL)
    return NULL;
  p->loop = loop;
  p->script = script;
  p->hooks = hooks;
  p->ctx = ctx;
  p->state = READY;
  p->source = pd_loop_add_source(loop, &player_source, p);
  if (p->source < 0) {
    free(p);
    return NULL;
  }
  return p;
}

void pd_script_player_free(struct pd_script_player *p)
{
  if (p == NULL)
    return;
  pd_loop_del_source(p->loop, p->source);
  free(p);
}

bool pd_script_player_done(const struct pd_script_player *p)
{
  return p == NULL || p->state == DONE;
}
