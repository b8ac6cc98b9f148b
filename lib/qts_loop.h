/* qts_loop.h — one poll(2) loop for a live stage: file descriptors with
 * callbacks, a deadline on the monotonic clock, and a self-pipe that turns
 * signals (SIGINT, SIGTERM) and qts_loop_wake into a readable descriptor,
 * so that no signal is lost between a check and the wait.  skarnet's
 * iopause is the model: the caller decides what to wait for each time.
 *
 * Internal to qts (not installed). */
#ifndef QTS_LOOP_H
#define QTS_LOOP_H

#include <stdint.h>

typedef struct qts_loop qts_loop;

/* Called with the events poll(2) reported (POLLIN, POLLOUT, POLLHUP...). */
typedef void (*qts_loop_fn)(void *arg, int fd, short revents);

/* A loop with its self-pipe installed for the process (diag.c's signal
 * handler and qts_loop_wake write to it).  NULL when out of descriptors
 * or memory.  One loop at a time. */
qts_loop *qts_loop_new(void);
/* Closes the self-pipe; the descriptors watched are the caller's. */
void qts_loop_free(qts_loop *l);
/* Watch fd for events (POLLIN, POLLOUT), or change what is watched;
 * events 0 stops watching it.  0, or -1 when out of memory. */
int qts_loop_watch(qts_loop *l, int fd, short events, qts_loop_fn fn, void *arg);
/* Wait until a watched descriptor is ready, the monotonic clock reaches
 * deadline (ns, qts_loop_now; -1: none), a signal arrives or the loop is
 * woken; calls the ready descriptors' functions.  Returns 1 when woken
 * (a signal or qts_loop_wake), else 0. */
int qts_loop_wait(qts_loop *l, int64_t deadline);
/* Before a wait sleeps, poll without sleeping for up to ns (0: never;
 * --busy-poll): a descriptor ready meanwhile is served without the
 * wake-up of a sleeping process, at the cost of a core kept busy. */
void qts_loop_busy_poll(qts_loop *l, int64_t ns);
/* Async-signal-safe: make the loop's current or next wait return. */
void qts_loop_wake(void);
/* The monotonic clock, ns. */
int64_t qts_loop_now(void);
/* The wall clock (CLOCK_REALTIME), ns since the epoch: what a live
 * event is dated by. */
int64_t qts_wall_now(void);

#endif
