/* tui/loop.c — see loop.h. */
#include "tui/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fd_watch {
  int handle, fd;
  short events;
  bool removed;
  pd_fd_fn fn;
  void *ctx;
};

struct source {
  int handle;
  bool removed;
  const struct pd_loop_source *src;
  void *ctx;
  int off, n; /* its slice of the pollfd array this iteration */
};

struct timer {
  pd_timer_id id;
  uint64_t deadline;
  long repeat;
  bool removed;
  pd_timer_fn fn;
  void *ctx;
};

struct pd_loop {
  struct fd_watch *fds;
  size_t nfds, capfds;
  struct source *srcs;
  size_t nsrcs, capsrcs;
  struct timer *timers;
  size_t ntimers, captimers;
  struct pollfd *pfd;
  size_t cappfd;
  int next_handle;
  pd_timer_id next_timer;
  bool stop, watching_signals, in_iteration;
  pd_signal_fn sig_fn;
  void *sig_ctx;
  pd_hook_fn before_sleep;
  void *before_sleep_ctx;
};

/* The self-pipe is process-wide: a signal handler can only reach statics. */
static int sig_pipe[2] = {-1, -1};
static struct pd_loop *sig_owner;
static const int watched_signals[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP};
#define NSIGNALS (sizeof watched_signals / sizeof watched_signals[0])
static struct sigaction saved_actions[NSIGNALS];

static void on_signal(int signo)
{
  int saved = errno;
  unsigned char b = (unsigned char)signo;
  ssize_t r = write(sig_pipe[1], &b, 1); /* full pipe: the signal is pending anyway */

  (void)r;
  errno = saved;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
  size_t ncap;
  void *p;

  if (need <= *cap)
    return true;
  ncap = *cap ? *cap * 2 : 8;
  while (ncap < need)
    ncap *= 2;
  p = realloc(*arr, ncap * elem);
  if (p == NULL)
    return false;
  *arr = p;
  *cap = ncap;
  return true;
}

uint64_t pd_loop_now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct pd_loop *pd_loop_new(void)
{
  struct pd_loop *loop = calloc(1, sizeof *loop);

  if (loop) {
    loop->next_handle = 1;
    loop->next_timer = 1;
  }
  return loop;
}

void pd_loop_free(struct pd_loop *loop)
{
  if (loop == NULL)
    return;
  pd_loop_unwatch_signals(loop);
  free(loop->fds);
  free(loop->srcs);
  free(loop->timers);
  free(loop->pfd);
  free(loop);
}

int pd_loop_add_fd(struct pd_loop *loop, int fd, short events, pd_fd_fn fn, void *ctx)
{
  if (fd < 0 || !grow((void **)&loop->fds, &loop->capfds, loop->nfds + 1, sizeof *loop->fds))
    return -1;
  loop->fds[loop->nfds] = (struct fd_watch){loop->next_handle, fd, events, false, fn, ctx};
  loop->nfds++;
  return loop->next_handle++;
}

void pd_loop_del_fd(struct pd_loop *loop, int handle)
{
  size_t i;

  for (i = 0; i < loop->nfds; i++)
    if (loop->fds[i].handle == handle)
      loop->fds[i].removed = true;
}

int pd_loop_add_source(struct pd_loop *loop, const struct pd_loop_source *src, void *ctx)
{
  if (src == NULL || !grow((void **)&loop->srcs, &loop->capsrcs, loop->nsrcs + 1, sizeof *loop->srcs))
    return -1;
  loop->srcs[loop->nsrcs] = (struct source){loop->next_handle, false, src, ctx, 0, 0};
  loop->nsrcs++;
  return loop->next_handle++;
}

void pd_loop_del_source(struct pd_loop *loop, int handle)
{
  size_t i;

  for (i = 0; i < loop->nsrcs; i++)
    if (loop->srcs[i].handle == handle)
      loop->srcs[i].removed = true;
}

pd_timer_id pd_loop_add_timer(struct pd_loop *loop, long ms, long repeat_ms, pd_timer_fn fn,
                              void *ctx)
{
  if (!grow((void **)&loop->timers, &loop->captimers, loop->ntimers + 1, sizeof *loop->timers))
    return 0;
  if (ms < 0)
    ms = 0;
  loop->timers[loop->ntimers] = (struct timer){
    loop->next_timer, pd_loop_now_ms() + (uint64_t)ms, repeat_ms > 0 ? repeat_ms : 0, false, fn, ctx};
  loop->ntimers++;
  return loop->next_timer++;
}

bool pd_loop_cancel_timer(struct pd_loop *loop, pd_timer_id id)
{
  size_t i;

  for (i = 0; i < loop->ntimers; i++) {
    if (loop->timers[i].id == id && !loop->timers[i].removed) {
      loop->timers[i].removed = true;
      return true;
    }
  }
  return false;
}

int pd_loop_watch_signals(struct pd_loop *loop, pd_signal_fn fn, void *ctx)
{
  struct sigaction sa;
  size_t i;

  if (sig_owner != NULL && sig_owner != loop)
    return -1;
  loop->sig_fn = fn;
  loop->sig_ctx = ctx;
  if (loop->watching_signals)
    return 0;
  if (pipe(sig_pipe) != 0)
    return -1;
  for (i = 0; i < 2; i++) {
    fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
    fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
  }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (i = 0; i < NSIGNALS; i++)
    sigaction(watched_signals[i], &sa, &saved_actions[i]);
  sig_owner = loop;
  loop->watching_signals = true;
  return 0;
}

void pd_loop_unwatch_signals(struct pd_loop *loop)
{
  size_t i;

  if (!loop->watching_signals)
    return;
  for (i = 0; i < NSIGNALS; i++)
    sigaction(watched_signals[i], &saved_actions[i], NULL);
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  sig_pipe[0] = sig_pipe[1] = -1;
  sig_owner = NULL;
  loop->watching_signals = false;
}

void pd_loop_set_before_sleep(struct pd_loop *loop, pd_hook_fn fn, void *ctx)
{
  loop->before_sleep = fn;
  loop->before_sleep_ctx = ctx;
}

void pd_loop_stop(struct pd_loop *loop)
{
  loop->stop = true;
}

bool pd_loop_stopped(const struct pd_loop *loop)
{
  return loop->stop;
}

static long timers_timeout(struct pd_loop *loop, uint64_t now)
{
  long best = -1;
  size_t i;

  for (i = 0; i < loop->ntimers; i++) {
    const struct timer *t = &loop->timers[i];
    long ms;

    if (t->removed)
      continue;
    ms = t->deadline <= now ? 0 : t->deadline - now > (uint64_t)INT_MAX ? INT_MAX : (long)(t->deadline - now);
    if (best < 0 || ms < best)
      best = ms;
  }
  return best;
}

static long min_timeout(long a, long b)
{
  if (a < 0)
    return b;
  if (b < 0)
    return a;
  return a < b ? a : b;
}

long pd_loop_next_timeout(struct pd_loop *loop)
{
  long t = timers_timeout(loop, pd_loop_now_ms());
  size_t i;

  for (i = 0; i < loop->nsrcs; i++)
    if (!loop->srcs[i].removed && loop->srcs[i].src->timeout_ms)
      t = min_timeout(t, loop->srcs[i].src->timeout_ms(loop->srcs[i].ctx));
  return t;
}

static void compact(struct pd_loop *loop)
{
  size_t i, j;

  for (i = j = 0; i < loop->nfds; i++)
    if (!loop->fds[i].removed)
      loop->fds[j++] = loop->fds[i];
  loop->nfds = j;
  for (i = j = 0; i < loop->nsrcs; i++)
    if (!loop->srcs[i].removed)
      loop->srcs[j++] = loop->srcs[i];
  loop->nsrcs = j;
  for (i = j = 0; i < loop->ntimers; i++)
    if (!loop->timers[i].removed)
      loop->timers[j++] = loop->timers[i];
  loop->ntimers = j;
}

static int run_signals(struct pd_loop *loop)
{
  unsigned char buf[64];
  bool seen[NSIG] = {false};
  int count = 0;
  ssize_t n;

  while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0) {
    ssize_t i;

    for (i = 0; i < n; i++)
      if (buf[i] < NSIG)
        seen[buf[i]] = true;
  }
  for (size_t i = 0; i < NSIGNALS; i++) {
    int s = watched_signals[i];

    if (seen[s] && loop->sig_fn) {
      loop->sig_fn(loop, s, loop->sig_ctx);
      count++;
    }
  }
  return count;
}

static int run_timers(struct pd_loop *loop)
{
  pd_timer_id max_id = loop->next_timer - 1;
  uint64_t now = pd_loop_now_ms();
  int count = 0;

  for (;;) {
    size_t i, best = (size_t)-1;
    pd_timer_fn fn;
    pd_timer_id id;
    void *ctx;

    for (i = 0; i < loop->ntimers; i++) {
      const struct timer *t = &loop->timers[i];

      if (t->removed || t->id > max_id || t->deadline > now)
        continue;
      if (best == (size_t)-1 || t->deadline < loop->timers[best].deadline ||
          (t->deadline == loop->timers[best].deadline && t->id < loop->timers[best].id))
        best = i;
    }
    if (best == (size_t)-1)
      break;
    {
      struct timer *t = &loop->timers[best];

      fn = t->fn;
      ctx = t->ctx;
      id = t->id;
      if (t->repeat > 0) {
        t->deadline += (uint64_t)t->repeat;
        if (t->deadline <= now)
          t->deadline = now + (uint64_t)t->repeat;
      } else {
        t->removed = true;
      }
    }
    if (fn)
      fn(loop, id, ctx); /* may add or cancel timers: t is stale now */
    count++;
  }
  return count;
}

int pd_loop_run_once(struct pd_loop *loop, unsigned flags)
{
  size_t nf, ns, i, npfd = 0, sig_slot = (size_t)-1;
  long timeout = -1;
  int rc, count = 0;

  if (loop->before_sleep)
    loop->before_sleep(loop, loop->before_sleep_ctx);
  loop->in_iteration = true;

  nf = loop->nfds;
  ns = loop->nsrcs;
  if (!grow((void **)&loop->pfd, &loop->cappfd, 1 + nf + ns * PD_LOOP_SOURCE_MAX_FDS, sizeof *loop->pfd))
    return -1;
  if (loop->watching_signals) {
    sig_slot = npfd;
    loop->pfd[npfd++] = (struct pollfd){sig_pipe[0], POLLIN, 0};
  }
  for (i = 0; i < nf; i++) {
    const struct fd_watch *w = &loop->fds[i];

    /* removed watchers keep a slot (fd -1: ignored by poll) so indices match */
    loop->pfd[npfd++] = (struct pollfd){w->removed ? -1 : w->fd, w->events, 0};
  }
  for (i = 0; i < ns; i++) {
    struct source *s = &loop->srcs[i];
    int k = 0;

    s->off = (int)npfd;
    if (!s->removed && s->src->pollfds) {
      k = s->src->pollfds(s->ctx, loop->pfd + npfd, PD_LOOP_SOURCE_MAX_FDS);
      if (k < 0)
        k = 0;
      if (k > PD_LOOP_SOURCE_MAX_FDS)
        k = PD_LOOP_SOURCE_MAX_FDS;
    }
    s->n = k;
    npfd += (size_t)k;
    if (!s->removed && s->src->timeout_ms)
      timeout = min_timeout(timeout, s->src->timeout_ms(s->ctx));
  }
  timeout = min_timeout(timeout, timers_timeout(loop, pd_loop_now_ms()));
  if ((flags & PD_LOOP_NOWAIT) || loop->stop)
    timeout = 0;
  if (timeout > INT_MAX)
    timeout = INT_MAX;

  rc = poll(loop->pfd, (nfds_t)npfd, (int)timeout);
  if (rc < 0) {
    if (errno != EINTR) {
      loop->in_iteration = false;
      return -1;
    }
    for (i = 0; i < npfd; i++)
      loop->pfd[i].revents = 0;
  }

  if (sig_slot != (size_t)-1 && loop->pfd[sig_slot].revents)
    count += run_signals(loop);
  for (i = 0; i < nf; i++) {
    const struct pollfd *p = &loop->pfd[(sig_slot != (size_t)-1) + i];
    struct fd_watch w = loop->fds[i]; /* copy: the array may move */

    if (!w.removed && p->revents && !loop->fds[i].removed) {
      w.fn(loop, w.fd, p->revents, w.ctx);
      count++;
    }
  }
  for (i = 0; i < ns; i++) {
    struct source s = loop->srcs[i];

    if (!s.removed && !loop->srcs[i].removed && s.src->dispatch)
      s.src->dispatch(s.ctx, loop->pfd + s.off, s.n);
  }
  count += run_timers(loop);
  loop->in_iteration = false;
  compact(loop);
  return count;
}

int pd_loop_run(struct pd_loop *loop)
{
  loop->stop = false;
  while (!loop->stop)
    if (pd_loop_run_once(loop, 0) < 0)
      return -1;
  return 0;
}
