/* privdeskd: the reference privacy backend. Command-line front end. */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "config.h"
#include "server/domain/dates.h"
#include "server/ids.h"
#include "server/seed.h"
#include "server/server.h"
#include "server/store.h"

static const char usage_text[] =
    "Usage: privdeskd COMMAND [OPTIONS]\n"
    "The reference privacy backend for the privdesk console.\n"
    "\n"
    "Commands:\n"
    "  serve --db DB [--listen ADDR:PORT] [--log FILE] [--port-file FILE]\n"
    "        [--rate-limit N] [--threads N] [--tls-cert FILE --tls-key FILE] [--check]\n"
    "                        serve the REST API (default 127.0.0.1:8080;\n"
    "                        port 0 picks a free port and --port-file records it;\n"
    "                        with --tls-cert and --tls-key it serves HTTPS; --check\n"
    "                        validates the options and files and exits)\n"
    "  migrate --db DB       apply the database schema migrations (serve applies\n"
    "                        them on start too)\n"
    "  user add NAME --role viewer|agent|supervisor --db DB [--quiet]\n"
    "                        create a staff user and print its token once\n"
    "  user revoke NAME --db DB\n"
    "                        revoke a user's token\n"
    "  user list --db DB     list staff users\n"
    "  seed --db DB [--accounts N] [--requests M] [--seed S] [--now TIME]\n"
    "                        fill an empty database with realistic demo data;\n"
    "                        the same seed and --now give the same data\n"
    "                        (--now defaults to the start of today, UTC)\n"
    "\n"
    "DB is a SQLite database file (created when missing), or a PostgreSQL\n"
    "connection URI, postgresql://USER@HOST[:PORT]/DATABASE[?PARAMS], on which\n"
    "several privdeskd instances can serve together.\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "  -V, --version  show the version and exit\n";

static int usage(FILE *out, int status) {
  fputs(usage_text, out);
  return status;
}

static struct store *open_store(const char *path, unsigned flags) {
  if (!path) {
    fprintf(stderr, "privdeskd: --db FILE or --db postgresql://... is required\n");
    return NULL;
  }
  char err[512];
  struct store *s = store_open(path, flags, err, sizeof err);
  if (!s) fprintf(stderr, "privdeskd: %s\n", err);
  return s;
}

static bool parse_int(const char *s, long lo, long hi, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static int64_t now_seconds(void) { return (int64_t)time(NULL); }

/* ---- serve ---- */

static int cmd_serve(int argc, char **argv) {
  static const struct option opts[] = {
    {"listen", required_argument, 0, 'l'}, {"db", required_argument, 0, 'd'},
    {"log", required_argument, 0, 'L'},    {"port-file", required_argument, 0, 'p'},
    {"rate-limit", required_argument, 0, 'r'}, {"threads", required_argument, 0, 't'},
    {"tls-cert", required_argument, 0, 'c'}, {"tls-key", required_argument, 0, 'k'},
    {"check", no_argument, 0, 'C'},
    {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
  struct server_config cfg = {.listen = "127.0.0.1:8080", .rate_limit = 50};
  const char *db = NULL;
  long v;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'l': cfg.listen = optarg; break;
    case 'd': db = optarg; break;
    case 'L': cfg.log_path = optarg; break;
    case 'p': cfg.port_file = optarg; break;
    case 'r':
      if (!parse_int(optarg, 0, 1000000, &v)) {
        fprintf(stderr, "privdeskd: --rate-limit wants requests per second (0 disables)\n");
        return 2;
      }
      cfg.rate_limit = (double)v;
      break;
    case 't':
      if (!parse_int(optarg, 1, 1024, &v)) {
        fprintf(stderr, "privdeskd: --threads wants 1 to 1024\n");
        return 2;
      }
      cfg.threads = (int)v;
      break;
    case 'c': cfg.tls_cert = optarg; break;
    case 'k': cfg.tls_key = optarg; break;
    case 'C': cfg.check_only = true; break;
    case 'h': return usage(stdout, 0);
    default: return usage(stderr, 2);
    }
  }
  if (optind != argc) return usage(stderr, 2);
  /* --check opens the database without migrating it: a check changes nothing */
  struct store *s = open_store(db, cfg.check_only ? STORE_NO_MIGRATE : 0);
  if (!s) return 1;
  int rc = server_run(s, &cfg);
  store_close(s);
  return rc;
}

/* ---- user ---- */

static bool valid_user_name(const char *n) {
  size_t len = strlen(n);
  if (len < 1 || len > 64 || !isalnum((unsigned char)n[0])) return false;
  for (; *n; n++)
    if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) && !strchr("._-", *n)) return false;
  return true;
}

static int audit_cli(struct store_conn *c, const char *action, const char *target, json_t *details) {
  char *text = json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(details);
  struct st_audit_entry e = {.at = now_seconds(), .actor = "admin", .action = action, .target = target,
                             .details = text};
  int rc = store_audit_append(c, &e);
  free(text);
  return rc;
}

static int user_add(struct store *s, const char *name, const char *role_name, bool quiet) {
  int role = role_name ? pd_role_parse(role_name) : -1;
  if (role < 0) {
    fprintf(stderr, "privdeskd: --role must be viewer, agent or supervisor\n");
    return 2;
  }
  if (!valid_user_name(name)) {
    fprintf(stderr, "privdeskd: user names are 1 to 64 of a-z 0-9 . _ - and start with a letter or digit\n");
    return 2;
  }
  char token[PD_TOKEN_LEN];
  unsigned char hash[32];
  token_new(token, hash);
  struct store_conn *c = store_conn_get(s);
  int rc = store_begin_write(c);
  if (rc == ST_OK) rc = store_user_add(c, name, (enum pd_role)role, hash, now_seconds());
  if (rc == ST_OK) rc = audit_cli(c, "user.add", name, json_pack("{ss ss}", "user", name, "role", role_name));
  if (rc == ST_OK) rc = store_commit(c);
  else store_rollback(c);
  sodium_memzero(hash, sizeof hash);
  if (rc != ST_OK) {
    sodium_memzero(token, sizeof token);
    fprintf(stderr, "privdeskd: %s\n", rc == ST_CONFLICT ? "a user with that name exists" : "could not add the user");
    return 1;
  }
  if (quiet)
    printf("%s\n", token);
  else
    printf("Created %s (%s). The token is shown only now; store it safely:\n%s\n", name, role_name, token);
  fflush(stdout);
  sodium_memzero(token, sizeof token);
  return 0;
}

static void print_user(const struct st_user *u, void *ctx) {
  (void)ctx;
  char created[PD_RFC3339_LEN], revoked[PD_RFC3339_LEN];
  printf("%-20s %-10s created %s%s%s\n", u->name, pd_role_name(u->role), pd_format_time(u->created_at, created),
         u->revoked_at ? ", revoked " : "", u->revoked_at ? pd_format_time(u->revoked_at, revoked) : "");
}

static int cmd_user(int argc, char **argv) {
  static const struct option opts[] = {{"role", required_argument, 0, 'r'}, {"db", required_argument, 0, 'd'},
                                       {"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *role = NULL, *db = NULL;
  bool quiet = false;
  int c;
  while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
    switch (c) {
    case 'r': role = optarg; break;
    case 'd': db = optarg; break;
    case 'q': quiet = true; break;
    case 'h': return usage(stdout, 0);
    default: return usage(stderr, 2);
    }
  }
  const char *sub = optind < argc ? argv[optind] : NULL;
  const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
  bool wants_name = sub && (strcmp(sub, "add") == 0 || strcmp(sub, "revoke") == 0);
  if (!sub || (wants_name && (!name || optind + 2 != argc)) || (!wants_name && optind + 1 != argc))
    return usage(stderr, 2);
  struct store *s = open_store(db, 0);
  if (!s) return 1;
  int rc = 2;
  if (strcmp(sub, "add") == 0) {
    rc = user_add(s, name, role, quiet);
  } else if (strcmp(sub, "revoke") == 0) {
    struct store_conn *conn = store_conn_get(s);
    rc = store_begin_write(conn);
    if (rc == ST_OK) rc = store_user_revoke(conn, name, now_seconds());
    if (rc == ST_OK) rc = audit_cli(conn, "user.revoke", name, json_pack("{ss}", "user", name));
    if (rc == ST_OK) rc = store_commit(conn);
    else store_rollback(conn);
    if (rc == ST_OK) printf("Revoked %s.\n", name);
    else fprintf(stderr, "privdeskd: %s\n", rc == ST_NOT_FOUND ? "no such active user" : "could not revoke");
    rc = rc == ST_OK ? 0 : 1;
  } else if (strcmp(sub, "list") == 0) {
    rc = store_users_each(store_conn_get(s), print_user, NULL) == ST_OK ? 0 : 1;
  } else {
    fprintf(stderr, "privdeskd: unknown user command \"%s\"\n", sub);
  }
  store_close(s);
  return rc;
}

/* ---- migrate ---- */

static int cmd_migrate(int argc, char **argv) {
  static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *db = NULL;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'd') db = optarg;
    else return usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
  }
  if (optind != argc) return usage(stderr, 2);
  struct store *s = open_store(db, STORE_NO_MIGRATE);
  if (!s) return 1;
  char msg[512];
  int rc = store_migrate(s, msg, sizeof msg);
  store_close(s);
  fprintf(rc == ST_OK ? stdout : stderr, "privdeskd: %s\n", msg);
  return rc == ST_OK ? 0 : 1;
}

/* ---- seed ---- */

static int cmd_seed(int argc, char **argv) {
  static const struct option opts[] = {
    {"accounts", required_argument, 0, 'a'}, {"requests", required_argument, 0, 'r'},
    {"seed", required_argument, 0, 's'},     {"now", required_argument, 0, 'n'},
    {"db", required_argument, 0, 'd'},       {"help", no_argument, 0, 'h'},
    {0, 0, 0, 0}};
  struct seed_opts o = {.accounts = 1000, .requests = 200, .seed = 1};
  const char *db = NULL, *now = NULL;
  long v;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'a':
    case 'r':
      if (!parse_int(optarg, 0, 100000000, &v)) {
        fprintf(stderr, "privdeskd: --%s wants a count\n", c == 'a' ? "accounts" : "requests");
        return 2;
      }
      *(c == 'a' ? &o.accounts : &o.requests) = (int)v;
      break;
    case 's':
      if (!parse_int(optarg, 0, LONG_MAX, &v)) {
        fprintf(stderr, "privdeskd: --seed wants a whole number\n");
        return 2;
      }
      o.seed = (uint64_t)v;
      break;
    case 'n': now = optarg; break;
    case 'd': db = optarg; break;
    case 'h': return usage(stdout, 0);
    default: return usage(stderr, 2);
    }
  }
  if (optind != argc) return usage(stderr, 2);
  if (now) {
    pd_date d;
    if (pd_parse_date(now, &d))
      o.now = pd_start_of_day(d);
    else if (!pd_parse_time(now, &o.now)) {
      fprintf(stderr, "privdeskd: --now wants an RFC 3339 time or a YYYY-MM-DD date\n");
      return 2;
    }
  } else {
    o.now = pd_start_of_day(pd_date_of(now_seconds()));
  }
  struct store *s = open_store(db, 0);
  if (!s) return 1;
  time_t t0 = time(NULL);
  int rc = seed_run(s, &o);
  store_close(s);
  if (rc == 0)
    fprintf(stderr, "privdeskd: seeded %d accounts and %d requests in %lds\n", o.accounts, o.requests,
            (long)(time(NULL) - t0));
  return rc;
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) {
    fprintf(stderr, "privdeskd: libsodium failed to initialise\n");
    return 1;
  }
  if (argc < 2) return usage(stderr, 2);
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) return usage(stdout, 0);
  if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
    printf("privdeskd (privdesk) %s\n", PACKAGE_VERSION);
    return 0;
  }
  /* getopt_long sees the command's own arguments */
  argv[1] = argv[0];
  if (strcmp(cmd, "serve") == 0) return cmd_serve(argc - 1, argv + 1);
  if (strcmp(cmd, "user") == 0) return cmd_user(argc - 1, argv + 1);
  if (strcmp(cmd, "seed") == 0) return cmd_seed(argc - 1, argv + 1);
  if (strcmp(cmd, "migrate") == 0) return cmd_migrate(argc - 1, argv + 1);
  fprintf(stderr, "privdeskd: unknown command \"%s\"\n", cmd);
  return usage(stderr, 2);
}
