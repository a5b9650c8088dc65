/* The console's configuration file: $XDG_CONFIG_HOME/privdesk/config (or
 * ~/.config/privdesk/config), INI parsed with inih. Named profiles say which
 * server to talk to and how; [defaults] applies to every profile; [keys]
 * overrides key bindings. See privdesk(1), FILES. Example:
 *
 *   [defaults]
 *   refresh = 30
 *
 *   [profile production]
 *   server = https://privacy.example.com
 *   token_file = ~/.config/privdesk/production.token
 *   ca_file = /etc/ssl/certs/company-ca.pem
 *   production = true
 *   default = true
 *
 *   [keys]
 *   queue.take = T
 */
#ifndef PD_SCREENS_PROFILES_H
#define PD_SCREENS_PROFILES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define PD_CONFIG_NAME_MAX 64

struct pd_profile {
  char name[PD_CONFIG_NAME_MAX];
  char server[512];
  char token_file[PATH_MAX];
  char ca_file[PATH_MAX];
  bool production, read_only, is_default;
  int refresh;         /* seconds; -1 = not set */
  char theme[8];       /* "", auto, 256, 8, mono */
};

struct pd_key_override {
  char action[PD_CONFIG_NAME_MAX * 2]; /* "take" or "queue.take" */
  char keys[128];
  int line;
};

struct pd_config {
  char path[PATH_MAX];
  bool found;                   /* the file exists */
  struct pd_profile defaults;   /* [defaults] */
  struct pd_profile *profiles;
  size_t n_profiles;
  struct pd_key_override *keys;
  size_t n_keys;
};

/* The file's path: $XDG_CONFIG_HOME/privdesk/config, else
 * $HOME/.config/privdesk/config. */
void pd_config_default_path(char *buf, size_t size);

/* Reads the file at path (a missing file is an empty configuration). Returns
 * 0, or -1 with "FILE:LINE: problem" (or "FILE: problem") in err. */
int pd_config_load(struct pd_config *cfg, const char *path, char *err, size_t errsize);
void pd_config_free(struct pd_config *cfg);

/* The profile to use: by name, or the one marked default = true, or NULL.
 * *err gets a message for an unknown name. */
const struct pd_profile *pd_config_pick(const struct pd_config *cfg, const char *name, char *err,
                                         size_t errsize);

/* Applies the [keys] overrides to the key table. -1 with "FILE:LINE: ..." in err. */
int pd_config_apply_keys(const struct pd_config *cfg, char *err, size_t errsize);

#endif
