/* The event loop: timers in order, cancel, sources and fds dispatched with
 * revents, signals through the self-pipe, and no timeout when idle
 * (tui/loop.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tui/loop.h"

static int fired[32], nfired;

static void record(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  (void)loop;
  (void)id;
  if (nfired < 32)
    fired[nfired++] = (int)(intptr_t)ctx;
}

static void run_until(struct pd_loop *loop, int want, int max_iterations)
{
  while (nfired < want && max_iterations-- > 0)
    assert_true(pd_loop_run_once(loop, 0) >= 0);
}

static void test_timers_fire_in_order(void **state)
{
  struct pd_loop *loop = pd_loop_new();
  uint64_t t0 = pd_loop_now_ms();

  (void)state;
  nfired = 0;
  pd_loop_add_timer(loop, 30, 0, record, (void *)(intptr_t)3);
  pd_loop_add_timer(loop, 10, 0, record, (void *)(intptr_t)1);
  pd_loop_add_timer(loop, 20, 0, record, (void *)(intptr_t)2);
  pd_loop_add_timer(loop, 20, 0, record, (void *)(intptr_t)22); /* same deadline: by creation */
  run_until(loop, 4, 100);
  assert_int_equal(nfired, 4);
  assert_int_equal(fired[0], 1);
  assert_int_equal(fired[1], 2);
  assert_int_equal(fired[2], 22);
  assert_int_equal(fired[3], 3);
  assert_true(pd_loop_now_ms() - t0 >= 30);
  /* nothing left: the loop would sleep without a timeout */
  assert_int_equal(pd_loop_next_timeout(loop), -1);
  pd_loop_free(loop);
}

static void test_cancel(void **state)
{
  struct pd_loop *loop = pd_loop_new();
  pd_timer_id a, b;

  (void)state;
  nfired = 0;
  a = pd_loop_add_timer(loop, 5, 0, record, (void *)(intptr_t)1);
  b = pd_loop_add_timer(loop, 10, 0, record, (void *)(intptr_t)2);
  assert_true(a != 0 && b != 0 && a != b);
  assert_true(pd_loop_cancel_timer(loop, a));
  assert_false(pd_loop_cancel_timer(loop, a));
  run_until(loop, 1, 100);
  assert_int_equal(nfired, 1);
  assert_int_equal(fired[0], 2);
  assert_false(pd_loop_cancel_timer(loop, b)); /* one-shot already fired */
  pd_loop_free(loop);
}

static int ticks;
static pd_timer_id repeating;

static void tick(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  (void)ctx;
  assert_int_equal(id, repeating);
  if (++ticks == 3)
    assert_true(pd_loop_cancel_timer(loop, id)); /* from its own callback */
}

static void test_repeating_timer(void **state)
{
  struct pd_loop *loop = pd_loop_new();
  int i;

  (void)state;
  ticks = 0;
  repeating = pd_loop_add_timer(loop, 5, 5, tick, NULL);
  for (i = 0; i < 50 && ticks < 3; i++)
    pd_loop_run_once(loop, 0);
  assert_int_equal(ticks, 3);
  assert_int_equal(pd_loop_next_timeout(loop), -1);
  pd_loop_run_once(loop, PD_LOOP_NOWAIT);
  assert_int_equal(ticks, 3);
  pd_loop_free(loop);
}

/* A source exactly as the network library will implement one. */
struct fake_net {
  int fd;
  long timeout;
  int dispatches, readable;
  short last_revents;
  int last_n;
};

static int net_pollfds(void *ctx, struct pollfd *fds, int max)
{
  struct fake_net *n = ctx;

  assert_true(max >= 1);
  fds[0].fd = n->fd;
  fds[0].events = POLLIN;
  return 1;
}

static long net_timeout(void *ctx)
{
  return ((struct fake_net *)ctx)->timeout;
}

static void net_dispatch(void *ctx, const struct pollfd *fds, int n)
{
  struct fake_net *net = ctx;

  net->dispatches++;
  net->last_n = n;
  net->last_revents = n > 0 ? fds[0].revents : 0;
  if (n > 0 && (fds[0].revents & POLLIN)) {
    char c;

    net->readable++;
    assert_int_equal(read(net->fd, &c, 1), 1);
  }
}

static const struct pd_loop_source net_source = {net_pollfds, net_timeout, net_dispatch};

static void test_source_dispatch(void **state)
{
  struct pd_loop *loop = pd_loop_new();
  struct fake_net net = {0};
  int p[2], h;
  uint64_t t0;

  (void)state;
  assert_int_equal(pipe(p), 0);
  net.fd = p[0];
  net.timeout = -1;
  h = pd_loop_add_source(loop, &net_source, &net);
  assert_true(h > 0);
  /* idle: no deadline anywhere */
  assert_int_equal(pd_loop_next_timeout(loop), -1);
  assert_int_equal(write(p[1], "x", 1), 1);
  pd_loop_run_once(loop, 0); /* returns because the fd is readable */
  assert_int_equal(net.readable, 1);
  assert_int_equal(net.last_n, 1);
  assert_true(net.last_revents & POLLIN);
  /* a deadline from the source wakes the loop and dispatches with revents 0 */
  net.timeout = 20;
  assert_int_equal(pd_loop_next_timeout(loop), 20);
  t0 = pd_loop_now_ms();
  pd_loop_run_once(loop, 0);
  assert_true(pd_loop_now_ms() - t0 >= 15);
  assert_int_equal(net.dispatches, 2);
  assert_int_equal(net.readable, 1);
  assert_int_equal(net.last_revents, 0);
  pd_loop_del_source(loop, h);
  pd_loop_run_once(loop, PD_LOOP_NOWAIT);
  assert_int_equal(net.dispatches, 2);
  close(p[0]);
  close(p[1]);
  pd_loop_free(loop);
}

static int fd_calls;

static void on_fd(struct pd_loop *loop, int fd, short revents, void *ctx)
{
  char c;

  (void)loop;
  (void)ctx;
  assert_true(revents & POLLIN);
  assert_int_equal(read(fd, &c, 1), 1);
  fd_calls++;
}

static void test_fd_watch(void **state)
{
  struct pd_loop *loop = pd_loop_new();
  int p[2], h;

  (void)state;
  fd_calls = 0;
  assert_int_equal(pipe(p), 0);
  h = pd_loop_add_fd(loop, p[0], POLLIN, on_fd, NULL);
  pd_loop_run_once(loop, PD_LOOP_NOWAIT);
  assert_int_equal(fd_calls, 0);
  assert_int_equal(write(p[1], "ab", 2), 2);
  pd_loop_run_once(loop, 0);
  pd_loop_run_once(loop, 0);
  assert_int_equal(fd_calls, 2);
  pd_loop_del_fd(loop, h);
  assert_int_equal(write(p[1], "c", 1), 1);
  pd_loop_run_once(loop, PD_LOOP_NOWAIT);
  assert_int_equal(fd_calls, 2);
  close(p[0]);
  close(p[1]);
  pd_loop_free(loop);
}

static int signals_seen[8], nsignals;

static void on_signal(struct pd_loop *loop, int signo, void *ctx)
{
  (void)loop;
  (void)ctx;
  if (nsignals < 8)
    signals_seen[nsignals++] = signo;
}

static void test_signals_via_self_pipe(void **state)
{
  struct pd_loop *loop = pd_loop_new(), *other = pd_loop_new();

  (void)state;
  nsignals = 0;
  assert_int_equal(pd_loop_watch_signals(loop, on_signal, NULL), 0);
  assert_int_equal(pd_loop_watch_signals(other, on_signal, NULL), -1); /* one owner */
  assert_int_equal(raise(SIGWINCH), 0);
  assert_int_equal(nsignals, 0); /* nothing happens in the handler itself */
  pd_loop_run_once(loop, 0);     /* wakes up: the pipe is readable */
  assert_int_equal(nsignals, 1);
  assert_int_equal(signals_seen[0], SIGWINCH);
  /* SIGTERM is caught too (a clean exit, not a dead process) */
  assert_int_equal(raise(SIGTERM), 0);
  pd_loop_run_once(loop, PD_LOOP_NOWAIT);
  assert_int_equal(nsignals, 2);
  assert_int_equal(signals_seen[1], SIGTERM);
  pd_loop_free(loop);
  /* released: another loop may watch now */
  assert_int_equal(pd_loop_watch_signals(other, on_signal, NULL), 0);
  pd_loop_free(other);
  assert_true(signal(SIGWINCH, SIG_DFL) != SIG_ERR);
}

static int sleeps;

static void count_sleep(struct pd_loop *loop, void *ctx)
{
  (void)loop;
  (void)ctx;
  sleeps++;
}

static void stop_it(struct pd_loop *loop, pd_timer_id id, void *ctx)
{
  (void)id;
  (void)ctx;
  pd_loop_stop(loop);
}

static void test_run_and_before_sleep(void **state)
{
  struct pd_loop *loop = pd_loop_new();

  (void)state;
  sleeps = 0;
  pd_loop_set_before_sleep(loop, count_sleep, NULL);
  pd_loop_add_timer(loop, 5, 0, stop_it, NULL);
  assert_int_equal(pd_loop_run(loop), 0);
  assert_true(pd_loop_stopped(loop));
  assert_true(sleeps >= 1);
  pd_loop_free(loop);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_timers_fire_in_order),
    cmocka_unit_test(test_cancel),
    cmocka_unit_test(test_repeating_timer),
    cmocka_unit_test(test_source_dispatch),
    cmocka_unit_test(test_fd_watch),
    cmocka_unit_test(test_signals_via_self_pipe),
    cmocka_unit_test(test_run_and_before_sleep),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
