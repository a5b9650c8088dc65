#include "tests/harness/server.h"
#include "tests/harness/pg.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *privdeskd_path(void) {
  const char *p = getenv("PRIVDESKD");
  return p && *p ? p : "./privdeskd";
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Runs argv with the database appended, stdout captured into out (may be NULL). */
static int run_capture(const char *db, const char *const *args, char *out, size_t outsz) {
  const char *argv[64];
  int n = 0;
  argv[n++] = privdeskd_path();
  for (; args[n - 1] && n < 60; n++) argv[n] = args[n - 1];
  argv[n++] = "--db";
  argv[n++] = db;
  argv[n] = NULL;
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(pipefd[1], STDOUT_FILENO);
    close(pipefd[0]);
    close(pipefd[1]);
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  close(pipefd[1]);
  size_t len = 0;
  char sink[256];
  for (;;) {
    char *dst = out && len + 1 < outsz ? out + len : sink;
    size_t cap = out && len + 1 < outsz ? outsz - len - 1 : sizeof sink;
    ssize_t r = read(pipefd[0], dst, cap);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (dst != sink) len += (size_t)r;
  }
  close(pipefd[0]);
  if (out && outsz) {
    out[len] = '\0';
    while (len && (out[len - 1] == '\n' || out[len - 1] == ' ')) out[--len] = '\0';
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int pd_test_privdeskd_run(const struct pd_test_server *s, char *out, size_t outsz, const char *const *args) {
  return run_capture(s->db, args, out, outsz);
}

static int add_user(struct pd_test_server *s, const char *name, const char *role, char *token) {
  const char *args[] = {"user", "add", name, "--role", role, "--quiet", NULL};
  if (run_capture(s->db, args, token, PD_TEST_TOKEN_MAX) != 0 || !*token) {
    fprintf(stderr, "harness: privdeskd user add %s failed\n", name);
    return -1;
  }
  return 0;
}

static int spawn_server(struct pd_test_server *s, int rate_limit, int port) {
  char listen[64], rate[16], portfile[PATH_MAX + 16];
  snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
  snprintf(rate, sizeof rate, "%d", rate_limit);
  snprintf(portfile, sizeof portfile, "%s/port", s->dir);
  unlink(portfile);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char errlog[PATH_MAX + 16];
    snprintf(errlog, sizeof errlog, "%s/stderr.log", s->dir);
    int fd = open(errlog, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      dup2(fd, STDOUT_FILENO);
      close(fd);
    }
    char threads[16];
    snprintf(threads, sizeof threads, "%d", s->threads);
    const char *argv[] = {privdeskd_path(), "serve", "--listen", listen, "--db", s->db, "--log", s->log,
                          "--port-file", portfile, "--rate-limit", rate, s->threads > 0 ? "--threads" : NULL,
                          threads, NULL};
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  s->pid = pid;
  for (int i = 0; i < 400; i++) { /* up to 20 s: sanitizer builds start slowly */
    FILE *f = fopen(portfile, "r");
    if (f) {
      int p = 0;
      int ok = fscanf(f, "%d", &p) == 1 && p > 0;
      fclose(f);
      if (ok) {
        s->port = p;
        snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d", p);
        return 0;
      }
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      fprintf(stderr, "harness: privdeskd exited during start-up (see %s/stderr.log)\n", s->dir);
      s->pid = 0;
      return -1;
    }
    sleep_ms(50);
  }
  fprintf(stderr, "harness: privdeskd did not write its port file\n");
  return -1;
}

int pd_test_server_start(struct pd_test_server *s, const struct pd_test_server_opts *opts) {
  struct pd_test_server_opts none = {0};
  if (!opts) opts = &none;
  memset(s, 0, sizeof *s);
  s->keep_dir = opts->keep_dir;
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/privdesk-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(s->dir)) {
    perror("harness: mkdtemp");
    return -1;
  }
  snprintf(s->log, sizeof s->log, "%s/access.log", s->dir);
  if (pd_test_pg_wanted()) {
    if (pd_test_pg_new_db(s->db, sizeof s->db) != 0) return -1;
    s->pg = true;
  } else {
    snprintf(s->db, sizeof s->db, "%s/test.db", s->dir);
  }
  if (opts->seed_accounts > 0) {
    char accounts[16], requests[16], seed[16];
    snprintf(accounts, sizeof accounts, "%d", opts->seed_accounts);
    snprintf(requests, sizeof requests, "%d", opts->seed_requests);
    snprintf(seed, sizeof seed, "%u", opts->seed ? opts->seed : 1);
    const char *args[] = {"seed", "--accounts", accounts, "--requests", requests, "--seed", seed,
                          opts->now ? "--now" : NULL, opts->now, NULL};
    if (run_capture(s->db, args, NULL, 0) != 0) {
      fprintf(stderr, "harness: privdeskd seed failed\n");
      return -1;
    }
  }
  if (add_user(s, "vera", "viewer", s->viewer) || add_user(s, "alice", "agent", s->agent) ||
      add_user(s, "bob", "agent", s->agent2) || add_user(s, "sam", "supervisor", s->supervisor))
    return -1;
  s->rate_limit = opts->rate_limit;
  s->threads = opts->threads;
  return spawn_server(s, opts->rate_limit, 0);
}

int pd_test_server_start_instance(struct pd_test_server *s, const struct pd_test_server *first,
                                  const struct pd_test_server_opts *opts) {
  *s = *first;
  s->pid = 0;
  s->port = 0;
  s->url[0] = '\0';
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/privdesk-test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(s->dir)) {
    perror("harness: mkdtemp");
    return -1;
  }
  snprintf(s->log, sizeof s->log, "%s/access.log", s->dir);
  if (opts) {
    s->rate_limit = opts->rate_limit;
    s->threads = opts->threads;
  }
  return spawn_server(s, s->rate_limit, 0);
}

int pd_test_server_sql(const struct pd_test_server *s, const char *sql, char *out, size_t outsz) {
  if (!s->pg) return -1;
  return pd_test_pg_sql(s->db, sql, out, outsz);
}

const char *pd_test_store_name(void) { return pd_test_pg_wanted() ? "postgresql" : "sqlite"; }

int pd_test_server_restart(struct pd_test_server *s) {
  if (s->pid) pd_test_server_kill(s, false);
  /* Same port, so clients configured with the old URL reconnect; retry while the port lingers. */
  for (int i = 0; i < 100; i++) {
    if (spawn_server(s, s->rate_limit, s->port) == 0) return 0;
    sleep_ms(100);
  }
  return -1;
}

int pd_test_server_restart_new_port(struct pd_test_server *s) {
  if (s->pid) pd_test_server_kill(s, false);
  return spawn_server(s, s->rate_limit, 0);
}

void pd_test_server_kill(struct pd_test_server *s, bool hard) {
  if (s->pid <= 0) return;
  kill(s->pid, hard ? SIGKILL : SIGTERM);
  int status;
  while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR) {}
  s->pid = 0;
}

int pd_test_server_sanitizer_reports(const struct pd_test_server *s) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/stderr.log", s->dir);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  static const char *const markers[] = {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"};
  char line[4096];
  int found = 0;
  while (fgets(line, sizeof line, f)) {
    for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
      if (strstr(line, markers[i])) {
        fprintf(stderr, "harness: privdeskd sanitizer report (%s): %s", path, line);
        found++;
        break;
      }
    }
  }
  fclose(f);
  return found;
}

void pd_test_server_stop(struct pd_test_server *s) {
  pd_test_server_kill(s, false);
  if (!s->keep_dir && s->dir[0]) {
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    if (system(cmd) != 0) fprintf(stderr, "harness: could not remove %s\n", s->dir);
    s->dir[0] = '\0';
  }
}
