/* privdesk: the console, and its scripting commands. Options, configuration
 * profile, token, client; then either the interactive frame or one command. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "config.h"
#include "screens/cli.h"
#include "screens/profiles.h"
#include "screens/console.h"

static const char usage_text[] =
    "Usage: privdesk [OPTIONS]                      the interactive console\n"
    "  or:  privdesk [OPTIONS] get queue [--preset P] [--limit N] [--json]\n"
    "  or:  privdesk [OPTIONS] get request ID [--json]\n"
    "  or:  privdesk [OPTIONS] get account E-MAIL|ID [--json]\n"
    "  or:  privdesk [OPTIONS] get stats [--json]\n"
    "  or:  privdesk [OPTIONS] export REQUEST-ID -o FILE\n"
    "A terminal console for data-subject rights requests (GDPR, CCPA).\n"
    "\n"
    "The token comes from the PRIVDESK_TOKEN environment variable, --token-file,\n"
    "or the profile's token_file (a file not readable by group or others);\n"
    "never from the command line.\n"
    "\n"
    "Options:\n"
    "  -p, --profile NAME      use profile NAME of the configuration file\n"
    "                          (default: $PRIVDESK_PROFILE, else the profile marked default)\n"
    "      --list-profiles     list the configured profiles and exit\n"
    "      --config FILE       the configuration file (default: $XDG_CONFIG_HOME/privdesk/config)\n"
    "  -s, --server URL        the privacy backend, e.g. https://privacy.example:8443\n"
    "  -t, --token-file FILE   read the API token from FILE\n"
    "      --ca-file FILE      trust the CA certificates in FILE (PEM)\n"
    "      --insecure          do not verify TLS certificates (shown in red)\n"
    "      --read-only         hide and refuse every write\n"
    "      --production        mark the session as production (red badge)\n"
    "      --refresh SECONDS   reload the current screen every SECONDS (default 30, 0: never)\n"
    "      --theme THEME       auto, 256, 8 or mono (NO_COLOR also selects mono)\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status of the commands: 0 done, 1 failed, 2 usage, 3 not found,\n"
    "4 not allowed (token or role), 5 server unreachable (offline, timeout, TLS).\n"
    "Keys: press ? on any screen. Commands: press : then Tab. See privdesk(1).\n"
    "Report bugs to: " PACKAGE_BUGREPORT "\n";

struct options {
  const char *server, *token_file, *ca_file, *profile, *config, *theme;
  bool insecure, read_only, production, list_profiles;
  int refresh; /* -1: not given */
};

static int parse_options(int argc, char **argv, struct options *o) {
  static const struct option longopts[] = {
    {"server", required_argument, 0, 's'},      {"token-file", required_argument, 0, 't'},
    {"ca-file", required_argument, 0, 'C'},     {"insecure", no_argument, 0, 'k'},
    {"read-only", no_argument, 0, 'r'},         {"production", no_argument, 0, 'P'},
    {"profile", required_argument, 0, 'p'},     {"list-profiles", no_argument, 0, 'L'},
    {"config", required_argument, 0, 'c'},      {"refresh", required_argument, 0, 'R'},
    {"theme", required_argument, 0, 'm'},       {"token", required_argument, 0, 'T'},
    {"help", no_argument, 0, 'h'},              {"version", no_argument, 0, 'V'},
    {0, 0, 0, 0}};
  int c;
  o->refresh = -1;
  /* "+": stop at the first command word; its options are its own */
  while ((c = getopt_long(argc, argv, "+s:t:p:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 's': o->server = optarg; break;
    case 't': o->token_file = optarg; break;
    case 'C': o->ca_file = optarg; break;
    case 'k': o->insecure = true; break;
    case 'r': o->read_only = true; break;
    case 'P': o->production = true; break;
    case 'p': o->profile = optarg; break;
    case 'L': o->list_profiles = true; break;
    case 'c': o->config = optarg; break;
    case 'm':
      if (strcmp(optarg, "auto") && strcmp(optarg, "256") && strcmp(optarg, "8") && strcmp(optarg, "mono")) {
        fprintf(stderr, "privdesk: --theme wants auto, 256, 8 or mono\n");
        return 2;
      }
      o->theme = optarg;
      break;
    case 'R': {
      char *end;
      long v = strtol(optarg, &end, 10);
      if (!*optarg || *end || v < 0 || v > 86400) {
        fprintf(stderr, "privdesk: --refresh wants seconds (0 to 86400)\n");
        return 2;
      }
      o->refresh = (int)v;
      break;
    }
    case 'T':
      /* never: argv is visible to every user of the machine (ps) */
      memset(optarg, 0, strlen(optarg));
      fprintf(stderr, "privdesk: tokens are never taken from the command line; use PRIVDESK_TOKEN or "
                      "--token-file\n");
      return 2;
    case 'h': fputs(usage_text, stdout); return -1;
    case 'V':
      printf("privdesk (privdesk) %s\n", PACKAGE_VERSION);
      return -1;
    default: fprintf(stderr, "Try 'privdesk --help' for more information.\n"); return 2;
    }
  }
  return 0;
}

static void list_profiles(const struct pd_config *cfg) {
  if (!cfg->found) {
    printf("no configuration file at %s\n", cfg->path);
    return;
  }
  for (size_t i = 0; i < cfg->n_profiles; i++) {
    const struct pd_profile *p = &cfg->profiles[i];
    printf("%-20s %s%s%s\n", p->name, p->server, p->production ? "  [production]" : "",
           p->is_default ? "  (default)" : "");
  }
}

/* Command line over profile over [defaults]. */
static void merge_profile(struct options *o, const struct pd_profile *p) {
  if (!p) return;
  if (!o->server && p->server[0]) o->server = p->server;
  if (!o->token_file && p->token_file[0] && !getenv(PD_TOKEN_ENV)) o->token_file = p->token_file;
  if (!o->ca_file && p->ca_file[0]) o->ca_file = p->ca_file;
  if (!o->theme && p->theme[0]) o->theme = p->theme;
  if (o->refresh < 0 && p->refresh >= 0) o->refresh = p->refresh;
  o->production |= p->production;
  o->read_only |= p->read_only;
}

static enum pd_theme_mode theme_mode(const char *t) {
  if (!t || !strcmp(t, "auto")) return PD_THEME_AUTO;
  if (!strcmp(t, "256")) return PD_THEME_256;
  if (!strcmp(t, "8")) return PD_THEME_8;
  return PD_THEME_MONO;
}

/* "https://host:8443/..." -> "host:8443" */
static void host_of(const char *url, char *out, size_t size) {
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  size_t n = strcspn(p, "/");
  snprintf(out, size, "%.*s", (int)n, p);
}

static bool idle(void *ctx) {
  struct console *con = ctx;
  return pd_client_in_flight(con->client) == 0;
}

static const struct pd_loop_source client_source = {pd_client_pollfds, pd_client_timeout_ms, pd_client_dispatch};

/* The token and whatever the process holds must not end up in a core file. */
static void no_core_dumps(void) {
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static int run_console(pd_client *client, const struct options *o, const char *profile) {
  struct console con = {.client = client, .read_only_flag = o->read_only, .production = o->production,
                        .conn = PD_CONN_CONNECTING, .refresh_interval_s = o->refresh < 0 ? 30 : o->refresh};
  snprintf(con.profile, sizeof con.profile, "%s", profile ? profile : "");
  host_of(o->server, con.host, sizeof con.host);
  char errbuf[256];
  struct pd_app_opts aopts = {.name = "privdesk", .commands = console_commands, .ncommands = console_command_count,
                              .command = console_command, .is_idle = idle, .ctx = &con};
  if (pd_term_opts_from_env(&aopts.term, errbuf, sizeof errbuf) != 0) {
    fprintf(stderr, "privdesk: %s\n", errbuf);
    return 1;
  }
  aopts.term.theme = theme_mode(o->theme);
  con.app = pd_app_new(&aopts, errbuf, sizeof errbuf);
  if (!con.app) {
    fprintf(stderr, "privdesk: %s\n", errbuf);
    return 1;
  }
  pd_keymap_hide_writes(o->read_only);
  int source = pd_loop_add_source(pd_app_loop(con.app), &client_source, client);
  console_start(&con);
  pd_app_push(con.app, dashboard_screen_new(&con));
  int rc = pd_app_run(con.app);
  char script_error[512] = "";
  if (rc && pd_app_script_error(con.app))
    snprintf(script_error, sizeof script_error, "%s", pd_app_script_error(con.app));
  console_stop(&con);
  pd_loop_del_source(pd_app_loop(con.app), source);
  pd_app_free(con.app); /* screens first: they cancel their calls */
  if (script_error[0]) fprintf(stderr, "privdesk: %s\n", script_error);
  return rc;
}

int main(int argc, char **argv) {
  no_core_dumps();
  setlocale(LC_ALL, "");
  struct options o = {0};
  int rc = parse_options(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;

  char path[4096], err[512];
  if (o.config)
    snprintf(path, sizeof path, "%s", o.config);
  else
    pd_config_default_path(path, sizeof path);
  struct pd_config cfg;
  if (pd_config_load(&cfg, path, err, sizeof err) != 0) {
    fprintf(stderr, "privdesk: %s\n", err);
    return 2;
  }
  if (o.list_profiles) {
    list_profiles(&cfg);
    pd_config_free(&cfg);
    return 0;
  }
  const char *wanted = o.profile ? o.profile : getenv("PRIVDESK_PROFILE");
  err[0] = '\0';
  const struct pd_profile *profile = pd_config_pick(&cfg, wanted, err, sizeof err);
  if (!profile && err[0]) {
    fprintf(stderr, "privdesk: %s\n", err);
    pd_config_free(&cfg);
    return 2;
  }
  merge_profile(&o, profile);
  if (pd_config_apply_keys(&cfg, err, sizeof err) != 0) {
    fprintf(stderr, "privdesk: %s\n", err);
    pd_config_free(&cfg);
    return 2;
  }
  if (!o.server) {
    fprintf(stderr, "privdesk: no server: give --server URL or a profile (privdesk --list-profiles)\n");
    pd_config_free(&cfg);
    return 2;
  }

  struct pd_error perr;
  pd_token *token = o.token_file ? pd_token_from_file(o.token_file, &perr) : pd_token_from_env(&perr);
  if (!token) {
    fprintf(stderr, "privdesk: %s\n",
            perr.message[0] ? perr.message : "no token: set PRIVDESK_TOKEN or use --token-file");
    pd_config_free(&cfg);
    return 4;
  }
  struct pd_client_options copts = {.base_url = o.server, .ca_file = o.ca_file, .insecure = o.insecure};
  pd_client *client = pd_client_new(&copts, token, &perr);
  if (!client) {
    fprintf(stderr, "privdesk: %s\n", perr.message);
    pd_config_free(&cfg);
    return 1;
  }
  if (optind < argc)
    rc = cli_run(client, argc - optind, argv + optind);
  else
    rc = run_console(client, &o, profile ? profile->name : NULL);
  pd_client_free(client);
  pd_keymap_reset();
  pd_config_free(&cfg);
  return rc;
}
