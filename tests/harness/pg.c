#include "tests/harness/pg.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_SUPERUSER "privdesk"
#define PG_TEST_USER "privdesk-test"

static struct {
  bool running;
  char bindir[PATH_MAX];
  char dir[PATH_MAX];   /* the cluster's temporary directory: data/, server.log */
  int port;
  uid_t uid;            /* who runs the server (root: privdesk-test or nobody) */
  gid_t gid;
  bool drop;            /* run the server's commands as uid/gid */
  pid_t watchdog;
  pid_t owner;          /* the process that started it (a forked child must not stop it) */
  unsigned next_db;
  bool exit_hook;
} pg;

bool pd_test_pg_wanted(void) {
  const char *v = getenv("PRIVDESK_TEST_STORE");
  return v && (strcmp(v, "postgresql") == 0 || strcmp(v, "pg") == 0);
}

static bool executable(const char *dir, const char *name) {
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return access(path, X_OK) == 0;
}

static bool bindir_ok(const char *dir) {
  return executable(dir, "initdb") && executable(dir, "pg_ctl") && executable(dir, "psql") &&
         executable(dir, "pg_dump") && executable(dir, "postgres");
}

/* $PD_TEST_PG_BINDIR, the newest /usr/lib/postgresql/N/bin, initdb's directory on the PATH. */
static bool find_bindir(char *out, size_t outsz) {
  const char *env = getenv("PD_TEST_PG_BINDIR");
  if (env && *env) {
    snprintf(out, outsz, "%s", env);
    return bindir_ok(out);
  }
  int best = -1;
  DIR *d = opendir("/usr/lib/postgresql");
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      int v = atoi(e->d_name);
      char dir[PATH_MAX];
      snprintf(dir, sizeof dir, "/usr/lib/postgresql/%s/bin", e->d_name);
      if (v > best && bindir_ok(dir)) {
        best = v;
        snprintf(out, outsz, "%s", dir);
      }
    }
    closedir(d);
  }
  if (best >= 0) return true;
  const char *path = getenv("PATH");
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
  for (char *save = NULL, *p = strtok_r(buf, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
    char real[PATH_MAX], initdb[PATH_MAX + 16];
    snprintf(initdb, sizeof initdb, "%s/initdb", p);
    if (access(initdb, X_OK) != 0 || !realpath(initdb, real)) continue;
    char *slash = strrchr(real, '/');
    *slash = '\0';
    if (bindir_ok(real)) {
      snprintf(out, outsz, "%s", real);
      return true;
    }
  }
  return false;
}

/* As root: the unprivileged user to run PostgreSQL as. */
static bool find_user(uid_t *uid, gid_t *gid) {
  struct passwd *pw = getpwnam(PG_TEST_USER);
  if (!pw) {
    /* create it once: a system user without home or shell */
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      if (null >= 0) dup2(null, STDOUT_FILENO), dup2(null, STDERR_FILENO);
      const char *argv[] = {"useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
                            "/usr/sbin/nologin", "--user-group", PG_TEST_USER, NULL};
      execvp(argv[0], (char *const *)argv);
      _exit(127);
    }
    int st;
    if (pid > 0) waitpid(pid, &st, 0);
    pw = getpwnam(PG_TEST_USER);
  }
  if (!pw) pw = getpwnam("nobody");
  if (!pw || pw->pw_uid == 0) return false;
  *uid = pw->pw_uid;
  *gid = pw->pw_gid;
  return true;
}

const char *pd_test_pg_unavailable(void) {
  static char why[256];
  char dir[PATH_MAX];
  if (!find_bindir(dir, sizeof dir)) {
    snprintf(why, sizeof why, "PostgreSQL server binaries (initdb, pg_ctl, postgres, psql, pg_dump) not found"
                              " (Debian: apt-get install postgresql)");
    return why;
  }
  uid_t uid;
  gid_t gid;
  if (geteuid() == 0 && !find_user(&uid, &gid)) {
    snprintf(why, sizeof why, "running as root and no unprivileged user (" PG_TEST_USER " or nobody) to run PostgreSQL as");
    return why;
  }
  return NULL;
}

/* In a child: become the server's user. */
static void drop_privileges(void) {
  if (!pg.drop) return;
  if (setgroups(0, NULL) != 0 || setgid(pg.gid) != 0 || setuid(pg.uid) != 0) _exit(126);
}

/* Runs argv (argv[0] a program of bindir) as the server's user; output
 * appended to the cluster's log, or captured into out when given. */
static int run_pg(const char *const *argv, char *out, size_t outsz, bool as_server_user) {
  char prog[PATH_MAX + 32];
  snprintf(prog, sizeof prog, "%s/%s", pg.bindir, argv[0]);
  int pipefd[2] = {-1, -1};
  if (out && pipe(pipefd) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char log[PATH_MAX + 32];
    snprintf(log, sizeof log, "%s/commands.log", pg.dir);
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      if (!out) dup2(fd, STDOUT_FILENO);
      close(fd);
    }
    if (out) {
      dup2(pipefd[1], STDOUT_FILENO);
      close(pipefd[0]);
      close(pipefd[1]);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) dup2(null, STDIN_FILENO);
    if (as_server_user) drop_privileges();
    if (chdir("/") != 0) _exit(126); /* a cwd the server's user may not enter would bother the tools */
    /* argv[0] is the full path: PostgreSQL's programs find each other
     * (initdb its postgres, pg_ctl its server) from their own argv[0], and
     * bindir is rarely on the PATH (Debian keeps it in /usr/lib/postgresql). */
    const char *args[32];
    size_t n = 0;
    args[n++] = prog;
    for (size_t i = 1; argv[i] && n + 1 < sizeof args / sizeof args[0]; i++) args[n++] = argv[i];
    args[n] = NULL;
    execv(prog, (char *const *)args);
    _exit(127);
  }
  size_t len = 0;
  if (out) {
    close(pipefd[1]);
    char sink[256];
    for (;;) {
      char *dst = len + 1 < outsz ? out + len : sink;
      size_t cap = len + 1 < outsz ? outsz - len - 1 : sizeof sink;
      ssize_t r = read(pipefd[0], dst, cap);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      if (dst != sink) len += (size_t)r;
    }
    close(pipefd[0]);
    if (outsz) {
      out[len] = '\0';
      while (len && (out[len - 1] == '\n' || out[len - 1] == ' ')) out[--len] = '\0';
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = -1;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

static int server_start(void) {
  char data[PATH_MAX + 16], log[PATH_MAX + 16], opts[512];
  snprintf(data, sizeof data, "%s/data", pg.dir);
  snprintf(log, sizeof log, "%s/server.log", pg.dir);
  const char *fsync = getenv("PD_TEST_PG_FSYNC");
  bool durable = fsync && strcmp(fsync, "on") == 0;
  snprintf(opts, sizeof opts,
           "-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=300"
           " -c shared_buffers=128MB -c fsync=%s -c full_page_writes=%s -c log_min_messages=warning",
           pg.port, durable ? "on" : "off", durable ? "on" : "off");
  const char *argv[] = {"pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", opts, "start", NULL};
  return run_pg(argv, NULL, 0, true);
}

static void stop_now(const char *mode) {
  char data[PATH_MAX + 16];
  snprintf(data, sizeof data, "%s/data", pg.dir);
  const char *argv[] = {"pg_ctl", "-D", data, "-w", "-t", "30", "-m", mode, "stop", NULL};
  run_pg(argv, NULL, 0, true);
}

static void remove_dir(const char *dir) {
  pid_t pid = fork();
  if (pid == 0) {
    const char *argv[] = {"rm", "-rf", dir, NULL};
    execvp("rm", (char *const *)argv);
    _exit(127);
  }
  int st;
  if (pid > 0) waitpid(pid, &st, 0);
}

/* A child that outlives nothing: when this process ends (normally, by a
 * signal or an abort) it stops the server and removes the cluster. */
static void start_watchdog(void) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) {
    pg.watchdog = pid > 0 ? pid : 0;
    return;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigprocmask(SIG_BLOCK, &set, NULL);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() == parent) {
    int sig;
    sigwait(&set, &sig);
  }
  stop_now("immediate");
  remove_dir(pg.dir);
  _exit(0);
}

int pd_test_pg_start(void) {
  if (pg.running) return 0;
  if (!find_bindir(pg.bindir, sizeof pg.bindir)) {
    fprintf(stderr, "harness: %s\n", pd_test_pg_unavailable());
    return -1;
  }
  pg.drop = geteuid() == 0;
  if (pg.drop && !find_user(&pg.uid, &pg.gid)) {
    fprintf(stderr, "harness: %s\n", pd_test_pg_unavailable());
    return -1;
  }
  /* $TMPDIR when the server's user can get there, else /tmp */
  const char *tmp = getenv("TMPDIR");
  for (int pass = 0; pass < 2; pass++) {
    snprintf(pg.dir, sizeof pg.dir, "%s/privdesk-pg.XXXXXX", pass == 0 && tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(pg.dir)) continue;
    if (pg.drop && (chown(pg.dir, pg.uid, pg.gid) != 0 || chmod(pg.dir, 0700) != 0)) {
      rmdir(pg.dir);
      continue;
    }
    const char *argv[] = {"pg_ctl", "--version", NULL};
    char out[128];
    /* the server's user can reach the directory when it can write there */
    pid_t pid = fork();
    if (pid == 0) {
      drop_privileges();
      _exit(access(pg.dir, W_OK | X_OK) == 0 ? 0 : 1);
    }
    int st = 1;
    if (pid > 0) waitpid(pid, &st, 0);
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && run_pg(argv, out, sizeof out, true) == 0) break;
    rmdir(pg.dir);
    pg.dir[0] = '\0';
  }
  if (!pg.dir[0]) {
    fprintf(stderr, "harness: no temporary directory the PostgreSQL user can use\n");
    return -1;
  }
  char data[PATH_MAX + 16];
  snprintf(data, sizeof data, "%s/data", pg.dir);
  const char *initdb[] = {"initdb", "-D", data, "-U", PG_SUPERUSER, "--auth=trust", "-E", "UTF8",
                          "--locale=C.UTF-8", "--no-sync", NULL};
  if (run_pg(initdb, NULL, 0, true) != 0) {
    const char *plain[] = {"initdb", "-D", data, "-U", PG_SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-locale",
                           "--no-sync", NULL};
    remove_dir(data);
    if (run_pg(plain, NULL, 0, true) != 0) {
      fprintf(stderr, "harness: initdb failed (see %s/commands.log)\n", pg.dir);
      return -1;
    }
  }
  start_watchdog();
  for (int attempt = 0; attempt < 5; attempt++) {
    pg.port = free_port();
    if (pg.port > 0 && server_start() == 0) {
      pg.running = true;
      pg.owner = getpid();
      if (!pg.exit_hook) atexit(pd_test_pg_stop);
      pg.exit_hook = true;
      return 0;
    }
  }
  fprintf(stderr, "harness: PostgreSQL did not start (see %s/server.log)\n", pg.dir);
  pd_test_pg_stop();
  return -1;
}

void pd_test_pg_stop(void) {
  if (pg.owner && pg.owner != getpid()) return;
  if (pg.watchdog > 0) {
    kill(pg.watchdog, SIGTERM); /* it stops the server and removes the directory */
    int st;
    while (waitpid(pg.watchdog, &st, 0) < 0 && errno == EINTR) {}
    pg.watchdog = 0;
  } else if (pg.dir[0]) {
    stop_now("immediate");
    remove_dir(pg.dir);
  }
  pg.running = false;
  pg.dir[0] = '\0';
}

int pd_test_pg_pause(void) {
  if (!pg.running) return -1;
  stop_now("fast");
  return 0;
}

int pd_test_pg_resume(void) {
  if (!pg.running) return -1;
  for (int i = 0; i < 50; i++) {
    if (server_start() == 0) return 0;
    usleep(200000); /* the old socket may linger a moment */
  }
  return -1;
}

static void uri_of(const char *db, char *uri, size_t urisz) {
  snprintf(uri, urisz, "postgresql://" PG_SUPERUSER "@127.0.0.1:%d/%s", pg.port, db);
}

int pd_test_pg_new_db(char *uri, size_t urisz) {
  if (pd_test_pg_start() != 0) return -1;
  char name[64], sql[128], admin[128];
  snprintf(name, sizeof name, "pd_%d_%u", (int)getpid(), pg.next_db++);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  uri_of("postgres", admin, sizeof admin);
  if (pd_test_pg_sql(admin, sql, NULL, 0) != 0) {
    fprintf(stderr, "harness: CREATE DATABASE %s failed (see %s/commands.log)\n", name, pg.dir);
    return -1;
  }
  uri_of(name, uri, urisz);
  return 0;
}

int pd_test_pg_sql(const char *uri, const char *sql, char *out, size_t outsz) {
  char sink[64];
  const char *argv[] = {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql, NULL};
  return run_pg(argv, out ? out : sink, out ? outsz : sizeof sink, false);
}

int pd_test_pg_dump(const char *uri, const char *path) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) _exit(126);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    char prog[PATH_MAX + 16];
    snprintf(prog, sizeof prog, "%s/pg_dump", pg.bindir);
    const char *argv[] = {"pg_dump", "--no-owner", "-d", uri, NULL};
    execv(prog, (char *const *)argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
