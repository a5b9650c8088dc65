/* privdesk: the console. Command line, token, client, frame, first screen. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "config.h"
#include "screens/console.h"

static const char usage_text[] =
    "Usage: privdesk --server URL [--token-file FILE] [OPTIONS]\n"
    "A terminal console for data-subject rights requests (GDPR, CCPA).\n"
    "\n"
    "The token comes from the PRIVDESK_TOKEN environment variable or from\n"
    "--token-file (which must not be readable by group or others), never from\n"
    "the command line.\n"
    "\n"
    "Options:\n"
    "  -s, --server URL        the privacy backend, e.g. https://privacy.example:8443\n"
    "  -t, --token-file FILE   read the API token from FILE\n"
    "      --ca-file FILE      trust the CA certificates in FILE (PEM)\n"
    "      --insecure          do not verify TLS certificates (shown in red)\n"
    "      --read-only         hide and refuse every write\n"
    "      --production        mark the session as production (red badge)\n"
    "      --profile-name NAME the profile label shown in the header\n"
    "      --refresh SECONDS   reload the current screen every SECONDS (default 30, 0: never)\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Keys: press ? on any screen. Commands: press : then Tab.\n";

struct options {
  const char *server, *token_file, *ca_file, *profile;
  bool insecure, read_only, production;
  int refresh;
};

static int parse_options(int argc, char **argv, struct options *o) {
  static const struct option longopts[] = {
    {"server", required_argument, 0, 's'},   {"token-file", required_argument, 0, 't'},
    {"ca-file", required_argument, 0, 'C'},  {"insecure", no_argument, 0, 'k'},
    {"read-only", no_argument, 0, 'r'},      {"production", no_argument, 0, 'P'},
    {"profile-name", required_argument, 0, 'n'}, {"refresh", required_argument, 0, 'R'},
    {"token", required_argument, 0, 'T'},    {"help", no_argument, 0, 'h'},
    {"version", no_argument, 0, 'V'},        {0, 0, 0, 0}};
  int c;
  o->refresh = 30;
  while ((c = getopt_long(argc, argv, "s:t:hV", longopts, NULL)) != -1) {
    switch (c) {
    case 's': o->server = optarg; break;
    case 't': o->token_file = optarg; break;
    case 'C': o->ca_file = optarg; break;
    case 'k': o->insecure = true; break;
    case 'r': o->read_only = true; break;
    case 'P': o->production = true; break;
    case 'n': o->profile = optarg; break;
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
    case 'V': printf("privdesk %s\n", PACKAGE_VERSION); return -1;
    default: fputs(usage_text, stderr); return 2;
    }
  }
  if (optind != argc) {
    fprintf(stderr, "privdesk: unexpected argument \"%s\"\n", argv[optind]);
    return 2;
  }
  if (!o->server) {
    fprintf(stderr, "privdesk: --server URL is required\n");
    return 2;
  }
  return 0;
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

int main(int argc, char **argv) {
  no_core_dumps();
  setlocale(LC_ALL, "");
  struct options o = {0};
  int rc = parse_options(argc, argv, &o);
  if (rc) return rc < 0 ? 0 : rc;

  struct pd_error err;
  pd_token *token = o.token_file ? pd_token_from_file(o.token_file, &err) : pd_token_from_env(&err);
  if (!token) {
    fprintf(stderr, "privdesk: %s\n", err.message[0] ? err.message : "no token: set PRIVDESK_TOKEN or use --token-file");
    return 1;
  }
  struct pd_client_options copts = {.base_url = o.server, .ca_file = o.ca_file, .insecure = o.insecure};
  pd_client *client = pd_client_new(&copts, token, &err);
  if (!client) {
    fprintf(stderr, "privdesk: %s\n", err.message);
    return 1;
  }

  struct console con = {.client = client, .read_only_flag = o.read_only, .production = o.production,
                        .conn = PD_CONN_CONNECTING, .refresh_interval_s = o.refresh};
  snprintf(con.profile, sizeof con.profile, "%s", o.profile ? o.profile : "");
  host_of(o.server, con.host, sizeof con.host);

  char errbuf[256];
  struct pd_app_opts aopts = {.name = "privdesk", .commands = console_commands, .ncommands = console_command_count,
                              .command = console_command, .is_idle = idle, .ctx = &con};
  if (pd_term_opts_from_env(&aopts.term, errbuf, sizeof errbuf) != 0) {
    fprintf(stderr, "privdesk: %s\n", errbuf);
    pd_client_free(client);
    return 1;
  }
  con.app = pd_app_new(&aopts, errbuf, sizeof errbuf);
  if (!con.app) {
    fprintf(stderr, "privdesk: %s\n", errbuf);
    pd_client_free(client);
    return 1;
  }
  pd_keymap_hide_writes(o.read_only);
  int source = pd_loop_add_source(pd_app_loop(con.app), &client_source, client);
  console_start(&con);
  pd_app_push(con.app, dashboard_screen_new(&con));
  rc = pd_app_run(con.app);
  char script_error[512] = "";
  if (rc && pd_app_script_error(con.app)) snprintf(script_error, sizeof script_error, "%s", pd_app_script_error(con.app));
  console_stop(&con);
  pd_loop_del_source(pd_app_loop(con.app), source);
  pd_app_free(con.app); /* screens first: they cancel their calls */
  pd_client_free(client);
  if (script_error[0]) fprintf(stderr, "privdesk: %s\n", script_error);
  return rc;
}
