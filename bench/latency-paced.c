/* latency-paced.c — bar in to order out of a live pipeline fed by a paced
 * qts-fetch, the way a paper-trading session runs.
 *
 *   latency-paced BARS WARMUP START TAP PROGRAM [ARG...]
 *
 * PROGRAM (a shell pipeline) runs `qts-fetch --pace` on a file of one-second
 * bars whose first bar is at START (seconds since the epoch), bar i at
 * START + i, and copies what qts-fetch releases into the FIFO TAP (`tee`)
 * on its way into the stages.  PROGRAM must answer every bar with a target,
 * dated at the bar's end (START + i + 1).  The driver notes the time
 * (CLOCK_MONOTONIC) each bar line comes out of TAP and each target line out
 * of PROGRAM, and prints the 50th, 99th and 99.9th percentiles and the
 * maximum of target time minus bar time over the BARS bars after WARMUP, in
 * microseconds, on one line.  Exits 1 when PROGRAM fails, misses a bar, or
 * stays silent for 5 s. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* timegm */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "latency-paced"
#include "latency.h"






/* The seconds since the epoch of an event line's time (its second field,
 * 2024-01-02T14:30:00Z), or -1. */
static long long line_time(const char *line)
{
	const char *c = strchr(line, ',');
	struct tm tm = { 0 };
	if (!c || sscanf(c + 1, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			 &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* One input's lines not yet looked at. */
typedef struct input {
	int fd;
	char buf[1 << 16];
	size_t have;
	int ended;
} input;

/* Read what fd has and note, for each whole line starting with prefix,
 * the time it came under the index its event time gives (its time minus
 * base); a line of another kind is passed over. */
static void take(input *in, const char *prefix, long long base, int64_t *when, long n)
{
	ssize_t got = read(in->fd, in->buf + in->have, sizeof in->buf - in->have);
	if (got == 0) {
		in->ended = 1;
		return;
	}
	if (got < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		die(strerror(errno));
	}
	int64_t t = now_ns();
	in->have += (size_t)got;
	size_t plen = strlen(prefix);
	char *nl;
	while ((nl = memchr(in->buf, '\n', in->have))) {
		*nl = '\0';
		if (strncmp(in->buf, prefix, plen) == 0) {
			long long i = line_time(in->buf) - base;
			if (i >= 0 && i < n && !when[i])
				when[i] = t;
		}
		size_t len = (size_t)(nl - in->buf) + 1;
		memmove(in->buf, nl + 1, in->have - len);
		in->have -= len;
	}
	if (in->have == sizeof in->buf)
		die("a line longer than 64 KiB");
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fputs("usage: latency-paced BARS WARMUP START TAP PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	long bars = count(argv[1], "BARS", 100000000), warm = count(argv[2], "WARMUP", 100000000);
	long long start = count(argv[3], "START", 4000000000L);
	const char *tap = argv[4];
	if (bars < 1)
		die("BARS: at least one");
	long n = warm + bars;
	int from[2];
	if (pipe(from) < 0)
		die(strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	pid_t pid = fork();
	if (pid < 0)
		die(strerror(errno));
	if (pid == 0) {
		dup2(from[1], 1);
		close(from[0]), close(from[1]);
		execvp(argv[5], argv + 5);
		fprintf(stderr, "latency-paced: %s: %s\n", argv[5], strerror(errno));
		_exit(127);
	}
	close(from[1]);
	static input tapped, out;
	if ((tapped.fd = open(tap, O_RDONLY)) < 0) /* until tee opens it */
		die(strerror(errno));
	out.fd = from[0];

	int64_t *bar_at = calloc((size_t)n, sizeof *bar_at), *target_at = calloc((size_t)n, sizeof *target_at);
	if (!bar_at || !target_at)
		die("out of memory");
	while (!out.ended) {
		struct pollfd p[2] = { { .fd = tapped.ended ? -1 : tapped.fd, .events = POLLIN },
				       { .fd = out.fd, .events = POLLIN } };
		int r = poll(p, 2, SILENCE_MS);
		if (r == 0)
			die("nothing for 5 s");
		if (r < 0) {
			if (errno == EINTR)
				continue;
			die(strerror(errno));
		}
		/* the tap first: a bar's line is in before its answer's */
		if (p[0].revents)
			take(&tapped, "bar,", start, bar_at, n);
		if (p[1].revents)
			take(&out, "target,", start + 1, target_at, n);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the program failed");

	int64_t *lat = malloc((size_t)bars * sizeof *lat);
	if (!lat)
		die("out of memory");
	for (long i = warm; i < n; i++) {
		if (!bar_at[i] || !target_at[i]) {
			fprintf(stderr, "latency-paced: bar %ld: no %s\n", i + 1, bar_at[i] ? "target" : "bar");
			return 1;
		}
		lat[i - warm] = target_at[i] > bar_at[i] ? target_at[i] - bar_at[i] : 0;
	}
	print_percentiles(lat, bars);
	free(lat);
	free(bar_at);
	free(target_at);
	return 0;
}
