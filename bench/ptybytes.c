/* bench/ptybytes: runs a command in a pseudo-terminal of a given size, sends
 * it keys at chosen moments and counts the bytes it writes to the terminal
 * after each one, until the output settles. What a console costs over a slow
 * SSH link is these bytes (bench/console.sh, bench/RESULTS-console.md).
 *
 *   ptybytes [-s ROWSxCOLS] [-q QUIET_MS] [-T TIMEOUT_MS] [-o PREFIX] STEP... -- COMMAND [ARG...]
 *
 * Steps run in order; each prints one tab-separated line:
 *   STEP  LABEL  BYTES  MS
 * (MS: milliseconds since the command was spawned, at the end of the step).
 *
 *   wait=TEXT          read until the output since the previous step contains
 *                      TEXT (fails after TIMEOUT_MS); the line's MS is the
 *                      time from spawn to the read that completed TEXT
 *   settle             read until nothing arrives for QUIET_MS
 *   key=KEYS[=LABEL]   send KEYS, then read until nothing arrives for QUIET_MS
 *                      (escapes: \r \n \t \e \\ \xHH)
 *   keywait=KEYS=TEXT  send KEYS, then read until TEXT arrived and the output
 *                      settled (for keys whose effect waits on the network)
 *   idle=MS            send nothing, count what arrives during MS
 *   quit=KEYS          send KEYS and wait for the command to exit
 *   hwm                the command's peak RSS (VmHWM of /proc/PID/status),
 *                      in kB, in the BYTES column
 *
 * -o PREFIX writes each step's raw output to PREFIX.N (N = step number) to
 * look at what was sent. The child gets TERM from the environment
 * (xterm-256color when unset). Exit status: 0, or 1 when a step failed
 * (timeout, the command exited early), 2 on usage errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int master = -1;
static pid_t child = -1;
static int child_exited;
static int quiet_ms = 300;
static int timeout_ms = 20000;
static const char *prefix;
static struct timespec t0;

static long now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (ts.tv_sec - t0.tv_sec) * 1000L + (ts.tv_nsec - t0.tv_nsec) / 1000000L;
}

/* Output of the current step. */
static char *buf;
static size_t len, cap;

static void keep(const char *p, size_t n)
{
  if (len + n + 1 > cap) {
    size_t ncap = cap ? cap * 2 : 65536;

    while (ncap < len + n + 1)
      ncap *= 2;
    buf = realloc(buf, ncap);
    if (buf == NULL) {
      perror("ptybytes");
      exit(1);
    }
    cap = ncap;
  }
  memcpy(buf + len, p, n);
  len += n;
  buf[len] = '\0';
}

/* Reads what is available within wait_ms. Returns bytes read, 0 on
 * timeout, -1 when the terminal closed (the command exited). */
static ssize_t read_some(int wait_ms)
{
  struct pollfd pfd = {master, POLLIN, 0};
  char tmp[65536];
  ssize_t n;
  int rc;

  if (wait_ms < 0)
    wait_ms = 0;
  rc = poll(&pfd, 1, wait_ms);
  if (rc < 0)
    return errno == EINTR ? 0 : -1;
  if (rc == 0)
    return 0;
  n = read(master, tmp, sizeof tmp);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : -1; /* EIO: the slave side closed */
  if (n == 0)
    return -1;
  keep(tmp, (size_t)n);
  return n;
}

/* Until nothing arrived for quiet_ms (or the overall timeout). */
static int settle(void)
{
  long start = now_ms();

  for (;;) {
    ssize_t n = read_some(quiet_ms);

    if (n < 0)
      return -1;
    if (n == 0)
      return 0;
    if (now_ms() - start > timeout_ms)
      return -1;
  }
}

/* Until the step's output contains text; *at gets the time of that read. */
static int wait_for(const char *text, long *at)
{
  long deadline = now_ms() + timeout_ms;

  while (strstr(buf ? buf : "", text) == NULL) {
    long left = deadline - now_ms();
    ssize_t n;

    if (left <= 0)
      return -1;
    n = read_some((int)(left < 100 ? left : 100));
    if (n < 0)
      return -1;
  }
  *at = now_ms();
  return 0;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Unescapes keys into out (at least strlen(in) + 1 bytes); returns the length. */
static size_t unescape(const char *in, char *out)
{
  size_t n = 0;

  while (*in) {
    if (*in != '\\' || in[1] == '\0') {
      out[n++] = *in++;
      continue;
    }
    in++;
    switch (*in) {
    case 'r': out[n++] = '\r'; break;
    case 'n': out[n++] = '\n'; break;
    case 't': out[n++] = '\t'; break;
    case 'e': out[n++] = 0x1b; break;
    case 'x':
      if (hexval(in[1]) >= 0 && hexval(in[2]) >= 0) {
        out[n++] = (char)(hexval(in[1]) * 16 + hexval(in[2]));
        in += 2;
      }
      break;
    default: out[n++] = *in; break;
    }
    in++;
  }
  return n;
}

static int send_keys(const char *keys)
{
  char *raw = malloc(strlen(keys) + 1);
  size_t n = unescape(keys, raw), off = 0;

  while (off < n) {
    ssize_t w = write(master, raw + off, n - off);

    if (w < 0 && errno != EINTR && errno != EAGAIN) {
      free(raw);
      return -1;
    }
    if (w > 0)
      off += (size_t)w;
  }
  free(raw);
  return 0;
}

static void save(int step)
{
  char path[4096];
  FILE *f;

  if (prefix == NULL)
    return;
  snprintf(path, sizeof path, "%s.%d", prefix, step);
  f = fopen(path, "w");
  if (f == NULL)
    return;
  fwrite(buf ? buf : "", 1, len, f);
  fclose(f);
}

static int reap(int wait_ms)
{
  long deadline = now_ms() + wait_ms;
  int status;

  while (!child_exited) {
    pid_t r = waitpid(child, &status, WNOHANG);

    if (r == child) {
      child_exited = 1;
      break;
    }
    if (now_ms() > deadline)
      return -1;
    read_some(20); /* keep draining: a full pty would block the child */
  }
  return 0;
}

/* VmHWM of the child in kB, or -1. */
static long child_hwm_kb(void)
{
  char path[64], line[256];
  long kb = -1;
  FILE *f;

  snprintf(path, sizeof path, "/proc/%ld/status", (long)child);
  f = fopen(path, "r");
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "VmHWM: %ld", &kb) == 1)
      break;
  fclose(f);
  return kb;
}

static void usage(void)
{
  fprintf(stderr, "usage: ptybytes [-s ROWSxCOLS] [-q QUIET_MS] [-T TIMEOUT_MS] [-o PREFIX] STEP... -- COMMAND "
                  "[ARG...]\n(steps: wait=TEXT settle key=KEYS[=LABEL] keywait=KEYS=TEXT idle=MS hwm quit=KEYS)\n");
  exit(2);
}

int main(int argc, char **argv)
{
  struct winsize ws = {50, 200, 0, 0};
  int opt, first_step, dashdash = -1, i, failed = 0;

  while ((opt = getopt(argc, argv, "+s:q:T:o:")) != -1) {
    switch (opt) {
    case 's': {
      unsigned r, c;

      if (sscanf(optarg, "%ux%u", &r, &c) != 2 || r == 0 || c == 0 || r > 1000 || c > 1000)
        usage();
      ws.ws_row = (unsigned short)r;
      ws.ws_col = (unsigned short)c;
      break;
    }
    case 'q': quiet_ms = atoi(optarg); break;
    case 'T': timeout_ms = atoi(optarg); break;
    case 'o': prefix = optarg; break;
    default: usage();
    }
  }
  first_step = optind;
  for (i = optind; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      dashdash = i;
      break;
    }
  if (dashdash < 0 || dashdash + 1 >= argc)
    usage();
  signal(SIGPIPE, SIG_IGN);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  child = forkpty(&master, NULL, NULL, &ws);
  if (child < 0) {
    perror("ptybytes: forkpty");
    return 1;
  }
  if (child == 0) {
    if (getenv("TERM") == NULL)
      setenv("TERM", "xterm-256color", 1);
    execvp(argv[dashdash + 1], argv + dashdash + 1);
    fprintf(stderr, "ptybytes: %s: %s\n", argv[dashdash + 1], strerror(errno));
    _exit(127);
  }
  fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
  for (i = first_step; i < dashdash && !failed; i++) {
    const char *s = argv[i];
    char kind[16], label[256];
    long at = -1, value = -1;
    int rc = 0;

    len = 0;
    if (buf)
      buf[0] = '\0';
    snprintf(kind, sizeof kind, "%.*s", (int)strcspn(s, "="), s);
    snprintf(label, sizeof label, "%s", strchr(s, '=') ? strchr(s, '=') + 1 : "");
    if (strcmp(kind, "wait") == 0) {
      rc = wait_for(label, &at);
    } else if (strcmp(kind, "settle") == 0) {
      rc = settle();
    } else if (strcmp(kind, "key") == 0 || strcmp(kind, "keywait") == 0) {
      char keys[sizeof label], *eq = strchr(label, '=');

      snprintf(keys, sizeof keys, "%.*s", eq ? (int)(eq - label) : (int)strlen(label), label);
      if (eq)
        memmove(label, eq + 1, strlen(eq + 1) + 1);
      rc = send_keys(keys);
      if (rc == 0 && strcmp(kind, "keywait") == 0)
        rc = wait_for(label, &at);
      if (rc == 0)
        rc = settle();
      if (!eq || strcmp(kind, "keywait") == 0)
        memcpy(label, keys, sizeof label);
    } else if (strcmp(kind, "idle") == 0) {
      long until = now_ms() + atol(label);

      while (rc == 0 && now_ms() < until)
        if (read_some((int)(until - now_ms())) < 0)
          rc = -1;
    } else if (strcmp(kind, "hwm") == 0) {
      value = child_hwm_kb();
      rc = value < 0 ? -1 : 0;
      snprintf(label, sizeof label, "VmHWM kB");
    } else if (strcmp(kind, "quit") == 0) {
      rc = send_keys(label);
      if (rc == 0)
        rc = reap(timeout_ms);
    } else {
      fprintf(stderr, "ptybytes: unknown step \"%s\"\n", s);
      usage();
    }
    save(i - first_step + 1);
    printf("%s\t%s\t%ld\t%ld\n", kind, label, value >= 0 ? value : (long)len, at >= 0 ? at : now_ms());
    fflush(stdout);
    if (rc != 0) {
      fprintf(stderr, "ptybytes: step %d (%s) failed%s\n", i - first_step + 1, s,
                      child_exited ? ": the command exited" : "");
      if (buf && len)
        fprintf(stderr, "ptybytes: last output (%zu bytes) ends: %.200s\n", len,
                len > 200 ? buf + len - 200 : buf);
      failed = 1;
    }
  }
  if (!child_exited) {
    kill(child, SIGTERM);
    reap(2000);
    if (!child_exited) {
      kill(child, SIGKILL);
      waitpid(child, NULL, 0);
    }
  }
  close(master);
  free(buf);
  return failed;
}
