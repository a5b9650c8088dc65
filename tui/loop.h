/* tui/loop.h — the console's event loop (in the style of redis' ae.c).
 *
 * One thread, one poll(): the keyboard fd, registered fd watchers,
 * "sources" (the network library attaches its sockets and deadlines as one)
 * and timers are all waited for together. Signals (SIGWINCH for resize,
 * SIGTERM/SIGINT/SIGHUP for a clean exit) are turned into readable bytes on
 * a self-pipe, so they are handled in the loop, never in a signal handler.
 *
 * One iteration (pd_loop_run_once):
 *   1. before-sleep hooks (the app renders here; nothing else writes to the
 *      terminal)
 *   2. poll() with the nearest deadline of timers and sources as timeout; no
 *      deadline at all means no timeout: an idle console sleeps and does not
 *      wake up, so it writes nothing while idle
 *   3. signal callbacks, fd watcher callbacks, source dispatch (every source
 *      after every poll, with its fds' revents), then due timers in deadline
 *      order
 * Callbacks may add and remove watchers, sources and timers at any time,
 * including their own. Times are in milliseconds on CLOCK_MONOTONIC.
 * Nothing here blocks except poll() itself. */
#ifndef PD_TUI_LOOP_H
#define PD_TUI_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

struct pd_loop;

/* An external event source: exactly the shape the network library
 * implements (it does not depend on tui/, it only provides these three
 * functions). The struct is not copied: it must outlive its registration
 * (normally a static const). */
struct pd_loop_source {
  int (*pollfds)(void *ctx, struct pollfd *fds, int max);       /* fills up to max, returns count */
  long (*timeout_ms)(void *ctx);                                /* -1 = no deadline */
  void (*dispatch)(void *ctx, const struct pollfd *fds, int n); /* after poll returns or a timeout, with revents */
};

/* Most fds one source may ask for per iteration. */
#define PD_LOOP_SOURCE_MAX_FDS 64

typedef uint64_t pd_timer_id;   /* 0 is never a valid id */
typedef void (*pd_timer_fn)(struct pd_loop *loop, pd_timer_id id, void *ctx);
typedef void (*pd_fd_fn)(struct pd_loop *loop, int fd, short revents, void *ctx);
typedef void (*pd_signal_fn)(struct pd_loop *loop, int signo, void *ctx);
typedef void (*pd_hook_fn)(struct pd_loop *loop, void *ctx);

struct pd_loop *pd_loop_new(void);
/* Frees the loop; stops watching signals if it did. Does not close fds. */
void pd_loop_free(struct pd_loop *loop);

/* Milliseconds on the monotonic clock. */
uint64_t pd_loop_now_ms(void);

/* Watches fd for events (POLLIN ...). Returns a handle > 0, or -1. */
int pd_loop_add_fd(struct pd_loop *loop, int fd, short events, pd_fd_fn fn, void *ctx);
void pd_loop_del_fd(struct pd_loop *loop, int handle);

/* Attaches a source; returns a handle > 0 or -1. */
int pd_loop_add_source(struct pd_loop *loop, const struct pd_loop_source *src, void *ctx);
void pd_loop_del_source(struct pd_loop *loop, int handle);

/* A timer firing after ms milliseconds; repeat_ms > 0 makes it repeat with
 * that period until cancelled (a late loop does not fire it in a burst). A
 * timer added inside a timer callback fires at the earliest in the next
 * iteration. Returns its id, or 0 when out of memory. */
pd_timer_id pd_loop_add_timer(struct pd_loop *loop, long ms, long repeat_ms, pd_timer_fn fn,
                              void *ctx);
/* Cancels a pending timer (also from its own callback). Returns false when
 * id is unknown or a one-shot timer that already fired. */
bool pd_loop_cancel_timer(struct pd_loop *loop, pd_timer_id id);

/* Turns SIGWINCH, SIGTERM, SIGINT and SIGHUP into calls of fn from the loop
 * (self-pipe). Only one loop at a time may watch signals; the previous
 * handlers come back with pd_loop_unwatch_signals / pd_loop_free.
 * Returns 0 or -1. */
int pd_loop_watch_signals(struct pd_loop *loop, pd_signal_fn fn, void *ctx);
void pd_loop_unwatch_signals(struct pd_loop *loop);

/* Called at the start of every iteration, before poll (rendering). One. */
void pd_loop_set_before_sleep(struct pd_loop *loop, pd_hook_fn fn, void *ctx);

enum pd_loop_flags {
  PD_LOOP_NOWAIT = 1u << 0, /* poll with timeout 0 */
};

/* One iteration. Returns the number of callbacks run (signals, fds, timers;
 * source dispatches are not counted), or -1 on a poll error other than EINTR. */
int pd_loop_run_once(struct pd_loop *loop, unsigned flags);

/* Iterates until pd_loop_stop(). Returns 0, or -1 on a poll error. */
int pd_loop_run(struct pd_loop *loop);
void pd_loop_stop(struct pd_loop *loop);
bool pd_loop_stopped(const struct pd_loop *loop);

/* The timeout the next poll would use (-1: none), for tests and diagnostics. */
long pd_loop_next_timeout(struct pd_loop *loop);

#endif
