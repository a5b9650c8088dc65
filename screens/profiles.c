#include "screens/profiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "tui/keymap.h"

void pd_config_default_path(char *buf, size_t size) {
  const char *xdg = getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg == '/') {
    snprintf(buf, size, "%s/privdesk/config", xdg);
    return;
  }
  const char *home = getenv("HOME");
  snprintf(buf, size, "%s/.config/privdesk/config", home && *home ? home : ".");
}

struct parse {
  FILE *f;
  int line; /* counted by our reader: inih's own line numbers are a build option */
  int error_line;
  int section_line; /* where the latest [section] header stands */
  bool new_section; /* a header was read since the last value */
  struct pd_config *cfg;
  struct pd_profile *current; /* the section being read, NULL for [keys] */
  bool in_keys;
  char section[128];
  char problem[256];
};

static void profile_init(struct pd_profile *p, const char *name) {
  memset(p, 0, sizeof *p);
  snprintf(p->name, sizeof p->name, "%s", name);
  p->refresh = -1;
}

static bool parse_bool(const char *v, bool *out) {
  if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on")) {
    *out = true;
    return true;
  }
  if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off")) {
    *out = false;
    return true;
  }
  return false;
}

/* "~/x" -> "$HOME/x" */
static bool set_path(char *out, size_t size, const char *v) {
  const char *home = getenv("HOME");
  int n = v[0] == '~' && v[1] == '/' && home ? snprintf(out, size, "%s%s", home, v + 1) : snprintf(out, size, "%s", v);
  return n > 0 && (size_t)n < size;
}

static bool valid_name(const char *s) {
  if (!*s || strlen(s) >= PD_CONFIG_NAME_MAX) return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("._-", *s)))
      return false;
  return true;
}

static int start_section(struct parse *ps, const char *section) {
  struct pd_config *cfg = ps->cfg;
  snprintf(ps->section, sizeof ps->section, "%s", section);
  ps->in_keys = false;
  ps->current = NULL;
  if (strcmp(section, "defaults") == 0) {
    ps->current = &cfg->defaults;
    return 1;
  }
  if (strcmp(section, "keys") == 0) {
    ps->in_keys = true;
    return 1;
  }
  if (strncmp(section, "profile ", 8) == 0) {
    const char *name = section + 8;
    while (*name == ' ') name++;
    if (!valid_name(name)) {
      snprintf(ps->problem, sizeof ps->problem, "profile names are letters, digits, '.', '_' and '-'");
      return 0;
    }
    for (size_t i = 0; i < cfg->n_profiles; i++)
      if (strcmp(cfg->profiles[i].name, name) == 0) {
        snprintf(ps->problem, sizeof ps->problem, "profile \"%s\" is defined twice", name);
        return 0;
      }
    struct pd_profile *grown = realloc(cfg->profiles, (cfg->n_profiles + 1) * sizeof *grown);
    if (!grown) return 0;
    cfg->profiles = grown;
    ps->current = &cfg->profiles[cfg->n_profiles++];
    profile_init(ps->current, name);
    return 1;
  }
  snprintf(ps->problem, sizeof ps->problem, "unknown section [%s] (expected [defaults], [profile NAME] or [keys])",
           section);
  return 0;
}

static int profile_value(struct parse *ps, struct pd_profile *p, const char *key, const char *v) {
  bool is_defaults = p == &ps->cfg->defaults;
  if (!strcmp(key, "server")) {
    if (strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
      snprintf(ps->problem, sizeof ps->problem, "server must start with https:// or http://");
      return 0;
    }
    snprintf(p->server, sizeof p->server, "%s", v);
  } else if (!strcmp(key, "token_file")) {
    if (!set_path(p->token_file, sizeof p->token_file, v)) goto too_long;
  } else if (!strcmp(key, "ca_file")) {
    if (!set_path(p->ca_file, sizeof p->ca_file, v)) goto too_long;
  } else if (!strcmp(key, "production") || !strcmp(key, "read_only") || (!strcmp(key, "default") && !is_defaults)) {
    bool b;
    if (!parse_bool(v, &b)) {
      snprintf(ps->problem, sizeof ps->problem, "%s must be true or false", key);
      return 0;
    }
    if (!strcmp(key, "production")) p->production = b;
    else if (!strcmp(key, "read_only")) p->read_only = b;
    else p->is_default = b;
  } else if (!strcmp(key, "refresh")) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 0 || n > 86400) {
      snprintf(ps->problem, sizeof ps->problem, "refresh must be seconds from 0 (never) to 86400");
      return 0;
    }
    p->refresh = (int)n;
  } else if (!strcmp(key, "theme")) {
    if (strcmp(v, "auto") && strcmp(v, "256") && strcmp(v, "8") && strcmp(v, "mono")) {
      snprintf(ps->problem, sizeof ps->problem, "theme must be auto, 256, 8 or mono");
      return 0;
    }
    snprintf(p->theme, sizeof p->theme, "%s", v);
  } else {
    snprintf(ps->problem, sizeof ps->problem, "unknown setting \"%s\" in [%s]", key, ps->section);
    return 0;
  }
  return 1;
too_long:
  snprintf(ps->problem, sizeof ps->problem, "%s is too long", key);
  return 0;
}

static int on_value(struct parse *ps, const char *section, const char *key, const char *value, int lineno) {
  if (!section[0]) {
    snprintf(ps->problem, sizeof ps->problem, "\"%s\" is outside a section", key);
    return 0;
  }
  /* inih reports a section only with its first value: the reader notices the
   * header itself, so "[profile a]" twice is two sections */
  if (ps->new_section || strcmp(section, ps->section) != 0) {
    ps->new_section = false;
    if (!start_section(ps, section)) {
      ps->error_line = ps->section_line;
      return 0;
    }
  }
  if (ps->in_keys) {
    struct pd_config *cfg = ps->cfg;
    struct pd_key_override *grown = realloc(cfg->keys, (cfg->n_keys + 1) * sizeof *grown);
    if (!grown) return 0;
    cfg->keys = grown;
    struct pd_key_override *k = &cfg->keys[cfg->n_keys++];
    snprintf(k->action, sizeof k->action, "%s", key);
    snprintf(k->keys, sizeof k->keys, "%s", value);
    k->line = lineno;
    return 1;
  }
  return ps->current ? profile_value(ps, ps->current, key, value) : 0;
}

#if INI_HANDLER_LINENO
static int handler(void *user, const char *section, const char *key, const char *value, int lineno) {
  (void)lineno;
#else
static int handler(void *user, const char *section, const char *key, const char *value) {
#endif
  struct parse *ps = user;
  if (ps->error_line) return 0; /* report the first problem, not the last */
  int ok = on_value(ps, section, key, value, ps->line);
  if (!ok && !ps->error_line) ps->error_line = ps->line;
  return ok;
}

static char *read_line(char *str, int num, void *stream) {
  struct parse *ps = stream;
  char *r = fgets(str, num, ps->f);
  if (r) {
    ps->line++;
    const char *p = r;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '[') {
      ps->new_section = true;
      ps->section_line = ps->line;
    }
  }
  return r;
}

int pd_config_load(struct pd_config *cfg, const char *path, char *err, size_t errsize) {
  memset(cfg, 0, sizeof *cfg);
  profile_init(&cfg->defaults, "defaults");
  snprintf(cfg->path, sizeof cfg->path, "%s", path);
  FILE *f = fopen(path, "r");
  if (!f) {
    if (errno == ENOENT) return 0;
    snprintf(err, errsize, "%s: %s", path, strerror(errno));
    return -1;
  }
  cfg->found = true;
  struct parse ps = {.f = f, .cfg = cfg};
  int line = ini_parse_stream(read_line, &ps, handler, &ps);
  fclose(f);
  if (ps.error_line) line = ps.error_line;
  if (line != 0) {
    snprintf(err, errsize, "%s:%d: %s", path, line,
             ps.problem[0] ? ps.problem : "not a valid line (expected [section] or name = value)");
    pd_config_free(cfg);
    return -1;
  }
  size_t defaults = 0;
  for (size_t i = 0; i < cfg->n_profiles; i++) {
    struct pd_profile *p = &cfg->profiles[i];
    defaults += p->is_default;
    /* [defaults] fills what a profile leaves unset */
    if (p->refresh < 0) p->refresh = cfg->defaults.refresh;
    if (!p->theme[0]) snprintf(p->theme, sizeof p->theme, "%s", cfg->defaults.theme);
    if (!p->ca_file[0]) snprintf(p->ca_file, sizeof p->ca_file, "%s", cfg->defaults.ca_file);
    if (!p->token_file[0]) snprintf(p->token_file, sizeof p->token_file, "%s", cfg->defaults.token_file);
    p->production |= cfg->defaults.production;
    p->read_only |= cfg->defaults.read_only;
    if (!p->server[0]) {
      snprintf(err, errsize, "%s: profile \"%s\" has no server", path, p->name);
      pd_config_free(cfg);
      return -1;
    }
  }
  if (defaults > 1) {
    snprintf(err, errsize, "%s: more than one profile says default = true", path);
    pd_config_free(cfg);
    return -1;
  }
  return 0;
}

void pd_config_free(struct pd_config *cfg) {
  free(cfg->profiles);
  free(cfg->keys);
  cfg->profiles = NULL;
  cfg->keys = NULL;
  cfg->n_profiles = cfg->n_keys = 0;
}

const struct pd_profile *pd_config_pick(const struct pd_config *cfg, const char *name, char *err, size_t errsize) {
  if (name && *name) {
    for (size_t i = 0; i < cfg->n_profiles; i++)
      if (strcmp(cfg->profiles[i].name, name) == 0) return &cfg->profiles[i];
    snprintf(err, errsize, "no profile \"%s\" in %s%s", name, cfg->path,
             cfg->found ? " (privdesk --list-profiles lists them)" : " (the file does not exist)");
    return NULL;
  }
  for (size_t i = 0; i < cfg->n_profiles; i++)
    if (cfg->profiles[i].is_default) return &cfg->profiles[i];
  return NULL;
}

int pd_config_apply_keys(const struct pd_config *cfg, char *err, size_t errsize) {
  for (size_t i = 0; i < cfg->n_keys; i++) {
    const struct pd_key_override *k = &cfg->keys[i];
    char scope[PD_CONFIG_NAME_MAX * 2], why[160];
    const char *dot = strchr(k->action, '.');
    const char *name = dot ? dot + 1 : k->action;
    snprintf(scope, sizeof scope, "%.*s", dot ? (int)(dot - k->action) : 0, k->action);
    if (pd_keymap_override(name, dot ? scope : NULL, k->keys, why, sizeof why) != 0) {
      snprintf(err, errsize, "%s:%d: [keys] %s: %s", cfg->path, k->line, k->action, why);
      return -1;
    }
  }
  return 0;
}
