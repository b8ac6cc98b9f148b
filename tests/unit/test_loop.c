/* The poll loop: a descriptor's function called when it is ready, the
 * deadline on the monotonic clock, a wake and a signal ending the wait,
 * a signal raised before the wait began included; the same with a busy
 * poll before the wait sleeps. */
#include "qts.h"
#include "qts_loop.h"
#include "tap.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int calls, last_fd;
static short last_revents;

static void on_ready(void *arg, int fd, short revents)
{
	(void)arg;
	calls++;
	last_fd = fd;
	last_revents = revents;
	char buf[16];
	if (revents & POLLIN)
		(void)!read(fd, buf, sizeof buf);
}

int main(void)
{
	qts_init("test_loop");
	qts_loop *l = qts_loop_new();
	CHECK(l != NULL, "a loop is made");
	int p[2];
	if (pipe(p) < 0)
		return 1;
	CHECK(qts_loop_watch(l, p[0], POLLIN, on_ready, NULL) == 0, "a descriptor is watched");

	int64_t t0 = qts_loop_now();
	int woken = qts_loop_wait(l, t0 + 30 * 1000000LL);
	int64_t waited = qts_loop_now() - t0;
	CHECK(woken == 0 && calls == 0 && waited >= 30 * 1000000LL, "nothing ready: the wait ends at the deadline");

	(void)!write(p[1], "x", 1);
	woken = qts_loop_wait(l, -1);
	CHECK(woken == 0 && calls == 1 && last_fd == p[0] && (last_revents & POLLIN), "a readable descriptor's function is called");

	qts_loop_wake();
	woken = qts_loop_wait(l, -1);
	CHECK(woken == 1 && calls == 1, "a wake ends the wait, with no descriptor ready");
	woken = qts_loop_wait(l, qts_loop_now());
	CHECK(woken == 0, "a wake is taken once");

	/* The signal comes before the wait: the self-pipe holds it. */
	raise(SIGTERM);
	CHECK(qts_interrupted == SIGTERM, "the handler notes the signal");
	woken = qts_loop_wait(l, -1);
	CHECK(woken == 1, "a signal raised before the wait ends it");
	qts_interrupted = 0;

	CHECK(qts_loop_watch(l, p[0], 0, NULL, NULL) == 0, "a descriptor is no longer watched");
	(void)!write(p[1], "y", 1);
	woken = qts_loop_wait(l, qts_loop_now() + 1000000LL);
	CHECK(woken == 0 && calls == 1, "an unwatched descriptor calls nothing");

	CHECK(qts_loop_watch(l, p[1], POLLOUT, on_ready, NULL) == 0, "a descriptor watched for writing");
	qts_loop_wait(l, -1);
	CHECK(calls == 2 && last_fd == p[1] && (last_revents & POLLOUT), "a writable descriptor's function is called");

	/* --busy-poll: the spin finds what comes, ends at the deadline, and
	 * what comes after it wakes the sleep that follows. */
	CHECK(qts_loop_watch(l, p[1], 0, NULL, NULL) == 0 && qts_loop_watch(l, p[0], POLLIN, on_ready, NULL) == 0,
	      "back to watching the reading end");
	qts_loop_busy_poll(l, QTS_NS_PER_SEC);
	woken = qts_loop_wait(l, -1);
	CHECK(woken == 0 && calls == 3 && last_fd == p[0], "busy: what was written before is read at once");
	t0 = qts_loop_now();
	woken = qts_loop_wait(l, t0 + 30 * 1000000LL);
	waited = qts_loop_now() - t0;
	CHECK(woken == 0 && calls == 3 && waited >= 30 * 1000000LL && waited < QTS_NS_PER_SEC / 2,
	      "busy for 1 s: the wait still ends at its deadline, 30 ms");
	qts_loop_wake();
	woken = qts_loop_wait(l, -1);
	CHECK(woken == 1 && calls == 3, "busy: a wake ends the spin");
	qts_loop_busy_poll(l, 20 * 1000000LL);
	pid_t child = fork();
	if (child == 0) {
		usleep(150 * 1000);
		(void)!write(p[1], "z", 1);
		_exit(0);
	}
	t0 = qts_loop_now();
	woken = qts_loop_wait(l, -1);
	waited = qts_loop_now() - t0;
	waitpid(child, NULL, 0);
	CHECK(woken == 0 && calls == 4 && waited >= 100 * 1000000LL,
	      "busy for 20 ms: what comes 150 ms later wakes the sleep after the spin");

	qts_loop_free(l);
	CHECK(qts_wake_fd == -1, "the self-pipe is gone with the loop");
	qts_loop_wake(); /* no loop: nothing to do */
	close(p[0]);
	close(p[1]);
	return tap_done();
}
