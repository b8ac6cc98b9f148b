/* latency.c — the round trip of a bar through a stage, one bar at a time.
 *
 *   latency BARS WARMUP PROGRAM [ARG...]
 *
 * Starts PROGRAM with a pipe on its stdin and one on its stdout, then for
 * each of WARMUP + BARS one-minute CSV bars of four symbols taking turns:
 * notes the time (CLOCK_MONOTONIC), writes the bar, reads until the
 * target for that bar's symbol and time comes out, and notes the time
 * again.  A bar is sent only once the answer to the one before is in, so
 * this measures latency, not throughput.  The driver spins on its end of
 * the pipe rather than sleep in poll(2): its own wake-up is not the
 * program's latency, and would be counted in it.  PROGRAM must answer every bar
 * with a target.  Prints the 50th, 99th and 99.9th percentiles and the
 * maximum of the BARS round trips after the warm-up, in microseconds, on
 * one line.  Exits 1 when PROGRAM fails or stays silent for 5 s. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "latency"
#include "latency.h"

static const char *const symbols[] = { "AAPL", "MSFT", "ORCL", "IBM" };
#define NSYM (sizeof symbols / sizeof *symbols)




/* The answer's buffer: lines of PROGRAM's output not yet looked at. */
static char buf[1 << 16];
static size_t have;

/* Read PROGRAM's output (fd, non-blocking) until a line starting with
 * want has come; the lines before it (the bar passed through) are
 * dropped. */
static void await(int fd, const char *want, long bar)
{
	size_t wlen = strlen(want);
	int64_t give_up = now_ns() + (int64_t)SILENCE_MS * 1000000;
	for (;;) {
		char *nl;
		while ((nl = memchr(buf, '\n', have))) {
			size_t len = (size_t)(nl - buf) + 1;
			int hit = len > wlen && memcmp(buf, want, wlen) == 0;
			memmove(buf, nl + 1, have - len);
			have -= len;
			if (hit)
				return;
		}
		if (have == sizeof buf)
			die("a line of output longer than 64 KiB");
		ssize_t n = read(fd, buf + have, sizeof buf - have);
		if (n == 0)
			die("the program ended before answering");
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			die(strerror(errno));
		if (n > 0)
			have += (size_t)n;
		else if (now_ns() > give_up) {
			fprintf(stderr, "latency: no target within %d ms of bar %ld\n", SILENCE_MS, bar);
			exit(1);
		}
	}
}


int main(int argc, char **argv)
{
	if (argc < 4) {
		fputs("usage: latency BARS WARMUP PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	long bars = count(argv[1], "BARS", 100000000), warm = count(argv[2], "WARMUP", 100000000);
	if (bars < 1)
		die("BARS: at least one");
	int to[2], from[2];
	if (pipe(to) < 0 || pipe(from) < 0)
		die(strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	pid_t pid = fork();
	if (pid < 0)
		die(strerror(errno));
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]), close(to[1]), close(from[0]), close(from[1]);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "latency: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	int fl = fcntl(from[0], F_GETFL);
	if (fl < 0 || fcntl(from[0], F_SETFL, fl | O_NONBLOCK) < 0)
		die(strerror(errno));

	int64_t *rt = malloc((size_t)bars * sizeof *rt);
	if (!rt)
		die("out of memory");
	time_t start = 1704205800; /* 2024-01-02T14:30:00Z */
	for (long i = 0; i < warm + bars; i++) {
		const char *sym = symbols[i % NSYM];
		/* a bar of each symbol a minute, prices wandering a little */
		time_t t = start + 60 * (i / (long)NSYM);
		struct tm tm;
		gmtime_r(&t, &tm);
		char when[32], line[160], want[96];
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		double o = 100 + (i * 7 % 13) / 4.0, c = 100 + (i * 5 % 11) / 4.0;
		int n = snprintf(line, sizeof line, "bar,%s,%s,1m,%.2f,%.2f,%.2f,%.2f,%ld\n", when, sym, o,
				 (o > c ? o : c) + 0.25, (o < c ? o : c) - 0.25, c, 1000 + i % 997);
		/* the target is known at the bar's end */
		t += 60;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(want, sizeof want, "target,%s,%s,", when, sym);

		int64_t t0 = now_ns();
		if (write(to[1], line, (size_t)n) != n)
			die("the program stopped reading");
		await(from[0], want, i + 1);
		int64_t t1 = now_ns();
		if (i >= warm)
			rt[i - warm] = t1 - t0;
	}
	close(to[1]);
	int status;
	fcntl(from[0], F_SETFL, fl);
	while (read(from[0], buf, sizeof buf) > 0)
		;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the program failed");

	print_percentiles(rt, bars);
	free(rt);
	return 0;
}
