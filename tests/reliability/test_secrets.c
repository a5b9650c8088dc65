/* Secrets on the server side: a bearer token is printed once, by `privdeskd
 * user add`, and is never found again -- not in the access log (JSON lines),
 * not on stderr, not in the database, its write-ahead log or its shared
 * memory file (only the token's SHA-256 is stored), not in any API answer --
 * neither whole nor as a 12-character piece of it. Traffic covers every
 * role, unknown, revoked and malformed tokens, errors of every kind and
 * idempotent replays. The server's files are searched while it serves,
 * after SIGKILL (the WAL left as it is) and after a normal stop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "tests/harness/server.h"
#include "tests/reliability/rclient.h"

static struct pd_test_server srv;
static struct rc client;
static char scratch[PATH_MAX]; /* CLI output: outside the server's directory, which is searched */

/* Every token this program has seen, and what is searched for. */
enum { MAX_SECRETS = 16 };
static char secrets[MAX_SECRETS][PD_TEST_TOKEN_MAX];
static int n_secrets;
static char unknown_token[] = "pdt_Zq3xv0Lr8TnWc2KpYs6HdB1fJm9GaE4uQi7oNkRlAy5";
static char revoked_token[PD_TEST_TOKEN_MAX], cli_token[PD_TEST_TOKEN_MAX];

/* Everything the API answered, headers and bodies. */
static char *answers;
static size_t answers_len, answers_cap;

static void add_secret(const char *t) {
  if (n_secrets < MAX_SECRETS && t && *t) snprintf(secrets[n_secrets++], PD_TEST_TOKEN_MAX, "%s", t);
}

/* The needles for one token: itself, its first, middle and last 12 characters. */
static int needles(const char *token, char out[4][PD_TEST_TOKEN_MAX]) {
  size_t n = strlen(token);
  snprintf(out[0], PD_TEST_TOKEN_MAX, "%s", token);
  if (n < 24) return 1;
  snprintf(out[1], 17, "%s", token);                /* "pdt_" + 12 */
  snprintf(out[2], 13, "%s", token + n / 2 - 6);    /* the middle */
  snprintf(out[3], 13, "%s", token + n - 12);       /* the end */
  return 4;
}

static bool contains(const char *hay, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; n && i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0) return true;
  return false;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n == cap - 1) {
      char *g = realloc(buf, cap *= 2);
      if (!g) break;
      buf = g;
    }
  }
  fclose(f);
  if (buf) buf[n] = '\0'; /* text files are used as strings */
  *len = n;
  return buf;
}

/* How many times needle occurs in the text. */
static int occurrences(const char *text, const char *needle) {
  int k = 0;
  for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle)) k++;
  return k;
}

/* Searches every file in the server's directory for every secret; returns
 * how many (file, needle) pairs matched, printing each. */
static int search_server_files(const char *when, int *files_searched) {
  DIR *d = opendir(srv.dir);
  assert_non_null(d);
  struct dirent *e;
  int hits = 0;
  *files_searched = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[PATH_MAX + 300];
    snprintf(path, sizeof path, "%s/%s", srv.dir, e->d_name);
    size_t len;
    char *buf = slurp(path, &len);
    if (!buf) continue;
    (*files_searched)++;
    for (int s = 0; s < n_secrets; s++) {
      char nd[4][PD_TEST_TOKEN_MAX];
      int k = needles(secrets[s], nd);
      for (int i = 0; i < k; i++)
        if (contains(buf, len, nd[i])) {
          print_error("%s: %s holds \"%s\" (a piece of token %d)\n", when, e->d_name, nd[i], s);
          hits++;
        }
    }
    free(buf);
  }
  closedir(d);
  return hits;
}

/* Runs privdeskd with args (and --db), stdout and stderr into out/err (malloc'd). */
static int run_cli(const char *const *args, bool with_db, char **out, char **err) {
  char out_path[PATH_MAX + 32], err_path[PATH_MAX + 32];
  snprintf(out_path, sizeof out_path, "%s/cli.out", scratch);
  snprintf(err_path, sizeof err_path, "%s/cli.err", scratch);
  const char *argv[32];
  int n = 0;
  const char *bin = getenv("PRIVDESKD");
  argv[n++] = bin && *bin ? bin : "./privdeskd";
  for (; *args && n < 28; args++) argv[n++] = *args;
  if (with_db) {
    argv[n++] = "--db";
    argv[n++] = srv.db;
  }
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600), e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(o, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  size_t len;
  *out = slurp(out_path, &len);
  *err = slurp(err_path, &len);
  unlink(out_path);
  unlink(err_path);
  if (!*out) *out = calloc(1, 1);
  if (!*err) *err = calloc(1, 1);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The number of secret occurrences (any needle) in text. */
static int secret_hits(const char *text, size_t len, const char *what) {
  int hits = 0;
  for (int s = 0; s < n_secrets; s++) {
    char nd[4][PD_TEST_TOKEN_MAX];
    int k = needles(secrets[s], nd);
    for (int i = 0; i < k; i++)
      if (contains(text, len, nd[i])) {
        print_error("%s holds \"%s\" (a piece of token %d)\n", what, nd[i], s);
        hits++;
      }
  }
  return hits;
}

/* ---- traffic ---- */

static void keep_answer(const struct rc_resp *r) {
  char head[300];
  int n = snprintf(head, sizeof head, "HTTP %ld ETag %s Location %s Retry-After %s\n", r->status, r->etag, r->location,
                   r->retry_after);
  size_t need = answers_len + (size_t)n + r->body_len + 2;
  if (need > answers_cap) {
    answers_cap = need * 2;
    answers = realloc(answers, answers_cap);
    assert_non_null(answers);
  }
  memcpy(answers + answers_len, head, (size_t)n);
  answers_len += (size_t)n;
  memcpy(answers + answers_len, r->body, r->body_len);
  answers_len += r->body_len;
  answers[answers_len++] = '\n';
}

static long call(const char *method, const char *token, const char *path, const char *if_match, const char *key,
                 const char *body) {
  struct rc_resp r;
  rc_send(&client, method, token, path, if_match, key, body, &r);
  keep_answer(&r);
  long status = r.status;
  rc_resp_free(&r);
  return status;
}

/* A raw Authorization header (other schemes, junk around a real token). */
static long call_auth(const char *auth) {
  struct rc_resp r;
  rc_do(&client, &(struct rc_req){.method = "GET", .path = "/v1/me", .auth = auth}, &r);
  keep_answer(&r);
  long status = r.status;
  rc_resp_free(&r);
  return status;
}

static void drive_traffic(void) {
  const char *tokens[] = {srv.viewer, srv.agent, srv.agent2, srv.supervisor};
  static const char *const reads[] = {"/v1/me", "/v1/stats", "/v1/accounts?limit=3", "/v1/requests?limit=3",
                                      "/v1/holds", "/v1/audit?limit=3", "/v1/audit/verify", "/metrics",
                                      "/healthz", "/v1/nope", "/v1/requests/req_aaaaaaaaaaaaaaaa"};
  for (size_t t = 0; t < 4; t++)
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) call("GET", tokens[t], reads[i], NULL, NULL, NULL);
  /* unknown, revoked, malformed */
  assert_int_equal(call("GET", unknown_token, "/v1/me", NULL, NULL, NULL), 401);
  assert_int_equal(call("GET", revoked_token, "/v1/me", NULL, NULL, NULL), 401);
  assert_int_equal(call("POST", revoked_token, "/v1/requests", NULL, "k-revoked", "{}"), 401);
  char junk[PD_TEST_TOKEN_MAX + 16];
  snprintf(junk, sizeof junk, "%sX", srv.agent); /* a real token with a character added */
  assert_int_equal(call("GET", junk, "/v1/me", NULL, NULL, NULL), 401);
  snprintf(junk, sizeof junk, "%.20s", srv.agent); /* a real token cut short */
  assert_int_equal(call("GET", junk, "/v1/me", NULL, NULL, NULL), 401);
  char longer[8 * PD_TEST_TOKEN_MAX];
  snprintf(longer, sizeof longer, "%s%s%s%s%s%s%s", srv.agent, srv.agent, srv.agent, srv.agent, srv.agent, srv.agent,
           srv.agent); /* over 256 characters: malformed */
  assert_int_equal(call("GET", longer, "/v1/me", NULL, NULL, NULL), 401);
  char auth[PD_TEST_TOKEN_MAX + 32];
  static const char *const schemes[][2] = {{"Basic ", ""}, {"Token ", ""}, {"", ""}, {"Bearer  ", " "}, {"bearer ", ""}};
  for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++) {
    snprintf(auth, sizeof auth, "%s%s%s", schemes[k][0], srv.agent, schemes[k][1]);
    long st = call_auth(auth);
    assert_true(st == 401 || (st == 200 && k >= 3)); /* "bearer" and extra blanks: still the token */
  }
  /* writes: created, replayed, refused */
  struct rc_resp r;
  rc_get(&client, srv.viewer, "/v1/accounts?limit=50", &r);
  keep_answer(&r);
  const char *acc = NULL;
  size_t i;
  json_t *a;
  json_array_foreach(json_object_get(r.json, "items"), i, a) {
    if (strcmp(rj_str(a, "status"), "active") == 0 && !rj_int(a, "active_holds") && !acc) acc = rj_str(a, "id");
  }
  assert_non_null(acc);
  char body[200], path[200];
  snprintf(body, sizeof body, "{\"account_id\": \"%s\", \"type\": \"access\"}", acc);
  assert_int_equal(call("POST", srv.agent, "/v1/requests", NULL, "secrets-k1", body), 201);
  assert_int_equal(call("POST", srv.agent, "/v1/requests", NULL, "secrets-k1", body), 201); /* replayed */
  assert_int_equal(call("POST", srv.agent, "/v1/requests", NULL, "secrets-k1", "{\"x\": 1}"), 422);
  assert_int_equal(call("POST", srv.viewer, "/v1/requests", NULL, NULL, body), 403);
  assert_int_equal(call("POST", srv.agent, "/v1/requests", NULL, NULL, "{not json"), 400);
  snprintf(path, sizeof path, "/v1/accounts/%s", acc);
  assert_int_equal(call("PATCH", srv.agent, path, NULL, NULL, "{\"analytics_enabled\": false, \"reason\": \"r\"}"), 428);
  assert_int_equal(call("PATCH", srv.agent, path, "\"999\"", NULL, "{\"analytics_enabled\": false, \"reason\": \"r\"}"),
                   412);
  assert_int_equal(call("DELETE", srv.agent, path, NULL, NULL, NULL), 405);
  snprintf(path, sizeof path, "/v1/accounts/%s/holds", acc);
  assert_int_equal(call("POST", srv.supervisor, path, NULL, "secrets-hold",
                        "{\"reason\": \"r\", \"case_ref\": \"C\", \"categories\": [\"*\"]}"),
                   201);
  rc_resp_free(&r);
}

/* ---- tests ---- */

static void test_user_add_prints_the_token_once(void **state) {
  (void)state;
  char *out, *err;
  const char *add[] = {"user", "add", "carol", "--role", "agent", NULL};
  assert_int_equal(run_cli(add, true, &out, &err), 0);
  /* the token is the last line: "Created carol (agent). The token is shown only now; ...:\n<token>\n" */
  char *nl = strrchr(out, '\n');
  assert_non_null(nl);
  *nl = '\0';
  char *last = strrchr(out, '\n');
  snprintf(cli_token, sizeof cli_token, "%s", last ? last + 1 : out);
  *nl = '\n';
  assert_true(strncmp(cli_token, "pdt_", 4) == 0 && strlen(cli_token) >= 40);
  assert_int_equal(occurrences(out, cli_token), 1);
  assert_int_equal(occurrences(err, cli_token), 0);
  assert_int_equal(occurrences(err, "pdt_"), 0);
  free(out);
  free(err);
  /* it is the real token */
  struct rc_resp r;
  rc_get(&client, cli_token, "/v1/me", &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(rj_str(r.json, "user"), "carol");
  rc_resp_free(&r);
  add_secret(cli_token);
  /* --quiet prints the token and nothing else */
  const char *quiet[] = {"user", "add", "dave", "--role", "viewer", "--quiet", NULL};
  assert_int_equal(run_cli(quiet, true, &out, &err), 0);
  assert_true(strncmp(out, "pdt_", 4) == 0);
  assert_int_equal(occurrences(out, "pdt_"), 1);
  assert_int_equal(strcspn(out, "\n"), strlen(out) - 1); /* one line */
  assert_string_equal(err, "");
  out[strlen(out) - 1] = '\0';
  add_secret(out);
  free(out);
  free(err);
}

static void test_other_commands_never_print_a_token(void **state) {
  (void)state;
  static const char *const list[] = {"user", "list", NULL}, *const revoke[] = {"user", "revoke", "dave", NULL},
                           *const dup[] = {"user", "add", "carol", "--role", "agent", NULL},
                           *const bad_role[] = {"user", "add", "erin", "--role", "root", NULL},
                           *const help[] = {"--help", NULL}, *const version[] = {"--version", NULL};
  struct {
    const char *const *args;
    bool db;
    int status;
  } runs[] = {{list, true, 0}, {revoke, true, 0}, {dup, true, 1}, {bad_role, true, 2}, {help, false, 0},
              {version, false, 0}};
  for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
    char *out, *err;
    assert_int_equal(run_cli(runs[i].args, runs[i].db, &out, &err), runs[i].status);
    assert_int_equal(occurrences(out, "pdt_") + occurrences(err, "pdt_"), 0);
    assert_int_equal(secret_hits(out, strlen(out), "stdout") + secret_hits(err, strlen(err), "stderr"), 0);
    free(out);
    free(err);
  }
  /* the seed command, on a database of its own */
  char db[PATH_MAX + 32];
  snprintf(db, sizeof db, "%s/seeded.db", scratch);
  const char *seed[] = {"seed", "--accounts", "20", "--requests", "5", "--db", db, NULL};
  char *out, *err;
  assert_int_equal(run_cli(seed, false, &out, &err), 0);
  assert_int_equal(occurrences(out, "pdt_") + occurrences(err, "pdt_"), 0);
  free(out);
  free(err);
  char wal[PATH_MAX + 40], shm[PATH_MAX + 40];
  snprintf(wal, sizeof wal, "%s-wal", db);
  snprintf(shm, sizeof shm, "%s-shm", db);
  unlink(db);
  unlink(wal);
  unlink(shm);
}

static void test_database_stores_only_sha256(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  struct {
    const char *name, *token;
  } users[] = {{"vera", srv.viewer}, {"alice", srv.agent}, {"bob", srv.agent2}, {"sam", srv.supervisor},
               {"carol", cli_token}, {"rex", revoked_token}};
  for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT token_hash FROM users WHERE name = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, users[i].name, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    unsigned char want[32];
    crypto_hash_sha256(want, (const unsigned char *)users[i].token, strlen(users[i].token));
    assert_int_equal(sqlite3_column_bytes(st, 0), 32);
    assert_memory_equal(sqlite3_column_blob(st, 0), want, 32);
    sqlite3_finalize(st);
  }
  /* no other column of any table holds a token-like text */
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM users WHERE typeof(token_hash) != 'blob'", -1, &st,
                                      NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void test_no_token_in_api_answers(void **state) {
  (void)state;
  drive_traffic();
  assert_true(answers_len > 1000);
  assert_int_equal(secret_hits(answers, answers_len, "an API answer"), 0);
}

static void test_no_token_in_files_while_serving(void **state) {
  (void)state;
  int files;
  assert_int_equal(search_server_files("while serving", &files), 0);
  assert_true(files >= 5); /* access.log, stderr.log, test.db, test.db-wal, test.db-shm (and port) */
}

static void test_access_log_is_json_lines_with_names_only(void **state) {
  (void)state;
  size_t len;
  char *log = slurp(srv.log, &len);
  assert_non_null(log);
  int lines = 0, named = 0;
  for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
    json_error_t e;
    json_t *j = json_loads(line, 0, &e);
    if (!j) fail_msg("access log line %d is not JSON: %s", lines + 1, line);
    assert_non_null(json_object_get(j, "status"));
    assert_null(json_object_get(j, "authorization"));
    assert_null(json_object_get(j, "token"));
    const char *user = rj_str(j, "user");
    named += user && *user;
    const char *p = rj_str(j, "path");
    assert_true(p && !strchr(p, '?')); /* the path only, never the query */
    json_decref(j);
    lines++;
  }
  free(log);
  assert_true(lines >= 50);
  assert_true(named >= 40);
}

static void test_no_token_in_files_after_sigkill_and_stop(void **state) {
  (void)state;
  pd_test_server_kill(&srv, true); /* the WAL stays as it was */
  int files;
  assert_int_equal(search_server_files("after SIGKILL", &files), 0);
  assert_true(files >= 5);
  assert_int_equal(pd_test_server_restart_new_port(&srv), 0);
  rc_cleanup(&client);
  rc_init(&client, srv.url);
  struct rc_resp r;
  rc_get(&client, srv.agent, "/v1/me", &r);
  assert_int_equal(r.status, 200);
  rc_resp_free(&r);
  pd_test_server_kill(&srv, false); /* a normal stop: stderr gets its last lines */
  assert_int_equal(search_server_files("after a normal stop", &files), 0);
}

static int setup(void **state) {
  (void)state;
  if (sodium_init() < 0) return -1;
  rc_global_init();
  struct pd_test_server_opts o = {.seed_accounts = 80, .seed_requests = 20, .seed = 17};
  if (pd_test_server_start(&srv, &o) != 0) return -1;
  const char *tmp = getenv("TMPDIR");
  snprintf(scratch, sizeof scratch, "%s/pd-secrets.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(scratch)) return -1;
  rc_init(&client, srv.url);
  const char *add[] = {"user", "add", "rex", "--role", "supervisor", "--quiet", NULL};
  if (pd_test_privdeskd_run(&srv, revoked_token, sizeof revoked_token, add) != 0) return -1;
  char out[256];
  const char *revoke[] = {"user", "revoke", "rex", NULL};
  if (pd_test_privdeskd_run(&srv, out, sizeof out, revoke) != 0) return -1;
  add_secret(srv.viewer);
  add_secret(srv.agent);
  add_secret(srv.agent2);
  add_secret(srv.supervisor);
  add_secret(revoked_token);
  add_secret(unknown_token);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  rc_cleanup(&client);
  free(answers);
  pd_test_server_kill(&srv, false);
  int reports = pd_test_server_sanitizer_reports(&srv);
  if (reports) srv.keep_dir = true;
  pd_test_server_stop(&srv);
  rmdir(scratch);
  return reports ? -1 : 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      {"user add prints the token once on stdout (--quiet: only the token), nothing on stderr",
       test_user_add_prints_the_token_once, NULL, NULL, NULL},
      {"user list, user revoke, failed user add, seed, --help and --version print no token",
       test_other_commands_never_print_a_token, NULL, NULL, NULL},
      {"the database keeps only each token's SHA-256", test_database_stores_only_sha256, NULL, NULL, NULL},
      {"no API answer (bodies, ETag, Location) holds a token or a piece of one", test_no_token_in_api_answers, NULL,
       NULL, NULL},
      {"no token or piece of one in the access log, stderr, database, WAL or SHM while serving",
       test_no_token_in_files_while_serving, NULL, NULL, NULL},
      {"the access log is JSON lines: user names, paths without query, no Authorization",
       test_access_log_is_json_lines_with_names_only, NULL, NULL, NULL},
      {"no token in the server's files after SIGKILL (WAL left behind) and after a normal stop",
       test_no_token_in_files_after_sigkill_and_stop, NULL, NULL, NULL},
  };
  return cmocka_run_group_tests_name("secrets on the server side", tests, setup, teardown);
}
