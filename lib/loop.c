/* loop.c — the poll(2) loop of a live stage (qts_loop.h).  A signal's
 * handler (diag.c) and qts_loop_wake write a byte to a self-pipe that the
 * loop always watches: a signal that arrives just before poll(2) still
 * ends the wait, as it would not if only EINTR told of it. */
#include "qts_loop.h"
#include "qts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef struct watch {
	int fd;
	short events;
	qts_loop_fn fn;
	void *arg;
} watch;

struct qts_loop {
	int pipe[2];
	watch *w;
	size_t n, cap;
	struct pollfd *pfd;
	int64_t busy_poll; /* ns polled without sleeping before a wait sleeps */
};

int64_t qts_loop_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * QTS_NS_PER_SEC + t.tv_nsec;
}

int64_t qts_wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * QTS_NS_PER_SEC + t.tv_nsec;
}

static int nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -1 : 0;
}

qts_loop *qts_loop_new(void)
{
	qts_loop *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	if (pipe(l->pipe) < 0) {
		free(l);
		return NULL;
	}
	if (nonblock_cloexec(l->pipe[0]) < 0 || nonblock_cloexec(l->pipe[1]) < 0) {
		qts_loop_free(l);
		return NULL;
	}
	qts_wake_fd = l->pipe[1];
	return l;
}

void qts_loop_free(qts_loop *l)
{
	if (!l)
		return;
	if (qts_wake_fd == l->pipe[1])
		qts_wake_fd = -1;
	close(l->pipe[0]);
	close(l->pipe[1]);
	free(l->w);
	free(l->pfd);
	free(l);
}

int qts_loop_watch(qts_loop *l, int fd, short events, qts_loop_fn fn, void *arg)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->w[i].fd == fd) {
			if (!events) {
				l->w[i] = l->w[--l->n];
				return 0;
			}
			l->w[i] = (watch){ fd, events, fn, arg };
			return 0;
		}
	if (!events)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 4;
		watch *w = realloc(l->w, cap * sizeof *w);
		if (!w)
			return -1;
		l->w = w;
		struct pollfd *p = realloc(l->pfd, (cap + 1) * sizeof *p);
		if (!p)
			return -1;
		l->pfd = p;
		l->cap = cap;
	}
	if (!l->pfd && !(l->pfd = malloc(sizeof *l->pfd)))
		return -1;
	l->w[l->n++] = (watch){ fd, events, fn, arg };
	return 0;
}

void qts_loop_wake(void)
{
	int fd = qts_wake_fd, e = errno;
	char b = 0;
	/* Full: a wake is pending already. */
	if (fd >= 0 && write(fd, &b, 1) < 0)
		errno = e;
	errno = e;
}

/* poll(2)'s timeout for a deadline (-1: none), rounded up: waking before
 * the deadline would only wait again. */
static int ms_until(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - qts_loop_now();
	return left <= 0 ? 0 : left / 1000000 >= 86400000 ? 86400000 : (int)((left + 999999) / 1000000);
}

void qts_loop_busy_poll(qts_loop *l, int64_t ns)
{
	l->busy_poll = ns;
}

int qts_loop_wait(qts_loop *l, int64_t deadline)
{
	struct pollfd self = { .fd = l->pipe[0], .events = POLLIN };
	struct pollfd *p = l->pfd ? l->pfd : &self;
	size_t n = l->n;
	p[0] = self;
	for (size_t i = 0; i < n; i++)
		p[i + 1] = (struct pollfd){ .fd = l->w[i].fd, .events = l->w[i].events };
	int timeout = ms_until(deadline);
	int r = 0;
	if (l->busy_poll > 0 && timeout != 0) {
		/* A process asleep in poll(2) is woken by the scheduler, tens
		 * of us on a busy or virtual machine; one that keeps asking
		 * sees the descriptor ready within a system call.  The spin
		 * ends at the deadline too: a timer is not kept waiting. */
		int64_t until = qts_loop_now() + l->busy_poll;
		if (deadline >= 0 && deadline < until)
			until = deadline;
		while ((r = poll(p, n + 1, 0)) == 0 && qts_loop_now() < until)
			;
		if (r == 0) /* the spin ran to its end: sleep the rest */
			timeout = ms_until(deadline);
	}
	if (r == 0)
		r = poll(p, n + 1, timeout);
	if (r < 0)
		return errno == EINTR;
	int woken = 0;
	if (p[0].revents) {
		char buf[64];
		while (read(l->pipe[0], buf, sizeof buf) > 0)
			;
		woken = 1;
	}
	/* The watches as they were when poll(2) began: a function may change
	 * them; one no longer watched is not called. */
	for (size_t i = 0; i < n && r > 0; i++) {
		if (!p[i + 1].revents)
			continue;
		int fd = p[i + 1].fd;
		for (size_t k = 0; k < l->n; k++)
			if (l->w[k].fd == fd) {
				l->w[k].fn(l->w[k].arg, fd, p[i + 1].revents);
				break;
			}
	}
	return woken;
}
