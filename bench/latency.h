/* latency.h — what the latency drivers (latency.c, latency-paced.c)
 * share: the clock, failing, counts from argv and the percentiles line.
 * Each defines PROG, its name for messages, before including this. */
#ifndef QTS_BENCH_LATENCY_H
#define QTS_BENCH_LATENCY_H
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SILENCE_MS 5000 /* a program silent this long has failed */

static int64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, PROG ": %s\n", what);
	exit(1);
}

/* A count from argv, 0 to max; exit 2 otherwise. */
static long count(const char *s, const char *what, long max)
{
	char *end;
	errno = 0;
	long n = strtol(s, &end, 10);
	if (errno || *end || end == s || n < 0 || n > max) {
		fprintf(stderr, PROG ": %s: '%s' is not a count\n", what, s);
		exit(2);
	}
	return n;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The 50th, 99th and 99.9th percentiles and the maximum of the n
 * latencies in ns (sorted here), in microseconds, on one line. */
static void print_percentiles(int64_t *ns, long n)
{
	qsort(ns, (size_t)n, sizeof *ns, by_value);
	double q[3] = { 0.5, 0.99, 0.999 };
	for (int k = 0; k < 3; k++) {
		long at = (long)(q[k] * (double)n + 0.5) - 1;
		printf("%.1f ", ns[at < 0 ? 0 : at >= n ? n - 1 : at] / 1e3);
	}
	printf("%.1f\n", ns[n - 1] / 1e3);
}
#endif
